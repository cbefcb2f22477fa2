package engine

import (
	"fmt"

	"github.com/dri-engine/dri/indicators"
	"github.com/dri-engine/dri/pipeline/dims"
)

// BreakdownGap is a framework scored in one year for two groups of one
// dimension (women and men, rural and urban people, the poorest 40 % and
// the richest 60 %...), and the gap between them node by node: as the
// gender figures have it (docs/DESIGN.md), the parity index A ÷ B and the
// gap B − A in points of the framework's scale, A the group named first.
type BreakdownGap struct {
	A, B *BreakdownResult
}

// GapFigure is one node's gap for one unit.
type GapFigure struct {
	A, B   float64
	Gap    float64 // B − A
	Parity float64 // A ÷ B; NaN when B is 0
	// Valid: both groups have a score.
	Valid bool
	// Note says when the two scores rest on different parts (a child with
	// data for one group only), which makes their gap partly a gap in data.
	Note string
}

// ScoreBreakdownGap scores a framework for breakdowns a and b (which must
// differ in exactly one dimension) in one year: year, or when 0 the
// earlier of the two breakdowns' default years, so that both are scored in
// the same year.
func (e *Engine) ScoreBreakdownGap(id string, year int, a, b dims.Breakdown, opt indicators.Options) (*BreakdownGap, error) {
	a, b = a.Normal(), b.Normal()
	differ := 0
	for _, d := range dims.Breakdowns {
		if a.Get(d) != b.Get(d) {
			differ++
		}
	}
	if differ != 1 {
		return nil, fmt.Errorf("engine: a gap compares two groups of one dimension; %s and %s differ in %d", breakdownKey(a), breakdownKey(b), differ)
	}
	if year == 0 {
		f, ok := e.Framework(id)
		if !ok {
			return nil, &UnknownError{"framework", id}
		}
		if err := breakdownMethods(f, opt); err != nil {
			return nil, err
		}
		year = e.DefaultYear(f)
		for _, x := range []dims.Breakdown{a, b} {
			if x.IsTotal() {
				continue
			}
			bf, err := e.breakdownFramework(f, x)
			if err != nil {
				return nil, err
			}
			year = min(year, e.breakdownDefaultYear(f, bf))
		}
	}
	ra, err := e.ScoreBreakdown(id, year, a, opt)
	if err != nil {
		return nil, err
	}
	rb, err := e.ScoreBreakdown(id, year, b, opt)
	if err != nil {
		return nil, err
	}
	return &BreakdownGap{A: ra, B: rb}, nil
}

// Figure is node k's (in framework order) gap for unit u.
func (g *BreakdownGap) Figure(k, u int) GapFigure {
	na, nb := g.A.Nodes[k], g.B.Nodes[k]
	var f GapFigure
	if !na.Valid[u] || !nb.Valid[u] {
		return f
	}
	f.A, f.B, f.Valid = na.Value(u), nb.Value(u), true
	f.Gap = f.B - f.A
	f.Parity = f.A / f.B // ±Inf or NaN when B is 0: no parity
	if na.Parts != nil && nb.Parts != nil && (na.Parts[u] != nb.Parts[u] || na.PartsOf != nb.PartsOf) {
		f.Note = fmt.Sprintf("the scores rest on different parts (%d of %d and %d of %d children with data)", na.Parts[u], na.PartsOf, nb.Parts[u], nb.PartsOf)
	}
	return f
}
