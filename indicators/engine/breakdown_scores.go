package engine

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/dri-engine/dri/indicators"
	"github.com/dri-engine/dri/pipeline/dims"
)

// BreakdownResult is a framework scored for one breakdown (women, rural
// people, the poorest 40 %...): every leaf reads the breakdown's series where
// the registry lists that disaggregation for its indicator, and the total
// otherwise, which Held says leaf by leaf. The scores share the total's
// scale (docs/DECISIONS.md, "Scores by breakdown").
type BreakdownResult struct {
	*indicators.Result
	// Breakdown scored (all _T: the total, Result is then Score's).
	Breakdown dims.Breakdown
	// Held are the leaves held at the total, by node code, each with why.
	Held map[string]string
}

// HeldCodes are the codes of the leaves held at the total, in framework
// order.
func (r *BreakdownResult) HeldCodes() []string {
	var out []string
	for _, nr := range r.Nodes {
		if _, ok := r.Held[nr.Node.Code]; ok {
			out = append(out, nr.Node.Code)
		}
	}
	return out
}

// BreakdownError is a breakdown that a framework's methods cannot score on
// the total's scale, or that it cannot score at all.
type BreakdownError struct{ Framework, Reason string }

func (e *BreakdownError) Error() string {
	return fmt.Sprintf("engine: %s: no scores by breakdown: %s", e.Framework, e.Reason)
}

// breakdownFramework is a framework re-keyed to one breakdown, with the
// panel of its series.
type breakdownFramework struct {
	f     *indicators.Framework
	panel *indicators.Panel
	held  map[string]string
	// years are, per re-keyed leaf, the years in which its series has a
	// value for some scored unit, ascending.
	years map[string][]int
}

// breakdownDefaultYear is the year a breakdown is scored when none is
// asked for: of the framework's scored years up to its default year, the
// one in which the most re-keyed leaves have a value for some unit within
// the framework's window, the latest of those (a breakdown's series often
// end earlier than the total's: ITU's phone ownership by sex, for one);
// the framework's default year when no re-keyed leaf has data in any.
func (e *Engine) breakdownDefaultYear(f *indicators.Framework, bf *breakdownFramework) int {
	def := e.DefaultYear(f)
	best, bestYear := 0, def
	years := e.Years(f)
	for i := len(years) - 1; i >= 0; i-- {
		y := years[i]
		if y > def {
			continue
		}
		n := 0
		for _, ys := range bf.years {
			k, _ := slices.BinarySearch(ys, y+1) // the first year after y
			if k > 0 && ys[k-1] >= y-f.YearWindow {
				n++
			}
		}
		if n > best {
			best, bestYear = n, y
		}
	}
	return bestYear
}

