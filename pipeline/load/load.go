package load

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"golang.org/x/sync/errgroup"

	"github.com/dri-engine/dri/pipeline/internal/longload"

	"github.com/dri-engine/dri/pipeline"
)

// Options says what to load.
type Options struct {
	// Base is the embedded data: catalog.yaml, indicators.yaml and the files
	// they name (datasets.FS). Required.
	Base fs.FS
	// User is a user's data directory with its own catalog.yaml (entries add
	// to or replace the base ones; files are relative to it), or nil.
	User fs.FS
	// UserName is how User is shown in reports (the --data path).
	UserName string
	// UserCatalogue, if set, lists User's sources instead of its
	// catalog.yaml (a state directory's accepted uploads).
	UserCatalogue *pipeline.Catalogue
	// Extra are single files in the long format (CSV, Parquet, Arrow IPC by
	// extension), each loaded as a source of its own, after the catalogues.
	Extra []ExtraFile
	// Only, when not nil, restricts the catalogue's observation sources read
	// to these ids (reference sources and Extra files are always read).
	Only []string
	// Indicators, when not nil, restricts the embedded observation sources
	// read to those the registry lists for these indicators (their
	// sources:, and their group_weight's), for a job that needs no others (dri score reads only its
	// framework's). A user's catalogue sources, Extra files and the
	// adapters that build reference tables or extend the registry are
	// always read. TestRegistryListsEverySource keeps the lists complete, so
	// these indicators' values are the same as with every source.
	Indicators []string
	// Allocator for the Arrow record; nil means memory.DefaultAllocator.
	Allocator memory.Allocator
	// MaxYear is the latest reference year accepted; 0 means next year.
	MaxYear int
	// MaxLineBytes bounds the length of one line of a text file (CSV and
	// the like); a longer line rejects the file with a too-large problem at
	// that line. It bounds what a file without line ends can make a reader
	// hold. 0 means DefaultMaxLineBytes.
	MaxLineBytes int
	// MaxMessageBytes bounds one Arrow IPC message (its metadata, its body
	// and each buffer decompressed from it) and the Arrow memory an IPC
	// reader holds at once; a larger claim rejects the file with a
	// too-large problem. 0 means DefaultMaxMessageBytes.
	MaxMessageBytes int64
	// Progress, if set, is called after each source file is read.
	Progress func(done, total int, file string)
}

// ExtraFile is a long-format file given on the command line or uploaded.
type ExtraFile struct {
	FS   fs.FS
	Path string // path within FS
	Name string // display name
	ID   string // source id; derived from the file name when empty
}

// source is one catalogue entry bound to the file system it is read from.
type source struct {
	entry *pipeline.Entry
	fsys  fs.FS
	name  string // display name: base-relative path, or user dir + path
	index int    // catalogue order
	extra bool   // from Options.Extra
	base  bool   // an embedded catalogue entry (not replaced by the user's)
	// pending are parsed shards not yet absorbed (the parallel long reader);
	// parts are the rows of absorbed shards, in file order.
	pending []*pipeline.Collector
	parts   []*longload.Columns
	*pipeline.Collector
	ref       *pipeline.Reference
	checksums map[string]string
	mu        *sync.Mutex
	// Reader limits (Options.MaxLineBytes, Options.MaxMessageBytes).
	maxLine    int
	maxMessage int64
	// skipped counts the rows left out on purpose, by reason (skipRow);
	// skippedSeries those of series not used, by code (skipSeries).
	skipped, skippedSeries map[string]int
}

// open opens a file of the source's file system (the entry's file when name
// is ""), recording its checksum as it is read.
func (s *source) open(name string) (io.ReadCloser, string, error) {
	p := s.entry.File
	if name != "" {
		p = path.Join(path.Dir(s.entry.File), name)
	}
	display := s.displayName(p)
	f, err := s.fsys.Open(p)
	if err != nil {
		return nil, display, pipeline.Structural(display, 0, 0, pipeline.RuleUnreadable, "%v", unwrapPathError(err))
	}
	return &hashingReader{f: f, h: sha256.New(), done: func(sum string) {
		s.mu.Lock()
		s.checksums[display] = sum
		s.mu.Unlock()
	}}, display, nil
}

func (s *source) displayName(p string) string {
	if s.name == "" {
		return p
	}
	return path.Join(path.Dir(s.name), path.Base(p))
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Path, pe.Err)
	}
	return err
}

