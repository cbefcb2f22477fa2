package api

import (
	"slices"
	"testing"

	"github.com/dri-engine/dri/pipeline/dims"
)

// The parameters and columns derived from the dimension table say what the
// hand-written ones said (the published OpenAPI document and the SDMX-CSV
// header do not change), and /v1/data takes them.
func TestDimensionParams(t *testing.T) {
	for _, tc := range []struct {
		dim           *dims.Dimension
		desc, concept string
	}{
		{dims.Sex, "sex codes _T, F, M", "SEX"},
		{dims.Area, "area codes _T, U (urban), R (rural)", "URBANISATION"},
		{dims.Age, "age codes: _T or SDMX bands such as Y15T34", "AGE"},
	} {
		want := paramSpec{name: tc.dim.Column, typ: "string", list: true, desc: tc.desc}
		got := dimensionParam(tc.dim)
		if got.name != want.name || got.typ != want.typ || got.list != want.list || got.desc != want.desc || got.required || got.enum != nil {
			t.Errorf("dimensionParam(%s) = %+v, want %+v", tc.dim.Column, got, want)
		}
		i := slices.IndexFunc(dataParams, func(p paramSpec) bool { return p.name == tc.dim.Column })
		if i < 0 || dataParams[i].desc != tc.desc || !dataParams[i].list {
			t.Errorf("/v1/data's %s parameter is not %+v", tc.dim.Column, want)
		}
		col := dimensionColumn(tc.dim)
		if col != (colSpec{tc.dim.Column, KindString, tc.concept}) {
			t.Errorf("dimensionColumn(%s) = %+v, want SDMX concept %s", tc.dim.Column, col, tc.concept)
		}
		if !slices.Contains(dataColumns, col) {
			t.Errorf("/v1/data's columns have no %+v", col)
		}
	}
	if col := dimensionColumn(dims.Status); !slices.Contains(dataColumns, col) {
		t.Errorf("/v1/data's columns have no %+v", col)
	}
}

func TestCheckCodes(t *testing.T) {
	r := &request{}
	items := []string{"F", "x", "_T", "U"}
	if got := checkCodes(r, dims.Sex, items); !slices.Equal(got, items) {
		t.Errorf("checkCodes returned %v, want the items %v", got, items)
	}
	checkCodes(r, dims.Area, []string{"U", "R", "F"})
	checkCodes(r, dims.Age, []string{"Y15T24", "Y_GE25", "15-24"})
	want := []ParamError{
		{Param: "sex", In: "query", Message: `"x": want _T, F or M`},
		{Param: "sex", In: "query", Message: `"U": want _T, F or M`},
		{Param: "area", In: "query", Message: `"F": want _T, U or R`},
		{Param: "age", In: "query", Message: `"15-24": want _T or an SDMX age band: Y15T24 (15 to 24 years old), Y_GE25 (25 and over), Y_LT15 (under 15)`},
	}
	if !slices.Equal(r.errs.errs, want) {
		t.Errorf("errors = %+v, want %+v", r.errs.errs, want)
	}
}
