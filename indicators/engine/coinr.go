package engine

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"slices"

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
	// Each row's unit position and year, resolved once for all columns
	// (issue 19 item 4: per-cell map look-ups were an eighth of the command).
	rowUnit := make([]int, len(data.Units))
	rowYear := make([]int16, len(data.Units))
	yearsSeen := map[int]bool{}
	for i, u := range data.Units {
		rowUnit[i] = index[u]
		y := year
		if data.Times != nil {
			y = data.Times[i]
		}
		if y < math.MinInt16 || y > math.MaxInt16 {
			return nil, nil, nil, fmt.Errorf("engine: %s line %d: Time %d is not a year DRI can score (%d to %d)",
				data.File, data.Lines[i], y, math.MinInt16, math.MaxInt16)
		}
		rowYear[i] = int16(y)
		yearsSeen[y] = true
	}
	// The rows by unit, then year (ParseIData refuses a second row of a
	// unit and Time): each column is laid out in this order, so each
	// unit's years ascend strictly.
	order := make([]int, len(data.Units))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		return cmp.Or(cmp.Compare(rowUnit[a], rowUnit[b]), cmp.Compare(rowYear[a], rowYear[b]))
	})
	// The years of the file, and each row's among them.
	years := slices.Sorted(maps.Keys(yearsSeen))
	rowYearAt := make([]int, len(data.Units))
	for i, y := range rowYear {
		rowYearAt[i], _ = slices.BinarySearch(years, int(y))
	}
	obs := &idataColumns{years: map[string][]int{}, cols: map[string]*idataColumn{}}
	info := map[string]indicators.IndicatorInfo{}
	var keys []indicators.SeriesKey
	has := make([]bool, len(years))
	for _, code := range meta.Indicators() {
		row, _ := meta.Row(code)
		info[code] = indicators.IndicatorInfo{Polarity: row.Direction}
		keys = append(keys, indicators.KeyOf(code, dims.TotalBreakdown))
		valid := data.Valid[code]
		obs.cols[code] = newIDataColumn(len(units), order, rowUnit, rowYear, valid, data.Values[code])
		// The years in which the indicator has a value.
		clear(has)
		for i, ok := range valid {
			has[rowYearAt[i]] = has[rowYearAt[i]] || ok
		}
		for k, y := range years {
			if has[k] {
				obs.years[code] = append(obs.years[code], y)
			}
		}
	}
	groups := map[string][]string{}
	for g, labels := range data.Groups {
		col := make([]string, len(units))
		for i, u := range data.Units {
			col[index[u]] = labels[i]
		}
		groups[g] = col
	}
	p := indicators.NewPanel(units, info, groups, obs, keys)
	return f, p, years, nil
}

// idataColumns serves iData's indicator columns to NewPanel as the
// engine's store serves its table (indicators.Observations): a COINr
// panel is then scored from year rows, as the engine's are (one layout
// for every panel DRI reads; docs/DECISIONS.md, "Composite scoring at
// users' sizes, eighth round").
type idataColumns struct {
	years map[string][]int // per indicator, the years with a value
	cols  map[string]*idataColumn
}

// idataColumn is one indicator's values: unit u's (year, value) pairs are
// [starts[u], starts[u+1]), years ascending.
type idataColumn struct {
	starts []int32
	years  []int16
	values []float64
}

// newIDataColumn lays out one iData column (valid and values per row;
// rowUnit and rowYear say each row's unit and year) by unit, taking the
// rows in order (by unit, then year).
func newIDataColumn(units int, order, rowUnit []int, rowYear []int16, valid []bool, values []float64) *idataColumn {
	c := &idataColumn{starts: make([]int32, units+1)}
	for i, ok := range valid {
		if ok {
			c.starts[rowUnit[i]+1]++
		}
	}
	for u := range units {
		c.starts[u+1] += c.starts[u]
	}
	n := c.starts[units]
	c.years, c.values = make([]int16, 0, n), make([]float64, 0, n)
	for _, i := range order {
		if valid[i] {
			c.years, c.values = append(c.years, rowYear[i]), append(c.values, values[i])
		}
	}
	return c
}

func (c *idataColumns) Years(indicator string) []int { return c.years[indicator] }

func (c *idataColumns) Each(k indicators.SeriesKey, fn func(u int, years []int16, values []float64)) {
	col, ok := c.cols[k.Indicator]
	if !ok || k != indicators.KeyOf(k.Indicator, dims.TotalBreakdown) {
		return
	}
	for u := range len(col.starts) - 1 {
		if lo, hi := col.starts[u], col.starts[u+1]; hi > lo {
			fn(u, col.years[lo:hi:hi], col.values[lo:hi:hi])
		}
	}
}
