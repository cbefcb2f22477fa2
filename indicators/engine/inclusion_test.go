package engine

import (
	"math"
	"testing"

	"github.com/dri-engine/dri/indicators"
	"github.com/dri-engine/dri/pipeline"
	"github.com/dri-engine/dri/pipeline/dims"
)

// TestInclusionSexIsTheGenderTable: the sex case of the inclusion gaps is
// the gender table's indicator rows, unit for unit and group for group
// (one pair rule, window and band; issue 15 item 4).
func TestInclusionSexIsTheGenderTable(t *testing.T) {
	e := testEngine(t)
	ldc, _ := e.ref.Group("LDC")
	for _, year := range []int{2022, 2024} {
		gt, err := e.GenderTable(GapsQuery{Year: year, Groups: []*pipeline.Group{ldc}, Units: []string{"KEN", "UGA", "BGD", "NGA"}})
		if err != nil {
			t.Fatal(err)
		}
		it, err := e.InclusionTable(InclusionQuery{Dimension: dims.Sex, Year: year, Groups: []*pipeline.Group{ldc},
			Units: []string{"KEN", "UGA", "BGD", "NGA"}, Indicators: gt.Result.Framework.Indicators()})
		if err != nil {
			t.Fatal(err)
		}
		type key struct{ unit, ind string }
		got := map[key]InclusionRow{}
		for _, r := range it.Rows {
			got[key{r.Unit, r.Indicator}] = r
		}
		n := 0
		for _, g := range gt.Rows {
			if g.Indicator == "composite" || g.Indicator == "wis" {
				continue
			}
			r, ok := got[key{g.Unit, g.Indicator}]
			if !ok {
				t.Errorf("%d %s %s: in the gender table, not in the sex gaps", year, g.Unit, g.Indicator)
				continue
			}
			n++
			same := func(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }
			if r.Year != g.Year || !same(r.Focus, g.Female) || !same(r.Reference, g.Male) || !same(r.Parity, g.GPS) ||
				r.Class != g.Class || !same(r.PointGap, g.PointGap) || !same(r.RelativeGap, g.RelativeGap) || r.Note != g.Note {
				t.Errorf("%d %s %s: sex gaps %+v, gender table %+v", year, g.Unit, g.Indicator, r, g.GapRow)
			}
		}
		if n < 10 {
			t.Errorf("%d: only %d rows compared", year, n)
		}
	}
}

// TestInclusionArea: Nigeria's rural and urban account ownership in 2021,
// 34 % and 54 % in the Findex 2021 databank (datasets/sources/
// findex-2021-databank, line 390, Account rural and urban, whole
// percent): parity index 34/54, gap 20 points, relative gap 20/54, "Rural
// behind". The row's values are the store's, and the figures follow by
// hand from them.
func TestInclusionArea(t *testing.T) {
	e := testEngine(t)
	it, err := e.InclusionTable(InclusionQuery{Dimension: dims.Area, Year: 2021, Units: []string{"NGA"}, Indicators: []string{"findex.account"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(it.Rows) != 1 {
		t.Fatalf("rows %+v, want one", it.Rows)
	}
	r := it.Rows[0]
	if r.Year != 2021 || math.Abs(r.Focus-34) > 0.5 || math.Abs(r.Reference-54) > 0.5 {
		t.Fatalf("NGA 2021 rural %v urban %v (year %d), want 34 and 54 (whole percent) in 2021", r.Focus, r.Reference, r.Year)
	}
	if r.Parity != r.Focus/r.Reference || r.PointGap != r.Reference-r.Focus || r.RelativeGap != (r.Reference-r.Focus)/r.Reference || r.Class != "Rural behind" {
		t.Errorf("NGA: parity %v, gap %v, relative %v, class %q; want %v, %v, %v, Rural behind", r.Parity, r.PointGap, r.RelativeGap, r.Class,
			r.Focus/r.Reference, r.Reference-r.Focus, (r.Reference-r.Focus)/r.Reference)
	}
	if it.Pair.Focus != dims.Rural || it.Pair.Reference != dims.Urban {
		t.Errorf("area pair %+v, want R against U", it.Pair)
	}
	// An indicator the registry does not split by area is an error, not an
	// empty table.
	if _, err := e.InclusionTable(InclusionQuery{Dimension: dims.Area, Indicators: []string{"egov.egdi"}}); err == nil {
		t.Error("egov.egdi by area: no error")
	}
	if _, err := e.InclusionTable(InclusionQuery{Dimension: dims.Status}); err == nil {
		t.Error("status is not a breakdown: no error")
	}
}

// TestClassifyPolarity: where lower is better (a price), the group with the
// higher value is the one behind.
func TestClassifyPolarity(t *testing.T) {
	band := indicators.ParityBand{Lo: 0.98, Hi: 1.02}
	p := *dims.Area.Gap
	for _, c := range []struct {
		v        float64
		polarity int
		want     string
	}{{0.5, 1, "Rural behind"}, {1.5, 1, "Urban behind"}, {1, 1, "Parity"}, {0.5, -1, "Urban behind"}, {1.5, -1, "Rural behind"}} {
		if got := classify(band, p, c.v, c.polarity); got != c.want {
			t.Errorf("classify(%v, polarity %d) = %q, want %q", c.v, c.polarity, got, c.want)
		}
	}
}
