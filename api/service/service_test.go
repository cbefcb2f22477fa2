package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dri-engine/dri/api"
	"github.com/dri-engine/dri/pipeline"
	"github.com/dri-engine/dri/pipeline/snapshot"
)

func newService(t *testing.T, dir string) *Service {
	t.Helper()
	st, err := snapshot.OpenState(dir)
	if err != nil {
		t.Fatal(err)
	}
	s := &Service{State: st, Holder: &api.Holder{}, Log: slog.New(slog.DiscardHandler)}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

func entry(id string) pipeline.Entry {
	return pipeline.Entry{ID: id, Adapter: "long", Publisher: "country office", Vintage: "2026", Licence: "CC0"}
}

// listing returns every file under dir with its size, to prove nothing
// changed.
func listing(t *testing.T, dir string) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			info, _ := d.Info()
			out[p] = info.Size()
		}
		return nil
	})
	return out
}

func value(t *testing.T, ds *api.Dataset, indicator, unit string, year int) (float64, bool) {
	t.Helper()
	rows := ds.Store.Select(pipeline.Query{Indicator: indicator, Units: []string{unit}, Sex: []string{"_T"}, From: year, To: year})
	if len(rows) != 1 {
		return 0, false
	}
	return ds.Store.Value(rows[0]), true
}

// backend is a state the same tests run against: a state directory, or
// an object store (shared_test.go) with a fresh cache per process.
type backend struct {
	name string
	// open starts a new process on the same state (a restart, or another
	// replica).
	open func(t *testing.T) *Service
	// files lists what the state holds, with sizes.
	files func(t *testing.T) map[string]int64
}

func dirBackend(t *testing.T) backend {
	dir := t.TempDir()
	return backend{name: "dir", open: func(t *testing.T) *Service { return newService(t, dir) },
		files: func(t *testing.T) map[string]int64 { return listing(t, dir) }}
}

func TestUploadLifecycle(t *testing.T) { uploadLifecycle(t, dirBackend(t)) }

func uploadLifecycle(t *testing.T, b backend) {
	s := b.open(t)
	first := s.Holder.Current()
	cur, _ := s.State.Current()
	if first == nil || cur != first.ID {
		t.Fatalf("first start: serving %v, current %q", first, cur)
	}

	// A bad upload changes nothing: same dataset, same pointer, same files.
	before := b.files(t)
	out, err := s.Upload(context.Background(), api.Upload{Entry: entry("bad"), Filename: "bad.csv", File: strings.NewReader("unit,year,indicator,value\nXYZ,2025,itu.internet_use,55.5\n")})
	if !errors.Is(err, ErrRejected) || len(out.Problems) != 1 ||
		out.Problems[0].String() != `bad.csv:2:1: unknown-unit: unknown unit code "XYZ"` {
		t.Fatalf("bad upload: %v %+v", err, out)
	}
	if s.Holder.Current() != first {
		t.Error("bad upload swapped the dataset")
	}
	after := b.files(t)
	if len(after) != len(before) {
		t.Errorf("bad upload left files: before %d, after %d", len(before), len(after))
	}

	// A good upload is validated, written and served.
	out, err = s.Upload(context.Background(), api.Upload{Entry: entry("ken-2025"), Filename: "ken.csv", File: strings.NewReader("unit,year,indicator,value\nKEN,2025,itu.internet_use,55.5\n")})
	if err != nil || !out.Changed {
		t.Fatalf("good upload: %v %+v", err, out)
	}
	ds := s.Holder.Current()
	if ds.ID != out.Snapshot || ds.ID == first.ID {
		t.Fatalf("after upload serving %s, want %s", ds.ID, out.Snapshot)
	}
	if v, ok := value(t, ds, "itu.internet_use", "KEN", 2025); !ok || v != 55.5 {
		t.Errorf("uploaded value: %v %v", v, ok)
	}
	// The old dataset is untouched (requests in flight keep using it).
	if _, ok := value(t, first, "itu.internet_use", "KEN", 2025); ok {
		t.Error("the old dataset changed")
	}

	// A second upload keeps the first accepted source.
	if _, err := s.Upload(context.Background(), api.Upload{Entry: entry("uga-2025"), Filename: "uga.csv", File: strings.NewReader("unit,year,indicator,value\nUGA,2025,itu.internet_use,30\n")}); err != nil {
		t.Fatal(err)
	}

	// Restart: the last acknowledged data are served.
	s2 := b.open(t)
	ds2 := s2.Holder.Current()
	if ds2.ID != s.Holder.Current().ID {
		t.Errorf("after restart serving %s, want %s", ds2.ID, s.Holder.Current().ID)
	}
	for unit, want := range map[string]float64{"KEN": 55.5, "UGA": 30} {
		if v, ok := value(t, ds2, "itu.internet_use", unit, 2025); !ok || v != want {
			t.Errorf("after restart %s = %v (%v), want %v", unit, v, ok, want)
		}
	}
	// Reload rebuilds from the embedded data and both uploads: same content.
	out, err = s2.Reload(context.Background())
	if err != nil || out.Snapshot != ds2.ID {
		t.Errorf("reload: %v %+v, want snapshot %s", err, out, ds2.ID)
	}
}

