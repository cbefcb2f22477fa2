package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

// TestVersionSnapshotIsServed checks that dri version names the snapshot id
// GET /v1/snapshot gives for the embedded data, and the Go version.
func TestVersionSnapshotIsServed(t *testing.T) {
	code, stdout, stderr := dri(t, "--version", "--format", "json")
	if code != exitOK {
		t.Fatalf("dri --version: exit %d: %s", code, stderr)
	}
	var v buildVersion
	if err := json.Unmarshal([]byte(stdout), &v); err != nil {
		t.Fatalf("dri --version --format json: %v\n%s", err, stdout)
	}
	var snap struct {
		Data struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	if err := json.Unmarshal([]byte(apiGet(t, groupAPI(t).Handler(), "/v1/snapshot")), &snap); err != nil {
		t.Fatal(err)
	}
	if v.Snapshot == "" || v.Snapshot != snap.Data.ID {
		t.Errorf("dri version snapshot %q, /v1/snapshot id %q", v.Snapshot, snap.Data.ID)
	}
	if v.Go != runtime.Version() {
		t.Errorf("dri version go %q, want %q", v.Go, runtime.Version())
	}
	code, stdout, _ = dri(t, "version", "--no-data")
	if code != exitOK || strings.Contains(stdout, "snapshot") || !strings.Contains(stdout, "go        "+runtime.Version()) {
		t.Errorf("dri version --no-data: exit %d\n%s", code, stdout)
	}
}

// TestVersionOfBuildInfo reads the VCS settings go build stamps.
func TestVersionOfBuildInfo(t *testing.T) {
	bi := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/dri-engine/dri", Version: "v1.2.3"},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "0123abcd"}, {Key: "vcs.modified", Value: "true"},
			{Key: "vcs.time", Value: "2026-12-06T22:00:00Z"}}}
	v := versionOf(bi, true)
	want := buildVersion{Module: "github.com/dri-engine/dri", Version: "v1.2.3", Commit: "0123abcd", Modified: true,
		Time: "2026-12-06T22:00:00Z", Go: "go1.26.8", Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if v != want {
		t.Errorf("versionOf = %+v, want %+v", v, want)
	}
	var b strings.Builder
	if err := v.write(&b, "text"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "commit    0123abcd (modified) 2026-12-06T22:00:00Z") {
		t.Errorf("text output lacks the commit line:\n%s", b.String())
	}
	if v := versionOf(nil, false); v.Version != "unknown" || v.Commit != "" {
		t.Errorf("versionOf(no build info) = %+v", v)
	}
}

// TestVersionStampsCommit builds the binary from this checkout with VCS
// stamping on and checks that it reports the checkout's HEAD.
func TestVersionStampsCommit(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	head, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Skipf("not a git checkout: %v", err)
	}
	top, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	if err != nil {
		t.Fatal(err)
	}
	// go build recognises only a .git directory: in a linked worktree (.git
	// is a file) it stamps nothing (golang/go#58218). CI builds a clone.
	if st, err := os.Stat(filepath.Join(strings.TrimSpace(string(top)), ".git")); err != nil || !st.IsDir() {
		t.Skip("a linked git worktree: go build stamps no VCS information here (golang/go#58218)")
	}
	bin := t.TempDir() + "/dri"
	if out, err := exec.Command("go", "build", "-buildvcs=true", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "version", "--no-data", "--format", "json").Output()
	if err != nil {
		t.Fatal(err)
	}
	var v buildVersion
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if want := strings.TrimSpace(string(head)); v.Commit != want || v.Time == "" {
		t.Errorf("built binary reports commit %q at %q, want HEAD %s", v.Commit, v.Time, want)
	}
}
