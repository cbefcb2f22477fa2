package indicators

import (
	"cmp"
	"fmt"
	"slices"
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
	type pair struct {
		v float64
		i int
	}
	idx := make([]pair, 0, len(x))
	for i, v := range x {
		dst[i] = 0
		if present(valid, i) {
			idx = append(idx, pair{v, i})
		}
	}
	// Descending, NaN last; ties get equal ranks whatever their order, so an
	// unstable sort is enough.
	slices.SortFunc(idx, func(a, b pair) int {
		switch an, bn := a.v != a.v, b.v != b.v; {
		case an && bn:
			return 0
		case an:
			return 1
		case bn:
			return -1
		}
		return cmp.Compare(b.v, a.v)
	})
	for k, p := range idx {
		if k > 0 && p.v == idx[k-1].v {
			dst[p.i] = dst[idx[k-1].i]
			continue
		}
		dst[p.i] = k + 1
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
