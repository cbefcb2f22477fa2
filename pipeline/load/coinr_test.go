package load_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/dri-engine/dri/datasets"
	"github.com/dri-engine/dri/pipeline"
	"github.com/dri-engine/dri/pipeline/load"
)

func TestWideFormat(t *testing.T) {
	res, err := load.Load(context.Background(), load.Options{Base: datasets.FS,
		User: os.DirFS("../testdata/wide"), UserName: "../testdata/wide", Only: []string{"coinr-example"}})
	if err != nil {
		t.Fatal(err)
	}
	defer res.Release()
	if n := res.Report.Errors(); n != 0 {
		t.Fatalf("%d errors: %v", n, res.Report.Problems())
	}
	ind, _, ok := res.Registry.Lookup("Price")
	if !ok || ind.Polarity != -1 || ind.Name != "Broadband price" {
		t.Fatalf("Price from iMeta = %+v, want polarity -1", ind)
	}
	s, err := pipeline.NewStore(res.Observations)
	if err != nil {
		t.Fatal(err)
	}
	// 4 rows x 3 indicators = 12 cells, one NA (KEN 2023 Skills).
	if got := s.Len(); got != 11 {
		t.Errorf("observations = %d, want 11", got)
	}
	rows := s.Select(pipeline.Query{Indicator: "Access", Units: []string{"KEN"}, MRNEV: 1})
	if len(rows) != 1 || s.Value(rows[0]) != 32 || s.Year(rows[0]) != 2023 {
		t.Errorf("latest KEN Access = %+v, want 32 in 2023", s.Row(rows[0]))
	}
}

func TestIMetaProblems(t *testing.T) {
	in := "iCode,Level,Parent,Weight,Direction,Type\n" +
		"A,1,P,1,1,Indicator\n" +
		"B,1,Q,1,2,Indicator\n" + // unknown parent, bad direction
		"P,2,,1,,Aggregate\n" +
		"1x,1,P,,1,Indicatr\n" // bad code, bad type, no weight
	_, err := load.ParseIMeta("imeta.csv", strings.NewReader(in), 0)
	var pe *load.ProblemsError
	if !errors.As(err, &pe) || !errors.Is(err, pipeline.ErrInvalid) {
		t.Fatalf("ParseIMeta: err = %v, want a ProblemsError", err)
	}
	var got []string
	for _, p := range pe.Problems {
		got = append(got, p.String())
	}
	want := []string{
		`imeta.csv:3:5: bad-code: Direction "2": want 1 or -1`,
		`imeta.csv:3:3: bad-code: Parent "Q" of B is not an iCode`,
		`imeta.csv:5:1: bad-code: iCode "1x": want letters, digits, '_' or '.', not starting with a digit`,
		`imeta.csv:5:6: bad-code: Type "Indicatr": want Indicator, Aggregate, Group, Denominator or Other`,
		`imeta.csv:5:4: bad-code: 1x is aggregated into P but has no Weight`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
