package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/dri-engine/dri/indicators"
	"github.com/dri-engine/dri/indicators/engine"
	"github.com/dri-engine/dri/pipeline"
	"github.com/dri-engine/dri/pipeline/dims"
)

func init() {
	register(&command{name: "compare", summary: "a unit against groups (LDC, region, income group, world) on every node of a framework", run: runCompare})
	register(&command{name: "gaps", summary: "gender gaps: parity scores F/M, gaps, composite and Women's Inclusion Score", run: runGaps})
	register(&command{name: "frameworks", summary: "list the frameworks and their structure", run: runFrameworks})
}

func runCompare(ctx context.Context, args []string, e *env) error {
	fs := newFlags("compare", "compare UNIT [--against LDC,WLD] [--framework ID] [--year Y] [--format table|csv|json]\n\n"+
		"Sets a unit against groups on every node: the unit's value, the group's value (mean of the\n"+
		"member states with data; withheld below 50% coverage), difference, ratio, the unit's\n"+
		"percentile and rank among the members; group figures follow the one group rule (see dri gaps\n"+
		"--help). Default groups: LDC, the unit's M49 region, its\n"+
		"income group and WLD. For the compass framework, published is UNDP's own published\n"+
		"Compass score for the node (the ddc.* indicators, latest in or before the year) and\n"+
		"value_minus_published DRI's recomputation minus it.", e)
	var data dataFlag
	data.flags(fs)
	against := fs.String("against", "", "comma-separated group codes (default: LDC, region, income group, WLD), or a country code for its regions (a region's default)")
	framework := fs.String("framework", "compass", "framework id")
	year := fs.Int("year", 0, "year (default: the framework's latest well-covered year)")
	format := fs.String("format", "table", "output: table, csv or json")
	membership := membershipFlag(fs)
	// Allow the unit before or after the flags.
	var unitArg string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		unitArg, args = args[0], args[1:]
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if unitArg == "" && fs.NArg() == 1 {
		unitArg = fs.Arg(0)
	} else if fs.NArg() > 0 || unitArg == "" {
		return usagef("compare: want one unit, e.g. dri compare KEN --against LDC,WLD")
	}
	if err := checkFormat(*format, "table", "csv", "json"); err != nil {
		return err
	}
	eng, res0, err := e.engine(ctx, data)
	if err != nil {
		return err
	}
	defer res0.Release()
	ref := eng.Reference()
	unit, ok := ref.LookupUnit(unitArg)
	if !ok {
		return usagef("compare: unknown unit %q", unitArg)
	}
	groups, err := comparisonGroups(eng, unit, *against)
	if err != nil {
		return err
	}
	if _, ok := eng.Framework(*framework); !ok {
		return usagef("--framework: unknown framework %q (have %s)", *framework, strings.Join(eng.Frameworks(), ", "))
	}
	if err := engine.CheckMembership(*membership); err != nil {
		return usagef("--membership: %v", err)
	}
	cmp, err := eng.CompareUnit(engine.CompareQuery{Unit: unit.Code, Framework: *framework, Year: *year, Groups: groups,
		Options: engine.GroupOptions{Membership: *membership}})
	if err != nil {
		return universeUsage(err)
	}
	res := cmp.Result
	fmt.Fprintf(e.stderr, "dri: %s (%s) against %s — %s, %d\n", unit.Name, unit.Code, groupCodes(cmp.Groups), res.Framework.Name, res.Year)
	t := &table{header: []string{"node", "level", "name", "group", "value", "group_value", "difference", "ratio",
		"percentile", "rank", "of", "members_with_data", "coverage", "note", "published", "published_year", "value_minus_published"}}
	for _, c := range cmp.Rows {
		row := []cell{str(c.Code), integer(c.Level), str(c.Name), str(c.Group), num(c.Value), num(c.Agg.Value)}
		if c.HasCmp {
			row = append(row, num(c.Cmp.Difference), num(c.Cmp.Ratio), num(c.Cmp.Percentile), integer(c.Cmp.Rank), integer(c.Cmp.Of))
		} else {
			row = append(row, num(math.NaN()), num(math.NaN()), num(math.NaN()), cell{null: true, isNum: true}, cell{null: true, isNum: true})
		}
		note := ""
		if c.Agg.Withheld {
			note = "group value withheld: " + c.Agg.Reason
		}
		if note == "" {
			note = c.Agg.Note()
		}
		row = append(row, integer(c.Agg.N), num(c.Agg.Coverage), str(note))
		// The publisher's own score for the node where DRI recomputes a
		// published index (compass: UNDP's ddc.* scores), next to DRI's.
		if p, ok := cmp.Published[c.Code]; ok {
			row = append(row, num(p.Value), integer(p.Year), num(c.Value-p.Value))
		} else {
			row = append(row, num(math.NaN()), cell{null: true, isNum: true}, num(math.NaN()))
		}
		t.add(row...)
	}
	return t.write(e.stdout, *format)
}

