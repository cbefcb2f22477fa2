package engine

import (
	"math"
	"strings"

	"github.com/dri-engine/dri/indicators"
	"github.com/dri-engine/dri/pipeline"
	"github.com/dri-engine/dri/pipeline/dims"
)

// GapRow is one unit's gender gap on one indicator, or its composite
// ("composite") or Women's Inclusion Score ("wis").
type GapRow struct {
	Unit, Indicator string
	Year            int
	Female, Male    float64
	GPS             float64 // parity score F/M; the score itself for composite and wis
	Class           string  // parity band class
	PointGap        float64
	RelativeGap     float64
	Weight          float64 // the indicator's weight in the composite
	Note            string
	// FemaleAgg and MaleAgg are a group row's two figures (GroupGaps).
	FemaleAgg, MaleAgg Aggregate
}

// Gaps flattens a gender framework result: per unit, each indicator with
// data, then the composite and WIS.
func (e *Engine) Gaps(res *indicators.Result) []GapRow {
	nan := math.NaN()
	var out []GapRow
	wis, _ := res.Node("WIS")
	root := res.Root()
	for u, unit := range res.Units {
		for _, nr := range res.Nodes {
			if !nr.Node.IsIndicator() || nr.GValid == nil || !nr.GValid[u] {
				continue
			}
			g := nr.Gender[u]
			out = append(out, GapRow{Unit: unit, Indicator: nr.Node.Indicator, Year: nr.Year(u), Female: g.Female, Male: g.Male,
				GPS: g.GPS, Class: nr.Tier[u].Name, PointGap: g.PointGap, RelativeGap: g.RelativeGap, Weight: nr.Weight})
		}
		if root.Valid[u] {
			row := GapRow{Unit: unit, Indicator: "composite", Female: nan, Male: nan, GPS: root.Value(u), PointGap: nan, RelativeGap: nan, Weight: nan}
			if root.Tier != nil {
				row.Class = root.Tier[u].Name
			}
			out = append(out, row)
		}
		if wis != nil && wis.Valid[u] {
			out = append(out, GapRow{Unit: unit, Indicator: "wis", Female: nan, Male: nan, GPS: wis.Value(u), PointGap: nan, RelativeGap: nan, Weight: nan})
		}
	}
	return out
}

// GroupGaps are a group's gaps in the result's year: per gender
// indicator, the group's female and male figures by the group rule
// (groupFigure; population by sex is not shipped, so both are weighted by
// total population), and the parity score and gaps of those two rates, as
// ITU computes regional parity scores from aggregate rates. A gap is
// withheld when either rate is.
func (e *Engine) GroupGaps(res *indicators.Result, g *pipeline.Group, opt GroupOptions) []GapRow {
	band := res.Framework.ParityBand
	var out []GapRow
	for _, nr := range res.Nodes {
		if !nr.Node.IsIndicator() || nr.GValid == nil {
			continue
		}
		ind := nr.Node.Indicator
		fs, ms := e.pairSeries(ind, dims.Sex)
		r := e.groupPairRow(g, ind, dims.Sex, fs, ms, res.Year, indicators.ParityBand{Lo: band.Lo, Hi: band.Hi}, opt)
		out = append(out, GapRow{Unit: g.Code, Indicator: ind, Female: r.Focus, Male: r.Reference, GPS: r.Parity, Class: r.Class,
			PointGap: r.PointGap, RelativeGap: r.RelativeGap, Weight: nr.Weight, Note: r.Note, FemaleAgg: r.FocusAgg, MaleAgg: r.ReferenceAgg})
	}
	return out
}

// GroupAggregate is a group gap row's parity score as a group figure, with
// the female figure's provenance (the less covered of the two rates' when
// they differ) and withheld as the row is.
func (r GapRow) GroupAggregate() Aggregate {
	a := r.FemaleAgg
	if r.MaleAgg.N < a.N {
		a = r.MaleAgg
	}
	a.Value = r.GPS
	a.Withheld = math.IsNaN(r.GPS)
	if a.Withheld {
		a.Reason = strings.TrimPrefix(r.Note, "withheld: ")
	}
	a.Method = "parity score of the group's female and male rates (" + a.Method + ")"
	return a
}
