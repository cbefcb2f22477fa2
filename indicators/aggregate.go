package indicators

import (
	"fmt"
	"math"
	"strings"
)

// AggMethod names an aggregation method.
type AggMethod string

// Aggregation methods: COINr's a_amean, a_gmean, a_hmean and a_genmean
// (R/aggregate.R).
const (
	AggArithmetic  AggMethod = "amean"
	AggGeometric   AggMethod = "gmean"
	AggHarmonic    AggMethod = "hmean"
	AggGeneralised AggMethod = "genmean"
)

// Aggregation is an aggregation method with its parameter (genmean:P).
type Aggregation struct {
	Method AggMethod
	// P is the generalised mean's exponent (p != 0); zero otherwise.
	P float64
}

// ParseAggregation parses "amean", "gmean", "hmean" or "genmean:P" with a
// finite P != 0 (p = 0 is the geometric mean's limit: use gmean, as COINr's
// a_genmean says). ParseAggregation(a.String()) == a for every a it returns.
func ParseAggregation(s string) (Aggregation, error) {
	bad := func(format string, args ...any) (Aggregation, error) {
		return Aggregation{}, fmt.Errorf("indicators: aggregation %q: %s", s, fmt.Sprintf(format, args...))
	}
	name, param, has := strings.Cut(s, ":")
	a := Aggregation{Method: AggMethod(strings.ToLower(strings.TrimSpace(name)))}
	switch a.Method {
	case AggArithmetic, AggGeometric, AggHarmonic:
		if has {
			return bad("%s takes no parameter", a.Method)
		}
	case AggGeneralised:
		if !has {
			return bad("want genmean:P with a finite P != 0")
		}
		p, err := parseParam(param)
		if err != nil {
			return bad("parameter %q: %v", strings.TrimSpace(param), err)
		}
		if p == 0 {
			return bad("P = 0 is the geometric mean's limit: use gmean")
		}
		a.P = p
	default:
		return bad("unknown method %q (want amean, gmean, hmean or genmean:P)", strings.TrimSpace(name))
	}
	return a, nil
}

// String returns the canonical form, which ParseAggregation reads back.
func (a Aggregation) String() string {
	if a.Method == AggGeneralised {
		return "genmean:" + formatParam(a.P)
	}
	return string(a.Method)
}

// aggregator accumulates one unit's children. It lives on the stack, so the
// aggregation kernels do not allocate.
type aggregator struct {
	method AggMethod
	p      float64
	n, np  int // children, children present
	sw, s  neumaier
	// First problems seen, reported only if the coverage check passes (as
	// COINr checks dat_thresh before calling a_*).
	nan, domain, unknown bool
	bad                  float64
}

func (a *aggregator) add(x float64, ok bool, w float64) {
	a.n++
	if !ok {
		return
	}
	a.np++
	if !finite(x) || !finite(w) {
		if !a.nan {
			a.nan, a.bad = true, x
		}
		return
	}
	var term float64
	switch a.method {
	case AggArithmetic:
		term = w * x
	case AggGeometric:
		// a_gmean: any(x <= 0) stops, zero-weight children included.
		if x <= 0 {
			a.setDomain(x)
			return
		}
		term = w * math.Log(x)
	case AggHarmonic:
		// a_hmean: any(x == 0) stops; negative values are allowed.
		if x == 0 {
			a.setDomain(x)
			return
		}
		term = w / x
	case AggGeneralised:
		// a_genmean stops for x <= 0 with p < 0; for x < 0 and a
		// fractional p, R's x^p is NaN, which DRI reports as a domain error.
		if (x <= 0 && a.p < 0) || (x < 0 && a.p != math.Trunc(a.p)) {
			a.setDomain(x)
			return
		}
		term = w * math.Pow(x, a.p)
	default:
		a.unknown = true
		return
	}
	a.sw.add(w)
	a.s.add(term)
}

func (a *aggregator) setDomain(x float64) {
	if !a.domain {
		a.domain, a.bad = true, x
	}
}

