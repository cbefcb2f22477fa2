package dims

import (
	"cmp"
	"strings"
)

// Breakdown is an observation's codes in the breakdown dimensions
// (Breakdowns), "_T" where it has none.
type Breakdown struct {
	Sex, Area, Age, Income, Education, Labour string
}

// TotalBreakdown is the breakdown of a country's total: _T everywhere.
var TotalBreakdown = Breakdown{Total, Total, Total, Total, Total, Total}

// Codes returns the codes in the order of Breakdowns.
func (b Breakdown) Codes() []string {
	return []string{b.Sex, b.Area, b.Age, b.Income, b.Education, b.Labour}
}

// Normal returns b with "" read as the total in every dimension.
// Its fields are listed as in Codes, Get and With (a loop over Breakdowns
// through Get and With took 3-4 % of a 200 x 300 build, once per
// indicator); TestNormalEveryDimension checks it against Breakdowns.
func (b Breakdown) Normal() Breakdown {
	for _, code := range [...]*string{&b.Sex, &b.Area, &b.Age, &b.Income, &b.Education, &b.Labour} {
		if *code == "" {
			*code = Total
		}
	}
	return b
}

// IsTotal reports whether b is the total in every dimension.
func (b Breakdown) IsTotal() bool { return b.Normal() == TotalBreakdown }

// Get returns the code of one breakdown dimension ("" for a dimension that
// is not a breakdown).
func (b Breakdown) Get(d *Dimension) string {
	switch d {
	case Sex:
		return b.Sex
	case Area:
		return b.Area
	case Age:
		return b.Age
	case Income:
		return b.Income
	case Education:
		return b.Education
	case Labour:
		return b.Labour
	}
	return ""
}

// With returns b with one dimension's code set.
func (b Breakdown) With(d *Dimension, code string) Breakdown {
	switch d {
	case Sex:
		b.Sex = code
	case Area:
		b.Area = code
	case Age:
		b.Age = code
	case Income:
		b.Income = code
	case Education:
		b.Education = code
	case Labour:
		b.Labour = code
	}
	return b
}

// CompareBreakdowns orders breakdowns dimension by dimension, each by the
// place of its code in the dimension's list (the total first), codes not
// listed (age bands) after the listed ones, by their text.
func CompareBreakdowns(a, b Breakdown) int {
	for _, d := range Breakdowns {
		if c := d.compare(a.Get(d), b.Get(d)); c != 0 {
			return c
		}
	}
	return 0
}

func (d *Dimension) compare(x, y string) int {
	if x == y {
		return 0
	}
	i, j := d.place(x), d.place(y)
	if i != j {
		return cmp.Compare(i, j)
	}
	return strings.Compare(x, y)
}

// place is a code's index in the list, len(list) for an unlisted one.
func (d *Dimension) place(code string) int {
	for i, c := range d.codes {
		if c.ID == code {
			return i
		}
	}
	return len(d.codes)
}
