package indicators

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
)

// EqualWeights returns n weights of 1/n (nil for n <= 0).
func EqualWeights(n int) []float64 {
	if n <= 0 {
		return nil
	}
	w := make([]float64, n)
	for i := range w {
		w[i] = 1 / float64(n)
	}
	return w
}

// RenormaliseWeights scales the weights of the present children to sum to
// 1 and sets the others to 0, as COINr's a_* functions do before they
// aggregate (w <- w/sum(w) over the non-NA children):
//
//	dst[i] = w[i] / sum(w[j] for present j)     for present i, else 0
//
// dst may be w. It does not allocate when dst is supplied.
//
// Special cases are:
//
//	present weights sum to 0      error wrapping ErrZeroSpread (COINr: NaN)
//	no present child              error wrapping ErrNoData
//	NaN or ±Inf weight present    error wrapping ErrNaN
func RenormaliseWeights(dst, w []float64, valid []bool) ([]float64, error) {
	const name = "RenormaliseWeights"
	checkLen(name, w, valid)
	dst = dstFor(name, dst, len(w))
	var s neumaier
	n := 0
	for i, v := range w {
		if !present(valid, i) {
			continue
		}
		if !finite(v) {
			return dst, kernelError(name, ErrNaN, "w[%d] = %v", i, v)
		}
		n++
		s.add(v)
	}
	if n == 0 {
		return dst, kernelError(name, ErrNoData, "no present child among %d", len(w))
	}
	sum := s.sum()
	if sum == 0 {
		return dst, kernelError(name, ErrZeroSpread, "the %d present weights sum to 0", n)
	}
	for i, v := range w {
		if present(valid, i) {
			dst[i] = v / sum
		} else {
			dst[i] = 0
		}
	}
	return dst, nil
}

// PCAResult are weights from the first principal component.
type PCAResult struct {
	// Weights are the loadings of the first principal component (COINr:
	// as.numeric(PCAres$rotation[,1])), a unit vector, oriented so that
	// they sum to a positive number.
	Weights []float64
	// VarianceExplained is the first component's share of the total
	// variance (COINr: summary(PCAres)'s "Proportion of Variance").
	VarianceExplained float64
	// Negative is true when a loading is negative: that child would pull
	// the aggregate down, which a composite rarely intends.
	Negative bool
	// Units is the number of complete cases used.
	Units int
}

// PCAWeights computes weights from the first principal component of the
// indicators in cols (cols[k] is indicator k over the units, valids[k] its
// validity; nil means all present), as COINr 1.1.14's get_PCA (R/PCA.R):
//
//	dat4PCA <- stats::na.omit(iData_)                       complete cases
//	PCAres  <- stats::prcomp(dat4PCA, center = TRUE, scale = TRUE)
//	wts     <- as.numeric(PCAres$rotation[,1])
//
// that is the raw loadings (neither squared nor made absolute) of the first
// component of the correlation matrix. DRI computes them with gonum's
// stat.PC on the standardised columns (sample sd, as prcomp's scale). A
// component's sign is arbitrary (prcomp's depends on LAPACK), so DRI orients
// the loadings to sum to a positive number; with COINr's aggregation, which
// renormalises w/sum(w), both signs give the same scores.
//
// Special cases are:
//
//	fewer than 2 indicators, or fewer complete units than indicators + 1
//	                              error wrapping ErrNoData
//	an indicator with zero spread over the complete units
//	                              error wrapping ErrZeroSpread (prcomp stops)
//	NaN or ±Inf marked present    error wrapping ErrNaN
//	columns of different lengths  panics
func PCAWeights(cols [][]float64, valids [][]bool) (PCAResult, error) {
	const name = "PCAWeights"
	k := len(cols)
	n := 0
	if k > 0 {
		n = len(cols[0])
	}
	if valids != nil && len(valids) != k {
		panic(fmt.Sprintf("indicators: %s: len(valids) = %d, want %d", name, len(valids), k))
	}
	ok := func(j, u int) bool { return valids == nil || valids[j] == nil || valids[j][u] }
	for j, c := range cols {
		if len(c) != n {
			panic(fmt.Sprintf("indicators: %s: len(cols[%d]) = %d, want %d", name, j, len(c), n))
		}
		if valids != nil && valids[j] != nil && len(valids[j]) != n {
			panic(fmt.Sprintf("indicators: %s: len(valids[%d]) = %d, want %d", name, j, len(valids[j]), n))
		}
		for u, v := range c {
			if ok(j, u) && !finite(v) {
				return PCAResult{}, kernelError(name, ErrNaN, "cols[%d][%d] = %v", j, u, v)
			}
		}
	}
	var rows []int
	for u := 0; u < n; u++ {
		complete := true
		for j := range cols {
			complete = complete && ok(j, u)
		}
		if complete {
			rows = append(rows, u)
		}
	}
	if k < 2 || len(rows) < k+1 {
		return PCAResult{}, kernelError(name, ErrNoData, "%d complete units for %d indicators: want at least two indicators and more units than indicators", len(rows), k)
	}
	m := mat.NewDense(len(rows), k, nil)
	col := make([]float64, len(rows))
	for j, c := range cols {
		for r, u := range rows {
			col[r] = c[u]
		}
		s, _ := summarise(name, col, nil)
		if s.SD == 0 {
			return PCAResult{}, kernelError(name, ErrZeroSpread, "indicator %d has the same value %v in every complete unit", j, s.Min)
		}
		for r := range rows {
			m.Set(r, j, (col[r]-s.Mean)/s.SD)
		}
	}
	var pc stat.PC
	if !pc.PrincipalComponents(m, nil) {
		return PCAResult{}, kernelError(name, ErrUndefined, "the decomposition did not converge")
	}
	var vecs mat.Dense
	pc.VectorsTo(&vecs)
	vars := pc.VarsTo(nil)
	res := PCAResult{Weights: make([]float64, k), Units: len(rows)}
	var sum, total neumaier
	for j := range res.Weights {
		res.Weights[j] = vecs.At(j, 0)
		sum.add(res.Weights[j])
	}
	for _, v := range vars {
		total.add(v)
	}
	if sum.sum() < 0 {
		for j := range res.Weights {
			res.Weights[j] = -res.Weights[j]
		}
	}
	for _, w := range res.Weights {
		res.Negative = res.Negative || w < 0
	}
	res.VarianceExplained = vars[0] / total.sum()
	if math.IsNaN(res.VarianceExplained) {
		return PCAResult{}, kernelError(name, ErrUndefined, "no variance")
	}
	return res, nil
}
