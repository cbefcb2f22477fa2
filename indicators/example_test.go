package indicators_test

import (
	"fmt"
	"slices"

	"github.com/dri-engine/dri/indicators"
)

func ExampleNormaliseMinMax() {
	// Five countries, the fourth without data.
	x := []float64{1, 2, 3, 0, 5}
	valid := []bool{true, true, true, false, true}
	y, err := indicators.NormaliseMinMax(nil, x, valid, 0, 100)
	fmt.Println(y, err)
	// Output: [0 25 50 0 100] <nil>
}

func ExampleNormaliser_Apply() {
	// A price (lower is better) to 0-100: COINr multiplies by the direction
	// first, so the cheapest scores 100.
	n, _ := indicators.ParseNormalisation("minmax:0,100")
	y, _ := n.Apply(nil, []float64{2, 4, 10}, nil, indicators.NormContext{Direction: -1})
	fmt.Println(y)
	// Output: [100 75 0]
}

func ExampleNormaliseGoalposts() {
	// Mobile data price as % of GNI per capita: 2 % (the Broadband
	// Commission's target) scores 100, 20 % scores 0.
	y, _ := indicators.NormaliseGoalposts(nil, []float64{1, 2, 11, 25}, nil, 2, 20, 100, -1)
	fmt.Println(y)
	// Output: [100 100 50 0]
}

func ExampleParseNormalisation() {
	n, err := indicators.ParseNormalisation("zscore")
	fmt.Println(n, err)
	_, err = indicators.ParseNormalisation("minmax:0")
	fmt.Println(err)
	// Output:
	// zscore:0,1 <nil>
	// indicators: normalisation "minmax:0": want two parameters L,U
}

func ExampleAggregateArithmetic() {
	// The second child is missing: weights are renormalised over the others,
	// (1*1 + 2*3) / 3.
	v, ok, err := indicators.AggregateArithmetic([]float64{1, 0, 3}, []bool{true, false, true}, []float64{1, 1, 2}, 0.5)
	fmt.Printf("%.4f %v %v\n", v, ok, err)
	// Output: 2.3333 true <nil>
}

func ExampleAggregation_AggregateColumns() {
	// Two pillars over three countries; the third lacks pillar B and the
	// coverage threshold is 1 (every pillar needed).
	a, _ := indicators.ParseAggregation("gmean")
	pillarA := []float64{4, 9, 16}
	pillarB := []float64{1, 9, 0}
	validB := []bool{true, true, false}
	v, ok, err := a.AggregateColumns(nil, nil, [][]float64{pillarA, pillarB}, [][]bool{nil, validB}, nil, 1)
	fmt.Printf("%.4g %v %v\n", v, ok, err)
	// Output: [2 9 0] [true true false] <nil>
}

func ExampleTreat() {
	// COINr's test: one outlier, winsorised to the next value.
	x := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 100}
	t, _ := indicators.ParseTreatment("jrc")
	y, rep, _ := indicators.Treat(nil, x, nil, t)
	fmt.Println(y[10], rep.Applied, rep.Winsorised.N, rep.Winsorised.High)
	fmt.Printf("skew %.3f -> %.3f\n", rep.Before.Skew, rep.After.Skew)
	// Output:
	// 10 winsorise 1 [10]
	// skew 3.256 -> -0.128
}

func ExampleImputeGroupMean() {
	x := []float64{1, 0, 3, 10, 0}
	valid := []bool{true, false, true, true, false}
	ids, _ := indicators.GroupIndex([]string{"LIC", "LIC", "LIC", "HIC", "HIC"})
	y, imputed, _ := indicators.ImputeGroupMean(nil, nil, x, valid, ids)
	fmt.Println(y, imputed)
	// Output: [1 2 3 10 10] [false true false false true]
}

func ExampleLatestWithin() {
	v, year, ok := indicators.LatestWithin([]int{2019, 2021, 2024}, []float64{30, 35, 41}, 2023, 3)
	fmt.Println(v, year, ok)
	// Output: 35 2021 true
}

