package indicators

import (
	"math"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// Expected values cite their source in a comment. "R 4.2.2 + COINr" means
// the COINr 1.1.14 function named, as stored in bluefoxr/COINr, evaluated
// in R 4.2.2 and printed with sprintf("%.17g").

// tol is the default tolerance: absolute 1e-12 (or relative, for large
// values).
const tol = 1e-12

// approx compares float slices to tol, NaN equal to NaN.
var approx = cmp.Options{cmpopts.EquateApprox(tol, tol), cmpopts.EquateNaNs()}

// na marks a missing value in test tables: vec turns it into valid false.
var na = math.NaN()

// vec splits a table row into values and validity: NaN entries are missing
// (their x is set to 0, which kernels must ignore).
func vec(v ...float64) ([]float64, []bool) {
	x, valid := make([]float64, len(v)), make([]bool, len(v))
	for i, f := range v {
		if math.IsNaN(f) {
			continue
		}
		x[i], valid[i] = f, true
	}
	return x, valid
}

// masked returns got with missing entries replaced by NaN, for comparing
// with a table row written with na.
func masked(got []float64, valid []bool) []float64 {
	out := make([]float64, len(got))
	for i, v := range got {
		out[i] = v
		if valid != nil && !valid[i] {
			out[i] = math.NaN()
		}
	}
	return out
}

func close(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Abs(a-b) <= tol*math.Max(1, math.Abs(b))
}
