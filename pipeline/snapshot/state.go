package snapshot

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/dri-engine/dri/pipeline"
)

// State is a data directory that survives restarts: accepted uploads
// (content-addressed, immutable) and snapshots (content-addressed,
// immutable), with a pointer to the snapshot being served.
//
//	DIR/uploads/<sha256>.<ext>    files accepted by uploads
//	DIR/snapshots/<id>/           complete snapshots (manifest.json written last)
//	DIR/snapshots/.tmp-*          snapshots being written (ignored, removed)
//	DIR/current                   the id of the snapshot served
//
// Every write goes to a temporary name, is fsynced, renamed, and the
// directory fsynced, so a crash at any point leaves the previous state
// intact: the current pointer is the commit point.
type State struct {
	Dir string
}

// Layout names inside a state directory.
const (
	StateUploads   = "uploads"
	StateSnapshots = "snapshots"
	StateCurrent   = "current"
)

// OpenState creates the directory structure if needed.
func OpenState(dir string) (*State, error) {
	for _, d := range []string{dir, filepath.Join(dir, StateUploads), filepath.Join(dir, StateSnapshots)} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, fmt.Errorf("pipeline: state %s: %w", dir, err)
		}
	}
	return &State{Dir: dir}, nil
}

// SnapshotsDir is where snapshots are written.
func (s *State) SnapshotsDir() string { return filepath.Join(s.Dir, StateSnapshots) }

// Info describes a snapshot found in the state.
type Info struct {
	ID       string
	Created  time.Time
	Path     string
	Current  bool
	Manifest *Manifest
	written  time.Time // modification time of the directory
}

// Incomplete is a snapshot directory that cannot be served, with the
// reason. Path is relative to the state directory (snapshots/<name>).
type Incomplete struct {
	Path   string
	Reason string
}

// Snapshots lists the complete snapshots, newest first, and the incomplete
// directories (temporary leftovers of a crash, missing or mismatching
// files). A snapshot is complete when its manifest exists and every file's
// checksum matches.
func (s *State) Snapshots() ([]Info, []Incomplete, error) {
	return s.snapshots(Verify)
}

// Manifests lists the snapshots whose manifest is readable and names its
// directory, newest first, without reading their files: the cheap listing
// for pruning and for listing the uploads (Snapshots reads and checks every
// file, which is for choosing what to serve).
func (s *State) Manifests() ([]Info, error) {
	ok, _, err := s.snapshots(func(dir string) (*Manifest, error) {
		m, err := ReadManifest(dir)
		if err == nil && filepath.Base(dir) != m.ID {
			err = fmt.Errorf("pipeline: snapshot %s: manifest id %s does not match the directory", filepath.Base(dir), m.ID)
		}
		return m, err
	})
	return ok, err
}

func (s *State) snapshots(check func(dir string) (*Manifest, error)) ([]Info, []Incomplete, error) {
	entries, err := os.ReadDir(s.SnapshotsDir())
	if err != nil {
		return nil, nil, fmt.Errorf("pipeline: state: %w", err)
	}
	cur, _ := s.Current()
	var ok []Info
	var bad []Incomplete
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		path := filepath.Join(s.SnapshotsDir(), e.Name())
		rel := StateSnapshots + "/" + e.Name()
		if strings.HasPrefix(e.Name(), ".tmp-") {
			bad = append(bad, Incomplete{rel, "temporary directory of an interrupted write"})
			continue
		}
		if strings.HasPrefix(e.Name(), ".damaged-") {
			bad = append(bad, Incomplete{rel, "damaged snapshot set aside for a rebuild (removed by the next prune)"})
			continue
		}
		m, err := check(path)
		if err != nil {
			bad = append(bad, Incomplete{rel, s.Relative(err).Error()})
			continue
		}
		written := time.Time{}
		if fi, err := e.Info(); err == nil {
			written = fi.ModTime()
		}
		ok = append(ok, Info{ID: m.ID, Created: m.Created, Path: path, Current: m.ID == cur, Manifest: m, written: written})
	}
	// Newest first. Created has whole seconds (it is part of the
	// manifest); snapshots written within one second are told apart by
	// when their directory was written.
	sort.Slice(ok, func(i, j int) bool {
		if !ok[i].Created.Equal(ok[j].Created) {
			return ok[i].Created.After(ok[j].Created)
		}
		if !ok[i].written.Equal(ok[j].written) {
			return ok[i].written.After(ok[j].written)
		}
		return ok[i].ID < ok[j].ID
	})
	return ok, bad, nil
}

