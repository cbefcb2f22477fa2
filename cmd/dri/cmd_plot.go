package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/dri-engine/dri/cmd/dri/plot"
	"github.com/dri-engine/dri/indicators"
	"github.com/dri-engine/dri/indicators/engine"
	"github.com/dri-engine/dri/pipeline"
)

func init() {
	register(&command{name: "plot", summary: "draw a report chart as PNG: a unit's pillar profile, a ranking, or gender parity", run: runPlot})
}

// plotConfig is what `dri plot` was asked for.
type plotConfig struct {
	data                 dataFlag
	kind                 string
	unit, against        string
	framework            string
	year                 int
	top, bottom          int
	out                  string
	width, height        int
	topSet, frameworkSet bool
}

func runPlot(ctx context.Context, args []string, e *env) error {
	fs := newFlags("plot", "plot --unit A [--kind profile|ranking|gender] [--against LDC,WLD] [--framework ID] [--year Y]\n"+
		"                [--top N] [--bottom N] [--width PX] [--height PX] [--data DIR] --out FILE.png\n\n"+
		"Draws a report chart as a PNG file (written next to FILE.png, then renamed into place) and\n"+
		"prints its path.\n"+
		"  profile  the unit's pillar scores (the index's children) as bars next to the comparison\n"+
		"           groups' (group value = mean of the member states with data; withheld below 50%\n"+
		"           coverage, shown as \"no data\"). Default groups: LDC, the unit's M49 region, its\n"+
		"           income group and WLD.\n"+
		"  ranking  the index for the top N units (and the bottom N with --bottom) as sorted bars,\n"+
		"           coloured by tier; --unit is optional and highlights a unit (shown even outside\n"+
		"           the top N). Ranks are among the UN member states, or among the members of the\n"+
		"           --against groups when given.\n"+
		"  gender   gender parity scores F/M per indicator for the unit (or group) and the comparison\n"+
		"           groups, with the parity band 0.98-1.02 and the unit's gaps in percentage points.", e)
	var c plotConfig
	c.data.flags(fs)
	fs.StringVar(&c.kind, "kind", "profile", "chart: profile, ranking or gender")
	fs.StringVar(&c.unit, "unit", "", "the unit (ISO3/ISO2 code or name; gender also takes a group code)")
	fs.StringVar(&c.against, "against", "", "comma-separated group codes (default: LDC, region, income group, WLD; ranking: all UN member states)")
	fs.StringVar(&c.framework, "framework", "", "framework id (default: compass; gender for --kind gender)")
	fs.IntVar(&c.year, "year", 0, "year (default: the framework's latest well-covered year)")
	fs.IntVar(&c.top, "top", 30, "ranking: the N best units (0: all)")
	fs.IntVar(&c.bottom, "bottom", 0, "ranking: the N last units (alone unless --top is also given)")
	fs.StringVar(&c.out, "out", "", "the PNG file to write")
	fs.IntVar(&c.width, "width", plot.DefaultWidth, "image width in pixels")
	fs.IntVar(&c.height, "height", plot.DefaultHeight, "image height in pixels")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	fs.Visit(func(f *flag.Flag) {
		c.topSet = c.topSet || f.Name == "top"
		c.frameworkSet = c.frameworkSet || f.Name == "framework"
	})
	if fs.NArg() > 0 {
		return usagef("plot: unexpected argument %q (the unit goes in --unit)", fs.Arg(0))
	}
	switch c.kind {
	case "profile", "ranking", "gender":
	default:
		return usagef("--kind %q: want profile, ranking or gender", c.kind)
	}
	if c.out == "" {
		return usagef("plot: --out FILE.png is required")
	}
	if !strings.EqualFold(filepath.Ext(c.out), ".png") {
		return usagef("--out %s: want a .png file", c.out)
	}
	if c.unit == "" && c.kind != "ranking" {
		return usagef("plot: --unit is required for --kind %s, e.g. dri plot --unit KEN --out kenya.png", c.kind)
	}
	if c.top < 0 || c.bottom < 0 {
		return usagef("plot: --top and --bottom take a count of units, 0 or more")
	}
	if c.framework == "" {
		c.framework = "compass"
		if c.kind == "gender" {
			c.framework = "gender"
		}
	}

	eng, res0, err := e.engine(ctx, c.data)
	if err != nil {
		return err
	}
	defer res0.Release()
	f, ok := eng.Framework(c.framework)
	if !ok {
		return usagef("--framework: unknown framework %q (have %s)", c.framework, strings.Join(eng.Frameworks(), ", "))
	}
	if (f.Kind == indicators.KindGender) != (c.kind == "gender") {
		return usagef("--framework %s: --kind %s needs a %s framework", f.ID, c.kind, map[bool]string{true: "gender", false: "composite"}[c.kind == "gender"])
	}
	res, err := eng.Score(f.ID, c.year, indicators.Options{})
	if err != nil {
		return err
	}
	opt := plot.Options{Width: c.width, Height: c.height}
	var draw func(io.Writer) error
	switch c.kind {
	case "profile":
		spec, err := profileSpec(eng, res, c)
		if err != nil {
			return err
		}
		spec.Options = opt
		draw = func(w io.Writer) error { return plot.Profile(w, spec) }
	case "ranking":
		spec, err := rankingSpec(eng, res, c)
		if err != nil {
			return err
		}
		spec.Options = opt
		draw = func(w io.Writer) error { return plot.Ranking(w, spec) }
	case "gender":
		spec, err := genderSpec(eng, res, c)
		if err != nil {
			return err
		}
		spec.Options = opt
		draw = func(w io.Writer) error { return plot.Gender(w, spec) }
	}
	if err := writeFileAtomic(c.out, draw); err != nil {
		if errors.Is(err, plot.ErrInvalid) || errors.Is(err, plot.ErrEmpty) {
			return usagef("%v", err)
		}
		return err
	}
	fmt.Fprintln(e.stdout, c.out)
	return nil
}

