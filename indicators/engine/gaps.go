package engine

import (
	"github.com/dri-engine/dri/indicators"
	"github.com/dri-engine/dri/pipeline"
)

// GapsQuery asks for a gender-gap table.
type GapsQuery struct {
	Year int // 0: the gender framework's default year
	// Units are unit codes; Groups add their group rows. With neither,
	// every unit with data; with Groups alone, only the group rows.
	Units  []string
	Groups []*pipeline.Group
	// Indicators keeps only these indicator ids ("composite" and "wis" for
	// the composite and the Women's Inclusion Score); nil keeps all.
	Indicators []string
	Options    GroupOptions
}

// GenderTable is the gender-gap table of a year: what dri gaps and
// GET /v1/gender show, row for row.
type GenderTable struct {
	// Result is the gender framework scored in the table's year.
	Result *indicators.Result
	// Rows: the units' rows (per unit, each indicator with data, then the
	// composite and WIS; Gaps), then per group of the query its rows
	// (GroupGaps).
	Rows []GenderRow
}

// GenderRow is one row of a gender-gap table. Its Year is the year of the
// values on a unit's indicator row, else (composite, WIS, group rows) the
// table's year.
type GenderRow struct {
	GapRow
	// Group is the group of a group row (nil on a unit's row); Figure is
	// its figure's provenance (GapRow.GroupAggregate: members with data /
	// members, population share, years used, method).
	Group  *pipeline.Group
	Figure Aggregate
}

// GenderTable builds the gender-gap table of a query (the one code path
// behind dri gaps and /v1/gender), for any year: in a year the gender
// framework scores no unit, a group row still says why its figure is
// withheld. A membership choice other than dated or current is an error.
func (e *Engine) GenderTable(q GapsQuery) (*GenderTable, error) {
	if err := CheckMembership(q.Options.Membership); err != nil {
		return nil, err
	}
	res, err := e.Score("gender", q.Year, indicators.Options{})
	if err != nil {
		return nil, err
	}
	wantUnit, wantInd := setOf(q.Units), setOf(q.Indicators)
	t := &GenderTable{Result: res}
	add := func(r GenderRow) {
		if r.Year == 0 {
			r.Year = res.Year
		}
		if len(wantInd) == 0 || wantInd[r.Indicator] {
			t.Rows = append(t.Rows, r)
		}
	}
	if len(q.Units) > 0 || len(q.Groups) == 0 {
		for _, g := range e.Gaps(res) {
			if len(wantUnit) == 0 || wantUnit[g.Unit] {
				add(GenderRow{GapRow: g})
			}
		}
	}
	for _, grp := range q.Groups {
		for _, g := range e.GroupGaps(res, grp, q.Options) {
			add(GenderRow{GapRow: g, Group: grp, Figure: g.GroupAggregate()})
		}
	}
	return t, nil
}

func setOf(list []string) map[string]bool {
	m := make(map[string]bool, len(list))
	for _, s := range list {
		m[s] = true
	}
	return m
}
