package indicators

import (
	"fmt"
	"math"
)

// GroupValue is a group aggregate of one variable over its members.
type GroupValue struct {
	// Mean is the simple mean of the members with data.
	Mean float64
	// WeightedMean is the population-weighted mean over the members with
	// data and population (NaN without any); WeightedN counts them.
	WeightedMean float64
	WeightedN    int
	Median       float64
	Min, Max     float64
	// N is the number of members with data, Members the group's size.
	N, Members int
	// Coverage is N / Members; PopCoverage the share of the group's
	// population (of members with a population) living in members with data.
	Coverage, PopCoverage float64
	// Withheld is true (and Reason says why) when coverage is below the
	// threshold: the values are then not to be shown as the group's.
	Withheld bool
	Reason   string
}

// GroupAggregate aggregates x over a group's members. x, valid and pop are
// per member (pop NaN or <= 0 when unknown). The value is withheld when the
// share of members with data is below minCoverage.
//
// Special cases are: no member with data gives N = 0, every value NaN and
// Withheld with reason "no member has data".
func GroupAggregate(x []float64, valid []bool, pop []float64, minCoverage float64) GroupValue {
	checkLen("GroupAggregate", x, valid)
	if pop != nil && len(pop) != len(x) {
		panic(fmt.Sprintf("indicators: GroupAggregate: len(pop) = %d, len(x) = %d", len(pop), len(x)))
	}
	nan := math.NaN()
	g := GroupValue{Members: len(x), Mean: nan, WeightedMean: nan, Median: nan, Min: nan, Max: nan, PopCoverage: nan}
	s, err := Summarise(x, valid)
	if err != nil {
		g.Withheld, g.Reason = true, "no member has data"
		return g
	}
	g.N, g.Mean, g.Min, g.Max = s.N, s.Mean, s.Min, s.Max
	g.Median = Median(x, valid, nil)
	g.Coverage = float64(s.N) / float64(len(x))
	if pop != nil {
		var sw, swx, popAll, popData float64
		for i, v := range x {
			p := pop[i]
			if math.IsNaN(p) || p <= 0 {
				continue
			}
			popAll += p
			if present(valid, i) {
				popData += p
				sw += p
				swx += p * v
				g.WeightedN++
			}
		}
		if sw > 0 {
			g.WeightedMean = swx / sw
		}
		if popAll > 0 {
			g.PopCoverage = popData / popAll
		}
	}
	if g.Coverage < minCoverage {
		g.Withheld = true
		g.Reason = fmt.Sprintf("only %d of %d members (%.0f%%) have data; the threshold is %.0f%%",
			g.N, g.Members, 100*g.Coverage, 100*minCoverage)
	}
	return g
}

// Comparison sets one unit against a group.
type Comparison struct {
	Value, GroupValue float64
	Difference        float64 // value - group value
	Ratio             float64 // value / group value (NaN if the group value is 0)
	// Percentile is the unit's percentile rank among the group's members
	// with data (0 lowest, 1 highest); Rank is 1 = highest among them, and
	// Of their number. When the unit is not a member it is ranked as if it
	// were one more (Of counts it).
	Percentile float64
	Rank, Of   int
}

// Compare sets a unit's value against a group aggregate (groupValue) and the
// members' values x (with validity). member is the unit's index in x, or -1.
func Compare(value, groupValue float64, x []float64, valid []bool, member int) Comparison {
	checkLen("Compare", x, valid)
	c := Comparison{Value: value, GroupValue: groupValue, Difference: value - groupValue, Ratio: math.NaN()}
	if groupValue != 0 {
		c.Ratio = value / groupValue
	}
	higher, n := 0, 0
	for i, xi := range x {
		if !present(valid, i) || i == member {
			continue
		}
		n++
		if xi > value {
			higher++
		}
	}
	c.Rank, c.Of = higher+1, n+1
	all := make([]float64, 0, n+1)
	for i, xi := range x {
		if present(valid, i) && i != member {
			all = append(all, xi)
		}
	}
	all = append(all, value)
	c.Percentile = PercentileRank(value, all, nil)
	return c
}
