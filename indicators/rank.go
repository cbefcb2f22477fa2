package indicators

import (
	"fmt"
	"math"
	"math/bits"
	"sort"
)

// Rank ranks the present values of x with 1 = highest, ties sharing the
// lowest rank number (R's rank(-x, ties.method = "min"), COINr's ranks of
// scores); missing values get 0. dst (nil allocates) must have len(x). It
// sorts the present values' keys (O(n log n)).
//
// Ranks are ints: a rank is a count, and 0 can mark a missing value without
// a separate validity slice (valid[i] is false exactly where dst[i] == 0).
// Below 256 present values it allocates nothing when dst is supplied.
//
// Special cases are:
//
//	no present value              every rank 0, nil error
//	NaN or ±Inf marked present    error wrapping ErrNaN, dst unmodified
func Rank(dst []int, x []float64, valid []bool) ([]int, error) {
	const name = "Rank"
	checkLen(name, x, valid)
	if dst == nil {
		dst = make([]int, len(x))
	} else if len(dst) != len(x) {
		panic(fmt.Sprintf("indicators: %s: len(dst) = %d, want %d", name, len(dst), len(x)))
	}
	// Below radixMin present values: each present value's integer key
	// (ascending key = descending value, equal keys exactly for equal
	// values) and its place among the present ones, sorted in stack
	// buffers by sortKeys, built in the pass that checks the values.
	var keys, tmpK [radixMin]uint64
	var places, tmpP [radixMin]uint8
	var at [radixMin]int // place -> index in x
	n := 0
	for i, v := range x {
		dst[i] = 0
		if !present(valid, i) {
			continue
		}
		if !finite(v) {
			return dst, kernelError(name, ErrNaN, "x[%d] = %v", i, v)
		}
		if n < radixMin {
			keys[n], places[n], at[n] = descKey(v), uint8(n), i
		}
		n++
	}
	if n < radixMin {
		ks := keys[:n]
		sortKeys(ks, places[:n], tmpK[:n], tmpP[:n])
		// Equal values (equal keys) share the rank of the first of them
		// ("min").
		for j, key := range ks {
			i := at[places[j]]
			if j > 0 && key == ks[j-1] {
				dst[i] = dst[at[places[j-1]]]
			} else {
				dst[i] = j + 1
			}
		}
		return dst, nil
	}
	idx := radixSortDesc(x, valid, n)
	for k, i := range idx {
		if k > 0 && x[i] == x[idx[k-1]] {
			dst[i] = dst[idx[k-1]]
			continue
		}
		dst[i] = k + 1
	}
	return dst, nil
}

// sortKeys sorts keys ascending and moves places along with them (len at
// most radixMin; tmpK and tmpP are scratch of the same length). It is a
// most-significant-digit radix sort whose digit adapts to the keys: the
// keys are spread over about as many buckets as there are keys (a power
// of two up to 256) by the top bits of their offset from the smallest key,
// each bucket of more than a few keys is sorted the same way over its own
// range, and a few keys by insertion. Every level narrows the range by at
// least 2^5, so there are at most 13, and a level is one counting pass and
// one move: the scores of 200 units take a level or two, 40 % of the time
// of a comparison sort (docs/BENCHMARKS.md, issue 19).
func sortKeys(keys []uint64, places []uint8, tmpK []uint64, tmpP []uint8) {
	const small = 24
	if len(keys) <= small {
		insertionSort(keys, places)
		return
	}
	lo, hi := keys[0], keys[0]
	for _, k := range keys[1:] {
		lo, hi = min(lo, k), max(hi, k)
	}
	if lo == hi {
		return // all equal
	}
	// About as many buckets as keys (up to 256): fewer for few keys,
	// whose counting would otherwise be mostly empty buckets.
	digit := min(8, bits.Len(uint(len(keys))))
	shift := max(0, bits.Len64(hi-lo)-digit)
	var starts [257]uint16
	buckets := starts[:1<<digit+1]
	for _, k := range keys {
		buckets[(k-lo)>>shift+1]++
	}
	// The running sum in an int: a uint16 one was kept in memory, and
	// each bucket waited for the store of the one before (a fifth of a
	// rank of 200 values).
	sum := 0
	for b, c := range buckets {
		sum += int(c)
		buckets[b] = uint16(sum)
	}
	var next [256]uint16
	copy(next[:], buckets)
	for j, k := range keys {
		b := (k - lo) >> shift
		tmpK[next[b]], tmpP[next[b]] = k, places[j]
		next[b]++
	}
	copy(keys, tmpK)
	copy(places, tmpP)
	// Large buckets are sorted the same way; the small ones (most, with
	// about one key per bucket) by one insertion pass over all the keys,
	// which moves a key only within its bucket, as the buckets are in
	// order: one pass instead of a call per bucket.
	for b := range len(buckets) - 1 {
		if s, e := buckets[b], buckets[b+1]; e-s > small {
			sortKeys(keys[s:e], places[s:e], tmpK[s:e], tmpP[s:e])
		}
	}
	insertionSort(keys, places)
}

