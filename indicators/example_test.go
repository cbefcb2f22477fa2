package indicators_test

import (
	"fmt"

	"github.com/dri-engine/dri/indicators"
)

func ExampleNormaliseMinMax() {
	x := []float64{1, 2, 3, 0, 5}
	valid := []bool{true, true, true, false, true}
	y, _ := indicators.NormaliseMinMax(nil, x, valid, 0, 100)
	fmt.Println(y)
	// Output: [0 25 50 0 100]
}

func ExampleAggregation_Aggregate() {
	a, _ := indicators.ParseAggregation("amean")
	v, ok, _ := a.Aggregate([]float64{1, 0, 3}, []bool{true, false, true}, []float64{1, 1, 2}, 0.5)
	fmt.Printf("%.4f %v\n", v, ok)
	// Output: 2.3333 true
}

func ExampleRank() {
	fmt.Println(indicators.Rank(nil, []float64{0.5, 0.9, 0.9, 0.1}, nil))
	// Output: [3 1 1 4]
}

func ExampleGenderGap() {
	g := indicators.GenderGap(20.2305, 25.1738, 0.98, 1.02, 0, 0)
	fmt.Printf("GPS %.3f, gap %.2f points, parity %v\n", g.GPS, g.PointGap, g.Parity)
	// Output: GPS 0.804, gap 4.94 points, parity false
}

func ExampleEGDIRatingClass() {
	c, _ := indicators.EGDIRatingClass(0.6314)
	fmt.Println(c.Name)
	// Output: H3
}
