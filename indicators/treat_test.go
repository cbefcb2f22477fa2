package indicators

import (
	"errors"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// seq returns from, from+1, ..., to (R's from:to).
func seq(from, to int) []float64 {
	var out []float64
	for i := from; i <= to; i++ {
		out = append(out, float64(i))
	}
	return out
}

func cat(parts ...[]float64) []float64 {
	var out []float64
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func TestSkewnessKurtosis(t *testing.T) {
	for _, c := range []struct {
		name       string
		x          []float64
		skew, kurt float64
	}{
		// R 4.2.2 + COINr skew(c(1:10, 100)), kurt(c(1:10, 100))
		{"1:10 and 100", cat(seq(1, 10), []float64{100}), 3.2556381840605075, 10.706673906421969},
		// R 4.2.2 + COINr skew(c(1:20, 100, 200)), kurt(...)
		{"1:20, 100, 200", cat(seq(1, 20), []float64{100, 200}), 3.5855704488606728, 13.339023261904057},
		// R 4.2.2 + COINr skew(c(1,2,3,10,NA), na.rm = TRUE), kurt(...): NA removed
		{"missing ignored", []float64{1, 2, 3, 10, na}, 1.7636326148038881, 3.2279999999999998},
		// hand: a symmetric sample has sum(d^3) = 0
		{"symmetric", []float64{1, 2, 3, 4, 5}, 0, -1.2},
		// R 4.2.2 + COINr skew(c(1,2,10)); kurt NA (n < 4); skew NA for n < 3
		{"three values", []float64{1, 2, 10}, 1.6523167403329899, na},
		{"two values", []float64{1, 2}, na, na},
		// 0/0
		{"all equal", []float64{4, 4, 4, 4}, na, na},
	} {
		t.Run(c.name, func(t *testing.T) {
			x, valid := vec(c.x...)
			s, err := Skewness(x, valid)
			if err != nil || !close(s, c.skew) {
				t.Errorf("Skewness(%v) = %v, %v, want %v", c.x, s, err, c.skew)
			}
			k, err := Kurtosis(x, valid)
			if err != nil || !close(k, c.kurt) {
				t.Errorf("Kurtosis(%v) = %v, %v, want %v", c.x, k, err, c.kurt)
			}
		})
	}
	if _, err := Skewness([]float64{1, math.NaN(), 3}, nil); !errors.Is(err, ErrNaN) {
		t.Errorf("Skewness with NaN: error = %v, want ErrNaN", err)
	}
	if _, err := Kurtosis(nil, nil); !errors.Is(err, ErrNoData) {
		t.Errorf("Kurtosis(empty): error = %v, want ErrNoData", err)
	}
}

func TestCheckSkewKurt(t *testing.T) {
	for _, c := range []struct {
		name          string
		x             []float64
		pass, defined bool
	}{
		// COINr test-treat.R "treat_num": expect_false(check_SkewKurt(c(1:10, 100))$Pass)
		{"fails", cat(seq(1, 10), []float64{100}), false, true},
		// hand: skew 0 < 2
		{"passes", []float64{1, 2, 3, 4, 5}, true, true},
		// R 4.2.2 + COINr check_SkewKurt(c(1,2,10)): kurt NA, |skew| 1.65 < 2: TRUE | NA = TRUE
		{"three values, TRUE | NA", []float64{1, 2, 10}, true, true},
		// skew and kurt NA: NA | NA = NA
		{"two values, NA", []float64{1, 2}, false, false},
		{"all equal, NA", []float64{3, 3, 3, 3, 3}, false, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := CheckSkewKurt(c.x, nil, SkewThreshold, KurtThreshold)
			if err != nil || got.Pass != c.pass || got.Defined != c.defined {
				t.Errorf("CheckSkewKurt(%v) = %+v, %v; want pass %v, defined %v", c.x, got, err, c.pass, c.defined)
			}
		})
	}
}

func TestWinsorise(t *testing.T) {
	for _, c := range []struct {
		name      string
		x         []float64
		winmax    int
		want      []float64
		n         int
		high, low []int
	}{
		// R 4.2.2 + COINr winsorise(c(1:10, 30, 100)): 100 -> 30, nwin 1, "winhi" at 12
		{"one point", cat(seq(1, 10), []float64{30, 100}), 5, cat(seq(1, 10), []float64{30, 30}), 1, []int{11}, nil},
		// R 4.2.2 + COINr winsorise(c(1:20, 100, 200), winmax = 1): 200 -> 100, nwin 1, still fails
		{"winmax 1", cat(seq(1, 20), []float64{100, 200}), 1, cat(seq(1, 20), []float64{100, 100}), 1, []int{21}, nil},
		// R 4.2.2 + COINr winsorise(c(1:20, 100, 200)): 200 -> 100, then both 100s -> 20:
		// the tied group grows, nwin 2, "winhi" at 21 and 22
		{"tied group grows", cat(seq(1, 20), []float64{100, 200}), 5, cat(seq(1, 20), []float64{20, 20}), 2, []int{20, 21}, nil},
		// R 4.2.2 + COINr winsorise(c(-100, 1:10)): negative skew, -100 -> 1, "winlo" at 1
		{"low end", cat([]float64{-100}, seq(1, 10)), 5, cat([]float64{1}, seq(1, 10)), 1, nil, []int{0}},
		// R 4.2.2 + COINr winsorise(c(rep(1,45), 2^(10:19))): the top group grows to
		// 5 points, all now 2^14 = 16384; nwin 5
		{"five points", cat(rep(1, 45), pow2(10, 19)), 5, cat(rep(1, 45), pow2(10, 14), rep(16384, 5)), 5, []int{50, 51, 52, 53, 54}, nil},
		// hand: a variable that passes is copied
		{"passes", []float64{1, 2, 3, 4, 5}, 5, []float64{1, 2, 3, 4, 5}, 0, nil, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, w, err := Winsorise(nil, c.x, nil, c.winmax, SkewThreshold, KurtThreshold)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(c.want, got, approx); diff != "" {
				t.Errorf("Winsorise(%v) (-want +got)\n%s", c.x, diff)
			}
			if w.N != c.n || !cmp.Equal(w.High, c.high, cmpEmpty) || !cmp.Equal(w.Low, c.low, cmpEmpty) {
				t.Errorf("Winsorise(%v) = %+v, want N %d, high %v, low %v", c.x, w, c.n, c.high, c.low)
			}
		})
	}
	// R 4.2.2 + COINr winsorise(c(1,1,1,1,1,1,100)): 100 -> 1 ties every value;
	// R stops with "missing value where TRUE/FALSE needed".
	if _, _, err := Winsorise(nil, []float64{1, 1, 1, 1, 1, 1, 100}, nil, 5, 2, 3.5); !errors.Is(err, ErrUndefined) {
		t.Errorf("Winsorise of a variable that becomes all tied: error = %v, want ErrUndefined", err)
	}
}

