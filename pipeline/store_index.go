package pipeline

// Dictionary indices of the unit column, for readers that index units
// themselves (the scoring engine): they map each dictionary entry once
// instead of each series or row by its code.

// UnitCodes returns the unit column's dictionary: UnitCodes()[d] is the
// code of dictionary index d, as UnitIndex and SeriesIndexed hand them
// out. The slice is the store's: do not modify it.
func (s *Store) UnitCodes() []string { return s.unitDict }

// UnitIndex returns the dictionary index of row i's unit (see UnitCodes).
func (s *Store) UnitIndex(i int) int { return int(s.unit[i]) }

// SeriesIndexed is Series with each series' unit as its dictionary index
// (see UnitCodes) instead of its code.
func (s *Store) SeriesIndexed(indicator string, fn func(unit int, b Breakdown, years []int16, values []float64)) {
	r, ok := s.ranges[indicator]
	if !ok {
		return
	}
	for a := r[0]; a < r[1]; {
		b := a + 1
		for b < r[1] && s.sameSeries(a, b) {
			b++
		}
		fn(int(s.unit[a]), s.Breakdown(a), s.year[a:b], s.value[a:b])
		a = b
	}
}
