package indicators

import (
	"iter"
	"testing"
)

// The core kernels allocate nothing when dst is supplied (STYLE rule 3).
func TestKernelsDoNotAllocate(t *testing.T) {
	x := []float64{1, 5, 2, 8, 3, 13, 4}
	valid := []bool{true, true, false, true, true, true, true}
	w := []float64{1, 2, 1, 1, 3, 1, 2}
	dst := make([]float64, len(x))
	imputed := make([]bool, len(x))
	cols := [][]float64{x, x, x}
	valids := [][]bool{valid, nil, valid}
	aggDst, aggValid := make([]float64, len(x)), make([]bool, len(x))
	gen := Aggregation{Method: AggGeneralised, P: 2}
	ranks := make([]int, len(x))
	for name, f := range map[string]func(){
		"NormaliseMinMax":    func() { _, _ = NormaliseMinMax(dst, x, valid, 0, 100) },
		"NormaliseZScore":    func() { _, _ = NormaliseZScore(dst, x, valid, 0, 1) },
		"NormaliseScaled":    func() { _, _ = NormaliseScaled(dst, x, valid, 0, 10) },
		"NormaliseGoalposts": func() { _, _ = NormaliseGoalposts(dst, x, valid, 0, 10, 1, -1) },
		"NormaliseFracMax":   func() { _, _ = NormaliseFracMax(dst, x, valid) },
		"NormaliseDist2Max":  func() { _, _ = NormaliseDist2Max(dst, x, valid) },
		"NormaliseDist2Ref":  func() { _, _ = NormaliseDist2Ref(dst, x, valid, 3, true) },
		"NormaliseDist2Targ": func() { _, _ = NormaliseDist2Targ(dst, x, valid, 10, 1, true) },
		"Normaliser.Apply": func() {
			_, _ = (Normaliser{Method: NormMinMax, P2: 100}).Apply(dst, x, valid, NormContext{Direction: -1})
		},
		"AggregateArithmetic": func() {
			_, _, _ = AggregateArithmetic(x, valid, w, 0.5)
		},
		"AggregateGeometric":   func() { _, _, _ = AggregateGeometric(x, valid, w, 0.5) },
		"AggregateHarmonic":    func() { _, _, _ = AggregateHarmonic(x, valid, nil, 0.5) },
		"AggregateGeneralised": func() { _, _, _ = AggregateGeneralised(x, nil, w, -1.5, 0.5) },
		"AggregateColumns":     func() { _, _, _ = gen.AggregateColumns(aggDst, aggValid, cols, valids, []float64{1, 2, 3}, 0.5) },
		"Summarise":            func() { _, _ = Summarise(x, valid) },
		"Median":               func() { _, _ = Median(x, valid, dst) },
		"Skewness":             func() { _, _ = Skewness(x, valid) },
		"Kurtosis":             func() { _, _ = Kurtosis(x, valid) },
		"CheckSkewKurt":        func() { _, _ = CheckSkewKurt(x, valid, 2, 3.5) },
		"LogCT":                func() { _, _ = LogCT(dst, x, valid) },
		"ImputeMean":           func() { _, _, _ = ImputeMean(dst, imputed, x, valid) },
		"ImputeMedian":         func() { _, _, _ = ImputeMedian(dst, imputed, x, valid) },
		"RenormaliseWeights":   func() { _, _ = RenormaliseWeights(dst, w, valid) },
		"Rank":                 func() { _, _ = Rank(ranks, x, valid) },
	} {
		if n := testing.AllocsPerRun(100, f); n != 0 {
			t.Errorf("%s: %v allocations per run, want 0", name, n)
		}
	}
}

// Score's allocations do not grow with the framework (issue 19, item 3):
// a fresh build takes a fixed number (the Result and its maps, one block of
// NodeResults, one chunk per slab, the aggregation scratch, ...), a build
// in a ScoreYears loop (in the previous year's memory) fewer still.
// Measured: 20 fresh and 14 reused for 51 x 49 (59 nodes), 23 and 14 for 200 x 300 (337 nodes), a
// few more under the race detector; before issue 19 a build took several
// per node (317 and 1,671 fresh). So: the big framework may take at most 10
// more than the small one, and no build more than 100.
func TestScoreAllocationsFixed(t *testing.T) {
	var fresh, recycled [2]float64
	for i, shape := range []struct {
		units, inds int
		branching   []int
	}{{51, 49, []int{7, 4}}, {200, 300, []int{10, 5, 3}}} {
		f, p := syntheticFramework(shape.units, shape.inds, shape.branching)
		fresh[i] = testing.AllocsPerRun(5, func() {
			if _, err := Score(f, p, Options{Year: 2023}); err != nil {
				t.Fatal(err)
			}
		})
		next, stop := iter.Pull2(ScoreYears(f, p, func(yield func(int) bool) {
			for yield(2023) {
			}
		}, Options{}))
		recycled[i] = testing.AllocsPerRun(5, func() {
			if _, err, _ := next(); err != nil {
				t.Fatal(err)
			}
		})
		stop()
	}
	if fresh[1] > fresh[0]+10 || recycled[1] > recycled[0]+10 || fresh[1] > 100 || recycled[1] > 100 {
		t.Errorf("allocations per build, 51x49 then 200x300: fresh %v, recycled %v; want the second within 10 of the first, at most 100", fresh, recycled)
	}
}
