package indicators

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRank(t *testing.T) {
	for _, c := range []struct {
		name string
		x    []float64
		want []int
		pct  []float64
	}{
		// R 4.2.2: rank(-c(0.5,0.9,0.9,0.1), ties.method = "min") = 3 1 1 4;
		// percentiles (4 - r) / 3
		{"ties share the lowest rank", []float64{0.5, 0.9, 0.9, 0.1}, []int{3, 1, 1, 4}, []float64{1.0 / 3, 1, 1, 0}},
		// hand: missing stays missing (0), the others rank among themselves
		{"missing", []float64{na, 2, 7}, []int{0, 2, 1}, []float64{na, 0, 1}},
		// hand: a single value is the highest
		{"one", []float64{na, 5}, []int{0, 1}, []float64{na, 1}},
		{"none", []float64{na}, []int{0}, []float64{na}},
	} {
		t.Run(c.name, func(t *testing.T) {
			x, valid := vec(c.x...)
			got, err := Rank(nil, x, valid)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("Rank(%v) (-want +got)\n%s", c.x, diff)
			}
			pct, err := Percentiles(nil, x, valid)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(c.pct, masked(pct, valid), approx); diff != "" {
				t.Errorf("Percentiles(%v) (-want +got)\n%s", c.x, diff)
			}
		})
	}
	if _, err := Rank(nil, []float64{1, math.NaN()}, nil); !errors.Is(err, ErrNaN) {
		t.Errorf("Rank with NaN: error = %v, want ErrNaN", err)
	}
}

// Property: ranks are a permutation with ties: a higher value has a better
// rank, and rank k is followed by k + (number tied at k).
func TestRankProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for trial := 0; trial < 500; trial++ {
		n := 1 + r.IntN(40)
		x, valid := make([]float64, n), make([]bool, n)
		for i := range x {
			x[i], valid[i] = float64(r.IntN(8)), r.Float64() > 0.1
		}
		ranks, err := Rank(nil, x, valid)
		if err != nil {
			t.Fatal(err)
		}
		count := map[int]int{}
		present := 0
		for i, k := range ranks {
			if !valid[i] {
				if k != 0 {
					t.Fatalf("Rank(%v) = %v: a missing value ranked %d", x, ranks, k)
				}
				continue
			}
			present++
			count[k]++
			for j := range x {
				if valid[j] && ((x[j] > x[i] && ranks[j] >= k) || (x[j] == x[i] && ranks[j] != k)) {
					t.Fatalf("Rank(%v) = %v: order broken at %d, %d", x, ranks, i, j)
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

// Both paths (integer keys below radixMin present values, radix from it)
// agree with counting, with ties, negative values, both zeros (which tie),
// subnormals and sizes on either side of radixMin.
func TestRankRadix(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for trial := range 120 {
		n := radixMin + r.IntN(3000)
		switch trial % 3 {
		case 1:
			n = 1 + r.IntN(radixMin+20)
		case 2:
			n = radixMin - 3 + r.IntN(6)
		}
		x, valid := make([]float64, n), make([]bool, n)
		for i := range x {
			switch r.IntN(5) {
			case 0:
				x[i] = float64(r.IntN(10) - 5) // ties, negatives
			case 1:
				x[i] = math.Copysign(0, -1)
			case 2:
				x[i] = []float64{0, 5e-324, -5e-324, math.MaxFloat64, -math.MaxFloat64, 1, math.Nextafter(1, 2), math.Nextafter(1, 0)}[r.IntN(8)]
			default:
				x[i] = r.NormFloat64() * math.Pow(10, float64(r.IntN(20)-10))
			}
			valid[i] = trial%2 == 0 || r.Float64() > 0.2
		}
		got, err := Rank(nil, x, valid)
		if err != nil {
			t.Fatal(err)
		}
		// Reference: rank = 1 + the number of present values above.
		for i := range x {
			if !valid[i] {
				if got[i] != 0 {
					t.Fatalf("missing value ranked %d", got[i])
				}
				continue
			}
			above := 0
			for j := range x {
				if valid[j] && x[j] > x[i] {
					above++
				}
			}
			if got[i] != above+1 {
				t.Fatalf("trial %d: x[%d] = %v ranked %d, want %d", trial, i, x[i], got[i], above+1)
			}
		}
	}
}

// finite and descKey on the values at the edges of float64: finite agrees
// with !IsNaN && !IsInf; descKey orders finite values descending, equal
// keys exactly for equal values (-0 and +0 included).
func TestFiniteAndDescKey(t *testing.T) {
	vals := []float64{math.NaN(), math.Inf(1), math.Inf(-1), -math.MaxFloat64, -1, -math.SmallestNonzeroFloat64,
		math.Copysign(0, -1), 0, math.SmallestNonzeroFloat64, 1, math.Nextafter(1, 2), math.MaxFloat64}
	for _, v := range vals {
		if got, want := finite(v), !math.IsNaN(v) && !math.IsInf(v, 0); got != want {
			t.Errorf("finite(%v) = %v, want %v", v, got, want)
		}
	}
	for _, a := range vals[3:] {
		for _, b := range vals[3:] {
			ka, kb := descKey(a), descKey(b)
			if (a > b) != (ka < kb) || (a == b) != (ka == kb) {
				t.Errorf("descKey(%v) = %#x, descKey(%v) = %#x: order or equality broken", a, ka, b, kb)
			}
		}
	}
}
