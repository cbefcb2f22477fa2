package pipeline

import (
	"fmt"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// rowRef addresses row i of source s during the merge.
type rowRef struct {
	src int32
	row int32
}

// merge resolves keys given by several sources (the higher precedence wins,
// then the later catalogue entry), sorts the winners by indicator, unit, sex,
// area, age and year, and builds the Arrow record.
func merge(sources []*source, ref *Reference, reg *Registry, ages, notes []string, mem memory.Allocator) (arrow.RecordBatch, error) {
	n := 0
	for _, s := range sources {
		n += s.cols.len()
	}
	rows := make([]rowRef, 0, n)
	for si, s := range sources {
		for i := range s.cols.len() {
			rows = append(rows, rowRef{int32(si), int32(i)})
		}
	}
	units := ref.Units()
	unitRank := rankStrings(len(units), func(i int) string { return units[i].Code })
	indRank := rankStrings(len(reg.Indicators), func(i int) string { return reg.Indicators[i].ID })
	ageRank := rankStrings(len(ages), func(i int) string { return ages[i] })
	cmpKey := func(a, b rowRef) int {
		ca, cb := &sources[a.src].cols, &sources[b.src].cols
		i, j := int(a.row), int(b.row)
		if c := indRank[ca.indicator[i]] - indRank[cb.indicator[j]]; c != 0 {
			return c
		}
		if c := unitRank[ca.unit[i]] - unitRank[cb.unit[j]]; c != 0 {
			return c
		}
		if c := int(ca.sex[i]) - int(cb.sex[j]); c != 0 {
			return c
		}
		if c := int(ca.area[i]) - int(cb.area[j]); c != 0 {
			return c
		}
		if c := ageRank[ca.age[i]] - ageRank[cb.age[j]]; c != 0 {
			return c
		}
		return int(ca.year[i]) - int(cb.year[j])
	}
	slices.SortFunc(rows, func(a, b rowRef) int {
		if c := cmpKey(a, b); c != 0 {
			return c
		}
		// Winner first: higher precedence, then later in the catalogue.
		pa, pb := sources[a.src].entry.Precedence, sources[b.src].entry.Precedence
		if pa != pb {
			return pb - pa
		}
		return sources[b.src].index - sources[a.src].index
	})

	type pair struct{ loser, winner int32 }
	superseded := map[pair]int{}
	example := map[pair]rowRef{}
	kept := rows[:0]
	for i, r := range rows {
		if i > 0 && cmpKey(rows[i-1], r) == 0 {
			w := kept[len(kept)-1]
			p := pair{r.src, w.src}
			if superseded[p] == 0 {
				example[p] = r
			}
			superseded[p]++
			continue
		}
		kept = append(kept, r)
	}
	pairs := make([]pair, 0, len(superseded))
	for p := range superseded {
		pairs = append(pairs, p)
	}
	slices.SortFunc(pairs, func(a, b pair) int {
		if a.loser != b.loser {
			return int(a.loser - b.loser)
		}
		return int(a.winner - b.winner)
	})
	for _, p := range pairs {
		count := superseded[p]
		loser, winner := sources[p.loser], sources[p.winner]
		loser.report.Superseded += count
		ex := example[p]
		c := &loser.cols
		loser.Problem(int(c.line[ex.row]), 0, Notice, RuleSuperseded,
			"%d values also given by %s (precedence %d >= %d) were superseded by it, e.g. %s %d %s sex=%s",
			count, winner.entry.ID, winner.entry.Precedence, loser.entry.Precedence,
			units[c.unit[ex.row]].Code, c.year[ex.row], reg.Indicators[c.indicator[ex.row]].ID, sexCodesOrd[c.sex[ex.row]])
	}
	return buildRecord(kept, sources, units, reg, ages, notes, mem)
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

func buildRecord(rows []rowRef, sources []*source, units []*Unit, reg *Registry, ages, notes []string, mem memory.Allocator) (arrow.RecordBatch, error) {
	n := len(rows)
	unitIdx := make([]int32, n)
	years := make([]int16, n)
	indIdx := make([]int32, n)
	sexIdx := make([]int32, n)
	areaIdx := make([]int32, n)
	ageIdx := make([]int32, n)
	values := make([]float64, n)
	statusIdx := make([]int32, n)
	srcIdx := make([]int32, n)
	noteB := array.NewStringBuilder(mem)
	defer noteB.Release()
	noteB.Reserve(n)
	for i, r := range rows {
		c := &sources[r.src].cols
		j := r.row
		unitIdx[i] = c.unit[j]
		years[i] = c.year[j]
		indIdx[i] = c.indicator[j]
		sexIdx[i] = int32(c.sex[j])
		areaIdx[i] = int32(c.area[j])
		ageIdx[i] = c.age[j]
		values[i] = c.value[j]
		statusIdx[i] = int32(c.status[j])
		srcIdx[i] = r.src
		if c.note[j] == 0 {
			noteB.AppendNull()
		} else {
			noteB.Append(notes[c.note[j]])
		}
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
	add(dictArray(mem, unitIdx, unitCodes))
	add(int16Array(mem, years))
	add(dictArray(mem, indIdx, reg.IDs()))
	add(dictArray(mem, sexIdx, sexCodesOrd))
	add(dictArray(mem, areaIdx, areaOrd))
	add(dictArray(mem, ageIdx, ages))
	add(float64Array(mem, values))
	add(dictArray(mem, statusIdx, statusOrd))
	add(dictArray(mem, srcIdx, srcIDs))
	add(noteB.NewArray())
	if len(cols) != len(Schema.Fields()) {
		return nil, fmt.Errorf("pipeline: internal: %d columns for a schema of %d", len(cols), len(Schema.Fields()))
	}
	return array.NewRecordBatch(Schema, cols, int64(n)), nil
}

func dictArray(mem memory.Allocator, idx []int32, dict []string) arrow.Array {
	ib := array.NewInt32Builder(mem)
	defer ib.Release()
	ib.AppendValues(idx, nil)
	indices := ib.NewArray()
	defer indices.Release()
	sb := array.NewStringBuilder(mem)
	defer sb.Release()
	sb.AppendValues(dict, nil)
	d := sb.NewArray()
	defer d.Release()
	return array.NewDictionaryArray(dictString, indices, d)
}

func int16Array(mem memory.Allocator, v []int16) arrow.Array {
	b := array.NewInt16Builder(mem)
	defer b.Release()
	b.AppendValues(v, nil)
	return b.NewArray()
}

func float64Array(mem memory.Allocator, v []float64) arrow.Array {
	b := array.NewFloat64Builder(mem)
	defer b.Release()
	b.AppendValues(v, nil)
	return b.NewArray()
}
