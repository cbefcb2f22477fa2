package indicators

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
)

// EqualWeights returns n weights of 1/n.
func EqualWeights(n int) []float64 {
	w := make([]float64, n)
	for i := range w {
		w[i] = 1 / float64(n)
	}
	return w
}

// RenormaliseWeights scales the weights of the present children to sum to 1
// and sets the others to 0, in place; it returns w. If no present child has
// a positive weight every entry becomes 0.
func RenormaliseWeights(w []float64, valid []bool) []float64 {
	if valid != nil && len(valid) != len(w) {
		panic(fmt.Sprintf("indicators: RenormaliseWeights: len(valid) = %d, len(w) = %d", len(valid), len(w)))
	}
	var s float64
	for i, v := range w {
		if present(valid, i) {
			s += v
		}
	}
	for i := range w {
		if !present(valid, i) || s == 0 {
			w[i] = 0
			continue
		}
		w[i] /= s
	}
	return w
}

// PCAResult are weights from the first principal component.
type PCAResult struct {
	// Weights are the first component's loadings, oriented so they sum to a
	// positive number (a component's sign is arbitrary).
	Weights []float64
	// VarianceExplained is the first component's share of total variance.
	VarianceExplained float64
	// Negative is true when a loading is negative: an indicator would then
	// pull the aggregate down, which a composite rarely intends.
	Negative bool
	// Units is the number of complete cases used.
	Units int
}

// PCAWeights computes weights from the first principal component of the
// standardised columns of data (units x indicators, row-major with
// validity), on the complete cases only, as COINr's get_PCA does
// (stats::prcomp(center = TRUE, scale = TRUE) on na.omit(data); weights =
// rotation[, 1]). Uses gonum's stat.PC.
//
// Special cases are: fewer complete cases than indicators + 1, or a column
// with no spread, is an error.
func PCAWeights(data [][]float64, valid [][]bool) (PCAResult, error) {
	if len(data) == 0 {
		return PCAResult{}, ErrNoData
	}
	k := len(data[0])
	var rows [][]float64
	for i, r := range data {
		if len(r) != k {
			panic(fmt.Sprintf("indicators: PCAWeights: row %d has %d columns, want %d", i, len(r), k))
		}
		complete := true
		for j := range r {
			if valid != nil && !valid[i][j] {
				complete = false
			}
		}
		if complete {
			rows = append(rows, r)
		}
	}
	if len(rows) < k+1 || k < 2 {
		return PCAResult{}, fmt.Errorf("indicators: PCA needs more complete units (%d) than indicators (%d), and two indicators at least", len(rows), k)
	}
	m := mat.NewDense(len(rows), k, nil)
	for j := 0; j < k; j++ {
		col := make([]float64, len(rows))
		for i, r := range rows {
			col[i] = r[j]
		}
		mean, sd := stat.MeanStdDev(col, nil)
		if sd == 0 || math.IsNaN(sd) {
			return PCAResult{}, fmt.Errorf("indicators: PCA: column %d: %w", j, ErrZeroSpread)
		}
		for i := range col {
			m.Set(i, j, (col[i]-mean)/sd)
		}
	}
	var pc stat.PC
	if !pc.PrincipalComponents(m, nil) {
		return PCAResult{}, fmt.Errorf("indicators: PCA: decomposition failed")
	}
	var vecs mat.Dense
	pc.VectorsTo(&vecs)
	vars := pc.VarsTo(nil)
	res := PCAResult{Weights: make([]float64, k), Units: len(rows)}
	var sum, total float64
	for j := 0; j < k; j++ {
		res.Weights[j] = vecs.At(j, 0)
		sum += res.Weights[j]
	}
	for _, v := range vars {
		total += v
	}
	if sum < 0 {
		for j := range res.Weights {
			res.Weights[j] = -res.Weights[j]
		}
	}
	for _, w := range res.Weights {
		if w < 0 {
			res.Negative = true
		}
	}
	res.VarianceExplained = vars[0] / total
	return res, nil
}
