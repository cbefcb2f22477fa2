package indicators

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// normCase is one normalisation case: a kernel call on x (na = missing) and
// the expected result (na where missing), or the sentinel error expected.
type normCase struct {
	name string
	x    []float64
	call func(dst, x []float64, valid []bool) ([]float64, error)
	want []float64
	err  error
}

func runNormCases(t *testing.T, kernel string, cases []normCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			x, valid := vec(c.x...)
			got, err := c.call(nil, x, valid)
			if c.err != nil {
				if !errors.Is(err, c.err) {
					t.Fatalf("%s(%v) error = %v, want %v", kernel, c.x, err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("%s(%v) error = %v", kernel, c.x, err)
			}
			if diff := cmp.Diff(c.want, masked(got, valid), approx); diff != "" {
				t.Errorf("%s(%v) = %v, want %v (-want +got)\n%s", kernel, c.x, got, c.want, diff)
			}
			for i := range got {
				if !valid[i] && got[i] != 0 {
					t.Errorf("%s(%v)[%d] = %v for a missing value, want 0", kernel, c.x, i, got[i])
				}
			}
		})
	}
}

func minmax(lo, hi float64) func(dst, x []float64, valid []bool) ([]float64, error) {
	return func(dst, x []float64, valid []bool) ([]float64, error) { return NormaliseMinMax(dst, x, valid, lo, hi) }
}

func TestNormaliseMinMax(t *testing.T) {
	runNormCases(t, "NormaliseMinMax", []normCase{
		// hand: (x - 1) / (5 - 1) * 100 = 0, 25, 50, -, 100
		{name: "0-100 with a missing value", x: []float64{1, 2, 3, na, 5}, call: minmax(0, 100), want: []float64{0, 25, 50, na, 100}},
		// hand: (x - 10) / 30 * 9 + 1 = 1, 4, 10
		{name: "onto 1-10", x: []float64{10, 20, 40}, call: minmax(1, 10), want: []float64{1, 4, 10}},
		// hand: U < L reverses: (x - 0) / 4 * (-100) + 100 = 100, 50, 0
		{name: "reversed bounds", x: []float64{0, 2, 4}, call: minmax(100, 0), want: []float64{100, 50, 0}},
		// DRI decision (COINr n_minmax warns and returns NaN)
		{name: "zero spread", x: []float64{3, 3, na, 3}, call: minmax(0, 100), err: ErrZeroSpread},
		{name: "one value", x: []float64{7}, call: minmax(0, 100), err: ErrZeroSpread},
		{name: "all missing", x: []float64{na, na}, call: minmax(0, 100), err: ErrNoData},
		{name: "empty", x: []float64{}, call: minmax(0, 100), err: ErrNoData},
	})
}

func TestNormaliseZScore(t *testing.T) {
	z := func(m, s float64) func(dst, x []float64, valid []bool) ([]float64, error) {
		return func(dst, x []float64, valid []bool) ([]float64, error) { return NormaliseZScore(dst, x, valid, m, s) }
	}
	runNormCases(t, "NormaliseZScore", []normCase{
		// R 4.2.2 + COINr n_zscore(c(2,4,4,4,5,5,7,9)); by hand: mean 5,
		// sample sd sqrt(32/7) = 2.138089935299395, (x - 5) / sd.
		{name: "sample sd", x: []float64{2, 4, 4, 4, 5, 5, 7, 9}, call: z(0, 1),
			want: []float64{-1.4031215200402281, -0.46770717334674267, -0.46770717334674267, -0.46770717334674267, 0, 0, 0.93541434669348533, 1.8708286933869707}},
		// R 4.2.2 + COINr n_zscore(c(3,NA,8,1,6), c(100,10))
		{name: "mean 100 sd 10 with a missing value", x: []float64{3, na, 8, 1, 6}, call: z(100, 10),
			want: []float64{95.17549359322993, na, 111.25718161579685, 88.742818384203147, 104.82450640677007}},
		{name: "sd 0", x: []float64{4, 4, 4}, call: z(0, 1), err: ErrZeroSpread},
		{name: "one value", x: []float64{4, na}, call: z(0, 1), err: ErrZeroSpread},
		// COINr: stopifnot(m_sd[2] > 0)
		{name: "target sd 0", x: []float64{1, 2}, call: z(0, 0), err: ErrDomain},
		{name: "all missing", x: []float64{na}, call: z(0, 1), err: ErrNoData},
	})
}

