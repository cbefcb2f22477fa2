package indicators

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// The normalisation kernels follow COINr 1.1.14's n_* functions
// (R/normalise.R). Missing values stay missing (dst = 0 there); the
// statistics (min, max, mean, sd, ranks) are over the present values only,
// as COINr's na.rm = TRUE.

// NormaliseMinMax scales x onto [lo, hi]:
//
//	dst = (x - min) / (max - min) * (hi - lo) + lo        (COINr n_minmax)
//
// Special cases are:
//
//	no present value    ErrNoData
//	max == min          ErrZeroSpread (COINr: NaN with a warning)
func NormaliseMinMax(dst, x []float64, valid []bool, lo, hi float64) ([]float64, error) {
	checkLen("NormaliseMinMax", x, valid)
	dst = dstFor("NormaliseMinMax", dst, len(x))
	s, err := Summarise(x, valid)
	if err != nil {
		return dst, err
	}
	if s.Max == s.Min {
		return dst, ErrZeroSpread
	}
	r := s.Max - s.Min
	for i, v := range x {
		if present(valid, i) {
			dst[i] = (v-s.Min)/r*(hi-lo) + lo
		} else {
			dst[i] = 0
		}
	}
	return dst, nil
}

// NormaliseZScore standardises x to mean m and standard deviation sd, with
// the sample standard deviation (n - 1) as R's sd():
//
//	dst = (x - mean) / sd(x) * sd + m                     (COINr n_zscore)
//
// Special cases are: no present value ErrNoData; fewer than two, or zero
// standard deviation, ErrZeroSpread.
func NormaliseZScore(dst, x []float64, valid []bool, m, sd float64) ([]float64, error) {
	checkLen("NormaliseZScore", x, valid)
	dst = dstFor("NormaliseZScore", dst, len(x))
	s, err := Summarise(x, valid)
	if err != nil {
		return dst, err
	}
	if s.N < 2 || s.SD == 0 {
		return dst, ErrZeroSpread
	}
	for i, v := range x {
		if present(valid, i) {
			dst[i] = (v-s.Mean)/s.SD*sd + m
		} else {
			dst[i] = 0
		}
	}
	return dst, nil
}