// result finishes a unit; unit >= 0 is named in errors.
func (a *aggregator) result(kernel string, unit int, minShare float64) (float64, bool, error) {
	where := func() string {
		if unit < 0 {
			return ""
		}
		return fmt.Sprintf("unit %d: ", unit)
	}
	if a.unknown {
		return 0, false, kernelError(kernel, ErrDomain, "unknown method %q", a.method)
	}
	// COINr Aggregate.data.frame: NA when sum(!is.na(x))/length(x) <
	// dat_thresh; the a_* functions return NA when nothing is present.
	if a.n == 0 || a.np == 0 || float64(a.np)/float64(a.n) < minShare {
		return 0, false, nil
	}
	if a.nan {
		return 0, false, kernelError(kernel, ErrNaN, "%schild value or weight %v", where(), a.bad)
	}
	if a.domain {
		return 0, false, kernelError(kernel, ErrDomain, "%s%s of a child value %v", where(), a.method, a.bad)
	}
	// a_genmean sets the weights of missing children to NA and then sums
	// sum(w*x^p) without na.rm, so any missing child makes the result NA.
	// METHODS.md says the present children are used; DRI follows COINr's
	// code (R/aggregate.R, a_genmean).
	if a.method == AggGeneralised && a.np < a.n {
		return 0, false, nil
	}
	sw := a.sw.sum()
	if sw == 0 {
		// COINr: w/sum(w) is 0/0, NaN. DRI: the unit is missing.
		return 0, false, nil
	}
	s := a.s.sum()
	var v float64
	switch a.method {
	case AggGeometric:
		v = math.Exp(s / sw)
	case AggHarmonic:
		v = sw / s
	case AggGeneralised:
		v = math.Pow(s/sw, 1/a.p)
	default:
		v = s / sw
	}
	if !finite(v) {
		// R returns Inf (a harmonic mean with sum(w/x) = 0) or NaN (a
		// negative mean to the power 1/p); DRI reports the domain error.
		return 0, false, kernelError(kernel, ErrDomain, "%s%s is %v", where(), a.method, v)
	}
	return v, true, nil
}

func checkWeights(kernel string, n int, w []float64) {
	if w != nil && len(w) != n {
		panic(fmt.Sprintf("indicators: %s: len(w) = %d, want %d", kernel, len(w), n))
	}
}

func weight(w []float64, i int) float64 {
	if w == nil {
		return 1
	}
	return w[i]
}

func aggregateOne(kernel string, method AggMethod, p float64, x []float64, valid []bool, w []float64, minShare float64) (float64, bool, error) {
	checkLen(kernel, x, valid)
	checkWeights(kernel, len(x), w)
	acc := aggregator{method: method, p: p}
	for i, v := range x {
		acc.add(v, present(valid, i), weight(w, i))
	}
	return acc.result(kernel, -1, minShare)
}

// AggregateArithmetic is the weighted arithmetic mean of one unit's present
// children (COINr a_amean), weights renormalised over them:
//
//	v = sum(w x) / sum(w)
//
// w == nil means equal weights. ok is false (the unit's value is missing)
// when the share of children present is below minShare (COINr dat_thresh:
// sum(!is.na(x)) / length(x) < dat_thresh; 0 means no threshold). It does
// not allocate.
//
// Special cases are:
//
//	no child, or none present     ok = false
//	present weights sum to 0      ok = false (COINr: NaN)
//	NaN or ±Inf marked present    error wrapping ErrNaN
//	len(w) != len(x)              panics
func AggregateArithmetic(x []float64, valid []bool, w []float64, minShare float64) (v float64, ok bool, err error) {
	return aggregateOne("AggregateArithmetic", AggArithmetic, 0, x, valid, w, minShare)
}

// AggregateGeometric is the weighted geometric mean of one unit's present
// children (COINr a_gmean), weights renormalised over them:
//
//	v = exp(sum(w log x) / sum(w))
//
// Special cases are AggregateArithmetic's, and: any present x <= 0 (zero
// weight or not) is an error wrapping ErrDomain, as COINr stops.
func AggregateGeometric(x []float64, valid []bool, w []float64, minShare float64) (v float64, ok bool, err error) {
	return aggregateOne("AggregateGeometric", AggGeometric, 0, x, valid, w, minShare)
}

// AggregateHarmonic is the weighted harmonic mean of one unit's present
// children (COINr a_hmean), weights renormalised over them:
//
//	v = sum(w) / sum(w / x)
//
// Special cases are AggregateArithmetic's, and: any present x == 0 is an
// error wrapping ErrDomain, as COINr stops (negative values are allowed,
// as in COINr).
func AggregateHarmonic(x []float64, valid []bool, w []float64, minShare float64) (v float64, ok bool, err error) {
	return aggregateOne("AggregateHarmonic", AggHarmonic, 0, x, valid, w, minShare)
}

