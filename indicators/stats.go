package indicators

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

// Sentinel errors. Kernels wrap them with the kernel's name and the detail,
// so test with errors.Is.
var (
	// ErrNoData: no value is present (or a value the method needs, such as
	// dist2ref's reference, is missing).
	ErrNoData = errors.New("no data")
	// ErrNaN: a value marked present is NaN or infinite, a caller bug.
	ErrNaN = errors.New("NaN or infinity marked present")
	// ErrZeroSpread: the present values (or a method's two parameters) are
	// all equal, so a method that divides by the range or the standard
	// deviation is undefined. COINr returns NaN with a warning; DRI returns
	// this error, and the framework leaves the indicator out with a note.
	ErrZeroSpread = errors.New("zero spread")
	// ErrDomain: a value or parameter is outside a method's domain (the log
	// of a value <= 0, a harmonic mean of a 0, direction 2).
	ErrDomain = errors.New("outside the method's domain")
	// ErrUndefined: a statistic a method depends on is undefined (skewness
	// of fewer than three values, kurtosis of fewer than four, either of
	// values that are all equal).
	ErrUndefined = errors.New("statistic undefined")
)

// kernelError wraps a sentinel with the kernel's name and a detail:
// "indicators: NormaliseMinMax: max = min = 3: zero spread".
func kernelError(kernel string, sentinel error, format string, args ...any) error {
	return fmt.Errorf("indicators: %s: %s: %w", kernel, fmt.Sprintf(format, args...), sentinel)
}

func checkLen(kernel string, x []float64, valid []bool) {
	if valid != nil && len(valid) != len(x) {
		panic(fmt.Sprintf("indicators: %s: len(valid) = %d, len(x) = %d", kernel, len(valid), len(x)))
	}
}

func dstFor(kernel string, dst []float64, n int) []float64 {
	if dst == nil {
		return make([]float64, n)
	}
	if len(dst) != n {
		panic(fmt.Sprintf("indicators: %s: len(dst) = %d, want %d", kernel, len(dst), n))
	}
	return dst
}

func present(valid []bool, i int) bool { return valid == nil || valid[i] }

// finite reports whether v is neither NaN nor ±Inf: v - v is 0 for every
// finite v and NaN otherwise (one subtraction instead of two calls).
func finite(v float64) bool { return v-v == 0 }

// neumaier is a compensated sum (Neumaier's variant of Kahan summation).
// It lives on the stack, so kernels that use it do not allocate.
type neumaier struct{ s, c float64 }

func (a *neumaier) add(v float64) {
	t := a.s + v
	if math.Abs(a.s) >= math.Abs(v) {
		a.c += (a.s - t) + v
	} else {
		a.c += (v - t) + a.s
	}
	a.s = t
}

func (a *neumaier) sum() float64 { return a.s + a.c }

// Summary are the statistics of the present values of a variable.
type Summary struct {
	// N is the number of present values.
	N        int
	Min, Max float64
	// Mean is R's mean(x, na.rm = TRUE): the compensated sum over N,
	// refined by the mean of the residuals, as R's summary.c does.
	Mean float64
	// SD is the sample standard deviation (divisor N - 1) as R's sd(); NaN
	// when N < 2.
	SD float64
}

// Summarise computes count, minimum, maximum, mean and sample standard
// deviation of the present values, with compensated sums. It does not
// allocate.
//
// Special cases are:
//
//	no present value (or empty x)   Summary{N: 0}, error wrapping ErrNoData
//	one present value               SD = NaN
//	NaN or ±Inf marked present      error wrapping ErrNaN
func Summarise(x []float64, valid []bool) (Summary, error) {
	const name = "Summarise"
	checkLen(name, x, valid)
	return summarise(name, x, valid)
}

// checkPresent returns the errors summarise would (a present NaN or ±Inf,
// no present value) without computing anything.
func checkPresent(kernel string, x []float64, valid []bool) error {
	n := 0
	for i, v := range x {
		if !present(valid, i) {
			continue
		}
		if !finite(v) {
			return kernelError(kernel, ErrNaN, "x[%d] = %v", i, v)
		}
		n++
	}
	if n == 0 {
		return kernelError(kernel, ErrNoData, "no present value among %d", len(x))
	}
	return nil
}

func summarise(kernel string, x []float64, valid []bool) (Summary, error) {
	s := Summary{Min: math.Inf(1), Max: math.Inf(-1)}
	var acc neumaier
	for i, v := range x {
		if !present(valid, i) {
			continue
		}
		if !finite(v) {
			return Summary{}, kernelError(kernel, ErrNaN, "x[%d] = %v", i, v)
		}
		s.N++
		s.Min = math.Min(s.Min, v)
		s.Max = math.Max(s.Max, v)
		acc.add(v)
	}
	if s.N == 0 {
		return Summary{}, kernelError(kernel, ErrNoData, "no present value among %d", len(x))
	}
	n := float64(s.N)
	s.Mean = acc.sum() / n
	var res, ss neumaier
	for i, v := range x {
		if present(valid, i) {
			d := v - s.Mean
			res.add(d)
			ss.add(d * d)
		}
	}
	// R's mean adds the mean residual; the variance uses the corrected
	// two-pass formula (Chan, Golub and LeVeque), exact for exact inputs.
	r := res.sum()
	s.Mean += r / n
	s.SD = math.NaN()
	if s.N > 1 {
		s.SD = math.Sqrt((ss.sum() - r*r/n) / (n - 1))
	}
	return s, nil
}

// Median is the median of the present values as R's median(): the middle
// value of an odd count, the mean of the two middle values of an even one.
// It sorts a copy of the present values in scratch when scratch is long
// enough (then it does not allocate) and in a new slice otherwise.
//
// Special cases are:
//
//	no present value            NaN, error wrapping ErrNoData
//	NaN or ±Inf marked present  NaN, error wrapping ErrNaN
func Median(x []float64, valid []bool, scratch []float64) (float64, error) {
	const name = "Median"
	checkLen(name, x, valid)
	return median(name, x, valid, scratch)
}

func median(kernel string, x []float64, valid []bool, scratch []float64) (float64, error) {
	v := scratch[:0]
	for i, xi := range x {
		if !present(valid, i) {
			continue
		}
		if !finite(xi) {
			return math.NaN(), kernelError(kernel, ErrNaN, "x[%d] = %v", i, xi)
		}
		v = append(v, xi)
	}
	if len(v) == 0 {
		return math.NaN(), kernelError(kernel, ErrNoData, "no present value among %d", len(x))
	}
	slices.Sort(v)
	h := len(v) / 2
	if len(v)%2 == 1 {
		return v[h], nil
	}
	return (v[h-1] + v[h]) / 2, nil
}
