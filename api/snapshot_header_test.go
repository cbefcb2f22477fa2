package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/dri-engine/dri/api"
)

// TestSnapshotHeader: every response answered from a dataset names that
// dataset in X-DRI-Snapshot, the same id as the JSON body's meta.snapshot,
// before and after a swap, from the cache, on a 304, on an error the
// dataset answered, and on an export; CORS lets a browser read it.
func TestSnapshotHeader(t *testing.T) {
	h, svc := adminServer(t)
	a := svc.Holder.Current()
	const target = "/v1/data?indicator=itu.internet_use&unit=KEN&sex=_T&date=2025"

	// answered checks the header against want and against meta.snapshot.
	answered := func(t *testing.T, rec interface {
		Header() http.Header
	}, body []byte, want string) {
		t.Helper()
		if got := rec.Header().Get(api.HeaderSnapshot); got != want {
			t.Errorf("%s = %q, want %q (the dataset that answered)", api.HeaderSnapshot, got, want)
		}
		if len(body) == 0 {
			return
		}
		var env struct {
			Meta struct {
				Snapshot string `json:"snapshot"`
			} `json:"meta"`
		}
		if err := json.Unmarshal(body, &env); err != nil {
			t.Fatalf("body: %v", err)
		}
		if env.Meta.Snapshot != want {
			t.Errorf("meta.snapshot = %q, want %q (the header's)", env.Meta.Snapshot, want)
		}
	}

	before := get(t, h, target)
	if before.Code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", target, before.Code, before.Body)
	}
	answered(t, before, before.Body.Bytes(), a.ID)
	if got := before.Header().Get("Access-Control-Expose-Headers"); !strings.Contains(got, api.HeaderSnapshot) {
		t.Errorf("Access-Control-Expose-Headers = %q, want it to list %s", got, api.HeaderSnapshot)
	}

	if rec := upload(t, h, "Bearer "+token, goodEntry, "ken.csv", goodCSV); rec.Code != http.StatusCreated {
		t.Fatalf("upload: %d %s", rec.Code, rec.Body)
	}
	b := svc.Holder.Current()
	if b.ID == a.ID {
		t.Fatalf("the upload did not swap the dataset (still %s)", a.ID)
	}
	after := get(t, h, target)
	answered(t, after, after.Body.Bytes(), b.ID)

	// Back to the first dataset: its response now comes from the cache.
	svc.Holder.Set(a)
	cached := get(t, h, target)
	answered(t, cached, cached.Body.Bytes(), a.ID)
	if cached.Body.String() != before.Body.String() {
		t.Errorf("cached body differs from the first answer:\n%s\nwant\n%s", cached.Body, before.Body)
	}

	notModified := get(t, h, target, "If-None-Match", before.Header().Get("ETag"))
	if notModified.Code != http.StatusNotModified {
		t.Fatalf("If-None-Match: %d, want 304", notModified.Code)
	}
	answered(t, notModified, nil, a.ID)

	unknown := get(t, h, "/v1/units/XYZ")
	if unknown.Code != http.StatusNotFound {
		t.Fatalf("GET /v1/units/XYZ: %d, want 404", unknown.Code)
	}
	answered(t, unknown, nil, a.ID)

	export := get(t, h, "/v1/export/units.csv")
	if export.Code != http.StatusOK {
		t.Fatalf("GET /v1/export/units.csv: %d %s", export.Code, export.Body)
	}
	answered(t, export, nil, a.ID)

	// Not answered from a dataset: no header.
	if got := get(t, h, "/healthz").Header().Get(api.HeaderSnapshot); got != "" {
		t.Errorf("/healthz %s = %q, want none", api.HeaderSnapshot, got)
	}
}
