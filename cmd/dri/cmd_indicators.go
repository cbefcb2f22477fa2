package main

import (
	"context"
	"io/fs"
	"path"
	"strings"

	"github.com/dri-engine/dri/datasets"
	"github.com/dri-engine/dri/pipeline"
)

func init() {
	register(&command{name: "indicators", summary: "list the indicator registry: ids, publishers' codes (aliases), units, sources", run: runIndicators})
}

func runIndicators(_ context.Context, args []string, e *env) error {
	fs := newFlags("indicators", "indicators [--data DIR] [--format table|csv|json]\n\n"+
		"Lists every indicator of the registry (datasets/indicators.yaml, and the indicators.yaml of\n"+
		"--data): its id, the publishers' codes it answers to (aliases: WDI IT.NET.USER.ZS, ITU i99H,\n"+
		"SDG IT_USE_ii99, Findex account_t_d, ...), its unit of measure, breakdowns and sources. An\n"+
		"alias is taken wherever an indicator id is: dri data --indicator IT.NET.USER.ZS, the API's\n"+
		"indicator= and framework files. dri data --list shows the indicators with data instead.", e)
	var data dataFlag
	fs.StringVar(&data.path, "data", "", dataUsage)
	format := fs.String("format", "table", "output: table, csv or json")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := checkFormat(*format, "table", "csv", "json"); err != nil {
		return err
	}
	reg, err := registryOf(data)
	if err != nil {
		return err
	}
	t := &table{header: []string{"id", "aliases", "name", "unit", "disaggregations", "sources"}}
	for _, ind := range reg.Indicators {
		t.add(str(ind.ID), str(strings.Join(ind.Aliases, ",")), str(ind.Name), str(ind.Unit),
			str(strings.Join(ind.Disaggregations, ",")), str(strings.Join(ind.Sources, ",")))
	}
	return t.write(e.stdout, *format)
}

// registryOf reads the embedded registry and, with --data, the user's
// indicators.yaml added to it (as the pipeline does when it loads).
func registryOf(data dataFlag) (*pipeline.Registry, error) {
	text, err := fs.ReadFile(datasets.FS, pipeline.RegistryFile)
	if err != nil {
		return nil, err
	}
	reg, err := pipeline.ParseRegistry(pipeline.RegistryFile, text)
	if err != nil {
		return nil, err
	}
	opt, err := data.options()
	if err != nil {
		return nil, err
	}
	if opt.User != nil {
		if text, err := fs.ReadFile(opt.User, pipeline.RegistryFile); err == nil {
			if err := reg.Extend(path.Join(opt.UserName, pipeline.RegistryFile), text); err != nil {
				return nil, err
			}
		}
	}
	return reg, nil
}
