package longload_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/dri-engine/dri/datasets"
	"github.com/dri-engine/dri/pipeline"
	"github.com/dri-engine/dri/pipeline/internal/longload"
	"github.com/dri-engine/dri/pipeline/load"
)

// TestMergeOrderPaths: the counting-sort merge (orderByCount) and the
// sorting merge (orderBySort) give the same table and the same problems,
// on the embedded data plus a shuffled long file whose rows vary in sex,
// area and age, repeat keys (duplicate-key errors) and overlap the
// embedded sources (superseded values).
func TestMergeOrderPaths(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	var lines []string
	units := []string{"KEN", "UGA", "TZA", "KE-30", "KE-28", "UG-102"} // ISO 3166-2: Nairobi City, Mombasa, Kampala
	sexes, areas, ages := []string{"_T", "F", "M"}, []string{"_T", "U", "R"}, []string{"_T", "Y15T24", "Y_GE15"}
	for _, u := range units {
		for y := 2005; y <= 2023; y++ {
			for _, s := range sexes {
				for _, a := range areas {
					lines = append(lines, fmt.Sprintf("%s,%d,itu.internet_use,%s,%s,_T,%d.%d", u, y, s, a, rng.IntN(100), rng.IntN(10)))
					for _, g := range ages {
						lines = append(lines, fmt.Sprintf("%s,%d,findex.account,%s,%s,%s,%d", u, y, s, a, g, rng.IntN(100)))
					}
				}
			}
		}
	}
	// Keys given twice in the file (the later line loses), sub-national
	// ones so that no embedded source supersedes both lines.
	for n := 0; n < 40; {
		if l := lines[rng.IntN(len(lines))]; strings.Contains(l[:6], "-") {
			lines = append(lines, l)
			n++
		}
	}
	rng.Shuffle(len(lines), func(i, j int) { lines[i], lines[j] = lines[j], lines[i] })
	file := "unit,year,indicator,sex,area,age,value\n" + strings.Join(lines, "\n") + "\n"
	fsys := fstest.MapFS{"shuffled.csv": {Data: []byte(file)}}

	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	load := func() (*pipeline.Result, string) {
		t.Helper()
		res, err := load.Load(context.Background(), load.Options{Base: datasets.FS, Allocator: mem,
			Extra: []load.ExtraFile{{FS: fsys, Path: "shuffled.csv", Name: "shuffled.csv"}}})
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, f := range res.Report.Files {
			fmt.Fprintf(&b, "%s read %d loaded %d quarantined %d superseded %d\n", f.Source, f.Read, f.Loaded, f.Quarantined, f.Superseded)
			for _, p := range f.Problems {
				fmt.Fprintln(&b, p)
			}
		}
		return res, b.String()
	}
	counted, countReport := load()
	defer counted.Release()
	restore := longload.SetMaxCountBuckets(-1 << 40) // every grid is too sparse: orderBySort
	sorted, sortReport := load()
	restore()
	defer sorted.Release()

	if !array.RecordEqual(counted.Observations, sorted.Observations) {
		t.Fatal("the two merges built different tables")
	}
	if countReport != sortReport {
		t.Fatalf("the two merges report differently:\n%s\nvs\n%s", countReport, sortReport)
	}
	// What the comparison covers: the 40 repeated lines as duplicate-key
	// errors, values superseded between the file and the embedded sources,
	// and enough rows for the parallel passes.
	dups, superseded := 0, 0
	for _, f := range counted.Report.Files {
		superseded += f.Superseded
		for _, p := range f.Problems {
			if p.Rule == pipeline.RuleDuplicateKey && p.File == "shuffled.csv" {
				dups++
			}
		}
	}
	if dups != 40 || superseded == 0 {
		t.Fatalf("%d duplicate-key errors in shuffled.csv (want 40), %d superseded values (want some)", dups, superseded)
	}
	if counted.Observations.NumRows() < 1<<16 {
		t.Fatalf("%d rows: too few for the parallel paths", counted.Observations.NumRows())
	}
}

// dirtyAllocator hands out memory full of 0xA5 bytes, as an allocator that
// does not zero (C's malloc, a pool that does not clear) may.
type dirtyAllocator struct{ memory.Allocator }

func (d dirtyAllocator) Allocate(size int) []byte {
	b := d.Allocator.Allocate(size)
	for i := range b {
		b[i] = 0xA5
	}
	return b
}

func (d dirtyAllocator) Reallocate(size int, b []byte) []byte {
	old := len(b)
	b = d.Allocator.Reallocate(size, b)
	for i := old; i < len(b); i++ {
		b[i] = 0xA5
	}
	return b
}

// TestMergeNonZeroingAllocator: the merge writes a row's default codes and
// the note column's offsets only where memory is not known to be zeroed
// (the allocation contract in Merge's doc), so an allocator that returns
// dirty memory gives the same table as Arrow's Go allocator. The rows: two
// parts of one source and one of another, with a key given twice (the
// second part's row loses) and one note.
func TestMergeNonZeroingAllocator(t *testing.T) {
	parts := func() []longload.Part {
		var a, b, c longload.Columns
		a.PushDefaults(0, 2020, 0, 1.5, 2)
		a.Push(1, 2021, 0, longload.Codes{Sex: 1}, 2.5, 1, 3) // sex 1, note 1
		b.PushDefaults(1, 2020, 1, 3.5, 4)
		b.PushDefaults(0, 2020, 0, 9.5, 5)                                        // the key of a's first row: loses
		c.Push(0, 2019, 1, longload.Codes{Area: 2, Age: 1, Status: 1}, 4.5, 0, 2) // area 2, age 1, status 1
		return []longload.Part{{Src: 0, Cols: &a}, {Src: 0, Cols: &b}, {Src: 1, Cols: &c}}
	}
	keys := longload.Keys{IndicatorRank: []int{0, 1}, UnitRank: []int{1, 0}, AgeRank: []int{0, 1}, PrecedenceRank: []uint64{0, 1}}
	dicts := longload.Dictionaries{Units: []string{"UGA", "KEN"}, Indicators: []string{"a.x", "a.y"},
		Sex: []string{"_T", "F", "M"}, Area: []string{"_T", "U", "R"}, Ages: []string{"_T", "Y15T24"},
		Status: []string{"A", "E", "I"}, Sources: []string{"s0", "s1"}, Notes: []string{"", "a note"}}
	merge := func(mem memory.Allocator) arrow.RecordBatch {
		t.Helper()
		m, losses, err := longload.Merge(mem, parts(), keys)
		if err != nil {
			t.Fatal(err)
		}
		if len(losses) != 1 || m.Len() != 4 {
			t.Fatalf("Merge: %d rows, %d losses; want 4 rows, 1 loss", m.Len(), len(losses))
		}
		rec, err := m.Record(mem, pipeline.Schema, dicts)
		if err != nil {
			t.Fatal(err)
		}
		return rec
	}
	clean := memory.NewCheckedAllocator(memory.NewGoAllocator())
	dirty := memory.NewCheckedAllocator(dirtyAllocator{memory.NewGoAllocator()})
	want, got := merge(clean), merge(dirty)
	if !array.RecordEqual(want, got) {
		t.Errorf("with a non-zeroing allocator the merge built\n%v\nwant\n%v", got, want)
	}
	want.Release()
	got.Release()
	clean.AssertSize(t, 0)
	dirty.AssertSize(t, 0)
}
