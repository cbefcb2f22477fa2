package indicators

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/dri-engine/dri/pipeline/dims"
)

// uaFramework: Index <- {P1 <- {a, b}, P2 <- {c}}, minmax 0-100, amean.
func uaFramework(t testing.TB) (*Framework, *Panel) {
	t.Helper()
	one := 1.0
	f := &Framework{ID: "ua", Scale: Range{0, 100}, Methods: Methods{Normalise: "minmax:0,100", Aggregate: "amean", Coverage: 0},
		Tree: []*Node{{Code: "Index", Children: []*Node{
			{Code: "P1", Weight: &one, Children: []*Node{{Code: "A", Indicator: "a", Weight: &one}, {Code: "B", Indicator: "b", Weight: &one}}},
			{Code: "P2", Weight: &one, Children: []*Node{{Code: "C", Indicator: "c", Weight: &one}}},
		}}}}
	if err := f.Init(nil); err != nil {
		t.Fatal(err)
	}
	p := &Panel{Units: []string{"U1", "U2", "U3", "U4"}, Info: map[string]IndicatorInfo{"a": {Polarity: 1}, "b": {Polarity: 1}, "c": {Polarity: 1}},
		Series: map[SeriesKey][]Series{}}
	vals := map[string][]float64{"a": {10, 20, 30, 40}, "b": {40, 30, 20, 10}, "c": {5, 5, 10, 0}}
	for id, v := range vals {
		s := make([]Series, len(v))
		for i := range v {
			s[i] = Series{Years: []int{2020}, Values: []float64{v[i]}}
		}
		p.Series[KeyOf(id, dims.TotalBreakdown)] = s
	}
	return f, p
}

// Replaying the nominal weights reproduces the nominal ranks, and replaying
// weights by hand gives the hand-computed ranks.
func TestUncertaintyReplay(t *testing.T) {
	f, p := uaFramework(t)
	nominal, err := Score(f, p, Options{Year: 2020})
	if err != nil {
		t.Fatal(err)
	}
	sets := []map[string]float64{
		{},                        // nominal
		{"B": 0, "P2": 0},         // the index is a alone: ranks by a: U4 1, U3 2, U2 3, U1 4
		{"A": 0, "B": 0, "P1": 0}, // c alone: U3 1, U1 and U2 share 2, U4 4
	}
	res, err := Uncertainty(f, p, UncertaintyOptions{Year: 2020, WeightSets: sets})
	if err != nil {
		t.Fatal(err)
	}
	// Weight sets replay as given when weights are also to vary (dri
	// sensitivity --weight-sets with its default --vary weights; this
	// panicked): nothing is drawn.
	varied, err := Uncertainty(f, p, UncertaintyOptions{Year: 2020, WeightSets: sets, VaryWeights: true})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.EqualFunc(varied.RunRanks, res.RunRanks, slices.Equal) {
		t.Errorf("with VaryWeights, replayed ranks %v, want %v", varied.RunRanks, res.RunRanks)
	}
	if got := res.RunRanks[0]; !slices.Equal(got, nominal.Root().Rank) {
		t.Errorf("nominal replay ranks %v, want Score's %v", got, nominal.Root().Rank)
	}
	// Hand-computed: see the comments above.
	if got, want := res.RunRanks[1], []int{4, 3, 2, 1}; !slices.Equal(got, want) {
		t.Errorf("a-only ranks %v, want %v", got, want)
	}
	if got, want := res.RunRanks[2], []int{2, 2, 1, 4}; !slices.Equal(got, want) {
		t.Errorf("c-only ranks %v, want %v", got, want)
	}
	// U1: ranks over the three runs are nominal, 4, 2.
	u1 := res.Units[0]
	if u1.Runs != 3 || u1.Nominal != nominal.Root().Rank[0] {
		t.Errorf("U1 = %+v", u1)
	}
	wantMean := float64(nominal.Root().Rank[0]+4+2) / 3
	if math.Abs(u1.Mean-wantMean) > 1e-12 {
		t.Errorf("U1 mean rank %v, want %v", u1.Mean, wantMean)
	}
	if _, err := Uncertainty(f, p, UncertaintyOptions{Year: 2020, WeightSets: []map[string]float64{{"Nope": 1}}}); err == nil {
		t.Error("unknown node in a weight set: no error")
	}
}

