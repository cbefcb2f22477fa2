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
