package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/dri-engine/dri/pipeline/synth"
)

func init() {
	register(&command{name: "synth", summary: "write a seeded synthetic panel (long format) for scale tests", run: runSynth})
}

// The default panel is small, for trying DRI on data of your own shape; the
// flags make the large one (synth.Spec's defaults, the benchmarks' panel).
const (
	synthUnits      = 250
	synthIndicators = 25
	synthYears      = 15
)

func runSynth(ctx context.Context, args []string, e *env) error {
	fs := newFlags("synth", "synth [--units N] [--indicators N] [--years N] [--sexes] [--seed S] --out FILE.csv|FILE.parquet\n\n"+
		"Writes a synthetic panel in the long format (unit,year,indicator[,sex],value) with missing values\n"+
		"and outliers: sub-national units (KE-001 ...), indicators synth.i001 ..., one value per unit,\n"+
		"indicator, sex and year. Next to it go FILE.indicators.yaml (the registry entries, read\n"+
		"automatically with --data FILE) and FILE.framework.yaml (the index = mean of min-max normalised\n"+
		"indicators) and FILE.subdivisions.csv (the synthetic sub-national codes, which are not ISO 3166-2;\n"+
		"read automatically too). Score every year with:\n"+
		"  dri score --framework FILE.framework.yaml --data FILE --year all   (every year; or --year Y)\n"+
		"The defaults write a small panel (250 units x 25 indicators x 15 years: about 89,000 rows, 2.8 MB\n"+
		"of CSV); the benchmarks' large panel is --units 5000 --indicators 100 --years 20 (9.5 million\n"+
		"rows, about 300 MB of CSV; docs/BENCHMARKS.md).", e)
	var spec synth.Spec
	fs.IntVar(&spec.Units, "units", synthUnits, "sub-national units")
	fs.IntVar(&spec.Indicators, "indicators", synthIndicators, "indicators")
	fs.IntVar(&spec.Years, "years", synthYears, "years (from 2005)")
	fs.BoolVar(&spec.Sexes, "sexes", false, "also female and male values for each")
	seed := fs.Uint64("seed", 1, "random seed")
	fs.Float64Var(&spec.Missing, "missing", 0.05, "share of values missing")
	fs.Float64Var(&spec.Outliers, "outliers", 0.001, "share of values that are outliers (x10)")
	out := fs.String("out", "", "output file (.csv or .parquet)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	spec.Seed = *seed
	spec.Defaults()
	ext := strings.ToLower(filepath.Ext(*out))
	switch {
	case *out == "":
		return usagef("synth: --out is required")
	case ext != ".csv" && ext != ".parquet":
		return usagef("synth: --out %q: want a .csv or .parquet file", *out)
	case spec.Units < 1 || spec.Units > synth.MaxUnits:
		return usagef("synth: --units %d: want 1..%d", spec.Units, synth.MaxUnits)
	case spec.Indicators < 1 || spec.Indicators > 999:
		return usagef("synth: --indicators %d: want 1..999", spec.Indicators)
	case spec.Years < 1 || spec.Years > 30:
		return usagef("synth: --years %d: want 1..30", spec.Years)
	case spec.Missing < 0 || spec.Missing >= 1 || spec.Outliers < 0 || spec.Outliers >= 1:
		return usagef("synth: --missing and --outliers are shares in [0, 1)")
	}
	tmp := *out + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if ext == ".csv" {
		err = spec.WriteCSV(f)
	} else {
		err = spec.WriteParquet(f)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, *out); err != nil {
		return err
	}
	stem := strings.TrimSuffix(*out, filepath.Ext(*out))
	if err := os.WriteFile(stem+".indicators.yaml", spec.Registry(), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(stem+".framework.yaml", spec.Framework("synth"), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(stem+".subdivisions.csv", spec.Subdivisions(), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s\n%s.indicators.yaml\n%s.framework.yaml\n%s.subdivisions.csv\n", *out, stem, stem, stem)
	return nil
}
