package api

import "github.com/dri-engine/dri/indicators/engine"

// membershipParam is the group rule's one query choice, on every route that
// shows group figures.
var membershipParam = paramSpec{name: "membership", typ: "string",
	desc: "group membership: dated (default: a year's LDCs are that year's list) or current (today's members for every year); income groups are current only"}

// groupOptions reads the group rule's options from the query.
func groupOptions(r *request) engine.GroupOptions {
	m := r.str("membership")
	if err := engine.CheckMembership(m); err != nil {
		r.errs.add("membership", "%q: want dated or current", m)
	}
	return engine.GroupOptions{Membership: m}
}
