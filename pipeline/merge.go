package pipeline

import (
	"fmt"
	"runtime"
	"slices"
	"sync"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// part is a chunk of one source's rows.
type part struct {
	src  int
	cols *columns
}

// Limits of the key's fields (keyer in order.go).
const (
	keyPrecBits = 12
	maxIndRank  = 1 << 12
	maxUnitRank = 1 << 20
	maxAgeRank  = 1 << 8
	maxSources  = 1 << keyPrecBits
)

// merge resolves keys given by several sources (the higher precedence wins,
// then the later catalogue entry), detects keys given twice by one source
// (duplicate-key errors: the later line is quarantined), orders the winners
// by indicator, unit, sex, area, age and year (order.go), and builds the
// Arrow record.
func merge(sources []*source, ref *Reference, reg *Registry, ages, notes []string, mem memory.Allocator) (arrow.RecordBatch, error) {
	units := ref.Units()
	if len(reg.Indicators) > maxIndRank || len(units) > maxUnitRank || len(ages) > maxAgeRank || len(sources) > maxSources {
		return nil, fmt.Errorf("pipeline: merge: too many indicators (%d), units (%d), age codes (%d) or sources (%d) for one table",
			len(reg.Indicators), len(units), len(ages), len(sources))
	}
	unitRank := rankStrings(len(units), func(i int) string { return units[i].Code })
	indRank := rankStrings(len(reg.Indicators), func(i int) string { return reg.Indicators[i].ID })
	ageRank := rankStrings(len(ages), func(i int) string { return ages[i] })
	// Precedence order: higher precedence first, then the later entry.
	byPrec := make([]int, len(sources))
	for i := range byPrec {
		byPrec[i] = i
	}
	slices.SortStableFunc(byPrec, func(a, b int) int {
		if pa, pb := sources[a].entry.Precedence, sources[b].entry.Precedence; pa != pb {
			return pb - pa
		}
		return sources[b].index - sources[a].index
	})
	precRank := make([]uint64, len(sources))
	for r, si := range byPrec {
		precRank[si] = uint64(r)
	}
	// Every source's rows come in parts (column chunks); a row's ref is the
	// part's global index << 32 | the row in it. Parts of one source are in
	// file order, so among equal keys of one source the earlier line sorts
	// first and wins.
	var parts []part
	for si, s := range sources {
		for _, c := range s.allParts() {
			parts = append(parts, part{src: si, cols: c})
		}
	}
	if len(parts) >= 1<<31 {
		return nil, fmt.Errorf("pipeline: merge: too many parts (%d)", len(parts))
	}
	k := newKeyer(parts, indRank, unitRank, ageRank, precRank)
	var order []uint64
	var losses []loss
	var rec *recordCols
	if k.countable(len(reg.Indicators), len(units)) {
		// The counting sort writes the record's columns as it places the
		// rows (no gather afterwards).
		rec = newRecordCols(mem, k.rows())
		order, losses = k.orderByCount(len(reg.Indicators), len(units), rec)
	} else {
		order, losses = k.orderBySort()
		if len(order) >= bigLoad {
			runtime.GC() // the sort's garbage: reuse it for the record
		}
		rec = newRecordCols(mem, len(order))
		rec.gather(order, parts)
	}
	traceT("order")

	type pair struct{ loser, winner int }
	superseded := map[pair]int{}
	example := map[pair]uint64{}
	for _, l := range losses {
		lp, lr := parts[l.loser>>32], uint32(l.loser)
		wp, wr := parts[l.winner>>32], uint32(l.winner)
		if lp.src == wp.src {
			s := sources[lp.src]
			c := lp.cols
			s.report.Loaded--
			s.report.Quarantined++
			s.Problem(int(c.lineAt(lr)), 0, Error, RuleDuplicateKey, "%s %d %s sex=%s area=%s age=%s already given on line %d",
				units[c.unit[lr]].Code, c.year[lr], reg.Indicators[c.indicator[lr]].ID, sexCodesOrd[c.sexAt(lr)],
				areaOrd[c.areaAt(lr)], ages[c.ageAt(lr)], wp.cols.lineAt(wr))
			continue
		}
		p := pair{lp.src, wp.src}
		if superseded[p] == 0 {
			example[p] = l.loser
		}
		superseded[p]++
	}
	pairs := make([]pair, 0, len(superseded))
	for p := range superseded {
		pairs = append(pairs, p)
	}
	slices.SortFunc(pairs, func(a, b pair) int {
		if a.loser != b.loser {
			return a.loser - b.loser
		}
		return a.winner - b.winner
	})
	for _, p := range pairs {
		count := superseded[p]
		loser, winner := sources[p.loser], sources[p.winner]
		loser.report.Superseded += count
		ex := example[p]
		row := uint32(ex)
		c := parts[ex>>32].cols
		loser.Problem(int(c.lineAt(row)), 0, Notice, RuleSuperseded,
			"%d values also given by %s (precedence %d >= %d) were superseded by it, e.g. %s %d %s sex=%s",
			count, winner.entry.ID, winner.entry.Precedence, loser.entry.Precedence,
			units[c.unit[row]].Code, c.year[row], reg.Indicators[c.indicator[row]].ID, sexCodesOrd[c.sexAt(row)])
	}
	// Duplicate-key problems were appended out of line order.
	for _, s := range sources {
		slices.SortStableFunc(s.report.Problems, func(a, b Problem) int { return a.Line - b.Line })
	}
	traceT("dedupe")
	defer traceT("build")
	return rec.record(mem, order, parts, sources, units, reg, ages, notes)
}

// rankStrings returns, for each index, the rank of its string in sorted order.
func rankStrings(n int, at func(int) string) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		sa, sb := at(a), at(b)
		switch {
		case sa < sb:
			return -1
		case sa > sb:
			return 1
		}
		return 0
	})
	rank := make([]int, n)
	for r, i := range idx {
		rank[i] = r
	}
	return rank
}