// AggregateGeneralised is the weighted generalised (power) mean with
// exponent p != 0 of one unit's children (COINr a_genmean):
//
//	v = (sum(w x^p) / sum(w))^(1/p)
//
// Unlike the other means, a unit with any child missing is missing (ok =
// false): COINr's a_genmean sums w*x^p without na.rm, so one NA child makes
// the result NA, and DRI follows COINr's code here rather than METHODS.md.
//
// Special cases are AggregateArithmetic's, and:
//
//	p == 0                        error wrapping ErrDomain (use the geometric mean)
//	p < 0 and a present x <= 0    error wrapping ErrDomain (COINr stops)
//	x < 0 with a fractional p     error wrapping ErrDomain (COINr: NaN)
func AggregateGeneralised(x []float64, valid []bool, w []float64, p, minShare float64) (v float64, ok bool, err error) {
	const name = "AggregateGeneralised"
	if p == 0 || !finite(p) {
		return 0, false, kernelError(name, ErrDomain, "p = %v: want a finite p != 0", p)
	}
	return aggregateOne(name, AggGeneralised, p, x, valid, w, minShare)
}

// Aggregate combines one unit's children with the method: see
// AggregateArithmetic, AggregateGeometric, AggregateHarmonic and
// AggregateGeneralised for the formulas and special cases. It does not
// allocate.
func (a Aggregation) Aggregate(x []float64, valid []bool, w []float64, minShare float64) (v float64, ok bool, err error) {
	const name = "Aggregation.Aggregate"
	if a.Method == AggGeneralised && (a.P == 0 || !finite(a.P)) {
		return 0, false, kernelError(name, ErrDomain, "p = %v: want a finite p != 0", a.P)
	}
	return aggregateOne(name, a.Method, a.P, x, valid, w, minShare)
}

// AggregateColumns aggregates every unit at once: cols[k] holds child k's
// values over the units, valids[k] its validity (valids == nil or
// valids[k] == nil: all present), w[k] its weight (nil: equal). dst[u] and
// dstValid[u] receive unit u's value and whether it is present; nil slices
// are allocated. It allocates nothing when both are supplied.
//
// Special cases are those of Aggregate, per unit; the first error stops the
// loop and names the unit's index. Columns of different lengths panic.
func (a Aggregation) AggregateColumns(dst []float64, dstValid []bool, cols [][]float64, valids [][]bool, w []float64, minShare float64) ([]float64, []bool, error) {
	const name = "Aggregation.AggregateColumns"
	n := 0
	if len(cols) > 0 {
		n = len(cols[0])
	}
	for k, c := range cols {
		if len(c) != n {
			panic(fmt.Sprintf("indicators: %s: len(cols[%d]) = %d, want %d", name, k, len(c), n))
		}
		if valids != nil && valids[k] != nil && len(valids[k]) != n {
			panic(fmt.Sprintf("indicators: %s: len(valids[%d]) = %d, want %d", name, k, len(valids[k]), n))
		}
	}
	if valids != nil && len(valids) != len(cols) {
		panic(fmt.Sprintf("indicators: %s: len(valids) = %d, want %d", name, len(valids), len(cols)))
	}
	checkWeights(name, len(cols), w)
	dst = dstFor(name, dst, n)
	if dstValid == nil {
		dstValid = make([]bool, n)
	} else if len(dstValid) != n {
		panic(fmt.Sprintf("indicators: %s: len(dstValid) = %d, want %d", name, len(dstValid), n))
	}
	if err := a.checkExponent(name); err != nil {
		return dst, dstValid, err
	}
	return dst, dstValid, a.aggregateColumns(dst, dstValid, nil, cols, valids, w, minShare)
}

// checkExponent rejects a generalised mean without a usable exponent.
func (a Aggregation) checkExponent(kernel string) error {
	if a.Method == AggGeneralised && (a.P == 0 || !finite(a.P)) {
		return kernelError(kernel, ErrDomain, "p = %v: want a finite p != 0", a.P)
	}
	return nil
}

