package indicators

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Thresholds of the JRC rule (COINr 1.1.14 Treat defaults, check_SkewKurt in
// R/treat.R): a variable fails when |skew| >= SkewThreshold AND kurtosis >=
// KurtThreshold.
const (
	SkewThreshold = 2.0
	KurtThreshold = 3.5
	// DefaultWinmax is COINr's default winmax, the most points winsorise
	// may treat.
	DefaultWinmax = 5
)

// moments returns n, sum(d^2), sum(d^3), sum(d^4) of the deviations d of
// the present values from their mean, compensated.
func moments(kernel string, x []float64, valid []bool) (n int, s2, s3, s4 float64, err error) {
	sum, err := summarise(kernel, x, valid)
	if err != nil {
		return 0, 0, 0, 0, err
	}
	var a2, a3, a4 neumaier
	for i, v := range x {
		if present(valid, i) {
			d := v - sum.Mean
			d2 := d * d
			a2.add(d2)
			a3.add(d2 * d)
			a4.add(d2 * d2)
		}
	}
	return sum.N, a2.sum(), a3.sum(), a4.sum(), nil
}

// Skewness is the sample skewness of the present values exactly as COINr's
// skew() computes it (R/treat.R, taken from e1071::skewness type 2, Excel's
// SKEW), with d = x - mean(x):
//
//	skew = sqrt(n) * sum(d^3) / sum(d^2)^(3/2) * sqrt(n (n-1)) / (n - 2)
//
// It does not allocate.
//
// Special cases are:
//
//	fewer than 3 present values   NaN, nil error (COINr: NA)
//	all present values equal      NaN, nil error (0/0)
//	no present value              NaN, error wrapping ErrNoData
//	NaN or ±Inf marked present    NaN, error wrapping ErrNaN
func Skewness(x []float64, valid []bool) (float64, error) {
	const name = "Skewness"
	checkLen(name, x, valid)
	n, s2, s3, _, err := moments(name, x, valid)
	if err != nil {
		return math.NaN(), err
	}
	return skewOf(n, s2, s3), nil
}

// skewOf is COINr's skew() from n and the sums of d^2 and d^3 (NaN below
// three values).
func skewOf(n int, s2, s3 float64) float64 {
	if n < 3 {
		return math.NaN()
	}
	fn := float64(n)
	return math.Sqrt(fn) * s3 / math.Pow(s2, 1.5) * math.Sqrt(fn*(fn-1)) / (fn - 2)
}

// Kurtosis is the sample excess kurtosis of the present values exactly as
// COINr's kurt() computes it (R/treat.R, taken from e1071::kurtosis type 2,
// Excel's KURT), with d = x - mean(x):
//
//	r    = n * sum(d^4) / sum(d^2)^2
//	kurt = ((n + 1) (r - 3) + 6) (n - 1) / ((n - 2) (n - 3))
//
// It does not allocate.
//
// Special cases are:
//
//	fewer than 4 present values   NaN, nil error (COINr: NA)
//	all present values equal      NaN, nil error (0/0)
//	no present value              NaN, error wrapping ErrNoData
//	NaN or ±Inf marked present    NaN, error wrapping ErrNaN
func Kurtosis(x []float64, valid []bool) (float64, error) {
	const name = "Kurtosis"
	checkLen(name, x, valid)
	n, s2, _, s4, err := moments(name, x, valid)
	if err != nil {
		return math.NaN(), err
	}
	return kurtOf(n, s2, s4), nil
}

// kurtOf is COINr's kurt() from n and the sums of d^2 and d^4 (NaN below
// four values).
func kurtOf(n int, s2, s4 float64) float64 {
	if n < 4 {
		return math.NaN()
	}
	fn := float64(n)
	r := fn * s4 / (s2 * s2)
	return ((fn+1)*(r-3) + 6) * (fn - 1) / ((fn - 2) * (fn - 3))
}

// SkewKurt is the outcome of the JRC skewness and kurtosis check.
type SkewKurt struct {
	Skew, Kurt float64
	// Pass is true when the variable needs no treatment. Defined is false
	// when R's answer would be NA (a statistic is NaN and the other does
	// not decide): COINr then leaves the variable untreated.
	Pass, Defined bool
}

// CheckSkewKurt is COINr's check_SkewKurt with R's three-valued logic:
//
//	pass = (|skew| < skewThresh) | (kurt < kurtThresh)
//
// where a comparison with a NaN statistic is NA, TRUE | NA is TRUE and
// FALSE | NA is NA (Defined false). The JRC rule uses SkewThreshold and
// KurtThreshold. Errors are those of Skewness.
func CheckSkewKurt(x []float64, valid []bool, skewThresh, kurtThresh float64) (SkewKurt, error) {
	const name = "CheckSkewKurt"
	checkLen(name, x, valid)
	return checkSkewKurt(name, x, valid, skewThresh, kurtThresh)
}

func checkSkewKurt(kernel string, x []float64, valid []bool, skewThresh, kurtThresh float64) (SkewKurt, error) {
	n, s2, s3, s4, err := moments(kernel, x, valid)
	if err != nil {
		return SkewKurt{Skew: math.NaN(), Kurt: math.NaN()}, err
	}
	c := SkewKurt{Skew: skewOf(n, s2, s3), Kurt: kurtOf(n, s2, s4)}
	skewOK := !math.IsNaN(c.Skew) && math.Abs(c.Skew) < skewThresh
	kurtOK := !math.IsNaN(c.Kurt) && c.Kurt < kurtThresh
	switch {
	case skewOK || kurtOK:
		c.Pass, c.Defined = true, true
	case math.IsNaN(c.Skew) || math.IsNaN(c.Kurt):
		c.Pass, c.Defined = false, false
	default:
		c.Pass, c.Defined = false, true
	}
	return c, nil
}

// Winsorised says what Winsorise did.
type Winsorised struct {
	// N is COINr's nwin: the size of the last group replaced at the high
	// end plus the size of the last group replaced at the low end. Points
	// replaced earlier stay tied at the new extreme and join the next
	// group, so N counts each treated point once.
	N int
	// High and Low are the indices of those groups (COINr's "winhi" and
	// "winlo" points).
	High, Low []int
	// Steps is the number of replacements made.
	Steps int
}

// Winsorise is COINr's winsorise (R/treat.R) with na.rm = TRUE and
// force_win = FALSE, on the present values of x, written to dst:
//
//	while the JRC check fails and N < winmax:
//	  if skew >= 0: every value tied at the maximum becomes the largest
//	                value below it (imax: its indices)
//	  else:         every value tied at the minimum becomes the smallest
//	                value above it (imin: its indices)
//	  N = len(imax) + len(imin)      (the last group at each end)
//
// So N can exceed winmax when a group of ties is replaced at once. winmax
// <= 0 means no limit (COINr winmax = NULL).
//
// Special cases are:
//
//	the check is undefined at the start, or every value becomes tied
//	                              error wrapping ErrUndefined (COINr: an R
//	                              error, "missing value where TRUE/FALSE
//	                              needed", or NA from its check; either
//	                              way its Treat leaves the variable
//	                              untreated)
//	no present value, NaN         errors of Skewness
func Winsorise(dst, x []float64, valid []bool, winmax int, skewThresh, kurtThresh float64) ([]float64, Winsorised, error) {
	const name = "Winsorise"
	checkLen(name, x, valid)
	dst = dstFor(name, dst, len(x))
	var w Winsorised
	c, err := checkSkewKurt(name, x, valid, skewThresh, kurtThresh)
	if err != nil {
		return dst, w, err
	}
	if !c.Defined {
		return dst, w, kernelError(name, ErrUndefined, "skew %v, kurtosis %v", c.Skew, c.Kurt)
	}
	copyPresent(dst, x, valid)
	below := func() bool { return winmax <= 0 || w.N < winmax }
	for !c.Pass && below() {
		var tied bool
		if c.Skew >= 0 {
			w.High, tied = replaceExtreme(dst, valid, true, w.High[:0])
		} else {
			w.Low, tied = replaceExtreme(dst, valid, false, w.Low[:0])
		}
		w.Steps++
		w.N = len(w.High) + len(w.Low)
		if tied {
			// R replaces them by max(numeric(0)) = -Inf and the check is NA
			// from then on; COINr's Treat returns the variable untreated.
			return dst, w, kernelError(name, ErrUndefined, "every value is tied after %d points", w.N)
		}
		if c, err = checkSkewKurt(name, dst, valid, skewThresh, kurtThresh); err != nil {
			return dst, w, err
		}
		// Every value tied: R's loop test (!passing) & below_winmax is NA,
		// an error (or, at winmax, a result its Treat then discards as NA).
		if !c.Defined {
			return dst, w, kernelError(name, ErrUndefined, "every value is tied after %d points", w.N)
		}
	}
	return dst, w, nil
}

// replaceExtreme replaces every present value tied at the maximum (high) or
// minimum by the nearest other present value, appending their indices to
// idx. tied reports that there was no other value (every value was tied):
// then x is left as it was.
func replaceExtreme(x []float64, valid []bool, high bool, idx []int) (_ []int, tied bool) {
	ext, next := math.Inf(-1), math.Inf(-1)
	if !high {
		ext, next = math.Inf(1), math.Inf(1)
	}
	for i, v := range x {
		if present(valid, i) && ((high && v > ext) || (!high && v < ext)) {
			ext = v
		}
	}
	for i, v := range x {
		if !present(valid, i) {
			continue
		}
		switch {
		case v == ext:
			idx = append(idx, i)
		case (high && v > next) || (!high && v < next):
			next = v
		}
	}
	if math.IsInf(next, 0) {
		return idx, true
	}
	for _, i := range idx {
		x[i] = next
	}
	return idx, false
}

func copyPresent(dst, x []float64, valid []bool) {
	for i, v := range x {
		if present(valid, i) {
			dst[i] = v
		} else {
			dst[i] = 0
		}
	}
}

// LogCT is COINr's log_CT (R/treat.R), the COIN Tool's log transform
// shifted so the minimum maps to log(0.01 (max - min)):
//
//	dst = log(x - min + 0.01 (max - min))
//
// Special cases are:
//
//	max == min                    error wrapping ErrZeroSpread (COINr: -Inf)
//	empty x or no present value   error wrapping ErrNoData
//	NaN or ±Inf marked present    error wrapping ErrNaN
func LogCT(dst, x []float64, valid []bool) ([]float64, error) {
	const name = "LogCT"
	checkLen(name, x, valid)
	dst = dstFor(name, dst, len(x))
	min, max, _, err := minMax(name, x, valid)
	if err != nil {
		return dst, err
	}
	if max == min {
		return dst, kernelError(name, ErrZeroSpread, "max = min = %v", min)
	}
	a := 0.01 * (max - min)
	for i, v := range x {
		if present(valid, i) {
			dst[i] = math.Log(v - min + a)
		} else {
			dst[i] = 0
		}
	}
	return dst, nil
}

// LogCTPlus is COINr's log_CT_plus (R/treat.R), the skew-aware variant of
// LogCT, with a = 0.01 (max - min):
//
//	skew > 0:   dst = log(x - min + a)
//	otherwise:  dst = -log(max + a - x)
//
// Special cases are LogCT's, and: skewness undefined (fewer than three
// present values) is an error wrapping ErrUndefined (COINr: error).
func LogCTPlus(dst, x []float64, valid []bool) ([]float64, error) {
	const name = "LogCTPlus"
	checkLen(name, x, valid)
	dst = dstFor(name, dst, len(x))
	min, max, _, err := minMax(name, x, valid)
	if err != nil {
		return dst, err
	}
	if max == min {
		return dst, kernelError(name, ErrZeroSpread, "max = min = %v", min)
	}
	skew, err := Skewness(x, valid)
	if err != nil {
		return dst, err
	}
	if math.IsNaN(skew) {
		return dst, kernelError(name, ErrUndefined, "skewness of fewer than three values")
	}
	a := 0.01 * (max - min)
	for i, v := range x {
		switch {
		case !present(valid, i):
			dst[i] = 0
		case skew > 0:
			dst[i] = math.Log(v - min + a)
		default:
			dst[i] = -math.Log(max + a - v)
		}
	}
	return dst, nil
}

// TreatMethod names an outlier treatment.
type TreatMethod string

// Treatments. Each treats only a variable that fails the JRC check, as
// COINr's Treat does.
const (
	// TreatNone leaves every variable alone.
	TreatNone TreatMethod = "none"
	// TreatJRC is COINr's Treat defaults: winsorise up to Winmax points,
	// and if the variable still fails, log_CT of the ORIGINAL values.
	TreatJRC TreatMethod = "jrc"
	// TreatJRCPlus is TreatJRC with log_CT_plus as the fallback (the
	// variant COINr's applications pass as f2 = "log_CT_plus").
	TreatJRCPlus TreatMethod = "jrc-plus"
	// TreatWinsorise winsorises up to Winmax points and keeps the result
	// even if it still fails: COINr's Treat with f1 = "winsorise" and no f2
	// (Treat.numeric runs f2 only `if(!pass & n_f == 2)`; COINr's test
	// "treat_num" expects such a result to still fail).
	TreatWinsorise TreatMethod = "winsorise"
	// TreatLog applies log_CT to a failing variable and keeps it (COINr
	// f1 = "log_CT", no f2).
	TreatLog TreatMethod = "log"
	// TreatLogPlus applies log_CT_plus to a failing variable and keeps it.
	TreatLogPlus TreatMethod = "log-plus"
)

// Treatment is a treatment with its parameter: Winmax, the most points to
// winsorise (jrc, jrc-plus and winsorise; DefaultWinmax when not given).
type Treatment struct {
	Method TreatMethod
	Winmax int
}

// ParseTreatment parses "none", "jrc[:N]", "jrc-plus[:N]", "winsorise[:N]",
// "log" or "log-plus", where N (1..1000, default 5) is the most points to
// winsorise. ParseTreatment(t.String()) == t for every t it returns.
func ParseTreatment(s string) (Treatment, error) {
	bad := func(format string, args ...any) (Treatment, error) {
		return Treatment{}, fmt.Errorf("indicators: treatment %q: %s", s, fmt.Sprintf(format, args...))
	}
	name, param, has := strings.Cut(s, ":")
	t := Treatment{Method: TreatMethod(strings.ToLower(strings.TrimSpace(name)))}
	switch t.Method {
	case TreatNone, TreatLog, TreatLogPlus:
		if has {
			return bad("%s takes no parameter", t.Method)
		}
	case TreatJRC, TreatJRCPlus, TreatWinsorise:
		t.Winmax = DefaultWinmax
		if has {
			n, err := strconv.Atoi(strings.TrimSpace(param))
			if err != nil || n < 1 || n > 1000 {
				return bad("want %s:N with N the most points to winsorise, 1 <= N <= 1000", t.Method)
			}
			t.Winmax = n
		}
	default:
		return bad("unknown method %q (want none, jrc[:N], jrc-plus[:N], winsorise[:N], log or log-plus)", strings.TrimSpace(name))
	}
	return t, nil
}

// String returns the canonical form, which ParseTreatment reads back.
func (t Treatment) String() string {
	switch t.Method {
	case TreatJRC, TreatJRCPlus:
		if t.Winmax == DefaultWinmax {
			return string(t.Method)
		}
		return string(t.Method) + ":" + strconv.Itoa(t.Winmax)
	case TreatWinsorise:
		return string(t.Method) + ":" + strconv.Itoa(t.Winmax)
	}
	return string(t.Method)
}

// Applied names what a treatment did to a variable.
type Applied string

// What Treat can apply.
const (
	AppliedNone      Applied = ""
	AppliedWinsorise Applied = "winsorise"
	AppliedLogCT     Applied = "log_CT"
	AppliedLogCTPlus Applied = "log_CT_plus"
)

// TreatReport says what Treat did to one variable.
type TreatReport struct {
	// Before is the JRC check of the untreated values, After of the values
	// returned.
	Before, After SkewKurt
	// Applied is the transformation in the returned values: none,
	// winsorisation, or a log of the original values.
	Applied Applied
	// Winsorised is what winsorisation did, also when it was not enough
	// and the log was applied instead (COINr reports nwin then too).
	Winsorised Winsorised
	// Note explains a variable left untreated or still failing.
	Note string
}

// Treat applies a treatment to the present values of x, writing dst, as
// COINr 1.1.14's Treat.numeric with its defaults (combine_treat = FALSE)
// and Treat.data.frame's error handling:
//
//  1. check x (CheckSkewKurt with SkewThreshold, KurtThreshold); if it
//     passes, or the check is undefined (fewer than 4 values, all tied),
//     dst = x;
//  2. jrc, jrc-plus, winsorise: winsorise (Winsorise with Winmax); if it
//     becomes undefined, dst = x (COINr catches the error and returns the
//     untreated indicator); check again: pass, or method winsorise, keeps
//     the winsorised values;
//  3. jrc: log_CT of the ORIGINAL x (LogCT); jrc-plus: log_CT_plus
//     (LogCTPlus); log and log-plus go to this step directly.
//
// If the check of the final values is undefined COINr returns x untreated,
// and so does Treat. The report has the statistics before and after.
//
// Special cases are:
//
//	no present value              error wrapping ErrNoData
//	NaN or ±Inf marked present    error wrapping ErrNaN
//	unknown method                error wrapping ErrDomain
func Treat(dst, x []float64, valid []bool, t Treatment) ([]float64, TreatReport, error) {
	const name = "Treat"
	checkLen(name, x, valid)
	dst = dstFor(name, dst, len(x))
	var rep TreatReport
	before, err := checkSkewKurt(name, x, valid, SkewThreshold, KurtThreshold)
	if err != nil {
		return dst, rep, err
	}
	rep.Before, rep.After = before, before
	switch t.Method {
	case TreatNone, TreatJRC, TreatJRCPlus, TreatWinsorise, TreatLog, TreatLogPlus:
	default:
		return dst, rep, kernelError(name, ErrDomain, "unknown treatment %q", t.Method)
	}
	copyPresent(dst, x, valid)
	untreated := func(note string) ([]float64, TreatReport, error) {
		copyPresent(dst, x, valid)
		rep.Applied, rep.After, rep.Note = AppliedNone, before, note
		return dst, rep, nil
	}
	switch {
	case t.Method == TreatNone:
		return dst, rep, nil
	case !before.Defined:
		return untreated("skewness or kurtosis undefined (fewer than 4 values or all equal): left untreated, as COINr")
	case before.Pass:
		return dst, rep, nil
	}
	winmax := t.Winmax
	if winmax == 0 {
		winmax = DefaultWinmax
	}
	if t.Method == TreatJRC || t.Method == TreatJRCPlus || t.Method == TreatWinsorise {
		_, w, err := Winsorise(dst, x, valid, winmax, SkewThreshold, KurtThreshold)
		rep.Winsorised = w
		if err != nil {
			return untreated(fmt.Sprintf("winsorising tied every value after %d points: left untreated, as COINr", w.N))
		}
		after, err := checkSkewKurt(name, dst, valid, SkewThreshold, KurtThreshold)
		if err != nil {
			return dst, rep, err
		}
		if !after.Defined {
			return untreated("the check after winsorising is undefined: left untreated, as COINr")
		}
		rep.Applied, rep.After = AppliedWinsorise, after
		if after.Pass {
			return dst, rep, nil
		}
		if t.Method == TreatWinsorise {
			rep.Note = fmt.Sprintf("still fails after winsorising %d points", w.N)
			return dst, rep, nil
		}
	}
	rep.Applied = AppliedLogCT
	if t.Method == TreatJRCPlus || t.Method == TreatLogPlus {
		rep.Applied = AppliedLogCTPlus
		_, err = LogCTPlus(dst, x, valid)
	} else {
		_, err = LogCT(dst, x, valid)
	}
	if err != nil {
		return dst, rep, err
	}
	after, err := checkSkewKurt(name, dst, valid, SkewThreshold, KurtThreshold)
	if err != nil {
		return dst, rep, err
	}
	if !after.Defined {
		return untreated("the check after the log transform is undefined: left untreated, as COINr")
	}
	rep.After = after
	if !after.Pass {
		rep.Note = "still fails after the log transform"
	}
	return dst, rep, nil
}