func TestRollbackAndIncomplete(t *testing.T) {
	dir := t.TempDir()
	s := newService(t, dir)
	first := s.Holder.Current().ID
	if _, err := s.Upload(context.Background(), api.Upload{Entry: entry("ken-2025"), Filename: "ken.csv", File: strings.NewReader("unit,year,indicator,value\nKEN,2025,itu.internet_use,55.5\n")}); err != nil {
		t.Fatal(err)
	}
	// A crash left a temporary directory and a damaged snapshot behind.
	tmp := filepath.Join(s.State.SnapshotsDir(), ".tmp-0123456789ab-cafe")
	os.MkdirAll(tmp, 0o755)
	os.WriteFile(filepath.Join(tmp, "observations.parquet"), []byte("half"), 0o644)
	damaged := filepath.Join(s.State.SnapshotsDir(), "ffffffffffffffffffffffffffffffff")
	os.MkdirAll(damaged, 0o755)
	os.WriteFile(filepath.Join(damaged, snapshot.ManifestFile), []byte("{"), 0o644)

	list, bad, err := s.State.Snapshots()
	if err != nil || len(list) != 2 || len(bad) != 2 {
		t.Fatalf("snapshots: %d complete, %d incomplete, %v", len(list), len(bad), err)
	}
	// Roll back to the first snapshot; reload serves it.
	if err := s.State.SetCurrent(first); err != nil {
		t.Fatal(err)
	}
	out, err := s.Reload(context.Background())
	if err != nil || out.Snapshot != first || s.Holder.Current().ID != first {
		t.Fatalf("reload after rollback: %v %+v", err, out)
	}
	// A restart serves the current pointer and removes the temporary dir.
	s2 := newService(t, dir)
	if s2.Holder.Current().ID != first {
		t.Errorf("restart serves %s, want %s", s2.Holder.Current().ID, first)
	}
	if _, err := os.Stat(tmp); !os.IsNotExist(err) {
		t.Error("temporary snapshot directory not cleaned")
	}
}

func TestUploadTooLarge(t *testing.T) { uploadTooLarge(t, dirBackend(t)) }

