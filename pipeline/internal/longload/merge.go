package longload

import (
	"fmt"
	"runtime"
	"slices"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"golang.org/x/sync/errgroup"
)

// Part is a chunk of one source's rows: Src is the source's index.
type Part struct {
	Src  int
	Cols *Columns
}

// PartOf and RowOf split a row's ref (part << 32 | row).
func PartOf(ref uint64) int   { return int(ref >> 32) }
func RowOf(ref uint64) uint32 { return uint32(ref) }

// Limits of the key's fields (keyer in order.go).
const (
	keyPrecBits = 12
	maxIndRank  = 1 << 12
	maxUnitRank = 1 << 20
	maxAgeRank  = 1 << 8
	maxSources  = 1 << keyPrecBits
)

// Keys are what orders the rows: the sort rank of each indicator, unit and
// age id (their codes' order), and each source's precedence rank (0 wins).
type Keys struct {
	IndicatorRank, UnitRank, AgeRank []int
	PrecedenceRank                   []uint64
}

// CheckLimits returns an error when the dictionaries or the sources are
// too many for the key's bits.
func CheckLimits(indicators, units, ages, sources int) error {
	if indicators > maxIndRank || units > maxUnitRank || ages > maxAgeRank || sources > maxSources {
		return fmt.Errorf("too many indicators (%d), units (%d), age codes (%d) or sources (%d) for one table",
			indicators, units, ages, sources)
	}
	return nil
}

// bigOrder is the number of rows from which the sorting merge collects its
// garbage before it allocates the record.
const bigOrder = 1 << 20

// Merged is the rows of a merge in key order, already written into the
// record's buffers. Call Record once, or Release.
type Merged struct {
	rec   *recordCols
	order []uint64
	parts []Part
}

// Merge puts the rows of parts in key order (indicator, unit, sex, area,
// age, income, education, labour, year; then the precedence rank, then the row's place: parts of one
// source in file order, so the earlier line wins) and keeps the first of
// each key. It returns the winners, written into Arrow buffers from mem,
// and the losses in key order.
//
// Allocation contract: the record's buffers are written sparsely (a row
// stores only its non-zero codes, so the pages of a column of defaults are
// never touched), which needs zeroed memory. Arrow's Go allocator and
// PoolAllocator return it; under any other allocator Merge clears the
// buffers itself (TestMergeNonZeroingAllocator).
func Merge(mem memory.Allocator, parts []Part, k Keys) (*Merged, []Loss, error) {
	if len(parts) >= 1<<31 {
		return nil, nil, fmt.Errorf("too many parts (%d)", len(parts))
	}
	nInd, nUnits := len(k.IndicatorRank), len(k.UnitRank)
	ky := newKeyer(parts, k.IndicatorRank, k.UnitRank, k.AgeRank, k.PrecedenceRank)
	var order []uint64
	var losses []Loss
	var rec *recordCols
	if ky.countable(nInd, nUnits) {
		// The counting sort writes the record's columns as it places the
		// rows (no gather afterwards).
		rec = newRecordCols(mem, ky.rows())
		order, losses = ky.orderByCount(nInd, nUnits, rec)
	} else {
		order, losses = ky.orderBySort()
		if len(order) >= bigOrder {
			runtime.GC() // the sort's garbage: reuse it for the record
		}
		rec = newRecordCols(mem, len(order))
		rec.gather(order, parts)
	}
	return &Merged{rec: rec, order: order, parts: parts}, losses, nil
}

// Len is the number of rows kept.
func (m *Merged) Len() int { return len(m.order) }

// Dictionaries are the strings of the ids the rows hold, by column, and
// the source ids by source index.
type Dictionaries struct {
	Units, Indicators, Sex, Area, Ages, Income, Education, Labour, Status, Sources, Notes []string
}

