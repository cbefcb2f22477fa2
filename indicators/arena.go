package indicators

// arena hands out the per-unit slices of one Result. ScoreYears hands a
// year's arena on to the next year, which clears and reuses the memory:
// scoring every year of a long panel then touches one result's memory per
// loop instead of one per year (fresh memory is the dearer part of batch
// scoring; docs/BENCHMARKS.md).
type arena struct {
	f64   slab[float64]
	bools slab[bool]
	ints  slab[int]
	tiers slab[Tier]
	nodes []NodeResult // one per framework node, and pointers to them
	ptrs  []*NodeResult
}

// nodeResults returns n pointers to zeroed NodeResults, from one block
// (reused by the next year of ScoreYears: the earlier result is not read again).
func (a *arena) nodeResults(n int) []*NodeResult {
	if cap(a.nodes) < n {
		a.nodes, a.ptrs = make([]NodeResult, n), make([]*NodeResult, n)
	}
	a.nodes, a.ptrs = a.nodes[:n], a.ptrs[:n]
	for i := range a.nodes {
		a.nodes[i] = NodeResult{}
		a.ptrs[i] = &a.nodes[i]
	}
	return a.ptrs[:n:n]
}

// buildShape is what a build takes from its arena: nodes framework nodes,
// leaves of them indicators, extras extra indicators and tiers tier
// columns over units units, and scratch columns for the indicators' Values
// that aggregateTree computes (mostLeafChildren). treated says whether the
// leaves are treated or normalised other than by min-max or none (their
// Treated and Value are then stored), leafRanks whether they are ranked,
// years whether they store their Year (a year window), views whether their
// Raw and RawValid are a store panel's rows (selectRowsView: then a leaf
// takes its own columns only when a value of an earlier year fills a gap),
// imputed whether they have an Imputed column (a build that may impute),
// gender whether the leaves store Value and Valid from the start (a gender
// framework's).
type buildShape struct {
	nodes, leaves, extras, tiers, units, scratch      int
	treated, leafRanks, years, views, imputed, gender bool
}

// reserve sizes a fresh arena's first chunks for a build of shape s (what
// a composite Score takes: one chunk each instead of one per slabPer
// requests).
func (a *arena) reserve(s buildShape) {
	aggregates := s.nodes - s.leaves
	f64 := 2*aggregates + s.extras + s.scratch // Value, Coverage; extras' Raw
	bools := aggregates + 2*s.extras           // Valid; extras' RawValid, Imputed
	ints := 2 * aggregates                     // Rank, Parts
	if s.gender {
		f64 += s.leaves
		bools += s.leaves
	}
	if !s.views {
		f64 += s.leaves   // Raw
		bools += s.leaves // RawValid (and Valid)
		if s.years {
			ints += s.leaves
		}
	}
	if s.imputed {
		bools += s.leaves
	}
	if s.treated {
		f64 += 2 * s.leaves // Treated, Value
	}
	if s.years {
		ints += s.extras
	}
	if s.leafRanks {
		ints += s.leaves
		f64++ // the column ranked
	}
	a.f64.reserve(f64 * s.units)
	a.bools.reserve(bools * s.units)
	a.ints.reserve(ints * s.units)
	a.tiers.reserve(s.tiers * s.units)
}

// mostLeafChildren is the most indicators an aggregate has among its
// children: the columns aggregateTree computes at once.
func (f *Framework) mostLeafChildren() int {
	most := 0
	for _, node := range f.nodes {
		k := 0
		for _, c := range node.Children {
			k += b2i(c.IsIndicator())
		}
		most = max(most, k)
	}
	return most
}

// leaves is the number of indicators in the framework's tree.
func (f *Framework) leaves() int {
	if len(f.nodes) == 0 {
		return 0
	}
	return f.nodes[0].leaves // Init: one top node
}

// tierColumns is the number of tier columns a build classifies: a Tier
// per aggregate, and a Class for EGDI's scheme.
func (f *Framework) tierColumns() int {
	if f.tiers == nil {
		return 0
	}
	tiers := len(f.nodes) - f.leaves()
	if _, egdi := f.tiers.(EGDIGroups); egdi {
		tiers *= 2
	}
	return tiers
}

func (a *arena) reset() {
	a.f64.reset()
	a.bools.reset()
	a.ints.reset()
	a.tiers.reset()
}

// slab is a list of chunks handed out front to back; reset starts over.
type slab[T any] struct {
	chunks [][]T
	// dirty[i] is how far chunk i has ever been handed out: beyond it
	// the chunk is still as make left it, zero, and take need not clear
	// it (a fresh build then clears its memory once, not twice).
	dirty []int
	ci    int // current chunk
	off   int // next free element in it
}

// slabPer is how many requests of the first size a chunk holds: chunks
// follow the number of units (193 countries or 5,000 regions).
const slabPer = 8

// take returns n zero values of T (a slice with capacity n).
func (s *slab[T]) take(n int) []T {
	for ; s.ci < len(s.chunks); s.ci, s.off = s.ci+1, 0 {
		if c := s.chunks[s.ci]; s.off+n <= len(c) {
			out := c[s.off : s.off+n : s.off+n]
			if d := s.dirty[s.ci]; d > s.off {
				clear(out[:min(n, d-s.off)])
			}
			s.off += n
			s.dirty[s.ci] = max(s.dirty[s.ci], s.off)
			return out
		}
	}
	c := make([]T, max(n*slabPer, 64))
	s.chunks, s.dirty = append(s.chunks, c), append(s.dirty, n)
	s.ci, s.off = len(s.chunks)-1, n
	return c[:n:n]
}

func (s *slab[T]) reset() { s.ci, s.off = 0, 0 }

// reserve gives an empty slab a first chunk of n elements.
func (s *slab[T]) reserve(n int) {
	if len(s.chunks) == 0 && n > 0 {
		s.chunks, s.dirty = append(s.chunks, make([]T, n)), append(s.dirty, 0)
	}
}
