package main

import (
	"context"
	"flag"
	"fmt"
	"slices"
	"strings"

	"github.com/dri-engine/dri/api/service"
	"github.com/dri-engine/dri/indicators/engine"
	"github.com/dri-engine/dri/pipeline"
	"github.com/dri-engine/dri/pipeline/dims"
)

func init() {
	register(&command{name: "data", summary: "print observations of one indicator (filters by unit, sex, area, age, years)", run: runData})
}

func runData(ctx context.Context, args []string, e *env) error {
	fs := newFlags("data", "data --indicator ID[,ID...] [--unit A,B] [--sex F,M] [--area U,R] [--age BAND]\n"+
		"                [--income B40,T60] [--education CODES] [--labour LF,NLF]\n"+
		"                [--date 2015:2024] [--mrv N | --mrnev N] [--format table|csv|json] [--data DIR]\n\n"+
		"Prints the observations of the indicators, in the order listed, with their status (A observed,\n"+
		"E publisher's estimate) and source. --unit takes ISO3 or ISO2 codes and names; a group code (LDC,\n"+
		"WLD, ...) selects the group's member states, or with --aggregate gives the group's figure\n"+
		"per year by the one group rule (value or \"withheld: reason\" in the note, and the columns\n"+
		"members_with_data, members, population_share, years, method, imputed_share as on /v1/data;\n"+
		"see dri gaps --help; --estimate imputes members without a value, status E). --mrv N keeps\n"+
		"the N most recent years with data; --mrnev N keeps each series' N most recent values. Lists take ',' or ';' as the API's\n"+
		"parameters do (dri help syntax).", e)
	var data dataFlag
	data.flags(fs)
	indicator := fs.String("indicator", "", "indicator ids, e.g. egov.egdi or egov.egdi,itu.internet_use (required; `dri data --list` shows them)")
	list := fs.Bool("list", false, "list the indicators with data and exit")
	units := fs.String("unit", "", "list of units: ISO3, ISO2, names or group codes")
	breakdown := map[*dims.Dimension]*string{}
	for _, d := range dims.Breakdowns {
		usage := "list of " + d.Column + " codes: " + d.Glossed()
		if d.Enum() == nil {
			usage = "list of " + d.Column + " codes: " + d.Total + " or SDMX bands such as Y15T34"
		}
		breakdown[d] = fs.String(d.Column, "", usage)
	}
	date := fs.String("date", "", "year or range: 2024, 2015:2024, 2015:, :2020")
	mrv := fs.Int("mrv", 0, "keep the N most recent years with data")
	mrnev := fs.Int("mrnev", 0, "keep each series' N most recent values")
	format := fs.String("format", "table", "output: table, csv or json")
	aggregate := fs.Bool("aggregate", false, "group codes in --unit give the groups' figures, not their members' observations")
	membership := membershipFlag(fs)
	estimate := estimateFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := checkFormat(*format, "table", "csv", "json"); err != nil {
		return err
	}
	if *list {
		// --list prints every indicator: a filter given with it could not apply.
		var given []string
		fs.Visit(func(f *flag.Flag) {
			if f.Name != "list" && f.Name != "format" && f.Name != "data" {
				given = append(given, "--"+f.Name)
			}
		})
		if len(given) > 0 {
			return usagef("data: --list takes no filters (%s)", strings.Join(given, ", "))
		}
	}
	indicators := splitList(*indicator)
	if len(indicators) == 0 && !*list {
		return usagef("data: --indicator is required (see dri data --list)")
	}
	if *mrv < 0 || *mrnev < 0 {
		return usagef("data: --mrv and --mrnev must be positive")
	}
	from, to, err := pipeline.ParseYears(*date)
	if err != nil {
		return usagef("--date: %v", err)
	}
	// The breakdowns in column order: with two wrong, the same flag is
	// named every time. An unknown code would match nothing: an error, not
	// an empty table.
	q := pipeline.Query{From: from, To: to, MRV: *mrv, MRNEV: *mrnev}
	for _, d := range dims.Breakdowns {
		vals := splitList(*breakdown[d])
		for _, v := range vals {
			if !d.Valid(v) {
				return usagef("--%s: unknown code %q (want %s)", d.Column, v, d.Want())
			}
		}
		q.SetFilter(d, vals)
	}
	opt, err := data.options()
	if err != nil {
		return err
	}
	res, err := e.loadValid(ctx, opt)
	if err != nil {
		return err
	}
	defer res.Release()
	store, err := pipeline.NewStore(res.Observations)
	if err != nil {
		return err
	}
	if *list {
		t := &table{header: []string{"indicator", "name", "unit", "observations", "years"}}
		for _, id := range store.Indicators() {
			ind, _, _ := res.Registry.Lookup(id)
			years := store.Years(id)
			n := len(store.Select(pipeline.Query{Indicator: id}))
			t.add(str(id), str(ind.Name), str(ind.Unit), integer(n), str(fmt.Sprintf("%d-%d", years[0], years[len(years)-1])))
		}
		return t.write(e.stdout, *format)
	}
	var unknown, ids []string
	for _, id := range indicators {
		// A publisher's code (IT.NET.USER.ZS) names its indicator, once.
		canonical, ok := res.Registry.Canonical(id)
		if !ok {
			unknown = append(unknown, fmt.Sprintf("%q", id))
		}
		if !slices.Contains(ids, canonical) {
			ids = append(ids, canonical)
		}
	}
	indicators = ids
	if len(unknown) > 0 {
		return usagef("--indicator: unknown indicator %s (see dri data --list)", strings.Join(unknown, ", "))
	}
	if err := engine.CheckMembership(*membership); err != nil {
		return usagef("--membership: %v", err)
	}
	var groups []string
	unitRows := true
	if us := splitList(*units); len(us) > 0 {
		codes, gs, err := resolveUnits(res.Reference, us)
		if err != nil {
			return err
		}
		if *aggregate && len(gs) > 0 {
			unitRows = len(codes) > 0
			groups = gs
		} else {
			for _, g := range gs {
				grp, _ := res.Reference.Group(g)
				codes = append(codes, grp.Members...)
			}
		}
		q.Units = codes
	}
	var eng *engine.Engine
	if len(groups) > 0 {
		if eng, err = service.NewEngine(store, res); err != nil {
			return err
		}
	}
	// As /v1/data: each indicator in the order listed, its units' rows then
	// its groups' figures, a group's row with its figure's fields.
	type dataRow struct {
		pipeline.Row
		fig *engine.Aggregate
	}
	var rows []dataRow
	for _, id := range indicators {
		if unitRows {
			q.Indicator = id
			for _, i := range store.Select(q) {
				rows = append(rows, dataRow{Row: store.Row(i)})
			}
		}
		for _, g := range groups {
			gr, err := eng.GroupFigures(g, id, engine.GroupSeriesQuery{Sex: q.Sex, Area: q.Area, Age: q.Age,
				Income: q.Income, Education: q.Education, Labour: q.Labour, From: from, To: to, MRV: *mrv, MRNEV: *mrnev, Options: engine.GroupOptions{Membership: *membership, Estimate: *estimate}})
			if err != nil {
				return err
			}
			for _, f := range gr {
				rows = append(rows, dataRow{Row: f.Row, fig: &f.Figure})
			}
		}
	}
	// Group figures carry their fields (members with data, population
	// share, years, method), as on /v1/data; a table of observations only
	// does without those columns.
	t := &table{header: []string{"unit", "year", "indicator"}}
	for _, d := range dims.Breakdowns {
		t.header = append(t.header, d.Column)
	}
	t.header = append(t.header, "value", "status", "source", "note")
	if len(groups) > 0 {
		t.header = append(t.header, figureColumns...)
	}
	for _, r := range rows {
		note := r.Note
		if *format == "table" && len(note) > 60 && r.fig == nil {
			note = note[:57] + "..."
		}
		cells := []cell{str(r.Unit), integer(r.Year), str(r.Indicator)}
		for _, code := range r.Breakdown().Codes() {
			cells = append(cells, str(code))
		}
		cells = append(cells, num(r.Value), str(r.Status), str(r.Source), str(note))
		if len(groups) > 0 {
			cells = append(cells, figureCells(r.fig)...)
		}
		t.add(cells...)
	}
	if len(rows) == 0 {
		fmt.Fprintf(e.stderr, "dri: no observations of %s match the filters\n", strings.Join(indicators, ", "))
	}
	return t.write(e.stdout, *format)
}
