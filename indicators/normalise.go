package indicators

import (
	"fmt"
	"math"
	"slices"
	"sort"
)

// The normalisation kernels are COINr 1.1.14's n_* functions (R/normalise.R)
// on the present values of x. Each validates its input before it writes, so
// on error dst is returned unmodified. dst may be x (in-place).

// minMax returns the minimum, maximum and count of the present values.
func minMax(kernel string, x []float64, valid []bool) (lo, hi float64, n int, err error) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for i, v := range x {
		if !present(valid, i) {
			continue
		}
		if v-v != 0 { // NaN or ±Inf (finite without two calls)
			return 0, 0, 0, kernelError(kernel, ErrNaN, "x[%d] = %v", i, v)
		}
		n++
		// math.Min and math.Max for finite values, zeros included
		// (min(-0, +0) = -0, max(-0, +0) = +0), without their calls.
		if v < lo || v == 0 && lo == 0 && math.Signbit(v) {
			lo = v
		}
		if v > hi || v == 0 && hi == 0 && !math.Signbit(v) {
			hi = v
		}
	}
	if n == 0 {
		return 0, 0, 0, kernelError(kernel, ErrNoData, "no present value among %d", len(x))
	}
	return lo, hi, n, nil
}

// NormaliseMinMax scales the present values of x onto [lo, hi]:
//
//	dst = (x - min) / (max - min) * (hi - lo) + lo        COINr n_minmax
//
// Special cases are:
//
//	empty x or no present value   error wrapping ErrNoData
//	max == min                    error wrapping ErrZeroSpread (COINr: NaN with a warning)
//	NaN or ±Inf marked present    error wrapping ErrNaN
func NormaliseMinMax(dst, x []float64, valid []bool, lo, hi float64) ([]float64, error) {
	const name = "NormaliseMinMax"
	checkLen(name, x, valid)
	dst = dstFor(name, dst, len(x))
	min, max, _, err := minMax(name, x, valid)
	if err != nil {
		return dst, err
	}
	if max == min {
		return dst, kernelError(name, ErrZeroSpread, "max = min = %v", min)
	}
	r := max - min
	for i, v := range x {
		if present(valid, i) {
			dst[i] = (v-min)/r*(hi-lo) + lo
		} else {
			dst[i] = 0
		}
	}
	return dst, nil
}

// NormaliseZScore standardises the present values of x to mean m and
// standard deviation s, with the sample standard deviation (divisor n - 1)
// as R's sd():
//
//	dst = (x - mean(x)) / sd(x) * s + m                   COINr n_zscore
//
// Special cases are:
//
//	empty x or no present value   error wrapping ErrNoData
//	one present value, or sd = 0  error wrapping ErrZeroSpread (COINr: NA or NaN)
//	s <= 0                        error wrapping ErrDomain (COINr: stopifnot(m_sd[2] > 0))
//	NaN or ±Inf marked present    error wrapping ErrNaN
func NormaliseZScore(dst, x []float64, valid []bool, m, s float64) ([]float64, error) {
	const name = "NormaliseZScore"
	checkLen(name, x, valid)
	dst = dstFor(name, dst, len(x))
	if !(s > 0) || !finite(s) || !finite(m) {
		return dst, kernelError(name, ErrDomain, "mean %v, sd %v: want a finite mean and sd > 0", m, s)
	}
	sum, err := summarise(name, x, valid)
	if err != nil {
		return dst, err
	}
	if sum.N < 2 {
		return dst, kernelError(name, ErrZeroSpread, "one present value: the sample sd is undefined")
	}
	if sum.SD == 0 {
		return dst, kernelError(name, ErrZeroSpread, "sd = 0: all %d present values equal %v", sum.N, sum.Min)
	}
	for i, v := range x {
		if present(valid, i) {
			dst[i] = (v-sum.Mean)/sum.SD*s + m
		} else {
			dst[i] = 0
		}
	}
	return dst, nil
}

