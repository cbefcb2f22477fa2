package engine

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/dri-engine/dri/indicators"
	"github.com/dri-engine/dri/pipeline"
	"github.com/dri-engine/dri/pipeline/dims"
)

// InclusionQuery asks for the inclusion gaps of one breakdown dimension:
// for every indicator the registry splits by it, the two groups of the
// dimension's pair (women and men, rural and urban, poorest 40 % and
// richest 60 %, youth and adults, primary or less and secondary or more,
// outside and in the labour force).
type InclusionQuery struct {
	Dimension *dims.Dimension
	// Year: values up to the gap window before it; 0 is the latest year
	// with a pair of values among the table's indicators.
	Year int
	// Units are unit codes; Groups add their group rows. With neither,
	// every unit with data; with Groups alone, only the group rows.
	Units      []string
	Groups     []*pipeline.Group
	Indicators []string // nil: every indicator split by the dimension
	Options    GroupOptions
}

// InclusionTable is the gaps of one dimension in a year: what GET /v1/gaps
// and dri gaps --by show, row for row.
type InclusionTable struct {
	Dimension *dims.Dimension
	Pair      dims.Pair
	Year      int
	// Window and Band are the gap rule's (the gender framework's
	// year_window and parity_band, so that the sex case is /v1/gender's).
	Window int
	Band   indicators.ParityBand
	// Indicators are the indicators with a pair of values, in registry
	// order; Rows per indicator the units' rows then the groups' rows.
	Indicators []string
	Rows       []InclusionRow
}

// InclusionRow is one unit's or group's gap on one indicator: the focus and
// reference groups' values, the parity index focus / reference, the gap in
// points reference - focus and the relative gap (reference - focus) /
// reference, and the parity class.
type InclusionRow struct {
	Unit, Indicator  string
	Year             int
	Focus, Reference float64
	Parity           float64
	Class            string
	PointGap         float64
	RelativeGap      float64
	Note             string
	// Group is the group of a group row (nil on a unit's row); Figure the
	// provenance of its figures (the less covered of the two).
	Group                  *pipeline.Group
	Figure                 Aggregate
	FocusAgg, ReferenceAgg Aggregate
}

// Gap rule defaults when no gender framework is loaded: ITU's parity band
// and the shipped gender framework's window.
const defaultGapWindow = 6

// gapRule is the window and parity band every inclusion gap uses: the
// gender framework's, so that GET /v1/gaps?dimension=sex and /v1/gender
// agree row for row.
func (e *Engine) gapRule() (window int, band indicators.ParityBand) {
	window, band = defaultGapWindow, indicators.ParityBand{Lo: indicators.ParityLo, Hi: indicators.ParityHi}
	if f, ok := e.Framework("gender"); ok && f.ParityBand != nil {
		window, band = f.YearWindow, indicators.ParityBand{Lo: f.ParityBand.Lo, Hi: f.ParityBand.Hi}
	}
	return window, band
}

// classify names a parity index's class for a pair: "<focus> behind"
// below the band, "Parity" in it, "<reference> behind" above; for an
// indicator where lower is better (polarity -1: a price) the other way
// round.
func classify(band indicators.ParityBand, p dims.Pair, v float64, polarity int) string {
	t, ok := band.Classify(v)
	if !ok {
		return ""
	}
	low, high := p.FocusName, p.ReferenceName
	if polarity < 0 {
		low, high = high, low
	}
	switch t.Index {
	case 1:
		return low + " behind"
	case 3:
		return high + " behind"
	}
	return t.Name
}

// polarity is an indicator's registry polarity (1 when unknown).
func (e *Engine) polarity(indicator string) int {
	if ind, _, ok := e.reg.Lookup(indicator); ok && ind.Polarity < 0 {
		return -1
	}
	return 1
}

// pairSeries reads an indicator's two groups of a dimension (every other
// breakdown the total), per scored unit.
func (e *Engine) pairSeries(indicator string, d *dims.Dimension) (focus, ref *unitSeries) {
	q := pipeline.QueryOf(pipeline.TotalBreakdown)
	q.SetFilter(d, []string{d.Gap.Focus, d.Gap.Reference})
	all := e.indicatorSeries(indicator, q)
	return all[pipeline.TotalBreakdown.With(d, d.Gap.Focus)], all[pipeline.TotalBreakdown.With(d, d.Gap.Reference)]
}

