package indicators

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/dri-engine/dri/pipeline/dims"
)

// panelColumns makes a synthetic units x indicators panel, column by
// column, with 5 % missing values and skewed (exponential) values, as
// country data often are.
func panelColumns(units, inds int) ([][]float64, [][]bool) {
	r := rand.New(rand.NewPCG(42, uint64(units)))
	cols, valids := make([][]float64, inds), make([][]bool, inds)
	for k := range cols {
		cols[k], valids[k] = make([]float64, units), make([]bool, units)
		for u := range cols[k] {
			cols[k][u], valids[k][u] = 1+r.ExpFloat64()*10, r.Float64() >= 0.05
		}
	}
	return cols, valids
}

// BenchmarkNormaliseAggregate normalises every indicator (min-max 0-100,
// one in five lower-is-better) and aggregates them: pillars of ten
// indicators, then the index over the pillars, coverage 0.5.
func BenchmarkNormaliseAggregate(b *testing.B) {
	for _, shape := range []struct{ units, inds int }{{200, 50}, {5000, 300}} {
		b.Run(fmt.Sprintf("%dx%d", shape.units, shape.inds), func(b *testing.B) {
			cols, valids := panelColumns(shape.units, shape.inds)
			norm := Normaliser{Method: NormMinMax, P1: 0, P2: 100}
			agg := Aggregation{Method: AggArithmetic}
			normed := make([][]float64, shape.inds)
			for k := range normed {
				normed[k] = make([]float64, shape.units)
			}
			pillars := (shape.inds + 9) / 10
			pv, pValid := make([][]float64, pillars), make([][]bool, pillars)
			for p := range pv {
				pv[p], pValid[p] = make([]float64, shape.units), make([]bool, shape.units)
			}
			index, indexValid := make([]float64, shape.units), make([]bool, shape.units)
			b.ReportAllocs()
			for b.Loop() {
				for k := range cols {
					ctx := NormContext{Direction: 1 - 2*(k%5/4)}
					if _, err := norm.Apply(normed[k], cols[k], valids[k], ctx); err != nil {
						b.Fatal(err)
					}
				}
				for p := range pv {
					lo, hi := p*10, min(p*10+10, shape.inds)
					if _, _, err := agg.AggregateColumns(pv[p], pValid[p], normed[lo:hi], valids[lo:hi], nil, 0.5); err != nil {
						b.Fatal(err)
					}
				}
				if _, _, err := agg.AggregateColumns(index, indexValid, pv, pValid, nil, 0.5); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkTreatJRC runs the JRC rule on every indicator of a 200 x 50
// panel (skewed data: most indicators are winsorised, some logged).
func BenchmarkTreatJRC(b *testing.B) {
	cols, valids := panelColumns(200, 50)
	dst := make([]float64, 200)
	t := Treatment{Method: TreatJRC, Winmax: DefaultWinmax}
	for b.Loop() {
		for k := range cols {
			if _, _, err := Treat(dst, cols[k], valids[k], t); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkRank ranks 200 units (a framework's aggregates: sorted in
// stack buffers) and 5,000 (by radix), on skewed data.
func BenchmarkRank(b *testing.B) {
	for _, n := range []int{200, 5000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			cols, valids := panelColumns(n, 1)
			dst := make([]int, n)
			for b.Loop() {
				if _, err := Rank(dst, cols[0], valids[0]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// syntheticFramework builds a framework of nInd indicators under a tree of
// the given branching (levels above the indicators) and a one-year panel.
func syntheticFramework(nUnits, nInd int, branching []int) (*Framework, *Panel) {
	r := rand.New(rand.NewPCG(42, 7))
	p := &Panel{Info: map[string]IndicatorInfo{}, Series: map[SeriesKey][]Series{}}
	for u := 0; u < nUnits; u++ {
		p.Units = append(p.Units, fmt.Sprintf("U%05d", u))
	}
	leaves := make([]*Node, nInd)
	for i := range leaves {
		id := fmt.Sprintf("i%03d", i)
		leaves[i] = &Node{Code: "L" + id, Indicator: id}
		p.Info[id] = IndicatorInfo{Polarity: 1 - 2*(i%5/4)}
		// Each unit's series carved from one block per indicator: two
		// allocations per indicator, not two per unit.
		s := make([]Series, nUnits)
		years, values := make([]int, nUnits), make([]float64, nUnits)
		for u := range s {
			if r.Float64() < 0.05 {
				continue
			}
			years[u], values[u] = 2023, r.ExpFloat64()*10
			s[u] = Series{Years: years[u : u+1 : u+1], Values: values[u : u+1 : u+1]}
		}
		p.Series[KeyOf(id, dims.TotalBreakdown)] = s
	}
	level := leaves
	for li, b := range branching {
		var next []*Node
		for i := 0; i < len(level); i += b {
			next = append(next, &Node{Code: fmt.Sprintf("N%d_%d", li, i), Children: level[i:min(i+b, len(level))]})
		}
		level = next
	}
	f := &Framework{ID: "bench", Scale: Range{0, 100}, Methods: Methods{Normalise: "minmax:0,100", Aggregate: "amean", Coverage: 0.5},
		Tree: []*Node{{Code: "Index", Children: level}}}
	if err := f.Init(nil); err != nil {
		panic(err)
	}
	return f, p
}

// columnStore holds a hand-built panel's observations as a column store
// does (flat, pointer-free columns per key, years ascending per unit) and
// serves them to NewPanel, as the engine's store does.
type columnStore struct {
	years map[string][]int
	keys  map[SeriesKey]*storeColumn
}

type storeColumn struct {
	starts []int32 // unit u's observations are [starts[u], starts[u+1])
	years  []int16
	values []float64
}

func newColumnStore(p *Panel) *columnStore {
	c := &columnStore{years: map[string][]int{}, keys: map[SeriesKey]*storeColumn{}}
	for k, series := range p.Series {
		col := &storeColumn{starts: make([]int32, 0, len(series)+1)}
		seen := map[int]bool{}
		for _, y := range c.years[k.Indicator] {
			seen[y] = true
		}
		for _, s := range series {
			col.starts = append(col.starts, int32(len(col.years)))
			idx := make([]int, len(s.Years))
			for i := range idx {
				idx[i] = i
			}
			slices.SortStableFunc(idx, func(a, b int) int { return s.Years[a] - s.Years[b] })
			for _, j := range idx {
				col.years, col.values = append(col.years, int16(s.Years[j])), append(col.values, s.Values[j])
				seen[s.Years[j]] = true
			}
		}
		col.starts = append(col.starts, int32(len(col.years)))
		c.keys[k] = col
		c.years[k.Indicator] = slices.Sorted(maps.Keys(seen))
	}
	return c
}

func (c *columnStore) Years(indicator string) []int { return c.years[indicator] }

func (c *columnStore) Each(k SeriesKey, fn func(u int, years []int16, values []float64)) {
	col, ok := c.keys[k]
	if !ok {
		return
	}
	for u := range len(col.starts) - 1 {
		if lo, hi := col.starts[u], col.starts[u+1]; hi > lo {
			fn(u, col.years[lo:hi:hi], col.values[lo:hi:hi])
		}
	}
}

// storePanel is p read through NewPanel from a column store, as the engine
// reads its store: the framework's series laid out year by year.
func storePanel(p *Panel) *Panel {
	return NewPanel(p.Units, p.Info, p.Groups, newColumnStore(p), slices.Collect(maps.Keys(p.Series)))
}

// BenchmarkScore scores a whole framework: year selection, treatment check,
// normalisation, aggregation up the tree, ranks and coverage. The shapes
// are those users run (issue 19): COINr's ASEM example (51 units, 49
// indicators, 4 levels: 7 pillars of 7 and 2 sub-indices here, ASEM has 8
// pillars of 3-9), a Compass-like 193 x 20 (5 pillars of 4; the Compass has
// 6 of 2-5), 200 x 50, 200 x 300 and 5,000 x 300 (levels 10, 5, 3). The
// panel is either per-unit series (a Panel built by hand, as a library
// caller may) or, for the "-store" cases, read through NewPanel as DRI
// reads every panel it scores (dri serve, the dashboard, what-if, and dri
// score --imeta --idata since issue 19's eighth round): year rows. The
// "-recycle" cases score in a ScoreYears loop, each build in the memory of
// the one before, as dri score --year all and the uncertainty runs do.
func BenchmarkScore(b *testing.B) {
	for _, shape := range []struct {
		units, inds    int
		branching      []int
		store, recycle bool
	}{
		{51, 49, []int{7, 4}, false, false},
		{51, 49, []int{7, 4}, true, false},
		{193, 20, []int{4}, false, false},
		{200, 50, []int{5, 2}, false, false},
		{200, 300, []int{10, 5, 3}, false, false},
		{200, 300, []int{10, 5, 3}, false, true},
		{200, 300, []int{10, 5, 3}, true, false},
		{200, 300, []int{10, 5, 3}, true, true},
		{5000, 300, []int{10, 5, 3}, false, false},
	} {
		name := fmt.Sprintf("%dx%d", shape.units, shape.inds)
		if shape.store {
			name += "-store"
		}
		if shape.recycle {
			name += "-recycle"
		}
		b.Run(name, func(b *testing.B) {
			f, p := syntheticFramework(shape.units, shape.inds, shape.branching)
			if shape.store {
				p = storePanel(p)
			}
			b.ReportAllocs()
			if shape.recycle {
				years := func(yield func(int) bool) {
					for b.Loop() && yield(2023) {
					}
				}
				for _, err := range ScoreYears(f, p, years, Options{}) {
					if err != nil {
						b.Fatal(err)
					}
				}
				return
			}
			for b.Loop() {
				if _, err := Score(f, p, Options{Year: 2023}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
