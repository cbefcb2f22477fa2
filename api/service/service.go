// Package service runs DRI's data lifecycle behind the server: it builds the
// dataset to serve (pipeline tables, scoring engine, manifest), keeps the
// state directory (accepted uploads and snapshots), accepts new sources while
// serving and swaps the new dataset in atomically. Requests in flight finish
// on the dataset they started with.
package service

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/dri-engine/dri/api"
	"github.com/dri-engine/dri/datasets"
	"github.com/dri-engine/dri/indicators/engine"
	"github.com/dri-engine/dri/pipeline"
	"github.com/dri-engine/dri/pipeline/load"
	"github.com/dri-engine/dri/pipeline/objstore"
	"github.com/dri-engine/dri/pipeline/snapshot"
)

// NewDataset indexes a loaded result for serving: store, scoring engine and
// manifest (computed as a snapshot would have it when m is nil, so the id is
// the content hash `dri run` gives). It warms the engine (default years).
func NewDataset(res *pipeline.Result, m *snapshot.Manifest) (*api.Dataset, error) {
	store, err := pipeline.NewStore(res.Observations)
	if err != nil {
		return nil, err
	}
	if m == nil {
		if m, err = snapshot.ComputeManifest(res, nil); err != nil {
			return nil, err
		}
	}
	eng, err := NewEngine(store, res)
	if err != nil {
		return nil, err
	}
	for _, id := range eng.Frameworks() {
		f, _ := eng.Framework(id)
		eng.DefaultYear(f)
	}
	return &api.Dataset{ID: m.ID, Created: m.Created, Manifest: m, Result: res, Store: store,
		Reference: res.Reference, Registry: res.Registry, Scores: eng}, nil
}

// NewEngine builds the scoring engine with the embedded frameworks.
func NewEngine(store *pipeline.Store, res *pipeline.Result) (*engine.Engine, error) {
	return engine.New(store, res.Reference, res.Registry, datasets.Frameworks)
}

// Service owns the served dataset and the state directory.
type Service struct {
	State  *snapshot.State
	Holder *api.Holder
	Log    *slog.Logger
	// MaxUpload bounds an uploaded file (default 64 MiB).
	MaxUpload int64
	// MaxRemovedShare is the share (0..1] of a source's rows an upload may
	// remove without asking to replace (default 0.10).
	MaxRemovedShare float64
	// KeepSnapshots is how many snapshots (newest first) are kept besides
	// the current one and its rollback target (default 10).
	KeepSnapshots int
	// MaxLineBytes and MaxMessageBytes are the readers' limits of every
	// load the service runs (load.Options'; 0: the pipeline's defaults).
	MaxLineBytes    int
	MaxMessageBytes int64
	// Shared, when set, is the object store the state lives in; State is
	// then its local cache (shared.go).
	Shared *snapshot.Shared
	// Poll is how often a replica reads the shared pointer (default 2 s,
	// with ±20 % jitter).
	Poll time.Duration

	mu      sync.Mutex // one admin operation (or pointer swap) at a time
	pointer snapshot.Pointer
	health  health

	metricsOnce sync.Once
	m           *stateMetrics
}

// Defaults of the Service's settings.
const (
	DefaultMaxRemovedShare = 0.10
	DefaultKeepSnapshots   = 10
)