func TestNormaliseScaled(t *testing.T) {
	s := func(a, b float64) func(dst, x []float64, valid []bool) ([]float64, error) {
		return func(dst, x []float64, valid []bool) ([]float64, error) { return NormaliseScaled(dst, x, valid, a, b) }
	}
	runNormCases(t, "NormaliseScaled", []normCase{
		// R 4.2.2 + COINr n_scaled(c(0,5,10,20), c(2,12)); by hand (x - 2) / 10 * 100
		{name: "GII scaling", x: []float64{0, 5, 10, 20}, call: s(2, 12), want: []float64{-20, 30, 80, 180}},
		// hand: (x - 0) / 20 * 100
		{name: "missing", x: []float64{na, 5, 10}, call: s(0, 20), want: []float64{na, 25, 50}},
		{name: "a = b", x: []float64{1, 2}, call: s(3, 3), err: ErrZeroSpread},
	})
}

func TestNormaliseGoalposts(t *testing.T) {
	g := func(lo, hi, scale float64, dir int) func(dst, x []float64, valid []bool) ([]float64, error) {
		return func(dst, x []float64, valid []bool) ([]float64, error) {
			return NormaliseGoalposts(dst, x, valid, lo, hi, scale, dir)
		}
	}
	runNormCases(t, "NormaliseGoalposts", []normCase{
		// COINr tests/testthat/test-normalise.R "n_funcs": n_goalposts(1,
		// c(0,10,1)) = 0.1, 11 -> 1, -1 -> 0
		{name: "COINr test, direction 1", x: []float64{1, 11, -1}, call: g(0, 10, 1, 1), want: []float64{0.1, 1, 0}},
		// same test, direction = -1: 1 -> 0.9, -1 -> 1, 11 -> 0
		{name: "COINr test, direction -1", x: []float64{1, -1, 11}, call: g(0, 10, 1, -1), want: []float64{0.9, 1, 0}},
		// R 4.2.2 + COINr n_goalposts(c(1,2,11,20,30), c(2,20,100), direction = -1):
		// a price with the 2 % target scoring 100
		{name: "price, lower is better", x: []float64{1, 2, 11, 20, 30}, call: g(2, 20, 100, -1), want: []float64{100, 100, 50, 0, 0}},
		// hand: 5 * x / 100 (Compass scale 0-5)
		{name: "0-5 scale with a missing value", x: []float64{0, na, 20, 73}, call: g(0, 100, 5, 1), want: []float64{0, na, 1, 3.65}},
		{name: "lo = hi", x: []float64{1, 2}, call: g(5, 5, 1, 1), err: ErrZeroSpread},
		{name: "direction 2", x: []float64{1, 2}, call: g(0, 5, 1, 2), err: ErrDomain},
	})
}

func TestNormaliseRanks(t *testing.T) {
	// R 4.2.2: rank(c(10,30,20,30,NA), ties.method = "min", na.last = "keep") = 1 3 2 3 NA
	x := []float64{10, 30, 20, 30, na}
	runNormCases(t, "NormaliseRank", []normCase{
		{name: "rank ties min", x: x, call: NormaliseRank, want: []float64{1, 3, 2, 3, na}},
		{name: "all tied", x: []float64{5, 5, 5}, call: NormaliseRank, want: []float64{1, 1, 1}},
		{name: "all missing", x: []float64{na}, call: NormaliseRank, err: ErrNoData},
	})
	runNormCases(t, "NormaliseBorda", []normCase{
		// COINr n_borda: rank - 1
		{name: "borda", x: x, call: NormaliseBorda, want: []float64{0, 2, 1, 2, na}},
	})
	runNormCases(t, "NormalisePRank", []normCase{
		// R 4.2.2 + COINr n_prank(c(10,30,20,30,40,NA)) = 0 0.5 0.25 0.5 1 NA
		{name: "prank", x: []float64{10, 30, 20, 30, 40, na}, call: NormalisePRank, want: []float64{0, 0.5, 0.25, 0.5, 1, na}},
		// COINr: (1 - 1) / (1 - 1) = NaN; DRI: zero spread
		{name: "one value", x: []float64{na, 3}, call: NormalisePRank, err: ErrZeroSpread},
	})
}