// writeFileAtomic writes path through path+".tmp", renamed into place once
// complete, so that a reader never sees half a file and a failed drawing
// leaves any earlier file as it was.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o666)
	if err != nil {
		return err
	}
	err = write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

// scaleLabel prints a framework's scale: "0–5".
func scaleLabel(r indicators.Range) string { return fmt.Sprintf("%g–%g", r.Lo, r.Hi) }

func profileSpec(eng *engine.Engine, res *indicators.Result, c plotConfig) (plot.ProfileSpec, error) {
	ref := eng.Reference()
	unit, ok := ref.LookupUnit(c.unit)
	if !ok {
		return plot.ProfileSpec{}, usagef("--unit: unknown unit %q", c.unit)
	}
	groups, err := comparisonGroups(eng, unit, c.against)
	if err != nil {
		return plot.ProfileSpec{}, err
	}
	cmp, err := eng.Compare(res, unit.Code, groups, engine.GroupOptions{})
	if err != nil {
		return plot.ProfileSpec{}, err
	}
	type key struct{ node, group string }
	groupValue := map[key]float64{}
	unitValue := map[string]float64{}
	for _, x := range cmp {
		groupValue[key{x.Code, x.Group}] = x.Agg.Value
		unitValue[x.Code] = x.Value
	}
	root := res.Root().Node
	spec := plot.ProfileSpec{Unit: unit.Name, Framework: res.Framework.Name, Year: res.Year,
		Scale:      plot.Range{Lo: res.Framework.Scale.Lo, Hi: res.Framework.Scale.Hi},
		ValueLabel: fmt.Sprintf("Pillar score (%s)", scaleLabel(res.Framework.Scale))}
	us := plot.Series{Name: unit.Name}
	for _, p := range root.Children {
		name := p.Name
		if name == "" {
			name = p.Code
		}
		spec.Pillars = append(spec.Pillars, name)
		us.Values = append(us.Values, unitValue[p.Code])
	}
	if !hasValue(us.Values) {
		return spec, fmt.Errorf("%s has no %s pillar score in %d", unit.Name, res.Framework.ID, res.Year)
	}
	spec.Series = append(spec.Series, us)
	for _, g := range groups {
		gs := plot.Series{Name: g.Name}
		for _, p := range root.Children {
			gs.Values = append(gs.Values, groupValue[key{p.Code, g.Code}])
		}
		spec.Series = append(spec.Series, gs)
	}
	spec.Note = fmt.Sprintf("The pillars of %q. A group's value is the mean of its member states with data, withheld (\"no data\") when fewer than %.0f%% of them have data; "+
		"a pillar DRI ships no indicator for has no data. Source: DRI, framework %q.",
		root.Name, 100*engine.MinGroupCoverage, res.Framework.ID)
	return spec, nil
}

