package load_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/dri-engine/dri/datasets"
	"github.com/dri-engine/dri/pipeline"
	"github.com/dri-engine/dri/pipeline/dims"
	"github.com/dri-engine/dri/pipeline/load"
)

// TestBreakdownColumns: the income, education and labour columns of the
// long format load into the table's columns of those names; rows that
// differ only in them are distinct observations; a wrong code is an error
// at its field; a breakdown the registry does not list for the indicator
// is refused; a query selects by them. The values are made up: the test
// is of the key, not of a publisher's figures.
func TestBreakdownColumns(t *testing.T) {
	const file = "b.csv"
	data := "unit,year,indicator,sex,income,education,labour,value\n" +
		"KEN,2024,findex.account,,B40,,,61.5\n" + // line 2
		"KEN,2024,findex.account,,T60,,,82.25\n" +
		"KEN,2024,findex.account,F,,ISCED11_0T1,,55\n" +
		"KEN,2024,findex.account,,,,NLF,60\n" +
		"KEN,2024,findex.account,,,,,79.0\n" + // line 6: the total
		"KEN,2024,findex.account,,poorest,,,1\n" + // line 7: not a code
		"KEN,2024,itu.households_internet,,B40,,,1\n" + // line 8: no income breakdown in the registry
		"KEN,2024,findex.account,,B40,,,62\n" // line 9: the key of line 2 again
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, file), []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := load.Load(context.Background(), load.Options{Base: datasets.FS, Only: []string{},
		Extra: []load.ExtraFile{{FS: os.DirFS(dir), Path: file, Name: file}}})
	if err != nil {
		t.Fatal(err)
	}
	defer res.Release()
	fr := res.Report.Files[len(res.Report.Files)-1]
	want := []string{
		`b.csv:7:26: bad-code: income "poorest" is not one of _T, Q1 (poorest fifth), Q2 (second fifth), Q3 (middle fifth), Q4 (fourth fifth), Q5 (richest fifth), B40 (poorest 40 %), T60 (richest 60 %)`,
		`b.csv:8:35: bad-code: itu.households_internet has no income disaggregation in the registry (got income=B40)`,
		`b.csv:9: duplicate-key: KEN 2024 findex.account sex=_T area=_T age=_T income=B40 already given on line 2`,
	}
	if got := problemStrings(fr); !slices.Equal(got, want) {
		t.Errorf("problems:\n%q\nwant\n%q", got, want)
	}
	if fr.Loaded != 5 {
		t.Errorf("loaded %d, want 5", fr.Loaded)
	}
	if got := res.Observations.Schema().Field(pipeline.IdxIncome).Name; got != "income" {
		t.Errorf("column %d is %q, want income", pipeline.IdxIncome, got)
	}
	s, err := pipeline.NewStore(res.Observations)
	if err != nil {
		t.Fatal(err)
	}
	var rows []pipeline.Row
	for _, i := range s.Select(pipeline.Query{Indicator: "findex.account", Units: []string{"KEN"}, From: 2024, To: 2024}) {
		rows = append(rows, s.Row(i))
	}
	// Key order: sex, area, age, income, education, labour, each by its
	// list (the total first).
	var got []string
	for _, r := range rows {
		got = append(got, r.Sex+"/"+r.Income+"/"+r.Education+"/"+r.Labour)
	}
	if w := []string{"_T/_T/_T/_T", "_T/_T/_T/NLF", "_T/B40/_T/_T", "_T/T60/_T/_T", "F/_T/ISCED11_0T1/_T"}; !slices.Equal(got, w) {
		t.Errorf("rows in key order %q, want %q", got, w)
	}
	q := pipeline.Query{Indicator: "findex.account", Units: []string{"KEN"}}
	q.SetFilter(dims.Income, []string{dims.Bottom40})
	if sel := s.Select(q); len(sel) != 1 || s.Value(sel[0]) != 61.5 {
		t.Errorf("income=B40 selects %v, want the one row of value 61.5 (line 2)", sel)
	}
	q = pipeline.QueryOf(pipeline.TotalBreakdown)
	q.Indicator, q.Units = "findex.account", []string{"KEN"}
	if sel := s.Select(q); len(sel) != 1 || s.Value(sel[0]) != 79 {
		t.Errorf("the total breakdown selects %v, want the one total row (line 6)", sel)
	}
}
