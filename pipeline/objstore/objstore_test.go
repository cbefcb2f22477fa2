package objstore_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dri-engine/dri/internal/weedtest"
	"github.com/dri-engine/dri/pipeline/objstore"
)

func TestOpenRefusesBadURLs(t *testing.T) {
	for raw, want := range map[string]string{
		"/var/lib/dri":                       "is not an s3://BUCKET/PREFIX URL",
		"s3:///prefix":                       "no bucket",
		"s3://b/p?endpoint=ftp://x":          `endpoint "ftp://x" is not an http(s) URL`,
		"s3://b/p?endpoint=http://x&foo=1":   `unknown parameter "foo"`,
		"s3://b/p?endpoint=127.0.0.1%3A8333": `is not an http(s) URL`,
	} {
		_, err := objstore.Open(context.Background(), raw)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Open(%q) = %v, want an error with %q", raw, err, want)
		}
	}
	if got := objstore.Redact("s3://b/p?endpoint=http://k:s@h"); got != "s3://b/p" {
		t.Errorf("Redact = %q", got)
	}
}

// TestStoreAgainstSeaweedFS checks, against a real S3 server, the three
// properties the shared state relies on: a missing key is ErrNotExist, a
// write with If-None-Match: * or a stale If-Match fails and changes
// nothing, and a conditional GET with the current ETag returns no body.
func TestStoreAgainstSeaweedFS(t *testing.T) {
	t0 := time.Now()
	srv := weedtest.Start(t)
	t.Logf("start took %s", time.Since(t0))
	ctx := context.Background()
	st, err := objstore.Open(ctx, srv.URL("conformance"))
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Check(ctx); err != nil {
		t.Fatal(err)
	}

	if _, _, err := st.Get(ctx, "current"); !errors.Is(err, objstore.ErrNotExist) {
		t.Fatalf("Get of a missing key: %v, want ErrNotExist", err)
	}
	if ok, err := st.Exists(ctx, "current"); ok || err != nil {
		t.Fatalf("Exists of a missing key: %v %v", ok, err)
	}
	e1, err := st.Put(ctx, "current", []byte("one"), objstore.Cond{IfAbsent: true})
	if err != nil || e1 == "" {
		t.Fatalf("first put: %q %v", e1, err)
	}
	if _, err := st.Put(ctx, "current", []byte("two"), objstore.Cond{IfAbsent: true}); !errors.Is(err, objstore.ErrPrecondition) {
		t.Fatalf("If-None-Match: * on an existing key: %v, want ErrPrecondition", err)
	}
	e2, err := st.Put(ctx, "current", []byte("two"), objstore.Cond{IfMatch: e1})
	if err != nil || e2 == e1 {
		t.Fatalf("If-Match with the current ETag: %q %v", e2, err)
	}
	if _, err := st.Put(ctx, "current", []byte("three"), objstore.Cond{IfMatch: e1}); !errors.Is(err, objstore.ErrPrecondition) {
		t.Fatalf("If-Match with a stale ETag: %v, want ErrPrecondition", err)
	}
	data, etag, err := st.Get(ctx, "current")
	if err != nil || string(data) != "two" || etag != e2 {
		t.Fatalf("after the refused writes: %q %q %v, want \"two\" %q", data, etag, err, e2)
	}
	if _, _, changed, err := st.GetIfChanged(ctx, "current", e2); changed || err != nil {
		t.Fatalf("conditional GET with the current ETag: changed %v, %v", changed, err)
	}
	if data, e, changed, err := st.GetIfChanged(ctx, "current", e1); !changed || string(data) != "two" || e != e2 || err != nil {
		t.Fatalf("conditional GET with an old ETag: %q %q %v %v", data, e, changed, err)
	}
	if _, err := st.Put(ctx, "snapshots/a/manifest.json", []byte("{}"), objstore.Cond{}); err != nil {
		t.Fatal(err)
	}
	keys, err := st.List(ctx, "snapshots/")
	if err != nil || len(keys) != 1 || keys[0] != "snapshots/a/manifest.json" {
		t.Fatalf("List: %v %v", keys, err)
	}

	// The store down: every operation is ErrUnavailable, promptly.
	t0 = time.Now()
	srv.Stop()
	t.Logf("stop took %s", time.Since(t0))
	start := time.Now()
	_, _, err = st.Get(ctx, "current")
	if !errors.Is(err, objstore.ErrUnavailable) || errors.Is(err, objstore.ErrNotExist) {
		t.Fatalf("Get with the store down: %v, want ErrUnavailable", err)
	}
	if d := time.Since(start); d > 15*time.Second {
		t.Errorf("Get with the store down took %s", d)
	}
	if !strings.Contains(err.Error(), "object store unavailable: get s3://dri-test/conformance/current") {
		t.Errorf("message %q does not name the operation and key", err)
	}
	t0 = time.Now()
	srv.Restart()
	t.Logf("restart took %s", time.Since(t0))
	if data, _, err := st.Get(ctx, "current"); err != nil || string(data) != "two" {
		t.Fatalf("after restart: %q %v", data, err)
	}
}