// aggregateColumns is AggregateColumns after its checks; parts, when not
// nil, receives per unit the number of children present.
func (a Aggregation) aggregateColumns(dst []float64, dstValid []bool, parts []int, cols [][]float64, valids [][]bool, w []float64, minShare float64) error {
	if a.Method == AggArithmetic {
		return aggregateArithmetic(dst, dstValid, parts, cols, valids, w, minShare)
	}
	return a.aggregateGeneral(dst, dstValid, parts, cols, valids, w, minShare)
}

// aggregateGeneral is aggregateColumns with an aggregator per unit.
func (a Aggregation) aggregateGeneral(dst []float64, dstValid []bool, parts []int, cols [][]float64, valids [][]bool, w []float64, minShare float64) error {
	const name = "Aggregation.AggregateColumns"
	n := len(dst)
	// Units in blocks, each child column read along the block (the same
	// additions per unit, in the same order, as unit by unit; the block's
	// accumulators live on the stack).
	const block = 128
	var accs [block]aggregator
	for lo := 0; lo < n; lo += block {
		hi := min(lo+block, n)
		acc := accs[:hi-lo]
		for i := range acc {
			acc[i] = aggregator{method: a.Method, p: a.P}
		}
		for k, c := range cols {
			wk := weight(w, k)
			var valid []bool
			if valids != nil {
				valid = valids[k]
			}
			for i, x := range c[lo:hi] {
				acc[i].add(x, valid == nil || valid[lo+i], wk)
			}
		}
		for i := range acc {
			u := lo + i
			v, ok, err := acc[i].result(name, u, minShare)
			if err != nil {
				return err
			}
			if !ok {
				v = 0
			}
			dst[u], dstValid[u] = v, ok
			if parts != nil {
				parts[u] = acc[i].np
			}
		}
	}
	return nil
}

