package indicators

import (
	"fmt"
	"math"
)

// Gap is one indicator's gender gap for one unit (female rate F, male rate
// M, in percent).
type Gap struct {
	Female, Male float64
	// GPS is ITU's gender parity score F / M.
	GPS float64
	// Parity is true when GPS lies in the parity band (ITU: 0.98-1.02).
	Parity bool
	// PointGap is the percentage-point gap M - F.
	PointGap float64
	// RelativeGap is GSMA's (M - F) / M = 1 - GPS.
	RelativeGap float64
	// PeopleGap is the gap in people, M/100 x men - F/100 x women, when both
	// populations are known (NaN otherwise). ITU notes the GPS can improve
	// while the number of women offline grows.
	PeopleGap float64
}

// GenderGap computes the gap measures from the female and male rates.
//
// Special cases are: M == 0 gives GPS and RelativeGap NaN (no parity
// measure); populations <= 0 or NaN give PeopleGap NaN.
func GenderGap(female, male, band0, band1, womenPop, menPop float64) Gap {
	g := Gap{Female: female, Male: male, PointGap: male - female, PeopleGap: math.NaN()}
	if male == 0 {
		g.GPS, g.RelativeGap = math.NaN(), math.NaN()
	} else {
		g.GPS = female / male
		g.RelativeGap = (male - female) / male
		g.Parity = g.GPS >= band0 && g.GPS <= band1
	}
	if womenPop > 0 && menPop > 0 {
		g.PeopleGap = male/100*menPop - female/100*womenPop
	}
	return g
}

// ParityWeights are the WEF Global Gender Gap Index weights of a set of
// indicators: with r_i = min(F/M, 1) per country, v_i = 0.01 / sd_i (sd of
// r_i across the countries with data) and w_i = v_i / sum(v). "A 1 % change
// in the standard deviation of each indicator translates into the same
// change in the index" (WEF, Global Gender Gap Report, methodology). DRI uses
// the sample standard deviation (n - 1), as R's sd().
//
// ratios[i] holds indicator i's truncated ratios over the units with data.
//
// Special cases are: an indicator with fewer than two values or zero
// spread has no weight (0), and the others are renormalised.
func ParityWeights(ratios [][]float64) []float64 {
	w := make([]float64, len(ratios))
	var sum float64
	for i, r := range ratios {
		s, err := Summarise(r, nil)
		if err != nil || s.N < 2 || s.SD == 0 || math.IsNaN(s.SD) {
			continue
		}
		w[i] = 0.01 / s.SD
		sum += w[i]
	}
	for i := range w {
		if sum > 0 {
			w[i] /= sum
		}
	}
	return w
}

// ParityComposite is a unit's WEF-style score: the weighted mean of its
// truncated ratios min(F/M, 1) over the indicators it has, weights
// renormalised over those (0-1, 1 = parity). ok is false when the unit has
// data for fewer than minShare of the indicators.
func ParityComposite(ratios []float64, valid []bool, w []float64, minShare float64) (float64, bool) {
	if len(w) != len(ratios) {
		panic(fmt.Sprintf("indicators: ParityComposite: %d ratios, %d weights", len(ratios), len(w)))
	}
	v, ok, err := Aggregation{Method: AggArithmetic}.Aggregate(ratios, valid, w, minShare)
	if err != nil {
		return 0, false
	}
	return v, ok
}

// TruncatedRatio is min(F/M, 1): WEF's parity ratio, where surpassing parity
// does not compensate a gap elsewhere.
func TruncatedRatio(female, male float64) float64 {
	if male == 0 {
		return 1 // F/M is +Inf or undefined: no gap against women
	}
	return math.Min(female/male, 1)
}
