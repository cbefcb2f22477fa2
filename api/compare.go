package api

import (
	"github.com/dri-engine/dri/indicators/engine"
)

var compareColumns = []colSpec{{"unit", KindString, ""}, {"node", KindString, ""}, {"level", KindInt, ""}, {"name", KindString, ""},
	{"group", KindString, ""}, {"value", KindFloat, ""}, {"group_value", KindFloat, ""}, {"difference", KindFloat, ""},
	{"ratio", KindFloat, ""}, {"percentile", KindFloat, ""}, {"rank", KindInt, ""}, {"of", KindInt, ""},
	{"members_with_data", KindInt, ""}, {"coverage", KindFloat, ""}, {"note", KindString, ""}}

// handleCompare is GET /v1/compare: engine.CompareUnit, rendered.
func handleCompare(r *request) (*Result, error) {
	sc, err := scorer(r)
	if err != nil {
		return nil, err
	}
	us := r.list("unit")
	if len(us) != 1 {
		r.errs.add("unit", "required: exactly one unit (ISO3 or ISO2), e.g. unit=KEN")
		return nil, r.errs.problem()
	}
	unit, ok := r.ds.Reference.LookupUnit(us[0])
	if !ok {
		return nil, notFound(CodeUnknownUnit, "unknown unit %q", us[0])
	}
	gopt := groupOptions(r)
	// nil: the unit's default comparison groups; a country code: its
	// regions (engine.AgainstGroups, as dri compare reads --against).
	groups, err := sc.AgainstGroups(r.list("against"))
	if err != nil {
		return nil, engineError(err)
	}
	fid := r.str("framework")
	if fid == "" {
		fid = "compass"
	}
	f, err := framework(r, sc, fid)
	if err != nil {
		return nil, err
	}
	if p := r.errs.problem(); p != nil {
		return nil, p
	}
	year, err := requestYear(r, sc, f)
	if err != nil {
		return nil, err
	}
	cmp, err := sc.CompareUnit(engine.CompareQuery{Unit: unit.Code, Framework: f.ID, Year: year, Groups: groups, Options: gopt})
	if err != nil {
		return nil, engineError(err)
	}
	t := newTable(compareColumns)
	w := newRowWriter(t)
	for _, c := range cmp.Rows {
		w.str("unit", cmp.Unit.Code)
		w.str("node", c.Code)
		w.integer("level", c.Level)
		w.str("name", c.Name)
		w.str("group", c.Group)
		w.float("value", c.Value)
		w.float("group_value", c.Agg.Value)
		if c.HasCmp {
			w.float("difference", c.Cmp.Difference)
			w.float("ratio", c.Cmp.Ratio)
			w.float("percentile", c.Cmp.Percentile)
			w.integer("rank", c.Cmp.Rank)
			w.integer("of", c.Cmp.Of)
		}
		w.integer("members_with_data", c.Agg.N)
		w.float("coverage", c.Agg.Coverage)
		note := ""
		if c.Agg.Withheld {
			note = "group value withheld: " + c.Agg.Reason
		} else if c.Agg.Status == engine.StatusEstimated {
			note = c.Agg.Note() // an estimated group value says what it imputed
		}
		w.str("note", note)
		w.end()
	}
	meta := scoreMeta(cmp.Result)
	meta["unit"] = cmp.Unit.Code
	return &Result{Table: t, Paged: true, Meta: meta}, nil
}
