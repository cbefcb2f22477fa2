// Package dims is the one table of DRI's coded dimensions.
//
// The promise: for every coded column of the canonical observation table
// whose codes are a fixed list (sex, area, age, income, education, labour,
// status), this package is the
// only place that says the column's name, its SDMX concept and code list,
// its codes with their labels, and its total code. The pipeline's schema and
// validators, the API's parameter checks and descriptions, and the CLI's
// flags are derived from it; a new breakdown (income, education, labour-force
// status) is one more [Dimension] here and one more entry in [Breakdowns].
//
// The unit, indicator and source columns are coded too, but by tables that
// are data (the reference units and groups, the indicator registry, the
// catalogue), not by a fixed list; they are not here.
//
// Code lists, as published in the SDMX Global Registry
// (https://registry.sdmx.org/sdmx/v2/structure/codelist/AGENCY/ID/VERSION):
//   - sex: SDMX:CL_SEX(2.1), cross-domain concept SEX;
//   - area: IAEG-SDGs:CL_URBANISATION(1.10), concept URBANISATION (the SDMX
//     agency's own SDMX:CL_DEG_URB(1.0) spells urban and rural URB and RUR;
//     DRI, like the UN SDG database, uses U and R);
//   - age: IAEG-SDGs:CL_AGE(1.25), concept AGE (the SDMX agency's
//     SDMX:CL_AGE(1.0) lists units of age, not age bands);
//   - income: concept INCOME_WEALTH_QUANTILE, codes as the SDG database
//     writes them (Q1..Q5 quintiles, B40 the poorest 40 %, T60 the richest
//     60 %);
//   - education: concept EDUCATION_LEV, codes of ISCED 2011 level ranges in
//     the UNESCO UIS form (ISCED11_0T1 primary or less, ISCED11_2T8
//     secondary or more);
//   - labour: concept LABOUR_FORCE_STATUS, codes LF (in the labour force)
//     and NLF (outside it).
//   - status: SDMX:CL_OBS_STATUS(2.3), concept OBS_STATUS.
//
// The three lists of the last breakdowns are DRI's own (agency DRI): the
// concepts are SDMX's, the codes follow the SDG and ISCED forms, and their
// published SDMX code lists could not be consulted where DRI was built; an
// SDMX structure message says so by its agency.
//
// DRI accepts a subset of each list: the codes its sources publish.
package dims

import (
	"regexp"
	"slices"
	"strings"
)

// Total is the code of "no breakdown" in every breakdown dimension (SDMX's
// reserved code for totals).
const Total = "_T"

// Codes of the sex, area and status dimensions.
const (
	Female = "F"
	Male   = "M"
	Urban  = "U"
	Rural  = "R"

	Observed  = "A" // observed, as published (SDMX "Normal value")
	Estimated = "E" // estimate by the publisher, or a group figure DRI estimates
	Imputed   = "I" // imputed by DRI; never in an input file

	Bottom40         = "B40"         // the poorest 40 % of households by income or wealth
	Top60            = "T60"         // the richest 60 %
	PrimaryOrLess    = "ISCED11_0T1" // primary education or less
	SecondaryOrMore  = "ISCED11_2T8" // secondary education or more
	InLabourForce    = "LF"
	OutOfLabourForce = "NLF"
)

// Codelist names an SDMX code list: maintenance agency, id and version.
type Codelist struct {
	Agency, ID, Version string
}

// String is the list's short reference, AGENCY:ID(VERSION).
func (c Codelist) String() string { return c.Agency + ":" + c.ID + "(" + c.Version + ")" }

// Code is one code of a dimension.
type Code struct {
	ID    string // the code, as in the table, the files and the API
	Label string // its English name in the SDMX code list
	// Gloss is DRI's word for the code in help texts and messages, where
	// the code alone does not say it (U could be "unknown"); empty when the
	// code is clear by itself (F, M).
	Gloss string
	// Reserved codes are written by DRI only; an input carrying one is an
	// error (status I: imputed by DRI).
	Reserved bool
}

// Dimension is one coded column of the canonical observation table.
type Dimension struct {
	Column   string   // column name in the table, the files and the API
	Concept  string   // SDMX concept id (the SDMX-CSV column)
	Codelist Codelist // the SDMX code list the codes come from
	// Total is the code of "no breakdown" ("" when the dimension has none:
	// a status is not a breakdown).
	Total string
	codes []Code
	// bands accepts codes beyond the listed ones (the age dimension's SDMX
	// age bands); nil when the list is closed.
	bands *regexp.Regexp
	// Gap is the two groups an inclusion gap compares (nil: the dimension
	// is not a breakdown).
	Gap *Pair
}