// NormaliseScaled is the linear scaling of the Global Innovation Index 2020
// (not min-max: a and b are fixed, not the data's range):
//
//	dst = (x - a) / (b - a) * 100                         COINr n_scaled
//
// Special cases are:
//
//	a == b                        error wrapping ErrZeroSpread
//	empty x or no present value   error wrapping ErrNoData
//	NaN or ±Inf marked present    error wrapping ErrNaN
func NormaliseScaled(dst, x []float64, valid []bool, a, b float64) ([]float64, error) {
	const name = "NormaliseScaled"
	checkLen(name, x, valid)
	dst = dstFor(name, dst, len(x))
	if a == b {
		return dst, kernelError(name, ErrZeroSpread, "a = b = %v", a)
	}
	if _, _, _, err := minMax(name, x, valid); err != nil {
		return dst, err
	}
	for i, v := range x {
		if present(valid, i) {
			dst[i] = (v - a) / (b - a) * 100
		} else {
			dst[i] = 0
		}
	}
	return dst, nil
}

// NormaliseGoalposts scores the present values of x between a lower and an
// upper goalpost (lo < hi, in x's units), truncated, as COINr's n_goalposts
// with trunc2posts = TRUE:
//
//	direction  1:  dst = clamp((x - lo) / (hi - lo), 0, 1) * scale
//	direction -1:  dst = clamp((x - hi) / (lo - hi), 0, 1) * scale
//
// With direction -1 the upper goalpost scores 0 and the lower one scores
// scale. x is the raw indicator: this kernel applies the direction itself.
// (COINr 1.1.14's Normalise.coin gets the same numbers another way: it
// multiplies x by -1 and passes gposts = c(-hi, -lo, scale) with direction 1,
// get_iMeta_norm_paras in R/normalise.R; (-x + hi) / (-lo + hi) is the
// formula above. Its test "iMeta_norm_paras" checks this equivalence.)
//
// Special cases are:
//
//	lo == hi                      error wrapping ErrZeroSpread
//	direction not 1 or -1         error wrapping ErrDomain
//	empty x or no present value   error wrapping ErrNoData
//	NaN or ±Inf marked present    error wrapping ErrNaN
func NormaliseGoalposts(dst, x []float64, valid []bool, lo, hi, scale float64, direction int) ([]float64, error) {
	const name = "NormaliseGoalposts"
	checkLen(name, x, valid)
	dst = dstFor(name, dst, len(x))
	if direction != 1 && direction != -1 {
		return dst, kernelError(name, ErrDomain, "direction %d: want 1 or -1", direction)
	}
	if lo == hi {
		return dst, kernelError(name, ErrZeroSpread, "goalposts lo = hi = %v", lo)
	}
	if _, _, _, err := minMax(name, x, valid); err != nil {
		return dst, err
	}
	from, to := lo, hi
	if direction == -1 {
		from, to = hi, lo
	}
	for i, v := range x {
		if !present(valid, i) {
			dst[i] = 0
			continue
		}
		y := (v - from) / (to - from)
		dst[i] = math.Max(0, math.Min(1, y)) * scale
	}
	return dst, nil
}

// sortedPresent returns a sorted copy of the present values of x, checking
// them.
func sortedPresent(kernel string, x []float64, valid []bool) ([]float64, error) {
	n := 0
	for i, v := range x {
		if present(valid, i) {
			if !finite(v) {
				return nil, kernelError(kernel, ErrNaN, "x[%d] = %v", i, v)
			}
			n++
		}
	}
	if n == 0 {
		return nil, kernelError(kernel, ErrNoData, "no present value among %d", len(x))
	}
	s := make([]float64, 0, n)
	for i, v := range x {
		if present(valid, i) {
			s = append(s, v)
		}
	}
	slices.Sort(s)
	return s, nil
}

