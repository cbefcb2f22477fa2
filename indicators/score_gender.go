package indicators

import (
	"fmt"
	"math"

	"github.com/dri-engine/dri/pipeline/dims"
)

// scoreGender computes the gap measures per indicator, the WEF-style parity
// composite and the Women's Inclusion Score.
func scoreGender(res *Result, p *Panel) error {
	f := res.Framework
	n := len(p.Units)
	band := *f.ParityBand
	var leaves []*NodeResult
	var cols [][]float64
	var valids [][]bool
	for _, nr := range res.Nodes {
		node := nr.Node
		if !node.IsIndicator() {
			continue
		}
		leaves = append(leaves, nr)
		fk, mk := node.Key(), node.Key()
		fk.Sex, mk.Sex = dims.Female, dims.Male
		fs, ms := p.SeriesOf(fk), p.SeriesOf(mk)
		nr.Gender, nr.GValid = make([]Gap, n), res.mem.bools.take(n)
		nr.Raw, nr.RawValid, nr.years, nr.Imputed = res.mem.f64.take(n), res.mem.bools.take(n), res.mem.ints.take(n), res.mem.bools.take(n)
		nr.Tier = res.mem.tiers.take(n)
		count := 0
		for u := 0; u < n; u++ {
			if fs == nil || ms == nil {
				break
			}
			fv, mv, y, ok := latestPair(fs[u], ms[u], res.Year, f.YearWindow)
			if !ok {
				continue
			}
			g := GenderGap(fv, mv, band.Lo, band.Hi, math.NaN(), math.NaN())
			nr.Gender[u], nr.GValid[u] = g, true
			nr.years[u] = y
			if !math.IsNaN(g.GPS) { // no parity score without a men's rate: missing, not NaN
				nr.Raw[u], nr.RawValid[u] = g.GPS, true
			}
			nr.value[u], nr.Valid[u] = TruncatedRatio(fv, mv), true
			nr.Tier[u], _ = ParityBand(band).Classify(g.GPS)
			count++
		}
		if count == 0 {
			nr.Excluded = "no female and male values for the year (excluded)"
			res.Notes = append(res.Notes, fmt.Sprintf("%s (%s): %s", node.Code, node.Indicator, nr.Excluded))
		}
		cols, valids = append(cols, nr.value), append(valids, nr.Valid)
	}
	w, err := ParityWeights(nil, cols, valids)
	if err != nil {
		res.Notes = append(res.Notes, fmt.Sprintf("parity weights: %v; equal weights used", err))
		w = EqualWeights(len(leaves))
	}
	for k, nr := range leaves {
		nr.Weight = w[k]
	}
	root := res.Nodes[0]
	x, v := make([]float64, len(leaves)), make([]bool, len(leaves))
	// WIS is computed from every gender indicator (leaves), so it is a scored
	// node, not one with no data.
	wis := &NodeResult{Node: &Node{Code: "WIS", Name: "Women's Inclusion Score", Level: root.Node.Level, leaves: root.Node.leaves},
		value: res.mem.f64.take(n), Valid: res.mem.bools.take(n), Weight: 0}
	for u := 0; u < n; u++ {
		var fsum float64
		fn := 0
		for k, nr := range leaves {
			x[k], v[k] = nr.value[u], nr.Valid[u]
			if nr.GValid[u] {
				fsum += nr.Gender[u].Female / 100
				fn++
			}
		}
		val, ok, err := ParityComposite(x, v, w, f.Methods.Coverage)
		if err != nil {
			return fmt.Errorf("indicators: parity composite for %s: %w", res.Units[u], err)
		}
		root.value[u], root.Valid[u] = val, ok
		if ok && fn > 0 {
			wis.value[u], wis.Valid[u] = (fsum/float64(fn)+val)/2, true
		}
	}
	if err := finish(res); err != nil {
		return err
	}
	// WIS has its own rank and the coverage of the composite; no tier.
	if wis.Rank, err = Rank(nil, wis.value, wis.Valid); err != nil {
		return fmt.Errorf("indicators: ranking WIS: %w", err)
	}
	wis.coverage = root.coverage
	res.Nodes = append(res.Nodes, wis)
	return nil
}

// latestPair finds the latest year in the window where both the female and
// the male series have a value.
func latestPair(fs, ms Series, year, window int) (f, m float64, y int, ok bool) {
	best := math.MinInt
	for i, fy := range fs.Years {
		if fy > year || fy < year-window || fy <= best {
			continue
		}
		for j, my := range ms.Years {
			if my == fy {
				best, f, m = fy, fs.Values[i], ms.Values[j]
				break
			}
		}
	}
	if best == math.MinInt {
		return 0, 0, 0, false
	}
	return f, m, best, true
}
