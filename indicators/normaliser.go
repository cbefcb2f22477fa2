package indicators

import (
	"fmt"
	"strconv"
	"strings"
)

// NormMethod names a normalisation method.
type NormMethod string

// Normalisation methods, by the names CLI flags, framework files and the API
// use. NormNone keeps the values (after the direction is applied, as COINr's
// f_n = "none").
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

// Normaliser is a normalisation method with its parameters, as parsed from
// "minmax:L,U" and friends. Goalposts and targets are per indicator, so
// they travel in NormContext instead.
type Normaliser struct {
	Method NormMethod
	// P1, P2 are minmax's L,U (default 0,100), zscore's M,S (default 0,1)
	// and scaled's A,B (required); zero for the other methods.
	P1, P2 float64
	// Ref is dist2ref's reference unit code.
	Ref string
}

// params: how many numeric parameters each method takes; -1 is dist2ref's
// unit code.
var normParams = map[NormMethod]int{
	NormNone: 0, NormMinMax: 2, NormZScore: 2, NormScaled: 2, NormGoalposts: 0, NormRank: 0,
	NormBorda: 0, NormPRank: 0, NormFracMax: 0, NormDist2Max: 0, NormDist2Ref: -1, NormDist2Targ: 0,
}

// paramNames are the parameter names error messages show.
var paramNames = map[NormMethod]string{NormMinMax: "L,U", NormZScore: "M,S", NormScaled: "A,B"}

// ParseNormalisation parses a normalisation method: none, minmax[:L,U]
// (default 0,100), zscore[:M,S] (default 0,1), scaled:A,B, goalposts, rank,
// borda, prank, fracmax, dist2max, dist2ref:UNIT or dist2targ. The method
// name is case-insensitive; spaces around parts are ignored.
// ParseNormalisation(n.String()) == n for every n it returns.
func ParseNormalisation(s string) (Normaliser, error) {
	bad := func(format string, args ...any) (Normaliser, error) {
		return Normaliser{}, fmt.Errorf("indicators: normalisation %q: %s", s, fmt.Sprintf(format, args...))
	}
	name, params, hasParams := strings.Cut(s, ":")
	m := NormMethod(strings.ToLower(strings.TrimSpace(name)))
	want, ok := normParams[m]
	if !ok {
		return bad("unknown method %q (want none, minmax:L,U, zscore:M,S, scaled:A,B, goalposts, rank, borda, prank, fracmax, dist2max, dist2ref:UNIT or dist2targ)", strings.TrimSpace(name))
	}
	n := Normaliser{Method: m}
	switch want {
	case -1:
		n.Ref = strings.TrimSpace(params)
		if n.Ref == "" {
			return bad("want a reference unit, dist2ref:UNIT")
		}
	case 2:
		switch m {
		case NormMinMax:
			n.P1, n.P2 = 0, 100
		case NormZScore:
			n.P1, n.P2 = 0, 1
		}
		if !hasParams {
			if m == NormScaled {
				return bad("want two parameters A,B")
			}
			break
		}
		a, b, two := strings.Cut(params, ",")
		if !two || strings.Contains(b, ",") {
			return bad("want two parameters %s", paramNames[m])
		}
		var err error
		if n.P1, err = parseParam(a); err != nil {
			return bad("parameter %q: %v", strings.TrimSpace(a), err)
		}
		if n.P2, err = parseParam(b); err != nil {
			return bad("parameter %q: %v", strings.TrimSpace(b), err)
		}
		switch {
		case m == NormZScore && n.P2 <= 0:
			return bad("the standard deviation S must be positive")
		case m != NormZScore && n.P1 == n.P2:
			return bad("the two parameters %s must differ", paramNames[m])
		}
	default:
		if hasParams {
			return bad("%s takes no parameters", m)
		}
	}
	return n, nil
}

// parseParam parses a finite number.
func parseParam(s string) (float64, error) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		return 0, fmt.Errorf("not a number")
	}
	if !finite(v) {
		return 0, fmt.Errorf("not a finite number")
	}
	return v, nil
}

