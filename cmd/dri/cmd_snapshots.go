package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/dri-engine/dri/pipeline/snapshot"
)

func init() {
	register(&command{name: "snapshots", summary: "list the snapshots of a state directory (and the incomplete ones)", run: runSnapshots})
	register(&command{name: "rollback", summary: "point a state directory back at an earlier snapshot", run: runRollback})
}

func runSnapshots(ctx context.Context, args []string, e *env) error {
	fs := newFlags("snapshots", "snapshots --state DIR [--uploads] [--format table|csv|json]\n\n"+
		"Lists the complete snapshots, newest first, marking the current one; incomplete\n"+
		"directories (interrupted writes, checksum mismatches) are listed on standard error,\n"+
		"and so are quarantined uploads (stored, used by no complete snapshot: kept, never\n"+
		"deleted). --uploads lists the stored uploads instead, with the snapshots using each.", e)
	state := fs.String("state", "", "state directory (required)")
	format := fs.String("format", "table", "output: table, csv or json")
	uploads := fs.Bool("uploads", false, "list the stored uploads (file, sources, status, snapshots) instead of the snapshots")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *state == "" {
		return usagef("snapshots: --state is required")
	}
	if err := checkFormat(*format, "table", "csv", "json"); err != nil {
		return err
	}
	st, err := snapshot.OpenState(*state)
	if err != nil {
		return err
	}
	list, bad, err := st.Snapshots()
	if err != nil {
		return err
	}
	for _, b := range bad {
		fmt.Fprintf(e.stderr, "dri: incomplete: %s: %s\n", b.Path, b.Reason)
	}
	stored, err := st.Uploads(list)
	if err != nil {
		return err
	}
	for _, u := range stored {
		if len(u.Snapshots) == 0 {
			fmt.Fprintf(e.stderr, "dri: quarantined upload: %s: used by no complete snapshot (kept; see dri snapshots --uploads)\n", u.File)
		}
	}
	if *uploads {
		current, _ := st.Current()
		t := &table{header: []string{"file", "sources", "status", "snapshots"}}
		for _, u := range stored {
			status := "quarantined"
			if len(u.Snapshots) > 0 {
				status = "kept"
			}
			if slices.Contains(u.Snapshots, current) {
				status = "current"
			}
			t.add(str(u.File), str(strings.Join(u.Sources, " ")), str(status), str(strings.Join(u.Snapshots, " ")))
		}
		return t.write(e.stdout, *format)
	}
	t := &table{header: []string{"id", "created", "current", "observations", "sources", "errors"}}
	for _, s := range list {
		cur := ""
		if s.Current {
			cur = "*"
		}
		t.add(str(s.ID), str(s.Created.Format(time.RFC3339)), str(cur), integer(s.Manifest.Counts.Observations),
			integer(len(s.Manifest.Sources)), integer(s.Manifest.Validation.Errors))
	}
	return t.write(e.stdout, *format)
}

func runRollback(ctx context.Context, args []string, e *env) error {
	fs := newFlags("rollback", "rollback ID --state DIR\n\n"+
		"Points the state at an earlier complete snapshot (atomically). A running server serves\n"+
		"it after POST /v1/admin/reload, or on its next start.", e)
	state := fs.String("state", "", "state directory (required)")
	var id string
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		id, args = args[0], args[1:]
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if id == "" && fs.NArg() == 1 {
		id = fs.Arg(0)
	}
	if id == "" || *state == "" {
		return usagef("rollback: want a snapshot id and --state DIR (see dri snapshots)")
	}
	st, err := snapshot.OpenState(*state)
	if err != nil {
		return err
	}
	list, _, err := st.Snapshots()
	if err != nil {
		return err
	}
	for _, s := range list {
		if s.ID == id || (len(id) >= 6 && len(s.ID) > len(id) && s.ID[:len(id)] == id) {
			if err := st.SetCurrent(s.ID); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "current snapshot: %s (created %s)\n", s.ID, s.Created.Format(time.RFC3339))
			return nil
		}
	}
	return usagef("rollback: no complete snapshot %q in %s (see dri snapshots)", id, *state)
}
