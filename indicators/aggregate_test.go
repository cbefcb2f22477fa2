package indicators

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestAggregate(t *testing.T) {
	for _, c := range []struct {
		name     string
		agg      string
		x        []float64 // na = missing child
		w        []float64
		minShare float64
		want     float64
		ok       bool
		err      error
	}{
		// R 4.2.2 + COINr a_amean(c(1,2,3,NA), c(1,2,3,4)) = 2.3333333333333335;
		// hand: (1 + 4 + 9) / (1 + 2 + 3) = 14/6, the NA's weight dropped
		{name: "amean renormalised over present", agg: "amean", x: []float64{1, 2, 3, na}, w: []float64{1, 2, 3, 4}, want: 2.3333333333333335, ok: true},
		// hand: nil weights are equal: (1 + 2 + 6) / 3
		{name: "amean equal weights", agg: "amean", x: []float64{1, 2, 6}, want: 3, ok: true},
		// R 4.2.2 + COINr a_gmean(c(1,2,4,NA), c(1,1,2,5)) = 2.3784142300054421 = 2^(5/4)
		{name: "gmean", agg: "gmean", x: []float64{1, 2, 4, na}, w: []float64{1, 1, 2, 5}, want: 2.3784142300054421, ok: true},
		// R 4.2.2 + COINr a_hmean(c(1,2,4,NA), c(1,1,2,5)) = 2; hand: 4 / (1 + 1/2 + 2/4)
		{name: "hmean", agg: "hmean", x: []float64{1, 2, 4, na}, w: []float64{1, 1, 2, 5}, want: 2, ok: true},
		// R 4.2.2 + COINr a_hmean(c(-1,2,4), c(1,1,1)) = -12: negatives allowed
		{name: "hmean of a negative", agg: "hmean", x: []float64{-1, 2, 4}, want: -12, ok: true},
		// R 4.2.2 + COINr a_genmean(c(1,2,4), c(1,1,2), p = 2) = 3.0413812651491097 = sqrt(37/4)
		{name: "genmean p 2", agg: "genmean:2", x: []float64{1, 2, 4}, w: []float64{1, 1, 2}, want: 3.0413812651491097, ok: true},
		// R 4.2.2 + COINr a_genmean(c(1,2,4), c(1,1,2), p = -1) = 2 (the harmonic mean)
		{name: "genmean p -1", agg: "genmean:-1", x: []float64{1, 2, 4}, w: []float64{1, 1, 2}, want: 2, ok: true},
		// R 4.2.2 + COINr a_genmean(c(1,2,NA), c(1,1,2), p = 0.5) = NA: sum(w*x^p) has
		// no na.rm, so any missing child makes the generalised mean missing
		{name: "genmean with a missing child is missing (COINr)", agg: "genmean:0.5", x: []float64{1, 2, na}, w: []float64{1, 1, 2}, ok: false},
		// COINr test-aggregate.R "agg_df": a row with 4 of 5 NA and dat_thresh 0.5 is NA
		{name: "coverage below threshold", agg: "amean", x: []float64{na, na, na, na, 5}, w: []float64{1, 2, 3, 4, 5}, minShare: 0.5, ok: false},
		// hand: 3 of 5 present = 0.6, not below 0.6; children 3, 4, 5 with
		// weights 3, 4, 5: (9 + 16 + 25) / 12
		{name: "coverage at threshold", agg: "amean", x: []float64{na, na, 3, 4, 5}, w: []float64{1, 2, 3, 4, 5}, minShare: 0.6, want: 50.0 / 12, ok: true},
		{name: "all missing", agg: "amean", x: []float64{na, na}, ok: false},
		{name: "no children", agg: "amean", x: []float64{}, ok: false},
		// COINr: w/sum(w) = 0/0 = NaN; DRI: missing
		{name: "present weights sum to 0", agg: "amean", x: []float64{1, 2, na}, w: []float64{0, 0, 1}, ok: false},
		// COINr a_gmean stops on any x <= 0, zero-weight children included
		{name: "gmean of 0", agg: "gmean", x: []float64{0, 2}, w: []float64{0, 1}, err: ErrDomain},
		{name: "gmean of a negative", agg: "gmean", x: []float64{-1, 2}, err: ErrDomain},
		// COINr a_hmean stops on x == 0
		{name: "hmean of 0", agg: "hmean", x: []float64{0, 2}, err: ErrDomain},
		// COINr a_genmean stops on x <= 0 with p < 0
		{name: "genmean p < 0 of 0", agg: "genmean:-2", x: []float64{0, 2}, err: ErrDomain},
		// R: (-1)^0.5 is NaN; DRI: a domain error
		{name: "genmean fractional p of a negative", agg: "genmean:0.5", x: []float64{-1, 2}, err: ErrDomain},
		// hand: an integer p of a negative is defined: ((-1)^3 + 2^3) / 2 = 3.5, to the 1/3
		{name: "genmean integer p of a negative", agg: "genmean:3", x: []float64{-1, 2}, want: math.Cbrt(3.5), ok: true},
		// COINr checks dat_thresh before a_gmean: a row below it is NA, no error
		{name: "coverage before domain", agg: "gmean", x: []float64{-1, na, na}, minShare: 0.5, ok: false},
		{name: "NaN marked present", agg: "amean", x: []float64{1, math.Inf(1)}, err: ErrNaN},
	} {
		t.Run(c.name, func(t *testing.T) {
			a, err := ParseAggregation(c.agg)
			if err != nil {
				t.Fatal(err)
			}
			x, valid := vec(c.x...)
			for i, v := range c.x {
				if math.IsInf(v, 0) {
					x[i], valid[i] = v, true
				}
			}
			got, ok, err := a.Aggregate(x, valid, c.w, c.minShare)
			if c.err != nil {
				if !errors.Is(err, c.err) {
					t.Fatalf("%s(%v, w %v) error = %v, want %v", c.agg, c.x, c.w, err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("%s(%v, w %v) error = %v", c.agg, c.x, c.w, err)
			}
			if ok != c.ok || (ok && !close(got, c.want)) {
				t.Errorf("%s(%v, w %v) = %v, %v, want %v, %v", c.agg, c.x, c.w, got, ok, c.want, c.ok)
			}
			// The named kernels agree with the method.
			var kv float64
			var kok bool
			switch a.Method {
			case AggArithmetic:
				kv, kok, err = AggregateArithmetic(x, valid, c.w, c.minShare)
			case AggGeometric:
				kv, kok, err = AggregateGeometric(x, valid, c.w, c.minShare)
			case AggHarmonic:
				kv, kok, err = AggregateHarmonic(x, valid, c.w, c.minShare)
			case AggGeneralised:
				kv, kok, err = AggregateGeneralised(x, valid, c.w, a.P, c.minShare)
			}
			if err != nil || kok != ok || kv != got {
				t.Errorf("kernel for %s = %v, %v, %v; method gave %v, %v", c.agg, kv, kok, err, got, ok)
			}
		})
	}
}

// AggregateColumns gives, unit by unit, what Aggregate gives, to the
// last bit (the arithmetic mean has its own loop over blocks of 128 units:
// 300 units cross two block edges; a zero weight takes part).
func TestAggregateColumns(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	const units, kids = 300, 6
	cols, valids := make([][]float64, kids), make([][]bool, kids)
	for k := range cols {
		cols[k], valids[k] = make([]float64, units), make([]bool, units)
		for u := range cols[k] {
			cols[k][u], valids[k][u] = 1+r.Float64()*99, r.Float64() > 0.25
		}
	}
	// Fractional weights; whole ones (aggregateArithmetic's sum of the
	// weights present by difference), with a zero, negative ones whose
	// present sum can be 0, one of 2^40 (its bound); equal weights (nil).
	// (Negative weights: the arithmetic mean only, the others' results
	// are then outside their domains.)
	for _, w := range [][]float64{{1, 2, 0.5, 0, 3, 1}, {1, 2, 0, 0, 3, 1}, {1 << 40, 1, 3, 1, 1, 7}, nil} {
		for _, s := range []string{"amean", "gmean", "hmean", "genmean:2", "genmean:-0.5"} {
			columnsAsUnits(t, s, w, cols, valids)
		}
	}
	columnsAsUnits(t, "amean", []float64{1, -1, 2, -2, 3, 5}, cols, valids)
	// Zeros of both signs with weights of both signs: the sign of a zero
	// mean is the per-unit aggregator's too.
	zeros := make([][]float64, kids)
	for k := range zeros {
		zeros[k] = make([]float64, units)
		for u := range zeros[k] {
			zeros[k][u] = math.Copysign(0, float64(r.IntN(2))-0.5)
		}
	}
	columnsAsUnits(t, "amean", []float64{1, -1, 2, -2, 3, 5}, zeros, valids)
	columnsAsUnits(t, "amean", []float64{-1, 1, 2, 1, 3, 5}, zeros, valids)
	columnsAsUnits(t, "amean", nil, zeros, valids)
	// More children than aggregateArithmetic's pattern masks hold (64).
	many, manyValid, manyW := make([][]float64, 70), make([][]bool, 70), make([]float64, 70)
	for k := range many {
		many[k], manyValid[k], manyW[k] = make([]float64, units), make([]bool, units), r.Float64()
		for u := range many[k] {
			many[k][u], manyValid[k][u] = r.Float64()*99, r.Float64() > 0.02
		}
	}
	columnsAsUnits(t, "amean", manyW, many, manyValid)
	// An error names the unit.
	_, _, err := Aggregation{Method: AggArithmetic}.AggregateColumns(nil, nil, [][]float64{{1, 2}, {3, math.Inf(1)}}, nil, nil, 0)
	if !errors.Is(err, ErrNaN) || err.Error() != "indicators: Aggregation.AggregateColumns: unit 1: child value or weight +Inf: NaN or infinity marked present" {
		t.Errorf("AggregateColumns error = %v", err)
	}
	_, _, err = Aggregation{Method: AggGeometric}.AggregateColumns(nil, nil, [][]float64{{1, -1}}, nil, nil, 0)
	if !errors.Is(err, ErrDomain) || err.Error() != "indicators: Aggregation.AggregateColumns: unit 1: gmean of a child value -1: outside the method's domain" {
		t.Errorf("AggregateColumns error = %v", err)
	}
}

// columnsAsUnits checks AggregateColumns against Aggregate unit by unit,
// bit for bit.
func columnsAsUnits(t *testing.T, s string, w []float64, cols [][]float64, valids [][]bool) {
	t.Helper()
	a, _ := ParseAggregation(s)
	got, gotValid, err := a.AggregateColumns(nil, nil, cols, valids, w, 0.5)
	if err != nil {
		t.Fatalf("%s %v: %v", s, w, err)
	}
	x, v := make([]float64, len(cols)), make([]bool, len(cols))
	for u := range got {
		for k := range cols {
			x[k], v[k] = cols[k][u], valids[k][u]
		}
		want, ok, err := a.Aggregate(x, v, w, 0.5)
		if err != nil || ok != gotValid[u] || (ok && math.Float64bits(want) != math.Float64bits(got[u])) || (!ok && got[u] != 0) {
			t.Errorf("%s %v unit %d: AggregateColumns = %v, %v; Aggregate = %v, %v, %v", s, w, u, got[u], gotValid[u], want, ok, err)
		}
	}
}

func TestParseAggregation(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Aggregation
		err  string
	}{
		{in: "amean", want: Aggregation{Method: AggArithmetic}},
		{in: " GMEAN ", want: Aggregation{Method: AggGeometric}},
		{in: "hmean", want: Aggregation{Method: AggHarmonic}},
		{in: "genmean:0.5", want: Aggregation{Method: AggGeneralised, P: 0.5}},
		{in: "genmean:-2", want: Aggregation{Method: AggGeneralised, P: -2}},
		{in: "genmean", err: `indicators: aggregation "genmean": want genmean:P with a finite P != 0`},
		{in: "genmean:0", err: `indicators: aggregation "genmean:0": P = 0 is the geometric mean's limit: use gmean`},
		{in: "genmean:NaN", err: `indicators: aggregation "genmean:NaN": parameter "NaN": not a finite number`},
		{in: "amean:1", err: `indicators: aggregation "amean:1": amean takes no parameter`},
		{in: "median", err: `indicators: aggregation "median": unknown method "median" (want amean, gmean, hmean or genmean:P)`},
	} {
		t.Run(c.in, func(t *testing.T) {
			got, err := ParseAggregation(c.in)
			if c.err != "" {
				if err == nil || err.Error() != c.err {
					t.Fatalf("ParseAggregation(%q) error = %v, want %s", c.in, err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseAggregation(%q) error = %v", c.in, err)
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("ParseAggregation(%q) (-want +got)\n%s", c.in, diff)
			}
		})
	}
}

// aggregateArithmetic leaves non-finite values to the unit's result (a
// non-finite sum): its values, validity and errors (the first non-finite
// child value present, an overflow) are the per-unit aggregator's
// (aggregateGeneral), over units with NaN, ±Inf and values whose weighted
// sum overflows, below and above the coverage threshold.
func TestAggregateArithmeticNonFinite(t *testing.T) {
	r := rand.New(rand.NewPCG(19, 3))
	special := []float64{math.NaN(), math.Inf(1), math.Inf(-1), 1e308, -1e308, 0}
	const kids = 5
	for trial := range 2000 {
		cols, valids := make([][]float64, kids), make([][]bool, kids)
		for k := range cols {
			x := r.Float64() * 100
			if r.IntN(4) == 0 {
				x = special[r.IntN(len(special))]
			}
			cols[k], valids[k] = []float64{x}, []bool{r.IntN(5) > 0}
		}
		var w []float64
		if trial%2 == 0 {
			w = []float64{0.5, 1.5, 2, 1, 0.25}
		}
		got, gotValid := make([]float64, 1), make([]bool, 1)
		gotErr := aggregateArithmetic(got, gotValid, nil, cols, valids, w, 0.5)
		want, wantValid := make([]float64, 1), make([]bool, 1)
		wantErr := Aggregation{Method: AggArithmetic}.aggregateGeneral(want, wantValid, nil, cols, valids, w, 0.5)
		if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) || gotValid[0] != wantValid[0] ||
			math.Float64bits(got[0]) != math.Float64bits(want[0]) {
			t.Fatalf("trial %d, %v %v: aggregateArithmetic = %v, %v, %v; the aggregator's = %v, %v, %v",
				trial, cols, valids, got[0], gotValid[0], gotErr, want[0], wantValid[0], wantErr)
		}
	}
}

// aggregateArithmetic's compensated sums (2Sum) are the aggregator's
// (Neumaier's Fast2Sum on the larger operand) bit for bit: over values of
// both signs and magnitudes from subnormal to ±MaxFloat64 (where 2Sum's
// steps overflow and Fast2Sum's do not), ±0, cancellation (x and -x), and
// weights that are not whole, across more units than one block.
func TestAggregateArithmeticSums(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 5))
	edge := []float64{math.MaxFloat64, -math.MaxFloat64, math.SmallestNonzeroFloat64, -math.SmallestNonzeroFloat64,
		math.Copysign(0, -1), 0, 1e308, -1e308, 1, -1}
	const units = 300
	errs := 0
	for trial := range 200 {
		kids := 1 + r.IntN(12)
		cols, valids := make([][]float64, kids), make([][]bool, kids)
		for k := range cols {
			cols[k], valids[k] = make([]float64, units), make([]bool, units)
			for u := range units {
				x := r.NormFloat64() * math.Pow(10, float64(r.IntN(41)-20))
				switch {
				case trial%3 == 0 && r.IntN(40) == 0:
					// In a third of the trials, rarely (an overflow
					// ends the trial in the error both report).
					x = edge[r.IntN(len(edge))]
				case k > 0 && r.IntN(8) == 0:
					x = -cols[k-1][u] // cancels the child before
				}
				cols[k][u], valids[k][u] = x, r.IntN(6) > 0
			}
		}
		var w []float64
		if trial%2 == 0 {
			w = make([]float64, kids)
			for k := range w {
				w[k] = r.Float64() * 3
			}
		}
		got, gotValid := make([]float64, units), make([]bool, units)
		gotErr := aggregateArithmetic(got, gotValid, nil, cols, valids, w, 0.5)
		want, wantValid := make([]float64, units), make([]bool, units)
		wantErr := Aggregation{Method: AggArithmetic}.aggregateGeneral(want, wantValid, nil, cols, valids, w, 0.5)
		if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
			t.Fatalf("trial %d: error %v, the aggregator's %v", trial, gotErr, wantErr)
		}
		if gotErr != nil {
			errs++
			continue
		}
		for u := range units {
			if gotValid[u] != wantValid[u] || math.Float64bits(got[u]) != math.Float64bits(want[u]) {
				t.Fatalf("trial %d unit %d: %v, %v; the aggregator's %v, %v", trial, u, got[u], gotValid[u], want[u], wantValid[u])
			}
		}
	}
	t.Logf("%d of 200 trials end in an error", errs)
}