// insertionSort sorts keys ascending, moving places along with them.
func insertionSort(keys []uint64, places []uint8) {
	places = places[:len(keys)]
	for j := 1; j < len(keys); j++ {
		k, p := keys[j], places[j]
		if keys[j-1] <= k {
			continue
		}
		m := j
		for ; m > 0 && keys[m-1] > k; m-- {
			keys[m], places[m] = keys[m-1], places[m-1]
		}
		keys[m], places[m] = k, p
	}
}

// descKey maps a finite float64 to an integer key whose ascending order is
// the values' descending order, equal keys exactly for equal values (-0
// and +0 share one key, as they compare equal).
func descKey(v float64) uint64 {
	b := math.Float64bits(v)
	if v == 0 {
		b = 0
	}
	if b>>63 == 1 {
		b = ^b
	} else {
		b |= 1 << 63
	}
	return ^b
}

// radixMin is the number of values from which Rank sorts by radix (below
// it, sorting integer keys in a stack buffer is faster and allocates
// nothing).
const radixMin = 256

// radixSortDesc returns the indices of the n present values in
// descending order of value: an LSD radix sort over 11-bit digits (six
// passes) of an order-preserving transform of the float64 bits, skipping
// the digits that all keys share. -0 and +0 end up adjacent (they compare
// equal).
func radixSortDesc(x []float64, valid []bool, n int) []int32 {
	const bits, digits = 11, 6
	keys, tmpK := make([]uint64, n), make([]uint64, n)
	idx, tmpI := make([]int32, n), make([]int32, n)
	var counts [digits][1 << bits]int32
	k := 0
	for i, v := range x {
		if !present(valid, i) {
			continue
		}
		b := math.Float64bits(v)
		if b>>63 == 1 {
			b = ^b
		} else {
			b |= 1 << 63
		}
		b = ^b // ascending key order = descending value order
		keys[k], idx[k] = b, int32(i)
		for d := range digits {
			counts[d][(b>>(bits*d))&(1<<bits-1)]++
		}
		k++
	}
	for d := range digits {
		c := &counts[d]
		shift := bits * d
		if c[(keys[0]>>shift)&(1<<bits-1)] == int32(n) {
			continue // every key has this digit
		}
		var sum int32
		for j := range c {
			c[j], sum = sum, sum+c[j]
		}
		for j, key := range keys {
			b := (key >> shift) & (1<<bits - 1)
			tmpK[c[b]], tmpI[c[b]] = key, idx[j]
			c[b]++
		}
		keys, tmpK = tmpK, keys
		idx, tmpI = tmpI, idx
	}
	return idx
}

// Percentiles gives each present value its percentile consistent with
// Rank: with n present values and rank r (1 = highest, ties "min"),
//
//	dst = (n - r) / (n - 1)
//
// the share of the other present units that the unit equals or beats: 1 for
// the highest, 0 for the lowest (when it is not tied). Missing values get 0.
//
// Special cases are:
//
//	one present value             1 (it is the highest)
//	no present value              every entry 0, nil error
//	NaN or ±Inf marked present    error wrapping ErrNaN
func Percentiles(dst []float64, x []float64, valid []bool) ([]float64, error) {
	const name = "Percentiles"
	checkLen(name, x, valid)
	dst = dstFor(name, dst, len(x))
	s, err := sortedPresent(name, x, valid)
	if err != nil && !isNoData(err) {
		return dst, err
	}
	n := len(s)
	for i, v := range x {
		switch {
		case !present(valid, i):
			dst[i] = 0
		case n == 1:
			dst[i] = 1
		default:
			r := 1 + n - sort.Search(n, func(k int) bool { return s[k] > v })
			dst[i] = float64(n-r) / float64(n-1)
		}
	}
	return dst, nil
}
