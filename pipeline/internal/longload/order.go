package longload

import (
	"runtime"
	"slices"
	"sort"

	"golang.org/x/sync/errgroup"
)

// The merge puts every row in key order (indicator, unit, sex, area, age,
// income, education, labour, year; then the source's precedence rank, then the row's place in its
// source) and finds the keys given twice. Two ways, same result:
//
//   - orderByCount, when the indicators x units grid is not much larger than
//     the table (always, for country and sub-national data): a parallel
//     counting sort by (indicator, unit) writes each row's ref and values
//     straight into its bucket of the record, then each bucket (a unit's
//     series of one indicator: tens of rows) is checked and, if need be,
//     sorted on the rest of the key. Two passes over the columns, one
//     8-byte ref per row, no gather.
//   - orderBySort otherwise: 24-byte (key, sub-key, ref) entries distributed by
//     indicator and each bucket sorted in parallel; the record is gathered
//     afterwards.
//
// TestMergeOrderPaths checks that both give the same table and problems.

// Loss is a row that lost its key to another row: the refs of both.
type Loss struct{ Loser, Winner uint64 }

// dropped marks a loser's slot in the order until it is compacted away.
const dropped = ^uint64(0)

// keyer computes the observation keys of the merge's rows, in two words.
// The high word: indicator rank 12 bits, unit rank 20. The low word (the
// sub-key), most significant first: sex 2 bits, area 2, age rank 8, income
// 4, education 2, labour 2, year - 1900 8, then 12 bits of precedence
// order (lower = wins) that do not belong to the observation key.
type keyer struct {
	parts                      []Part
	off                        []int // global row offset of each part, the total last
	indRank, unitRank, ageRank []int
	precRank                   []uint64
}

func newKeyer(parts []Part, indRank, unitRank, ageRank []int, precRank []uint64) *keyer {
	k := &keyer{parts: parts, off: make([]int, len(parts)+1), indRank: indRank, unitRank: unitRank, ageRank: ageRank, precRank: precRank}
	for pi, p := range parts {
		k.off[pi+1] = k.off[pi] + p.Cols.Len()
	}
	return k
}

// rows is the number of rows of all parts.
func (k *keyer) rows() int { return k.off[len(k.parts)] }

// Bits of the sub-key's breakdown fields (TestKeyBits checks the code
// lists fit).
const (
	sexBits, areaBits, ageBits, incomeBits, educationBits, labourBits = 2, 2, 8, 4, 2, 2
	yearBits                                                          = 8
)

// key is the high word of a row's key: indicator and unit ranks.
func (k *keyer) key(ref uint64) uint64 {
	c, i := k.parts[ref>>32].Cols, uint32(ref)
	return uint64(k.indRank[c.indicator[i]])<<20 | uint64(k.unitRank[c.unit[i]])
}

// subKey is the low word of the key: all but indicator and unit.
func (k *keyer) subKey(p *Part, i uint32) uint64 {
	c := p.Cols
	s := uint64(c.SexAt(i))
	s = s<<areaBits | uint64(c.AreaAt(i))
	s = s<<ageBits | uint64(k.ageRank[c.AgeAt(i)])
	s = s<<incomeBits | uint64(c.IncomeAt(i))
	s = s<<educationBits | uint64(c.EducationAt(i))
	s = s<<labourBits | uint64(c.LabourAt(i))
	s = s<<yearBits | uint64(int(c.year[i])-1900)
	return s<<keyPrecBits | k.precRank[p.Src]
}

// forRows calls f for the parts' row ranges that fall in global rows
// [lo, hi), in order.
func forRows(parts []Part, off []int, lo, hi int, f func(pi, lo, hi int)) {
	pi := sort.Search(len(parts), func(p int) bool { return off[p+1] > lo })
	for ; pi < len(parts) && off[pi] < hi; pi++ {
		a, b := max(lo, off[pi])-off[pi], min(hi, off[pi+1])-off[pi]
		if a < b {
			f(pi, a, b)
		}
	}
}

// workers runs f(w) for w in [0, n) in parallel and waits: a fork-join
// over n ranges of the rows, one goroutine each.
func workers(n int, f func(w int)) {
	if n == 1 {
		f(0)
		return
	}
	var g errgroup.Group
	for w := range n {
		g.Go(func() error {
			f(w)
			return nil
		})
	}
	_ = g.Wait() // f returns no error
}

// maxCountBuckets is how many (indicator, unit) buckets orderByCount takes
// beyond the number of rows (a variable so a test can force orderBySort).
var maxCountBuckets = 1 << 16

// countable says whether orderByCount takes the rows: a grid of
// (indicator, unit) buckets not much larger than the table.
func (k *keyer) countable(nInd, nUnits int) bool {
	n := k.rows()
	return n < 1<<31 && nInd*nUnits <= n+maxCountBuckets
}

