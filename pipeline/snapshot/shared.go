package snapshot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/dri-engine/dri/pipeline"
	"github.com/dri-engine/dri/pipeline/objstore"
)

// Shared is a state kept in an object store, so that several `dri serve`
// replicas share it: the same layout as a state directory, as objects,
//
//	PREFIX/uploads/<sha256>.<ext>     accepted uploads (immutable)
//	PREFIX/snapshots/<id>/<file>      snapshots (immutable; manifest.json last)
//	PREFIX/current                    the pointer (JSON), changed only by compare-and-swap
//
// with a local State as a cache only: a replica downloads the snapshot the
// pointer names (and the uploads its catalogue names, to rebuild from) into
// its cache, checks every file against the manifest, and serves it. A
// snapshot and its uploads are in the store before the pointer names it, so
// a pointer never names something a replica cannot fetch.
type Shared struct {
	Store *objstore.Store
	Cache *State

	mu sync.Mutex
	// read is, per complete snapshot read by Uploads or StoreUploads, its
	// creation time and the uploads its catalogue names (a complete
	// snapshot never changes, so each is read once).
	read map[string]snapshotUses
}

// snapshotUses is what the upload listings need of a complete snapshot.
type snapshotUses struct {
	created time.Time
	uses    []uploadUse
}

// uploadUse is an upload a snapshot's catalogue names, with the source
// (catalogue entry) it is the file of.
type uploadUse struct{ file, source string }

// PointerKey is the object that names the snapshot served.
const PointerKey = "current"

// Pointer is the content of the pointer object. Every write has a new
// generation, so two writes never have the same content (nor, on a store
// that uses a content hash as ETag, the same ETag): a compare-and-swap
// against a pointer read before an A→B→A change fails, as it must.
type Pointer struct {
	Snapshot   string    `json:"snapshot"`
	Generation int64     `json:"generation"`
	Previous   string    `json:"previous,omitempty"`
	Written    time.Time `json:"written"`
	// By names the replica (host name and process id) that wrote it.
	By string `json:"by,omitempty"`
	// ETag is the object's ETag as read (not part of the content).
	ETag string `json:"-"`
}

// ReadPointer reads the pointer; a store without one gives a zero Pointer
// (Snapshot "").
func (sh *Shared) ReadPointer(ctx context.Context) (Pointer, error) {
	p, _, err := sh.PointerIfChanged(ctx, "")
	return p, err
}

// PointerIfChanged reads the pointer unless its ETag is still etag (one
// small conditional request); changed is false when it was.
func (sh *Shared) PointerIfChanged(ctx context.Context, etag string) (p Pointer, changed bool, err error) {
	data, newETag, changed, err := sh.Store.GetIfChanged(ctx, PointerKey, etag)
	if errors.Is(err, objstore.ErrNotExist) {
		return Pointer{}, etag != "", nil
	}
	if err != nil || !changed {
		return Pointer{ETag: etag}, false, err
	}
	p, err = parsePointer(data, newETag)
	return p, true, err
}

func parsePointer(data []byte, etag string) (Pointer, error) {
	var p Pointer
	if err := json.Unmarshal(data, &p); err != nil {
		return Pointer{}, fmt.Errorf("pipeline: shared state: %s: %w", PointerKey, err)
	}
	if !validID(p.Snapshot) {
		return Pointer{}, fmt.Errorf("pipeline: shared state: %s names %q, not a snapshot id", PointerKey, p.Snapshot)
	}
	p.ETag = etag
	return p, nil
}

// validID is a snapshot id as manifest computes it: 32 hex digits.
func validID(id string) bool {
	if len(id) != 32 {
		return false
	}
	_, err := hex.DecodeString(id)
	return err == nil
}