func rankingSpec(eng *engine.Engine, res *indicators.Result, c plotConfig) (plot.RankingSpec, error) {
	ref := eng.Reference()
	root := res.Root()
	population := "UN member states"
	members := map[string]bool{}
	if c.against == "" {
		wld, _ := ref.Group("WLD")
		for _, m := range wld.Members {
			members[m] = true
		}
	} else {
		var codes []string
		for _, s := range splitList(c.against) {
			g, ok := ref.Group(strings.ToUpper(s))
			if !ok {
				return plot.RankingSpec{}, usagef("--against: unknown group %q", s)
			}
			for _, m := range g.Members {
				members[m] = true
			}
			codes = append(codes, fmt.Sprintf("%s (%s)", g.Name, g.Code))
		}
		population = "members of " + strings.Join(codes, ", ")
	}
	type scored struct {
		code  string
		value float64
		tier  string
	}
	var units []scored
	for i, code := range res.Units {
		if !members[code] || !root.Valid[i] {
			continue
		}
		s := scored{code: code, value: root.Value(i)}
		if root.Tier != nil {
			s.tier = root.Tier[i].Name
		}
		units = append(units, s)
	}
	if len(units) == 0 {
		return plot.RankingSpec{}, fmt.Errorf("no %s has a %s score in %d", population, res.Framework.ID, res.Year)
	}
	sort.SliceStable(units, func(a, b int) bool { return units[a].value > units[b].value })
	// Ranks among these units by the one rule of every surface
	// (indicators.Rank: ties on the exact value share the best rank).
	values := make([]float64, len(units))
	for i, s := range units {
		values[i] = s.value
	}
	ranks, err := indicators.Rank(nil, values, nil)
	if err != nil {
		return plot.RankingSpec{}, err
	}
	top, bottom := c.top, c.bottom
	if bottom > 0 && !c.topSet {
		top = 0
	} else if top == 0 {
		top = len(units)
	}
	var highlight string
	if c.unit != "" {
		u, ok := ref.LookupUnit(c.unit)
		if !ok {
			return plot.RankingSpec{}, usagef("--unit: unknown unit %q", c.unit)
		}
		highlight = u.Code
	}
	spec := plot.RankingSpec{Title: res.Framework.Name, Highlight: highlight,
		Scale:      plot.Range{Lo: res.Framework.Scale.Lo, Hi: res.Framework.Scale.Hi},
		ValueLabel: fmt.Sprintf("%s (%s)", root.Node.Name, scaleLabel(res.Framework.Scale))}
	found := highlight == ""
	for i, s := range units {
		if i >= top && i < len(units)-bottom && s.code != highlight {
			continue
		}
		found = found || s.code == highlight
		name := s.code
		if u, ok := ref.Unit(s.code); ok {
			name = u.Name
		}
		spec.Entries = append(spec.Entries, plot.RankEntry{Code: s.code, Name: name, Value: s.value, Rank: ranks[i], Tier: s.tier})
	}
	if !found {
		return plot.RankingSpec{}, usagef("--unit %s: not among the ranked units (%s with a %s score in %d)", highlight, population, res.Framework.ID, res.Year)
	}
	var shown []string
	if top > 0 && top < len(units) {
		shown = append(shown, fmt.Sprintf("top %d", top))
	}
	if bottom > 0 && top < len(units) {
		shown = append(shown, fmt.Sprintf("bottom %d", min(bottom, len(units))))
	}
	if len(shown) == 0 {
		spec.Subtitle = fmt.Sprintf("%d: all %d %s with a score", res.Year, len(units), population)
	} else {
		spec.Subtitle = fmt.Sprintf("%d: %s of %d %s with a score", res.Year, strings.Join(shown, " and "), len(units), population)
	}
	if scheme := res.Framework.TierScheme(); scheme != nil {
		spec.Tiers = tierBands(scheme, res.Framework.Scale)
		known := map[string]bool{}
		for _, t := range spec.Tiers {
			known[t.Name] = true
		}
		for i := range spec.Entries {
			if !known[spec.Entries[i].Tier] {
				spec.Entries[i].Tier = ""
			}
		}
	}
	spec.Note = fmt.Sprintf("Ranks among the %d %s with a score; ties share a rank. Source: DRI, framework %q.", len(units), population, res.Framework.ID)
	if len(spec.Tiers) > 0 {
		spec.Note += fmt.Sprintf(" Tiers: the framework's %q scheme.", res.Framework.Tiers.Scheme)
	}
	return spec, nil
}

// tierBands finds the value range of each class of a tier scheme on a
// scale. The schemes classify but do not list their thresholds, so the
// scale is classified on a fine grid and each change of class located by
// bisection, then rounded to a millionth of the scale.
func tierBands(scheme indicators.TierScheme, scale indicators.Range) []plot.Tier {
	const steps = 1000
	span := scale.Hi - scale.Lo
	class := func(v float64) string { t, _ := scheme.Classify(v); return t.Name }
	round := func(v float64) float64 { return scale.Lo + math.Round((v-scale.Lo)/span*1e6)/1e6*span }
	var out []plot.Tier
	lo, cur := scale.Lo, class(scale.Lo)
	prev := scale.Lo
	for i := 1; i <= steps; i++ {
		v := scale.Lo + span*float64(i)/steps
		if c := class(v); c != cur {
			a, b := prev, v
			for range 60 {
				m := (a + b) / 2
				if class(m) == cur {
					a = m
				} else {
					b = m
				}
			}
			if cur != "" {
				out = append(out, plot.Tier{Name: cur, Lo: lo, Hi: round(b)})
			}
			lo, cur = round(b), c
		}
		prev = v
	}
	if cur != "" {
		out = append(out, plot.Tier{Name: cur, Lo: lo, Hi: scale.Hi})
	}
	return out
}

