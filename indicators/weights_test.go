package indicators

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestEqualWeights(t *testing.T) {
	// hand: 1/4 each
	if got := EqualWeights(4); !cmp.Equal(got, []float64{0.25, 0.25, 0.25, 0.25}) {
		t.Errorf("EqualWeights(4) = %v", got)
	}
	if got := EqualWeights(0); got != nil {
		t.Errorf("EqualWeights(0) = %v, want nil", got)
	}
}

func TestRenormaliseWeights(t *testing.T) {
	// hand: present weights 1 and 3 sum to 4: 0.25, 0, 0.75
	w, valid := []float64{1, 2, 3}, []bool{true, false, true}
	got, err := RenormaliseWeights(nil, w, valid)
	if err != nil || !cmp.Equal(got, []float64{0.25, 0, 0.75}) {
		t.Errorf("RenormaliseWeights(%v, %v) = %v, %v", w, valid, got, err)
	}
	if _, err := RenormaliseWeights(nil, []float64{0, 1}, []bool{true, false}); !errors.Is(err, ErrZeroSpread) {
		t.Errorf("zero sum: error = %v, want ErrZeroSpread", err)
	}
	if _, err := RenormaliseWeights(nil, []float64{1}, []bool{false}); !errors.Is(err, ErrNoData) {
		t.Errorf("none present: error = %v, want ErrNoData", err)
	}
	// In place.
	if _, err := RenormaliseWeights(w, w, nil); err != nil || !close(w[2], 0.5) {
		t.Errorf("in place: %v, %v", w, err)
	}
}

// Property: renormalised weights sum to 1 over the present children and are
// 0 elsewhere.
func TestRenormaliseWeightsProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for trial := 0; trial < 500; trial++ {
		n := 1 + r.IntN(12)
		w, valid := make([]float64, n), make([]bool, n)
		for i := range w {
			w[i], valid[i] = 0.01+r.Float64()*5, r.Float64() > 0.3
		}
		valid[r.IntN(n)] = true
		got, err := RenormaliseWeights(nil, w, valid)
		if err != nil {
			t.Fatal(err)
		}
		s := 0.0
		for i, v := range got {
			if !valid[i] && v != 0 {
				t.Fatalf("RenormaliseWeights(%v, %v): missing child weighs %v", w, valid, v)
			}
			s += v
		}
		if math.Abs(s-1) > 1e-12 {
			t.Fatalf("RenormaliseWeights(%v, %v) sums to %v", w, valid, s)
		}
	}
}

func TestPCAWeights(t *testing.T) {
	// Unit 8 lacks b and is dropped (complete cases, as COINr's na.omit).
	cols := [][]float64{
		{1, 2, 3, 4, 5, 6, 7, 8},
		{2, 1, 4, 3, 6, 5, 8, 0},
		{8, 6, 7, 5, 3, 4, 1, 2},
	}
	valids := [][]bool{nil, {true, true, true, true, true, true, true, false}, nil}
	got, err := PCAWeights(cols, valids)
	if err != nil {
		t.Fatal(err)
	}
	// R 4.2.2: prcomp(na.omit(d), center = TRUE, scale = TRUE)$rotation[,1] =
	// 0.58523019721103697 0.56981660664704203 -0.57690090228875579 (COINr
	// get_PCA's wts; here they already sum to a positive number);
	// sdev[1]^2 / sum(sdev^2) = 0.92923620878056201.
	want := []float64{0.58523019721103697, 0.56981660664704203, -0.57690090228875579}
	if diff := cmp.Diff(want, got.Weights, cmp.Options{approx[0]}); diff != "" {
		t.Errorf("PCAWeights (-want +got)\n%s", diff)
	}
	if !close(got.VarianceExplained, 0.92923620878056201) || !got.Negative || got.Units != 7 {
		t.Errorf("PCAWeights = %+v", got)
	}
	// Flipping every indicator's sign flips the loadings; DRI's orientation
	// (positive sum) brings them back.
	neg := make([][]float64, len(cols))
	for k, c := range cols {
		neg[k] = make([]float64, len(c))
		for u, v := range c {
			neg[k][u] = -v
		}
	}
	flipped, err := PCAWeights(neg, valids)
	if err != nil || !cmp.Equal(want, flipped.Weights, approx) {
		t.Errorf("PCAWeights(-x) = %v, %v, want %v", flipped.Weights, err, want)
	}
	if _, err := PCAWeights(cols[:1], nil); !errors.Is(err, ErrNoData) {
		t.Errorf("one indicator: error = %v, want ErrNoData", err)
	}
	if _, err := PCAWeights([][]float64{{1, 2, 3, 4}, {5, 5, 5, 5}}, nil); !errors.Is(err, ErrZeroSpread) {
		t.Errorf("constant indicator: error = %v, want ErrZeroSpread", err)
	}
}