// SwapPointer points the store at snapshot id when the pointer is still
// prev (read by ReadPointer or PointerIfChanged; a zero prev means "no
// pointer yet"): the commit point of an upload. It fails with
// objstore.ErrPrecondition, changing nothing, when another replica moved
// the pointer since prev was read. The snapshot must have been published.
func (sh *Shared) SwapPointer(ctx context.Context, prev Pointer, id string) (Pointer, error) {
	if !validID(id) {
		return Pointer{}, fmt.Errorf("pipeline: shared state: bad snapshot id %q", id)
	}
	host, _ := os.Hostname()
	p := Pointer{Snapshot: id, Generation: prev.Generation + 1, Previous: prev.Snapshot,
		Written: time.Now().UTC(), By: fmt.Sprintf("%s/%d", host, os.Getpid())}
	data, err := json.Marshal(p)
	if err != nil {
		return Pointer{}, err
	}
	cond := objstore.Cond{IfMatch: prev.ETag}
	if prev.ETag == "" {
		cond = objstore.Cond{IfAbsent: true}
	}
	if p.ETag, err = sh.Store.Put(ctx, PointerKey, append(data, '\n'), cond); err != nil {
		return Pointer{}, err
	}
	return p, nil
}

// Publish copies snapshot id from the cache into the store, with the
// uploads its catalogue names: uploads first, then the snapshot's files,
// its manifest last (a snapshot with a manifest in the store is complete).
// Each file is read once and checked against its hash before it is sent.
// Objects already in the store are not sent again (their keys are content
// hashes).
func (sh *Shared) Publish(ctx context.Context, id string) error {
	dir := filepath.Join(sh.Cache.SnapshotsDir(), id)
	m, err := ReadManifest(dir)
	if err != nil {
		return sh.Cache.Relative(err)
	}
	if m.ID != id {
		return fmt.Errorf("pipeline: shared state: snapshot %s: manifest names %s", id, m.ID)
	}
	if ok, err := sh.Store.Exists(ctx, snapshotKey(id, ManifestFile)); err != nil || ok {
		return err
	}
	c, err := readSnapshotCatalogue(dir)
	if err != nil {
		return sh.Cache.Relative(err)
	}
	for _, e := range UserEntries(c) {
		name := strings.TrimPrefix(e.File, StateUploads+"/")
		if err := sh.putFile(ctx, e.File, filepath.Join(sh.Cache.Dir, filepath.FromSlash(e.File)),
			strings.TrimSuffix(name, filepath.Ext(name))); err != nil {
			return err
		}
	}
	for _, name := range sortedKeys(m.Files) {
		if err := sh.putFile(ctx, snapshotKey(id, name), filepath.Join(dir, name), m.Files[name]); err != nil {
			return err
		}
	}
	return sh.putFile(ctx, snapshotKey(id, ManifestFile), filepath.Join(dir, ManifestFile), "")
}

// putFile sends a file of the cache to the store unless the key is there,
// after checking it against its SHA-256 (want; "" for the manifest, which
// names the others): a damaged cache file is never published.
func (sh *Shared) putFile(ctx context.Context, key, file, want string) error {
	if ok, err := sh.Store.Exists(ctx, key); err != nil || ok {
		return err
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return sh.Cache.Relative(err)
	}
	if sum := sha256.Sum256(data); want != "" && hex.EncodeToString(sum[:]) != want {
		return fmt.Errorf("pipeline: shared state: %s: checksum mismatch (corrupt in the cache): not published", key)
	}
	// IfAbsent: two replicas publishing the same content race harmlessly.
	if _, err := sh.Store.Put(ctx, key, data, objstore.Cond{IfAbsent: true}); err != nil && !errors.Is(err, objstore.ErrPrecondition) {
		return err
	}
	return nil
}

func snapshotKey(id, name string) string { return StateSnapshots + "/" + id + "/" + name }

// Fetch makes snapshot id complete in the cache: its files are downloaded
// into a temporary directory, checked against the manifest and renamed
// into place, and the uploads its catalogue names are downloaded (each
// checked against the hash that names it), so that the snapshot can be
// rebuilt with a new upload. A snapshot already complete in the cache is
// not downloaded again.
func (sh *Shared) Fetch(ctx context.Context, id string) error {
	if !validID(id) {
		return fmt.Errorf("pipeline: shared state: bad snapshot id %q", id)
	}
	final := filepath.Join(sh.Cache.SnapshotsDir(), id)
	if _, err := Verify(final); err != nil {
		if err := sh.fetchSnapshot(ctx, id, final); err != nil {
			return err
		}
	}
	c, err := readSnapshotCatalogue(final)
	if err != nil {
		return sh.Cache.Relative(err)
	}
	for _, e := range UserEntries(c) {
		if err := sh.fetchUpload(ctx, e.File); err != nil {
			return err
		}
	}
	return nil
}