// NormaliseRank gives each present value its rank in ascending order, ties
// sharing the lowest rank (R's rank(x, ties.method = "min", na.last =
// "keep"), COINr n_rank): the smallest value scores 1. It sorts a copy of the
// present values (one allocation, O(n log n)).
//
// Special cases are:
//
//	empty x or no present value   error wrapping ErrNoData
//	all present values equal      every one ranks 1
//	NaN or ±Inf marked present    error wrapping ErrNaN
func NormaliseRank(dst, x []float64, valid []bool) ([]float64, error) {
	const name = "NormaliseRank"
	checkLen(name, x, valid)
	dst = dstFor(name, dst, len(x))
	s, err := sortedPresent(name, x, valid)
	if err != nil {
		return dst, err
	}
	for i, v := range x {
		if present(valid, i) {
			// 1 + the number of present values below v.
			dst[i] = float64(1 + sort.SearchFloat64s(s, v))
		} else {
			dst[i] = 0
		}
	}
	return dst, nil
}

// NormaliseBorda is the Borda score rank - 1, with NormaliseRank's ranks
// (COINr n_borda). Special cases are NormaliseRank's.
func NormaliseBorda(dst, x []float64, valid []bool) ([]float64, error) {
	const name = "NormaliseBorda"
	checkLen(name, x, valid)
	dst = dstFor(name, dst, len(x))
	s, err := sortedPresent(name, x, valid)
	if err != nil {
		return dst, err
	}
	for i, v := range x {
		if present(valid, i) {
			dst[i] = float64(sort.SearchFloat64s(s, v))
		} else {
			dst[i] = 0
		}
	}
	return dst, nil
}

// NormalisePRank is the percentile rank of COINr n_prank, with n the number
// of present values and NormaliseRank's ranks:
//
//	dst = (rank - 1) / (n - 1)
//
// Special cases are:
//
//	one present value             error wrapping ErrZeroSpread (COINr: 0/0 = NaN)
//	otherwise                     as NormaliseRank
func NormalisePRank(dst, x []float64, valid []bool) ([]float64, error) {
	const name = "NormalisePRank"
	checkLen(name, x, valid)
	dst = dstFor(name, dst, len(x))
	s, err := sortedPresent(name, x, valid)
	if err != nil {
		return dst, err
	}
	if len(s) < 2 {
		return dst, kernelError(name, ErrZeroSpread, "one present value: (rank - 1) / (n - 1) is 0/0")
	}
	d := float64(len(s) - 1)
	for i, v := range x {
		if present(valid, i) {
			dst[i] = float64(sort.SearchFloat64s(s, v)) / d
		} else {
			dst[i] = 0
		}
	}
	return dst, nil
}

// NormaliseFracMax is the fraction of the maximum (COINr n_fracmax):
//
//	dst = x / max
//
// Special cases are:
//
//	max == 0                      error wrapping ErrDomain (COINr: Inf or NaN)
//	all present values equal      every one scores 1 (not an error)
//	empty x or no present value   error wrapping ErrNoData
//	NaN or ±Inf marked present    error wrapping ErrNaN
func NormaliseFracMax(dst, x []float64, valid []bool) ([]float64, error) {
	const name = "NormaliseFracMax"
	checkLen(name, x, valid)
	dst = dstFor(name, dst, len(x))
	_, max, _, err := minMax(name, x, valid)
	if err != nil {
		return dst, err
	}
	if max == 0 {
		return dst, kernelError(name, ErrDomain, "max = 0: x / max is undefined")
	}
	for i, v := range x {
		if present(valid, i) {
			dst[i] = v / max
		} else {
			dst[i] = 0
		}
	}
	return dst, nil
}

// NormaliseDist2Max is the distance to the maximum (COINr n_dist2max):
//
//	dst = 1 - (max - x) / (max - min)
//
// Special cases are:
//
//	max == min                    error wrapping ErrZeroSpread (COINr: NaN with a warning)
//	empty x or no present value   error wrapping ErrNoData
//	NaN or ±Inf marked present    error wrapping ErrNaN
func NormaliseDist2Max(dst, x []float64, valid []bool) ([]float64, error) {
	const name = "NormaliseDist2Max"
	checkLen(name, x, valid)
	dst = dstFor(name, dst, len(x))
	min, max, _, err := minMax(name, x, valid)
	if err != nil {
		return dst, err
	}
	if max == min {
		return dst, kernelError(name, ErrZeroSpread, "max = min = %v", min)
	}
	for i, v := range x {
		if present(valid, i) {
			dst[i] = 1 - (max-v)/(max-min)
		} else {
			dst[i] = 0
		}
	}
	return dst, nil
}

