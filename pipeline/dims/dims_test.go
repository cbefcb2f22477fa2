package dims

import (
	"maps"
	"slices"
	"testing"
)

// The codes and labels below are those of the SDMX Global Registry's lists
// (https://registry.sdmx.org/sdmx/v2/structure/codelist/...): SDMX:CL_SEX(2.1)
// F "Female", M "Male", _T "Total"; IAEG-SDGs:CL_URBANISATION(1.10) U "Urban",
// R "Rural", _T "Total"; IAEG-SDGs:CL_AGE(1.25) _T "All age ranges or no
// breakdown by age"; SDMX:CL_OBS_STATUS(2.3) A "Normal value", E "Estimated
// value", I "Imputed value (CCSA definition)".
func TestTable(t *testing.T) {
	for _, tc := range []struct {
		dim      *Dimension
		column   string
		concept  string
		codelist string
		total    string
		labels   map[string]string
	}{
		{Sex, "sex", "SEX", "SDMX:CL_SEX(2.1)", "_T", map[string]string{"_T": "Total", "F": "Female", "M": "Male"}},
		{Area, "area", "URBANISATION", "IAEG-SDGs:CL_URBANISATION(1.10)", "_T", map[string]string{"_T": "Total", "U": "Urban", "R": "Rural"}},
		{Age, "age", "AGE", "IAEG-SDGs:CL_AGE(1.25)", "_T", map[string]string{"_T": "All age ranges or no breakdown by age"}},
		// DRI's own lists (see the package doc): the SDG database's income
		// codes, ISCED 2011 level ranges, the labour force.
		{Income, "income", "INCOME_WEALTH_QUANTILE", "DRI:CL_INCOME_WEALTH_QUANTILE(1.0)", "_T", map[string]string{"_T": "Total",
			"Q1": "Quintile 1 (poorest)", "Q2": "Quintile 2", "Q3": "Quintile 3", "Q4": "Quintile 4", "Q5": "Quintile 5 (richest)",
			"B40": "Bottom 40 %", "T60": "Top 60 %"}},
		{Education, "education", "EDUCATION_LEV", "DRI:CL_EDUCATION_LEV(1.0)", "_T", map[string]string{"_T": "Total",
			"ISCED11_0T1": "Primary education or less (ISCED 2011 levels 0-1)", "ISCED11_2T8": "Secondary education or more (ISCED 2011 levels 2-8)"}},
		{Labour, "labour", "LABOUR_FORCE_STATUS", "DRI:CL_LABOUR_FORCE_STATUS(1.0)", "_T", map[string]string{"_T": "Total",
			"LF": "In the labour force", "NLF": "Outside the labour force"}},
		{Status, "status", "OBS_STATUS", "SDMX:CL_OBS_STATUS(2.3)", "",
			map[string]string{"A": "Normal value", "E": "Estimated value", "I": "Imputed value (CCSA definition)"}},
	} {
		t.Run(tc.column, func(t *testing.T) {
			d := tc.dim
			if d.Column != tc.column || d.Concept != tc.concept || d.Codelist.String() != tc.codelist || d.Total != tc.total {
				t.Errorf("%s: column %q concept %q codelist %q total %q, want %q %q %q %q",
					tc.column, d.Column, d.Concept, d.Codelist, d.Total, tc.column, tc.concept, tc.codelist, tc.total)
			}
			if got := d.Labels(); !maps.Equal(got, tc.labels) {
				t.Errorf("%s.Labels() = %v, want %v", tc.column, got, tc.labels)
			}
			for code, want := range tc.labels {
				if got, ok := d.Label(code); !ok || got != want {
					t.Errorf("%s.Label(%q) = %q, %v, want %q, true", tc.column, code, got, ok, want)
				}
			}
			if got, ok := ByColumn(tc.column); !ok || got != d {
				t.Errorf("ByColumn(%q) = %v, %v, want the %s dimension", tc.column, got, ok, tc.column)
			}
		})
	}
	if _, ok := ByColumn("unit"); ok {
		t.Error(`ByColumn("unit") found a dimension; units are coded by the reference tables, not here`)
	}
}

func TestValid(t *testing.T) {
	for _, tc := range []struct {
		dim   *Dimension
		code  string
		valid bool
	}{
		{Sex, "_T", true}, {Sex, "F", true}, {Sex, "M", true},
		{Sex, "f", false}, {Sex, "U", false}, {Sex, "", false}, {Sex, "_Z", false}, // _Z is in CL_SEX, not in DRI's data
		{Area, "_T", true}, {Area, "U", true}, {Area, "R", true},
		{Area, "URB", false}, {Area, "F", false}, {Area, " U", false},
		{Age, "_T", true}, {Age, "Y15T24", true}, {Age, "Y_GE15", true}, {Age, "Y_LT25", true}, {Age, "Y0T100", true},
		{Age, "Y1000T1", false}, {Age, "y15t24", false}, {Age, "Y15T24 ", false}, {Age, "Y_GE", false}, {Age, "15-24", false}, {Age, "", false},
		{Status, "A", true}, {Status, "E", true},
		{Status, "I", false}, // reserved: DRI imputes, inputs do not
		{Status, "_T", false}, {Status, "B", false},
	} {
		if got := tc.dim.Valid(tc.code); got != tc.valid {
			t.Errorf("%s.Valid(%q) = %v, want %v", tc.dim.Column, tc.code, got, tc.valid)
		}
	}
	if !Status.Reserved("I") || Status.Reserved("A") || Status.Reserved("X") || Sex.Reserved("_T") {
		t.Error("Reserved: want true for status I only")
	}
}