// Record wraps the merged rows with their dictionaries and the note column
// as a record of schema, whose fields must be, in order: unit, year (int16),
// indicator, sex, area, age, income, education, labour (dictionaries of
// dictType), value (float64),
// status, source (dictionaries) and note (string). The caller releases the
// record; Record takes over the merge's buffers.
func (m *Merged) Record(mem memory.Allocator, schema *arrow.Schema, dicts Dictionaries) (arrow.RecordBatch, error) {
	r, order, parts := m.rec, m.order, m.parts
	dictType, ok := schema.Field(0).Type.(*arrow.DictionaryType)
	if !ok || schema.NumFields() != 13 {
		return nil, fmt.Errorf("schema %v is not the canonical table's", schema)
	}
	n := len(order)
	hasNotes := false
	for _, p := range parts {
		hasNotes = hasNotes || p.Cols.note != nil
	}
	var noted []int
	if hasNotes {
		noted = parallelRanges(n, 1<<16, func(lo, hi int) []int {
			var noted []int
			for i := lo; i < hi; i++ {
				if parts[order[i]>>32].Cols.NoteAt(uint32(order[i])) != 0 {
					noted = append(noted, i)
				}
			}
			return noted
		})
	}
	cols := make([]arrow.Array, 0, schema.NumFields())
	defer func() {
		for _, c := range cols {
			c.Release()
		}
	}()
	add := func(a arrow.Array) { cols = append(cols, a) }
	add(dictArray(mem, dictType, r.unitB, n, dicts.Units))
	add(primitiveArray(arrow.PrimitiveTypes.Int16, r.yearB, n))
	add(dictArray(mem, dictType, r.indB, n, dicts.Indicators))
	add(dictArray(mem, dictType, r.sexB, n, dicts.Sex))
	add(dictArray(mem, dictType, r.areaB, n, dicts.Area))
	add(dictArray(mem, dictType, r.ageB, n, dicts.Ages))
	codeType, ok := schema.Field(6).Type.(*arrow.DictionaryType)
	if !ok || codeType.IndexType.ID() != arrow.INT8 {
		return nil, fmt.Errorf("schema %v: income is not a dictionary with int8 indices", schema)
	}
	add(dictArray(mem, codeType, r.incB, n, dicts.Income))
	add(dictArray(mem, codeType, r.eduB, n, dicts.Education))
	add(dictArray(mem, codeType, r.labB, n, dicts.Labour))
	add(primitiveArray(arrow.PrimitiveTypes.Float64, r.valB, n))
	add(dictArray(mem, dictType, r.statB, n, dicts.Status))
	add(dictArray(mem, dictType, r.srcB, n, dicts.Sources))
	add(noteArray(mem, n, noted, func(i int) string {
		ref := order[i]
		return dicts.Notes[parts[ref>>32].Cols.NoteAt(uint32(ref))]
	}))
	m.rec = nil
	return array.NewRecordBatch(schema, cols, int64(n)), nil
}

// Release frees the merge's buffers when Record is not called.
func (m *Merged) Release() {
	if m.rec != nil {
		m.rec.release()
		m.rec = nil
	}
}

// recordCols are the canonical record's columns being filled, written in
// place in Arrow buffers (no Go slices copied into builders). A row is
// first written with set, which stores only non-zero codes, into zeroed
// buffers (see Merge): the pages of a column of defaults (most rows of a
// large panel) are never touched.
type recordCols struct {
	unitB, yearB, indB, sexB, areaB, ageB, incB, eduB, labB, valB, statB, srcB *memory.Buffer

	unit, ind, sex, area, age, status, src []int32
	income, education, labour              []int8
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
	r.incB, r.income = newBuffer[int8](mem, n)
	r.eduB, r.education = newBuffer[int8](mem, n)
	r.labB, r.labour = newBuffer[int8](mem, n)
	r.valB, r.value = newBuffer[float64](mem, n)
	r.statB, r.status = newBuffer[int32](mem, n)
	r.srcB, r.src = newBuffer[int32](mem, n)
	return r
}

func (r *recordCols) release() {
	for _, b := range []*memory.Buffer{r.unitB, r.yearB, r.indB, r.sexB, r.areaB, r.ageB, r.incB, r.eduB, r.labB, r.valB, r.statB, r.srcB} {
		b.Release()
	}
}

// set writes row j of part p into slot i, which must still be zero.
func (r *recordCols) set(i int, p *Part, j uint32) {
	c := p.Cols
	r.unit[i] = c.unit[j]
	r.year[i] = c.year[j]
	r.ind[i] = c.indicator[j]
	r.value[i] = c.value[j]
	if p.Src != 0 {
		r.src[i] = int32(p.Src)
	}
	if v := c.SexAt(j); v != 0 {
		r.sex[i] = int32(v)
	}
	if v := c.AreaAt(j); v != 0 {
		r.area[i] = int32(v)
	}
	if v := c.AgeAt(j); v != 0 {
		r.age[i] = v
	}
	if v := c.IncomeAt(j); v != 0 {
		r.income[i] = int8(v)
	}
	if v := c.EducationAt(j); v != 0 {
		r.education[i] = int8(v)
	}
	if v := c.LabourAt(j); v != 0 {
		r.labour[i] = int8(v)
	}
	if v := c.StatusAt(j); v != 0 {
		r.status[i] = int32(v)
	}
}

