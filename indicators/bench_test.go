package indicators

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// synthetic builds a framework of nInd indicators under a tree of the given
// branching (levels above the indicators) and a panel of nUnits with 5 %
// missing values, one year.
func synthetic(nUnits, nInd int, branching []int) (*Framework, *Panel) {
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
		s := make([]Series, nUnits)
		for u := range s {
			if r.Float64() < 0.05 {
				continue
			}
			s[u] = Series{Years: []int{2023}, Values: []float64{r.ExpFloat64() * 10}}
		}
		p.Series[SeriesKey{id, "_T", "_T", "_T"}] = s
	}
	level := leaves
	for li, b := range branching {
		var next []*Node
		for i := 0; i < len(level); i += b {
			n := &Node{Code: fmt.Sprintf("N%d_%d", li, i), Children: level[i:min(i+b, len(level))]}
			next = append(next, n)
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

// BenchmarkScoreRealistic: 200 units x 50 indicators, 3 levels (target < 5 ms).
func BenchmarkScoreRealistic(b *testing.B) {
	f, p := synthetic(200, 50, []int{5, 2})
	for b.Loop() {
		if _, err := Score(f, p, Options{Year: 2023}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkScoreLarge: 5,000 units x 300 indicators x 4 levels (target < 300 ms).
func BenchmarkScoreLarge(b *testing.B) {
	f, p := synthetic(5000, 300, []int{10, 5, 3})
	for b.Loop() {
		if _, err := Score(f, p, Options{Year: 2023}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNormaliseMinMax(b *testing.B) {
	x := make([]float64, 5000)
	for i := range x {
		x[i] = float64(i % 97)
	}
	dst := make([]float64, len(x))
	for b.Loop() {
		_, _ = NormaliseMinMax(dst, x, nil, 0, 100)
	}
}

func BenchmarkAggregate(b *testing.B) {
	x := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	w := []float64{1, 1, 1, 1, 1, 1, 1, 1, 1, 1}
	a := Aggregation{Method: AggArithmetic}
	for b.Loop() {
		_, _, _ = a.Aggregate(x, nil, w, 0.5)
	}
}
