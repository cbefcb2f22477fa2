package indicators

import (
	"errors"
	"fmt"
	"math"
	"sort"
)

var (
	// ErrZeroSpread: every present value is equal, so a normalisation that
	// divides by the range or the standard deviation is undefined (COINr
	// returns NaN with a warning; DRI returns this error and the framework
	// leaves the indicator out with a note).
	ErrZeroSpread = errors.New("indicators: no spread (all present values equal)")
	// ErrNoData: no value is present.
	ErrNoData = errors.New("indicators: no data")
	// ErrNaN: a value marked present is NaN or infinite.
	ErrNaN = errors.New("indicators: NaN or infinity among present values")
	// ErrDomain: a value is outside a method's domain (log of a value <= 0,
	// harmonic mean of a 0).
	ErrDomain = errors.New("indicators: value outside the method's domain")
)

func checkLen(name string, x []float64, valid []bool) {
	if valid != nil && len(valid) != len(x) {
		panic(fmt.Sprintf("indicators: %s: len(valid) = %d, len(x) = %d", name, len(valid), len(x)))
	}
}

func dstFor(name string, dst []float64, n int) []float64 {
	if dst == nil {
		return make([]float64, n)
	}
	if len(dst) != n {
		panic(fmt.Sprintf("indicators: %s: len(dst) = %d, want %d", name, len(dst), n))
	}
	return dst
}

func present(valid []bool, i int) bool { return valid == nil || valid[i] }

// Summary are the statistics of the present values of a variable.
type Summary struct {
	N        int
	Min, Max float64
	Mean     float64
	// SD is the sample standard deviation (n - 1), as R's sd().
	SD float64
}

// Summarise computes count, min, max, mean and sample standard deviation of
// the present values, with compensated sums.
//
// Special cases are:
//
//	no present value        N = 0, error ErrNoData
//	one present value       SD = NaN
//	NaN or ±Inf present     error ErrNaN
func Summarise(x []float64, valid []bool) (Summary, error) {
	checkLen("Summarise", x, valid)
	s := Summary{Min: math.Inf(1), Max: math.Inf(-1)}
	var sum, c float64
	for i, v := range x {
		if !present(valid, i) {
			continue
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return s, ErrNaN
		}
		s.N++
		s.Min = math.Min(s.Min, v)
		s.Max = math.Max(s.Max, v)
		// Kahan-Babuska summation.
		t := sum + v
		if math.Abs(sum) >= math.Abs(v) {
			c += (sum - t) + v
		} else {
			c += (v - t) + sum
		}
		sum = t
	}
	if s.N == 0 {
		return s, ErrNoData
	}
	s.Mean = (sum + c) / float64(s.N)
	if s.N < 2 {
		s.SD = math.NaN()
		return s, nil
	}
	// Two-pass variance with the compensation term (Chan et al.).
	var ss, comp float64
	for i, v := range x {
		if !present(valid, i) {
			continue
		}
		d := v - s.Mean
		ss += d * d
		comp += d
	}
	n := float64(s.N)
	s.SD = math.Sqrt((ss - comp*comp/n) / (n - 1))
	return s, nil
}

// Skewness is the sample skewness of the present values as COINr's skew()
// computes it (R/stats.R, from e1071::skewness type 2):
//
//	d = x - mean(x)
//	skew = sqrt(n) * sum(d^3) / sum(d^2)^(3/2) * sqrt(n (n-1)) / (n - 2)
//
// Special cases are: n < 3 gives NaN; zero spread gives NaN.
func Skewness(x []float64, valid []bool) float64 {
	checkLen("Skewness", x, valid)
	s, err := Summarise(x, valid)
	if err != nil || s.N < 3 {
		return math.NaN()
	}
	var s2, s3 float64
	for i, v := range x {
		if present(valid, i) {
			d := v - s.Mean
			s2 += d * d
			s3 += d * d * d
		}
	}
	n := float64(s.N)
	return math.Sqrt(n) * s3 / math.Pow(s2, 1.5) * math.Sqrt(n*(n-1)) / (n - 2)
}

// Kurtosis is the sample excess kurtosis of the present values as COINr's
// kurt() computes it (R/stats.R, from e1071::kurtosis type 2):
//
//	r = n * sum(d^4) / sum(d^2)^2
//	kurt = ((n + 1) (r - 3) + 6) (n - 1) / ((n - 2) (n - 3))
//
// Special cases are: n < 4 gives NaN; zero spread gives NaN.
func Kurtosis(x []float64, valid []bool) float64 {
	checkLen("Kurtosis", x, valid)
	s, err := Summarise(x, valid)
	if err != nil || s.N < 4 {
		return math.NaN()
	}
	var s2, s4 float64
	for i, v := range x {
		if present(valid, i) {
			d := v - s.Mean
			d2 := d * d
			s2 += d2
			s4 += d2 * d2
		}
	}
	n := float64(s.N)
	r := n * s4 / (s2 * s2)
	return ((n+1)*(r-3) + 6) * (n - 1) / ((n - 2) * (n - 3))
}

// Median of the present values; the mean of the two middle values for an
// even count (R's median). scratch, if long enough, avoids an allocation.
//
// Special cases are: no present value gives NaN.
func Median(x []float64, valid []bool, scratch []float64) float64 {
	checkLen("Median", x, valid)
	v := scratch[:0]
	for i, xi := range x {
		if present(valid, i) {
			v = append(v, xi)
		}
	}
	if len(v) == 0 {
		return math.NaN()
	}
	sort.Float64s(v)
	m := len(v) / 2
	if len(v)%2 == 1 {
		return v[m]
	}
	return (v[m-1] + v[m]) / 2
}