func groupCodes(gs []*pipeline.Group) string {
	var s []string
	for _, g := range gs {
		s = append(s, g.Code)
	}
	return strings.Join(s, ", ")
}

// comparisonGroups parses --against (engine.AgainstGroups: group codes, and
// a country code for its regions), defaulting to LDC, the unit's M49 region,
// its income group and the world, or for a region to its country's regions.
func comparisonGroups(eng *engine.Engine, u *pipeline.Unit, against string) ([]*pipeline.Group, error) {
	codes := splitList(against)
	if len(codes) == 0 {
		if u.Type == pipeline.UnitSubnational {
			if g, err := eng.RegionsGroup(u.Parent); err == nil {
				return []*pipeline.Group{g}, nil
			}
		}
		return eng.Reference().ComparisonGroups(u), nil
	}
	groups, err := eng.AgainstGroups(codes)
	if err != nil {
		return nil, universeUsage(err)
	}
	return groups, nil
}

// universeUsage turns the engine's universe errors (a wrong --against or
// --unit) into usage errors naming the flag; other errors pass.
func universeUsage(err error) error {
	var ue *engine.UniverseError
	if errors.As(err, &ue) {
		return usagef("--%s: %s", ue.Param, ue.Message)
	}
	return err
}

func runGaps(ctx context.Context, args []string, e *env) error {
	fs := newFlags("gaps", "gaps [--by sex|area|income|age|education|labour] [--unit A,B] [--indicator ID,...] [--year Y]\n"+
		"            [--format table|csv|json]\n\n"+
		"--by DIM: inclusion gaps of one breakdown, for every indicator split by it: the values of the\n"+
		"group at risk of being left behind and of the group it is measured against (women/men,\n"+
		"rural/urban, poorest 40%/richest 60%, youth 15-24/adults 25+, primary or less/secondary or\n"+
		"more, outside/in the labour force), the parity index (first / second), the gap in points\n"+
		"(second - first), the relative gap and the parity class (band 0.98-1.02), each with its year:\n"+
		"the latest year both values exist within the gender framework's window (6 years) before --year\n"+
		"(default: the latest year with a pair). Group codes give the group's two figures by the group\n"+
		"rule below and the parity index of those two rates. The columns are GET /v1/gaps's.\n\n"+
		"Without --by: gender gaps per unit and indicator from the sex-disaggregated series: female and male rates,\n"+
		"ITU gender parity score F/M (parity 0.98-1.02), percentage-point gap M-F, relative gap (M-F)/M,\n"+
		"the year used; then per unit the WEF-style parity composite and the Women's Inclusion Score.\n"+
		"A group code gives the group's female and male rates by the one group rule and their parity\n"+
		"score: each member's latest value within the indicator's group window (3 years unless\n"+
		"indicators.yaml says otherwise), weighted by total population of the year (population by sex\n"+
		"is not shipped; Findex shares by adult population, group_weight in indicators.yaml) for shares\n"+
		"of people, by a simple mean for indices; withheld, with the reason,\n"+
		"when the members with data hold under 50% of the group's population or are under 50% of its\n"+
		"members. A year's LDCs are that year's list (--membership current: today's 44). Every group\n"+
		"row says members with data / members, population share, the years used and the method.\n"+
		"--estimate imputes members without a value (the median of their M49 region x income group)\n"+
		"and withholds a group figure when imputed members hold over 50% of the population covered.", e)
	var data dataFlag
	data.flags(fs)
	units := fs.String("unit", "", "units: ISO3/ISO2 codes or group codes (default: every unit with data)")
	year := fs.Int("year", 0, "year (values up to the framework's window before it)")
	by := fs.String("by", "", "breakdown of the gaps: "+strings.Join(dims.GapColumns(), ", ")+" (default: the gender table)")
	indicator := fs.String("indicator", "", "with --by: only these indicators")
	format := fs.String("format", "table", "output: table, csv or json")
	membership := membershipFlag(fs)
	estimate := estimateFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := engine.CheckMembership(*membership); err != nil {
		return usagef("--membership: %v", err)
	}
	if err := checkFormat(*format, "table", "csv", "json"); err != nil {
		return err
	}
	var dim *dims.Dimension
	if *by != "" {
		d, ok := dims.ByColumn(*by)
		if !ok || d.Gap == nil {
			return usagef("--by: %q is not one of %s", *by, strings.Join(dims.GapColumns(), ", "))
		}
		dim = d
	} else if *indicator != "" {
		return usagef("--indicator needs --by (the gender table has its own indicators)")
	}
	eng, res0, err := e.engine(ctx, data)
	if err != nil {
		return err
	}
	defer res0.Release()
	q := engine.GapsQuery{Year: *year, Options: engine.GroupOptions{Membership: *membership, Estimate: *estimate}}
	var keep map[string]bool
	if us := splitList(*units); len(us) > 0 {
		codes, gs, err := resolveUnits(eng.Reference(), us)
		if err != nil {
			return err
		}
		keep = map[string]bool{}
		for _, c := range codes {
			keep[c] = true
		}
		q.Units = codes
		for _, code := range gs {
			grp, _ := eng.Reference().Group(code)
			q.Groups = append(q.Groups, grp)
		}
	}
	if dim != nil {
		return printInclusion(e, eng, engine.InclusionQuery{Dimension: dim, Year: *year, Units: q.Units, Groups: q.Groups,
			Indicators: splitList(*indicator), Options: q.Options}, keep, *format)
	}
	gt, err := eng.GenderTable(q)
	if err != nil {
		return err
	}
	res := gt.Result
	fmt.Fprintf(e.stderr, "dri: gender gaps, year %d (units: values from %d-%d; groups: each indicator's group window, see the years column)\n",
		res.Year, res.Year-res.Framework.YearWindow, res.Year)
	// The columns of GET /v1/gender (less the unit's name and type): the
	// same rows, cell for cell.
	t := &table{header: []string{"unit", "indicator", "year", "female", "male", "parity_score", "parity", "gap_points", "gap_relative", "weight",
		"note"}}
	t.header = append(t.header, figureColumns...)
	var shown []string
	for _, g := range gt.Rows {
		if g.Group == nil {
			shown = append(shown, g.Unit)
		}
		addGapRow(t, g)
	}
	warnUnscored(e, keep, shown)
	return t.write(e.stdout, *format)
}

