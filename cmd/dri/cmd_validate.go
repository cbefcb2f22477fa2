package main

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"

	"github.com/dri-engine/dri/datasets"
	"github.com/dri-engine/dri/pipeline"
	"github.com/dri-engine/dri/pipeline/load"
	"github.com/dri-engine/dri/pipeline/snapshot"
)

func init() {
	register(&command{name: "validate", summary: "check data files and print the per-file report (exit 1 if problems)", run: runValidate})
	register(&command{name: "run", summary: "run the pipeline and write a Parquet snapshot with manifest.json", run: runRun})
}

func runValidate(ctx context.Context, args []string, e *env) error {
	fs := newFlags("validate", "validate [--data DIR] [--verbose] [--format text|json] [--max-line-bytes N] [FILE...]\n\n"+
		"Validates the embedded data and --data. FILE arguments restrict the check to the catalogue\n"+
		"entries with that file; a FILE no catalogue lists is read as a long-format file.\n"+
		"Exit status: 0 clean (notices allowed), 1 problems found, 2 usage.", e)
	var data dataFlag
	data.flags(fs)
	verbose := fs.Bool("verbose", false, "list every problem and notice kept: the first 200 of each rule in each file (default: the first 20 errors and 1 notice per rule)")
	format := fs.String("format", "text", "report format: text or json")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *format != "text" && *format != "json" {
		return usagef("--format %q: want text or json", *format)
	}
	opt, err := data.options()
	if err != nil {
		return err
	}
	if fs.NArg() > 0 {
		if err := selectFiles(&opt, data, fs.Args()); err != nil {
			return err
		}
	}
	res, err := e.load(ctx, opt)
	if err != nil {
		return err
	}
	defer res.Release()
	if *format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(res.Report); err != nil {
			return err
		}
	} else if err := res.Report.WriteText(e.stdout, *verbose); err != nil {
		return err
	}
	if res.Report.Errors() > 0 {
		return errProblems
	}
	return nil
}

// selectFiles restricts the load to the catalogue entries whose file is one
// of files; other files are loaded as long-format files.
func selectFiles(opt *load.Options, data dataFlag, files []string) error {
	entries := map[string]string{} // path as the user may write it -> source id
	add := func(cat *pipeline.Catalogue, dir string) {
		for _, e := range cat.Sources {
			entries[filepath.Clean(e.File)] = e.ID
			if dir != "" {
				entries[filepath.Clean(filepath.Join(dir, e.File))] = e.ID
			}
			entries[filepath.Clean(filepath.Join("datasets", e.File))] = e.ID
		}
	}
	base, err := readCatalogueFS(datasets.FS)
	if err != nil {
		return err
	}
	add(base, "")
	if opt.User != nil {
		user, err := readCatalogueFS(opt.User)
		if err != nil {
			return err
		}
		add(user, data.path)
	}
	opt.Only = []string{}
	for _, f := range files {
		if id, ok := entries[filepath.Clean(f)]; ok {
			opt.Only = append(opt.Only, id)
			continue
		}
		opt.Extra = append(opt.Extra, extraFile(f))
	}
	return nil
}

func runRun(ctx context.Context, args []string, e *env) error {
	fs := newFlags("run", "run [--data DIR] [--out DIR]\n\n"+
		"Loads and validates all sources and writes an immutable snapshot directory\n"+
		"OUT/<id> (Parquet tables, manifest.json with checksums and counts). Nothing is\n"+
		"written when any file has errors (exit 1); the report goes to standard output.", e)
	var data dataFlag
	data.flags(fs)
	out := fs.String("out", "snapshots", "directory that receives the snapshot")
	verbose := fs.Bool("verbose", false, "list every problem and notice kept: the first 200 of each rule in each file")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("run takes no arguments (got %q)", fs.Args())
	}
	opt, err := data.options()
	if err != nil {
		return err
	}
	res, err := e.load(ctx, opt)
	if err != nil {
		return err
	}
	defer res.Release()
	if err := res.Report.WriteText(e.stdout, *verbose); err != nil {
		return err
	}
	if n := res.Report.Errors(); n > 0 {
		fmt.Fprintf(e.stderr, "dri: %d errors: no snapshot written\n", n)
		return errProblems
	}
	m, err := snapshot.Write(*out, res, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "snapshot %s: %d observations, %d units, %d groups -> %s\n",
		m.ID, m.Counts.Observations, m.Counts.Units, m.Counts.Groups, filepath.Join(*out, m.ID))
	return nil
}
