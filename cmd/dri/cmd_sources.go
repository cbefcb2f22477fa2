package main

import (
	"context"
	"sort"

	"github.com/dri-engine/dri/datasets"
	"github.com/dri-engine/dri/pipeline/load"
)

func init() {
	register(&command{name: "sources", summary: "list the catalogue's sources (or, with --adapters, the file formats DRI reads)", run: runSources})
}

func runSources(ctx context.Context, args []string, e *env) error {
	fs := newFlags("sources", "sources [--data DIR] [--adapters] [--format table|csv|json]", e)
	var data dataFlag
	fs.StringVar(&data.path, "data", "", dataUsage)
	listAdapters := fs.Bool("adapters", false, "list the adapters (file formats) instead")
	format := fs.String("format", "table", "output: table, csv or json")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := checkFormat(*format, "table", "csv", "json"); err != nil {
		return err
	}
	if *listAdapters {
		t := &table{header: []string{"adapter", "reads"}}
		docs := load.Adapters()
		names := make([]string, 0, len(docs))
		for n := range docs {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			t.add(str(n), str(docs[n]))
		}
		return t.write(e.stdout, *format)
	}
	cat, err := readCatalogueFS(datasets.FS)
	if err != nil {
		return err
	}
	opt, err := data.options()
	if err != nil {
		return err
	}
	if opt.User != nil {
		user, err := readCatalogueFS(opt.User)
		if err != nil {
			return err
		}
		cat = cat.Merge(user)
	}
	t := &table{header: []string{"id", "adapter", "vintage", "precedence", "publisher", "file"}}
	for _, s := range cat.Sources {
		t.add(str(s.ID), str(s.Adapter), str(s.Vintage), integer(s.Precedence), str(s.Publisher), str(s.File))
	}
	return t.write(e.stdout, *format)
}