// Start opens the state directory and serves its current snapshot; with
// none, it builds the first snapshot from the embedded data. A current
// snapshot that is damaged (a file missing or failing its checksum) is
// rebuilt from its uploads; when that is impossible the newest complete
// snapshot is served and the uploads it lacks are kept, quarantined, and
// listed by /v1/snapshot. Leftovers of interrupted writes are removed;
// stored uploads never are. Snapshots beyond KeepSnapshots are pruned.
func (s *Service) Start(ctx context.Context) error {
	if s.MaxUpload == 0 {
		s.MaxUpload = 64 << 20
	}
	if s.MaxRemovedShare == 0 {
		s.MaxRemovedShare = DefaultMaxRemovedShare
	}
	if s.KeepSnapshots == 0 {
		s.KeepSnapshots = DefaultKeepSnapshots
	}
	if s.Shared != nil {
		return s.startShared(ctx)
	}
	cur, err := s.State.Current()
	if err != nil {
		return err
	}
	info, bad, note, err := s.State.Serving()
	if err != nil {
		return err
	}
	for _, b := range bad {
		s.Log.Warn("ignoring incomplete snapshot", "path", b.Path, "reason", b.Reason)
	}
	if err := s.State.Clean(); err != nil {
		return err
	}
	if cur != "" && (info == nil || info.ID != cur) {
		err := s.rebuild(ctx, cur)
		if err == nil {
			s.reportQuarantined()
			return nil
		}
		s.Log.Warn("could not rebuild the damaged current snapshot from its uploads; they are kept (quarantined) and listed by /v1/snapshot",
			"snapshot", cur, "err", s.State.Relative(err))
		if note != "" {
			s.Log.Warn(note)
		}
	}
	if info != nil {
		res, m, err := snapshot.Read(info.Path, nil)
		if err != nil {
			return s.State.Relative(err)
		}
		ds, err := NewDataset(res, m)
		if err != nil {
			return err
		}
		if cur != m.ID {
			if err := s.State.SetCurrent(m.ID); err != nil {
				return s.State.Relative(err)
			}
		}
		s.serve(ctx, ds)
		s.Log.Info("serving snapshot", "snapshot", m.ID, "created", m.Created)
		s.reportQuarantined()
		return nil
	}
	_, err = s.build(ctx, &pipeline.Catalogue{}, false)
	return err
}

// rebuild rebuilds a damaged snapshot from the embedded data and the
// uploads its catalogue names, and serves it.
func (s *Service) rebuild(ctx context.Context, id string) error {
	user, err := s.State.DamagedSources(id)
	if err != nil {
		return err
	}
	if err := s.State.SetAside(id); err != nil {
		return err
	}
	out, err := s.build(ctx, user, false)
	if errors.Is(err, ErrRejected) {
		return fmt.Errorf("its sources no longer validate (%d problems)", len(out.Problems))
	}
	if err != nil {
		return err
	}
	s.Log.Warn("rebuilt the damaged current snapshot from its uploads", "damaged", id, "snapshot", out.Snapshot,
		"uploads", len(user.Sources))
	return nil
}

// serve swaps a dataset in, after pruning old snapshots and listing the
// stored uploads (with the snapshots using each) for /v1/snapshot. With a
// shared state the list is the store's: the local cache holds only what
// this replica fetched, so it would miss an upload another replica's
// interrupted request left (quarantined) and call an upload quarantined
// when only this replica pruned its snapshot.
func (s *Service) serve(ctx context.Context, ds *api.Dataset) {
	protect := []string{ds.ID}
	if prev := s.Holder.Current(); prev != nil {
		protect = append(protect, prev.ID)
	}
	if removed, err := s.State.Prune(s.KeepSnapshots, protect...); err != nil {
		s.Log.Warn("could not prune old snapshots", "err", s.State.Relative(err))
	} else if len(removed) > 0 {
		s.Log.Info("pruned old snapshots", "removed", removed, "keep", s.KeepSnapshots)
	}
	var err error
	if s.Shared != nil {
		ds.Uploads, err = s.Shared.StoreUploads(ctx)
	} else {
		var list []snapshot.Info
		if list, err = s.State.Manifests(); err == nil {
			ds.Uploads, err = s.State.Uploads(list)
		}
	}
	if err != nil {
		// /v1/snapshot then says that it lists none, rather than a part
		// (the error itself, which may name paths or the store, is the
		// log's).
		ds.Uploads, ds.UploadsUnlisted = nil, "the stored uploads could not be listed when this snapshot was swapped in (the server log says why)"
		s.Log.Warn("could not list the stored uploads", "err", s.State.Relative(err))
	}
	s.Holder.Set(ds)
}

// reportQuarantined logs, at start, the stored uploads no complete snapshot
// uses: kept, not served (/v1/snapshot and dri snapshots list them too).
func (s *Service) reportQuarantined() {
	if ds := s.Holder.Current(); ds != nil {
		for _, u := range ds.Uploads {
			if len(u.Snapshots) == 0 {
				s.Log.Warn("stored upload used by no complete snapshot: kept (quarantined), not served", "file", u.File)
			}
		}
	}
}

// Outcome is the result of an admin operation (api.AdminOutcome).
type Outcome = api.AdminOutcome

// ErrRejected is returned with the problems when new data fail validation.
var ErrRejected = api.ErrRejected

