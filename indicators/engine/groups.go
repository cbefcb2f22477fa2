package engine

import (
	"math"

	"github.com/dri-engine/dri/indicators"
	"github.com/dri-engine/dri/pipeline"
)

// GroupOf is a group's figure of per-unit values (over the scored units)
// of year: a framework node's scores or values, which are indices and
// averaged by the mean of member states. years holds each value's year (nil:
// all of year).
func (e *Engine) GroupOf(g *pipeline.Group, values []float64, valid []bool, years []int, year int, opt GroupOptions) Aggregate {
	return e.groupFigure(g, year, values, valid, years, meanRule, opt)
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
			years = nr.YearColumn()
		}
		out[k] = e.GroupOf(g, nr.ValueColumn(), nr.Valid, years, res.Year, opt)
	}
	return out
}

// GroupSeriesQuery filters GroupSeries like /v1/data filters observations.
type GroupSeriesQuery struct {
	Sex, Area, Age, Income, Education, Labour []string
	From, To                                  int
	MRV, MRNEV                                int
	Options                                   GroupOptions
}

// GroupSeries is a group's figure of an indicator per year and breakdown,
// as rows shaped like /v1/data's: GroupFigures without the figures.
func (e *Engine) GroupSeries(group, indicator string, q GroupSeriesQuery) ([]pipeline.Row, error) {
	figures, err := e.GroupFigures(group, indicator, q)
	if err != nil || len(figures) == 0 {
		return nil, err
	}
	rows := make([]pipeline.Row, len(figures))
	for i, f := range figures {
		rows[i] = f.Row
	}
	return rows, nil
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
				c.Value = nr.Value(ui)
				idx, _ := e.groupMembers(g, res.Year, opt.withDefaults().Membership)
				x, v := make([]float64, len(idx)), make([]bool, len(idx))
				member := -1
				for m, i := range idx {
					x[m], v[m] = nr.Value(i), nr.Valid[i]
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