type hashingReader struct {
	f fs.File
	h interface {
		Write([]byte) (int, error)
		Sum([]byte) []byte
	}
	done       func(string)
	eof        bool
	noChecksum bool
}

func (r *hashingReader) Read(p []byte) (int, error) {
	n, err := r.f.Read(p)
	r.h.Write(p[:n])
	if err == io.EOF && !r.eof {
		r.eof = true
		r.done(hex.EncodeToString(r.h.Sum(nil)))
	}
	return n, err
}

// readerAt returns the file for reading at offsets, with its size, when it
// can (files of a directory or of the embedded data can). Reads at offsets
// do not move Read's position, so the checksum is still read through.
func (r *hashingReader) readerAt() (io.ReaderAt, int64, bool) {
	ra, ok := r.f.(io.ReaderAt)
	if !ok {
		return nil, 0, false
	}
	fi, err := r.f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return nil, 0, false
	}
	return ra, fi.Size(), true
}

// Stat is the file's (its size sizes the readers' buffers).
func (r *hashingReader) Stat() (fs.FileInfo, error) { return r.f.Stat() }

// drain reads the rest of the file (for its checksum) in reads of size
// bytes; nil at the end of the file.
func (r *hashingReader) drain(size int) error {
	if r.eof {
		return nil
	}
	buf := make([]byte, size)
	for {
		if _, err := r.Read(buf); err != nil {
			if err == io.EOF {
				return nil
			}
			return err
		}
	}
}

func (r *hashingReader) Close() error {
	if !r.noChecksum {
		_ = r.drain(32 * 1024) // the checksum is of the whole file
	}
	return r.f.Close()
}

// skipChecksum makes Close leave the rest of the file unread: the file
// gets no checksum.
func (r *hashingReader) skipChecksum() { r.noChecksum = true }

// Load reads the catalogues and every file they list, validates all values
// and builds the canonical table. It fails only when the catalogue or the
// registry cannot be read, or the context is cancelled; problems in data
// files are in the report (check Report.Errors).
func Load(ctx context.Context, opt Options) (*pipeline.Result, error) {
	mem := opt.Allocator
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	reg, err := readRegistry(opt.Base)
	if err != nil {
		return nil, err
	}
	cat, err := readCatalogue(opt.Base, pipeline.CatalogueFile)
	if err != nil {
		return nil, err
	}
	var sources []*source
	for _, e := range cat.Sources {
		sources = append(sources, &source{entry: e, fsys: opt.Base, name: e.File, base: true})
	}
	if opt.User != nil {
		user := opt.UserCatalogue
		if user == nil {
			if user, err = readCatalogue(opt.User, path.Join(opt.UserName, pipeline.CatalogueFile)); err != nil {
				return nil, err
			}
		}
		merged := cat.Merge(user)
		byID := map[string]*source{}
		for _, s := range sources {
			byID[s.entry.ID] = s
		}
		for _, e := range user.Sources {
			byID[e.ID] = &source{entry: e, fsys: opt.User, name: path.Join(opt.UserName, e.File)}
		}
		sources = sources[:0]
		for _, e := range merged.Sources {
			sources = append(sources, byID[e.ID])
		}
		cat = merged
	}
	for _, x := range opt.Extra {
		e := extraEntry(x)
		cat = cat.Merge(&pipeline.Catalogue{Sources: []*pipeline.Entry{e}})
		sources = append(sources, &source{entry: e, fsys: x.FS, name: x.Name, extra: true})
		// A sidecar FILE.subdivisions.csv adds sub-national codes the
		// file uses beyond ISO 3166-2 (synthetic panels write one).
		side := strings.TrimSuffix(x.Path, path.Ext(x.Path)) + ".subdivisions.csv"
		if _, err := fs.Stat(x.FS, side); err == nil {
			se := &pipeline.Entry{ID: e.ID + ".subdivisions", Adapter: "subdivisions", File: side, Publisher: "user",
				Title: "sub-national codes of " + x.Name, Vintage: "user file", Licence: "as stated by the user"}
			cat = cat.Merge(&pipeline.Catalogue{Sources: []*pipeline.Entry{se}})
			name := path.Join(path.Dir(x.Name), path.Base(side))
			sources = append(sources, &source{entry: se, fsys: x.FS, name: name, extra: true})
		}
	}
	for i, s := range sources {
		s.index = i
	}
	// A user's own indicators: indicators.yaml in the data directory, and a
	// sidecar FILE.indicators.yaml next to a single long file.
	reg = reg.Clone()
	if opt.User != nil {
		if data, err := fs.ReadFile(opt.User, pipeline.RegistryFile); err == nil {
			if err := reg.Extend(path.Join(opt.UserName, pipeline.RegistryFile), data); err != nil {
				return nil, err
			}
		}
	}
	for _, x := range opt.Extra {
		side := strings.TrimSuffix(x.Path, path.Ext(x.Path)) + ".indicators.yaml"
		if data, err := fs.ReadFile(x.FS, side); err == nil {
			if err := reg.Extend(side, data); err != nil {
				return nil, err
			}
		}
	}
	return load(ctx, sources, reg, cat, opt, mem)
}

