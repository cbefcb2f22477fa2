package api

import (
	"github.com/dri-engine/dri/indicators"
	"github.com/dri-engine/dri/indicators/engine"
	"github.com/dri-engine/dri/pipeline/dims"
)

// breakdownParams are /v1/scores' breakdown parameters: one code of each
// breakdown dimension (sex=F scores the framework for women; docs/DECISIONS.md,
// "Scores by breakdown").
func breakdownParams() []paramSpec {
	out := make([]paramSpec, 0, len(dims.Breakdowns))
	for _, d := range dims.Breakdowns {
		p := dimensionParam(d)
		p.list = false
		p.desc = "score for one " + d.Column + " code (default " + d.Total + ", the total): leaves whose indicator has no " +
			d.Column + " breakdown are held at the total and say so; " + p.desc
		out = append(out, p)
	}
	return out
}

// requestBreakdown reads the breakdown parameters; an unknown code is a
// parameter error (it would score nothing).
func requestBreakdown(r *request) dims.Breakdown {
	b := dims.TotalBreakdown
	for _, d := range dims.Breakdowns {
		if code := r.str(d.Column); code != "" {
			checkCodes(r, d, []string{code})
			b = b.With(d, code)
		}
	}
	return b
}

// scoreBreakdownFor scores a breakdown with the request's year parameter,
// checking it; a breakdown the framework's methods cannot score on the
// total's scale (engine.BreakdownError) is a 422, as other engine errors.
func scoreBreakdownFor(r *request, sc Scorer, f *indicators.Framework, b dims.Breakdown) (*engine.BreakdownResult, error) {
	year, err := requestYear(r, sc, f)
	if err != nil {
		return nil, err
	}
	res, err := sc.ScoreBreakdown(f.ID, year, b, indicators.Options{})
	if err != nil {
		return nil, engineError(err)
	}
	return res, nil
}

// heldNote is a held leaf's note on its rows ("" for other nodes).
func heldNote(res *engine.BreakdownResult, nr *indicators.NodeResult) string {
	why, ok := res.Held[nr.Node.Code]
	if !ok {
		return ""
	}
	return "held at the total: " + why
}

// breakdownMeta is the breakdown part of /v1/scores' meta: the codes
// scored and the leaves held at the total.
func breakdownMeta(meta map[string]any, res *engine.BreakdownResult) {
	b := map[string]string{}
	for _, d := range dims.Breakdowns {
		b[d.Column] = res.Breakdown.Get(d)
	}
	meta["breakdown"] = b
	meta["held_at_total"] = nonNil(res.HeldCodes())
}

// joinNotes joins two notes with "; ", either of which may be empty.
func joinNotes(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}