var cmpEmpty = cmp.Comparer(func(a, b []int) bool {
	if len(a) == 0 && len(b) == 0 {
		return true
	}
	return cmp.Equal([]int(a), []int(b))
})

func rep(v float64, n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = v
	}
	return out
}

func pow2(from, to int) []float64 {
	var out []float64
	for e := from; e <= to; e++ {
		out = append(out, math.Ldexp(1, e))
	}
	return out
}

func TestLogCT(t *testing.T) {
	x, valid := vec(1, 2, na, 11)
	got, err := LogCT(nil, x, valid)
	// R 4.2.2 + COINr log_CT(c(1,2,NA,11), na.rm = TRUE):
	// log(x - 1 + 0.1) = log(0.1), log(1.1), NA, log(10.1)
	want := []float64{-2.3025850929940455, 0.095310179804324935, na, 2.3125354238472138}
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, masked(got, valid), approx); diff != "" {
		t.Errorf("LogCT (-want +got)\n%s", diff)
	}
	if _, err := LogCT(nil, []float64{2, 2}, nil); !errors.Is(err, ErrZeroSpread) {
		t.Errorf("LogCT of equal values: error = %v, want ErrZeroSpread", err)
	}
	// R 4.2.2 + COINr log_CT_plus(c(1,10,10,11)): skew -1.94 <= 0, -log(11 + 0.1 - x)
	got, err = LogCTPlus(nil, []float64{1, 10, 10, 11}, nil)
	want = []float64{-2.3125354238472138, -0.095310179804324532, -0.095310179804324532, 2.3025850929940495}
	if err != nil || !cmp.Equal(want, got, approx) {
		t.Errorf("LogCTPlus(negative skew) = %v, %v, want %v", got, err, want)
	}
	// R 4.2.2 + COINr log_CT_plus(c(1,2,3,11)): skew > 0, log_CT's formula
	got, err = LogCTPlus(nil, []float64{1, 2, 3, 11}, nil)
	want = []float64{-2.3025850929940455, 0.095310179804324935, 0.74193734472937733, 2.3125354238472138}
	if err != nil || !cmp.Equal(want, got, approx) {
		t.Errorf("LogCTPlus(positive skew) = %v, %v, want %v", got, err, want)
	}
	if _, err := LogCTPlus(nil, []float64{1, 2}, nil); !errors.Is(err, ErrUndefined) {
		t.Errorf("LogCTPlus of two values: error = %v, want ErrUndefined", err)
	}
}