func ExampleRank() {
	r, _ := indicators.Rank(nil, []float64{0.5, 0.9, 0.9, 0.1}, nil)
	fmt.Println(r)
	// Output: [3 1 1 4]
}

func ExamplePCAWeights() {
	res, _ := indicators.PCAWeights([][]float64{
		{1, 2, 3, 4, 5, 6, 7},
		{2, 1, 4, 3, 6, 5, 8},
		{8, 6, 7, 5, 3, 4, 1},
	}, nil)
	fmt.Printf("%.4f %.4f %v\n", res.Weights, res.VarianceExplained, res.Negative)
	// Output: [0.5852 0.5698 -0.5769] 0.9292 true
}

func ExampleEGDIRatingClass() {
	g, _ := indicators.EGDIGroups{}.Classify(0.75)
	c, _ := indicators.EGDIRatingClass(0.6314)
	fmt.Println(g.Name, c.Name)
	// Output: High H3
}

func ExampleGenderGap() {
	g := indicators.GenderGap(20.2305, 25.1738, indicators.ParityLo, indicators.ParityHi, 0, 0)
	fmt.Printf("GPS %.3f, gap %.2f points, parity %v\n", g.GPS, g.PointGap, g.Parity)
	// Output: GPS 0.804, gap 4.94 points, parity false
}

func ExampleGroupAggregate() {
	x := []float64{10, 20, 0, 40}
	valid := []bool{true, true, false, true}
	pop := []float64{1, 3, 2, 4}
	g := indicators.GroupAggregate(x, valid, pop, 0.5)
	fmt.Printf("mean %.2f, weighted %.2f, coverage %.2f of members, %.2f of people\n", g.Mean, g.WeightedMean, g.Coverage, g.PopCoverage)
	// Output: mean 23.33, weighted 28.75, coverage 0.75 of members, 0.80 of people
}

// ScoreYears scores one year after the other in the same memory: keep what
// you need of each result (here the index values, printed) before the next.
func ExampleScoreYears() {
	f := &indicators.Framework{ID: "example", Scale: indicators.Range{Lo: 0, Hi: 100},
		Methods: indicators.Methods{Normalise: "minmax:0,100", Aggregate: "amean"},
		Tree: []*indicators.Node{{Code: "Index", Children: []*indicators.Node{
			{Code: "A", Indicator: "a"}, {Code: "B", Indicator: "b"}}}}}
	if err := f.Init(nil); err != nil {
		panic(err)
	}
	years := []int{2022, 2023}
	series := func(v ...float64) []indicators.Series { // one unit per pair of years
		return []indicators.Series{{Years: years, Values: v[0:2]}, {Years: years, Values: v[2:4]}, {Years: years, Values: v[4:6]}}
	}
	p := &indicators.Panel{Units: []string{"X", "Y", "Z"},
		Info: map[string]indicators.IndicatorInfo{"a": {Polarity: 1}, "b": {Polarity: 1}},
		Series: map[indicators.SeriesKey][]indicators.Series{
			{Indicator: "a", Sex: "_T", Area: "_T", Age: "_T"}: series(10, 10, 20, 30, 30, 20),
			{Indicator: "b", Sex: "_T", Area: "_T", Age: "_T"}: series(1, 3, 2, 2, 3, 1),
		}}
	// hand-computed: in 2022 a and b both min-max to 0, 50, 100; in 2023 a
	// to 0, 100, 50 and b to 100, 50, 0, means 50, 75, 25.
	for res, err := range indicators.ScoreYears(f, p, slices.Values(years), indicators.Options{}) {
		if err != nil {
			panic(err)
		}
		fmt.Println(res.Year, res.Root().ValueColumn())
	}
	// Output:
	// 2022 [0 50 100]
	// 2023 [50 75 25]
}