func extraEntry(x ExtraFile) *pipeline.Entry {
	id := x.ID
	if id == "" {
		base := path.Base(x.Path)
		id = strings.ToLower(strings.TrimSuffix(base, path.Ext(base)))
		id = strings.Map(func(r rune) rune {
			if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '.' || r == '_' || r == '-' {
				return r
			}
			return '-'
		}, id)
	}
	return &pipeline.Entry{ID: "file." + id, Adapter: "long", File: x.Path, Publisher: "user", Title: x.Name,
		Vintage: "user file", Licence: "as stated by the user", Precedence: 100}
}

func readRegistry(fsys fs.FS) (*pipeline.Registry, error) {
	data, err := fs.ReadFile(fsys, pipeline.RegistryFile)
	if err != nil {
		return nil, fmt.Errorf("pipeline: read registry: %w", err)
	}
	return pipeline.ParseRegistry(pipeline.RegistryFile, data)
}

func readCatalogue(fsys fs.FS, name string) (*pipeline.Catalogue, error) {
	data, err := fs.ReadFile(fsys, pipeline.CatalogueFile)
	if err != nil {
		return nil, fmt.Errorf("pipeline: read catalogue %s: %w", name, err)
	}
	return pipeline.ParseCatalogue(name, data)
}

func load(ctx context.Context, sources []*source, reg *pipeline.Registry, cat *pipeline.Catalogue, opt Options, mem memory.Allocator) (*pipeline.Result, error) {
	pipeline.TracePhase("start")
	ref := pipeline.NewReference()
	ages := pipeline.NewInterner(pipeline.Total)
	notes := pipeline.NewInterner("")
	report := &pipeline.Report{}
	checksums := map[string]string{}
	var mu sync.Mutex
	maxYear := opt.MaxYear
	if maxYear == 0 {
		maxYear = pipeline.MaxYear()
	}
	maxLine, maxMessage := opt.MaxLineBytes, opt.MaxMessageBytes
	if maxLine <= 0 {
		maxLine = pipeline.DefaultMaxLineBytes
	}
	if maxMessage <= 0 {
		maxMessage = pipeline.DefaultMaxMessageBytes
	}

	// seq run one by one in phase order (reference tables, then adapters
	// that extend the registry, see adapterList); par run in parallel. Observation sources of
	// both kinds are merged into the table.
	var seq, par, obs []*source
	only := map[string]bool{}
	for _, id := range opt.Only {
		only[id] = true
	}
	needed := map[string]bool{}
	for _, id := range opt.Indicators {
		if ind, _, ok := reg.Lookup(id); ok {
			for _, src := range ind.Sources {
				needed[src] = true
			}
			// The indicator's group figures read its group weight too.
			if w, _, ok := reg.Lookup(ind.GroupWeight); ok {
				for _, src := range w.Sources {
					needed[src] = true
				}
			}
		}
	}
	for _, s := range sources {
		fr := &pipeline.FileReport{Source: s.entry.ID, File: s.name}
		s.Collector = pipeline.NewCollector(s.name, ref, reg, ages, notes, fr, maxYear)
		s.SetKnownDefects(s.entry.KnownDefects)
		s.ref, s.checksums, s.mu = ref, checksums, &mu
		s.maxLine, s.maxMessage = maxLine, maxMessage
		a := adapters[s.entry.Adapter]
		if a.producesObservations() && opt.Only != nil && !only[s.entry.ID] && !s.extra {
			continue
		}
		if a.phase == phaseObservations && s.base && opt.Indicators != nil && !needed[s.entry.ID] {
			continue
		}
		if a.phase != phaseObservations {
			seq = append(seq, s)
		} else {
			par = append(par, s)
		}
		if a.producesObservations() {
			obs = append(obs, s)
		}
	}
	total := len(seq) + len(par)
	done := 0
	progress := func(s *source) {
		done++
		if opt.Progress != nil {
			opt.Progress(done, total, s.name)
		}
	}
	sort.SliceStable(seq, func(i, j int) bool {
		return adapters[seq[i].entry.Adapter].phase < adapters[seq[j].entry.Adapter].phase
	})
	// Groups are built from the unit attributes once the reference tables
	// are read, before any adapter that produces observations.
	built := false
	for _, s := range seq {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if !built && !adapters[s.entry.Adapter].referenceTables() {
			ref.BuildGroups()
			built = true
		}
		runAdapter(s)
		report.Files = append(report.Files, s.Report())
		progress(s)
	}
	if !built {
		ref.BuildGroups()
	}
	pipeline.TracePhase("reference")

	// Parallel sources, largest files first (a long panel must not wait
	// for the small sources); the report keeps catalogue order regardless.
	order := make([]int, len(par))
	sizes := make([]int64, len(par))
	for i, s := range par {
		order[i] = i
		if st, err := fs.Stat(s.fsys, s.entry.File); err == nil {
			sizes[i] = st.Size()
		}
	}
	sort.SliceStable(order, func(a, b int) bool { return sizes[order[a]] > sizes[order[b]] })
	reports := make([]*pipeline.FileReport, len(par))
	var pmu sync.Mutex
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for _, i := range order {
		if ctx.Err() != nil {
			break
		}
		g.Go(func() error {
			s := par[i]
			runAdapter(s)
			reports[i] = s.Report()
			pmu.Lock()
			progress(s)
			pmu.Unlock()
			return nil
		})
	}
	_ = g.Wait() // runAdapter reports its errors in the file's report
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	report.Files = append(report.Files, reports...)

	pipeline.TracePhase("adapters")
	rec, err := merge(obs, ref, reg, ages.Strings(), notes.Strings(), mem)
	pipeline.TracePhase("merge")
	if err != nil {
		return nil, err
	}
	rows := 0
	for _, s := range obs {
		for _, p := range s.allParts() {
			rows += p.Len()
		}
		*s.Columns(), s.parts = longload.Columns{}, nil // now in the record
	}
	if rows >= bigLoad {
		// The parsed columns and the merge's order (22-41 bytes a row)
		// are garbage now: collect them before the caller allocates its own
		// structures, so the peak memory of a large load is one copy of
		// the table plus the merge, not two. A collection costs little here
		// (the big slices hold no pointers).
		runtime.GC()
		pipeline.TracePhase("gc")
	}
	return &pipeline.Result{Observations: rec, Reference: ref, Registry: reg, Catalogue: cat, Report: report, Checksums: checksums}, nil
}

