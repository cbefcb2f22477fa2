package snapshot

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/goccy/go-yaml"

	"github.com/dri-engine/dri/pipeline"
)

// Files of a snapshot directory.
const (
	ManifestFile     = "manifest.json"
	ObservationsFile = "observations.parquet"
	UnitsFile        = "units.parquet"
	GroupsFile       = "groups.parquet"
	ReportFile       = "report.json"
	CatalogFile      = "catalog.json"
	RegistryFile     = "indicators.yaml"
)

// Format is the version of the snapshot layout. Format 2 added the
// income, education and labour columns to the observations; Read upgrades
// a format 1 snapshot by giving every row the total in them (format 1
// could hold no other).
const Format = 2

// Manifest describes a snapshot: what it holds and where it came from.
type Manifest struct {
	ID         string            `json:"id"`
	Format     int               `json:"format"`
	Created    time.Time         `json:"created"`
	Sources    []ManifestSource  `json:"sources"`
	Files      map[string]string `json:"files"` // snapshot file -> SHA-256
	Counts     ManifestCounts    `json:"counts"`
	Validation ValidationCounts  `json:"validation"`
}

// ManifestSource is one source of a snapshot with its accounting.
type ManifestSource struct {
	ID          string `json:"id"`
	File        string `json:"file"`
	Adapter     string `json:"adapter"`
	Publisher   string `json:"publisher"`
	Vintage     string `json:"vintage"`
	Licence     string `json:"licence"`
	SHA256      string `json:"sha256,omitempty"`
	Read        int    `json:"read"`
	Loaded      int    `json:"loaded"`
	Quarantined int    `json:"quarantined"`
	Superseded  int    `json:"superseded"`
	Rejected    bool   `json:"rejected,omitempty"`
}

// ManifestCounts sizes the snapshot's tables.
type ManifestCounts struct {
	Observations int `json:"observations"`
	Units        int `json:"units"`
	Groups       int `json:"groups"`
	Indicators   int `json:"indicators"`
}

// ValidationCounts totals the validation report.
type ValidationCounts struct {
	Read        int `json:"read"`
	Loaded      int `json:"loaded"`
	Quarantined int `json:"quarantined"`
	Superseded  int `json:"superseded"`
	Errors      int `json:"errors"`
	Notices     int `json:"notices"`
}

// ComputeManifest returns the manifest Write would write for the
// result (same id), without writing anything.
func ComputeManifest(r *pipeline.Result, extra map[string][]byte) (*Manifest, error) {
	files, err := snapshotFiles(r, extra)
	if err != nil {
		return nil, err
	}
	return manifest(r, files), nil
}