func TestNormaliseDistances(t *testing.T) {
	runNormCases(t, "NormaliseFracMax", []normCase{
		// hand: x / 8
		{name: "fracmax", x: []float64{2, na, 4, 8}, call: NormaliseFracMax, want: []float64{0.25, na, 0.5, 1}},
		// hand: 3 / 3 = 1 each; not an error (no division by the range)
		{name: "all equal", x: []float64{3, 3}, call: NormaliseFracMax, want: []float64{1, 1}},
		{name: "max 0", x: []float64{-1, 0}, call: NormaliseFracMax, err: ErrDomain},
	})
	runNormCases(t, "NormaliseDist2Max", []normCase{
		// hand: 1 - (10 - x) / (10 - 2) = 0, 0.25, 1
		{name: "dist2max", x: []float64{2, 4, 10}, call: NormaliseDist2Max, want: []float64{0, 0.25, 1}},
		{name: "zero spread", x: []float64{2, 2}, call: NormaliseDist2Max, err: ErrZeroSpread},
	})
	ref := func(i int, capMax bool) func(dst, x []float64, valid []bool) ([]float64, error) {
		return func(dst, x []float64, valid []bool) ([]float64, error) {
			return NormaliseDist2Ref(dst, x, valid, i, capMax)
		}
	}
	runNormCases(t, "NormaliseDist2Ref", []normCase{
		// R 4.2.2 + COINr n_dist2ref(c(2,4,6,10), 3) = 0 0.5 1 2; cap_max = TRUE: 0 0.5 1 1
		{name: "reference 6", x: []float64{2, 4, 6, 10}, call: ref(2, false), want: []float64{0, 0.5, 1, 2}},
		{name: "capped", x: []float64{2, 4, 6, 10}, call: ref(2, true), want: []float64{0, 0.5, 1, 1}},
		// COINr: NA with a warning
		{name: "reference missing", x: []float64{2, na, 6}, call: ref(1, false), err: ErrNoData},
		{name: "reference is the minimum", x: []float64{2, 4, 6}, call: ref(0, false), err: ErrZeroSpread},
	})
	targ := func(target float64, dir int, capMax bool) func(dst, x []float64, valid []bool) ([]float64, error) {
		return func(dst, x []float64, valid []bool) ([]float64, error) {
			return NormaliseDist2Targ(dst, x, valid, target, dir, capMax)
		}
	}
	runNormCases(t, "NormaliseDist2Targ", []normCase{
		// COINr test-normalise.R "dist2targ": n_dist2targ(c(0,5,11), 10) = 0 0.5 1.1; capped 0 0.5 1
		{name: "COINr test, direction 1", x: []float64{0, 5, 11}, call: targ(10, 1, false), want: []float64{0, 0.5, 1.1}},
		{name: "COINr test, direction 1, capped", x: []float64{0, 5, 11}, call: targ(10, 1, true), want: []float64{0, 0.5, 1}},
		// same test: n_dist2targ(c(-1,1,10), 0, direction = -1) = 1.1 0.9 0; capped 1 0.9 0
		{name: "COINr test, direction -1", x: []float64{-1, 1, 10}, call: targ(0, -1, false), want: []float64{1.1, 0.9, 0}},
		{name: "COINr test, direction -1, capped", x: []float64{-1, 1, 10}, call: targ(0, -1, true), want: []float64{1, 0.9, 0}},
		{name: "target = min", x: []float64{2, 4}, call: targ(2, 1, false), err: ErrZeroSpread},
		{name: "target = max, direction -1", x: []float64{2, 4}, call: targ(4, -1, false), err: ErrZeroSpread},
		// COINr: stop("targ is NA")
		{name: "target NaN", x: []float64{2, 4}, call: targ(math.NaN(), 1, false), err: ErrDomain},
	})
}