// Verify checks a snapshot directory against its manifest: the
// directory is named by the id and every file listed is there with its
// checksum.
func Verify(dir string) (*Manifest, error) {
	m, err := ReadManifest(dir)
	if err != nil {
		return nil, err
	}
	if filepath.Base(dir) != m.ID {
		return nil, fmt.Errorf("pipeline: snapshot %s: manifest id %s does not match the directory", dir, m.ID)
	}
	for name, want := range m.Files {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("pipeline: snapshot %s: %w", dir, err)
		}
		h := sha256.New()
		_, err = io.Copy(h, f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("pipeline: snapshot %s: %s: %w", dir, name, err)
		}
		if hex.EncodeToString(h.Sum(nil)) != want {
			return nil, fmt.Errorf("pipeline: snapshot %s: %s: checksum mismatch", dir, name)
		}
	}
	return m, nil
}

// Current returns the id the current pointer names ("" when none).
func (s *State) Current() (string, error) {
	b, err := os.ReadFile(filepath.Join(s.Dir, StateCurrent))
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("pipeline: state: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}

// SetCurrent points the state at a complete snapshot, atomically.
func (s *State) SetCurrent(id string) error {
	if _, err := Verify(filepath.Join(s.SnapshotsDir(), id)); err != nil {
		return err
	}
	return writeAtomic(s.Dir, StateCurrent, []byte(id+"\n"))
}

// Serving returns the snapshot to serve: the current one if complete, else
// the newest complete snapshot (reported in the returned note).
func (s *State) Serving() (info *Info, incomplete []Incomplete, note string, err error) {
	list, bad, err := s.Snapshots()
	if err != nil {
		return nil, nil, "", err
	}
	cur, err := s.Current()
	if err != nil {
		return nil, bad, "", err
	}
	for i := range list {
		if list[i].ID == cur {
			return &list[i], bad, "", nil
		}
	}
	if len(list) == 0 {
		return nil, bad, "", nil
	}
	if cur != "" {
		note = fmt.Sprintf("current snapshot %s is not complete; serving the newest complete one, %s", cur, list[0].ID)
	}
	return &list[0], bad, note, nil
}

// Clean removes what interrupted writes left: temporary snapshot
// directories and partly written uploads (.tmp-*). It never removes a stored
// upload: one no complete snapshot refers to may have been acknowledged
// (its snapshot since damaged); Uploads reports it instead.
func (s *State) Clean() error {
	for _, dir := range []string{s.SnapshotsDir(), filepath.Join(s.Dir, StateUploads)} {
		entries, err := os.ReadDir(dir)
		if err != nil {
			return fmt.Errorf("pipeline: state: %w", s.Relative(err))
		}
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), ".tmp-") {
				if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
					return fmt.Errorf("pipeline: state: %w", s.Relative(err))
				}
			}
		}
	}
	return nil
}

// StoredUpload is one file of the upload store and the complete snapshots
// whose catalogue names it.
type StoredUpload struct {
	// File is the name relative to the state directory (uploads/<sha256>.<ext>).
	File string `json:"file"`
	// Sources are the catalogue ids it was accepted as.
	Sources []string `json:"sources,omitempty"`
	// Snapshots are the ids of the snapshots whose catalogue names it.
	Snapshots []string `json:"snapshots,omitempty"`
}

// Uploads lists the stored uploads with the snapshots using each (list is
// from Snapshots or Manifests). An upload no complete snapshot uses is
// quarantined: kept, not served, reported (its request was interrupted
// before the commit point, or its snapshot was damaged or pruned).
func (s *State) Uploads(list []Info) ([]StoredUpload, error) {
	files, err := os.ReadDir(filepath.Join(s.Dir, StateUploads))
	if err != nil {
		return nil, fmt.Errorf("pipeline: state: %w", s.Relative(err))
	}
	byName := map[string]*StoredUpload{}
	out := []StoredUpload{} // empty, not nil: a state with no upload
	for _, f := range files {
		if !f.IsDir() && !strings.HasPrefix(f.Name(), ".") {
			out = append(out, StoredUpload{File: StateUploads + "/" + f.Name()})
		}
	}
	for i := range out {
		byName[out[i].File] = &out[i]
	}
	for _, info := range list {
		c, err := readSnapshotCatalogue(info.Path)
		if err != nil {
			continue // a damaged snapshot uses nothing
		}
		for _, e := range UserEntries(c) {
			if u := byName[e.File]; u != nil {
				u.Snapshots = append(u.Snapshots, info.ID)
				if !slices.Contains(u.Sources, e.ID) {
					u.Sources = append(u.Sources, e.ID)
				}
			}
		}
	}
	return out, nil
}