func (sh *Shared) fetchSnapshot(ctx context.Context, id, final string) error {
	mdata, _, err := sh.Store.Get(ctx, snapshotKey(id, ManifestFile))
	if err != nil {
		return fmt.Errorf("pipeline: shared state: snapshot %s: %w", id, err)
	}
	var m Manifest
	if err := json.Unmarshal(mdata, &m); err != nil {
		return fmt.Errorf("pipeline: shared state: snapshot %s: manifest: %w", id, err)
	}
	if m.ID != id {
		return fmt.Errorf("pipeline: shared state: snapshot %s: manifest names %s", id, m.ID)
	}
	if err := os.RemoveAll(final); err != nil { // an incomplete copy
		return sh.Cache.Relative(err)
	}
	tmp := filepath.Join(sh.Cache.SnapshotsDir(), ".tmp-fetch-"+id[:12]+"-"+randomSuffix())
	if err := os.Mkdir(tmp, 0o755); err != nil {
		return sh.Cache.Relative(err)
	}
	defer os.RemoveAll(tmp)
	for _, name := range sortedKeys(m.Files) {
		if strings.ContainsAny(name, `/\`) || name == ManifestFile {
			return fmt.Errorf("pipeline: shared state: snapshot %s: manifest lists %q", id, name)
		}
		data, _, err := sh.Store.Get(ctx, snapshotKey(id, name))
		if err != nil {
			return fmt.Errorf("pipeline: shared state: snapshot %s: %w", id, err)
		}
		if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != m.Files[name] {
			return fmt.Errorf("pipeline: shared state: snapshot %s: %s: checksum mismatch (corrupt in the store)", id, name)
		}
		if err := writeFileSync(filepath.Join(tmp, name), data); err != nil {
			return sh.Cache.Relative(err)
		}
	}
	if err := writeFileSync(filepath.Join(tmp, ManifestFile), mdata); err != nil {
		return sh.Cache.Relative(err)
	}
	if err := syncDir(tmp); err != nil {
		return sh.Cache.Relative(err)
	}
	if err := os.Rename(tmp, final); err != nil {
		return sh.Cache.Relative(err)
	}
	return syncDir(sh.Cache.SnapshotsDir())
}

func (sh *Shared) fetchUpload(ctx context.Context, rel string) error {
	name := strings.TrimPrefix(rel, StateUploads+"/")
	if name == rel || strings.ContainsAny(name, `/\`) || strings.HasPrefix(name, ".") {
		return fmt.Errorf("pipeline: shared state: %q is not an upload", rel)
	}
	local := filepath.Join(sh.Cache.Dir, StateUploads, name)
	if _, err := os.Stat(local); err == nil {
		return nil
	}
	data, _, err := sh.Store.Get(ctx, rel)
	if err != nil {
		return fmt.Errorf("pipeline: shared state: %w", err)
	}
	sum := sha256.Sum256(data)
	if want := strings.TrimSuffix(name, filepath.Ext(name)); hex.EncodeToString(sum[:]) != want {
		return fmt.Errorf("pipeline: shared state: %s: checksum mismatch (corrupt in the store)", rel)
	}
	if err := writeAtomic(filepath.Join(sh.Cache.Dir, StateUploads), name, data); err != nil {
		return sh.Cache.Relative(err)
	}
	return nil
}

// Snapshots lists the complete snapshots in the store (those with a
// manifest), newest first, marking the one the pointer names. Info.Path is
// empty: the files are in the store.
func (sh *Shared) Snapshots(ctx context.Context) ([]Info, error) {
	p, err := sh.ReadPointer(ctx)
	if err != nil {
		return nil, err
	}
	ids, err := sh.completeIDs(ctx)
	if err != nil {
		return nil, err
	}
	var out []Info
	for _, id := range ids {
		k := snapshotKey(id, ManifestFile)
		data, _, err := sh.Store.Get(ctx, k)
		if err != nil {
			return nil, err
		}
		var m Manifest
		if err := json.Unmarshal(data, &m); err != nil || m.ID != id {
			return nil, fmt.Errorf("pipeline: shared state: %s: not the manifest of %s", k, id)
		}
		out = append(out, Info{ID: id, Created: m.Created, Current: id == p.Snapshot, Manifest: &m})
	}
	newestFirst(out)
	return out, nil
}

// Uploads lists the uploads in the store with the snapshots of list whose
// catalogue names each (an upload no snapshot names was sent by a request
// that did not reach its commit point: kept, never served).
func (sh *Shared) Uploads(ctx context.Context, list []Info) ([]StoredUpload, error) {
	keys, err := sh.Store.List(ctx, StateUploads+"/")
	if err != nil {
		return nil, err
	}
	out := []StoredUpload{}
	byName := map[string]int{}
	for _, k := range keys {
		byName[k] = len(out)
		out = append(out, StoredUpload{File: k})
	}
	for _, info := range list {
		su, err := sh.usesOf(ctx, info.ID, info.Manifest)
		if err != nil {
			return nil, err
		}
		for _, use := range su.uses {
			if i, ok := byName[use.file]; ok {
				u := &out[i]
				u.Snapshots = append(u.Snapshots, info.ID)
				if !slices.Contains(u.Sources, use.source) {
					u.Sources = append(u.Sources, use.source)
				}
			}
		}
	}
	return out, nil
}

// usesOf returns what the listings need of complete snapshot id, read
// from the store (its manifest, unless the caller has it as m, and its
// catalogue) the first time and remembered after.
func (sh *Shared) usesOf(ctx context.Context, id string, m *Manifest) (snapshotUses, error) {
	sh.mu.Lock()
	su, ok := sh.read[id]
	sh.mu.Unlock()
	if ok {
		return su, nil
	}
	if m == nil {
		data, _, err := sh.Store.Get(ctx, snapshotKey(id, ManifestFile))
		if err != nil {
			return su, err
		}
		m = new(Manifest)
		if err := json.Unmarshal(data, m); err != nil || m.ID != id {
			return su, fmt.Errorf("pipeline: shared state: %s: not the manifest of %s", snapshotKey(id, ManifestFile), id)
		}
	}
	data, _, err := sh.Store.Get(ctx, snapshotKey(id, CatalogFile))
	if err != nil {
		return su, err
	}
	var c pipeline.Catalogue
	if err := json.Unmarshal(data, &c); err != nil {
		return su, fmt.Errorf("pipeline: shared state: snapshot %s: %s: %w", id, CatalogFile, err)
	}
	su = snapshotUses{created: m.Created, uses: []uploadUse{}}
	for _, e := range UserEntries(&c) {
		su.uses = append(su.uses, uploadUse{file: e.File, source: e.ID})
	}
	sh.mu.Lock()
	if sh.read == nil {
		sh.read = map[string]snapshotUses{}
	}
	sh.read[id] = su
	sh.mu.Unlock()
	return su, nil
}

// StoreUploads is Uploads over every complete snapshot in the store,
// newest first, as a replica lists them for /v1/snapshot on each swap: one
// listing of the snapshots' objects (a snapshot is complete once its
// manifest is there) and one of the uploads; only a snapshot not seen
// before is read (its manifest and catalogue).
func (sh *Shared) StoreUploads(ctx context.Context) ([]StoredUpload, error) {
	ids, err := sh.completeIDs(ctx)
	if err != nil {
		return nil, err
	}
	var list []Info
	for _, id := range ids {
		su, err := sh.usesOf(ctx, id, nil)
		if err != nil {
			return nil, err
		}
		list = append(list, Info{ID: id, Created: su.created})
	}
	newestFirst(list)
	return sh.Uploads(ctx, list)
}

// completeIDs lists the ids of the store's complete snapshots: those
// whose manifest, written last, is there.
func (sh *Shared) completeIDs(ctx context.Context) ([]string, error) {
	keys, err := sh.Store.List(ctx, StateSnapshots+"/")
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, k := range keys {
		if id, ok := strings.CutSuffix(strings.TrimPrefix(k, StateSnapshots+"/"), "/"+ManifestFile); ok && validID(id) {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// newestFirst orders the store's snapshots newest first, by id within a
// second (Created has whole seconds).
func newestFirst(list []Info) {
	sort.SliceStable(list, func(i, j int) bool {
		if !list[i].Created.Equal(list[j].Created) {
			return list[i].Created.After(list[j].Created)
		}
		return list[i].ID < list[j].ID
	})
}