func TestTreat(t *testing.T) {
	x55 := cat(rep(1, 45), pow2(10, 19))
	for _, c := range []struct {
		name    string
		x       []float64
		treat   string
		want    []float64 // nil: spot-check only
		spot    map[int]float64
		applied Applied
		nwin    int
		note    bool
	}{
		// COINr test-treat.R "treat_num": Treat(c(1:10, 100), winsorise,
		// winmax 5): 100 becomes 10, the rest unchanged; R 4.2.2 + COINr agrees
		{name: "winsorised", x: cat(seq(1, 10), []float64{100}), treat: "jrc", want: cat(seq(1, 10), []float64{10}), applied: AppliedWinsorise, nwin: 1},
		// R 4.2.2 + COINr Treat defaults on c(1:20, 50, 60, 80, 120, 200, 400, 1000):
		// 1000 -> 400, then both -> 200; passes (skew 1.9638, kurt 2.6265), nwin 2
		{name: "two steps", x: cat(seq(1, 20), []float64{50, 60, 80, 120, 200, 400, 1000}), treat: "jrc",
			want: cat(seq(1, 20), []float64{50, 60, 80, 120, 200, 200, 200}), applied: AppliedWinsorise, nwin: 2},
		// R 4.2.2 + COINr Treat defaults on c(rep(1,45), 2^(10:19)): five points are
		// not enough, so log_CT of the ORIGINAL values: log(x - 1 + 5242.87)
		{name: "log of the original values", x: x55, treat: "jrc",
			spot:    map[int]float64{0: 8.5646243373004172, 45: 8.7428727244089508, 54: 13.179744854141678},
			applied: AppliedLogCT, nwin: 5, note: true},
		// R 4.2.2 + COINr the same with f2 = "log_CT_plus": skew > 0, same values
		{name: "jrc-plus", x: x55, treat: "jrc-plus",
			spot:    map[int]float64{0: 8.5646243373004172, 45: 8.7428727244089508, 54: 13.179744854141678},
			applied: AppliedLogCTPlus, nwin: 5, note: true},
		// COINr test-treat.R "treat_num": winmax 1 without f2 keeps the
		// winsorised values, which still fail
		{name: "winsorise only", x: cat(seq(1, 20), []float64{100, 200}), treat: "winsorise:1",
			want: cat(seq(1, 20), []float64{100, 100}), applied: AppliedWinsorise, nwin: 1, note: true},
		// COINr f1 = "log_CT": hand, log(x - 1 + 0.99) for 1:10 and 100
		{name: "log", x: cat(seq(1, 10), []float64{100}), treat: "log", spot: map[int]float64{0: math.Log(0.99), 10: math.Log(99.99)}, applied: AppliedLogCT},
		// hand: skew 0, passes: untouched
		{name: "passes", x: []float64{1, 2, 3, 4, 5}, treat: "jrc", want: []float64{1, 2, 3, 4, 5}, applied: AppliedNone},
		{name: "none", x: cat(seq(1, 10), []float64{100}), treat: "none", want: cat(seq(1, 10), []float64{100}), applied: AppliedNone},
		// COINr Treat.numeric: f_pass NA returns x untreated
		{name: "too few values", x: []float64{1, 100}, treat: "jrc", want: []float64{1, 100}, applied: AppliedNone, note: true},
		// R 4.2.2 + COINr: winsorise(c(1,1,1,1,1,1,100)) errors; Treat.data.frame
		// catches it and returns the indicator untreated
		{name: "winsorising ties every value", x: []float64{1, 1, 1, 1, 1, 1, 100}, treat: "jrc", want: []float64{1, 1, 1, 1, 1, 1, 100}, applied: AppliedNone, nwin: 1, note: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			tr, err := ParseTreatment(c.treat)
			if err != nil {
				t.Fatal(err)
			}
			got, rep, err := Treat(nil, c.x, nil, tr)
			if err != nil {
				t.Fatalf("Treat(%s) error = %v", c.treat, err)
			}
			if c.want != nil {
				if diff := cmp.Diff(c.want, got, approx); diff != "" {
					t.Errorf("Treat(%s, %v) (-want +got)\n%s", c.treat, c.x, diff)
				}
			}
			for i, v := range c.spot {
				if !close(got[i], v) {
					t.Errorf("Treat(%s)[%d] = %v, want %v", c.treat, i, got[i], v)
				}
			}
			if rep.Applied != c.applied || rep.Winsorised.N != c.nwin || (rep.Note != "") != c.note {
				t.Errorf("Treat(%s) report = %+v, want applied %q, nwin %d, note %v", c.treat, rep, c.applied, c.nwin, c.note)
			}
		})
	}
	// The report's statistics: R 4.2.2 + COINr check_SkewKurt before (c(1:10, 100))
	// and after (c(1:10, 10)).
	_, rep, _ := Treat(nil, cat(seq(1, 10), []float64{100}), nil, Treatment{Method: TreatJRC, Winmax: 5})
	if !close(rep.Before.Skew, 3.2556381840605075) || !close(rep.Before.Kurt, 10.706673906421969) || rep.Before.Pass || !rep.After.Pass {
		t.Errorf("Treat report = %+v", rep)
	}
	if _, _, err := Treat(nil, []float64{1, math.NaN()}, nil, Treatment{Method: TreatJRC}); !errors.Is(err, ErrNaN) {
		t.Errorf("Treat with NaN: error = %v, want ErrNaN", err)
	}
	if _, _, err := Treat(nil, []float64{1, 2}, nil, Treatment{Method: "boxcox"}); !errors.Is(err, ErrDomain) {
		t.Errorf("Treat(boxcox): error = %v, want ErrDomain", err)
	}
}