// readSnapshotCatalogue reads the catalogue of a snapshot directory (not
// checked against the manifest: the caller has verified it, or is
// recovering a damaged snapshot's sources).
func readSnapshotCatalogue(dir string) (*pipeline.Catalogue, error) {
	data, err := os.ReadFile(filepath.Join(dir, CatalogFile))
	if err != nil {
		return nil, fmt.Errorf("pipeline: state: %w", err)
	}
	var c pipeline.Catalogue
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("pipeline: state: %s: %s: %w", filepath.Base(dir), CatalogFile, err)
	}
	return &c, nil
}

// DamagedSources returns the accepted uploads of a snapshot that cannot be
// served (its id names a directory that fails Verify), read from its
// catalogue, when that catalogue is still readable and every upload it names
// is in the store: the sources to rebuild it from.
func (s *State) DamagedSources(id string) (*pipeline.Catalogue, error) {
	if id == "" || strings.ContainsAny(id, `/\.`) {
		return nil, fmt.Errorf("pipeline: state: bad snapshot id %q", id)
	}
	c, err := readSnapshotCatalogue(filepath.Join(s.SnapshotsDir(), id))
	if err != nil {
		return nil, s.Relative(err)
	}
	user := &pipeline.Catalogue{Sources: UserEntries(c)}
	for _, e := range user.Sources {
		if strings.Contains(e.File, "..") {
			return nil, fmt.Errorf("pipeline: state: snapshot %s names %q outside the upload store", id, e.File)
		}
		if _, err := os.Stat(filepath.Join(s.Dir, filepath.FromSlash(e.File))); err != nil {
			return nil, fmt.Errorf("pipeline: state: snapshot %s: source %s: %w", id, e.ID, s.Relative(err))
		}
	}
	return user, nil
}

// SetAside renames a damaged snapshot directory out of the way (to
// .damaged-<id>-<random>, which Snapshots lists as incomplete and Prune
// removes), so that a rebuild with the same content can take its name.
func (s *State) SetAside(id string) error {
	if id == "" || strings.ContainsAny(id, `/\.`) {
		return fmt.Errorf("pipeline: state: bad snapshot id %q", id)
	}
	from := filepath.Join(s.SnapshotsDir(), id)
	if err := os.Rename(from, filepath.Join(s.SnapshotsDir(), ".damaged-"+id+"-"+randomSuffix())); err != nil {
		return fmt.Errorf("pipeline: state: %w", s.Relative(err))
	}
	return syncDir(s.SnapshotsDir())
}

// Prune removes complete snapshots beyond the newest keep (by creation
// time), never the ones named in protect (the current and the served one)
// nor the rollback target of the current one (the newest snapshot created
// before it), and removes the directories of damaged snapshots set aside.
// Uploads are never removed. Each directory is first renamed to a temporary
// name, so a crash leaves nothing that looks like a snapshot. It returns the
// ids removed.
func (s *State) Prune(keep int, protect ...string) ([]string, error) {
	list, err := s.Manifests()
	if err != nil {
		return nil, err
	}
	kept := map[string]bool{}
	for _, id := range protect {
		kept[id] = true
	}
	cur, err := s.Current()
	if err != nil {
		return nil, err
	}
	kept[cur] = true
	// list is newest first: the rollback target of the current snapshot is
	// the first one after it.
	for i := range list {
		if list[i].ID == cur && i+1 < len(list) {
			kept[list[i+1].ID] = true
		}
	}
	var removed []string
	for i, info := range list {
		if i < keep || kept[info.ID] {
			continue
		}
		if err := s.removeSnapshotDir(info.ID); err != nil {
			return removed, err
		}
		removed = append(removed, info.ID)
	}
	entries, err := os.ReadDir(s.SnapshotsDir())
	if err != nil {
		return removed, fmt.Errorf("pipeline: state: %w", s.Relative(err))
	}
	for _, e := range entries {
		if e.IsDir() && strings.HasPrefix(e.Name(), ".damaged-") {
			if err := os.RemoveAll(filepath.Join(s.SnapshotsDir(), e.Name())); err != nil {
				return removed, fmt.Errorf("pipeline: state: %w", s.Relative(err))
			}
		}
	}
	return removed, nil
}

func (s *State) removeSnapshotDir(id string) error {
	tmp := filepath.Join(s.SnapshotsDir(), ".tmp-prune-"+id)
	if err := os.Rename(filepath.Join(s.SnapshotsDir(), id), tmp); err != nil {
		return fmt.Errorf("pipeline: state: prune: %w", s.Relative(err))
	}
	if err := syncDir(s.SnapshotsDir()); err != nil {
		return fmt.Errorf("pipeline: state: prune: %w", s.Relative(err))
	}
	if err := os.RemoveAll(tmp); err != nil {
		return fmt.Errorf("pipeline: state: prune: %w", s.Relative(err))
	}
	return nil
}

