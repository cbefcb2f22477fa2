package indicators

import (
	"fmt"
	"sort"
)

// Rank ranks the present values with 1 = highest, ties sharing the lowest
// rank number (R's rank(-x, ties.method = "min")); missing values get 0.
// dst (nil allocates) must have len(x). It allocates an index (O(n log n)).
//
// Special cases are: NaN values marked present rank after every number.
func Rank(dst []int, x []float64, valid []bool) []int {
	checkLen("Rank", x, valid)
	if dst == nil {
		dst = make([]int, len(x))
	} else if len(dst) != len(x) {
		panic(fmt.Sprintf("indicators: Rank: len(dst) = %d, want %d", len(dst), len(x)))
	}
	idx := make([]int, 0, len(x))
	for i := range x {
		dst[i] = 0
		if present(valid, i) {
			idx = append(idx, i)
		}
	}
	sort.SliceStable(idx, func(a, b int) bool {
		va, vb := x[idx[a]], x[idx[b]]
		if va != va { // NaN last
			return false
		}
		if vb != vb {
			return true
		}
		return va > vb
	})
	for k, i := range idx {
		if k > 0 && x[i] == x[idx[k-1]] {
			dst[i] = dst[idx[k-1]]
			continue
		}
		dst[i] = k + 1
	}
	return dst
}

// PercentileRank is the share of the other present values that v is at or
// above: (number of present values < v + half the ties other than v) /
// (n - 1), in [0, 1]; 1 = the highest. With one present value it is 1.
func PercentileRank(v float64, x []float64, valid []bool) float64 {
	checkLen("PercentileRank", x, valid)
	below, ties, n := 0, 0, 0
	for i, xi := range x {
		if !present(valid, i) {
			continue
		}
		n++
		switch {
		case xi < v:
			below++
		case xi == v:
			ties++
		}
	}
	if n <= 1 {
		return 1
	}
	if ties > 0 {
		ties-- // v itself
	}
	return (float64(below) + float64(ties)/2) / float64(n-1)
}