// Pair is the two groups of a breakdown an inclusion gap compares: the
// group at risk of being left behind (Focus) against the one it is
// measured against (Reference), each with a name for the parity classes
// ("Women behind", "Parity", "Men behind"). The parity index is the focus
// group's value over the reference group's.
type Pair struct {
	Focus, Reference         string
	FocusName, ReferenceName string
}

// The dimensions, in the order of the table's columns.
var (
	Sex = &Dimension{
		Column: "sex", Concept: "SEX", Codelist: Codelist{"SDMX", "CL_SEX", "2.1"}, Total: Total,
		codes: []Code{
			{ID: Total, Label: "Total"},
			{ID: Female, Label: "Female"},
			{ID: Male, Label: "Male"},
		},
		Gap: &Pair{Female, Male, "Women", "Men"},
	}
	Area = &Dimension{
		Column: "area", Concept: "URBANISATION", Codelist: Codelist{"IAEG-SDGs", "CL_URBANISATION", "1.10"}, Total: Total,
		codes: []Code{
			{ID: Total, Label: "Total"},
			{ID: Urban, Label: "Urban", Gloss: "urban"},
			{ID: Rural, Label: "Rural", Gloss: "rural"},
		},
		Gap: &Pair{Rural, Urban, "Rural", "Urban"},
	}
	// Age takes _T and any SDMX age band: Y15T24 (15 to 24 years old),
	// Y_GE15 (15 years old and over), Y_LT25 (under 25), with up to three
	// digits per bound.
	Age = &Dimension{
		Column: "age", Concept: "AGE", Codelist: Codelist{"IAEG-SDGs", "CL_AGE", "1.25"}, Total: Total,
		codes: []Code{{ID: Total, Label: "All age ranges or no breakdown by age"}},
		bands: regexp.MustCompile(`^(Y\d{1,3}T\d{1,3}|Y_GE\d{1,3}|Y_LT\d{1,3})$`),
		// Findex's split: youth against adults.
		Gap: &Pair{"Y15T24", "Y_GE25", "Youth (15-24)", "Adults (25+)"},
	}
	Income = &Dimension{
		Column: "income", Concept: "INCOME_WEALTH_QUANTILE", Codelist: Codelist{"DRI", "CL_INCOME_WEALTH_QUANTILE", "1.0"}, Total: Total,
		codes: []Code{
			{ID: Total, Label: "Total"},
			{ID: "Q1", Label: "Quintile 1 (poorest)", Gloss: "poorest fifth"},
			{ID: "Q2", Label: "Quintile 2", Gloss: "second fifth"},
			{ID: "Q3", Label: "Quintile 3", Gloss: "middle fifth"},
			{ID: "Q4", Label: "Quintile 4", Gloss: "fourth fifth"},
			{ID: "Q5", Label: "Quintile 5 (richest)", Gloss: "richest fifth"},
			{ID: Bottom40, Label: "Bottom 40 %", Gloss: "poorest 40 %"},
			{ID: Top60, Label: "Top 60 %", Gloss: "richest 60 %"},
		},
		Gap: &Pair{Bottom40, Top60, "Poorest 40 %", "Richest 60 %"},
	}
	Education = &Dimension{
		Column: "education", Concept: "EDUCATION_LEV", Codelist: Codelist{"DRI", "CL_EDUCATION_LEV", "1.0"}, Total: Total,
		codes: []Code{
			{ID: Total, Label: "Total"},
			{ID: PrimaryOrLess, Label: "Primary education or less (ISCED 2011 levels 0-1)", Gloss: "primary or less"},
			{ID: SecondaryOrMore, Label: "Secondary education or more (ISCED 2011 levels 2-8)", Gloss: "secondary or more"},
		},
		Gap: &Pair{PrimaryOrLess, SecondaryOrMore, "Primary or less", "Secondary or more"},
	}
	Labour = &Dimension{
		Column: "labour", Concept: "LABOUR_FORCE_STATUS", Codelist: Codelist{"DRI", "CL_LABOUR_FORCE_STATUS", "1.0"}, Total: Total,
		codes: []Code{
			{ID: Total, Label: "Total"},
			{ID: InLabourForce, Label: "In the labour force", Gloss: "in the labour force"},
			{ID: OutOfLabourForce, Label: "Outside the labour force", Gloss: "outside the labour force"},
		},
		Gap: &Pair{OutOfLabourForce, InLabourForce, "Outside the labour force", "In the labour force"},
	}
	Status = &Dimension{
		Column: "status", Concept: "OBS_STATUS", Codelist: Codelist{"SDMX", "CL_OBS_STATUS", "2.3"},
		codes: []Code{
			{ID: Observed, Label: "Normal value", Gloss: "observed"},
			{ID: Estimated, Label: "Estimated value", Gloss: "estimate"},
			{ID: Imputed, Label: "Imputed value (CCSA definition)", Gloss: "imputed by DRI", Reserved: true},
		},
	}
)