// Missing values are ignored and left at 0, before and after treatment.
func TestTreatMissing(t *testing.T) {
	x, valid := vec(cat(seq(1, 10), []float64{na, 100})...)
	got, rep, err := Treat(nil, x, valid, Treatment{Method: TreatJRC, Winmax: 5})
	// as "winsorised" above, with a missing value in between
	want := cat(seq(1, 10), []float64{na, 10})
	if err != nil || !cmp.Equal(want, masked(got, valid), approx) || got[10] != 0 || rep.Winsorised.High[0] != 11 {
		t.Errorf("Treat with a missing value = %v, %+v, %v", got, rep, err)
	}
}

func TestParseTreatment(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Treatment
		err  string
	}{
		{in: "none", want: Treatment{Method: TreatNone}},
		{in: "jrc", want: Treatment{Method: TreatJRC, Winmax: 5}},
		{in: "jrc:3", want: Treatment{Method: TreatJRC, Winmax: 3}},
		{in: "JRC-plus", want: Treatment{Method: TreatJRCPlus, Winmax: 5}},
		{in: "winsorise", want: Treatment{Method: TreatWinsorise, Winmax: 5}},
		{in: "winsorise:2", want: Treatment{Method: TreatWinsorise, Winmax: 2}},
		{in: "log", want: Treatment{Method: TreatLog}},
		{in: "log-plus", want: Treatment{Method: TreatLogPlus}},
		{in: "winsorise:0", err: `indicators: treatment "winsorise:0": want winsorise:N with N the most points to winsorise, 1 <= N <= 1000`},
		{in: "log:2", err: `indicators: treatment "log:2": log takes no parameter`},
		{in: "boxcox", err: `indicators: treatment "boxcox": unknown method "boxcox" (want none, jrc[:N], jrc-plus[:N], winsorise[:N], log or log-plus)`},
	} {
		t.Run(c.in, func(t *testing.T) {
			got, err := ParseTreatment(c.in)
			if c.err != "" {
				if err == nil || err.Error() != c.err {
					t.Fatalf("ParseTreatment(%q) error = %v, want %s", c.in, err, c.err)
				}
				return
			}
			if err != nil || got != c.want {
				t.Fatalf("ParseTreatment(%q) = %+v, %v, want %+v", c.in, got, err, c.want)
			}
			if back, err := ParseTreatment(got.String()); err != nil || back != got {
				t.Errorf("ParseTreatment(%q) = %v, %v; want %v", got.String(), back, err, got)
			}
		})
	}
}