// The texts are those DRI printed before the table existed (pipeline's
// validators, the API's parameter errors and descriptions, dri data --help);
// they must not change.
func TestTexts(t *testing.T) {
	for _, tc := range []struct{ name, got, want string }{
		{`Sex.List(", ")`, Sex.List(", "), "_T, F, M"},
		{`Sex.List(" or ")`, Sex.List(" or "), "_T, F or M"},
		{`Area.List(", ")`, Area.List(", "), "_T, U, R"},
		{`Area.List(" or ")`, Area.List(" or "), "_T, U or R"},
		{"Sex.Glossed()", Sex.Glossed(), "_T, F, M"},
		{"Area.Glossed()", Area.Glossed(), "_T, U (urban), R (rural)"},
		{"Status.Glossed()", Status.Glossed(), "A (observed), E (estimate)"},
		{`Age.List(", ")`, Age.List(", "), "_T"},
	} {
		if tc.got != tc.want {
			t.Errorf("%s = %q, want %q", tc.name, tc.got, tc.want)
		}
	}
}

func TestEnum(t *testing.T) {
	for _, tc := range []struct {
		dim  *Dimension
		want []string
	}{
		{Sex, []string{"_T", "F", "M"}},
		{Area, []string{"_T", "U", "R"}},
		{Age, nil}, // open: a pattern, not a list
		{Status, []string{"A", "E"}},
	} {
		if got := tc.dim.Enum(); !slices.Equal(got, tc.want) {
			t.Errorf("%s.Enum() = %v, want %v", tc.dim.Column, got, tc.want)
		}
	}
}

// Every breakdown has the total code, and every listed code is valid unless
// reserved: the table is consistent with itself.
func TestConsistent(t *testing.T) {
	for _, d := range Breakdowns {
		if d.Total != Total || !d.Valid(Total) {
			t.Errorf("breakdown %s: total %q, Valid(_T) = %v; want _T, true", d.Column, d.Total, d.Valid(Total))
		}
	}
	for _, d := range All {
		seen := map[string]bool{}
		for _, c := range d.Codes() {
			if seen[c.ID] {
				t.Errorf("%s: code %q listed twice", d.Column, c.ID)
			}
			seen[c.ID] = true
			if c.Label == "" {
				t.Errorf("%s: code %q has no label", d.Column, c.ID)
			}
			if d.Valid(c.ID) == c.Reserved {
				t.Errorf("%s.Valid(%q) = %v with Reserved %v", d.Column, c.ID, d.Valid(c.ID), c.Reserved)
			}
		}
	}
	codes := Sex.Codes()
	codes[0].ID = "changed"
	if Sex.Valid("changed") {
		t.Error("Codes() returned the table itself; a caller changed it")
	}
}

// TestCompareBreakdowns: the order of rows and group figures is each
// dimension's list order, the total first, unlisted age bands last by text.
func TestCompareBreakdowns(t *testing.T) {
	bs := []Breakdown{
		TotalBreakdown.With(Income, Top60),
		TotalBreakdown.With(Age, "Y25T99"),
		TotalBreakdown.With(Sex, Male),
		TotalBreakdown,
		TotalBreakdown.With(Income, Bottom40),
		TotalBreakdown.With(Age, "Y15T24"),
		TotalBreakdown.With(Sex, Female),
	}
	slices.SortFunc(bs, CompareBreakdowns)
	var got []string
	for _, b := range bs {
		got = append(got, b.Sex+b.Age+b.Income)
	}
	want := []string{"_T_T_T", "_T_TB40", "_T_TT60", "_TY15T24_T", "_TY25T99_T", "F_T_T", "M_T_T"}
	if !slices.Equal(got, want) {
		t.Errorf("order %q, want %q", got, want)
	}
	if !(Breakdown{}).IsTotal() || TotalBreakdown.With(Labour, InLabourForce).IsTotal() {
		t.Error("IsTotal: the zero Breakdown is the total; one with a labour code is not")
	}
}

// Normal reads "" as the total in every dimension of Breakdowns, and
// keeps a code given, whichever dimension it is in.
func TestNormalEveryDimension(t *testing.T) {
	if got := (Breakdown{}).Normal(); got != TotalBreakdown {
		t.Fatalf("Breakdown{}.Normal() = %+v, want %+v", got, TotalBreakdown)
	}
	for _, d := range Breakdowns {
		b := Breakdown{}.With(d, "X").Normal()
		for _, e := range Breakdowns {
			want := Total
			if e == d {
				want = "X"
			}
			if got := b.Get(e); got != want {
				t.Errorf("%s = X, normal: %s = %q, want %q", d.Column, e.Column, got, want)
			}
		}
	}
}
