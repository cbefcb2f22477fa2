package engine

import (
	"fmt"
	"slices"
	"sort"

	"github.com/dri-engine/dri/pipeline"
	"github.com/dri-engine/dri/pipeline/dims"
)

// GroupFigure is one row of a group's series with the figure it shows:
// members with data / members, population share covered, years used,
// method, imputed share.
type GroupFigure struct {
	pipeline.Row
	Figure Aggregate
}

// GroupFigures is a group's figure of an indicator per year and breakdown
// (the one group rule, groupFigure), as rows shaped like /v1/data's, each
// with its figure: every year from the breakdown's first value to the
// indicator's last year, a withheld year with a null value and the reason
// in its note. With MRV or MRNEV, the most recent shown (not withheld)
// values.
func (e *Engine) GroupFigures(group, indicator string, q GroupSeriesQuery) ([]GroupFigure, error) {
	g, ok := e.ref.Group(group)
	if !ok {
		return nil, &UnknownError{"group", group}
	}
	if err := CheckMembership(q.Options.Membership); err != nil {
		return nil, err
	}
	rule := e.indicatorRule(indicator)
	if rule.weighting == pipeline.GroupNone {
		return nil, nil
	}
	all := e.indicatorSeries(indicator, pipeline.Query{Sex: q.Sex, Area: q.Area, Age: q.Age, Income: q.Income, Education: q.Education, Labour: q.Labour})
	last := 0
	for _, s := range e.indicatorSeries(indicator, pipeline.Query{}) {
		last = max(last, s.max)
	}
	keys := make([]pipeline.Breakdown, 0, len(all))
	for k := range all {
		keys = append(keys, k)
	}
	// The order of /v1/data: totals first, then each dimension's codes in
	// the order of its list.
	slices.SortFunc(keys, dims.CompareBreakdowns)
	var out []GroupFigure
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
			a := e.figureOfSeries(g, s, year, rule, q.Options)
			a.sexSpecific(k.Sex)
			if a.Withheld && (q.MRV > 0 || q.MRNEV > 0) {
				continue // "most recent values" of a group are its most recent shown values
			}
			out = append(out, GroupFigure{Row: pipeline.Row{Unit: g.Code, Year: year, Indicator: indicator, Sex: k.Sex, Area: k.Area, Age: k.Age,
				Income: k.Income, Education: k.Education, Labour: k.Labour,
				Value: a.Value, Status: a.Status, Source: "dri group aggregate", Note: a.Note()}, Figure: a})
		}
	}
	if q.MRV > 0 || q.MRNEV > 0 {
		out = recent(out, q.MRV, q.MRNEV)
	}
	return out, nil
}

// recent keeps the most recent years (mrv) or values per series (mrnev) of
// rows sorted by series then year.
func recent(rows []GroupFigure, mrv, mrnev int) []GroupFigure {
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
		var out []GroupFigure
		for _, r := range rows {
			if keep[r.Year] {
				out = append(out, r)
			}
		}
		return out
	}
	var out []GroupFigure
	for a := 0; a < len(rows); {
		b := a
		for b < len(rows) && rows[b].Breakdown() == rows[a].Breakdown() {
			b++
		}
		out = append(out, rows[max(a, b-mrnev):b]...)
		a = b
	}
	return out
}

// YearsUsed is the span of the years of the observed values a figure uses,
// "2011-2014" (one year twice: "2024-2024"), "" when it uses none.
func YearsUsed(a Aggregate) string {
	if a.YearTo == 0 {
		return ""
	}
	return fmt.Sprintf("%d-%d", a.YearFrom, a.YearTo)
}
