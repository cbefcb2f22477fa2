package indicators

import (
	"fmt"
	"math"
)

// ITU's gender parity band: a gender parity score in [ParityLo, ParityHi]
// is parity (ITU Facts and Figures).
const (
	ParityLo = 0.98
	ParityHi = 1.02
)

// GenderParityScore is ITU's gender parity score of a female rate F and a
// male rate M, with the parity flag for ITU's band [0.98, 1.02]:
//
//	gps = F / M          parity when 0.98 <= gps <= 1.02
//
// Special cases are:
//
//	M == 0, a rate < 0 or NaN     gps NaN, parity false
func GenderParityScore(female, male float64) (gps float64, parity bool) {
	if !(male > 0) || !(female >= 0) || !finite(male) || !finite(female) {
		return math.NaN(), false
	}
	gps = female / male
	return gps, gps >= ParityLo && gps <= ParityHi
}

// PeopleGap is the gap in people between men and women using a service,
// from the rates (percent) and the male and female populations:
//
//	gap = M/100 x men - F/100 x women
//
// ITU notes that the parity score can improve while the number of women
// offline grows; this is the number to watch for that.
//
// Special cases are:
//
//	a population <= 0 or NaN      NaN
func PeopleGap(female, male, women, men float64) float64 {
	if !(women > 0) || !(men > 0) || !finite(women) || !finite(men) {
		return math.NaN()
	}
	return male/100*men - female/100*women
}

// Gap is one indicator's gender gap for one unit (female rate F, male rate
// M, in percent).
type Gap struct {
	Female, Male float64
	// GPS is ITU's gender parity score F / M.
	GPS float64
	// Parity is true when GPS lies in the parity band.
	Parity bool
	// PointGap is the percentage-point gap M - F.
	PointGap float64
	// RelativeGap is GSMA's (M - F) / M = 1 - GPS.
	RelativeGap float64
	// PeopleGap is M/100 x men - F/100 x women (NaN without both
	// populations).
	PeopleGap float64
}

// GenderGap computes every gap measure of a female and a male rate with a
// parity band [bandLo, bandHi] (ParityLo, ParityHi for ITU's) and, when
// known, the female and male populations (NaN or <= 0 when not):
//
//	GPS = F / M, PointGap = M - F, RelativeGap = (M - F) / M, PeopleGap
//
// Special cases are:
//
//	M == 0                        GPS and RelativeGap NaN, Parity false
//	unknown population            PeopleGap NaN
func GenderGap(female, male, bandLo, bandHi, women, men float64) Gap {
	g := Gap{Female: female, Male: male, PointGap: male - female,
		GPS: math.NaN(), RelativeGap: math.NaN(), PeopleGap: PeopleGap(female, male, women, men)}
	if male != 0 {
		g.GPS = female / male
		g.RelativeGap = (male - female) / male
		g.Parity = g.GPS >= bandLo && g.GPS <= bandHi
	}
	return g
}

// TruncatedRatio is the WEF Global Gender Gap Index's ratio min(F/M, 1):
// surpassing parity on one indicator does not compensate a gap on another.
//
// Special cases are:
//
//	M == 0                        1 (no gap against women can be measured)
func TruncatedRatio(female, male float64) float64 {
	if male == 0 {
		return 1
	}
	return math.Min(female/male, 1)
}

// ParityWeights are the WEF Global Gender Gap Index weights of a set of
// indicators from their truncated ratios: cols[i] holds indicator i's
// ratios r = min(F/M, 1) over the units, valids[i] which are present (nil:
// all):
//
//	v_i = 0.01 / sd_i,   w_i = v_i / sum(v)
//
// so that "a 1% change in the standard deviation of each indicator
// translates into the same change in the index" (WEF, Global Gender Gap
// Report, methodology). sd_i is the sample standard deviation (n - 1), as
// R's sd(), as everywhere else in DRI; WEF does not say which. The choice
// cancels in w_i when every indicator covers the same number of units, and
// otherwise moves a weight by at most the factor sqrt(n/(n-1)). dst (nil
// allocates) receives the weights.
//
// Special cases are:
//
//	an indicator with fewer than 2 present ratios, or sd 0
//	                              weight 0 (it cannot be weighted this way)
//	every indicator so            error wrapping ErrZeroSpread
//	NaN or ±Inf marked present    error wrapping ErrNaN
func ParityWeights(dst []float64, cols [][]float64, valids [][]bool) ([]float64, error) {
	const name = "ParityWeights"
	dst = dstFor(name, dst, len(cols))
	if valids != nil && len(valids) != len(cols) {
		panic(fmt.Sprintf("indicators: %s: len(valids) = %d, want %d", name, len(valids), len(cols)))
	}
	var sum neumaier
	for i, c := range cols {
		var v []bool
		if valids != nil {
			v = valids[i]
		}
		checkLen(name, c, v)
		dst[i] = 0
		s, err := summarise(name, c, v)
		if err != nil {
			if isNoData(err) {
				continue
			}
			return dst, err
		}
		if s.N < 2 || s.SD == 0 {
			continue
		}
		dst[i] = 0.01 / s.SD
		sum.add(dst[i])
	}
	total := sum.sum()
	if total == 0 {
		return dst, kernelError(name, ErrZeroSpread, "no indicator has two or more distinct ratios")
	}
	for i := range dst {
		dst[i] /= total
	}
	return dst, nil
}

// ParityComposite is a unit's WEF-style gender parity score: the weighted
// mean of its truncated ratios over the indicators it has data for, with
// ParityWeights' weights renormalised over those (as WEF's index, which
// scores a country on the indicators available for it):
//
//	score = sum(w_i r_i) / sum(w_i)      over the present indicators
//
// 0..1, 1 = parity. ok is false when the unit has data for fewer than
// minShare of the indicators. Special cases are AggregateArithmetic's.
func ParityComposite(ratios []float64, valid []bool, w []float64, minShare float64) (score float64, ok bool, err error) {
	return aggregateOne("ParityComposite", AggArithmetic, 0, ratios, valid, w, minShare)
}
