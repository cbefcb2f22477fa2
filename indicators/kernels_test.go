package indicators

import (
	"math"
	"math/rand/v2"
	"os/exec"
	"strings"
	"testing"
)

// Property: minmax output lies in [l, u] and hits both ends.
func TestMinMaxProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 200; trial++ {
		n := 2 + r.IntN(50)
		x, valid := make([]float64, n), make([]bool, n)
		for i := range x {
			x[i], valid[i] = r.NormFloat64()*100, r.Float64() > 0.2
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
			if v < lo-1e-9 || v > hi+1e-9 {
				t.Fatalf("NormaliseMinMax(%v) = %v outside [%v, %v]", x, v, lo, hi)
			}
			seenLo = seenLo || math.Abs(v-lo) < 1e-9
			seenHi = seenHi || math.Abs(v-hi) < 1e-9
		}
		if !seenLo || !seenHi {
			t.Fatalf("NormaliseMinMax does not reach both ends: %v", got)
		}
	}
}

// Property: ranks are a permutation with ties: every rank k is followed by
// the next distinct rank k + (number of units tied at k).
func TestRankProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for trial := 0; trial < 200; trial++ {
		n := 1 + r.IntN(40)
		x, valid := make([]float64, n), make([]bool, n)
		for i := range x {
			x[i], valid[i] = float64(r.IntN(8)), r.Float64() > 0.1
		}
		ranks := Rank(nil, x, valid)
		count := map[int]int{}
		present := 0
		for i, k := range ranks {
			if !valid[i] {
				if k != 0 {
					t.Fatalf("missing value ranked %d", k)
				}
				continue
			}
			present++
			count[k]++
			for j := range x {
				if valid[j] && x[j] > x[i] && ranks[j] >= k {
					t.Fatalf("Rank(%v) = %v: higher value not ranked better", x, ranks)
				}
			}
		}
		for k := 1; k <= present; {
			c := count[k]
			if c == 0 {
				t.Fatalf("Rank(%v) = %v: rank %d missing", x, ranks, k)
			}
			k += c
		}
	}
}

// Property: renormalised weights sum to 1 over the present children.
func TestRenormaliseProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for trial := 0; trial < 100; trial++ {
		n := 1 + r.IntN(10)
		w, valid := make([]float64, n), make([]bool, n)
		for i := range w {
			w[i], valid[i] = r.Float64()*5, r.Float64() > 0.3
		}
		valid[0] = true
		RenormaliseWeights(w, valid)
		s := 0.0
		for i, v := range w {
			if !valid[i] && v != 0 {
				t.Fatalf("weight of a missing child = %v", v)
			}
			s += v
		}
		if math.Abs(s-1) > 1e-12 {
			t.Fatalf("renormalised weights sum to %v", s)
		}
	}
}

// Core kernels allocate nothing when dst is supplied (STYLE rule 3).
func TestKernelsDoNotAllocate(t *testing.T) {
	x := []float64{1, 5, 2, 8, 3}
	valid := []bool{true, true, false, true, true}
	w := []float64{1, 2, 1, 1, 3}
	dst := make([]float64, len(x))
	agg := Aggregation{Method: AggArithmetic}
	for name, f := range map[string]func(){
		"NormaliseMinMax":    func() { _, _ = NormaliseMinMax(dst, x, valid, 0, 100) },
		"NormaliseZScore":    func() { _, _ = NormaliseZScore(dst, x, valid, 0, 1) },
		"NormaliseGoalposts": func() { _, _ = NormaliseGoalposts(dst, x, valid, 0, 10, 1) },
		"Aggregate":          func() { _, _, _ = agg.Aggregate(x, valid, w, 0.5) },
		"Summarise":          func() { _, _ = Summarise(x, valid) },
		"Skewness":           func() { _ = Skewness(x, valid) },
	} {
		if n := testing.AllocsPerRun(100, f); n != 0 {
			t.Errorf("%s: %v allocations per run, want 0", name, n)
		}
	}
}

func TestSpecialCases(t *testing.T) {
	if _, err := NormaliseMinMax(nil, []float64{1, 2}, []bool{false, false}, 0, 1); err != ErrNoData {
		t.Errorf("all missing: err = %v, want ErrNoData", err)
	}
	if _, err := NormaliseMinMax(nil, []float64{1, math.NaN()}, nil, 0, 1); err != ErrNaN {
		t.Errorf("NaN present: err = %v, want ErrNaN", err)
	}
	if _, err := NormaliseMinMax(nil, nil, nil, 0, 1); err != ErrNoData {
		t.Errorf("empty: err = %v, want ErrNoData", err)
	}
	defer func() {
		if recover() == nil {
			t.Error("length mismatch did not panic")
		}
	}()
	NormaliseMinMax(nil, []float64{1, 2}, []bool{true}, 0, 1)
}

// The numeric core imports no Arrow, no gin, no net/http (STYLE rule 2).
func TestDependencies(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		for _, banned := range []string{"github.com/apache/arrow-go", "github.com/gin-gonic/gin", "net/http"} {
			if dep == banned || strings.HasPrefix(dep, banned+"/") {
				t.Errorf("indicators imports %s", dep)
			}
		}
	}
}

func TestParseRoundTrip(t *testing.T) {
	for _, s := range []string{"minmax:0,100", "zscore:100,10", "scaled:0,20", "goalposts", "rank", "borda", "prank", "fracmax", "dist2max", "dist2ref:KEN", "dist2targ", "none"} {
		n, err := ParseNormalisation(s)
		if err != nil || n.String() != s {
			t.Errorf("ParseNormalisation(%q) = %v, %v", s, n, err)
		}
	}
	for _, s := range []string{"amean", "gmean", "hmean", "genmean:0.5"} {
		a, err := ParseAggregation(s)
		if err != nil || a.String() != s {
			t.Errorf("ParseAggregation(%q) = %v, %v", s, a, err)
		}
	}
	for _, s := range []string{"none", "mean", "median", "mean-group:income_group", "median-group:region", "latest:3", "linear"} {
		im, err := ParseImputation(s)
		if err != nil || im.String() != s {
			t.Errorf("ParseImputation(%q) = %v, %v", s, im, err)
		}
	}
	for _, s := range []string{"none", "jrc", "winsorise:3", "log"} {
		tr, err := ParseTreatment(s)
		if err != nil || tr.String() != s {
			t.Errorf("ParseTreatment(%q) = %v, %v", s, tr, err)
		}
	}
}

func FuzzParseMethods(f *testing.F) {
	for _, s := range []string{"minmax:0,100", "zscore:0,1", "genmean:2", "winsorise:5", "latest:3", "mean-group:x", "dist2ref:KEN", ":", "minmax:,", "genmean:NaN"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if n, err := ParseNormalisation(s); err == nil {
			if m, err := ParseNormalisation(n.String()); err != nil || m != n {
				t.Fatalf("normalisation %q -> %q does not round-trip", s, n.String())
			}
		}
		if a, err := ParseAggregation(s); err == nil {
			if b, err := ParseAggregation(a.String()); err != nil || b != a {
				t.Fatalf("aggregation %q does not round-trip", s)
			}
		}
		if im, err := ParseImputation(s); err == nil {
			if b, err := ParseImputation(im.String()); err != nil || b != im {
				t.Fatalf("imputation %q does not round-trip", s)
			}
		}
		if tr, err := ParseTreatment(s); err == nil {
			if b, err := ParseTreatment(tr.String()); err != nil || b != tr {
				t.Fatalf("treatment %q does not round-trip", s)
			}
		}
	})
}
