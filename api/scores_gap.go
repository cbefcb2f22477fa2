package api

import (
	"strings"

	"github.com/dri-engine/dri/indicators"
	"github.com/dri-engine/dri/indicators/engine"
	"github.com/dri-engine/dri/pipeline/dims"
)

// scoreGapColumns: a node's scores for two groups of one dimension and
// the gap between them.
var scoreGapColumns = []colSpec{
	{"unit", KindString, ""}, {"unit_name", KindString, ""}, {"year", KindInt, ""}, {"node", KindString, ""},
	{"level", KindInt, ""}, {"group_a", KindString, ""}, {"group_b", KindString, ""},
	{"value_a", KindFloat, ""}, {"value_b", KindFloat, ""}, {"gap", KindFloat, ""}, {"parity", KindFloat, ""},
	{"note", KindString, ""},
}

func (s *Server) registerScoreGaps() {
	params := []paramSpec{
		{name: "year", typ: "integer", desc: "year scored (default: the latest in which both groups' series have data)"},
		{name: "unit", typ: "string", list: true, desc: "units: ISO3, ISO2 or ISO 3166-2 codes"},
		{name: "against", typ: "string", list: true, desc: "a country (ISO3, ISO2 or name): its sub-national units with data, scored among each other"},
		{name: "level", typ: "integer", desc: "only nodes of this level (1 = indicators)"},
		{name: "node", typ: "string", list: true, desc: "only these node codes"},
	}
	for _, d := range dims.Breakdowns {
		p := dimensionParam(d)
		p.desc = "two " + d.Column + " codes (group A, group B) for their gap, or one code fixed for both (default sex=F,M); " + p.desc
		params = append(params, p)
	}
	s.add(&route{method: "GET", path: "/v1/score-gaps/:framework",
		summary: "A framework scored for two groups of one breakdown (sex=F,M; area=R,U; income=B40,T60...) in one year: each node's two scores, the gap B - A and the parity A / B",
		params:  params, paged: true, cacheable: true, handler: handleScoreGaps, dataSchema: tableSchema(scoreGapColumns),
		extraResponses: map[string]string{"404": "Unknown framework, unit or node", "422": "A framework whose methods cannot score a breakdown on the total's scale"}})
}

// gapBreakdowns reads the breakdown parameters of /v1/score-gaps: exactly
// one dimension with two codes, the others with at most one.
func gapBreakdowns(r *request) (a, b dims.Breakdown) {
	a, b = dims.TotalBreakdown, dims.TotalBreakdown
	pair := ""
	for _, d := range dims.Breakdowns {
		codes := checkCodes(r, d, r.list(d.Column))
		switch {
		case len(codes) == 0:
		case len(codes) == 1:
			a, b = a.With(d, codes[0]), b.With(d, codes[0])
		case len(codes) == 2 && pair == "":
			pair = d.Column
			a, b = a.With(d, codes[0]), b.With(d, codes[1])
		default:
			r.errs.add(d.Column, "%q: two codes in one breakdown parameter only (e.g. sex=F,M), one in any other", strings.Join(codes, ","))
		}
	}
	switch {
	case pair == "" && a.IsTotal():
		// None given: women and men, the gap most asked for.
		a, b = a.With(dims.Sex, dims.Female), b.With(dims.Sex, dims.Male)
	case pair == "":
		r.errs.add("sex", "name the two groups in one breakdown parameter, e.g. sex=F,M or income=B40,T60")
	}
	return a, b
}

func handleScoreGaps(r *request) (*Result, error) {
	sc, f, err := scorerFramework(r, r.param("framework"))
	if err != nil {
		return nil, err
	}
	units, groups := parseUnits(r, "unit")
	if len(groups) > 0 {
		r.errs.add("unit", "group codes have no gap scores here; use /v1/scores with sex=... and the group")
	}
	level := r.integer("level", 0, 1, 20)
	nodes := set(r.list("node"))
	for code := range nodes {
		if _, ok := f.Node(code); !ok {
			r.errs.add("node", "unknown node %q of %s", code, f.ID)
		}
	}
	a, b := gapBreakdowns(r)
	if p := r.errs.problem(); p != nil {
		return nil, p
	}
	if sc, err = universeScorer(r, sc, units); err != nil {
		return nil, err
	}
	year, err := requestYear(r, sc, f)
	if err != nil {
		return nil, err
	}
	g, err := sc.ScoreBreakdownGap(f.ID, year, a, b, indicators.Options{})
	if err != nil {
		return nil, engineError(err)
	}
	t := newTable(scoreGapColumns)
	w := newRowWriter(t)
	names := unitNames(r.ds)
	keep := set(units)
	la, lb := groupLabel(a), groupLabel(b)
	for u, code := range g.A.Units {
		if len(keep) > 0 && !keep[code] {
			continue
		}
		for k, nr := range g.A.Nodes {
			if nr.Node.NoData() || (level != 0 && nr.Node.Level != level) || (len(nodes) > 0 && !nodes[nr.Node.Code]) {
				continue
			}
			fig := g.Figure(k, u)
			w.str("unit", code)
			w.str("unit_name", names[code])
			w.integer("year", g.A.Year)
			w.str("node", nr.Node.Code)
			w.integer("level", nr.Node.Level)
			w.str("group_a", la)
			w.str("group_b", lb)
			if nr.Valid[u] {
				w.float("value_a", nr.Value(u))
			}
			if nb := g.B.Nodes[k]; nb.Valid[u] {
				w.float("value_b", nb.Value(u))
			}
			if fig.Valid {
				w.float("gap", fig.Gap)
				w.float("parity", fig.Parity)
			}
			w.str("note", joinNotes(heldNote(g.A, nr), fig.Note))
			w.end()
		}
	}
	meta := scoreMeta(g.A.Result)
	meta["group_a"], meta["group_b"] = la, lb
	meta["universe"] = sc.Universe().String()
	meta["held_at_total"] = nonNil(g.A.HeldCodes())
	var notes []string
	for _, r := range []*engine.BreakdownResult{g.A, g.B} {
		for _, n := range r.Notes {
			notes = append(notes, groupLabel(r.Breakdown)+": "+n)
		}
	}
	meta["notes"] = nonNil(notes)
	return &Result{Table: t, Paged: true, Meta: meta}, nil
}

// groupLabel names a breakdown by its non-total codes: "sex=F",
// "sex=F area=R"; "total" for the total.
func groupLabel(b dims.Breakdown) string {
	var parts []string
	for _, d := range dims.Breakdowns {
		if code := b.Get(d); code != d.Total {
			parts = append(parts, d.Column+"="+code)
		}
	}
	if len(parts) == 0 {
		return "total"
	}
	return strings.Join(parts, " ")
}