// InclusionTable builds the gaps table of a query (the one code path behind
// dri gaps --by and GET /v1/gaps). A dimension that is not a breakdown, an
// indicator the registry does not split by it, or a membership choice
// other than dated or current is an error.
func (e *Engine) InclusionTable(q InclusionQuery) (*InclusionTable, error) {
	d := q.Dimension
	if d == nil || d.Gap == nil {
		return nil, fmt.Errorf("engine: no inclusion gap for this dimension")
	}
	if err := CheckMembership(q.Options.Membership); err != nil {
		return nil, err
	}
	window, band := e.gapRule()
	t := &InclusionTable{Dimension: d, Pair: *d.Gap, Window: window, Band: band}
	type pair struct {
		id        string
		focus, rf *unitSeries
	}
	var pairs []pair
	want := setOf(q.Indicators)
	for _, id := range q.Indicators {
		ind, _, ok := e.reg.Lookup(id)
		if !ok {
			return nil, &UnknownError{"indicator", id}
		}
		if !slices.Contains(ind.Disaggregations, d.Column) {
			return nil, fmt.Errorf("engine: %s has no %s disaggregation", id, d.Column)
		}
	}
	last := 0
	for i := range e.reg.Indicators {
		ind := e.reg.Indicators[i]
		if !slices.Contains(ind.Disaggregations, d.Column) || (len(want) > 0 && !want[ind.ID]) {
			continue
		}
		f, r := e.pairSeries(ind.ID, d)
		if f == nil || r == nil {
			continue
		}
		pairs = append(pairs, pair{ind.ID, f, r})
		last = max(last, min(f.max, r.max))
	}
	t.Year = q.Year
	if t.Year == 0 {
		t.Year = last
	}
	wantUnit := setOf(q.Units)
	nan := math.NaN()
	for _, p := range pairs {
		t.Indicators = append(t.Indicators, p.id)
		if len(q.Units) > 0 || len(q.Groups) == 0 {
			for u, unit := range e.units {
				if len(wantUnit) > 0 && !wantUnit[unit] {
					continue
				}
				fv, rv, y, ok := indicators.LatestPair(p.focus.series[u], p.rf.series[u], t.Year, window)
				if !ok {
					continue
				}
				g := indicators.GenderGap(fv, rv, band.Lo, band.Hi, nan, nan)
				t.Rows = append(t.Rows, InclusionRow{Unit: unit, Indicator: p.id, Year: y, Focus: fv, Reference: rv,
					Parity: g.GPS, Class: classify(band, *d.Gap, g.GPS, e.polarity(p.id)), PointGap: g.PointGap, RelativeGap: g.RelativeGap})
			}
		}
		for _, grp := range q.Groups {
			row := e.groupPairRow(grp, p.id, d, p.focus, p.rf, t.Year, band, q.Options)
			t.Rows = append(t.Rows, row)
		}
	}
	return t, nil
}

// groupPairRow is a group's gap on one indicator in a year: the focus and
// reference groups' figures by the one group rule (weighted by the
// indicator's group weight, total or adult population: population by sex,
// area or income group is not shipped),
// and the parity index and gaps of those two rates, as ITU computes
// regional parity scores from aggregate rates. The gap is withheld when
// either figure is.
func (e *Engine) groupPairRow(g *pipeline.Group, indicator string, d *dims.Dimension, focus, ref *unitSeries, year int,
	band indicators.ParityBand, opt GroupOptions) InclusionRow {
	rule := e.indicatorRule(indicator)
	f := e.figureOfSeries(g, focus, year, rule, opt)
	r := e.figureOfSeries(g, ref, year, rule, opt)
	if d == dims.Sex {
		f.sexSpecific(pipeline.Female)
		r.sexSpecific(pipeline.Male)
	}
	nan := math.NaN()
	row := InclusionRow{Unit: g.Code, Indicator: indicator, Year: year, Focus: f.Value, Reference: r.Value, Parity: nan,
		PointGap: nan, RelativeGap: nan, Group: g, FocusAgg: f, ReferenceAgg: r}
	p := *d.Gap
	fw, rw := noteWord(d, p.Focus), noteWord(d, p.Reference)
	switch {
	case f.Withheld && r.Withheld && f.Reason == r.Reason:
		row.Note = "withheld: " + f.Reason
	case f.Withheld || r.Withheld:
		var why []string
		if f.Withheld {
			why = append(why, fw+": "+f.Reason)
		}
		if r.Withheld {
			why = append(why, rw+": "+r.Reason)
		}
		row.Note = "withheld: " + strings.Join(why, "; ")
		row.Focus, row.Reference = nan, nan
	default:
		gap := indicators.GenderGap(f.Value, r.Value, band.Lo, band.Hi, nan, nan)
		row.Parity, row.Class, row.PointGap, row.RelativeGap = gap.GPS, classify(band, p, gap.GPS, e.polarity(indicator)), gap.PointGap, gap.RelativeGap
		row.Note = fmt.Sprintf("%s: %s; %s: %s", fw, f.Note(), rw, r.Note())
	}
	row.Figure = row.groupAggregate()
	return row
}

// noteWord names a group in a note: its code's label in lower case
// ("female", "rural", "bottom 40 %"), the code where it has none (an age
// band).
func noteWord(d *dims.Dimension, code string) string {
	if l, ok := d.Label(code); ok {
		return strings.ToLower(l)
	}
	return code
}

// groupAggregate is a group row's parity index as a group figure, with the
// provenance of the less covered of its two figures, withheld as the row
// is.
func (r InclusionRow) groupAggregate() Aggregate {
	a := r.FocusAgg
	if r.ReferenceAgg.N < a.N {
		a = r.ReferenceAgg
	}
	a.Value = r.Parity
	a.Withheld = math.IsNaN(r.Parity)
	if a.Withheld {
		a.Reason = strings.TrimPrefix(r.Note, "withheld: ")
	}
	return a
}