// Breakdowns are the dimensions that are part of an observation's key after
// unit, year and indicator, in column order. Each has the total code [Total].
var Breakdowns = []*Dimension{Sex, Area, Age, Income, Education, Labour}

// All are every dimension of this package, in column order.
var All = []*Dimension{Sex, Area, Age, Income, Education, Labour, Status}

// GapColumns are the column names of the breakdowns with an inclusion gap
// (a Pair), in column order: what /v1/gaps?dimension= and dri gaps --by
// take.
func GapColumns() []string {
	var out []string
	for _, d := range Breakdowns {
		if d.Gap != nil {
			out = append(out, d.Column)
		}
	}
	return out
}

// Codes returns the dimension's listed codes, in order (a copy). For the
// age dimension these are the named codes only, not every band it accepts.
func (d *Dimension) Codes() []Code { return slices.Clone(d.codes) }

func (d *Dimension) code(id string) (Code, bool) {
	for _, c := range d.codes {
		if c.ID == id {
			return c, true
		}
	}
	return Code{}, false
}

// Valid reports whether code is a code of the dimension that an input may
// carry: listed and not reserved, or (age) an SDMX age band.
func (d *Dimension) Valid(code string) bool {
	if c, ok := d.code(code); ok {
		return !c.Reserved
	}
	return d.bands != nil && d.bands.MatchString(code)
}

// Reserved reports whether code is one DRI writes and inputs may not carry.
func (d *Dimension) Reserved(code string) bool {
	c, ok := d.code(code)
	return ok && c.Reserved
}

// Label returns the SDMX label of a listed code.
func (d *Dimension) Label(code string) (string, bool) {
	c, ok := d.code(code)
	return c.Label, ok
}

// Labels returns the SDMX label of every listed code, by code.
func (d *Dimension) Labels() map[string]string {
	m := make(map[string]string, len(d.codes))
	for _, c := range d.codes {
		m[c.ID] = c.Label
	}
	return m
}

// Enum returns the codes an input may carry, in order, for an enumeration
// (an OpenAPI enum, a code list in a structure message); nil when the
// dimension is open (age bands are a pattern, not a list).
func (d *Dimension) Enum() []string {
	if d.bands != nil {
		return nil
	}
	var ids []string
	for _, c := range d.codes {
		if !c.Reserved {
			ids = append(ids, c.ID)
		}
	}
	return ids
}

// List returns the codes an input may carry as text, separated by ", " and
// the last by last: List(", ") is "_T, F, M", List(" or ") "_T, F or M".
func (d *Dimension) List(last string) string {
	return join(d.inputs(func(c Code) string { return c.ID }), last)
}

// Want says which codes an input may carry, for a message about a wrong
// one: [Dimension.List] with " or ", and for the open age dimension the
// forms of an SDMX age band.
func (d *Dimension) Want() string {
	if d.bands != nil {
		return d.Total + " or an SDMX age band: Y15T24 (15 to 24 years old), Y_GE25 (25 and over), Y_LT15 (under 15)"
	}
	return d.List(" or ")
}

// Glossed is [Dimension.List] with each code's gloss in parentheses where it
// has one: "_T, U (urban), R (rural)", "A (observed), E (estimate)".
func (d *Dimension) Glossed() string {
	return join(d.inputs(func(c Code) string {
		if c.Gloss == "" {
			return c.ID
		}
		return c.ID + " (" + c.Gloss + ")"
	}), ", ")
}

func (d *Dimension) inputs(text func(Code) string) []string {
	var out []string
	for _, c := range d.codes {
		if !c.Reserved {
			out = append(out, text(c))
		}
	}
	return out
}

func join(items []string, last string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + last + items[len(items)-1]
}

// ByColumn returns the dimension of a column name.
func ByColumn(column string) (*Dimension, bool) {
	for _, d := range All {
		if d.Column == column {
			return d, true
		}
	}
	return nil, false
}