// printInclusion prints the inclusion gaps of one dimension: the columns of
// GET /v1/gaps less the unit's name and type.
func printInclusion(e *env, eng *engine.Engine, q engine.InclusionQuery, keep map[string]bool, format string) error {
	for _, id := range q.Indicators {
		ind, _, ok := eng.Registry().Lookup(id)
		if !ok {
			return usagef("--indicator: unknown indicator %q", id)
		}
		if !slices.Contains(ind.Disaggregations, q.Dimension.Column) {
			return usagef("--indicator: %s has no %s disaggregation (see dri data --list)", id, q.Dimension.Column)
		}
	}
	it, err := eng.InclusionTable(q)
	if err != nil {
		return err
	}
	p := it.Pair
	fmt.Fprintf(e.stderr, "dri: %s gaps, %s (%s) against %s (%s), year %d (values from %d-%d; groups: each indicator's group window)\n",
		it.Dimension.Column, p.Focus, p.FocusName, p.Reference, p.ReferenceName, it.Year, it.Year-it.Window, it.Year)
	t := &table{header: []string{"unit", "indicator", "dimension", "focus", "reference", "year", "focus_value", "reference_value",
		"parity_index", "parity", "gap_points", "gap_relative", "note"}}
	t.header = append(t.header, figureColumns...)
	var shown []string
	for _, g := range it.Rows {
		var fig *engine.Aggregate
		if g.Group != nil {
			fig = &g.Figure
		} else {
			shown = append(shown, g.Unit)
		}
		row := []cell{str(g.Unit), str(g.Indicator), str(it.Dimension.Column), str(p.Focus), str(p.Reference), integer(g.Year),
			num(g.Focus), num(g.Reference), num(g.Parity), str(g.Class), num(g.PointGap), num(g.RelativeGap), str(g.Note)}
		t.add(append(row, figureCells(fig)...)...)
	}
	if len(it.Rows) == 0 {
		fmt.Fprintf(e.stderr, "dri: no indicator has %s and %s values for these units up to %d\n", p.Focus, p.Reference, it.Year)
	}
	warnUnscored(e, keep, shown)
	return t.write(e.stdout, format)
}

func addGapRow(t *table, g engine.GenderRow) {
	row := []cell{str(g.Unit), str(g.Indicator), integer(g.Year), num(g.Female), num(g.Male), num(g.GPS), str(g.Class),
		num(g.PointGap), num(g.RelativeGap), num(g.Weight), str(g.Note)}
	var fig *engine.Aggregate
	if g.Group != nil {
		fig = &g.Figure // the less covered of the female and male figures
	}
	t.add(append(row, figureCells(fig)...)...)
}

// figureColumns are a group figure's provenance columns, after the note, on
// every table that shows group figures (dri gaps, dri data --aggregate), as
// /v1/gender and /v1/data have them (api.setFigure).
var figureColumns = []string{"members_with_data", "members", "population_share", "years", "method", "imputed_share"}

