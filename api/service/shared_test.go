package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/dri-engine/dri/api"
	"github.com/dri-engine/dri/internal/weedtest"
	"github.com/dri-engine/dri/pipeline/objstore"
	"github.com/dri-engine/dri/pipeline/snapshot"
)

// s3Backend is a prefix of a real S3 server; each process gets a fresh
// local cache, so nothing is shared but the store.
func s3Backend(t *testing.T, srv *weedtest.Server, prefix string) backend {
	return backend{name: "s3",
		open: func(t *testing.T) *Service {
			s := newReplica(t, srv, prefix)
			if err := s.Start(context.Background()); err != nil {
				t.Fatal(err)
			}
			return s
		},
		files: func(t *testing.T) map[string]int64 {
			st, err := objstore.Open(context.Background(), srv.URL(prefix))
			if err != nil {
				t.Fatal(err)
			}
			keys, err := st.List(context.Background(), "")
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]int64{}
			for _, k := range keys {
				out[k] = 0
			}
			return out
		}}
}

// newReplica is a replica of the shared state at prefix, not started.
func newReplica(t *testing.T, srv *weedtest.Server, prefix string) *Service {
	t.Helper()
	store, err := objstore.Open(context.Background(), srv.URL(prefix))
	if err != nil {
		t.Fatal(err)
	}
	cache, err := snapshot.OpenState(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return &Service{State: cache, Shared: &snapshot.Shared{Store: store, Cache: cache}, Holder: &api.Holder{},
		Log: slog.New(slog.DiscardHandler)}
}

const (
	kenCSV = "unit,year,indicator,value\nKEN,2025,itu.internet_use,55.5\n"
	ugaCSV = "unit,year,indicator,value\nUGA,2025,itu.internet_use,30\n"
)

// TestSharedState runs the state tests against a real S3 server
// (SeaweedFS), then what only a shared state has: replicas that converge,
// concurrent uploads that are both kept, and a store that goes away.
func TestSharedState(t *testing.T) {
	srv := weedtest.Start(t)
	ctx := context.Background()

	t.Run("lifecycle", func(t *testing.T) { uploadLifecycle(t, s3Backend(t, srv, "lifecycle")) })
	t.Run("too large", func(t *testing.T) { uploadTooLarge(t, s3Backend(t, srv, "too-large")) })

	t.Run("replicas converge", func(t *testing.T) {
		b := s3Backend(t, srv, "converge")
		r1, r2 := b.open(t), b.open(t)
		if r1.Holder.Current().ID != r2.Holder.Current().ID {
			t.Fatalf("two replicas of an empty store serve %s and %s", r1.Holder.Current().ID, r2.Holder.Current().ID)
		}
		// A rejected upload is the data's problem, not the store's.
		if _, err := r1.Upload(ctx, api.Upload{Entry: entry("bad"), Filename: "bad.csv",
			File: strings.NewReader("unit,year,indicator,value\nXYZ,2025,itu.internet_use,55.5\n")}); !errors.Is(err, ErrRejected) {
			t.Fatalf("bad upload: %v", err)
		}
		if d, n := r1.Degraded(), testutil.CollectAndCount(r1.metrics().failures); d != "" || n != 0 {
			t.Errorf("after a rejected upload: degraded %q, %d failure series; want neither", d, n)
		}
		out, err := r1.Upload(ctx, api.Upload{Entry: entry("ken-2025"), Filename: "ken.csv", File: strings.NewReader(kenCSV)})
		if err != nil {
			t.Fatal(err)
		}
		r2.poll(ctx)
		if got := r2.Holder.Current().ID; got != out.Snapshot {
			t.Fatalf("after one poll replica 2 serves %s, want the upload's %s", got, out.Snapshot)
		}
		if v, ok := value(t, r2.Holder.Current(), "itu.internet_use", "KEN", 2025); !ok || v != 55.5 {
			t.Errorf("replica 2 KEN 2025 = %v (%v), want the uploaded 55.5", v, ok)
		}
		if n := testutil.ToFloat64(r2.metrics().swaps); n != 1 {
			t.Errorf("replica 2 counted %v swaps, want 1", n)
		}
		// A poll with nothing new is a conditional GET that changes nothing.
		r2.poll(ctx)
		if n := testutil.ToFloat64(r2.metrics().swaps); n != 1 || r2.Holder.Current().ID != out.Snapshot {
			t.Errorf("an idle poll swapped (%v swaps, serving %s)", n, r2.Holder.Current().ID)
		}
	})

	t.Run("uploads are listed from the store", func(t *testing.T) {
		// /v1/snapshot's uploads on a replica are the store's, not what its
		// cache happens to hold. An upload another replica's request left
		// before its commit point (stored by hand here, as the request
		// leaves it) is listed, quarantined, by a replica that never
		// fetched it; the upload the served snapshot uses is listed as
		// served, with its source.
		b := s3Backend(t, srv, "uploads-listed")
		r1, r2 := b.open(t), b.open(t)
		left := snapshot.StateUploads + "/" + sha256Hex(ugaCSV) + ".csv"
		if _, err := r1.Shared.Store.Put(ctx, left, []byte(ugaCSV), objstore.Cond{IfAbsent: true}); err != nil {
			t.Fatal(err)
		}
		out, err := r1.Upload(ctx, api.Upload{Entry: entry("ken-2025"), Filename: "ken.csv", File: strings.NewReader(kenCSV)})
		if err != nil {
			t.Fatal(err)
		}
		r2.poll(ctx)
		ds := r2.Holder.Current()
		if ds.ID != out.Snapshot {
			t.Fatalf("replica 2 serves %s, want the upload's %s", ds.ID, out.Snapshot)
		}
		got := map[string]snapshot.StoredUpload{}
		for _, u := range ds.Uploads {
			got[u.File] = u
		}
		ken := snapshot.StateUploads + "/" + sha256Hex(kenCSV) + ".csv"
		if u, ok := got[ken]; !ok || !slices.Contains(u.Snapshots, out.Snapshot) || !slices.Equal(u.Sources, []string{"ken-2025"}) {
			t.Errorf("replica 2 lists the served upload as %+v (listed: %v), want it used by %s as ken-2025", u, ok, out.Snapshot)
		}
		if u, ok := got[left]; !ok || len(u.Snapshots) != 0 {
			t.Errorf("replica 2 lists the upload left in the store as %+v (listed: %v), want it with no snapshot (quarantined)", u, ok)
		}
		if len(got) != 2 {
			t.Errorf("replica 2 lists %d uploads, want 2: %+v", len(got), ds.Uploads)
		}
	})

	t.Run("concurrent uploads are both kept", func(t *testing.T) {
		b := s3Backend(t, srv, "concurrent")
		r1, r2 := b.open(t), b.open(t)
		if _, err := r1.Upload(ctx, api.Upload{Entry: entry("ken-2025"), Filename: "ken.csv", File: strings.NewReader(kenCSV)}); err != nil {
			t.Fatal(err)
		}
		// Replica 2 has not seen replica 1's upload: it builds on the old
		// snapshot, loses the compare-and-swap, catches up and builds again
		// (what happens when two uploads meet; the cluster test does it
		// with processes and real timing).
		r2.mu.Lock()
		rel, _, err := r2.State.StoreUpload(strings.NewReader(ugaCSV), ".csv", 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		e := entry("uga-2025")
		e.File, e.Precedence = rel, 100
		out, err := r2.update(ctx, &e, true)
		r2.mu.Unlock()
		if err != nil {
			t.Fatal(err)
		}
		if n := testutil.ToFloat64(r2.metrics().retries); n != 1 {
			t.Errorf("%v pointer conflicts, want 1", n)
		}
		r1.poll(ctx)
		for i, r := range []*Service{r1, r2, b.open(t)} {
			ds := r.Holder.Current()
			if ds.ID != out.Snapshot {
				t.Errorf("replica %d serves %s, want %s", i+1, ds.ID, out.Snapshot)
			}
			for unit, want := range map[string]float64{"KEN": 55.5, "UGA": 30} {
				if v, ok := value(t, ds, "itu.internet_use", unit, 2025); !ok || v != want {
					t.Errorf("replica %d %s 2025 = %v (%v), want %v: an acknowledged upload was lost", i+1, unit, v, ok, want)
				}
			}
		}
		p, err := r1.Shared.ReadPointer(ctx)
		if err != nil || p.Snapshot != out.Snapshot || p.Generation != 3 {
			t.Errorf("pointer %+v %v, want generation 3 (first snapshot, KEN, KEN+UGA) naming %s", p, err, out.Snapshot)
		}
	})

	t.Run("bad pointer or snapshot in the store", func(t *testing.T) {
		b := s3Backend(t, srv, "corrupt")
		r := b.open(t)
		served := r.Holder.Current().ID
		store := r.Shared.Store
		good, _, err := store.Get(ctx, snapshot.PointerKey)
		if err != nil {
			t.Fatal(err)
		}
		// Someone writes garbage to the pointer: the replica keeps serving
		// what it has and says why.
		if _, err := store.Put(ctx, snapshot.PointerKey, []byte("not json"), objstore.Cond{}); err != nil {
			t.Fatal(err)
		}
		r.poll(ctx)
		if d := r.Degraded(); r.Holder.Current().ID != served || !strings.Contains(d, "the shared pointer cannot be read") {
			t.Errorf("garbage pointer: serving %s (want %s), degraded %q", r.Holder.Current().ID, served, d)
		}
		// A pointer to a snapshot whose file was damaged in the store: the
		// checksum refuses it, the replica keeps serving what it has.
		other := newReplica(t, srv, "corrupt-source")
		if err := other.Start(ctx); err != nil {
			t.Fatal(err)
		}
		out, err := other.Upload(ctx, api.Upload{Entry: entry("ken-2025"), Filename: "ken.csv", File: strings.NewReader(kenCSV)})
		if err != nil {
			t.Fatal(err)
		}
		// Copy its snapshot into this prefix with observations damaged.
		for _, name := range []string{snapshot.ManifestFile, snapshot.CatalogFile, snapshot.RegistryFile, snapshot.ReportFile,
			snapshot.UnitsFile, snapshot.GroupsFile} {
			data, _, err := other.Shared.Store.Get(ctx, "snapshots/"+out.Snapshot+"/"+name)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := store.Put(ctx, "snapshots/"+out.Snapshot+"/"+name, data, objstore.Cond{}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := store.Put(ctx, "snapshots/"+out.Snapshot+"/"+snapshot.ObservationsFile, []byte("PAR1 damaged PAR1"), objstore.Cond{}); err != nil {
			t.Fatal(err)
		}
		p := snapshot.Pointer{Snapshot: out.Snapshot, Generation: 9}
		data, _ := json.Marshal(p)
		if _, err := store.Put(ctx, snapshot.PointerKey, data, objstore.Cond{}); err != nil {
			t.Fatal(err)
		}
		r.poll(ctx)
		if d := r.Degraded(); r.Holder.Current().ID != served || !strings.Contains(d, "checksum mismatch (corrupt in the store)") {
			t.Errorf("damaged snapshot: serving %s (want %s), degraded %q", r.Holder.Current().ID, served, d)
		}
		// The pointer put back: healthy again.
		if _, err := store.Put(ctx, snapshot.PointerKey, good, objstore.Cond{}); err != nil {
			t.Fatal(err)
		}
		r.poll(ctx)
		if d := r.Degraded(); d != "" || r.Holder.Current().ID != served {
			t.Errorf("pointer restored: degraded %q, serving %s", d, r.Holder.Current().ID)
		}
	})

	t.Run("store down", func(t *testing.T) {
		b := s3Backend(t, srv, "down")
		r := b.open(t)
		served := r.Holder.Current().ID
		h := api.New(api.Config{Logger: slog.New(slog.DiscardHandler), Health: r, Collectors: r.Collectors()}, r.Holder).Handler()
		readyz := func() (int, map[string]any) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
			var body map[string]any
			json.Unmarshal(rec.Body.Bytes(), &body)
			return rec.Code, body
		}
		if code, body := readyz(); code != 200 || body["status"] != "ready" {
			t.Fatalf("readyz before: %d %v", code, body)
		}

		srv.Stop()
		r.poll(ctx)
		code, body := readyz()
		if code != 200 || body["status"] != "degraded" || !strings.Contains(body["reason"].(string), "object store unreachable (poll)") {
			t.Errorf("readyz with the store down: %d %v, want 200 degraded with the reason", code, body)
		}
		if r.Holder.Current().ID != served {
			t.Error("the replica stopped serving its snapshot when the store went down")
		}
		_, err := r.Upload(ctx, api.Upload{Entry: entry("ken-2025"), Filename: "ken.csv", File: strings.NewReader(kenCSV)})
		if !errors.Is(err, api.ErrStateUnavailable) {
			t.Errorf("upload with the store down: %v, want ErrStateUnavailable (503)", err)
		}
		// A replica started now has nothing to serve: not ready, and says why.
		late := newReplica(t, srv, "down")
		err = late.Start(ctx)
		if !errors.Is(err, api.ErrStateUnavailable) || late.Holder.Current() != nil || !strings.Contains(late.Degraded(), "object store unreachable (start)") {
			t.Errorf("start with the store down: %v, serving %v, degraded %q", err, late.Holder.Current(), late.Degraded())
		}
		lh := api.New(api.Config{Logger: slog.New(slog.DiscardHandler), Health: late}, late.Holder).Handler()
		rec := httptest.NewRecorder()
		lh.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
		if rec.Code != 503 || !strings.Contains(rec.Body.String(), "no snapshot is loaded yet: object store unreachable") {
			t.Errorf("readyz of a replica started with the store down: %d %s", rec.Code, rec.Body)
		}

		srv.Restart()
		r.poll(ctx)
		if code, body := readyz(); code != 200 || body["status"] != "ready" {
			t.Errorf("readyz after the store came back: %d %v", code, body)
		}
		out, err := r.Upload(ctx, api.Upload{Entry: entry("ken-2025"), Filename: "ken.csv", File: strings.NewReader(kenCSV)})
		if err != nil || !out.Changed {
			t.Fatalf("upload after the store came back: %v %+v", err, out)
		}
		if err := late.Start(ctx); err != nil || late.Holder.Current().ID != out.Snapshot || late.Degraded() != "" {
			t.Errorf("late replica after the store came back: %v, degraded %q", err, late.Degraded())
		}
		if n := testutil.ToFloat64(r.metrics().failures.WithLabelValues("poll")); n < 1 {
			t.Errorf("dri_state_failures_total{op=poll} = %v, want at least 1", n)
		}
	})
}

// sha256Hex is the hex SHA-256 of s: a stored upload's name, less its
// extension.
func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
