package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/dri-engine/dri/api/service"
	"github.com/dri-engine/dri/indicators"
	"github.com/dri-engine/dri/indicators/engine"
	"github.com/dri-engine/dri/pipeline"
	"github.com/dri-engine/dri/pipeline/dims"
	"github.com/dri-engine/dri/pipeline/load"
	"golang.org/x/sync/errgroup"
)

func init() {
	register(&command{name: "score", summary: "score a framework: every node, ranks, tiers, coverage (or COINr iMeta/iData files)", run: runScore})
}

// methodFlags are the method overrides shared by score and sensitivity.
type methodFlags struct {
	impute, treat, normalise, aggregate, weights string
}

func (m *methodFlags) register(fs interface {
	StringVar(*string, string, string, string)
}) {
	fs.StringVar(&m.impute, "impute", "", "imputation: none, mean, median, mean-group:COL, median-group:COL, latest:N, linear")
	fs.StringVar(&m.treat, "treat", "", "outlier treatment: none, jrc, winsorise:N, log")
	fs.StringVar(&m.normalise, "normalise", "", "normalisation: minmax:L,U, zscore:M,S, scaled:A,B, goalposts, rank, borda, prank, fracmax, dist2max, dist2ref:UNIT, dist2targ")
	fs.StringVar(&m.aggregate, "aggregate", "", "aggregation: amean, gmean, hmean, genmean:P")
	fs.StringVar(&m.weights, "weights", "", "weights: explicit, equal, pca")
}

func (m *methodFlags) options() (indicators.Options, error) {
	var o indicators.Options
	if m.impute != "" {
		v, err := indicators.ParseImputation(m.impute)
		if err != nil {
			return o, usagef("--impute: %v", err)
		}
		o.Imputation = &v
	}
	if m.treat != "" {
		v, err := indicators.ParseTreatment(m.treat)
		if err != nil {
			return o, usagef("--treat: %v", err)
		}
		o.Treatment = &v
	}
	if m.normalise != "" {
		v, err := indicators.ParseNormalisation(m.normalise)
		if err != nil {
			return o, usagef("--normalise: %v", err)
		}
		o.Normalisation = &v
	}
	if m.aggregate != "" {
		v, err := indicators.ParseAggregation(m.aggregate)
		if err != nil {
			return o, usagef("--aggregate: %v", err)
		}
		o.Aggregation = &v
	}
	switch m.weights {
	case "", "explicit", "equal", "pca":
		o.WeightScheme = m.weights
	default:
		return o, usagef("--weights %q: want explicit, equal or pca", m.weights)
	}
	return o, nil
}