func genderSpec(eng *engine.Engine, res *indicators.Result, c plotConfig) (plot.GenderSpec, error) {
	ref := eng.Reference()
	var name string
	var rows []engine.GapRow
	var groups []*pipeline.Group
	if g, ok := ref.Group(strings.ToUpper(c.unit)); ok {
		name = g.Name
		rows = eng.GroupGaps(res, g, engine.GroupOptions{})
		for _, s := range splitList(c.against) {
			og, ok := ref.Group(strings.ToUpper(s))
			if !ok {
				return plot.GenderSpec{}, usagef("--against: unknown group %q", s)
			}
			groups = append(groups, og)
		}
		if len(groups) == 0 && g.Code != "WLD" {
			wld, _ := ref.Group("WLD")
			groups = append(groups, wld)
		}
	} else {
		u, ok := ref.LookupUnit(c.unit)
		if !ok {
			return plot.GenderSpec{}, usagef("--unit: unknown unit or group %q", c.unit)
		}
		name = u.Name
		for _, r := range eng.Gaps(res) {
			if r.Unit == u.Code {
				rows = append(rows, r)
			}
		}
		var err error
		if groups, err = comparisonGroups(eng, u, c.against); err != nil {
			return plot.GenderSpec{}, err
		}
	}

	// Indicators in the framework's order, labelled with the registry's names.
	var ids, labels []string
	for _, nr := range res.Nodes {
		if !nr.Node.IsIndicator() {
			continue
		}
		label := nr.Node.Name
		if ind, _, ok := eng.Registry().Lookup(nr.Node.Indicator); ok && label == "" {
			label = ind.Name
		}
		if label == "" {
			label = nr.Node.Indicator
		}
		ids, labels = append(ids, nr.Node.Indicator), append(labels, label)
	}
	series := func(name string, rows []engine.GapRow) plot.GenderSeries {
		s := plot.GenderSeries{Name: name, Parity: make([]float64, len(ids)), PointGap: make([]float64, len(ids))}
		for i, id := range ids {
			s.Parity[i], s.PointGap[i] = math.NaN(), math.NaN()
			for _, r := range rows {
				if r.Indicator == id {
					s.Parity[i], s.PointGap[i] = r.GPS, r.PointGap
				}
			}
		}
		return s
	}
	all := []plot.GenderSeries{series(name, rows)}
	for _, g := range groups {
		all = append(all, series(g.Name, eng.GroupGaps(res, g, engine.GroupOptions{})))
	}
	// Keep the indicators someone has data for.
	spec := plot.GenderSpec{Title: fmt.Sprintf("Digital gender gaps: %s, %d", name, res.Year)}
	if b := res.Framework.ParityBand; b != nil {
		spec.Band = plot.Range{Lo: b.Lo, Hi: b.Hi}
	}
	keep := make([]int, 0, len(ids))
	for i := range ids {
		for _, s := range all {
			if !math.IsNaN(s.Parity[i]) {
				keep = append(keep, i)
				break
			}
		}
	}
	for _, i := range keep {
		spec.Indicators = append(spec.Indicators, labels[i])
	}
	for _, s := range all {
		k := plot.GenderSeries{Name: s.Name}
		for _, i := range keep {
			k.Parity, k.PointGap = append(k.Parity, s.Parity[i]), append(k.PointGap, s.PointGap[i])
		}
		spec.Series = append(spec.Series, k)
	}
	if !hasValue(all[0].Parity) {
		return spec, fmt.Errorf("no sex-disaggregated data for %s in %d-%d", name, res.Year-res.Framework.YearWindow, res.Year)
	}
	var note []string
	for _, r := range rows {
		switch r.Indicator {
		case "composite":
			note = append(note, fmt.Sprintf("%s's parity composite (WEF-style, 1 = parity) is %.2f", name, r.GPS))
		case "wis":
			note = append(note, fmt.Sprintf("its Women's Inclusion Score %.2f", r.GPS))
		}
	}
	text := fmt.Sprintf("Latest values in %d-%d. Gap = male rate − female rate, in percentage points. "+
		"A group's rates are population-weighted means over its members with both rates.", res.Year-res.Framework.YearWindow, res.Year)
	if len(note) > 0 {
		text = strings.Join(note, "; ") + ". " + text
	}
	spec.Note = text + " Source: DRI, framework \"" + res.Framework.ID + "\"."
	return spec, nil
}

// hasValue reports whether any value is not NaN.
func hasValue(values []float64) bool {
	for _, v := range values {
		if !math.IsNaN(v) {
			return true
		}
	}
	return false
}