// recordCols are the canonical record's columns being filled, written in
// place in Arrow buffers (no Go slices copied into builders). Arrow's
// allocators return zeroed memory, and a row is first written with set,
// which stores only non-zero codes: the pages of a column of defaults
// (most rows of a large panel) are never touched.
type recordCols struct {
	unitB, yearB, indB, sexB, areaB, ageB, valB, statB, srcB *memory.Buffer

	unit, ind, sex, area, age, status, src []int32
	year                                   []int16
	value                                  []float64
}

func newRecordCols(mem memory.Allocator, n int) *recordCols {
	r := &recordCols{}
	r.unitB, r.unit = newBuffer[int32](mem, n)
	r.yearB, r.year = newBuffer[int16](mem, n)
	r.indB, r.ind = newBuffer[int32](mem, n)
	r.sexB, r.sex = newBuffer[int32](mem, n)
	r.areaB, r.area = newBuffer[int32](mem, n)
	r.ageB, r.age = newBuffer[int32](mem, n)
	r.valB, r.value = newBuffer[float64](mem, n)
	r.statB, r.status = newBuffer[int32](mem, n)
	r.srcB, r.src = newBuffer[int32](mem, n)
	return r
}

// set writes row j of part p into slot i, which must still be zero.
func (r *recordCols) set(i int, p *part, j uint32) {
	c := p.cols
	r.unit[i] = c.unit[j]
	r.year[i] = c.year[j]
	r.ind[i] = c.indicator[j]
	r.value[i] = c.value[j]
	if p.src != 0 {
		r.src[i] = int32(p.src)
	}
	if v := c.sexAt(j); v != 0 {
		r.sex[i] = int32(v)
	}
	if v := c.areaAt(j); v != 0 {
		r.area[i] = int32(v)
	}
	if v := c.ageAt(j); v != 0 {
		r.age[i] = v
	}
	if v := c.statusAt(j); v != 0 {
		r.status[i] = int32(v)
	}
}

// reset writes row j of part p into slot i over whatever it held.
func (r *recordCols) reset(i int, p *part, j uint32) {
	r.src[i], r.sex[i], r.area[i], r.age[i], r.status[i] = 0, 0, 0, 0, 0
	r.set(i, p, j)
}

// move copies slot from into slot to.
func (r *recordCols) move(to, from int) {
	r.unit[to], r.year[to], r.ind[to], r.value[to], r.src[to] = r.unit[from], r.year[from], r.ind[from], r.value[from], r.src[from]
	r.sex[to], r.area[to], r.age[to], r.status[to] = r.sex[from], r.area[from], r.age[from], r.status[from]
}

// gather fills the slots with the rows of order, by GOMAXPROCS goroutines
// over row ranges.
func (r *recordCols) gather(order []uint64, parts []part) {
	parallelRanges(len(order), 1<<16, func(lo, hi int) []struct{} {
		for i := lo; i < hi; i++ {
			ref := order[i]
			r.set(i, &parts[ref>>32], uint32(ref))
		}
		return nil
	})
}