func runScore(ctx context.Context, args []string, e *env) error {
	fs := newFlags("score", "score --framework ID|FILE.yaml [--year Y] [--unit A,B] [--against COUNTRY] [--level N] [--sex F|M|F,M]\n"+
		"       [--area U|R] [--income B40|T60|Q1..Q5] [--age BAND] [--education CODE] [--labour LF|NLF] [--data DIR]\n"+
		"       [--format table|csv|json]\n"+
		"       dri score --imeta IMETA.csv --idata IDATA.csv [--year Y] [--format csv]\n"+
		"       (both with [--impute M] [--treat M] [--normalise M[:p,q]] [--aggregate M] [--weights W])\n\n"+
		"Scores a framework for a year (default: the latest year the framework scores at least half\n"+
		"of the units). One row per unit: uCode, uName, one column per node (indicator columns hold the\n"+
		"normalised values that entered aggregation, as COINr's Aggregated data set), then the index's\n"+
		"rank, tier, coverage (share of indicators with data) and the number of imputed values.\n"+
		"Units are ranked within one universe: the UN member states, or with --against KAZ (or --unit\n"+
		"listing regions of one country) that country's sub-national units with data, your own (--data)\n"+
		"as the embedded ones; regions are never ranked among the countries.\n"+
		"A breakdown flag (one code each, as dri data spells them) scores the framework for that group,\n"+
		"e.g. --sex F for women: each indicator reads its series for the group where the registry lists\n"+
		"that disaggregation, and is held at the total otherwise (said on stderr, per indicator); every\n"+
		"indicator is normalised on the total's goalposts, so a women's and a men's score share one scale\n"+
		"(methods that rank within the units scored are refused; docs/DECISIONS.md, Scores by breakdown).\n"+
		"Its default year is the latest in which most of the group's series have data. Two codes in one flag\n"+
		"(--sex F,M) score both groups in one year: one row per unit and node with both scores, the gap\n"+
		"(second minus first) and the parity (first / second).\n"+
		"With --imeta/--idata the files follow COINr's conventions and the output is COINr's results table\n"+
		"(get_results): uCode, uName, Time, the Group columns, every node level by level, and Rank (the\n"+
		"index's rank among the Time's units, ties sharing the lowest); COINr's defaults (minmax:0,100,\n"+
		"amean, no imputation or treatment).", e)
	var data dataFlag
	data.flags(fs)
	framework := fs.String("framework", "", "framework id (see dri frameworks) or a framework YAML file")
	imeta := fs.String("imeta", "", "COINr iMeta CSV file")
	idata := fs.String("idata", "", "COINr iData CSV file")
	yearFlag := fs.String("year", "", "year to score (default: the framework's latest well-covered year), or all: every year with data, one row per unit and year")
	units := fs.String("unit", "", "only these units: ISO3/ISO2 codes, names or group codes (with --imeta: the file's uCodes); with --year all too")
	level := fs.Int("level", 0, "only the nodes of this level (1 = indicators)")
	against := fs.String("against", "", "a country (ISO3, ISO2 or name): score its sub-national units with data, ranked among each other")
	format := fs.String("format", "table", "output: table, csv or json")
	breakdownCodes := map[*dims.Dimension]*string{}
	for _, d := range dims.Breakdowns {
		usage := "score for one " + d.Column + " code, or two for their gap: " + d.Glossed()
		if d.Enum() == nil {
			usage = "score for one " + d.Column + " code, or two for their gap: " + d.Total + " or SDMX bands such as Y15T24"
		}
		breakdownCodes[d] = fs.String(d.Column, "", usage)
	}
	var mf methodFlags
	mf.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	breakdown, versus, err := scoreBreakdownFlags(breakdownCodes)
	if err != nil {
		return err
	}
	gap := versus != breakdown
	if err := checkFormat(*format, "table", "csv", "json"); err != nil {
		return err
	}
	opt, err := mf.options()
	if err != nil {
		return err
	}
	allYears := *yearFlag == "all"
	year := 0
	if *yearFlag != "" && !allYears {
		if year, err = strconv.Atoi(*yearFlag); err != nil || year < 1000 || year > 9999 {
			return usagef("--year %q: want a four-digit year or all", *yearFlag)
		}
	}
	if *level < 0 {
		return usagef("--level %d: want a level of the framework (1 = indicators)", *level)
	}
	if *imeta != "" || *idata != "" {
		if *imeta == "" || *idata == "" || *framework != "" {
			return usagef("score: --imeta and --idata go together, without --framework")
		}
		if data.path != "" {
			return usagef("score: --data does not apply to --imeta/--idata (the files are the data)")
		}
		if allYears {
			return usagef("score: --year all does not apply to --imeta/--idata (every Time is scored unless --year names one)")
		}
		if !breakdown.IsTotal() || gap {
			return usagef("score: the breakdown flags do not apply to --imeta/--idata (iData has one value per unit and indicator)")
		}
		if err := data.checkLimits(); err != nil {
			return err
		}
		return scoreCOINr(e, *imeta, *idata, data.maxLine, year, opt, splitList(*units), *level, *format)
	}
	if *framework == "" {
		return usagef("score: --framework is required (see dri frameworks)")
	}
	data.indicators = frameworkNeeds(*framework) // only the sources it reads
	eng, res0, err := e.engine(ctx, data)
	if err != nil {
		return err
	}
	defer res0.Release()
	id := *framework
	if strings.HasSuffix(id, ".yaml") || strings.HasSuffix(id, ".yml") {
		b, err := os.ReadFile(id)
		if err != nil {
			return usagef("--framework: %v", err)
		}
		f, err := eng.AddFramework(filepath.Base(id), b)
		if err != nil {
			return err
		}
		id = f.ID
	}
	f, ok := eng.Framework(id)
	if !ok {
		return usagef("--framework: unknown framework %q (have %s)", id, strings.Join(eng.Frameworks(), ", "))
	}
	if *level > f.Levels() {
		return usagef("--level %d: framework %s has levels 1-%d", *level, id, f.Levels())
	}
	if eng, err = eng.UniverseFor(splitList(*against), splitList(*units)); err != nil {
		return universeUsage(err)
	}
	keep, err := unitFilter(eng.Reference(), *units)
	if err != nil {
		return err
	}
	if allYears {
		if !breakdown.IsTotal() || gap {
			return usagef("score: --year all with a breakdown flag: score one year at a time")
		}
		return scoreAllYears(ctx, e, eng, id, opt, keep, *level, *format)
	}
	if gap {
		g, err := eng.ScoreBreakdownGap(id, year, breakdown, versus, opt)
		if err != nil {
			return err
		}
		warnUnscored(e, keep, g.A.Units)
		for _, r := range []*engine.BreakdownResult{g.A, g.B} {
			for _, n := range r.Notes {
				fmt.Fprintf(e.stderr, "dri: %s %d%s: %s\n", r.Framework.ID, r.Year, breakdownLabel(r.Breakdown), n)
			}
		}
		fmt.Fprintf(e.stderr, "dri: %s, year %d, %s versus %s, %s, ranked among the %s\n", g.A.Framework.Name, g.A.Year,
			strings.TrimPrefix(breakdownLabel(breakdown), ", "), strings.TrimPrefix(breakdownLabel(versus), ", "), methodSummary(g.A.Result), eng.Universe())
		return gapTable(g, eng.Reference(), keep, *level).write(e.stdout, *format)
	}
	bres, err := eng.ScoreBreakdown(id, year, breakdown, opt)
	if err != nil {
		return universeUsage(err)
	}
	res := bres.Result
	warnUnscored(e, keep, res.Units)
	for _, n := range res.Notes {
		fmt.Fprintf(e.stderr, "dri: %s %d: %s\n", res.Framework.ID, res.Year, n)
	}
	fmt.Fprintf(e.stderr, "dri: %s, year %d%s, %s, ranked among the %s\n", res.Framework.Name, res.Year, breakdownLabel(breakdown), methodSummary(res), eng.Universe())
	t := scoreTable(res, eng.Reference(), keep, *level, true)
	return t.write(e.stdout, *format)
}

