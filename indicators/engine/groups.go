package engine

import (
	"fmt"
	"math"
	"sort"

	"github.com/dri-engine/dri/indicators"
	"github.com/dri-engine/dri/pipeline"
)

// MinGroupCoverage is the share of a group's members that must have data
// for a group value to be shown; below it the value is withheld, with the
// reason.
const MinGroupCoverage = 0.5

// weighted reports whether group values of an indicator are population
// weighted: shares of people (percent) and per-100 rates describe the
// group's population; indices and scores are averaged over states, as the
// UN E-Government Survey and the Compass report them.
func (e *Engine) weighted(indicator string) bool {
	ind, _, ok := e.reg.Lookup(indicator)
	return ok && (ind.Unit == "percent" || ind.Unit == "per100")
}

// Aggregate is a group's value of one variable with its statistics.
type Aggregate struct {
	indicators.GroupValue
	// Value is the headline: the population-weighted mean for shares of
	// people, the simple mean otherwise; NaN when withheld.
	Value  float64
	Method string
}

func (e *Engine) headline(g indicators.GroupValue, weighted bool) Aggregate {
	a := Aggregate{GroupValue: g, Value: g.Mean, Method: "mean"}
	if weighted {
		a.Value, a.Method = g.WeightedMean, "population-weighted mean"
	}
	if g.Withheld {
		a.Value = math.NaN()
	}
	return a
}

// members returns the scored-unit indices of a group's members.
func (e *Engine) members(g *pipeline.Group) []int {
	var idx []int
	for _, m := range g.Members {
		if i, ok := e.unitIndex[m]; ok {
			idx = append(idx, i)
		}
	}
	return idx
}

// GroupOf aggregates per-unit values (over the scored units) for a group.
func (e *Engine) GroupOf(g *pipeline.Group, values []float64, valid []bool, year int, weighted bool) Aggregate {
	idx := e.members(g)
	pop := e.Population(year)
	x, v, p := make([]float64, len(idx)), make([]bool, len(idx)), make([]float64, len(idx))
	for k, i := range idx {
		x[k], v[k], p[k] = values[i], valid[i], pop[i]
	}
	if !weighted {
		p = nil
	}
	return e.headline(indicators.GroupAggregate(x, v, p, MinGroupCoverage), weighted)
}

// GroupSeriesQuery filters GroupSeries like /v1/data filters observations.
type GroupSeriesQuery struct {
	Sex, Area, Age []string
	From, To       int
	MRV, MRNEV     int
}

// GroupSeries is a group's aggregate of an indicator per year and
// disaggregation, as rows shaped like /v1/data's (api.Scorer).
func (e *Engine) GroupSeries(group, indicator string, q GroupSeriesQuery) ([]pipeline.Row, error) {
	g, ok := e.ref.Group(group)
	if !ok {
		return nil, &UnknownError{"group", group}
	}
	rows := e.store.Select(pipeline.Query{Indicator: indicator, Sex: q.Sex, Area: q.Area, Age: q.Age, From: q.From, To: q.To})
	type key struct {
		sex, area, age string
		year           int
	}
	vals := map[key]map[string]float64{}
	for _, i := range rows {
		k := key{e.store.Sex(i), e.store.Area(i), e.store.Age(i), e.store.Year(i)}
		if vals[k] == nil {
			vals[k] = map[string]float64{}
		}
		vals[k][e.store.Unit(i)] = e.store.Value(i)
	}
	keys := make([]key, 0, len(vals))
	for k := range vals {
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
		if x.age != y.age {
			return code(x.age) < code(y.age)
		}
		return x.year < y.year
	})
	weighted := e.weighted(indicator)
	var out []pipeline.Row
	for _, k := range keys {
		values, valid := make([]float64, len(e.units)), make([]bool, len(e.units))
		for u, v := range vals[k] {
			if i, ok := e.unitIndex[u]; ok {
				values[i], valid[i] = v, true
			}
		}
		a := e.GroupOf(g, values, valid, k.year, weighted)
		if a.N == 0 {
			continue
		}
		note := fmt.Sprintf("%s of %d of %d members", a.Method, a.N, a.Members)
		if weighted {
			note += fmt.Sprintf(" (%.0f%% of the population with known size)", 100*a.PopCoverage)
		}
		if a.Withheld {
			note = "withheld: " + a.Reason
		}
		if a.Withheld && (q.MRV > 0 || q.MRNEV > 0) {
			continue // "most recent values" of a group are its most recent shown values
		}
		out = append(out, pipeline.Row{Unit: g.Code, Year: k.year, Indicator: indicator, Sex: k.sex, Area: k.area, Age: k.age,
			Value: a.Value, Status: "", Source: "dri group aggregate", Note: note})
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
func (e *Engine) Compare(res *indicators.Result, unit string, groups []*pipeline.Group) ([]NodeComparison, error) {
	ui, ok := e.unitIndex[unit]
	if !ok {
		return nil, &UnknownError{"scored unit", unit}
	}
	var out []NodeComparison
	for _, nr := range res.Nodes {
		for _, g := range groups {
			weighted := false // scores and normalised values are averaged over states
			a := e.GroupOf(g, nr.Value, nr.Valid, res.Year, weighted)
			c := NodeComparison{Code: nr.Node.Code, Name: nr.Node.Name, Level: nr.Node.Level, Group: g.Code, Value: math.NaN(), Agg: a}
			if nr.Valid[ui] {
				c.Value = nr.Value[ui]
				idx := e.members(g)
				x, v := make([]float64, len(idx)), make([]bool, len(idx))
				member := -1
				for k, i := range idx {
					x[k], v[k] = nr.Value[i], nr.Valid[i]
					if i == ui {
						member = k
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
