package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/dri-engine/dri/pipeline/objstore"
	"github.com/dri-engine/dri/pipeline/snapshot"
)

func init() {
	register(&command{name: "snapshots", summary: "list the snapshots of a state (directory or s3://) and the incomplete ones", run: runSnapshots})
	register(&command{name: "rollback", summary: "point a state (directory or s3://) back at an earlier snapshot", run: runRollback})
}

func runSnapshots(ctx context.Context, args []string, e *env) error {
	fs := newFlags("snapshots", "snapshots --state DIR|s3://BUCKET/PREFIX?endpoint=URL [--uploads] [--format table|csv|json]\n\n"+
		"Lists the complete snapshots, newest first, marking the current one; incomplete\n"+
		"directories (interrupted writes, checksum mismatches) are listed on standard error,\n"+
		"and so are quarantined uploads (stored, used by no complete snapshot: kept, never\n"+
		"deleted). --uploads lists the stored uploads instead, with the snapshots using each.\n"+
		"An s3:// state (dri serve's replicas) is read from the object store.", e)
	state := fs.String("state", "", "state directory or s3:// URL (required)")
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
	var list []snapshot.Info
	var stored []snapshot.StoredUpload
	current := ""
	if objstore.IsURL(*state) {
		sh, err := openShared(ctx, *state)
		if err != nil {
			return err
		}
		if list, err = sh.Snapshots(ctx); err != nil {
			return err
		}
		if stored, err = sh.Uploads(ctx, list); err != nil {
			return err
		}
	} else {
		st, err := snapshot.OpenState(*state)
		if err != nil {
			return err
		}
		var bad []snapshot.Incomplete
		if list, bad, err = st.Snapshots(); err != nil {
			return err
		}
		for _, b := range bad {
			fmt.Fprintf(e.stderr, "dri: incomplete: %s: %s\n", b.Path, b.Reason)
		}
		if stored, err = st.Uploads(list); err != nil {
			return err
		}
	}
	for _, s := range list {
		if s.Current {
			current = s.ID
		}
	}
	for _, u := range stored {
		if len(u.Snapshots) == 0 {
			fmt.Fprintf(e.stderr, "dri: quarantined upload: %s: used by no complete snapshot (kept; see dri snapshots --uploads)\n", u.File)
		}
	}
	if *uploads {
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
	fs := newFlags("rollback", "rollback ID --state DIR|s3://BUCKET/PREFIX?endpoint=URL\n\n"+
		"Points the state at an earlier complete snapshot (atomically). A running server serves\n"+
		"it after POST /v1/admin/reload, or on its next start; with an s3:// state the pointer\n"+
		"is swapped (compare-and-swap) and every replica serves it within its --poll interval.", e)
	state := fs.String("state", "", "state directory or s3:// URL (required)")
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
	var list []snapshot.Info
	var set func(id string) error
	if objstore.IsURL(*state) {
		sh, err := openShared(ctx, *state)
		if err != nil {
			return err
		}
		if list, err = sh.Snapshots(ctx); err != nil {
			return err
		}
		set = func(id string) error {
			p, err := sh.ReadPointer(ctx)
			if err != nil {
				return err
			}
			_, err = sh.SwapPointer(ctx, p, id)
			return err
		}
	} else {
		st, err := snapshot.OpenState(*state)
		if err != nil {
			return err
		}
		if list, _, err = st.Snapshots(); err != nil {
			return err
		}
		set = st.SetCurrent
	}
	for _, s := range list {
		if s.ID == id || (len(id) >= 6 && len(s.ID) > len(id) && s.ID[:len(id)] == id) {
			if err := set(s.ID); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "current snapshot: %s (created %s)\n", s.ID, s.Created.Format(time.RFC3339))
			return nil
		}
	}
	return usagef("rollback: no complete snapshot %q in %s (see dri snapshots)", id, objstore.Redact(*state))
}

// openShared opens an s3:// state for the snapshot commands (no cache: they
// read manifests and catalogues, and move the pointer).
func openShared(ctx context.Context, state string) (*snapshot.Shared, error) {
	store, err := objstore.Open(ctx, state)
	if err != nil {
		return nil, usagef("--state: %v", err)
	}
	if err := store.Check(ctx); err != nil {
		return nil, err
	}
	return &snapshot.Shared{Store: store}, nil
}