// reset writes row j of part p into slot i over whatever it held.
func (r *recordCols) reset(i int, p *Part, j uint32) {
	r.src[i], r.sex[i], r.area[i], r.age[i], r.status[i] = 0, 0, 0, 0, 0
	r.income[i], r.education[i], r.labour[i] = 0, 0, 0
	r.set(i, p, j)
}

// move copies slot from into slot to.
func (r *recordCols) move(to, from int) {
	r.unit[to], r.year[to], r.ind[to], r.value[to], r.src[to] = r.unit[from], r.year[from], r.ind[from], r.value[from], r.src[from]
	r.sex[to], r.area[to], r.age[to], r.status[to] = r.sex[from], r.area[from], r.age[from], r.status[from]
	r.income[to], r.education[to], r.labour[to] = r.income[from], r.education[from], r.labour[from]
}

// gather fills the slots with the rows of order, by GOMAXPROCS goroutines
// over row ranges.
func (r *recordCols) gather(order []uint64, parts []Part) {
	parallelRanges(len(order), 1<<16, func(lo, hi int) []struct{} {
		for i := lo; i < hi; i++ {
			ref := order[i]
			r.set(i, &parts[ref>>32], uint32(ref))
		}
		return nil
	})
}

// parallelRanges runs f over [0, n) split into one range per core and
// returns the concatenation of what the ranges return, in order.
func parallelRanges[T any](n, minN int, f func(lo, hi int) []T) []T {
	parts := runtime.GOMAXPROCS(0)
	if n < minN || parts < 2 {
		return f(0, n)
	}
	out := make([][]T, parts)
	var g errgroup.Group
	for p := range parts {
		g.Go(func() error {
			out[p] = f(n*p/parts, n*(p+1)/parts)
			return nil
		})
	}
	_ = g.Wait() // f returns no error
	return slices.Concat(out...)
}

// zeroes reports whether mem returns zeroed memory: Arrow's Go allocator
// (make) and PoolAllocator (clears what it reuses) do; nothing is assumed
// of any other.
func zeroes(mem memory.Allocator) bool {
	switch mem.(type) {
	case *memory.GoAllocator, *PoolAllocator:
		return true
	}
	return false
}

// newBuffer allocates an Arrow buffer of n values of T, zeroed, and returns
// it with a slice over its bytes to fill. The memory of an allocator known
// to zero is not touched here (see Merge).
func newBuffer[T int8 | int16 | int32 | float64](mem memory.Allocator, n int) (*memory.Buffer, []T) {
	b := memory.NewResizableBuffer(mem)
	var zero T
	b.Resize(n * int(unsafe.Sizeof(zero)))
	if !zeroes(mem) {
		clear(b.Bytes())
	}
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

// dictArray wraps filled indices of dictType's index type (taking over the
// buffer) with a string dictionary.
func dictArray(mem memory.Allocator, dictType *arrow.DictionaryType, idx *memory.Buffer, n int, dict []string) arrow.Array {
	indices := primitiveArray(dictType.IndexType, idx, n)
	defer indices.Release()
	sb := array.NewStringBuilder(mem)
	defer sb.Release()
	sb.AppendValues(dict, nil)
	d := sb.NewArray()
	defer d.Release()
	return array.NewDictionaryArray(dictType, indices, d)
}

// noteArray builds the nullable note column: null except at the rows in
// noted (ascending), whose text is note(i). Offsets, validity and bytes are
// written directly (the column is mostly null) into zeroed buffers: the
// offsets are written from the first note on (a column without notes is
// not touched at all).
func noteArray(mem memory.Allocator, n int, noted []int, note func(i int) string) arrow.Array {
	size := 0
	for _, i := range noted {
		size += len(note(i))
	}
	offB, offsets := newBuffer[int32](mem, n+1)
	valid := memory.NewResizableBuffer(mem)
	valid.Resize(int(bitutil.BytesForBits(int64(n))))
	bits := valid.Bytes()
	if !zeroes(mem) {
		clear(bits)
	}
	dataB := memory.NewResizableBuffer(mem)
	dataB.Resize(size)
	text := dataB.Bytes()
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