// build loads the embedded data plus the user's entries, and when the data
// pass validation writes a snapshot, points the state at it (the commit
// point) and swaps it in. The outcome says what changed relative to the
// dataset served before; with guard set, changes that would remove data
// (snapshot.Changes.Destructive) are refused with ErrDestructive.
func (s *Service) build(ctx context.Context, user *pipeline.Catalogue, guard bool) (*Outcome, error) {
	opt := load.Options{Base: datasets.FS, MaxLineBytes: s.MaxLineBytes, MaxMessageBytes: s.MaxMessageBytes}
	if len(user.Sources) > 0 {
		// Files are named relative to the state directory (uploads/...):
		// reports, manifests and problems never show where the state lives.
		opt.User, opt.UserCatalogue = os.DirFS(s.State.Dir), user
	}
	res, err := load.Load(ctx, opt)
	if err != nil {
		return nil, err
	}
	if n := res.Report.Errors(); n > 0 {
		out := &Outcome{ProblemCounts: map[pipeline.Rule]int{}}
		for _, p := range res.Report.Problems() {
			if p.Severity == pipeline.Error {
				out.Problems = append(out.Problems, p)
				out.ProblemCounts[p.Rule] = 0
			}
		}
		// The report keeps the first problems of each rule; its counts are
		// all of them.
		for _, f := range res.Report.Files {
			for rule, n := range f.Counts {
				if _, ok := out.ProblemCounts[rule]; ok {
					out.ProblemCounts[rule] += n
				}
			}
		}
		res.Release()
		return out, ErrRejected
	}
	prev := s.Holder.Current()
	var changes *snapshot.Changes
	if prev != nil && prev.Result != nil && prev.Result.Observations != nil {
		if changes, err = snapshot.DiffResults(prev.Result, res); err != nil {
			res.Release()
			return nil, err
		}
		if refused := changes.Destructive(s.MaxRemovedShare); guard && len(refused) > 0 {
			res.Release()
			return &Outcome{Changes: changes, Refused: refused}, ErrDestructive
		}
	}
	m, err := snapshot.Write(s.State.SnapshotsDir(), res, nil)
	if err != nil {
		res.Release()
		return nil, err
	}
	ds, err := NewDataset(res, m)
	if err != nil {
		res.Release()
		return nil, err
	}
	if err := s.commit(ctx, m.ID); err != nil {
		res.Release()
		return nil, err
	}
	snapshot.CrashPoint("current-set")
	s.serve(ctx, ds)
	s.Log.Info("serving snapshot", "snapshot", m.ID, "observations", ds.Store.Len())
	return &Outcome{Snapshot: m.ID, Created: m.Created, Changed: prev == nil || prev.ID != m.ID, Changes: changes}, nil
}

// ErrDestructive is returned when an upload would remove data and the
// request did not ask to replace it.
var ErrDestructive = api.ErrDestructive

// Upload validates a new source file with its catalogue entry. The file is
// stored durably (fsync) before anything else; it becomes part of a new
// snapshot only if every source still validates and, unless up.Replace is
// set, nothing is destroyed (no reference table emptied, no unit dropped, no
// source losing more than MaxRemovedShare of its rows). Otherwise the
// problems come back with ErrRejected, or what would be removed with
// ErrDestructive, and nothing changes.
func (s *Service) Upload(ctx context.Context, up api.Upload) (*Outcome, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	name := displayName(up.Filename)
	ext, err := snapshot.UploadExt(up.Filename)
	if err != nil {
		return &Outcome{Problems: []pipeline.Problem{{File: name, Rule: pipeline.RuleBadEntry, Message: err.Error()}}}, ErrRejected
	}
	if s.Shared != nil {
		// Build on the newest snapshot: another replica's upload is kept.
		if err := s.catchUp(ctx); err != nil {
			return nil, s.failed("upload", err)
		}
	}
	rel, existed, err := s.State.StoreUpload(up.File, ext, s.MaxUpload)
	if err != nil {
		return nil, s.State.Relative(err)
	}
	snapshot.CrashPoint("upload-stored")
	entry := up.Entry
	entry.File = rel
	if entry.Precedence == 0 {
		entry.Precedence = 100
	}
	if err := entry.Check(); err != nil {
		s.removeRefused(rel, existed)
		return &Outcome{Problems: []pipeline.Problem{{File: name, Rule: pipeline.RuleBadEntry, Message: err.Error()}}}, ErrRejected
	}
	out, err := s.update(ctx, &entry, !up.Replace)
	if err != nil {
		s.removeRefused(rel, existed)
		// Problems name the file as the client sent it, not its stored name.
		if out != nil {
			for i := range out.Problems {
				if out.Problems[i].File == rel {
					out.Problems[i].File = name
				}
			}
		}
		return out, s.State.Relative(err)
	}
	return out, nil
}

