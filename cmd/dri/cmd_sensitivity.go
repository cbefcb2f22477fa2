package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/dri-engine/dri/indicators/engine"
)

func init() {
	register(&command{name: "sensitivity", summary: "how sure are the ranks: Monte Carlo rank intervals and variance-based sensitivity", run: runSensitivity})
}

func runSensitivity(ctx context.Context, args []string, e *env) error {
	fs := newFlags("sensitivity", "sensitivity --framework ID [--year Y] [--runs N] [--seed S]\n"+
		"                  [--vary weights,normalisation,aggregation,imputation] [--factor F] [--sa]\n"+
		"                  [--weight-sets FILE.json] [--format table|csv|json] [--data DIR]\n\n"+
		"Runs N Monte Carlo rebuilds of the index: each weight drawn uniformly within +-F (default 25 %),\n"+
		"normalisation among the framework's and minmax, zscore, rank; aggregation arithmetic or\n"+
		"geometric; imputation on or off. Per unit: nominal rank, mean and median rank, 5th and 95th\n"+
		"percentile ranks, mean absolute rank shift. The same seed gives the same result on any number of\n"+
		"cores. --sa adds first-order and total sensitivity indices (Saltelli design, N(d+2) runs) of the\n"+
		"mean absolute rank shift. --weight-sets replays explicit weights (a JSON list of {node: weight}),\n"+
		"one run each, and prints every run's ranks.", e)
	var data dataFlag
	data.flags(fs)
	framework := fs.String("framework", "compass", "framework id")
	year := fs.Int("year", 0, "year (default: the framework's latest well-covered year)")
	runs := fs.Int("runs", 1000, "Monte Carlo runs (base samples N with --sa)")
	seed := fs.Uint64("seed", 1, "random seed")
	vary := fs.String("vary", "weights", "what varies: weights, normalisation, aggregation, imputation (comma-separated)")
	factor := fs.Float64("factor", 0.25, "weights vary within +-factor")
	sa := fs.Bool("sa", false, "also variance-based sensitivity indices (Saltelli)")
	sets := fs.String("weight-sets", "", "JSON file with a list of weight sets to replay, one run each")
	format := fs.String("format", "table", "output: table, csv or json")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := checkFormat(*format, "table", "csv", "json"); err != nil {
		return err
	}
	v, err := engine.ParseVary(*vary)
	if err != nil {
		return usagef("--vary: %v", err)
	}
	if *runs < 1 || *runs > engine.MaxRuns {
		return usagef("--runs %d: want 1..%d", *runs, engine.MaxRuns)
	}
	if *factor <= 0 || *factor >= 1 {
		return usagef("--factor %v: want 0 < F < 1", *factor)
	}
	req := engine.UncertaintyRequest{Framework: *framework, Year: *year, Runs: *runs, Seed: *seed, Vary: v,
		WeightFactor: *factor, Sensitivity: *sa}
	if *sets != "" {
		b, err := os.ReadFile(*sets)
		if err != nil {
			return usagef("--weight-sets: %v", err)
		}
		if err := json.Unmarshal(b, &req.WeightSets); err != nil || len(req.WeightSets) == 0 {
			return usagef("--weight-sets %s: want a JSON list of {\"NODE\": weight} objects (%v)", *sets, err)
		}
	}
	data.indicators = frameworkNeeds(*framework) // only the sources it reads
	eng, res0, err := e.engine(ctx, data)
	if err != nil {
		return err
	}
	defer res0.Release()
	if _, ok := eng.Framework(*framework); !ok {
		return usagef("--framework: unknown framework %q (have %s)", *framework, strings.Join(eng.Frameworks(), ", "))
	}
	p, done := e.progress("runs")
	if p != nil {
		req.Progress = func(d, total int) { p(d, total, "") }
	}
	res, err := eng.Uncertainty(req)
	done()
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "dri: %s %d: %d runs, seed %d, varying %s\n", res.Framework, res.Year, res.Runs, res.Seed, v)
	if len(req.WeightSets) > 0 {
		t := &table{header: []string{"run", "unit", "rank"}}
		for j, ranks := range res.RunRanks {
			for u, r := range ranks {
				rc := cell{null: true, isNum: true}
				if r > 0 {
					rc = integer(r)
				}
				t.add(integer(j+1), str(res.Units[u].Unit), rc)
			}
		}
		return t.write(e.stdout, *format)
	}
	for _, s := range res.Sensitivity {
		fmt.Fprintf(e.stderr, "dri: sensitivity of the mean rank shift to %-30s first-order %.3f, total %.3f\n", s.Input, s.First, s.Total)
	}
	t := &table{header: []string{"unit", "nominal_rank", "mean_rank", "median_rank", "p5_rank", "p95_rank", "mean_shift", "runs"}}
	for _, u := range engine.SortedUnits(res) {
		if u.Nominal == 0 && u.Runs == 0 {
			continue
		}
		nominal := cell{null: true, isNum: true}
		if u.Nominal > 0 {
			nominal = integer(u.Nominal)
		}
		t.add(str(u.Unit), nominal, num(u.Mean), num(u.Median), num(u.P5), num(u.P95), num(u.MeanShift), integer(u.Runs))
	}
	return t.write(e.stdout, *format)
}