// record wraps the first len(order) slots (the rows of order) with their
// dictionaries and the note column as the canonical record.
func (r *recordCols) record(mem memory.Allocator, order []uint64, parts []part, sources []*source, units []*Unit, reg *Registry, ages, notes []string) (arrow.RecordBatch, error) {
	n := len(order)
	hasNotes := false
	for _, p := range parts {
		hasNotes = hasNotes || p.cols.note != nil
	}
	var noted []int
	if hasNotes {
		noted = parallelRanges(n, 1<<16, func(lo, hi int) []int {
			var noted []int
			for i := lo; i < hi; i++ {
				if parts[order[i]>>32].cols.noteAt(uint32(order[i])) != 0 {
					noted = append(noted, i)
				}
			}
			return noted
		})
	}
	unitCodes := make([]string, len(units))
	for i, u := range units {
		unitCodes[i] = u.Code
	}
	srcIDs := make([]string, len(sources))
	for i, s := range sources {
		srcIDs[i] = s.entry.ID
	}
	cols := make([]arrow.Array, 0, len(Schema.Fields()))
	defer func() {
		for _, c := range cols {
			c.Release()
		}
	}()
	add := func(a arrow.Array) { cols = append(cols, a) }
	add(dictArray(mem, r.unitB, n, unitCodes))
	add(primitiveArray(arrow.PrimitiveTypes.Int16, r.yearB, n))
	add(dictArray(mem, r.indB, n, reg.IDs()))
	add(dictArray(mem, r.sexB, n, sexCodesOrd))
	add(dictArray(mem, r.areaB, n, areaOrd))
	add(dictArray(mem, r.ageB, n, ages))
	add(primitiveArray(arrow.PrimitiveTypes.Float64, r.valB, n))
	add(dictArray(mem, r.statB, n, statusOrd))
	add(dictArray(mem, r.srcB, n, srcIDs))
	add(noteArray(mem, n, noted, func(i int) string {
		ref := order[i]
		return notes[parts[ref>>32].cols.noteAt(uint32(ref))]
	}))
	if len(cols) != len(Schema.Fields()) {
		return nil, fmt.Errorf("pipeline: internal: %d columns for a schema of %d", len(cols), len(Schema.Fields()))
	}
	return array.NewRecordBatch(Schema, cols, int64(n)), nil
}

// parallelRanges runs f over [0, n) split into one range per core and
// returns the concatenation of what the ranges return, in order.
func parallelRanges[T any](n, minN int, f func(lo, hi int) []T) []T {
	parts := runtime.GOMAXPROCS(0)
	if n < minN || parts < 2 {
		return f(0, n)
	}
	out := make([][]T, parts)
	var wg sync.WaitGroup
	for p := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[p] = f(n*p/parts, n*(p+1)/parts)
		}()
	}
	wg.Wait()
	return slices.Concat(out...)
}

// newBuffer allocates an Arrow buffer of n values of T and returns it with
// a slice over its bytes to fill. Arrow's allocators return zeroed memory
// (Go's make, calloc in its C allocator; poolAllocator clears), which
// buildRecord and noteArray rely on.
func newBuffer[T int16 | int32 | float64](mem memory.Allocator, n int) (*memory.Buffer, []T) {
	b := memory.NewResizableBuffer(mem)
	var zero T
	b.Resize(n * int(unsafe.Sizeof(zero)))
	if n == 0 {
		return b, nil
	}
	return b, unsafe.Slice((*T)(unsafe.Pointer(&b.Bytes()[0])), n)
}

// primitiveArray wraps a filled buffer (taking over its reference).
func primitiveArray(t arrow.DataType, values *memory.Buffer, n int) arrow.Array {
	data := array.NewData(t, n, []*memory.Buffer{nil, values}, nil, 0, 0)
	values.Release()
	defer data.Release()
	return array.MakeFromData(data)
}

// dictArray wraps filled int32 indices (taking over the buffer) with a
// string dictionary.
func dictArray(mem memory.Allocator, idx *memory.Buffer, n int, dict []string) arrow.Array {
	indices := primitiveArray(arrow.PrimitiveTypes.Int32, idx, n)
	defer indices.Release()
	sb := array.NewStringBuilder(mem)
	defer sb.Release()
	sb.AppendValues(dict, nil)
	d := sb.NewArray()
	defer d.Release()
	return array.NewDictionaryArray(dictString, indices, d)
}

// noteArray builds the nullable note column: null except at the rows in
// noted (ascending), whose text is note(i). Offsets, validity and bytes are
// written directly (the column is mostly null).
func noteArray(mem memory.Allocator, n int, noted []int, note func(i int) string) arrow.Array {
	size := 0
	for _, i := range noted {
		size += len(note(i))
	}
	offB, offsets := newBuffer[int32](mem, n+1)
	valid := memory.NewResizableBuffer(mem)
	valid.Resize(int(bitutil.BytesForBits(int64(n))))
	bits := valid.Bytes()
	dataB := memory.NewResizableBuffer(mem)
	dataB.Resize(size)
	text := dataB.Bytes()
	// The buffers come zeroed: offsets are written from the first note on
	// (a column without notes is not touched at all).
	at, k := 0, 0
	if len(noted) > 0 {
		k = noted[0] + 1
	}
	for _, i := range noted {
		for ; k <= i; k++ {
			offsets[k] = int32(at)
		}
		at += copy(text[at:], note(i))
		bitutil.SetBit(bits, i)
	}
	for ; at > 0 && k <= n; k++ {
		offsets[k] = int32(at)
	}
	data := array.NewData(arrow.BinaryTypes.String, n, []*memory.Buffer{valid, offB, dataB}, nil, n-len(noted), 0)
	valid.Release()
	offB.Release()
	dataB.Release()
	defer data.Release()
	return array.MakeFromData(data)
}
