package engine

import (
	"fmt"
	"math"

	"github.com/dri-engine/dri/indicators"
	"github.com/dri-engine/dri/pipeline"
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
			out = append(out, GapRow{Unit: unit, Indicator: nr.Node.Indicator, Year: nr.Year[u], Female: g.Female, Male: g.Male,
				GPS: g.GPS, Class: nr.Tier[u].Name, PointGap: g.PointGap, RelativeGap: g.RelativeGap, Weight: nr.Weight})
		}
		if root.Valid[u] {
			row := GapRow{Unit: unit, Indicator: "composite", Female: nan, Male: nan, GPS: root.Value[u], PointGap: nan, RelativeGap: nan, Weight: nan}
			if root.Tier != nil {
				row.Class = root.Tier[u].Name
			}
			out = append(out, row)
		}
		if wis != nil && wis.Valid[u] {
			out = append(out, GapRow{Unit: unit, Indicator: "wis", Female: nan, Male: nan, GPS: wis.Value[u], PointGap: nan, RelativeGap: nan, Weight: nan})
		}
	}
	return out
}

// GroupGaps are a group's gaps: per indicator, the population-weighted
// means of the female and the male rates over the members with both (total
// population as the weight: population by sex is not shipped), and their
// parity score, as ITU computes regional parity scores from aggregate rates.
func (e *Engine) GroupGaps(res *indicators.Result, g *pipeline.Group) []GapRow {
	band := res.Framework.ParityBand
	pop := e.Population(res.Year)
	idx := e.members(g)
	var out []GapRow
	for _, nr := range res.Nodes {
		if !nr.Node.IsIndicator() || nr.GValid == nil {
			continue
		}
		var sw, sf, sm float64
		n := 0
		for _, i := range idx {
			if !nr.GValid[i] || math.IsNaN(pop[i]) || pop[i] <= 0 {
				continue
			}
			sw += pop[i]
			sf += pop[i] * nr.Gender[i].Female
			sm += pop[i] * nr.Gender[i].Male
			n++
		}
		if n == 0 {
			continue
		}
		gap := indicators.GenderGap(sf/sw, sm/sw, band.Lo, band.Hi, math.NaN(), math.NaN())
		class, _ := indicators.ParityBand{Lo: band.Lo, Hi: band.Hi}.Classify(gap.GPS)
		row := GapRow{Unit: g.Code, Indicator: nr.Node.Indicator, Female: gap.Female, Male: gap.Male, GPS: gap.GPS,
			Class: class.Name, PointGap: gap.PointGap, RelativeGap: gap.RelativeGap, Weight: nr.Weight,
			Note: "population-weighted over members with data"}
		row.Note += fmt.Sprintf(" (%d of %d)", n, len(g.Members))
		out = append(out, row)
	}
	return out
}