// ScoreBreakdown scores a framework for a year (0 = its default year) for
// one breakdown, cached per framework, breakdown, year and options. The
// total (every code _T) is Score's result. Each leaf reads the breakdown's
// series when its indicator lists every dimension of the breakdown among
// its disaggregations in the registry; otherwise, or when the framework
// fixes the leaf's code in such a dimension, it is held at the framework's
// own series and the result says so (Held, and a note per leaf).
//
// So that a breakdown's score and the total's (women's and men's) share
// one scale, every leaf is normalised with the goalposts the total used:
// the framework's or registry's fixed goalposts, else the natural bounds,
// else the total's minimum and maximum in the year (minmax:L,U with L,U the
// framework's scale is scored the same way, as goalposts at the total's
// minimum and maximum, values beyond them truncated). Methods that place a
// unit within the scored universe (zscore, rank, ...), data-driven
// treatment, imputation from other units and PCA weights would each put a
// breakdown on its own scale, and are refused with a BreakdownError.
func (e *Engine) ScoreBreakdown(id string, year int, b dims.Breakdown, opt indicators.Options) (*BreakdownResult, error) {
	b = b.Normal()
	for _, d := range dims.Breakdowns {
		if !d.Valid(b.Get(d)) {
			return nil, fmt.Errorf("engine: breakdown: %s %q is not %s", d.Column, b.Get(d), d.Want())
		}
	}
	if b.IsTotal() {
		res, err := e.Score(id, year, opt)
		if err != nil {
			return nil, err
		}
		return &BreakdownResult{Result: res, Breakdown: b, Held: map[string]string{}}, nil
	}
	f, ok := e.Framework(id)
	if !ok {
		return nil, &UnknownError{"framework", id}
	}
	if err := breakdownMethods(f, opt); err != nil {
		return nil, err
	}
	bf, err := e.breakdownFramework(f, b)
	if err != nil {
		return nil, err
	}
	if year == 0 {
		year = e.breakdownDefaultYear(f, bf)
	}
	if f, opt, err = e.scoring(id, year, opt); err != nil { // as Score: the year, ranks of the indicators too
		return nil, err
	}
	res, err := e.scores.get(f.ID+"|"+breakdownKey(b)+"|"+optionsKey(opt), func() (*indicators.Result, error) {
		g, bopt, err := e.breakdownScoring(f, bf, opt)
		if err != nil {
			return nil, err
		}
		res, err := indicators.Score(g, bf.panel, bopt)
		if err != nil {
			return nil, err
		}
		res.Normalisation = effectiveNormalisation(f, opt) // as asked; applied at the total's goalposts
		for _, nr := range res.Nodes {
			if why, ok := bf.held[nr.Node.Code]; ok {
				res.Notes = append(res.Notes, fmt.Sprintf("%s (%s): held at the total: %s", nr.Node.Code, nr.Node.Indicator, why))
			}
		}
		if err := withholdTotalsOnly(res, bf.held); err != nil {
			return nil, err
		}
		return res, nil
	})
	if err != nil {
		return nil, err
	}
	return &BreakdownResult{Result: res, Breakdown: b, Held: bf.held}, nil
}

// withholdTotalsOnly withholds the aggregate scores of the units that have
// a value for none of the re-keyed leaves: made of held totals only, such a
// score would be the total's under the breakdown's name. Ranks of the
// aggregates are recomputed over the units that keep a score.
func withholdTotalsOnly(res *indicators.Result, held map[string]string) error {
	n := len(res.Units)
	measured := make([]bool, n)
	rekeyed := 0
	for _, nr := range res.Nodes {
		if _, isHeld := held[nr.Node.Code]; !nr.Node.IsIndicator() || isHeld {
			continue
		}
		rekeyed++
		for u, ok := range nr.RawValid {
			measured[u] = measured[u] || ok
		}
	}
	withheld := 0
	for u := range measured {
		if !measured[u] {
			withheld++
		}
	}
	if withheld == 0 {
		return nil
	}
	for _, nr := range res.Nodes {
		if nr.Node.IsIndicator() {
			continue
		}
		for u, ok := range measured {
			if !ok {
				nr.Valid[u] = false
			}
		}
		if nr.Rank != nil {
			if _, err := indicators.Rank(nr.Rank, nr.ValueColumn(), nr.Valid); err != nil {
				return fmt.Errorf("engine: ranking %s: %w", nr.Node.Code, err)
			}
		}
	}
	if rekeyed > 0 && withheld < n {
		res.Notes = append(res.Notes, fmt.Sprintf("%d units have no value for any indicator read for the breakdown: their scores are withheld (they would be the total's)", withheld))
	} else {
		res.Notes = append(res.Notes, "no unit has a value for any indicator read for the breakdown in the year: every score is withheld (it would be the total's)")
	}
	return nil
}

// breakdownKey names a breakdown in cache keys: "b=" then its six codes.
func breakdownKey(b dims.Breakdown) string { return "b=" + strings.Join(b.Codes(), ",") }

func effectiveNormalisation(f *indicators.Framework, opt indicators.Options) indicators.Normaliser {
	if opt.Normalisation != nil {
		return *opt.Normalisation
	}
	return f.Normalisation()
}

