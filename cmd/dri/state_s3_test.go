package main

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/dri-engine/dri/api"
	"github.com/dri-engine/dri/api/service"
	"github.com/dri-engine/dri/internal/weedtest"
	"github.com/dri-engine/dri/pipeline"
	"github.com/dri-engine/dri/pipeline/objstore"
	"github.com/dri-engine/dri/pipeline/snapshot"
)

// TestSnapshotsAndRollbackS3 (issue 18): dri snapshots lists an s3://
// state's snapshots and uploads from the store, and dri rollback swaps its
// pointer; a replica serves the rolled-back snapshot on its next catch-up.
func TestSnapshotsAndRollbackS3(t *testing.T) {
	srv := weedtest.Start(t)
	ctx := context.Background()
	url := srv.URL("cli")
	store, err := objstore.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	cache, err := snapshot.OpenState(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	svc := &service.Service{State: cache, Shared: &snapshot.Shared{Store: store, Cache: cache}, Holder: &api.Holder{},
		Log: slog.New(slog.DiscardHandler)}
	if err := svc.Start(ctx); err != nil {
		t.Fatal(err)
	}
	first := svc.Holder.Current().ID
	out, err := svc.Upload(ctx, api.Upload{Entry: pipeline.Entry{ID: "ken-2025", Adapter: "long", Publisher: "country office", Vintage: "2026", Licence: "CC0"},
		Filename: "ken.csv", File: strings.NewReader("unit,year,indicator,value\nKEN,2025,itu.internet_use,55.5\n")})
	if err != nil {
		t.Fatal(err)
	}

	code, stdout, stderr := dri(t, "snapshots", "--state", url, "--format", "csv")
	// Newest first; the two were created within the same second here, so
	// their order is the ids' and the check is by line, not by position.
	rows := map[string]string{}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	for _, l := range lines[1:] {
		id, _, _ := strings.Cut(l, ",")
		rows[strings.Trim(id, `"`)] = l
	}
	if code != exitOK || len(lines) != 3 || !strings.Contains(rows[out.Snapshot], `,"*",`) ||
		rows[first] == "" || strings.Contains(rows[first], `,"*",`) {
		t.Errorf("dri snapshots: exit %d\n%s%s\nwant %s (current) and %s", code, stdout, stderr, out.Snapshot, first)
	}
	code, stdout, _ = dri(t, "snapshots", "--state", url, "--uploads", "--format", "csv")
	if code != exitOK || !strings.Contains(stdout, `,"ken-2025","current","`+out.Snapshot+`"`) {
		t.Errorf("dri snapshots --uploads: exit %d\n%s", code, stdout)
	}

	code, stdout, stderr = dri(t, "rollback", first[:8], "--state", url)
	if code != exitOK || !strings.Contains(stdout, "current snapshot: "+first) {
		t.Fatalf("dri rollback: exit %d\n%s%s", code, stdout, stderr)
	}
	p, err := (&snapshot.Shared{Store: store}).ReadPointer(ctx)
	if err != nil || p.Snapshot != first || p.Generation != 3 || p.Previous != out.Snapshot {
		t.Errorf("pointer after rollback: %+v %v, want generation 3 naming %s after %s", p, err, first, out.Snapshot)
	}
	if _, err := svc.Reload(ctx); err != nil || svc.Holder.Current().ID != first {
		t.Errorf("replica after rollback and reload: %v, serving %s, want %s", err, svc.Holder.Current().ID, first)
	}
	code, _, stderr = dri(t, "rollback", "0123456789", "--state", url)
	if code != exitUsage || !strings.Contains(stderr, `no complete snapshot "0123456789" in s3://dri-test/cli`) || strings.Contains(stderr, "endpoint=") {
		t.Errorf("rollback to an unknown id: exit %d, stderr %q", code, stderr)
	}
}