// aggregateArithmetic is aggregateColumns for the arithmetic mean: the
// same additions per unit, in the same order, as the aggregator's, with a
// block of units' running sums held in arrays, so that the loop along a
// child's column makes no call and no choice of method (the aggregation of
// a build and of every uncertainty run; docs/BENCHMARKS.md). The sum of the
// weights present is the same for every unit that has all its children,
// so it is summed once for them (the same additions in the same order) and
// unit by unit only for the others.
func aggregateArithmetic(dst []float64, dstValid []bool, parts []int, cols [][]float64, valids [][]bool, w []float64, minShare float64) error {
	const name = "Aggregation.AggregateColumns"
	const block = 128
	var (
		sumA, compA [block]float64 // Neumaier sums of w x
		presentA    [block]int
		missA       [block]float64 // the weights of the children missing
		maskA       [block]uint64  // which of the first 64 children are missing
		// The Neumaier sums of the weights present for the last few
		// patterns of missing children (units share few patterns).
		patMask [4]uint64
		patSum  [4]neumaier
		pats    int
		// The validity of a child given none: every unit present.
		allPresent [block]bool
	)
	for i := range allPresent {
		allPresent[i] = true
	}
	var all neumaier // the weights of all children
	finiteWeights := true
	// Whole weights of at most 2^40 (equal weights, explicit weights 1, 2,
	// ...), fewer than 2^12 of them: every sum of some of them is exact in
	// float64, so the Neumaier sum of the weights present is exactly the
	// sum of all less those missing (its compensation stays 0, and x - x
	// is +0 as its sums of zeros are), which the column loop gathers.
	whole := len(cols) < 1<<12
	for k := range cols {
		wk := weight(w, k)
		finiteWeights = finiteWeights && finite(wk)
		whole = whole && wk == math.Trunc(wk) && math.Abs(wk) <= 1<<40
		all.add(wk)
	}
	if !finiteWeights {
		// Every present child is then an error (aggregator.add): the
		// general loop reports it.
		return Aggregation{Method: AggArithmetic}.aggregateGeneral(dst, dstValid, parts, cols, valids, w, minShare)
	}
	n := len(dst)
	for lo := 0; lo < n; lo += block {
		hi := min(lo+block, n)
		m := hi - lo
		sum, comp := sumA[:m], compA[:m]
		present, miss, mask := presentA[:m], missA[:m], maskA[:m]
		clear(mask)
		clear(sum)
		clear(comp)
		clear(present)
		clear(miss)
		for k, c := range cols {
			wk := weight(w, k)
			x := c[lo:hi]
			var valid []bool
			if valids != nil && valids[k] != nil {
				valid = valids[k][lo:hi]
			}
			if valid == nil {
				valid = allPresent[:m]
			}
			// Cut to x's length: the loops index without bounds checks.
			valid, sum, comp, present := valid[:len(x)], sum[:len(x)], comp[:len(x)], present[:len(x)]
			miss, mask := miss[:len(x)], mask[:len(x)]
			if k == 0 {
				// The first addition to a zero sum: t = 0 + term, and the
				// compensation gains (0 - 0) + term (term = ±0) or
				// (term - t) + 0, +0 either way.
				for i, ok := range valid {
					if !ok {
						miss[i] += wk
						mask[i] |= 1
						continue
					}
					present[i]++
					sum[i] = 0 + wk*x[i]
				}
				continue
			}
			for i, ok := range valid {
				if !ok {
					miss[i] += wk
					mask[i] |= 1 << (k & 63)
					continue
				}
				present[i]++
				// neumaier.add, with its rounding error by Knuth's 2Sum
				// (no branch) instead of Fast2Sum on the larger operand
				// (a branch the processor mispredicts on every other
				// unit: a tenth of a build). Both give the exact error
				// of the addition, a unique number, whenever no
				// operation overflows, and +0 when it is zero; otherwise
				// the sum or its compensation is not finite, and the
				// unit is summed again below with neumaier.add itself. A
				// non-finite value is not checked here: it makes the sum
				// non-finite for good, which the unit's result then
				// looks into.
				term := wk * x[i]
				s := sum[i]
				t := s + term
				z := t - s
				comp[i] += (s - (t - z)) + (term - z)
				sum[i] = t
			}
		}
		for i := range sum {
			u := lo + i
			np := present[i]
			if parts != nil {
				parts[u] = np
			}
			// aggregator.result for the arithmetic mean.
			if np == 0 || float64(np)/float64(len(cols)) < minShare {
				dst[u], dstValid[u] = 0, false
				continue
			}
			if !finite(sum[i] + comp[i]) {
				// The first non-finite child value present, in the
				// children's order (the aggregator's error), if any;
				// else finite values overflowed, which the result reports.
				for k, c := range cols {
					if x := c[u]; (valids == nil || valids[k] == nil || valids[k][u]) && !finite(x) {
						acc := aggregator{method: AggArithmetic, n: len(cols), np: np, nan: true, bad: x}
						_, _, err := acc.result(name, u, minShare)
						return err
					}
				}
				// Finite values: summed again as the aggregator sums
				// them (2Sum's steps can overflow where Fast2Sum's do
				// not), so that an overflow is reported as it reports it
				// and a sum that only 2Sum overflowed comes out right.
				var again neumaier
				for k, c := range cols {
					if valids == nil || valids[k] == nil || valids[k][u] {
						again.add(weight(w, k) * c[u])
					}
				}
				sum[i], comp[i] = again.s, again.c
			}
			sw := all
			if np < len(cols) && whole {
				sw = neumaier{s: all.s - miss[i]}
			} else if np < len(cols) {
				// Summed as before, once per pattern (up to 64 children:
				// the mask names the pattern).
				found := false
				if len(cols) <= 64 {
					for j := range min(pats, len(patMask)) {
						if patMask[j] == mask[i] {
							sw, found = patSum[j], true
							break
						}
					}
				}
				if !found {
					sw = neumaier{}
					for k := range cols {
						if valids == nil || valids[k] == nil || valids[k][u] {
							sw.add(weight(w, k))
						}
					}
					if len(cols) <= 64 {
						j := pats % len(patMask)
						patMask[j], patSum[j] = mask[i], sw
						pats++
					}
				}
			}
			if ws := sw.sum(); ws != 0 {
				if v := (sum[i] + comp[i]) / ws; finite(v) {
					dst[u], dstValid[u] = v, true
					continue
				}
			}
			// Missing, or the error.
			acc := aggregator{method: AggArithmetic, n: len(cols), np: np, sw: sw, s: neumaier{sum[i], comp[i]}}
			v, ok, err := acc.result(name, u, minShare)
			if err != nil {
				return err
			}
			dst[u], dstValid[u] = v, ok
		}
	}
	return nil
}
