package main

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dri-engine/dri/api"
	"github.com/dri-engine/dri/api/service"
	"github.com/dri-engine/dri/pipeline/snapshot"
)

// TestSnapshotsListsQuarantinedUploads (issue 12 items 11 and 13): a stored
// upload no complete snapshot uses (its request was interrupted before the
// commit point, or its snapshot was damaged) is kept and reported by dri
// snapshots, with names relative to the state directory.
func TestSnapshotsListsQuarantinedUploads(t *testing.T) {
	dir := t.TempDir()
	st, err := snapshot.OpenState(dir)
	if err != nil {
		t.Fatal(err)
	}
	svc := &service.Service{State: st, Holder: &api.Holder{}, Log: slog.New(slog.DiscardHandler)}
	if err := svc.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	rel, _, err := st.StoreUpload(strings.NewReader("unit,year,indicator,value\nKEN,2027,itu.internet_use,70\n"), ".csv", 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	code, _, stderr := dri(t, "snapshots", "--state", dir)
	if code != exitOK || !strings.Contains(stderr, "quarantined upload: "+rel) {
		t.Errorf("dri snapshots: exit %d, stderr %q, want the quarantined %s", code, stderr, rel)
	}
	code, stdout, _ := dri(t, "snapshots", "--state", dir, "--uploads", "--format", "csv")
	if code != exitOK || !strings.Contains(stdout, `"`+rel+`",,"quarantined",`) {
		t.Errorf("dri snapshots --uploads: exit %d\n%s", code, stdout)
	}
	if strings.Contains(stdout+stderr, dir) {
		t.Errorf("output shows the absolute state path %s:\n%s%s", dir, stdout, stderr)
	}
	// Starting again keeps it (State.Clean used to delete it).
	if err := svc.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, rel)); err != nil {
		t.Errorf("the quarantined upload is gone after a restart: %v", err)
	}
}

// TestServeEmptyTokenFile (issue 12 item 15): an empty token file silently
// turned the admin routes off; now dri serve refuses to start (exit 2).
func TestServeEmptyTokenFile(t *testing.T) {
	tokens := filepath.Join(t.TempDir(), "tokens")
	os.WriteFile(tokens, []byte("# no token yet\n\n"), 0o600)
	code, _, stderr := dri(t, "serve", "--state", t.TempDir(), "--admin-token-file", tokens, "--addr", "127.0.0.1:0")
	if code != exitUsage || !strings.Contains(stderr, "holds no token") {
		t.Errorf("empty token file: exit %d, stderr %q, want %d and a clear message", code, stderr, exitUsage)
	}
}