// The same seed gives the same results whatever the number of goroutines.
func TestUncertaintyReproducible(t *testing.T) {
	f, p := uaFramework(t)
	run := func(workers int) *UncertaintyResult {
		res, err := Uncertainty(f, p, UncertaintyOptions{Year: 2020, Runs: 300, Seed: 42, VaryWeights: true,
			Aggregations:   []Aggregation{{Method: AggArithmetic}, {Method: AggGeometric}},
			Normalisations: []Normaliser{{Method: NormMinMax, P1: 1, P2: 100}, {Method: NormRank}}, Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	a, b := run(1), run(4)
	if fmt.Sprint(a.Units) != fmt.Sprint(b.Units) || fmt.Sprint(a.RunRanks) != fmt.Sprint(b.RunRanks) {
		t.Error("results differ between 1 and 4 workers")
	}
	c := run(4)
	if fmt.Sprint(a.Units) != fmt.Sprint(c.Units) {
		t.Error("results differ between two runs with the same seed")
	}
	for _, u := range a.Units {
		if u.P5 > u.Median || u.Median > u.P95 || u.P5 < 1 || u.P95 > 4 || u.Runs != 300 {
			t.Errorf("%s: %+v", u.Unit, u)
		}
	}
}

// Saltelli indices: when only the weight of P2 (c, which reorders the
// units) varies strongly and the others not at all, P2's weight carries the
// variance.
func TestUncertaintySensitivity(t *testing.T) {
	f, p := uaFramework(t)
	res, err := Uncertainty(f, p, UncertaintyOptions{Year: 2020, Runs: 256, Seed: 7, VaryWeights: true, WeightFactor: 0.9,
		LevelFactors: map[int]float64{1: 0}, Sensitivity: true})
	if err != nil {
		t.Fatal(err)
	}
	// Inputs: the weights of A and B (level 1, not varying), P1 and P2.
	if res.Runs != 256*(len(res.Inputs)+2) {
		t.Errorf("runs = %d, want N(d+2) = %d", res.Runs, 256*(len(res.Inputs)+2))
	}
	byName := map[string]SensitivityIndex{}
	for _, s := range res.Sensitivity {
		byName[s.Input] = s
	}
	if a := byName["weight A"]; a.Total != 0 || a.First != 0 {
		t.Errorf("a fixed weight has indices %+v, want 0", a)
	}
	p1, p2 := byName["weight P1"], byName["weight P2"]
	if p1.Total <= 0 || p2.Total <= 0 || p1.Total > 1.5 || p2.Total > 1.5 {
		t.Errorf("total indices P1 %v, P2 %v: want in (0, 1.5]", p1.Total, p2.Total)
	}
}

// Issue 12 item 7: an analysis whose context ends stops within a run per
// worker and returns the context's error (an HTTP client that went away no
// longer keeps the cores busy until the last run).
func TestUncertaintyContextStops(t *testing.T) {
	f, p := uaFramework(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	const runs, workers, stopAt = 100000, 2, 50
	var completed atomic.Int64
	_, err := UncertaintyContext(ctx, f, p, UncertaintyOptions{Year: 2020, Runs: runs, Seed: 1, VaryWeights: true,
		Workers: workers, Progress: func(done, total int) {
			if completed.Add(1) == stopAt {
				cancel()
			}
		}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("UncertaintyContext after cancel: error %v, want context.Canceled", err)
	}
	// Each worker may finish the run it had started when cancel came.
	if n := completed.Load(); n > stopAt+workers {
		t.Errorf("%d runs completed after cancelling at %d with %d workers, want at most %d", n, stopAt, workers, stopAt+workers)
	}
	done, cancelDone := context.WithCancel(context.Background())
	cancelDone()
	if _, err := UncertaintyContext(done, f, p, UncertaintyOptions{Year: 2020, Runs: 10, VaryWeights: true}); !errors.Is(err, context.Canceled) {
		t.Errorf("UncertaintyContext with a done context: error %v, want context.Canceled", err)
	}
}