// figureCells are the cells of figureColumns: a group figure's fields, or
// missing ones on a unit's row (fig nil).
func figureCells(fig *engine.Aggregate) []cell {
	missing := cell{null: true, isNum: true}
	if fig == nil {
		return []cell{missing, missing, missing, str(""), str(""), missing}
	}
	imputed := missing
	if fig.Status == engine.StatusEstimated {
		imputed = num(fig.ImputedPopShare)
	}
	return []cell{integer(fig.N), integer(fig.Members), num(fig.PopCoverage), str(engine.YearsUsed(*fig)), str(fig.Method), imputed}
}

// membershipFlag declares --membership on a command that shows group figures.
func membershipFlag(fs *flag.FlagSet) *string {
	return fs.String("membership", "dated", "group membership: dated (a year's LDCs are that year's list) or current (today's members every year); income groups are current only")
}

// estimateFlag declares --estimate on a command that shows group figures.
func estimateFlag(fs *flag.FlagSet) *bool {
	return fs.Bool("estimate", false, "estimated group figures: members without a value imputed by the median of their M49 region x income group (status E, share imputed in the note)")
}

func runFrameworks(ctx context.Context, args []string, e *env) error {
	fs := newFlags("frameworks", "frameworks [ID] [--years] [--format table|csv|json]\n\n"+
		"Lists the frameworks with the years they score (years in which at least one unit has an\n"+
		"overall score), or one framework's nodes, or with --years the years it scores and how many\n"+
		"units in each. With ID the framework's description, source, departures from the index it\n"+
		"follows (which public series stand in for the original's) and coverage rule come first:\n"+
		"on stdout before the table, on stderr with --format csv or json.", e)
	format := fs.String("format", "table", "output: table, csv or json")
	yearsOnly := fs.Bool("years", false, "with ID: the years the framework scores and the number of units scored in each")
	var id string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		id, args = args[0], args[1:]
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := checkFormat(*format, "table", "csv", "json"); err != nil {
		return err
	}
	eng, res0, err := e.engine(ctx, dataFlag{})
	if err != nil {
		return err
	}
	defer res0.Release()
	if id == "" {
		t := &table{header: []string{"id", "name", "levels", "indicators", "scale", "tiers", "years", "years_scored"}}
		for _, fid := range eng.Frameworks() {
			f, _ := eng.Framework(fid)
			years := eng.Years(f)
			span := ""
			if len(years) > 0 {
				span = fmt.Sprintf("%d-%d", years[0], years[len(years)-1])
			}
			t.add(str(f.ID), str(f.Name), integer(f.Levels()), integer(len(f.Indicators())),
				str(fmt.Sprintf("%g-%g", f.Scale.Lo, f.Scale.Hi)), str(f.Tiers.Scheme), str(span), integer(len(years)))
		}
		return t.write(e.stdout, *format)
	}
	f, ok := eng.Framework(id)
	if !ok {
		return usagef("frameworks: unknown framework %q", id)
	}
	if *yearsOnly {
		t := &table{header: []string{"year", "units_scored"}}
		for _, c := range eng.ScoredYears(f) {
			t.add(integer(c.Year), integer(c.Units))
		}
		return t.write(e.stdout, *format)
	}
	about := e.stdout
	if *format != "table" {
		about = e.stderr // keep stdout machine-readable
	}
	writeAbout(about, f)
	t := &table{header: []string{"code", "level", "parent", "name", "indicator", "weight", "note"}}
	for _, n := range f.Nodes() {
		parent := ""
		if n.Parent != nil {
			parent = n.Parent.Code
		}
		note := ""
		if n.NoData() {
			note = "no data shipped"
		}
		t.add(str(n.Code), integer(n.Level), str(parent), str(n.Name), str(n.Indicator), num(n.EffectiveWeight()), str(note))
	}
	return t.write(e.stdout, *format)
}

// writeAbout prints a framework's description, source, departures and
// coverage rule as wrapped paragraphs (the API serves the same fields at
// /v1/frameworks/{id}).
func writeAbout(w io.Writer, f *indicators.Framework) {
	fmt.Fprintf(w, "%s: %s\n", f.ID, f.Name)
	for _, p := range []struct{ label, text string }{
		{"Description", f.Description},
		{"Source", f.Source},
		{"Departures", f.Departures},
		{"Coverage rule", fmt.Sprintf("a node is scored when at least %g%% of its children that have shipped indicators have a value, at every level including the overall (methods.coverage %g)", 100*f.Methods.Coverage, f.Methods.Coverage)},
	} {
		if strings.TrimSpace(p.text) == "" {
			continue
		}
		fmt.Fprintf(w, "\n%s:\n", p.label)
		line := " "
		for _, word := range strings.Fields(p.text) {
			if len(line)+1+len(word) > 92 && line != " " {
				fmt.Fprintln(w, line)
				line = " "
			}
			line += " " + word
		}
		fmt.Fprintln(w, line)
	}
	fmt.Fprintln(w)
}
