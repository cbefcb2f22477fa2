package engine

import (
	"github.com/dri-engine/dri/indicators"
	"github.com/dri-engine/dri/pipeline"
)

// CompareQuery asks for a unit against groups on every node of a framework.
type CompareQuery struct {
	Unit      string // a unit code, ISO2 or name (pipeline.Reference.LookupUnit)
	Framework string
	Year      int // 0: the framework's default year
	// Groups to compare with; nil: the unit's default comparison groups
	// (LDC, its M49 region, its income group, the world).
	Groups  []*pipeline.Group
	Options GroupOptions
}

// UnitComparison is a unit set against groups on every node of a
// framework: what dri compare and GET /v1/compare show.
type UnitComparison struct {
	Unit   *pipeline.Unit
	Groups []*pipeline.Group
	// Result is the framework scored in the comparison's year.
	Result *indicators.Result
	// Rows are per node (result order), per group (Groups order).
	Rows []NodeComparison
	// Published are the publisher's own scores for the unit by node code
	// (compass: UNDP's ddc.* scores, the latest in or before the year).
	Published map[string]Published
}

// CompareUnit sets a unit against groups on every node of a framework (the
// one code path behind dri compare and /v1/compare). An unknown unit or
// framework is an *UnknownError, a membership choice other than dated or
// current an error, a unit the framework does not score a *NotScoredError.
func (e *Engine) CompareUnit(q CompareQuery) (*UnitComparison, error) {
	u, ok := e.ref.LookupUnit(q.Unit)
	if !ok {
		return nil, &UnknownError{"unit", q.Unit}
	}
	if sub, err := e.UniverseFor(nil, []string{u.Code}); err == nil && sub != e {
		return sub.CompareUnit(q) // a region: among its country's regions
	}
	groups := q.Groups
	if groups == nil {
		groups = e.comparisonGroups(u)
	}
	if err := e.checkRegionsGroups(u, groups); err != nil {
		return nil, err
	}
	res, err := e.Score(q.Framework, q.Year, indicators.Options{})
	if err != nil {
		return nil, err
	}
	if err := CheckMembership(q.Options.Membership); err != nil {
		return nil, err
	}
	rows, err := e.Compare(res, u.Code, groups, q.Options)
	if err != nil {
		return nil, &NotScoredError{u}
	}
	c := &UnitComparison{Unit: u, Groups: groups, Result: res, Rows: rows, Published: map[string]Published{}}
	for _, p := range e.Published(res.Framework.ID, u.Code, res.Year) {
		c.Published[p.Code] = p
	}
	return c, nil
}
