package engine

import (
	"math"
	"sort"

	"github.com/dri-engine/dri/indicators"
	"github.com/dri-engine/dri/pipeline"
)

// GroupOf is a group's figure of per-unit values (over the scored units)
// of year: a framework node's scores or values, which are indices and
// averaged by the mean of member states. years holds each value's year (nil:
// all of year).
func (e *Engine) GroupOf(g *pipeline.Group, values []float64, valid []bool, years []int, year int, opt GroupOptions) Aggregate {
	return e.groupFigure(g, year, values, valid, years, pipeline.GroupMean, opt)
}

// GroupNodes are a group's figures on every node of a result, in node
// order: the mean of member states' scores, except a gender framework's
// indicators, whose figure is the parity score of the group's female and
// male rates (GroupGaps), so /v1/scores and /v1/gender agree.
func (e *Engine) GroupNodes(res *indicators.Result, g *pipeline.Group, opt GroupOptions) []Aggregate {
	gaps := map[string]GapRow{}
	for _, r := range e.GroupGaps(res, g, opt) {
		gaps[r.Indicator] = r
	}
	out := make([]Aggregate, len(res.Nodes))
	for k, nr := range res.Nodes {
		if gap, ok := gaps[nr.Node.Indicator]; ok && nr.Node.IsIndicator() && nr.GValid != nil {
			out[k] = gap.GroupAggregate()
			continue
		}
		var years []int
		if nr.Node.IsIndicator() {
			years = nr.Year
		}
		out[k] = e.GroupOf(g, nr.Value, nr.Valid, years, res.Year, opt)
	}
	return out
}

// GroupSeriesQuery filters GroupSeries like /v1/data filters observations.
type GroupSeriesQuery struct {
	Sex, Area, Age []string
	From, To       int
	MRV, MRNEV     int
	Options        GroupOptions
}

// GroupSeries is a group's figure of an indicator per year and breakdown,
// as rows shaped like /v1/data's (api.Scorer): every year from the
// breakdown's first value to the indicator's last year, a withheld year
// with a null value and the reason in its note.
func (e *Engine) GroupSeries(group, indicator string, q GroupSeriesQuery) ([]pipeline.Row, error) {
	g, ok := e.ref.Group(group)
	if !ok {
		return nil, &UnknownError{"group", group}
	}
	if err := CheckMembership(q.Options.Membership); err != nil {
		return nil, err
	}
	weighting, window := e.indicatorRule(indicator)
	if weighting == pipeline.GroupNone {
		return nil, nil
	}
	all := e.indicatorSeries(indicator, pipeline.Query{Sex: q.Sex, Area: q.Area, Age: q.Age})
	last := 0
	for _, s := range e.indicatorSeries(indicator, pipeline.Query{}) {
		last = max(last, s.max)
	}
	keys := make([]breakdown, 0, len(all))
	for k := range all {
		keys = append(keys, k)
	}
	// The order of /v1/data: totals first, then F/M and U/R, then ages.
	code := func(s string) string {
		switch s {
		case "_T":
			return "0"
		case "F", "U":
			return "1"
		case "M", "R":
			return "2"
		}
		return "3" + s
	}
	sort.Slice(keys, func(a, b int) bool {
		x, y := keys[a], keys[b]
		if x.sex != y.sex {
			return code(x.sex) < code(y.sex)
		}
		if x.area != y.area {
			return code(x.area) < code(y.area)
		}
		return code(x.age) < code(y.age)
	})
	var out []pipeline.Row
	for _, k := range keys {
		s := all[k]
		from, to := s.first, last
		if q.From > 0 {
			from = max(from, q.From)
		}
		if q.To > 0 {
			to = min(to, q.To)
		}
		for year := from; year <= to; year++ {
			a := e.figureOfSeries(g, s, year, window, weighting, q.Options)
			a.sexSpecific(k.sex)
			if a.Withheld && (q.MRV > 0 || q.MRNEV > 0) {
				continue // "most recent values" of a group are its most recent shown values
			}
			out = append(out, pipeline.Row{Unit: g.Code, Year: year, Indicator: indicator, Sex: k.sex, Area: k.area, Age: k.age,
				Value: a.Value, Status: a.Status, Source: "dri group aggregate", Note: a.Note()})
		}
	}
	if q.MRV > 0 || q.MRNEV > 0 {
		out = recent(out, q.MRV, q.MRNEV)
	}
	return out, nil
}

// recent keeps the most recent years (mrv) or values per series (mrnev) of
// rows sorted by series then year.
func recent(rows []pipeline.Row, mrv, mrnev int) []pipeline.Row {
	if mrv > 0 {
		years := map[int]bool{}
		for _, r := range rows {
			years[r.Year] = true
		}
		ys := make([]int, 0, len(years))
		for y := range years {
			ys = append(ys, y)
		}
		sort.Sort(sort.Reverse(sort.IntSlice(ys)))
		keep := map[int]bool{}
		for _, y := range ys[:min(mrv, len(ys))] {
			keep[y] = true
		}
		var out []pipeline.Row
		for _, r := range rows {
			if keep[r.Year] {
				out = append(out, r)
			}
		}
		return out
	}
	var out []pipeline.Row
	for a := 0; a < len(rows); {
		b := a
		for b < len(rows) && rows[b].Sex == rows[a].Sex && rows[b].Area == rows[a].Area && rows[b].Age == rows[a].Age {
			b++
		}
		out = append(out, rows[max(a, b-mrnev):b]...)
		a = b
	}
	return out
}

// NodeComparison sets a unit's score on one node against a group.
type NodeComparison struct {
	Code   string
	Name   string
	Level  int
	Group  string
	Value  float64 // NaN when the unit has no score
	Agg    Aggregate
	Cmp    indicators.Comparison
	HasCmp bool
}

// Compare sets a unit against groups on every node of a framework's scores.
func (e *Engine) Compare(res *indicators.Result, unit string, groups []*pipeline.Group, opt GroupOptions) ([]NodeComparison, error) {
	ui, ok := e.unitIndex[unit]
	if !ok {
		return nil, &UnknownError{"scored unit", unit}
	}
	figures := make([][]Aggregate, len(groups))
	for j, g := range groups {
		figures[j] = e.GroupNodes(res, g, opt)
	}
	var out []NodeComparison
	for k, nr := range res.Nodes {
		for j, g := range groups {
			a := figures[j][k]
			c := NodeComparison{Code: nr.Node.Code, Name: nr.Node.Name, Level: nr.Node.Level, Group: g.Code, Value: math.NaN(), Agg: a}
			if nr.Valid[ui] {
				c.Value = nr.Value[ui]
				idx, _ := e.groupMembers(g, res.Year, opt.withDefaults().Membership)
				x, v := make([]float64, len(idx)), make([]bool, len(idx))
				member := -1
				for m, i := range idx {
					x[m], v[m] = nr.Value[i], nr.Valid[i]
					if i == ui {
						member = m
					}
				}
				if a.N > 0 {
					c.Cmp = indicators.Compare(c.Value, a.Value, x, v, member)
					c.HasCmp = !math.IsNaN(a.Value)
				}
			}
			out = append(out, c)
		}
	}
	return out, nil
}