// NaN in a position marked valid is a caller bug: every kernel says so.
func TestNormaliseNaN(t *testing.T) {
	x := []float64{1, math.NaN(), 3}
	for name, f := range map[string]func(dst, x []float64, valid []bool) ([]float64, error){
		"NormaliseMinMax":  minmax(0, 1),
		"NormaliseRank":    NormaliseRank,
		"NormaliseBorda":   NormaliseBorda,
		"NormalisePRank":   NormalisePRank,
		"NormaliseFracMax": NormaliseFracMax,
		"NormaliseDist2Max": func(dst, x []float64, valid []bool) ([]float64, error) {
			return NormaliseDist2Max(dst, x, valid)
		},
		"NormaliseZScore": func(dst, x []float64, valid []bool) ([]float64, error) {
			return NormaliseZScore(dst, x, valid, 0, 1)
		},
		"NormaliseGoalposts": func(dst, x []float64, valid []bool) ([]float64, error) {
			return NormaliseGoalposts(dst, x, valid, 0, 1, 1, 1)
		},
		"NormaliseDist2Targ": func(dst, x []float64, valid []bool) ([]float64, error) {
			return NormaliseDist2Targ(dst, x, valid, 5, 1, false)
		},
	} {
		t.Run(name, func(t *testing.T) {
			dst := []float64{-7, -7, -7}
			if _, err := f(dst, x, nil); !errors.Is(err, ErrNaN) {
				t.Fatalf("%s(%v) error = %v, want ErrNaN", name, x, err)
			}
			if dst[0] != -7 {
				t.Errorf("%s wrote dst on error: %v", name, dst)
			}
			// The same NaN marked missing is ignored.
			if _, err := f(nil, x, []bool{true, false, true}); err != nil {
				t.Errorf("%s with the NaN marked missing: %v", name, err)
			}
		})
	}
}

func TestNormalisePanics(t *testing.T) {
	for name, f := range map[string]func(){
		"valid length": func() { _, _ = NormaliseMinMax(nil, []float64{1, 2}, []bool{true}, 0, 1) },
		"dst length":   func() { _, _ = NormaliseMinMax(make([]float64, 1), []float64{1, 2}, nil, 0, 1) },
		"ref range":    func() { _, _ = NormaliseDist2Ref(nil, []float64{1, 2}, nil, 2, false) },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		})
	}
}

