package indicators

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// TreatMethod names an outlier treatment.
type TreatMethod string

// Treatments: none, the JRC rule (COINr Treat defaults), winsorisation alone,
// log transform alone.
const (
	TreatNone      TreatMethod = "none"
	TreatJRC       TreatMethod = "jrc"
	TreatWinsorise TreatMethod = "winsorise"
	TreatLog       TreatMethod = "log"
)

// Treatment is a treatment with its parameter (winsorise:N, the maximum
// number of points; jrc uses 5 as COINr's default winmax).
type Treatment struct {
	Method TreatMethod
	N      int
}

// Thresholds of the JRC rule (COINr check_SkewKurt defaults): a variable
// fails when |skew| >= SkewThreshold AND kurtosis >= KurtThreshold.
const (
	SkewThreshold = 2.0
	KurtThreshold = 3.5
)

// ParseTreatment parses "none", "jrc", "winsorise:N" (N >= 1) or "log".
func ParseTreatment(s string) (Treatment, error) {
	name, param, has := strings.Cut(strings.TrimSpace(s), ":")
	t := Treatment{Method: TreatMethod(strings.ToLower(name))}
	switch t.Method {
	case TreatNone, TreatLog:
		if has {
			return Treatment{}, fmt.Errorf("indicators: treatment %q: %s takes no parameter", s, t.Method)
		}
	case TreatJRC:
		if has {
			return Treatment{}, fmt.Errorf("indicators: treatment %q: jrc takes no parameter", s)
		}
		t.N = 5
	case TreatWinsorise:
		n, err := strconv.Atoi(strings.TrimSpace(param))
		if !has || err != nil || n < 1 || n > 1000 {
			return Treatment{}, fmt.Errorf("indicators: treatment %q: want winsorise:N with 1 <= N <= 1000", s)
		}
		t.N = n
	default:
		return Treatment{}, fmt.Errorf("indicators: treatment %q: unknown method (want none, jrc, winsorise:N or log)", s)
	}
	return t, nil
}

// String returns the canonical form; ParseTreatment(t.String()) == t.
func (t Treatment) String() string {
	if t.Method == TreatWinsorise {
		return "winsorise:" + strconv.Itoa(t.N)
	}
	return string(t.Method)
}

// TreatReport says what a treatment did to one variable.
type TreatReport struct {
	SkewBefore, KurtBefore float64
	SkewAfter, KurtAfter   float64
	// Passed is the JRC check before treatment (true: no treatment needed).
	Passed bool
	// Applied: "" (nothing), "winsorise", "log", or "winsorise+log" is not
	// used: the log is applied to the original values, as COINr does.
	Applied string
	// Winsorised is COINr's nwin: the size of the last group replaced at
	// each end (points winsorised earlier stay tied at the extreme, so the
	// group grows).
	Winsorised int
	// Points are the indices of the treated values ("winhi"/"winlo" points
	// of COINr's last groups, or every present value for a log).
	Points []int
}

// failsJRC is COINr's check_SkewKurt negated: it fails when |skew| >= 2
// and kurtosis >= 3.5. A NaN statistic (too few points, no spread) passes.
func failsJRC(x []float64, valid []bool) (fail bool, skew, kurt float64) {
	skew, kurt = Skewness(x, valid), Kurtosis(x, valid)
	pass := math.Abs(skew) < SkewThreshold || kurt < KurtThreshold
	if math.IsNaN(skew) || math.IsNaN(kurt) {
		pass = true
	}
	return !pass, skew, kurt
}

// Treat applies a treatment to the present values of x, writing dst:
//
//   - jrc: COINr's Treat defaults. If the variable fails the check,
//     winsorise (as COINr's winsorise, up to 5 points); if it still fails,
//     log-transform the ORIGINAL values with log_CT:
//     log(x - min + 0.01 (max - min)).
//   - winsorise:N: winsorise up to N points while the check fails.
//   - log: log_CT whatever the check says.
//
// Winsorising (COINr R/treat.R, winsorise): while the check fails and
// nwin < N: if skew >= 0, every value tied at the maximum is replaced by the
// largest value below it, else every value tied at the minimum by the
// smallest above it; nwin = size of the last high group + size of the last
// low group.
func Treat(dst, x []float64, valid []bool, t Treatment) ([]float64, TreatReport, error) {
	checkLen("Treat", x, valid)
	dst = dstFor("Treat", dst, len(x))
	var rep TreatReport
	sum, err := Summarise(x, valid)
	if err != nil {
		return dst, rep, err
	}
	if t.Method == TreatLog && sum.Max == sum.Min {
		return dst, rep, ErrZeroSpread
	}
	for i, v := range x {
		if present(valid, i) {
			dst[i] = v
		} else {
			dst[i] = 0
		}
	}
	if t.Method == TreatNone {
		return dst, rep, nil
	}
	fail, sk, kt := failsJRC(x, valid)
	rep.SkewBefore, rep.KurtBefore, rep.Passed = sk, kt, !fail
	switch t.Method {
	case TreatLog:
		logCT(dst, x, valid)
		rep.Applied = "log"
		rep.Points = presentIndices(valid, len(x))
	case TreatJRC, TreatWinsorise:
		if fail {
			var hi, lo []int
			stillFails := fail
			for stillFails && rep.Winsorised < t.N {
				if Skewness(dst, valid) >= 0 {
					hi = winsoriseEnd(dst, valid, true)
				} else {
					lo = winsoriseEnd(dst, valid, false)
				}
				rep.Winsorised = len(hi) + len(lo)
				stillFails, _, _ = failsJRC(dst, valid)
			}
			rep.Applied = "winsorise"
			rep.Points = append(append([]int{}, hi...), lo...)
			if stillFails && t.Method == TreatJRC {
				logCT(dst, x, valid)
				rep.Applied = "log"
				rep.Points = presentIndices(valid, len(x))
			}
		}
	default:
		return dst, rep, fmt.Errorf("indicators: unknown treatment %q", t.Method)
	}
	rep.SkewAfter, rep.KurtAfter = Skewness(dst, valid), Kurtosis(dst, valid)
	return dst, rep, nil
}

// winsoriseEnd replaces every value tied at the maximum (high) or minimum
// by the nearest other value and returns their indices.
func winsoriseEnd(x []float64, valid []bool, high bool) []int {
	ext := math.Inf(-1)
	if !high {
		ext = math.Inf(1)
	}
	for i, v := range x {
		if present(valid, i) && ((high && v > ext) || (!high && v < ext)) {
			ext = v
		}
	}
	next := math.Inf(-1)
	if !high {
		next = math.Inf(1)
	}
	var idx []int
	for i, v := range x {
		if !present(valid, i) {
			continue
		}
		if v == ext {
			idx = append(idx, i)
		} else if (high && v > next) || (!high && v < next) {
			next = v
		}
	}
	if math.IsInf(next, 0) {
		return idx // all values equal: nothing below to replace with
	}
	for _, i := range idx {
		x[i] = next
	}
	return idx
}

// logCT is COINr's log_CT: log(x - min + 0.01 (max - min)), on the present
// values of x, written to dst.
func logCT(dst, x []float64, valid []bool) {
	s, _ := Summarise(x, valid)
	a := 0.01 * (s.Max - s.Min)
	for i, v := range x {
		if present(valid, i) {
			dst[i] = math.Log(v - s.Min + a)
		}
	}
}

func presentIndices(valid []bool, n int) []int {
	var out []int
	for i := 0; i < n; i++ {
		if present(valid, i) {
			out = append(out, i)
		}
	}
	return out
}
