package pipeline

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/dri-engine/dri/datasets"
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

	load := func() (*Result, string) {
		t.Helper()
		res, err := Load(context.Background(), Options{Base: datasets.FS,
			Extra: []ExtraFile{{FS: fsys, Path: "shuffled.csv", Name: "shuffled.csv"}}})
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
	saved := maxCountBuckets
	maxCountBuckets = -1 << 40 // every grid is too sparse: orderBySort
	sorted, sortReport := load()
	maxCountBuckets = saved
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
			if p.Rule == RuleDuplicateKey && p.File == "shuffled.csv" {
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