// Apply combines the indicator's direction with the method as COINr does.
func TestNormaliserApply(t *testing.T) {
	for _, c := range []struct {
		name string
		norm string
		x    []float64
		ctx  NormContext
		want []float64
	}{
		// R 4.2.2 + COINr Normalise.numeric(c(1,2,3,5), f_n = "n_minmax", direction = -1)
		{"minmax, direction -1", "minmax:0,100", []float64{1, 2, 3, 5}, NormContext{Direction: -1}, []float64{100, 75, 50, 0}},
		// R 4.2.2 + COINr Normalise.numeric(c(10,30,20,30), f_n = "n_rank", direction = -1) = 4 1 3 1
		{"rank, direction -1", "rank", []float64{10, 30, 20, 30}, NormContext{Direction: -1}, []float64{4, 1, 3, 1}},
		// R 4.2.2 + COINr Normalise.numeric(c(2,4,10), f_n = "n_dist2max", direction = -1) = 1 0.75 0
		{"dist2max, direction -1", "dist2max", []float64{2, 4, 10}, NormContext{Direction: -1}, []float64{1, 0.75, 0}},
		// R 4.2.2 + COINr Normalise.numeric(c(-2,-4,-8), f_n = "n_fracmax", direction = -1) = 0.25 0.5 1
		{"fracmax, direction -1", "fracmax", []float64{-2, -4, -8}, NormContext{Direction: -1}, []float64{0.25, 0.5, 1}},
		// COINr f_n = "none": x * direction
		{"none, direction -1", "none", []float64{1, 2}, NormContext{Direction: -1}, []float64{-1, -2}},
		// R 4.2.2 + COINr coin path (get_iMeta_norm_paras): Normalise.numeric(x,
		// "n_goalposts", list(gposts = c(-20, -2, 100)), direction = -1) = 100 100 50 0 0
		{"goalposts, direction -1", "goalposts", []float64{1, 2, 11, 20, 30}, NormContext{Direction: -1, GoalLo: 2, GoalHi: 20, Scale: 100}, []float64{100, 100, 50, 0, 0}},
		// R 4.2.2 + COINr coin path: Normalise.numeric(c(2,4,6,NA), "n_dist2targ",
		// list(targ = -3), direction = -1) = 1.3333333333333333 0.66666666666666663 0 NA
		{"dist2targ, direction -1", "dist2targ", []float64{2, 4, 6, na}, NormContext{Direction: -1, Target: 3}, []float64{1.3333333333333333, 0.66666666666666663, 0, na}},
		// hand: direction 0 means 1: (x - 1) / 1 * 100
		{"direction 0 is 1", "minmax", []float64{1, 2}, NormContext{}, []float64{0, 100}},
		// hand: -x = -10 -6 -4 -2, xref = -4, min -10: 1 - (-4 - (-x)) / 6 = 0, 2/3, 1, 4/3
		{"dist2ref, direction -1", "dist2ref:C", []float64{10, 6, 4, 2}, NormContext{Direction: -1, RefIndex: 2}, []float64{0, 2.0 / 3, 1, 4.0 / 3}},
	} {
		t.Run(c.name, func(t *testing.T) {
			n, err := ParseNormalisation(c.norm)
			if err != nil {
				t.Fatal(err)
			}
			x, valid := vec(c.x...)
			got, err := n.Apply(nil, x, valid, c.ctx)
			if err != nil {
				t.Fatalf("%s.Apply(%v) error = %v", c.norm, c.x, err)
			}
			if diff := cmp.Diff(c.want, masked(got, valid), approx); diff != "" {
				t.Errorf("%s.Apply(%v) = %v, want %v (-want +got)\n%s", c.norm, c.x, got, c.want, diff)
			}
		})
	}
	if _, err := (Normaliser{Method: "squash"}).Apply(nil, []float64{1, 2}, nil, NormContext{}); !errors.Is(err, ErrDomain) {
		t.Errorf("unknown method: error = %v, want ErrDomain", err)
	}
	if _, err := (Normaliser{Method: NormMinMax, P2: 1}).Apply(nil, []float64{1, 2}, nil, NormContext{Direction: 3}); !errors.Is(err, ErrDomain) {
		t.Errorf("direction 3: error = %v, want ErrDomain", err)
	}
}