// breakdownMethods refuses the methods under which a breakdown's scores
// would not share the total's scale.
func breakdownMethods(f *indicators.Framework, opt indicators.Options) error {
	refuse := func(format string, args ...any) error {
		return &BreakdownError{f.ID, fmt.Sprintf(format, args...)}
	}
	if f.Kind == indicators.KindGender {
		return refuse("the gender framework scores women and men side by side already")
	}
	n := effectiveNormalisation(f, opt)
	switch n.Method {
	case indicators.NormNone, indicators.NormGoalposts:
	case indicators.NormMinMax:
		if n.P1 != f.Scale.Lo || n.P2 != f.Scale.Hi {
			return refuse("normalisation %s: a breakdown is scored at the total's minimum and maximum on the framework's scale %v-%v; use minmax:%v,%v or goalposts", n, f.Scale.Lo, f.Scale.Hi, f.Scale.Lo, f.Scale.Hi)
		}
	default:
		return refuse("normalisation %s places each unit within the units scored, so a breakdown's scores and the total's would not share a scale; use goalposts, minmax or none", n)
	}
	tr := f.Treatment()
	if opt.Treatment != nil {
		tr = *opt.Treatment
	}
	if tr.Method != indicators.TreatNone {
		return refuse("treatment %s depends on the distribution scored; use none", tr)
	}
	im := f.Imputation()
	if opt.Imputation != nil {
		im = *opt.Imputation
	}
	switch im.Method {
	case indicators.ImputationNone, indicators.ImputationLatest, indicators.ImputationLinear:
	default:
		return refuse("imputation %s fills a unit from other units' values; use none, latest:N or linear (a unit's own years)", im)
	}
	ws := f.Methods.Weights
	if opt.WeightScheme != "" {
		ws = opt.WeightScheme
	}
	if ws == "pca" {
		return refuse("PCA weights come from the distribution scored; use explicit or equal")
	}
	return nil
}

// breakdownFramework returns (building once) f re-keyed to b and its panel.
func (e *Engine) breakdownFramework(f *indicators.Framework, b dims.Breakdown) (*breakdownFramework, error) {
	return e.breakdowns.get(f.ID+"|"+breakdownKey(b), func() (*breakdownFramework, error) {
		g, err := cloneFramework(f)
		if err != nil {
			return nil, err
		}
		held := map[string]string{}
		keys := map[indicators.SeriesKey]bool{}
		years := map[string][]int{}
		for _, n := range g.Nodes() {
			if !n.IsIndicator() {
				continue
			}
			if why := e.rekey(n, b); why != "" {
				held[n.Code] = why
			} else {
				years[n.Code] = e.seriesYears(n.Key())
			}
			keys[n.Key()] = true
		}
		if err := g.Init(nil); err != nil { // the leaves' new keys checked
			return nil, fmt.Errorf("engine: %s for %s: %w", f.ID, breakdownKey(b), err)
		}
		for _, x := range g.Extras {
			keys[indicators.KeyOf(x, dims.TotalBreakdown)] = true
		}
		p := indicators.NewPanel(e.units, e.info, e.groups, storeObservations{e}, slices.Collect(maps.Keys(keys)))
		return &breakdownFramework{f: g, panel: p, held: held, years: years}, nil
	})
}

// seriesYears are the years in which a series has a value for some scored
// unit, ascending.
func (e *Engine) seriesYears(k indicators.SeriesKey) []int {
	seen := map[int]bool{}
	storeObservations{e}.Each(k, func(_ int, years []int16, values []float64) {
		for i, y := range years {
			if !math.IsNaN(values[i]) {
				seen[int(y)] = true
			}
		}
	})
	return slices.Sorted(maps.Keys(seen))
}

