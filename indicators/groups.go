package indicators

import (
	"errors"
	"fmt"
	"math"
)

// GroupValue is a group aggregate of one variable (an indicator or a score)
// over the group's members.
type GroupValue struct {
	// Mean is the simple mean of the members with data.
	Mean float64
	// WeightedMean is the population-weighted mean over the members with
	// both data and a population (NaN without any): sum(p x) / sum(p).
	// WeightedN counts those members; WeightedExcluded counts members with
	// data but no population, left out of the weighted mean.
	WeightedMean                float64
	WeightedN, WeightedExcluded int
	// Median (R's median), Min and Max of the members with data.
	Median   float64
	Min, Max float64
	// N is the number of members with data, Members the group's size.
	N, Members int
	// Coverage is N / Members. PopCoverage is the share of the group's
	// known population (members with a population) living in members with
	// data; NaN when no member's population is known.
	Coverage, PopCoverage float64
	// Withheld is true, and Reason says why, when the values are not to be
	// shown as the group's: coverage below the threshold, no data, or an
	// invalid value.
	Withheld bool
	Reason   string
}

// GroupAggregate aggregates x over a group's members: x, valid and pop are
// per member (pop nil when no population is known, a member's pop NaN or
// <= 0 when its population is unknown). The values are withheld (with a
// reason) when the share of members with data is below minCoverage.
//
// Special cases are:
//
//	no member with data           N = 0, statistics NaN, Withheld "no member has data"
//	NaN or ±Inf marked present    statistics NaN, Withheld with the reason
//	len(pop) != len(x)            panics
func GroupAggregate(x []float64, valid []bool, pop []float64, minCoverage float64) GroupValue {
	const name = "GroupAggregate"
	checkLen(name, x, valid)
	if pop != nil && len(pop) != len(x) {
		panic(fmt.Sprintf("indicators: %s: len(pop) = %d, len(x) = %d", name, len(pop), len(x)))
	}
	nan := math.NaN()
	g := GroupValue{Members: len(x), Mean: nan, WeightedMean: nan, Median: nan, Min: nan, Max: nan, PopCoverage: nan}
	s, err := summarise(name, x, valid)
	switch {
	case errors.Is(err, ErrNoData):
		g.Withheld, g.Reason = true, "no member has data"
		return g
	case err != nil:
		g.Withheld, g.Reason = true, err.Error()
		return g
	}
	g.N, g.Mean, g.Min, g.Max = s.N, s.Mean, s.Min, s.Max
	g.Median, _ = median(name, x, valid, nil)
	g.Coverage = float64(s.N) / float64(len(x))
	if pop != nil {
		var sw, swx, popAll, popData neumaier
		for i, v := range x {
			p := pop[i]
			known := finite(p) && p > 0
			if known {
				popAll.add(p)
			}
			if !present(valid, i) {
				continue
			}
			if !known {
				g.WeightedExcluded++
				continue
			}
			popData.add(p)
			sw.add(p)
			swx.add(p * v)
			g.WeightedN++
		}
		if sw.sum() > 0 {
			g.WeightedMean = swx.sum() / sw.sum()
		}
		if popAll.sum() > 0 {
			g.PopCoverage = popData.sum() / popAll.sum()
		}
	} else {
		g.WeightedExcluded = s.N
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
	// Difference is value - group value; Ratio value / group value (NaN
	// when the group value is 0).
	Difference, Ratio float64
	// Rank is the unit's rank among the group's members with data (1 =
	// highest, ties "min", as Rank) and Of their number; Percentile is
	// (Of - Rank) / (Of - 1), as Percentiles (1 when Of is 1). A unit that
	// is not a member is ranked as if it were one more (Of counts it).
	Rank, Of   int
	Percentile float64
}

// Compare sets a unit's value against a group's value (groupValue, e.g.
// GroupAggregate's Mean) and the members' values x (with validity).
// member is the unit's index in x, or -1 when the unit is not a member.
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
	c.Percentile = 1
	if c.Of > 1 {
		c.Percentile = float64(c.Of-c.Rank) / float64(c.Of-1)
	}
	return c
}