// NormaliseScaled is the linear scaling of the GII 2020 (not min-max):
//
//	dst = (x - a) / (b - a) * 100                         (COINr n_scaled)
//
// Special cases are: a == b is ErrZeroSpread.
func NormaliseScaled(dst, x []float64, valid []bool, a, b float64) ([]float64, error) {
	checkLen("NormaliseScaled", x, valid)
	dst = dstFor("NormaliseScaled", dst, len(x))
	if a == b {
		return dst, ErrZeroSpread
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

// NormaliseGoalposts scores x between two goalposts, truncated, in x's own
// units: lo is the value that scores 0 and hi the value that scores scale.
//
//	dst = clamp((x - lo) / (hi - lo), 0, 1) * scale
//
// For an indicator where lower is better give lo > hi (a price scores 0 at
// lo = 20 and scale at hi = 2). This equals COINr's n_goalposts(x,
// c(l, u, a)) with direction 1 and (lo, hi) = (l, u); for direction -1 COINr
// negates x and all of gposts, a included, so its scores come out negated
// (R/normalise.R, n_goalposts); DRI's are the same magnitudes, positive.
//
// Special cases are: lo == hi is ErrZeroSpread.
func NormaliseGoalposts(dst, x []float64, valid []bool, lo, hi, scale float64) ([]float64, error) {
	checkLen("NormaliseGoalposts", x, valid)
	dst = dstFor("NormaliseGoalposts", dst, len(x))
	if lo == hi {
		return dst, ErrZeroSpread
	}
	for i, v := range x {
		if !present(valid, i) {
			dst[i] = 0
			continue
		}
		y := (v - lo) / (hi - lo)
		y = math.Max(0, math.Min(1, y))
		dst[i] = y * scale
	}
	return dst, nil
}

// NormaliseRank gives each present value its rank in ascending order, ties
// sharing the lowest rank (R's rank(x, ties.method = "min"), COINr n_rank):
// the smallest value gets 1, the largest the highest rank. dst may be x.
// It allocates an index of the present values (O(n log n)).
//
// Special cases are: no present value leaves dst zero.
func NormaliseRank(dst, x []float64, valid []bool) []float64 {
	checkLen("NormaliseRank", x, valid)
	dst = dstFor("NormaliseRank", dst, len(x))
	type iv struct {
		i int
		v float64
	}
	idx := make([]iv, 0, len(x))
	for i, v := range x {
		if present(valid, i) {
			idx = append(idx, iv{i, v})
		}
	}
	sort.Slice(idx, func(a, b int) bool { return idx[a].v < idx[b].v })
	for i := range dst {
		dst[i] = 0
	}
	for k := range idx {
		r := k + 1
		if k > 0 && idx[k].v == idx[k-1].v {
			r = int(dst[idx[k-1].i])
		}
		dst[idx[k].i] = float64(r)
	}
	return dst
}

// NormaliseBorda is rank - 1 (COINr n_borda).
func NormaliseBorda(dst, x []float64, valid []bool) []float64 {
	dst = NormaliseRank(dst, x, valid)
	for i := range dst {
		if present(valid, i) {
			dst[i]--
		}
	}
	return dst
}

// NormalisePRank is the percentile rank (rank - 1) / (n - 1) (COINr n_prank),
// with n the number of present values.
//
// Special cases are: fewer than two present values is ErrZeroSpread.
func NormalisePRank(dst, x []float64, valid []bool) ([]float64, error) {
	dst = NormaliseRank(dst, x, valid)
	n := 0
	for i := range x {
		if present(valid, i) {
			n++
		}
	}
	if n < 2 {
		return dst, ErrZeroSpread
	}
	for i := range dst {
		if present(valid, i) {
			dst[i] = (dst[i] - 1) / float64(n-1)
		}
	}
	return dst, nil
}

// NormaliseFracMax is x / max (COINr n_fracmax).
//
// Special cases are: max == 0 is ErrZeroSpread.
func NormaliseFracMax(dst, x []float64, valid []bool) ([]float64, error) {
	checkLen("NormaliseFracMax", x, valid)
	dst = dstFor("NormaliseFracMax", dst, len(x))
	s, err := Summarise(x, valid)
	if err != nil {
		return dst, err
	}
	if s.Max == 0 {
		return dst, ErrZeroSpread
	}
	for i, v := range x {
		if present(valid, i) {
			dst[i] = v / s.Max
		} else {
			dst[i] = 0
		}
	}
	return dst, nil
}

// NormaliseDist2Max is 1 - (max - x) / (max - min) (COINr n_dist2max).
//
// Special cases are: max == min is ErrZeroSpread.
func NormaliseDist2Max(dst, x []float64, valid []bool) ([]float64, error) {
	checkLen("NormaliseDist2Max", x, valid)
	dst = dstFor("NormaliseDist2Max", dst, len(x))
	s, err := Summarise(x, valid)
	if err != nil {
		return dst, err
	}
	if s.Max == s.Min {
		return dst, ErrZeroSpread
	}
	for i, v := range x {
		if present(valid, i) {
			dst[i] = 1 - (s.Max-v)/(s.Max-s.Min)
		} else {
			dst[i] = 0
		}
	}
	return dst, nil
}

// NormaliseDist2Ref is 1 - (x_ref - x) / (x_ref - min) with x_ref = x[ref]
// (COINr n_dist2ref, cap_max = FALSE).
//
// Special cases are: ref missing is ErrNoData; x_ref == min is
// ErrZeroSpread; ref out of range panics.
func NormaliseDist2Ref(dst, x []float64, valid []bool, ref int) ([]float64, error) {
	checkLen("NormaliseDist2Ref", x, valid)
	dst = dstFor("NormaliseDist2Ref", dst, len(x))
	if ref < 0 || ref >= len(x) {
		panic(fmt.Sprintf("indicators: NormaliseDist2Ref: reference %d out of range [0,%d)", ref, len(x)))
	}
	if !present(valid, ref) {
		return dst, ErrNoData
	}
	s, err := Summarise(x, valid)
	if err != nil {
		return dst, err
	}
	xr := x[ref]
	if xr == s.Min {
		return dst, ErrZeroSpread
	}
	for i, v := range x {
		if present(valid, i) {
			dst[i] = 1 - (xr-v)/(xr-s.Min)
		} else {
			dst[i] = 0
		}
	}
	return dst, nil
}

// NormaliseDist2Targ is 1 - (target - x) / (target - min) = (x - min) /
// (target - min) (COINr n_dist2targ), optionally capped at 1.
//
// Special cases are: target == min is ErrZeroSpread.
func NormaliseDist2Targ(dst, x []float64, valid []bool, target float64, capMax bool) ([]float64, error) {
	checkLen("NormaliseDist2Targ", x, valid)
	dst = dstFor("NormaliseDist2Targ", dst, len(x))
	s, err := Summarise(x, valid)
	if err != nil {
		return dst, err
	}
	if target == s.Min {
		return dst, ErrZeroSpread
	}
	for i, v := range x {
		if !present(valid, i) {
			dst[i] = 0
			continue
		}
		y := 1 - (target-v)/(target-s.Min)
		if capMax && y > 1 {
			y = 1
		}
		dst[i] = y
	}
	return dst, nil
}

// NormMethod names a normalisation method.
type NormMethod string

// Normalisation methods, as written in CLI flags, framework files and the API.
const (
	NormNone      NormMethod = "none"
	NormMinMax    NormMethod = "minmax"
	NormZScore    NormMethod = "zscore"
	NormScaled    NormMethod = "scaled"
	NormGoalposts NormMethod = "goalposts"
	NormRank      NormMethod = "rank"
	NormBorda     NormMethod = "borda"
	NormPRank     NormMethod = "prank"
	NormFracMax   NormMethod = "fracmax"
	NormDist2Max  NormMethod = "dist2max"
	NormDist2Ref  NormMethod = "dist2ref"
	NormDist2Targ NormMethod = "dist2targ"
)

// Normalisation is a method with its parameters: minmax:L,U (default
// 0,100), zscore:M,S (default 0,1), scaled:A,B, dist2ref:UNIT; the others
// take none (goalposts and dist2targ take theirs from the indicator).
type Normalisation struct {
	Method NormMethod
	P1, P2 float64
	Ref    string // dist2ref: the reference unit's code
}

var normParams = map[NormMethod]int{NormNone: 0, NormMinMax: 2, NormZScore: 2, NormScaled: 2, NormGoalposts: 0,
	NormRank: 0, NormBorda: 0, NormPRank: 0, NormFracMax: 0, NormDist2Max: 0, NormDist2Ref: -1, NormDist2Targ: 0}

// ParseNormalisation parses a method name with optional parameters.
func ParseNormalisation(s string) (Normalisation, error) {
	name, params, hasParams := strings.Cut(strings.TrimSpace(s), ":")
	m := NormMethod(strings.ToLower(name))
	want, ok := normParams[m]
	if !ok {
		return Normalisation{}, fmt.Errorf("indicators: normalisation %q: unknown method (want none, minmax:L,U, zscore:M,S, scaled:A,B, goalposts, rank, borda, prank, fracmax, dist2max, dist2ref:UNIT, dist2targ)", s)
	}
	n := Normalisation{Method: m}
	switch {
	case want == -1:
		if !hasParams || strings.TrimSpace(params) == "" {
			return Normalisation{}, fmt.Errorf("indicators: normalisation %q: want a reference unit, dist2ref:UNIT", s)
		}
		n.Ref = strings.ToUpper(strings.TrimSpace(params))
	case want == 2:
		switch m {
		case NormMinMax:
			n.P1, n.P2 = 0, 100
		case NormZScore:
			n.P1, n.P2 = 0, 1
		}
		if !hasParams {
			if m == NormScaled {
				return Normalisation{}, fmt.Errorf("indicators: normalisation %q: want two parameters, scaled:A,B", s)
			}
			break
		}
		a, b, ok := strings.Cut(params, ",")
		if !ok {
			return Normalisation{}, fmt.Errorf("indicators: normalisation %q: want two parameters %s:P,Q", s, m)
		}
		var err1, err2 error
		n.P1, err1 = strconv.ParseFloat(strings.TrimSpace(a), 64)
		n.P2, err2 = strconv.ParseFloat(strings.TrimSpace(b), 64)
		if err1 != nil || err2 != nil || math.IsNaN(n.P1) || math.IsNaN(n.P2) || math.IsInf(n.P1, 0) || math.IsInf(n.P2, 0) {
			return Normalisation{}, fmt.Errorf("indicators: normalisation %q: parameters must be finite numbers", s)
		}
		if n.P1 == n.P2 && m != NormZScore {
			return Normalisation{}, fmt.Errorf("indicators: normalisation %q: the two parameters must differ", s)
		}
		if m == NormZScore && n.P2 <= 0 {
			return Normalisation{}, fmt.Errorf("indicators: normalisation %q: the standard deviation must be positive", s)
		}
	default:
		if hasParams {
			return Normalisation{}, fmt.Errorf("indicators: normalisation %q: %s takes no parameters", s, m)
		}
	}
	return n, nil
}

// String returns the canonical form; ParseNormalisation(n.String()) == n.
func (n Normalisation) String() string {
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	switch n.Method {
	case NormMinMax, NormZScore, NormScaled:
		return string(n.Method) + ":" + f(n.P1) + "," + f(n.P2)
	case NormDist2Ref:
		return string(n.Method) + ":" + n.Ref
	}
	return string(n.Method)
}

// NormContext carries what some methods take from the indicator or the data.
type NormContext struct {
	// Direction is +1 (higher is better) or -1.
	Direction int
	// Goalposts, in the indicator's units: Lo scores 0, Hi scores Scale.
	GoalLo, GoalHi float64
	// Scale is the goalposts' top score (1, 5, 100...).
	Scale float64
	// Target for dist2targ, in the indicator's units.
	Target float64
	// RefIndex is the position of dist2ref's reference unit.
	RefIndex int
}

// Apply normalises x with direction applied as COINr does (x is multiplied
// by the direction before the method, Normalise.numeric), except goalposts,
// whose (Lo, Hi) already say which end is best. For dist2targ with direction
// -1 the target is negated with x.
func (n Normalisation) Apply(dst, x []float64, valid []bool, ctx NormContext) ([]float64, error) {
	checkLen("Normalisation.Apply", x, valid)
	dst = dstFor("Normalisation.Apply", dst, len(x))
	if len(x) == 0 {
		return dst, ErrNoData
	}
	dir := float64(ctx.Direction)
	if dir == 0 {
		dir = 1
	}
	src := x
	if dir == -1 && n.Method != NormGoalposts {
		for i, v := range x {
			dst[i] = -v
		}
		src = dst
	}
	switch n.Method {
	case NormNone:
		if &src[0] != &dst[0] {
			copy(dst, src)
		}
		for i := range dst {
			if !present(valid, i) {
				dst[i] = 0
			}
		}
		return dst, nil
	case NormMinMax:
		return NormaliseMinMax(dst, src, valid, n.P1, n.P2)
	case NormZScore:
		return NormaliseZScore(dst, src, valid, n.P1, n.P2)
	case NormScaled:
		return NormaliseScaled(dst, src, valid, n.P1, n.P2)
	case NormGoalposts:
		return NormaliseGoalposts(dst, src, valid, ctx.GoalLo, ctx.GoalHi, ctx.Scale)
	case NormRank:
		return NormaliseRank(dst, src, valid), nil
	case NormBorda:
		return NormaliseBorda(dst, src, valid), nil
	case NormPRank:
		return NormalisePRank(dst, src, valid)
	case NormFracMax:
		return NormaliseFracMax(dst, src, valid)
	case NormDist2Max:
		return NormaliseDist2Max(dst, src, valid)
	case NormDist2Ref:
		return NormaliseDist2Ref(dst, src, valid, ctx.RefIndex)
	case NormDist2Targ:
		return NormaliseDist2Targ(dst, src, valid, ctx.Target*dir, false)
	}
	return dst, fmt.Errorf("indicators: unknown normalisation %q", n.Method)
}