// rekey sets a leaf's codes to b's non-total ones when its indicator has
// each of those disaggregations in the registry and the framework leaves it
// at their total; otherwise it leaves the leaf alone and says why.
func (e *Engine) rekey(n *indicators.Node, b dims.Breakdown) string {
	ind, _, ok := e.reg.Lookup(n.Indicator)
	if !ok {
		return "not in the registry"
	}
	own := n.Key().Breakdown()
	var missing, fixed []string
	for _, d := range dims.Breakdowns {
		code := b.Get(d)
		if code == dims.Total {
			continue
		}
		if own.Get(d) != dims.Total {
			fixed = append(fixed, d.Column+"="+own.Get(d))
		}
		if !slices.Contains(ind.Disaggregations, d.Column) {
			missing = append(missing, d.Column)
		}
	}
	switch {
	case len(fixed) > 0:
		return "the framework fixes " + strings.Join(fixed, ", ") + " for this leaf"
	case len(missing) > 0:
		return fmt.Sprintf("the registry lists no %s breakdown of %s", strings.Join(missing, " or "), n.Indicator)
	}
	for _, d := range dims.Breakdowns {
		if code := b.Get(d); code != dims.Total {
			own = own.With(d, code)
		}
	}
	n.Sex, n.Area, n.Age, n.Income, n.Education, n.Labour = own.Sex, own.Area, own.Age, own.Income, own.Education, own.Labour
	return ""
}

// cloneFramework copies a framework's definition (its tree deeply, so
// that the copy's nodes may be changed) and initialises the copy.
func cloneFramework(f *indicators.Framework) (*indicators.Framework, error) {
	g := *f
	var clone func(n *indicators.Node) *indicators.Node
	clone = func(n *indicators.Node) *indicators.Node {
		c := *n
		if n.Goalposts != nil {
			gp := *n.Goalposts
			c.Goalposts = &gp
		}
		c.Children = make([]*indicators.Node, len(n.Children))
		for i, k := range n.Children {
			c.Children[i] = clone(k)
		}
		if n.Children == nil {
			c.Children = nil
		}
		return &c
	}
	g.Tree = make([]*indicators.Node, len(f.Tree))
	for i, n := range f.Tree {
		g.Tree[i] = clone(n)
	}
	g.Extras = slices.Clone(f.Extras)
	if err := g.Init(nil); err != nil {
		return nil, fmt.Errorf("engine: copy of %s: %w", f.ID, err)
	}
	return &g, nil
}

// breakdownScoring returns the framework and options that score bf on the
// total's scale: where the total's goalposts come from the data (no fixed
// goalposts and no finite natural bounds, or minmax), a copy of bf's
// framework with the total's minimum and maximum in the year set as the
// leaves' goalposts, scored with goalposts.
func (e *Engine) breakdownScoring(f *indicators.Framework, bf *breakdownFramework, opt indicators.Options) (*indicators.Framework, indicators.Options, error) {
	n := effectiveNormalisation(f, opt)
	if n.Method == indicators.NormNone {
		return bf.f, opt, nil
	}
	var total *indicators.Result
	g, err := cloneFramework(bf.f)
	if err != nil {
		return nil, opt, err
	}
	for _, node := range g.Nodes() {
		if !node.IsIndicator() {
			continue
		}
		info := e.info[node.Indicator]
		if n.Method == indicators.NormGoalposts && (node.Goalposts != nil || info.Goalposts != nil || finiteBounds(info.Bounds)) {
			continue // the same fixed goalposts for every breakdown
		}
		if total == nil {
			if total, err = e.Score(f.ID, opt.Year, opt); err != nil {
				return nil, opt, err
			}
		}
		tr, _ := total.Node(node.Code)
		lo, hi, ok := presentRange(tr.Raw, tr.RawValid)
		if !ok {
			continue // the total has no data in the year: the leaf is excluded for lack of spread or data
		}
		dir := info.Polarity
		if node.Direction != 0 {
			dir = node.Direction
		}
		if dir < 0 {
			lo, hi = hi, lo
		}
		node.Goalposts = &indicators.Range{Lo: lo, Hi: hi}
	}
	gp := indicators.Normaliser{Method: indicators.NormGoalposts}
	opt.Normalisation = &gp
	return g, opt, nil
}

// presentRange is the minimum and maximum of the present values.
func presentRange(x []float64, valid []bool) (lo, hi float64, ok bool) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for i, v := range x {
		if valid[i] {
			lo, hi, ok = min(lo, v), max(hi, v), true
		}
	}
	return lo, hi, ok
}

// finiteBounds: natural bounds that indicators' goalposts rule uses (a
// finite upper bound).
func finiteBounds(r *indicators.Range) bool {
	return r != nil && !math.IsInf(r.Hi, 0) && !math.IsNaN(r.Hi)
}