// displayName is the client's file name as problems show it: its last
// element, at most 80 bytes (the name is the client's, not a stored one).
func displayName(filename string) string {
	name := path.Base(strings.ReplaceAll(filename, `\`, "/"))
	if len(name) > 80 {
		name = strings.ToValidUTF8(name[:77], "") + "..."
	}
	return name
}

// Reload serves the snapshot the state's current pointer names when it is
// not the one served (after `dri rollback`); otherwise it rebuilds the
// snapshot from the embedded data and the accepted uploads (after an
// upgrade) and swaps it in.
func (s *Service) Reload(ctx context.Context) (*Outcome, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Shared != nil {
		// The pointer is the truth: catch up with it, then rebuild on it.
		if err := s.catchUp(ctx); err != nil {
			return nil, s.failed("reload", err)
		}
		return s.update(ctx, nil, false)
	}
	cur, err := s.State.Current()
	if err != nil {
		return nil, err
	}
	if ds := s.Holder.Current(); cur != "" && (ds == nil || ds.ID != cur) {
		res, m, err := snapshot.Read(filepath.Join(s.State.SnapshotsDir(), cur), nil)
		if err != nil {
			return nil, s.State.Relative(err)
		}
		nds, err := NewDataset(res, m)
		if err != nil {
			return nil, err
		}
		s.serve(ctx, nds)
		return &Outcome{Snapshot: m.ID, Created: m.Created, Changed: true}, nil
	}
	out, err := s.update(ctx, nil, false)
	return out, s.State.Relative(err)
}

// update builds a snapshot from the embedded data, the accepted uploads of
// the snapshot served and entry (when not nil), and commits it. With a
// shared state, losing the pointer to another replica's upload means
// catching up with it and building again on top of it, at most
// maxSwapAttempts times; a store that cannot be reached is
// api.ErrStateUnavailable. The caller holds s.mu.
func (s *Service) update(ctx context.Context, entry *pipeline.Entry, guard bool) (*Outcome, error) {
	for attempt := 1; ; attempt++ {
		user := s.userCatalogue()
		if entry != nil {
			user = user.Merge(&pipeline.Catalogue{Sources: []*pipeline.Entry{entry}})
		}
		out, err := s.build(ctx, user, guard)
		if s.Shared == nil {
			return out, err
		}
		if !errors.Is(err, objstore.ErrPrecondition) {
			if err == nil {
				s.recovered()
			}
			return out, s.failed("upload", err)
		}
		s.metrics().retries.Inc()
		if attempt == maxSwapAttempts {
			return nil, fmt.Errorf("%w: other replicas moved the pointer %d times while this upload was built; try again", api.ErrStateUnavailable, attempt)
		}
		s.Log.Info("another replica moved the shared pointer first: building again on its snapshot", "attempt", attempt)
		if err := s.catchUp(ctx); err != nil {
			return nil, s.failed("upload", err)
		}
	}
}

// userCatalogue is the accepted uploads of the served snapshot.
func (s *Service) userCatalogue() *pipeline.Catalogue {
	ds := s.Holder.Current()
	if ds == nil || ds.Result == nil || ds.Result.Catalogue == nil {
		return &pipeline.Catalogue{}
	}
	return &pipeline.Catalogue{Sources: snapshot.UserEntries(ds.Result.Catalogue)}
}

// removeRefused deletes the stored file of a refused upload, unless it was
// in the store before this request (then an accepted upload, or a snapshot
// kept for rollback, may need it).
func (s *Service) removeRefused(rel string, existed bool) {
	if existed {
		return
	}
	for _, e := range s.userCatalogue().Sources {
		if e.File == rel {
			return
		}
	}
	if err := os.Remove(filepath.Join(s.State.Dir, filepath.FromSlash(rel))); err != nil && !errors.Is(err, os.ErrNotExist) {
		s.Log.Warn("could not remove a refused upload", "file", rel, "err", s.State.Relative(err))
	}
}