// snapshotFiles renders the snapshot's files (all but the manifest).
func snapshotFiles(r *pipeline.Result, extra map[string][]byte) (map[string][]byte, error) {
	files := map[string][]byte{}
	var err error
	if files[ObservationsFile], err = parquetBytes(r.Observations); err != nil {
		return nil, err
	}
	units, groups := r.ReferenceRecords()
	defer units.Release()
	defer groups.Release()
	if files[UnitsFile], err = parquetBytes(units); err != nil {
		return nil, err
	}
	if files[GroupsFile], err = parquetBytes(groups); err != nil {
		return nil, err
	}
	if files[ReportFile], err = json.MarshalIndent(r.Report, "", "  "); err != nil {
		return nil, fmt.Errorf("pipeline: snapshot: %w", err)
	}
	if files[CatalogFile], err = json.MarshalIndent(r.Catalogue, "", "  "); err != nil {
		return nil, fmt.Errorf("pipeline: snapshot: %w", err)
	}
	if files[RegistryFile], err = yaml.Marshal(r.Registry); err != nil {
		return nil, fmt.Errorf("pipeline: snapshot: %w", err)
	}
	for name, data := range extra {
		if strings.ContainsAny(name, `/\`) || name == ManifestFile {
			return nil, fmt.Errorf("pipeline: snapshot: bad extra file name %q", name)
		}
		files[name] = data
	}
	return files, nil
}

// Write writes the result as an immutable snapshot directory under
// dir, named by its content hash, and returns the manifest. Files are written
// into a temporary directory, fsynced, and the directory is renamed into
// place, so a crash leaves either no snapshot or a complete one. Writing the
// same content twice yields the same id and leaves the first copy in place.
// Extra files (name -> bytes, e.g. scores) are written alongside and hashed.
func Write(dir string, r *pipeline.Result, extra map[string][]byte) (*Manifest, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("pipeline: snapshot: %w", err)
	}
	files, err := snapshotFiles(r, extra)
	if err != nil {
		return nil, err
	}
	m := manifest(r, files)
	final := filepath.Join(dir, m.ID)
	if _, err := os.Stat(filepath.Join(final, ManifestFile)); err == nil {
		return ReadManifest(final)
	}
	manifest, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("pipeline: snapshot: %w", err)
	}
	files[ManifestFile] = manifest
	tmp := filepath.Join(dir, ".tmp-"+m.ID[:12]+"-"+randomSuffix())
	if err := os.Mkdir(tmp, 0o755); err != nil {
		return nil, fmt.Errorf("pipeline: snapshot: %w", err)
	}
	cleanup := func(err error) (*Manifest, error) {
		os.RemoveAll(tmp)
		return nil, fmt.Errorf("pipeline: snapshot: %w", err)
	}
	names := sortedKeys(files)
	// The manifest goes last: a directory with a manifest is complete.
	sort.SliceStable(names, func(i, j int) bool { return names[j] == ManifestFile })
	for i, name := range names {
		if err := writeFileSync(filepath.Join(tmp, name), files[name]); err != nil {
			return cleanup(err)
		}
		if i == len(names)/2 {
			CrashPoint("snapshot-partial")
		}
	}
	if err := syncDir(tmp); err != nil {
		return cleanup(err)
	}
	if err := os.Rename(tmp, final); err != nil {
		if _, statErr := os.Stat(filepath.Join(final, ManifestFile)); statErr == nil {
			os.RemoveAll(tmp)
			return ReadManifest(final)
		}
		return cleanup(err)
	}
	if err := syncDir(dir); err != nil {
		return nil, fmt.Errorf("pipeline: snapshot: %w", err)
	}
	CrashPoint("snapshot-renamed")
	return m, nil
}

// CrashPoint is a fault-injection point for the crash tests: when the
// environment variable DRI_CRASH_POINT names it, the process says so on
// standard error and stops there, waiting to be killed (SIGKILL) by the test.
// It does nothing otherwise.
func CrashPoint(name string) {
	if os.Getenv("DRI_CRASH_POINT") != name {
		return
	}
	fmt.Fprintf(os.Stderr, "dri: crash point %s reached\n", name)
	select {}
}

func randomSuffix() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func manifest(r *pipeline.Result, files map[string][]byte) *Manifest {
	m := &Manifest{Format: Format, Created: time.Now().UTC().Truncate(time.Second), Files: map[string]string{}}
	h := sha256.New()
	for _, name := range sortedKeys(files) {
		sum := sha256.Sum256(files[name])
		m.Files[name] = hex.EncodeToString(sum[:])
		fmt.Fprintf(h, "%s %s\n", m.Files[name], name)
	}
	m.ID = hex.EncodeToString(h.Sum(nil))[:32]
	byID := map[string]*pipeline.FileReport{}
	for _, f := range r.Report.Files {
		byID[f.Source] = f
	}
	for _, e := range r.Catalogue.Sources {
		ms := ManifestSource{ID: e.ID, File: e.File, Adapter: e.Adapter, Publisher: e.Publisher, Vintage: e.Vintage, Licence: e.Licence}
		if f, ok := byID[e.ID]; ok {
			ms.File = f.File
			ms.SHA256 = r.Checksums[f.File]
			ms.Read, ms.Loaded, ms.Quarantined, ms.Superseded, ms.Rejected = f.Read, f.Loaded, f.Quarantined, f.Superseded, f.Rejected
		}
		m.Sources = append(m.Sources, ms)
	}
	m.Counts = ManifestCounts{Observations: int(r.Observations.NumRows()), Units: len(r.PublishedUnits()),
		Groups: len(r.Reference.Groups()), Indicators: len(r.Registry.Indicators)}
	read, loaded, quarantined, superseded := r.Report.Totals()
	notices := 0
	for _, f := range r.Report.Files {
		notices += f.Notices
	}
	m.Validation = ValidationCounts{Read: read, Loaded: loaded, Quarantined: quarantined, Superseded: superseded,
		Errors: r.Report.Errors(), Notices: notices}
	return m
}

func writeFileSync(name string, data []byte) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

func parquetBytes(rec arrow.RecordBatch) ([]byte, error) {
	var buf bytes.Buffer
	props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Zstd), parquet.WithDictionaryDefault(true))
	tbl := array.NewTableFromRecords(rec.Schema(), []arrow.RecordBatch{rec})
	defer tbl.Release()
	if err := pqarrow.WriteTable(tbl, &buf, 128*1024, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema())); err != nil {
		return nil, fmt.Errorf("pipeline: snapshot: write parquet: %w", err)
	}
	return buf.Bytes(), nil
}

// ReadManifest reads the manifest of a snapshot directory.
func ReadManifest(dir string) (*Manifest, error) {
	data, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		return nil, fmt.Errorf("pipeline: snapshot %s: %w", dir, err)
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("pipeline: snapshot %s: manifest: %w", dir, err)
	}
	return &m, nil
}

// Read loads a snapshot directory written by Write, checking
// every file against the manifest's checksums. The caller releases the
// result.
func Read(dir string, mem memory.Allocator) (*pipeline.Result, *Manifest, error) {
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	m, err := ReadManifest(dir)
	if err != nil {
		return nil, nil, err
	}
	if m.Format != Format && m.Format != 1 {
		return nil, nil, fmt.Errorf("pipeline: snapshot %s: format %d, want %d", dir, m.Format, Format)
	}
	read := func(name string) ([]byte, error) {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("pipeline: snapshot %s: %w", dir, err)
		}
		sum := sha256.Sum256(data)
		if want := m.Files[name]; want != hex.EncodeToString(sum[:]) {
			return nil, fmt.Errorf("pipeline: snapshot %s: %s: checksum mismatch (corrupt or modified)", dir, name)
		}
		return data, nil
	}
	res := &pipeline.Result{Report: &pipeline.Report{}, Catalogue: &pipeline.Catalogue{}, Checksums: map[string]string{}}
	data, err := read(RegistryFile)
	if err != nil {
		return nil, nil, err
	}
	if res.Registry, err = pipeline.ParseRegistry(RegistryFile, data); err != nil {
		return nil, nil, err
	}
	for name, dst := range map[string]any{ReportFile: res.Report, CatalogFile: res.Catalogue} {
		data, err := read(name)
		if err != nil {
			return nil, nil, err
		}
		if err := json.Unmarshal(data, dst); err != nil {
			return nil, nil, fmt.Errorf("pipeline: snapshot %s: %s: %w", dir, name, err)
		}
	}
	tables := map[string]arrow.RecordBatch{}
	defer func() {
		for _, t := range tables {
			t.Release()
		}
	}()
	for _, name := range []string{ObservationsFile, UnitsFile, GroupsFile} {
		data, err := read(name)
		if err != nil {
			return nil, nil, err
		}
		rec, err := readParquet(data, mem)
		if err != nil {
			return nil, nil, fmt.Errorf("pipeline: snapshot %s: %s: %w", dir, name, err)
		}
		tables[name] = rec
	}
	obs := tables[ObservationsFile]
	if m.Format == 1 {
		up, err := upgradeFormat1(obs, mem)
		if err != nil {
			return nil, nil, fmt.Errorf("pipeline: snapshot %s: %s: format 1: %w", dir, ObservationsFile, err)
		}
		obs.Release()
		obs = up
		tables[ObservationsFile] = up
	}
	if !sameFields(obs.Schema(), pipeline.Schema) {
		return nil, nil, fmt.Errorf("pipeline: snapshot %s: %s: not the canonical schema: %v", dir, ObservationsFile, obs.Schema())
	}
	res.Reference = pipeline.ReferenceFromRecords(tables[UnitsFile], tables[GroupsFile])
	// Parquet adds field ids as metadata; the table gets the canonical schema.
	res.Observations = array.NewRecordBatch(pipeline.Schema, obs.Columns(), obs.NumRows())
	return res, m, nil
}

// upgradeFormat1 inserts the income, education and labour columns, the
// total on every row, after age in a format 1 observations record.
func upgradeFormat1(obs arrow.RecordBatch, mem memory.Allocator) (arrow.RecordBatch, error) {
	if int(obs.NumCols()) != pipeline.Schema.NumFields()-3 || obs.Schema().Field(pipeline.IdxAge).Name != pipeline.ColAge {
		return nil, fmt.Errorf("%d columns, want format 1's %d with age at %d", obs.NumCols(), pipeline.Schema.NumFields()-3, pipeline.IdxAge)
	}
	n := int(obs.NumRows())
	cols := make([]arrow.Array, 0, pipeline.Schema.NumFields())
	cols = append(cols, obs.Columns()[:pipeline.IdxAge+1]...)
	var added []arrow.Array
	defer func() {
		for _, a := range added {
			a.Release()
		}
	}()
	for _, i := range []int{pipeline.IdxIncome, pipeline.IdxEducation, pipeline.IdxLabour} {
		dt := pipeline.Schema.Field(i).Type.(*arrow.DictionaryType)
		b := array.NewDictionaryBuilder(mem, dt).(*array.BinaryDictionaryBuilder)
		b.Reserve(n)
		for range n {
			if err := b.AppendString(pipeline.Total); err != nil {
				b.Release()
				return nil, err
			}
		}
		a := b.NewArray()
		b.Release()
		added = append(added, a)
		cols = append(cols, a)
	}
	cols = append(cols, obs.Columns()[pipeline.IdxAge+1:]...)
	return array.NewRecordBatch(pipeline.Schema, cols, int64(n)), nil
}

// sameFields compares names, types and nullability, not metadata.
func sameFields(a, b *arrow.Schema) bool {
	if a.NumFields() != b.NumFields() {
		return false
	}
	for i, f := range a.Fields() {
		g := b.Field(i)
		if f.Name != g.Name || !arrow.TypeEqual(f.Type, g.Type) || f.Nullable != g.Nullable {
			return false
		}
	}
	return true
}

func readParquet(data []byte, mem memory.Allocator) (arrow.RecordBatch, error) {
	pf, err := file.NewParquetReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	defer pf.Close()
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{}, mem)
	if err != nil {
		return nil, err
	}
	tbl, err := fr.ReadTable(context.Background())
	if err != nil {
		return nil, err
	}
	defer tbl.Release()
	return concatTable(tbl, mem)
}

// concatTable turns a table (possibly several chunks) into one record.
func concatTable(tbl arrow.Table, mem memory.Allocator) (arrow.RecordBatch, error) {
	cols := make([]arrow.Array, tbl.NumCols())
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	for i := range cols {
		chunks := tbl.Column(i).Data().Chunks()
		if len(chunks) == 1 {
			chunks[0].Retain()
			cols[i] = chunks[0]
			continue
		}
		if len(chunks) == 0 {
			b := array.NewBuilder(mem, tbl.Schema().Field(i).Type)
			cols[i] = b.NewArray()
			b.Release()
			continue
		}
		c, err := array.Concatenate(chunks, mem)
		if err != nil {
			return nil, err
		}
		cols[i] = c
	}
	return array.NewRecordBatch(tbl.Schema(), cols, tbl.NumRows()), nil
}

// ErrNoSnapshot is returned when a directory holds no complete snapshot.
var ErrNoSnapshot = errors.New("no complete snapshot")

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
