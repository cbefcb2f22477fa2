package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	"github.com/dri-engine/dri/datasets"
	"github.com/dri-engine/dri/pipeline/load"
	"github.com/dri-engine/dri/pipeline/snapshot"
)

func init() {
	register(&command{name: "version", summary: "print the build (module version, commit, Go) and the embedded data's snapshot id", run: runVersion})
}

// buildVersion is what `dri version` reports about the binary itself.
type buildVersion struct {
	Module   string `json:"module"`
	Version  string `json:"version"`            // module version, "(devel)" for a build in a checkout
	Commit   string `json:"commit,omitempty"`   // vcs.revision
	Modified bool   `json:"modified,omitempty"` // vcs.modified: built from a tree with uncommitted changes
	Time     string `json:"commit_time,omitempty"`
	Go       string `json:"go"`
	Platform string `json:"platform"`
	// Snapshot is the id /v1/snapshot gives when serving the embedded data
	// (snapshot.ComputeManifest: a hash of the snapshot's files).
	Snapshot string `json:"snapshot,omitempty"`
}

// versionOf reads the build information the Go toolchain stamps into the
// binary (go build records the VCS settings when built in a checkout).
func versionOf(bi *debug.BuildInfo, ok bool) buildVersion {
	v := buildVersion{Version: "unknown", Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if !ok || bi == nil {
		return v
	}
	v.Module, v.Version = bi.Main.Path, bi.Main.Version
	if v.Version == "" {
		v.Version = "(devel)"
	}
	if bi.GoVersion != "" {
		v.Go = bi.GoVersion
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Commit = s.Value
		case "vcs.modified":
			v.Modified = s.Value == "true"
		case "vcs.time":
			v.Time = s.Value
		}
	}
	return v
}

func runVersion(ctx context.Context, args []string, e *env) error {
	fs := newFlags("version", "version [--format text|json] [--no-data]\n\n"+
		"Prints the module version, the VCS commit the binary was built from (with \"modified\" when the\n"+
		"tree had uncommitted changes) and its time, the Go version, and the snapshot id of the embedded\n"+
		"data: the id GET /v1/snapshot gives when dri serve runs on them (computing it loads the data,\n"+
		"about a second; --no-data skips it). `dri --version` is the same.", e)
	format := fs.String("format", "text", "output: text or json")
	noData := fs.Bool("no-data", false, "do not load the embedded data to compute their snapshot id")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := checkFormat(*format, "text", "json"); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("version: unexpected argument %q", fs.Arg(0))
	}
	v := versionOf(debug.ReadBuildInfo())
	if !*noData {
		id, err := embeddedSnapshotID(ctx, e)
		if err != nil {
			return err
		}
		v.Snapshot = id
	}
	return v.write(e.stdout, *format)
}

// embeddedSnapshotID loads the embedded data and returns the id of the
// snapshot they make, computed as dri serve and dri run compute it.
func embeddedSnapshotID(ctx context.Context, e *env) (string, error) {
	res, err := e.load(ctx, load.Options{Base: datasets.FS})
	if err != nil {
		return "", err
	}
	defer res.Release()
	m, err := snapshot.ComputeManifest(res, nil)
	if err != nil {
		return "", err
	}
	return m.ID, nil
}

func (v buildVersion) write(w io.Writer, format string) error {
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
	commit := v.Commit
	if commit == "" {
		commit = "unknown (not built from a VCS checkout)"
	} else if v.Modified {
		commit += " (modified)"
	}
	if v.Time != "" {
		commit += " " + v.Time
	}
	fmt.Fprintf(w, "dri %s\n", v.Version)
	fmt.Fprintf(w, "module    %s\n", v.Module)
	fmt.Fprintf(w, "commit    %s\n", commit)
	fmt.Fprintf(w, "go        %s %s\n", v.Go, v.Platform)
	if v.Snapshot != "" {
		fmt.Fprintf(w, "snapshot  %s (embedded data)\n", v.Snapshot)
	}
	return nil
}
