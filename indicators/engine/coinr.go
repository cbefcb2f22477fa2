package engine

import (
	"fmt"
	"sort"

	"github.com/dri-engine/dri/indicators"
	"github.com/dri-engine/dri/pipeline/dims"
	"github.com/dri-engine/dri/pipeline/load"
)

// COINr builds a framework and a panel from COINr's iMeta and iData, with
// COINr's defaults (R/normalise.R, R/aggregate.R): normalisation
// minmax:0,100, arithmetic mean, no imputation, no treatment, no data
// availability threshold. Directions come from iMeta; weights from its
// Weight column. The returned years are the iData Time values (one score
// per year, as a COINr purse), or [year] when iData has no Time column.
func COINr(meta *load.IMeta, data *load.IData, year int) (*indicators.Framework, *indicators.Panel, []int, error) {
	nodes := map[string]*indicators.Node{}
	var roots []*indicators.Node
	for _, r := range meta.Rows {
		if r.Type != "Indicator" && r.Type != "Aggregate" {
			continue
		}
		n := &indicators.Node{Code: r.ICode, Name: r.IName, Direction: r.Direction}
		if r.Type == "Indicator" {
			n.Indicator = r.ICode
		}
		if r.HasWeight {
			w := r.Weight
			n.Weight = &w
		}
		if r.HasTarget {
			t := r.Target
			n.Target = &t
		}
		nodes[r.ICode] = n
	}
	for _, r := range meta.Rows {
		n, ok := nodes[r.ICode]
		if !ok {
			continue
		}
		if r.Parent == "" {
			roots = append(roots, n)
			continue
		}
		p := nodes[r.Parent]
		p.Children = append(p.Children, n)
	}
	if len(roots) != 1 {
		return nil, nil, nil, fmt.Errorf("engine: %s: want one top node (the index), found %d", meta.File, len(roots))
	}
	f := &indicators.Framework{ID: "coinr", Name: "COINr iMeta " + meta.File, Scale: indicators.Range{Lo: 0, Hi: 100},
		YearWindow: 0, Methods: indicators.Methods{Impute: "none", Treat: "none", Normalise: "minmax:0,100", Aggregate: "amean",
			Weights: "explicit", Coverage: 0}, Tree: roots}
	if err := f.Init(nil); err != nil {
		return nil, nil, nil, fmt.Errorf("engine: %s: %w", meta.File, err)
	}
	// Units in iData order (first appearance), as COINr keeps them.
	var units []string
	index := map[string]int{}
	for _, u := range data.Units {
		if _, ok := index[u]; !ok {
			index[u] = len(units)
			units = append(units, u)
		}
	}
	p := &indicators.Panel{Units: units, Info: map[string]indicators.IndicatorInfo{}, Series: map[indicators.SeriesKey][]indicators.Series{},
		Groups: map[string][]string{}}
	// Each row's unit position and year, resolved once for all columns
	// (issue 19 item 4: per-cell map look-ups were an eighth of the command).
	rowUnit := make([]int, len(data.Units))
	rowYear := make([]int, len(data.Units))
	yearsSeen := map[int]bool{}
	for i, u := range data.Units {
		rowUnit[i] = index[u]
		rowYear[i] = year
		if data.Times != nil {
			rowYear[i] = data.Times[i]
		}
		yearsSeen[rowYear[i]] = true
	}
	count := make([]int, len(units))
	for _, code := range meta.Indicators() {
		row, _ := meta.Row(code)
		p.Info[code] = indicators.IndicatorInfo{Polarity: row.Direction}
		series := make([]indicators.Series, len(units))
		valid, values := data.Valid[code], data.Values[code]
		// Each unit's series carved from one block per column: two
		// allocations per indicator, not two per unit.
		clear(count)
		n := 0
		for i := range data.Units {
			if valid[i] {
				count[rowUnit[i]]++
				n++
			}
		}
		ys, vs := make([]int, n), make([]float64, n)
		off := 0
		for k, c := range count {
			if c > 0 {
				series[k].Years, series[k].Values = ys[off:off:off+c], vs[off:off:off+c]
			}
			off += c
		}
		for i := range data.Units {
			if !valid[i] {
				continue
			}
			s := &series[rowUnit[i]]
			s.Years = append(s.Years, rowYear[i])
			s.Values = append(s.Values, values[i])
		}
		p.Series[indicators.KeyOf(code, dims.TotalBreakdown)] = series
	}
	for g, labels := range data.Groups {
		col := make([]string, len(units))
		for i, u := range data.Units {
			col[index[u]] = labels[i]
		}
		p.Groups[g] = col
	}
	years := make([]int, 0, len(yearsSeen))
	for y := range yearsSeen {
		years = append(years, y)
	}
	sort.Ints(years)
	return f, p, years, nil
}