func formatParam(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// String returns the canonical form, which ParseNormalisation reads back:
// "minmax:0,100", "zscore:0,1", "dist2ref:KEN", "rank".
func (n Normaliser) String() string {
	switch n.Method {
	case NormMinMax, NormZScore, NormScaled:
		return string(n.Method) + ":" + formatParam(n.P1) + "," + formatParam(n.P2)
	case NormDist2Ref:
		return string(n.Method) + ":" + n.Ref
	}
	return string(n.Method)
}

// NormContext is what some methods take from the indicator rather than the
// method: its direction, goalposts, target and the reference unit's index.
type NormContext struct {
	// Direction is 1 (higher is better) or -1; 0 means 1.
	Direction int
	// GoalLo and GoalHi are the lower and upper goalposts in the
	// indicator's units (COINr's goalpost_lower, goalpost_upper; lo < hi),
	// Scale the score at the best goalpost (goalpost_scale).
	GoalLo, GoalHi, Scale float64
	// Target is dist2targ's target in the indicator's units; CapMax caps
	// dist2targ and dist2ref scores at 1 (COINr cap_max).
	Target float64
	CapMax bool
	// RefIndex is the position of dist2ref's reference unit in x.
	RefIndex int
}

// Apply normalises x with the indicator's direction applied as COINr 1.1.14
// applies it:
//
//   - goalposts and dist2targ: the kernel's own direction handling on the
//     raw values (NormaliseGoalposts, NormaliseDist2Targ), which is what
//     Normalise.coin computes when it reads goalposts and targets from
//     iMeta (see those kernels);
//   - every other method, none included: x is multiplied by the direction
//     first (Normalise.numeric: x <- x*direction), then the method runs.
//
// So with direction -1 minmax gives the lowest raw value the top score and
// rank gives the highest raw value rank 1. On error dst's contents are
// unspecified. Special cases are the kernels'.
func (n Normaliser) Apply(dst, x []float64, valid []bool, ctx NormContext) ([]float64, error) {
	const name = "Normaliser.Apply"
	checkLen(name, x, valid)
	dst = dstFor(name, dst, len(x))
	dir := ctx.Direction
	if dir == 0 {
		dir = 1
	}
	if dir != 1 && dir != -1 {
		return dst, kernelError(name, ErrDomain, "direction %d: want 1 or -1", ctx.Direction)
	}
	switch n.Method {
	case NormGoalposts:
		return NormaliseGoalposts(dst, x, valid, ctx.GoalLo, ctx.GoalHi, ctx.Scale, dir)
	case NormDist2Targ:
		return NormaliseDist2Targ(dst, x, valid, ctx.Target, dir, ctx.CapMax)
	}
	if _, ok := normParams[n.Method]; !ok {
		return dst, kernelError(name, ErrDomain, "unknown method %q", n.Method)
	}
	// x * direction into dst; the kernels below read dst in place.
	for i, v := range x {
		if present(valid, i) {
			dst[i] = v * float64(dir)
		} else {
			dst[i] = 0
		}
	}
	switch n.Method {
	case NormNone:
		if _, _, _, err := minMax(name, dst, valid); err != nil {
			return dst, err
		}
		return dst, nil
	case NormMinMax:
		return NormaliseMinMax(dst, dst, valid, n.P1, n.P2)
	case NormZScore:
		return NormaliseZScore(dst, dst, valid, n.P1, n.P2)
	case NormScaled:
		return NormaliseScaled(dst, dst, valid, n.P1, n.P2)
	case NormRank:
		return NormaliseRank(dst, dst, valid)
	case NormBorda:
		return NormaliseBorda(dst, dst, valid)
	case NormPRank:
		return NormalisePRank(dst, dst, valid)
	case NormFracMax:
		return NormaliseFracMax(dst, dst, valid)
	case NormDist2Max:
		return NormaliseDist2Max(dst, dst, valid)
	default: // NormDist2Ref
		return NormaliseDist2Ref(dst, dst, valid, ctx.RefIndex, ctx.CapMax)
	}
}
