package indicators

import (
	"math"
	"strings"
	"testing"
)

func TestGroupAggregate(t *testing.T) {
	// Five members: values 10, 20, -, 40, 30; populations 1, 3, 2, -, 4.
	x, valid := vec(10, 20, na, 40, 30)
	pop := []float64{1, 3, 2, math.NaN(), 4}
	g := GroupAggregate(x, valid, pop, 0.5)
	// hand: mean (10 + 20 + 40 + 30) / 4 = 25; median of 10 20 30 40 = 25;
	// weighted over members with data and population: (10 + 60 + 120) / 8 = 23.75,
	// 3 of them, 1 (the 40) excluded for lack of population;
	// coverage 4/5; population coverage (1 + 3 + 4) / (1 + 3 + 2 + 4) = 0.8
	want := GroupValue{Mean: 25, WeightedMean: 23.75, WeightedN: 3, WeightedExcluded: 1, Median: 25,
		Min: 10, Max: 40, N: 4, Members: 5, Coverage: 0.8, PopCoverage: 0.8}
	if !close(g.Mean, want.Mean) || !close(g.WeightedMean, want.WeightedMean) || g.WeightedN != 3 || g.WeightedExcluded != 1 ||
		!close(g.Median, 25) || g.Min != 10 || g.Max != 40 || g.N != 4 || g.Members != 5 || !close(g.Coverage, 0.8) ||
		!close(g.PopCoverage, 0.8) || g.Withheld {
		t.Errorf("GroupAggregate = %+v, want %+v", g, want)
	}
	// Coverage 4/5 = 0.8 < 0.9: withheld, and says why.
	if g := GroupAggregate(x, valid, pop, 0.9); !g.Withheld || !strings.Contains(g.Reason, "only 4 of 5 members") {
		t.Errorf("GroupAggregate below threshold = %+v", g)
	}
	if g := GroupAggregate([]float64{0, 0}, []bool{false, false}, nil, 0); !g.Withheld || g.Reason != "no member has data" || !math.IsNaN(g.Mean) {
		t.Errorf("GroupAggregate with no data = %+v", g)
	}
	if g := GroupAggregate([]float64{1, math.NaN()}, nil, nil, 0); !g.Withheld || !strings.Contains(g.Reason, "NaN") {
		t.Errorf("GroupAggregate with NaN = %+v", g)
	}
	// No population: no weighted mean, every member with data excluded from it.
	if g := GroupAggregate(x, valid, nil, 0); !math.IsNaN(g.WeightedMean) || g.WeightedExcluded != 4 || !math.IsNaN(g.PopCoverage) {
		t.Errorf("GroupAggregate without population = %+v", g)
	}
}

func TestCompare(t *testing.T) {
	x, valid := vec(10, 20, na, 40, 30)
	// Member 1 (20): hand: 2 members above, rank 3 of 4; percentile (4 - 3) / 3;
	// against the mean 25: difference -5, ratio 0.8.
	c := Compare(20, 25, x, valid, 1)
	if c.Rank != 3 || c.Of != 4 || !close(c.Percentile, 1.0/3) || !close(c.Difference, -5) || !close(c.Ratio, 0.8) {
		t.Errorf("Compare(member) = %+v", c)
	}
	// Not a member (e.g. Kenya against the OECD): ranked as one more, 5 in all.
	c = Compare(35, 25, x, valid, -1)
	if c.Rank != 2 || c.Of != 5 || !close(c.Percentile, 0.75) {
		t.Errorf("Compare(non-member) = %+v", c)
	}
	if c := Compare(1, 0, nil, nil, -1); c.Rank != 1 || c.Of != 1 || c.Percentile != 1 || !math.IsNaN(c.Ratio) {
		t.Errorf("Compare(alone) = %+v", c)
	}
}
