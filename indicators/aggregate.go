package indicators

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// AggMethod names an aggregation method.
type AggMethod string

// Aggregation methods (COINr a_amean, a_gmean, a_hmean, a_genmean).
const (
	AggArithmetic  AggMethod = "amean"
	AggGeometric   AggMethod = "gmean"
	AggHarmonic    AggMethod = "hmean"
	AggGeneralised AggMethod = "genmean"
)

// Aggregation is a method with its parameter (genmean:P).
type Aggregation struct {
	Method AggMethod
	P      float64
}

// ParseAggregation parses "amean", "gmean", "hmean" or "genmean:P" (P != 0).
func ParseAggregation(s string) (Aggregation, error) {
	name, param, has := strings.Cut(strings.TrimSpace(s), ":")
	a := Aggregation{Method: AggMethod(strings.ToLower(name))}
	switch a.Method {
	case AggArithmetic, AggGeometric, AggHarmonic:
		if has {
			return Aggregation{}, fmt.Errorf("indicators: aggregation %q: %s takes no parameter", s, a.Method)
		}
	case AggGeneralised:
		p, err := strconv.ParseFloat(strings.TrimSpace(param), 64)
		if !has || err != nil || p == 0 || math.IsNaN(p) || math.IsInf(p, 0) {
			return Aggregation{}, fmt.Errorf("indicators: aggregation %q: want genmean:P with a finite P != 0", s)
		}
		a.P = p
	default:
		return Aggregation{}, fmt.Errorf("indicators: aggregation %q: unknown method (want amean, gmean, hmean or genmean:P)", s)
	}
	return a, nil
}

// String returns the canonical form; ParseAggregation(a.String()) == a.
func (a Aggregation) String() string {
	if a.Method == AggGeneralised {
		return "genmean:" + strconv.FormatFloat(a.P, 'g', -1, 64)
	}
	return string(a.Method)
}

// Aggregate combines the present children x (with weights w) of one unit:
//
//	amean:      sum(w x) / sum(w)
//	gmean:      exp(sum(w log x) / sum(w))         ErrDomain if any x <= 0
//	hmean:      sum(w) / sum(w / x)                ErrDomain if any x == 0
//	genmean(p): (sum(w x^p) / sum(w))^(1/p)
//
// over the children present, weights renormalised over them (COINr
// R/aggregate.R). ok is false — the node is missing — when the share of
// children present is below minShare (COINr dat_thresh), or no child with a
// positive weight is present. It does not allocate.
func (a Aggregation) Aggregate(x []float64, valid []bool, w []float64, minShare float64) (v float64, ok bool, err error) {
	checkLen("Aggregate", x, valid)
	if len(w) != len(x) {
		panic(fmt.Sprintf("indicators: Aggregate: len(w) = %d, len(x) = %d", len(w), len(x)))
	}
	n, np := len(x), 0
	var sw, s float64
	for i, xi := range x {
		if !present(valid, i) {
			continue
		}
		np++
		wi := w[i]
		if wi == 0 {
			continue
		}
		if math.IsNaN(xi) || math.IsInf(xi, 0) {
			return 0, false, ErrNaN
		}
		sw += wi
		switch a.Method {
		case AggArithmetic:
			s += wi * xi
		case AggGeometric:
			if xi <= 0 {
				return 0, false, fmt.Errorf("%w: geometric mean of %v", ErrDomain, xi)
			}
			s += wi * math.Log(xi)
		case AggHarmonic:
			if xi == 0 {
				return 0, false, fmt.Errorf("%w: harmonic mean of 0", ErrDomain)
			}
			s += wi / xi
		case AggGeneralised:
			s += wi * math.Pow(xi, a.P)
		default:
			return 0, false, fmt.Errorf("indicators: unknown aggregation %q", a.Method)
		}
	}
	if n == 0 || sw == 0 || float64(np)/float64(n) < minShare {
		return 0, false, nil
	}
	switch a.Method {
	case AggGeometric:
		return math.Exp(s / sw), true, nil
	case AggHarmonic:
		return sw / s, true, nil
	case AggGeneralised:
		return math.Pow(s/sw, 1/a.P), true, nil
	}
	return s / sw, true, nil
}