func TestParseNormalisation(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Normaliser
		err  string
	}{
		{in: "minmax", want: Normaliser{Method: NormMinMax, P1: 0, P2: 100}},
		{in: "minmax:1,10", want: Normaliser{Method: NormMinMax, P1: 1, P2: 10}},
		{in: " MinMax : 0 , 1 ", want: Normaliser{Method: NormMinMax, P1: 0, P2: 1}},
		{in: "zscore", want: Normaliser{Method: NormZScore, P1: 0, P2: 1}},
		{in: "zscore:100,10", want: Normaliser{Method: NormZScore, P1: 100, P2: 10}},
		{in: "scaled:0,20", want: Normaliser{Method: NormScaled, P1: 0, P2: 20}},
		{in: "dist2ref:KEN", want: Normaliser{Method: NormDist2Ref, Ref: "KEN"}},
		{in: "goalposts", want: Normaliser{Method: NormGoalposts}},
		{in: "none", want: Normaliser{Method: NormNone}},
		{in: "minmax:0", err: `indicators: normalisation "minmax:0": want two parameters L,U`},
		{in: "minmax:0,1,2", err: `indicators: normalisation "minmax:0,1,2": want two parameters L,U`},
		{in: "zscore:0,-1", err: `indicators: normalisation "zscore:0,-1": the standard deviation S must be positive`},
		{in: "scaled", err: `indicators: normalisation "scaled": want two parameters A,B`},
		{in: "scaled:1,1", err: `indicators: normalisation "scaled:1,1": the two parameters A,B must differ`},
		{in: "minmax:a,1", err: `indicators: normalisation "minmax:a,1": parameter "a": not a number`},
		{in: "minmax:0,Inf", err: `indicators: normalisation "minmax:0,Inf": parameter "Inf": not a finite number`},
		{in: "dist2ref", err: `indicators: normalisation "dist2ref": want a reference unit, dist2ref:UNIT`},
		{in: "rank:1", err: `indicators: normalisation "rank:1": rank takes no parameters`},
		{in: "minimax", err: `indicators: normalisation "minimax": unknown method "minimax" (want none, minmax:L,U, zscore:M,S, scaled:A,B, goalposts, rank, borda, prank, fracmax, dist2max, dist2ref:UNIT or dist2targ)`},
	} {
		t.Run(c.in, func(t *testing.T) {
			got, err := ParseNormalisation(c.in)
			if c.err != "" {
				if err == nil || err.Error() != c.err {
					t.Fatalf("ParseNormalisation(%q) error = %v, want %s", c.in, err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseNormalisation(%q) error = %v", c.in, err)
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("ParseNormalisation(%q) (-want +got)\n%s", c.in, diff)
			}
			if back, err := ParseNormalisation(got.String()); err != nil || back != got {
				t.Errorf("ParseNormalisation(%q) = %v, %v; want %v", got.String(), back, err, got)
			}
		})
	}
}

// Property: minmax output lies in [l, u] and reaches both ends.
func TestNormaliseMinMaxProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 500; trial++ {
		n := 2 + r.IntN(60)
		x, valid := make([]float64, n), make([]bool, n)
		for i := range x {
			x[i], valid[i] = r.NormFloat64()*math.Pow(10, float64(r.IntN(8)-4)), r.Float64() > 0.2
		}
		valid[0], valid[1], x[1] = true, true, x[0]+1
		lo, hi := r.Float64()*10, 20+r.Float64()*100
		got, err := NormaliseMinMax(nil, x, valid, lo, hi)
		if err != nil {
			t.Fatal(err)
		}
		seenLo, seenHi := false, false
		for i, v := range got {
			if !valid[i] {
				continue
			}
			if v < lo || v > hi+1e-12*hi {
				t.Fatalf("NormaliseMinMax(%v) = %v outside [%v, %v]", x, v, lo, hi)
			}
			seenLo = seenLo || v == lo
			seenHi = seenHi || math.Abs(v-hi) <= 1e-12*hi
		}
		if !seenLo || !seenHi {
			t.Fatalf("NormaliseMinMax(%v) = %v does not reach both ends", x, got)
		}
	}
}

// minMax equals the fold of math.Min and math.Max bit for bit, signed zeros
// included, over random vectors with missing values.
func TestMinMaxMatchesMath(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	pool := []float64{0, math.Copysign(0, -1), 1, -1, 2.5, -2.5, 1e300, -1e300, 5e-324}
	for trial := range 20000 {
		n := 1 + rng.IntN(8)
		x, valid := make([]float64, n), make([]bool, n)
		for i := range x {
			x[i], valid[i] = pool[rng.IntN(len(pool))], rng.IntN(4) > 0
		}
		lo, hi, cnt, err := minMax("t", x, valid)
		wlo, whi, wn := math.Inf(1), math.Inf(-1), 0
		for i, v := range x {
			if valid[i] {
				wlo, whi, wn = math.Min(wlo, v), math.Max(whi, v), wn+1
			}
		}
		if wn == 0 {
			if err == nil {
				t.Fatalf("trial %d: no error without values", trial)
			}
			continue
		}
		if err != nil || cnt != wn || math.Float64bits(lo) != math.Float64bits(wlo) || math.Float64bits(hi) != math.Float64bits(whi) {
			t.Fatalf("trial %d: %v %v: got %v %v %d %v, want %v %v %d", trial, x, valid, lo, hi, cnt, err, wlo, whi, wn)
		}
	}
	for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if _, _, _, err := minMax("t", []float64{1, bad}, nil); err == nil {
			t.Fatalf("%v accepted", bad)
		}
	}
}