// orderByCount orders the rows by a counting sort on (indicator, unit),
// writing each row into rec (of one slot per row) as it places it; the
// winners end up in rec's first len(order) slots, in order.
func (k *keyer) orderByCount(nInd, nUnits int, rec *recordCols) (order []uint64, losses []Loss) {
	off, n := k.off, k.rows()
	buckets := nInd * nUnits
	w := runtime.GOMAXPROCS(0)
	if n < 1<<16 {
		w = 1
	}
	bucket := func(c *Columns, i int) int {
		return k.indRank[c.indicator[i]]*nUnits + k.unitRank[c.unit[i]]
	}
	// Count per worker (each a contiguous range of rows), then turn the
	// counts into start positions: bucket by bucket, worker by worker, so
	// that a bucket holds its rows in global row order.
	pos := make([][]int32, w)
	workers(w, func(x int) {
		cnt := make([]int32, buckets)
		forRows(k.parts, off, n*x/w, n*(x+1)/w, func(pi, lo, hi int) {
			c := k.parts[pi].Cols
			for i := lo; i < hi; i++ {
				cnt[bucket(c, i)]++
			}
		})
		pos[x] = cnt
	})
	at := int32(0)
	for b := range buckets {
		for x := range w {
			c := pos[x][b]
			pos[x][b] = at
			at += c
		}
	}
	order = make([]uint64, n)
	workers(w, func(x int) {
		next := pos[x]
		forRows(k.parts, off, n*x/w, n*(x+1)/w, func(pi, lo, hi int) {
			p := &k.parts[pi]
			c := p.Cols
			for i := lo; i < hi; i++ {
				b := bucket(c, i)
				at := next[b]
				order[at] = uint64(pi)<<32 | uint64(i)
				rec.set(int(at), p, uint32(i))
				next[b]++
			}
		})
	})
	ends := pos[w-1] // after the scatter: where each bucket ends
	// Sort within buckets and find the losers, buckets split between the
	// workers by rows; the losses come out in key order.
	lost := make([][]Loss, w)
	workers(w, func(x int) {
		blo := sort.Search(buckets, func(b int) bool { return int(ends[b]) > n*x/w })
		bhi := sort.Search(buckets, func(b int) bool { return int(ends[b]) > n*(x+1)/w })
		if x == w-1 {
			bhi = buckets
		}
		start := 0
		if blo > 0 {
			start = int(ends[blo-1])
		}
		var sub []subRef
		for b := blo; b < bhi; b++ {
			lo, hi := start, int(ends[b])
			start = hi
			if hi-lo < 2 {
				continue
			}
			sub = sub[:0]
			sorted := true
			for _, r := range order[lo:hi] {
				s := k.subKey(&k.parts[r>>32], uint32(r))
				if len(sub) > 0 && s < sub[len(sub)-1].sub {
					sorted = false
				}
				sub = append(sub, subRef{s, r})
			}
			if !sorted {
				slices.SortStableFunc(sub, func(a, b subRef) int {
					switch {
					case a.sub < b.sub:
						return -1
					case a.sub > b.sub:
						return 1
					}
					return 0
				})
			}
			win := sub[0]
			for j, e := range sub {
				if !sorted {
					order[lo+j] = e.ref
					rec.reset(lo+j, &k.parts[e.ref>>32], uint32(e.ref))
				}
				if j == 0 {
					continue
				}
				if e.sub>>keyPrecBits == win.sub>>keyPrecBits {
					lost[x] = append(lost[x], Loss{e.ref, win.ref})
					order[lo+j] = dropped
					continue
				}
				win = e
			}
		}
	})
	losses = slices.Concat(lost...)
	if len(losses) > 0 {
		kept := 0
		for i, r := range order {
			if r == dropped {
				continue
			}
			if kept != i {
				order[kept] = r
				rec.move(kept, i)
			}
			kept++
		}
		order = order[:kept]
	}
	return order, losses
}

type subRef struct {
	sub uint64
	ref uint64
}

// keyRef is a row's whole key (hi, sub) and its ref.
type keyRef struct {
	hi, sub, ref uint64
}

// orderBySort orders the rows by sorting (key, ref) entries.
func (k *keyer) orderBySort() (order []uint64, losses []Loss) {
	off := k.off
	entries := make([]keyRef, k.rows())
	parallelRanges(len(k.parts), 2, func(lo, hi int) []struct{} {
		for pi := lo; pi < hi; pi++ {
			e := entries[off[pi]:off[pi+1]]
			p := &k.parts[pi]
			for i := range e {
				ref := uint64(pi)<<32 | uint64(i)
				e[i] = keyRef{k.key(ref), k.subKey(p, uint32(i)), ref}
			}
		}
		return nil
	})
	entries = sortEntries(entries)
	order = make([]uint64, 0, len(entries))
	var win keyRef
	for i, e := range entries {
		if i == 0 || e.hi != win.hi || e.sub>>keyPrecBits != win.sub>>keyPrecBits {
			win = e
			order = append(order, e.ref)
			continue
		}
		losses = append(losses, Loss{e.ref, win.ref})
	}
	return order, losses
}

// sortEntries sorts by key then ref. Large inputs are first distributed
// by indicator (the key's top bits, one counting pass), then the buckets
// are sorted in parallel, each small enough to stay in cache.
func sortEntries(e []keyRef) []keyRef {
	less := func(a, b keyRef) int {
		switch {
		case a.hi < b.hi:
			return -1
		case a.hi > b.hi:
			return 1
		case a.sub < b.sub:
			return -1
		case a.sub > b.sub:
			return 1
		case a.ref < b.ref:
			return -1
		case a.ref > b.ref:
			return 1
		}
		return 0
	}
	if len(e) < 1<<16 {
		slices.SortFunc(e, less)
		return e
	}
	const shift = 20 // the indicator rank in hi
	var start [maxIndRank + 1]int
	for _, x := range e {
		start[x.hi>>shift+1]++
	}
	for i := 1; i < len(start); i++ {
		start[i] += start[i-1]
	}
	out := make([]keyRef, len(e))
	next := start
	for _, x := range e {
		b := x.hi >> shift
		out[next[b]] = x
		next[b]++
	}
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for b := range maxIndRank {
		if start[b+1]-start[b] > 1 {
			g.Go(func() error {
				slices.SortFunc(out[start[b]:start[b+1]], less)
				return nil
			})
		}
	}
	_ = g.Wait() // the sorts return no error
	return out
}