// unitFilter resolves a --unit list (unit codes, names or group codes, a
// group standing for its member states) into the set of unit codes to
// keep; nil keeps every unit. An unknown code is a usage error.
func unitFilter(ref *pipeline.Reference, list string) (map[string]bool, error) {
	us := splitList(list)
	if len(us) == 0 {
		return nil, nil
	}
	codes, groups, err := resolveUnits(ref, us)
	if err != nil {
		return nil, err
	}
	keep := map[string]bool{}
	for _, c := range codes {
		keep[c] = true
	}
	for _, g := range groups {
		grp, _ := ref.Group(g)
		for _, m := range grp.Members {
			keep[m] = true
		}
	}
	return keep, nil
}

// warnUnscored says on stderr which units asked for with --unit the output
// does not have, so that a filter never narrows the output unannounced.
func warnUnscored(e *env, keep map[string]bool, units []string) {
	if keep == nil {
		return
	}
	have := make(map[string]bool, len(units))
	for _, u := range units {
		have[u] = true
	}
	var missing []string
	for u := range keep {
		if !have[u] {
			missing = append(missing, u)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		fmt.Fprintf(e.stderr, "dri: --unit: nothing for %s in the result\n", strings.Join(missing, ", "))
	}
}

func methodSummary(res *indicators.Result) string {
	return fmt.Sprintf("impute %s, treat %s, normalise %s, weights %s, aggregate %s",
		res.Imputation, res.Treatment, res.Normalisation, res.WeightScheme, res.Aggregation)
}

// orderedNodes are the nodes in COINr's column order: indicators first,
// then each level up to the index, in framework order within a level.
func orderedNodes(res *indicators.Result, level int) []*indicators.NodeResult {
	nodes := append([]*indicators.NodeResult(nil), res.Nodes...)
	sort.SliceStable(nodes, func(i, j int) bool { return nodes[i].Node.Level < nodes[j].Node.Level })
	var out []*indicators.NodeResult
	for _, n := range nodes {
		if n.Node.NoData() {
			continue
		}
		if level == 0 || n.Node.Level == level {
			out = append(out, n)
		}
	}
	return out
}

// scoreTable is dri score's output: one row per unit.
func scoreTable(res *indicators.Result, ref *pipeline.Reference, keep map[string]bool, level int, extras bool) *table {
	nodes := orderedNodes(res, level)
	header := []string{"uCode"}
	if extras {
		header = append(header, "uName")
	}
	for _, n := range nodes {
		header = append(header, n.Node.Code)
	}
	root := res.Root()
	if extras {
		header = append(header, "rank", "tier", "coverage", "imputed", "rests_on")
	}
	t := &table{header: header}
	for u, code := range res.Units {
		if keep != nil && !keep[code] {
			continue
		}
		row := make([]cell, 1, len(header))
		row[0] = str(code)
		if extras {
			name := code
			if ref != nil {
				if unit, ok := ref.Unit(code); ok {
					name = unit.Name
				}
			}
			row = append(row, str(name))
		}
		for _, n := range nodes {
			if n.Valid[u] {
				row = append(row, num(n.Value(u)))
			} else {
				row = append(row, cell{null: true, isNum: true})
			}
		}
		if extras {
			if root.Valid[u] {
				row = append(row, integer(root.Rank[u]))
			} else {
				row = append(row, cell{null: true, isNum: true})
			}
			tier := ""
			if root.Tier != nil && root.Valid[u] {
				tier = root.Tier[u].Name
			}
			imputed := 0
			for _, n := range res.Nodes {
				if n.IsImputed(u) {
					imputed++
				}
			}
			// The children the overall score (and rank) rests on, e.g.
			// "3/5" for a unit scored on three of five pillars.
			row = append(row, str(tier), num(root.Coverage(u)), integer(imputed), str(engine.RestsOn(root, u)))
		}
		t.add(row...)
	}
	return t
}

func scoreCOINr(e *env, imetaPath, idataPath string, maxLine, year int, opt indicators.Options, units []string, level int, format string) error {
	mf, err := os.Open(imetaPath)
	if err != nil {
		return usagef("--imeta: %v", err)
	}
	defer mf.Close()
	meta, err := load.ParseIMeta(imetaPath, mf, maxLine)
	if err != nil {
		return reportProblems(e, err)
	}
	df, err := os.Open(idataPath)
	if err != nil {
		return usagef("--idata: %v", err)
	}
	defer df.Close()
	data, err := load.ParseIData(idataPath, df, meta, maxLine)
	if err != nil {
		return reportProblems(e, err)
	}
	if data.Times == nil && year == 0 {
		year = 1 // a single coin: the year is only a label
	}
	f, panel, years, err := engine.COINr(meta, data, year)
	if err != nil {
		return err
	}
	if level > f.Levels() {
		return usagef("--level %d: %s has levels 1-%d", level, imetaPath, f.Levels())
	}
	var keep map[string]bool
	if len(units) > 0 {
		// COINr's uCodes are the file's own: matched exactly.
		keep = map[string]bool{}
		known := map[string]bool{}
		for _, u := range data.Units {
			known[u] = true
		}
		var bad []string
		for _, u := range units {
			if !known[u] {
				bad = append(bad, u)
			}
			keep[u] = true
		}
		if len(bad) > 0 {
			return usagef("--unit: %s not in %s", strings.Join(bad, ", "), idataPath)
		}
	}
	if data.Times != nil && year != 0 && !slices.Contains(years, year) {
		return usagef("--year %d: %s has no rows for it", year, idataPath)
	}
	if data.Times != nil && year != 0 {
		years = []int{year}
	}
	present := map[int]map[string]bool{}
	for i, u := range data.Units {
		y := year
		if data.Times != nil {
			y = data.Times[i]
		}
		if present[y] == nil {
			present[y] = map[string]bool{}
		}
		present[y][u] = true
	}
	// The iData row of each unit and Time, for its name and groups.
	rowOf := map[coinrKey]int{}
	for i, u := range data.Units {
		k := coinrKey{u, 0}
		if data.Times != nil {
			k.time = data.Times[i]
		}
		rowOf[k] = i
	}
	var out *table
	for _, y := range years {
		// Each year is scored over the units with a row for it, as COINr
		// builds one coin per Time.
		sub := panel.Subset(func(u string) bool { return present[y][u] })
		o := opt
		o.Year = y
		res, err := indicators.Score(f, sub, o)
		if err != nil {
			return err
		}
		for _, n := range res.Notes {
			fmt.Fprintf(e.stderr, "dri: %d: %s\n", y, n)
		}
		t := coinrTable(res, data, meta, rowOf, y, keep, level)
		if out == nil {
			out = t
		} else {
			out.rows = append(out.rows, t.rows...)
		}
	}
	return out.write(e.stdout, format)
}

// coinrKey is an iData row's unit and Time (0 without a Time column).
type coinrKey struct {
	unit string
	time int
}

// coinrTable is a COINr-mode result as COINr's get_results() lays it out:
// uCode, uName, Time (when iData has it), the Group columns, each node's
// score (level by level, the index last), and Rank, the index's rank among
// the Time's units (ties share the lowest rank, as COINr's "min").
func coinrTable(res *indicators.Result, data *load.IData, meta *load.IMeta, rowOf map[coinrKey]int, year int,
	keep map[string]bool, level int) *table {
	nodes := orderedNodes(res, level)
	header := []string{"uCode", "uName"}
	if data.Times != nil {
		header = append(header, "Time")
	}
	groups := meta.Groups()
	header = append(header, groups...)
	for _, n := range nodes {
		header = append(header, n.Node.Code)
	}
	header = append(header, "Rank")
	root := res.Root()
	t := &table{header: header}
	missing := cell{null: true, isNum: true}
	for u, code := range res.Units {
		if keep != nil && !keep[code] {
			continue
		}
		k := coinrKey{code, 0}
		if data.Times != nil {
			k.time = year
		}
		i := rowOf[k]
		name := code
		if i < len(data.Names) && data.Names[i] != "" {
			name = data.Names[i]
		}
		row := make([]cell, 0, len(header))
		row = append(row, str(code), str(name))
		if data.Times != nil {
			row = append(row, integer(year))
		}
		for _, g := range groups {
			row = append(row, str(data.Groups[g][i]))
		}
		for _, n := range nodes {
			if n.Valid[u] {
				row = append(row, num(n.Value(u)))
			} else {
				row = append(row, missing)
			}
		}
		if root.Valid[u] && root.Rank != nil {
			row = append(row, integer(root.Rank[u]))
		} else {
			row = append(row, missing)
		}
		t.add(row...)
	}
	return t
}

// reportProblems prints a file's located problems and returns errProblems.
func reportProblems(e *env, err error) error {
	var pe *load.ProblemsError
	if asProblems(err, &pe) {
		for _, p := range pe.Problems {
			fmt.Fprintf(e.stderr, "%s\n", p)
		}
		return errProblems
	}
	return err
}

// engine loads the data and builds the scoring engine. The caller releases
// the returned result.
func (e *env) engine(ctx context.Context, data dataFlag) (*engine.Engine, *pipeline.Result, error) {
	opt, err := data.options()
	if err != nil {
		return nil, nil, err
	}
	res, err := e.loadValid(ctx, opt)
	if err != nil {
		return nil, nil, err
	}
	store, err := pipeline.NewStore(res.Observations)
	if err != nil {
		res.Release()
		return nil, nil, err
	}
	eng, err := service.NewEngine(store, res)
	if err != nil {
		res.Release()
		return nil, nil, err
	}
	return eng, res, nil
}

func asProblems(err error, target **load.ProblemsError) bool { return errors.As(err, target) }

// scoreAllYears scores every year with data in parallel and writes one row
// per unit and year (units without any data for a year are left out).
func scoreAllYears(ctx context.Context, e *env, eng *engine.Engine, id string, opt indicators.Options, keep map[string]bool, level int, format string) error {
	f, _ := eng.Framework(id)
	years := eng.Years(f)
	tables := make([]*table, len(years))
	errs := make([]error, len(years))
	p, done := e.progress("scoring")
	var mu sync.Mutex
	finished := 0
	// One worker per core, each scoring its years in one ScoreYears loop:
	// a year is scored in the memory of the worker's previous one, and its
	// table is made before the next, so a long panel holds one result per
	// core, not one per year. The workers are long-lived for that memory,
	// so the group has a fixed number of them rather than SetLimit and a
	// goroutine per year. A failing year (or an interrupt) stops the feed;
	// every year handed out is scored to the end, so errs holds the first
	// failing year in year order.
	g, gctx := errgroup.WithContext(ctx)
	work := make(chan int)
	g.Go(func() error {
		defer close(work)
		for i := range years {
			select {
			case work <- i:
			case <-gctx.Done():
				return nil
			}
		}
		return nil
	})
	for range min(runtime.GOMAXPROCS(0), len(years)) {
		g.Go(func() error {
			var i int // the year being scored
			mine := func(yield func(int) bool) {
				for i = range work {
					if !yield(years[i]) {
						return
					}
				}
			}
			for res, err := range eng.ScoreYears(id, mine, opt) {
				y := years[i]
				if err != nil {
					errs[i] = err
				} else {
					tables[i] = withYear(scoreTable(res, eng.Reference(), keep, level, true), y, res)
				}
				mu.Lock()
				finished++
				if p != nil {
					p(finished, len(years), fmt.Sprint(y))
				}
				mu.Unlock()
				if err != nil {
					return err
				}
			}
			return nil
		})
	}
	_ = g.Wait() // the errors are in errs, reported in year order below
	done()
	if err := ctx.Err(); err != nil {
		return err
	}
	pipeline.TracePhase("scored")
	var out *table
	for i, t := range tables {
		if errs[i] != nil {
			return errs[i]
		}
		if out == nil {
			out = t
		} else {
			out.rows = append(out.rows, t.rows...)
		}
	}
	if out == nil {
		return fmt.Errorf("%s: no year with data", id)
	}
	var scored []string
	for _, r := range out.rows {
		scored = append(scored, r[0].s)
	}
	warnUnscored(e, keep, scored)
	err := out.write(e.stdout, format)
	pipeline.TracePhase("written")
	return err
}

// withYear inserts the year after uCode and drops units with no data at all
// in that year.
func withYear(t *table, year int, res *indicators.Result) *table {
	out := &table{header: append([]string{t.header[0], "year"}, t.header[1:]...)}
	root := res.Root()
	k := 0
	for u := range res.Units {
		if k >= len(t.rows) || t.rows[k][0].s != res.Units[u] {
			continue
		}
		row := t.rows[k]
		k++
		if !root.Valid[u] && root.Coverage(u) == 0 {
			continue
		}
		out.rows = append(out.rows, append([]cell{row[0], integer(year)}, row[1:]...))
	}
	return out
}

// scoreBreakdownFlags reads dri score's breakdown flags: one code each,
// except that one flag may name two codes (--sex F,M) for the two groups'
// scores and the gap between them. It returns the breakdown scored and the
// one it is compared with (the same when there is no comparison).
func scoreBreakdownFlags(codes map[*dims.Dimension]*string) (b, versus dims.Breakdown, err error) {
	b, versus = dims.TotalBreakdown, dims.TotalBreakdown
	pair := ""
	for _, d := range dims.Breakdowns {
		list := splitList(*codes[d])
		if len(list) == 0 {
			continue
		}
		for _, code := range list {
			if !d.Valid(code) {
				return b, versus, usagef("--%s %q: want %s", d.Column, code, d.Want())
			}
		}
		switch {
		case len(list) > 2 || (len(list) == 2 && pair != ""):
			return b, versus, usagef("--%s %q: one code, or two codes in one flag for their gap (e.g. --sex F,M)", d.Column, *codes[d])
		case len(list) == 2: // splitList drops a repeated code
			pair = d.Column
			b, versus = b.With(d, list[0]), versus.With(d, list[1])
		default:
			b, versus = b.With(d, list[0]), versus.With(d, list[0])
		}
	}
	return b, versus, nil
}

// gapTable is dri score's output for two groups: one row per unit and node
// (those of level, or all), each group's score, the gap (second minus
// first) and the parity index (first ÷ second).
func gapTable(g *engine.BreakdownGap, ref *pipeline.Reference, keep map[string]bool, level int) *table {
	la, lb := strings.TrimPrefix(breakdownLabel(g.A.Breakdown), ", "), strings.TrimPrefix(breakdownLabel(g.B.Breakdown), ", ")
	t := &table{header: []string{"uCode", "uName", "year", "node", "level", la, lb, "gap", "parity", "note"}}
	for u, code := range g.A.Units {
		if keep != nil && !keep[code] {
			continue
		}
		name := code
		if unit, ok := ref.Unit(code); ok {
			name = unit.Name
		}
		for k, nr := range g.A.Nodes {
			if nr.Node.NoData() || (level != 0 && nr.Node.Level != level) {
				continue
			}
			fig := g.Figure(k, u)
			row := []cell{str(code), str(name), integer(g.A.Year), str(nr.Node.Code), integer(nr.Node.Level)}
			if fig.Valid {
				row = append(row, num(fig.A), num(fig.B), num(fig.Gap), num(fig.Parity))
			} else {
				row = append(row, scoreCell(nr, u), scoreCell(g.B.Nodes[k], u), num(math.NaN()), num(math.NaN()))
			}
			t.add(append(row, str(fig.Note))...)
		}
	}
	return t
}

// scoreCell is a node's score for a unit, empty when it has none.
func scoreCell(nr *indicators.NodeResult, u int) cell {
	if !nr.Valid[u] {
		return num(math.NaN())
	}
	return num(nr.Value(u))
}

// breakdownLabel is ", sex=F" and the like for the summary line ("" for
// the total).
func breakdownLabel(b dims.Breakdown) string {
	var s string
	for _, d := range dims.Breakdowns {
		if code := b.Get(d); code != d.Total {
			s += ", " + d.Column + "=" + code
		}
	}
	return s
}