// NormaliseDist2Ref is the distance to a reference unit's value x[ref]
// (COINr n_dist2ref; ref is 0-based where COINr's iref is 1-based):
//
//	dst = 1 - (x[ref] - x) / (x[ref] - min)
//
// capped at 1 when capMax (values beyond the reference score 1).
//
// Special cases are:
//
//	ref out of [0, len(x))        panics
//	x[ref] missing                error wrapping ErrNoData (COINr: NA with a warning)
//	x[ref] == min                 error wrapping ErrZeroSpread (COINr: NaN)
//	NaN or ±Inf marked present    error wrapping ErrNaN
func NormaliseDist2Ref(dst, x []float64, valid []bool, ref int, capMax bool) ([]float64, error) {
	const name = "NormaliseDist2Ref"
	checkLen(name, x, valid)
	dst = dstFor(name, dst, len(x))
	if ref < 0 || ref >= len(x) {
		panic(fmt.Sprintf("indicators: %s: reference %d out of range [0,%d)", name, ref, len(x)))
	}
	min, _, _, err := minMax(name, x, valid)
	if err != nil {
		return dst, err
	}
	if !present(valid, ref) {
		return dst, kernelError(name, ErrNoData, "the reference x[%d] is missing", ref)
	}
	xr := x[ref]
	if xr == min {
		return dst, kernelError(name, ErrZeroSpread, "the reference x[%d] = %v is the minimum", ref, xr)
	}
	for i, v := range x {
		if !present(valid, i) {
			dst[i] = 0
			continue
		}
		y := 1 - (xr-v)/(xr-min)
		if capMax && y > 1 {
			y = 1
		}
		dst[i] = y
	}
	return dst, nil
}

// NormaliseDist2Targ is the distance to a target (COINr 1.1.14 n_dist2targ):
//
//	direction  1:  dst = (x - min) / (target - min)
//	direction -1:  dst = (max - x) / (max - target)
//
// capped at 1 when capMax (values beyond the target score 1). x is the raw
// indicator: this kernel applies the direction itself. (COINr's
// Normalise.coin reaches the same numbers by multiplying x and the target by
// -1 and calling direction 1, get_iMeta_norm_paras in R/normalise.R; COINr's
// test "dist2targ_coin" checks (max - x) / (max - target) for CO2.)
//
// Special cases are:
//
//	target == min (direction 1) or == max (direction -1)
//	                              error wrapping ErrZeroSpread
//	target NaN or ±Inf            error wrapping ErrDomain (COINr: stop("targ is NA"))
//	direction not 1 or -1         error wrapping ErrDomain
//	empty x or no present value   error wrapping ErrNoData
//	NaN or ±Inf marked present    error wrapping ErrNaN
func NormaliseDist2Targ(dst, x []float64, valid []bool, target float64, direction int, capMax bool) ([]float64, error) {
	const name = "NormaliseDist2Targ"
	checkLen(name, x, valid)
	dst = dstFor(name, dst, len(x))
	if direction != 1 && direction != -1 {
		return dst, kernelError(name, ErrDomain, "direction %d: want 1 or -1", direction)
	}
	if !finite(target) {
		return dst, kernelError(name, ErrDomain, "target %v", target)
	}
	min, max, _, err := minMax(name, x, valid)
	if err != nil {
		return dst, err
	}
	if direction == 1 && target == min {
		return dst, kernelError(name, ErrZeroSpread, "target = min = %v", min)
	}
	if direction == -1 && target == max {
		return dst, kernelError(name, ErrZeroSpread, "target = max = %v", max)
	}
	for i, v := range x {
		if !present(valid, i) {
			dst[i] = 0
			continue
		}
		var y float64
		if direction == 1 {
			y = (v - min) / (target - min)
		} else {
			y = (max - v) / (max - target)
		}
		if capMax && y > 1 {
			y = 1
		}
		dst[i] = y
	}
	return dst, nil
}
