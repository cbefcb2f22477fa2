package snapshot_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/dri-engine/dri/datasets"
	"github.com/dri-engine/dri/pipeline"
	"github.com/dri-engine/dri/pipeline/load"
	"github.com/dri-engine/dri/pipeline/snapshot"
)

// loadWithUser loads the embedded data with one user entry replacing or
// adding a source.
func loadWithUser(t testing.TB, e *pipeline.Entry, content string) *pipeline.Result {
	t.Helper()
	e.File = "uploads/" + e.ID + ".csv"
	fsys := fstest.MapFS{e.File: {Data: []byte(content)}}
	res, err := load.Load(context.Background(), load.Options{Base: datasets.FS, User: fsys,
		UserCatalogue: &pipeline.Catalogue{Sources: []*pipeline.Entry{e}}})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestDiffResults: a one-row egov-2024 replacement removes every other row
// of the source (counted from the embedded data itself) and is destructive;
// adding one row is not.
func TestDiffResults(t *testing.T) {
	base := loadEmbedded(t)
	store, err := pipeline.NewStore(base.Observations)
	if err != nil {
		t.Fatal(err)
	}
	egov := 0
	for i := 0; i < store.Len(); i++ {
		if store.Source(i) == "egov-2024" {
			egov++
		}
	}
	one := loadWithUser(t, &pipeline.Entry{ID: "egov-2024", Adapter: "long", Publisher: "p", Vintage: "v", Licence: "l", Precedence: 100},
		"unit,year,indicator,value\nKEN,2024,egov.egdi,0.7\n")
	defer one.Release()
	c, err := snapshot.DiffResults(base, one)
	if err != nil {
		t.Fatal(err)
	}
	if c.Removed != egov-1 || c.Changed != 1 || c.Added != 0 {
		t.Errorf("one-row egov-2024: removed %d, changed %d, added %d; want %d, 1, 0", c.Removed, c.Changed, c.Added, egov-1)
	}
	want := fmt.Sprintf("source egov-2024 would lose %d of its %d observations", egov-1, egov)
	if d := c.Destructive(0.10); len(d) != 1 || !strings.HasPrefix(d[0], want) {
		t.Errorf("Destructive = %q, want %q...", d, want)
	}
	if d := c.Destructive(1); len(d) != 0 {
		t.Errorf("Destructive(1) = %q, want nothing (any share allowed)", d)
	}

	add := loadWithUser(t, &pipeline.Entry{ID: "ken-2025", Adapter: "long", Publisher: "p", Vintage: "v", Licence: "l", Precedence: 100},
		"unit,year,indicator,value\nKEN,2025,itu.internet_use,55.5\n")
	defer add.Release()
	c, err = snapshot.DiffResults(base, add)
	if err != nil {
		t.Fatal(err)
	}
	if c.Added != 1 || c.Removed != 0 || c.Changed != 0 || c.UnitsAffected != 1 || len(c.Destructive(0.10)) != 0 {
		t.Errorf("one added row: %+v", c)
	}
}

// TestSummariseProblems: the first MaxListedPerRule errors of each rule, the
// first notice of each notice rule, every rule counted, long messages cut.
func TestSummariseProblems(t *testing.T) {
	var ps []pipeline.Problem
	for i := range 25 {
		ps = append(ps, pipeline.Problem{File: "a.csv", Line: i + 2, Rule: pipeline.RuleUnknownUnit, Message: "unknown unit code"})
	}
	for i := range 3 {
		ps = append(ps, pipeline.Problem{File: "a.csv", Line: i + 30, Rule: pipeline.RuleKnownDefect, Severity: pipeline.Notice, Message: "known"})
	}
	ps = append(ps, pipeline.Problem{File: "a.csv", Line: 40, Rule: pipeline.RuleNotANumber, Message: strings.Repeat("\x00", 1<<20)})
	sum := pipeline.SummariseProblems(ps, nil, pipeline.MaxListedPerRule, 1)
	// 20 unknown-unit + 1 known-defect + 1 not-a-number.
	if len(sum.Listed) != 22 || sum.Total != 29 || sum.Omitted() != 7 {
		t.Errorf("listed %d of %d (omitted %d), want 22 of 29 (omitted 7)", len(sum.Listed), sum.Total, sum.Omitted())
	}
	want := []pipeline.RuleCount{{Rule: pipeline.RuleUnknownUnit, Count: 25, Listed: 20}, {Rule: pipeline.RuleKnownDefect, Count: 3, Listed: 1},
		{Rule: pipeline.RuleNotANumber, Count: 1, Listed: 1}}
	if fmt.Sprint(sum.Counts) != fmt.Sprint(want) {
		t.Errorf("counts %v, want %v", sum.Counts, want)
	}
	if m := sum.Listed[21].Message; len(m) != pipeline.MaxProblemMessage || !strings.HasSuffix(m, "...") {
		t.Errorf("1 MiB message listed with %d bytes, want %d ending in ...", len(m), pipeline.MaxProblemMessage)
	}
	if len(ps[len(ps)-1].Message) != 1<<20 {
		t.Error("the input was modified")
	}
	if all := pipeline.SummariseProblems(ps, nil, -1, -1); len(all.Listed) != 29 {
		t.Errorf("no limit: listed %d, want 29", len(all.Listed))
	}
}

// BenchmarkDiffResults compares the embedded data with itself plus one
// uploaded row: the cost an upload adds to say what it changes.
func BenchmarkDiffResults(b *testing.B) {
	base := loadEmbedded(b)
	add := loadWithUser(b, &pipeline.Entry{ID: "ken-2025", Adapter: "long", Publisher: "p", Vintage: "v", Licence: "l", Precedence: 100},
		"unit,year,indicator,value\nKEN,2025,itu.internet_use,55.5\n")
	defer add.Release()
	for b.Loop() {
		if _, err := snapshot.DiffResults(base, add); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(base.Observations.NumRows()), "rows")
}