// bigLoad is the number of rows from which load collects its garbage
// before returning.
const bigLoad = 1 << 20

// runAdapter reads one source. A structural error rejects the file: what it
// had loaded is counted as quarantined and dropped.
func runAdapter(s *source) {
	a := adapters[s.entry.Adapter]
	err := func() (err error) {
		defer func() {
			if p := recover(); p != nil {
				err = pipeline.Structural(s.name, 0, 0, pipeline.RuleUnreadable, "adapter %s failed: %v", s.entry.Adapter, p)
			}
		}()
		return a.read(s)
	}()
	if err == nil {
		for reason, n := range s.skipped {
			s.Ignore(reason, n)
		}
		for code, n := range s.skippedSeries {
			s.Ignore(fmt.Sprintf("series %s not used", code), n)
		}
		return
	}
	if ferr := s.absorbPending(); ferr != nil {
		err = ferr
	}
	r := s.Report()
	var le *pipeline.LoadError
	if !errors.As(err, &le) {
		le = pipeline.Structural(s.name, 0, 0, pipeline.RuleUnreadable, "%v", err)
	}
	if le.File == "" {
		le.File = s.name
	}
	r.Rejected = true
	r.Quarantined += r.Loaded
	r.Loaded = 0
	*s.Columns(), s.parts = longload.Columns{}, nil
	r.AddProblem(le.Problem())
}
