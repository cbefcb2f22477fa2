package api

import (
	"strings"

	"github.com/dri-engine/dri/indicators/engine"
)

// membershipParam is the group rule's one query choice, on every route that
// shows group figures.
var membershipParam = paramSpec{name: "membership", typ: "string",
	desc: "group membership: dated (default: a year's LDCs are that year's list) or current (today's members for every year); income groups are current only"}

// estimateParam switches on estimated group figures, on every route with
// membershipParam.
var estimateParam = paramSpec{name: "estimate", typ: "boolean",
	desc: "true: members without a value are imputed (median of their M49 region x income group) and group figures get status E, withheld when imputed members hold over 50% of the population covered (docs/DECISIONS.md)"}

// groupOptions reads the group rule's options from the query.
func groupOptions(r *request) engine.GroupOptions {
	m := r.str("membership")
	if err := engine.CheckMembership(m); err != nil {
		r.errs.add("membership", "%q: want dated or current", m)
	}
	opt := engine.GroupOptions{Membership: m}
	v := r.str("estimate")
	est, ok := parseBool(v)
	if !ok {
		r.errs.add("estimate", "%q: want true or false", strings.TrimSpace(v))
	}
	opt.Estimate = est
	return opt
}

// figureColumns are a group figure's provenance as fields, after the note
// that says the same in words, on every table whose rows can be a group's
// (null on a unit's row); dri gaps prints the same columns.
var figureColumns = []colSpec{{"members_with_data", KindInt, ""}, {"members", KindInt, ""},
	{"population_share", KindFloat, ""}, {"years", KindString, ""}, {"method", KindString, ""},
	{"imputed_share", KindFloat, ""}}

// setFigure sets a group row's figureColumns: members with data (imputed
// ones included when estimated) of members, the share of the members'
// population they hold, the years of the values used, the method, and for
// an estimated figure the share of the covered population imputed.
func setFigure(w *rowWriter, a engine.Aggregate) {
	w.integer("members_with_data", a.N)
	w.integer("members", a.Members)
	w.float("population_share", a.PopCoverage)
	w.str("years", engine.YearsUsed(a))
	w.str("method", a.Method)
	if a.Status == engine.StatusEstimated {
		w.float("imputed_share", a.ImputedPopShare)
	}
}