// StoreUpload stores an uploaded file durably under its content hash and
// returns its path relative to the state directory, and whether a file with
// that content was already stored. At most limit bytes are read; a larger
// file is ErrTooLarge and nothing is kept. ext must come from UploadExt: the
// client's file name never reaches the file system.
func (s *State) StoreUpload(r io.Reader, ext string, limit int64) (rel string, existed bool, err error) {
	if !uploadExts[ext] {
		return "", false, fmt.Errorf("pipeline: upload: extension %.20q is not one of %s", ext, uploadExtList())
	}
	dir := filepath.Join(s.Dir, StateUploads)
	tmp, err := os.CreateTemp(dir, ".tmp-upload-*")
	if err != nil {
		return "", false, fmt.Errorf("pipeline: upload: %w", s.Relative(err))
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), io.LimitReader(r, limit+1))
	if err != nil {
		return "", false, fmt.Errorf("pipeline: upload: %w", s.Relative(err))
	}
	if n > limit {
		return "", false, ErrTooLarge
	}
	if err = tmp.Sync(); err != nil {
		return "", false, fmt.Errorf("pipeline: upload: %w", s.Relative(err))
	}
	if err = tmp.Close(); err != nil {
		return "", false, fmt.Errorf("pipeline: upload: %w", s.Relative(err))
	}
	name := hex.EncodeToString(h.Sum(nil)) + ext
	final := filepath.Join(dir, name)
	if _, statErr := os.Stat(final); statErr == nil {
		existed = true
	}
	if err = os.Rename(tmp.Name(), final); err != nil {
		return "", false, fmt.Errorf("pipeline: upload: %w", s.Relative(err))
	}
	if err = syncDir(dir); err != nil {
		return "", false, fmt.Errorf("pipeline: upload: %w", s.Relative(err))
	}
	return StateUploads + "/" + name, existed, nil
}

// uploadExts are the extensions an upload is stored under: the formats the
// adapters read (CSV and text tables; Parquet and Arrow IPC for the long
// format).
var uploadExts = map[string]bool{".csv": true, ".tsv": true, ".txt": true, ".parquet": true,
	".arrow": true, ".arrows": true, ".ipc": true, ".feather": true}

func uploadExtList() string { return strings.Join(sortedKeys(uploadExts), ", ") }

// UploadExt returns the extension an upload named filename (as the client
// sent it) is stored under: its own, lower case, when it is one the adapters
// read, ".csv" when it has none, and an error naming the allowed ones
// otherwise. The file is stored as <sha256><ext>, so a client's name, however
// long or strange, never becomes a file name.
func UploadExt(filename string) (string, error) {
	ext := strings.ToLower(path.Ext(filename))
	if ext == "" || ext == "." {
		return ".csv", nil
	}
	if !uploadExts[ext] {
		shown := ext
		if len(shown) > 20 {
			shown = shown[:20] + "..."
		}
		return "", fmt.Errorf("file extension %q is not one DRI reads (%s)", shown, uploadExtList())
	}
	return ext, nil
}

// Relative returns err with the state directory taken out of its message
// (paths read relative to it, e.g. uploads/<sha256>.csv), so that messages
// and logs never show where the state lives; errors.Is and errors.As still
// see the original chain (syscall.ENOSPC, fs.ErrNotExist). nil stays nil.
func (s *State) Relative(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	for _, dir := range []string{filepath.Clean(s.Dir), filepath.ToSlash(filepath.Clean(s.Dir))} {
		msg = strings.ReplaceAll(msg, dir+string(filepath.Separator), "")
		msg = strings.ReplaceAll(msg, dir+"/", "")
		msg = strings.ReplaceAll(msg, dir, ".")
	}
	if msg == err.Error() {
		return err
	}
	return &relativeError{msg: msg, err: err}
}

type relativeError struct {
	msg string
	err error
}

func (e *relativeError) Error() string { return e.msg }
func (e *relativeError) Unwrap() error { return e.err }

// ErrTooLarge is an upload over the size limit.
var ErrTooLarge = errors.New("pipeline: upload too large")

// writeAtomic writes dir/name through a temporary file, fsync and rename,
// then fsyncs the directory.
func writeAtomic(dir, name string, data []byte) error {
	tmp, err := os.CreateTemp(dir, ".tmp-"+name+"-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, name)); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return syncDir(dir)
}

// UserEntries returns the entries of a catalogue whose files live in the
// state's upload store (the sources accepted by uploads).
func UserEntries(c *pipeline.Catalogue) []*pipeline.Entry {
	var out []*pipeline.Entry
	for _, e := range c.Sources {
		if strings.HasPrefix(e.File, StateUploads+"/") {
			out = append(out, e)
		}
	}
	return out
}