func uploadTooLarge(t *testing.T, b backend) {
	s := b.open(t)
	s.MaxUpload = 100
	before := b.files(t)
	_, err := s.Upload(context.Background(), api.Upload{Entry: entry("big"), Filename: "big.csv", File: io.LimitReader(zeros{}, 1000)})
	if !errors.Is(err, snapshot.ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
	entries, _ := os.ReadDir(filepath.Join(s.State.Dir, snapshot.StateUploads))
	if len(entries) != 0 {
		t.Errorf("oversize upload left %d files", len(entries))
	}
	if after := b.files(t); len(after) != len(before) {
		t.Errorf("oversize upload changed the state: %d files before, %d after", len(before), len(after))
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = '0'
	}
	return len(p), nil
}

// TestDamagedSnapshotKeepsUploads (issue 12 item 11): an acknowledged upload
// was deleted at start-up after its snapshot's file was damaged. Now the
// damaged current snapshot is rebuilt from its uploads (same content, same
// id); when even its catalogue is unreadable, the newest complete snapshot is
// served and the upload is kept and listed as used by no snapshot.
func TestDamagedSnapshotKeepsUploads(t *testing.T) {
	const ken = "unit,year,indicator,value\nKEN,2025,itu.internet_use,55.5\n"
	for _, tc := range []struct {
		name    string
		damage  []string // files of the current snapshot overwritten
		rebuilt bool
	}{
		{"observations damaged", []string{snapshot.ObservationsFile}, true},
		{"catalogue damaged too", []string{snapshot.ObservationsFile, snapshot.CatalogFile}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			s := newService(t, dir)
			first := s.Holder.Current().ID
			out, err := s.Upload(context.Background(), api.Upload{Entry: entry("ken-2025"), Filename: "ken.csv", File: strings.NewReader(ken)})
			if err != nil {
				t.Fatal(err)
			}
			acked := out.Snapshot
			for _, name := range tc.damage {
				if err := os.WriteFile(filepath.Join(s.State.SnapshotsDir(), acked, name), []byte("damaged"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			s2 := newService(t, dir)
			ds := s2.Holder.Current()
			uploads, _ := os.ReadDir(filepath.Join(dir, snapshot.StateUploads))
			if len(uploads) != 1 {
				t.Fatalf("%d stored uploads after restart, want the acknowledged one kept", len(uploads))
			}
			if tc.rebuilt {
				if ds.ID != acked {
					t.Errorf("serving %s, want %s rebuilt from its upload", ds.ID, acked)
				}
				if v, ok := value(t, ds, "itu.internet_use", "KEN", 2025); !ok || v != 55.5 {
					t.Errorf("rebuilt value %v %v, want 55.5", v, ok)
				}
				if _, err := snapshot.Verify(filepath.Join(s2.State.SnapshotsDir(), acked)); err != nil {
					t.Errorf("rebuilt snapshot: %v", err)
				}
				return
			}
			if ds.ID != first {
				t.Errorf("serving %s, want the newest complete snapshot %s", ds.ID, first)
			}
			if len(ds.Uploads) != 1 || len(ds.Uploads[0].Snapshots) != 0 || ds.Uploads[0].File != snapshot.StateUploads+"/"+uploads[0].Name() {
				t.Errorf("uploads listed %+v, want the kept upload with no snapshot", ds.Uploads)
			}
		})
	}
}

// TestPruneSnapshots (issue 12 item 12): snapshots were never pruned. With
// KeepSnapshots 2, after five uploads (six snapshots with the first start)
// the two newest remain: the current one and its rollback target. After a
// rollback to the older one with KeepSnapshots 1, both remain: the current
// snapshot is kept even when it is not among the newest.
func TestPruneSnapshots(t *testing.T) {
	dir := t.TempDir()
	s := newService(t, dir)
	s.KeepSnapshots = 2
	var ids []string
	for i := range 5 {
		csv := fmt.Sprintf("unit,year,indicator,value\nKEN,2025,itu.internet_use,%d\n", 50+i)
		out, err := s.Upload(context.Background(), api.Upload{Entry: entry("ken-2025"), Filename: "ken.csv", File: strings.NewReader(csv)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, out.Snapshot)
	}
	list, _, err := s.State.Snapshots()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range list {
		got = append(got, l.ID)
	}
	// Newest first: the last upload's snapshot (current) and the one
	// before (its rollback target); created within the same second, so
	// check as a set.
	want := map[string]bool{ids[4]: true, ids[3]: true}
	if len(got) != 2 || !want[got[0]] || !want[got[1]] {
		t.Errorf("kept %v, want %v", got, []string{ids[4], ids[3]})
	}
	s.KeepSnapshots = 1
	if err := s.State.SetCurrent(got[1]); err != nil {
		t.Fatal(err)
	}
	if out, err := s.Reload(context.Background()); err != nil || out.Snapshot != got[1] {
		t.Fatalf("reload after rollback: %v %+v", err, out)
	}
	if list, _, _ := s.State.Snapshots(); len(list) != 2 {
		t.Errorf("%d snapshots after a rollback with KeepSnapshots 1, want 2 (the newest and the current)", len(list))
	}
	uploads, _ := os.ReadDir(filepath.Join(dir, snapshot.StateUploads))
	if len(uploads) != 5 {
		t.Errorf("%d stored uploads, want all 5 kept (pruning never removes uploads)", len(uploads))
	}
}

// TestUploadLineLimit: the service's reader limits (dri serve
// --max-line-bytes) apply to the loads it runs for uploads. A 200 KB line
// is refused under a 128 KiB limit (the embedded data's longest line is
// 99 KB) and accepted under the default 1 MiB.
func TestUploadLineLimit(t *testing.T) {
	const limit = 128 << 10
	csv := "unit,year,indicator,value,note\nKEN,2025,itu.internet_use,55.5," + strings.Repeat("x", 200<<10) + "\n"
	for _, c := range []struct {
		maxLine int
		want    string // the one problem; "" for accepted
	}{
		{limit, "long.csv:2: too-large: line is longer than 131072 bytes, the line limit (--max-line-bytes)"},
		{0, ""},
	} {
		st, err := snapshot.OpenState(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		s := &Service{State: st, Holder: &api.Holder{}, Log: slog.New(slog.DiscardHandler), MaxLineBytes: c.maxLine}
		if err := s.Start(context.Background()); err != nil {
			t.Fatalf("start with a line limit of %d: %v", c.maxLine, err)
		}
		out, err := s.Upload(context.Background(), api.Upload{Entry: entry("long"), Filename: "long.csv", File: strings.NewReader(csv)})
		if c.want == "" {
			if err != nil || !out.Changed {
				t.Errorf("line limit %d: %v %+v, want the upload accepted", c.maxLine, err, out)
			}
			continue
		}
		if !errors.Is(err, ErrRejected) || len(out.Problems) != 1 || out.Problems[0].String() != c.want {
			t.Errorf("line limit %d: %v %+v, want rejected with %q", c.maxLine, err, out, c.want)
		}
	}
}

// TestUnlistedUploadsSaySo: when the stored uploads cannot be listed at a
// swap, /v1/snapshot says so in meta.uploads_unlisted instead of listing
// none, or a part, as if that were the store. The listing is broken here
// by putting a file where the uploads directory is.
func TestUnlistedUploadsSaySo(t *testing.T) {
	dir := t.TempDir()
	s := newService(t, dir)
	h := api.New(api.Config{Logger: slog.New(slog.DiscardHandler), CacheBytes: -1}, s.Holder).Handler()
	meta := func() map[string]any {
		t.Helper()
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/v1/snapshot", nil))
		var body struct {
			Meta map[string]any `json:"meta"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || rec.Code != 200 {
			t.Fatalf("/v1/snapshot: %d %v", rec.Code, err)
		}
		return body.Meta
	}
	if m := meta(); m["uploads"] == nil || m["uploads_unlisted"] != nil {
		t.Fatalf("a state with no uploads: meta %v, want an empty uploads list", m)
	}
	uploads := filepath.Join(dir, snapshot.StateUploads)
	if err := os.RemoveAll(uploads); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(uploads, []byte("not a directory"), 0o644); err != nil {
		t.Fatal(err)
	}
	s.serve(context.Background(), s.Holder.Current())
	m := meta()
	if m["uploads"] != nil {
		t.Errorf("meta.uploads = %v with the uploads unreadable, want none", m["uploads"])
	}
	if reason, _ := m["uploads_unlisted"].(string); !strings.Contains(reason, "could not be listed") {
		t.Errorf("meta.uploads_unlisted = %q, want why no uploads are listed", reason)
	}
}
