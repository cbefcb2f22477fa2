package indicators

import (
	"errors"
	"fmt"
	"iter"
	"math"

	"github.com/dri-engine/dri/pipeline/dims"
)

// IndicatorInfo is what scoring needs from the registry.
type IndicatorInfo struct {
	Polarity int
	// Goalposts (Lo scores 0, Hi scores the top) and natural Bounds, both in
	// the indicator's units; nil when the registry gives none.
	Goalposts *Range
	Bounds    *Range
}

// Options change a scoring run; zero values keep the framework's choices.
type Options struct {
	Year int
	// Method overrides (nil: the framework's).
	Normalisation *Normaliser
	Aggregation   *Aggregation
	Imputation    *Imputation
	Treatment     *Treatment
	// WeightScheme overrides methods.weights (explicit, equal, pca).
	WeightScheme string
	// Weights override node weights by code (explicit scheme).
	Weights map[string]float64
	// LeafRanks ranks the indicators too. Without it only the aggregates
	// are ranked and the indicators' Rank is nil: most callers read the
	// composite nodes' ranks only, and ranking every indicator was a third
	// of a build (docs/BENCHMARKS.md). The engine sets it for the results
	// it serves (the API, profiles and exports show every node's rank).
	LeafRanks bool
}

// NodeResult is one node's scores over the units.
type NodeResult struct {
	Node *Node
	// value is the Value column when it is stored: always for an
	// aggregate, and for an indicator whose value is not a function of its
	// Raw alone (a treatment, a normalisation other than min-max or none,
	// a gender indicator). Otherwise the indicator's Value is computed from
	// Raw when it is read, by scale (docs/DECISIONS.md, "Composite scoring
	// at users' sizes, eighth round").
	value []float64
	scale leafScale
	// Valid says which units have a Value (a fast-path indicator's is its
	// RawValid: read-only, as Raw).
	Valid []bool
	Rank  []int  // 1 = best, 0 = missing; nil for an indicator without Options.LeafRanks
	Tier  []Tier // aggregates (and gender indicators' parity class)
	// Class is the EGDI rating class (egdi scheme only).
	Class []Tier
	// coverage is an aggregate's Coverage column (nil for an indicator).
	coverage []float64
	// Parts, for an aggregate, is per unit how many of its PartsOf taking
	// children (children with no data and excluded indicators do not
	// take part) have a value: a unit whose score rests on fewer than all
	// of them is marked where its score and rank are shown.
	Parts   []int
	PartsOf int
	// Weight is the node's weight as used (before renormalisation over the
	// children present).
	Weight float64

	// Indicators only. Raw, RawValid and Treated are read-only: they may
	// be views of the panel's rows that other results share (doc.go,
	// "Missing data").
	Raw      []float64 // value selected (after imputation, before treatment)
	RawValid []bool
	// years is Year's column when it is stored: when a value may be of
	// another year than the one scored (a year window, imputation from
	// other years, a gender indicator's pairs). Otherwise every value
	// selected is of the year scored, and Year says so from RawValid and
	// Imputed (docs/DECISIONS.md, "Composite scoring at users' sizes,
	// fifth round").
	years  []int
	scored int // the year scored
	// Imputed says which values DRI's imputation filled; nil when the
	// build imputes nothing (Imputation "none"). Read it with IsImputed.
	Imputed []bool
	Treated []float64
	Treat   *TreatReport
	// Excluded says why an indicator took no part (no data, no spread).
	Excluded string
	// Gender holds the gap measures of a gender framework's indicators.
	Gender []Gap
	GValid []bool
}

// Value is, for unit u, an indicator's normalised value that entered
// aggregation (COINr's Aggregated data set) or an aggregate's score; 0
// where Valid is false.
func (nr *NodeResult) Value(u int) float64 {
	switch {
	case nr.value != nil:
		return nr.value[u]
	case nr.scale.on:
		return nr.scale.at(nr.Raw[u], nr.RawValid[u])
	}
	return 0
}

// ValueColumn is Value for every unit: the stored column (not to be
// written), or a new one.
func (nr *NodeResult) ValueColumn() []float64 {
	if nr.value != nil {
		return nr.value
	}
	return nr.valueColumn(make([]float64, len(nr.Valid)))
}

// valueColumn is ValueColumn in scratch when the column is not stored.
func (nr *NodeResult) valueColumn(scratch []float64) []float64 {
	switch {
	case nr.value != nil:
		return nr.value
	case nr.scale.on:
		nr.scale.fill(scratch, nr.Raw, nr.RawValid)
	default:
		clear(scratch)
	}
	return scratch
}

// leafScale is how a fast-path indicator's Value follows from its Raw
// (normaliseSeen): NormaliseMinMax's arithmetic, or the values as they are
// (normalisation "none"), each times the direction. at and fill compute
// the same bits: one expression.
type leafScale struct {
	on, minmax           bool
	dir, lo, r, width, l float64
}

func (s *leafScale) at(x float64, ok bool) float64 {
	if !s.minmax {
		return orZero(x*s.dir, ok)
	}
	return orZero((x*s.dir-s.lo)/s.r*s.width+s.l, ok)
}

// fill writes Value for every unit into dst. The slices are cut to dst's
// length, so the loops index them without bounds checks. A missing unit's
// score is +0: the formula's bits (x is 0 there, so they are finite)
// cleared by the unit's mask, not a branch the processor would mispredict
// at every gap.
func (s *leafScale) fill(dst, x []float64, valid []bool) {
	valid, x = valid[:len(dst)], x[:len(dst)]
	if !s.minmax {
		for u, ok := range valid {
			dst[u] = orZero(x[u]*s.dir, ok)
		}
		return
	}
	dir, lo, r, width, l := s.dir, s.lo, s.r, s.width, s.l
	for u, ok := range valid {
		dst[u] = orZero((x[u]*dir-lo)/r*width+l, ok)
	}
}

// Coverage is the share of the indicators under the node with data for
// unit u: for an indicator, 1 where it has a value (RawValid) and 0 where
// not. An indicator's is not stored: RawValid says it.
func (nr *NodeResult) Coverage(u int) float64 {
	if nr.coverage != nil {
		return nr.coverage[u]
	}
	if u < len(nr.RawValid) && nr.RawValid[u] {
		return 1
	}
	return 0
}

// Year is the year of the value an indicator used for unit u: 0 for none,
// for a value imputed from other units' (a mean or a median), and for an
// aggregate.
func (nr *NodeResult) Year(u int) int {
	switch {
	case nr.years != nil:
		return nr.years[u]
	case u < len(nr.RawValid) && nr.RawValid[u] && !nr.IsImputed(u):
		return nr.scored
	}
	return 0
}

// IsImputed says whether DRI's imputation filled unit u's value.
func (nr *NodeResult) IsImputed(u int) bool {
	return u < len(nr.Imputed) && nr.Imputed[u]
}

// CoverageColumn is Coverage for every unit: an aggregate's stored
// column (not to be written), or a new one.
func (nr *NodeResult) CoverageColumn() []float64 {
	if nr.coverage != nil {
		return nr.coverage
	}
	return column(make([]float64, len(nr.RawValid)), nr.Coverage)
}

// YearColumn is Year for every unit: the stored column (not to be
// written), or a new one.
func (nr *NodeResult) YearColumn() []int {
	if nr.years != nil {
		return nr.years
	}
	return column(make([]int, len(nr.RawValid)), nr.Year)
}

// column fills dst with at(u) for every unit u and returns it.
func column[T any](dst []T, at func(u int) T) []T {
	for u := range dst {
		dst[u] = at(u)
	}
	return dst
}

// storeYears gives nr a stored Year column (before a value of another
// year than the one scored is put in it), filled as Year says.
func (nr *NodeResult) storeYears(mem *arena) {
	if nr.years != nil {
		return
	}
	nr.years = column(mem.ints.take(len(nr.RawValid)), nr.Year)
}

// Result is a framework scored for one year.
type Result struct {
	Framework *Framework
	Year      int
	Units     []string
	Nodes     []*NodeResult // in the framework's pre-order; WIS last for gender
	// Extras are the framework's extra indicators (raw, latest in window).
	Extras map[string]*NodeResult
	Notes  []string
	// Methods actually used.
	Normalisation Normaliser
	Aggregation   Aggregation
	Imputation    Imputation
	Treatment     Treatment
	WeightScheme  string
	// PCA holds the PCA diagnostics per aggregate code (pca scheme).
	PCA map[string]PCAResult

	leafRanks bool // Options.LeafRanks
	leafNotes int  // Notes[:leafNotes] are the indicators' (Reweight keeps them)
	// kept[i] says that Reweight shares node i's aggregate with its base
	// (aggregateTree leaves it as it is); nil: none is.
	kept []bool
	mem  *arena // the memory of the per-unit slices
}

// Node returns a node's result by code.
func (r *Result) Node(code string) (*NodeResult, bool) {
	for _, n := range r.Nodes {
		if n.Node.Code == code {
			return n, true
		}
	}
	return nil, false
}

// Root is the index node's result.
func (r *Result) Root() *NodeResult { return r.Nodes[0] }

// ErrNoUnits: the panel has no units.
var ErrNoUnits = errors.New("indicators: panel has no units")

// Score computes a framework's scores for one year:
// select year -> impute -> treat -> normalise -> weight -> aggregate -> rank
// -> tier, keeping every step's output.
func Score(f *Framework, p *Panel, opt Options) (*Result, error) {
	return score(f, p, opt, nil)
}

// ScoreYears scores a framework for each year that years yields (opt.Year
// is ignored), one after the other, and yields each year's result or
// error, in the order of years. It reuses one result's memory from year to
// year (fresh memory is the dearer part of scoring every year of a long
// panel; docs/BENCHMARKS.md): a result is valid only until the loop body
// returns, when the next year overwrites it, so a caller keeps what it
// needs of it, not the result. A year that fails yields (nil, err) and the
// loop goes on; breaking out of the loop stops it.
func ScoreYears(f *Framework, p *Panel, years iter.Seq[int], opt Options) iter.Seq2[*Result, error] {
	return func(yield func(*Result, error) bool) {
		var mem *arena
		for y := range years {
			o := opt
			o.Year = y
			res, err := score(f, p, o, mem)
			if res != nil {
				mem = res.mem
			}
			if !yield(res, err) {
				return
			}
		}
	}
}

// score is Score; a non-nil mem is an earlier result's arena, cleared and
// reused.
func score(f *Framework, p *Panel, opt Options, mem *arena) (*Result, error) {
	if len(p.Units) == 0 {
		return nil, ErrNoUnits
	}
	if opt.Year == 0 {
		return nil, fmt.Errorf("indicators: Score: no year")
	}
	res := &Result{Framework: f, Year: opt.Year, Units: p.Units, Extras: map[string]*NodeResult{},
		Normalisation: f.parsed.normalise, Aggregation: f.parsed.aggregate, Imputation: f.parsed.impute,
		Treatment: f.parsed.treat, WeightScheme: f.Methods.Weights, PCA: map[string]PCAResult{},
		leafRanks: opt.LeafRanks}
	if opt.Normalisation != nil {
		res.Normalisation = *opt.Normalisation
	}
	if opt.Aggregation != nil {
		res.Aggregation = *opt.Aggregation
	}
	if opt.Imputation != nil {
		res.Imputation = *opt.Imputation
	}
	if opt.Treatment != nil {
		res.Treatment = *opt.Treatment
	}
	if opt.WeightScheme != "" {
		res.WeightScheme = opt.WeightScheme
	}
	if res.WeightScheme == "" {
		res.WeightScheme = "explicit"
	}
	if mem != nil {
		res.mem = mem
		res.mem.reset()
	} else {
		res.mem = new(arena)
		norm := res.Normalisation.Method
		treated := res.Treatment.Method != TreatNone || (norm != NormMinMax && norm != NormNone)
		// The fast path's indicators (selectRowsView) read a store panel's
		// rows in place and impute nothing.
		fast := !treated && res.Imputation.Method == ImputationNone
		res.mem.reserve(buildShape{nodes: len(f.nodes), leaves: f.leaves(), extras: len(f.Extras), tiers: f.tierColumns(),
			units: len(p.Units), scratch: f.mostLeafChildren(), treated: treated, leafRanks: opt.LeafRanks,
			years: f.YearWindow > 0, views: fast && p.store != nil && f.Kind != KindGender, imputed: !fast,
			gender: f.Kind == KindGender})
	}
	for code := range opt.Weights {
		if _, ok := f.byCode[code]; !ok {
			return nil, fmt.Errorf("indicators: weight for unknown node %q", code)
		}
	}
	n := len(p.Units)
	res.Nodes = res.mem.nodeResults(len(f.nodes))
	for i, node := range f.nodes {
		w := node.EffectiveWeight()
		if ow, ok := opt.Weights[node.Code]; ok {
			w = ow
		}
		nr := res.Nodes[i]
		*nr = NodeResult{Node: node, Weight: w}
		if !node.IsIndicator() || f.Kind == KindGender {
			// A composite's indicators have their Value and Valid from
			// scoreComposite.
			nr.value, nr.Valid = res.mem.f64.take(n), res.mem.bools.take(n)
		}
	}
	for _, x := range f.Extras {
		nr := &NodeResult{Node: &Node{Code: x, Indicator: x, Level: 1}}
		selectValues(res.mem, nr, p, KeyOf(x, dims.TotalBreakdown), opt.Year, f.YearWindow)
		res.Extras[x] = nr
	}
	var err error
	if f.Kind == KindGender {
		err = scoreGender(res, p)
	} else {
		err = scoreComposite(res, p)
	}
	if err != nil {
		return nil, err
	}
	return res, nil
}

// selectValues fills a leaf's Raw/RawValid/Year with each unit's value of the
// target year (window 0) or the latest within the window.
func selectValues(mem *arena, nr *NodeResult, p *Panel, key SeriesKey, year, window int) {
	selectValuesStats(mem, nr, p, key, year, window, nil)
}

// leafStats is what normaliseUntreated's first pass learns of a leaf's
// selected values, gathered while they are selected (one pass over the
// values instead of two; docs/BENCHMARKS.md, round 3): how many are
// present, the first non-finite one in unit order, and the minimum and
// maximum of x*dir with minMax's comparisons (-0 below +0). The minimum and
// maximum under that order do not depend on the order in which the values
// are seen, so the year-row path, which visits the units year by year,
// finds the same ones (and when a value is not finite, the check's error
// comes first and they are not used).
type leafStats struct {
	dir    float64
	n      int
	bad    int // unit of the first non-finite value; -1: none
	badV   float64
	lo, hi float64
}

func newLeafStats(dir float64) leafStats {
	return leafStats{dir: dir, bad: -1, lo: math.Inf(1), hi: math.Inf(-1)}
}

// see counts a present, finite value (normaliseUntreated's pass checks
// finiteness first; the selection loops count in registers, see put).
func (st *leafStats) see(v float64) {
	y := v * st.dir
	st.n, st.lo, st.hi = extend(st.n, st.lo, st.hi, y)
}

// extend counts a selected value x (v * dir) and widens the minimum and
// maximum to it, with minMax's comparisons: -0 is below +0. The builtins
// order the zeros so, and x is never NaN (a missing value is not
// selected). min and max run only when x reaches an end (x <= lo, x >= hi;
// ties included, for the zeros' order): a branch the processor predicts,
// where an unconditional min and max would chain every value's update to
// the one before (a quarter of the selection loop's time;
// docs/BENCHMARKS.md, round 6).
func extend(n int, lo, hi, x float64) (int, float64, float64) {
	if x <= lo {
		lo = min(lo, x)
	}
	if x >= hi {
		hi = max(hi, x)
	}
	return n + 1, lo, hi
}

// selectValuesStats is selectValues; a non-nil st sees every value
// selected. The loops keep the statistics in local variables (registers)
// and write them to st once (put): see, called per value, kept them in memory,
// a tenth of a build (docs/BENCHMARKS.md, round 4).
func selectValuesStats(mem *arena, nr *NodeResult, p *Panel, key SeriesKey, year, window int, st *leafStats) {
	n := len(p.Units)
	rows := p.rows(key)
	if rows != nil && st != nil {
		selectRowsView(mem, nr, rows, n, year, window, st)
		return
	}
	nr.Raw, nr.RawValid, nr.Imputed, nr.scored = mem.f64.take(n), mem.bools.take(n), nil, year
	if st == nil {
		// Imputation may follow (st is the fast path's, without it).
		nr.Imputed = mem.bools.take(n)
	}
	if window > 0 {
		// Values of earlier years may be selected: Year is stored.
		nr.years = mem.ints.take(n)
	}
	raw, rawValid, years := nr.Raw, nr.RawValid, nr.years
	count, lo, hi, dir := 0, math.Inf(1), math.Inf(-1), 1.0
	if st != nil {
		count, lo, hi, dir = st.n, st.lo, st.hi, st.dir
	}
	if rows != nil {
		// The latest value in [year - window, year], row by row.
		for y := year; y >= year-window; y-- {
			i := y - rows.first
			if i < 0 {
				break
			}
			if i >= len(rows.values) {
				continue
			}
			row, rowValid := rows.values[i][:len(raw)], rows.valid[i][:len(raw)]
			for u, ok := range rowValid {
				if !ok || rawValid[u] {
					continue
				}
				raw[u], rawValid[u] = row[u], true
				if years != nil {
					years[u] = y
				}
			}
		}
		return
	}
	series, sorted := p.series(key)
	if series == nil {
		return
	}
	latest := LatestWithin
	if sorted {
		latest = latestSorted
	}
	for u := range series[:len(raw)] {
		s := &series[u]
		var v float64
		var y int
		if len(s.Years) == 1 && len(s.Values) == 1 {
			// One observation (a panel read from iData): LatestWithin
			// without its loop and call.
			if y, v = s.Years[0], s.Values[0]; y > year || y < year-window || math.IsNaN(v) {
				continue
			}
		} else {
			var ok bool
			if v, y, ok = latest(s.Years, s.Values, year, window); !ok {
				continue
			}
		}
		raw[u], rawValid[u] = v, true
		if years != nil {
			years[u] = y
		}
		x := v * dir
		count, lo, hi = extend(count, lo, hi, x)
	}
	st.put(count, lo, hi, raw, rawValid)
}

// put stores what a selection loop gathered in its local variables (not
// captured by a closure, which would keep them in memory); st may be nil.
// The loops count every value and take the minimum and maximum of all,
// without testing each for finiteness: NaN is never selected, so a
// non-finite value is ±Inf, and then the minimum or the maximum is
// infinite. Only then are the values read again for the first non-finite
// one in unit order (its count and extremes are not used: the check's
// error comes first).
func (st *leafStats) put(count int, lo, hi float64, raw []float64, valid []bool) {
	if st == nil {
		return
	}
	st.n, st.lo, st.hi = count, lo, hi
	if count > 0 && (math.IsInf(lo, 0) || math.IsInf(hi, 0)) {
		for u, ok := range valid {
			if v := raw[u]; ok && !finite(v) {
				st.bad, st.badV = u, v
				return
			}
		}
	}
}

// selectRowsView is the year selection from year rows for an indicator
// whose selected values are only read after it (the fast path of
// scoreComposite: no imputation, no treatment): Raw and RawValid are the
// scored year's row and mask themselves, views of the panel, and the loop
// only gathers st's statistics. A unit without a value that year takes the
// latest of the window's earlier years; the first such value gives the
// indicator its own Raw, RawValid and Year columns, copies of the row's.
// The statistics are those selectValuesStats's series loop gathers: the
// count, minimum and maximum do not depend on the order of the values.
func selectRowsView(mem *arena, nr *NodeResult, rows *yearRows, n, year, window int, st *leafStats) {
	count, lo, hi, dir := st.n, st.lo, st.hi, st.dir
	var raw []float64
	var valid []bool
	var years []int
	own := false
	if i := year - rows.first; i >= 0 && i < len(rows.values) {
		raw, valid = rows.values[i][:n:n], rows.valid[i][:n:n]
		for u, ok := range valid {
			if ok {
				count, lo, hi = extend(count, lo, hi, raw[u]*dir)
			}
		}
	} else {
		raw, valid, own = mem.f64.take(n), mem.bools.take(n), true
	}
	for y := year - 1; y >= year-window; y-- {
		i := y - rows.first
		if i < 0 {
			break
		}
		if i >= len(rows.values) {
			continue
		}
		row, rowValid := rows.values[i][:n], rows.valid[i][:n]
		for u, ok := range rowValid {
			if !ok || valid[u] {
				continue
			}
			if years == nil {
				// A value of an earlier year: the indicator's own columns
				// from here on, and its Year stored.
				if !own {
					r, v := mem.f64.take(n), mem.bools.take(n)
					copy(r, raw)
					copy(v, valid)
					raw, valid, own = r, v, true
				}
				years = mem.ints.take(n)
				for v, ok := range valid {
					if ok {
						years[v] = year
					}
				}
			}
			raw[u], valid[u], years[u] = row[u], true, y
			count, lo, hi = extend(count, lo, hi, row[u]*dir)
		}
	}
	nr.Raw, nr.RawValid, nr.years, nr.Imputed, nr.scored = raw, valid, years, nil, year
	st.put(count, lo, hi, raw, valid)
}

func scoreComposite(res *Result, p *Panel) error {
	f := res.Framework
	n := len(p.Units)
	scale := f.Scale.Hi - f.Scale.Lo
	for _, nr := range res.Nodes {
		node := nr.Node
		if !node.IsIndicator() {
			continue
		}
		info := p.Info[node.Indicator]
		dir := info.Polarity
		if node.Direction != 0 {
			dir = node.Direction
		}
		if dir == 0 {
			dir = 1
		}
		fast := res.Treatment.Method == TreatNone && (res.Normalisation.Method == NormMinMax ||
			res.Normalisation.Method == NormNone) && (dir == 1 || dir == -1)
		if fast && res.Imputation.Method == ImputationNone {
			// Selection, the checks and the minimum and maximum in one
			// pass, then the scores.
			st := newLeafStats(float64(dir))
			selectValuesStats(res.mem, nr, p, node.Key(), res.Year, f.YearWindow, &st)
			if err := normaliseSeen(nr, res.Normalisation, &st); err != nil {
				nr.Excluded = exclusion(err)
				res.Notes = append(res.Notes, fmt.Sprintf("%s (%s): %s", node.Code, node.Indicator, nr.Excluded))
			}
			continue
		}
		selectValues(res.mem, nr, p, node.Key(), res.Year, f.YearWindow)
		if err := impute(res, nr, p); err != nil {
			return err
		}
		if fast {
			if err := normaliseUntreated(nr, res.Normalisation, float64(dir)); err != nil {
				nr.Excluded = exclusion(err)
				res.Notes = append(res.Notes, fmt.Sprintf("%s (%s): %s", node.Code, node.Indicator, nr.Excluded))
			}
			continue
		}
		nr.Treated = res.mem.f64.take(n)
		var tr []float64
		var rep *TreatReport // only when treating: it escapes
		var err error
		if res.Treatment.Method == TreatNone {
			// What Treat does for "none" (its checks, a copy) without the
			// skewness and kurtosis of its report, which is dropped here.
			if err = checkPresent("Treat", nr.Raw, nr.RawValid); err == nil {
				copyPresent(nr.Treated, nr.Raw, nr.RawValid)
				tr = nr.Treated
			}
		} else {
			rep = new(TreatReport)
			tr, *rep, err = Treat(nr.Treated, nr.Raw, nr.RawValid, res.Treatment)
		}
		if err != nil {
			nr.Excluded = exclusion(err)
			res.Notes = append(res.Notes, fmt.Sprintf("%s (%s): %s", node.Code, node.Indicator, nr.Excluded))
			continue
		}
		nr.Treated = tr
		nr.Treat = rep
		ctx := NormContext{Direction: dir, Scale: scale}
		if res.Normalisation.Method == NormGoalposts {
			worst, best, err := goalposts(node, info, nr.Treated, nr.RawValid, ctx.Direction)
			if err != nil {
				nr.Excluded = exclusion(err)
				res.Notes = append(res.Notes, fmt.Sprintf("%s (%s): %s", node.Code, node.Indicator, nr.Excluded))
				continue
			}
			// The registry's goalposts say which end is best (lo = worst,
			// hi = best); COINr's take a lower and an upper goalpost and a
			// direction, which the goalposts' own order gives.
			ctx.GoalLo, ctx.GoalHi, ctx.Direction = worst, best, 1
			if worst > best {
				ctx.GoalLo, ctx.GoalHi, ctx.Direction = best, worst, -1
			}
		}
		if res.Normalisation.Method == NormDist2Targ {
			if node.Target == nil {
				return fmt.Errorf("indicators: %s: dist2targ needs a target on the indicator node", node.Code)
			}
			ctx.Target = *node.Target
		}
		if res.Normalisation.Method == NormDist2Ref {
			ctx.RefIndex = -1
			for i, u := range p.Units {
				if u == res.Normalisation.Ref {
					ctx.RefIndex = i
				}
			}
			if ctx.RefIndex < 0 {
				return fmt.Errorf("indicators: dist2ref: reference unit %q is not among the units scored", res.Normalisation.Ref)
			}
		}
		value := res.mem.f64.take(n)
		if _, err := res.Normalisation.Apply(value, nr.Treated, nr.RawValid, ctx); err != nil {
			nr.Excluded = exclusion(err)
			res.Notes = append(res.Notes, fmt.Sprintf("%s (%s): %s", node.Code, node.Indicator, nr.Excluded))
			continue
		}
		if res.Normalisation.Method == NormGoalposts {
			for u := range value {
				if nr.RawValid[u] {
					value[u] += f.Scale.Lo
				}
			}
		}
		nr.value, nr.Valid = value, nr.RawValid
	}
	for _, nr := range res.Nodes {
		if nr.Node.IsIndicator() && nr.Valid == nil {
			// Excluded: no unit has a value.
			nr.Valid = res.mem.bools.take(n)
		}
	}
	res.leafNotes = len(res.Notes)
	if err := aggregateTree(res); err != nil {
		return err
	}
	return finish(res)
}

// normaliseUntreated is, for an indicator that is not treated and is
// normalised by min-max or not at all, what Treat, Normaliser.Apply and
// the copy of the validity do, in two passes over the values instead of
// six (docs/BENCHMARKS.md): the first checks them (Treat's errors) and
// finds the minimum and maximum of x*dir (minMax's), the second writes the
// scores with NormaliseMinMax's arithmetic. Treated is Raw itself, as
// treatment "none" leaves the values as they are; missing values are 0 in
// both, as copyPresent leaves them. dir is 1 or -1.
func normaliseUntreated(nr *NodeResult, norm Normaliser, dir float64) error {
	st := newLeafStats(dir)
	for u, ok := range nr.RawValid {
		if !ok {
			nr.Raw[u] = 0
			continue
		}
		if v := nr.Raw[u]; !finite(v) {
			// The first in unit order: the check stops here.
			st.bad, st.badV = u, v
			break
		}
		st.see(nr.Raw[u])
	}
	return normaliseSeen(nr, norm, &st)
}

// normaliseSeen is normaliseUntreated's second pass, after its first or
// selectValuesStats has seen the values (missing values are 0 in Raw).
func normaliseSeen(nr *NodeResult, norm Normaliser, st *leafStats) error {
	x, valid := nr.Raw, nr.RawValid
	if st.bad >= 0 {
		return kernelError("Treat", ErrNaN, "x[%d] = %v", st.bad, st.badV)
	}
	if st.n == 0 {
		return kernelError("Treat", ErrNoData, "no present value among %d", len(x))
	}
	lo, hi, dir := st.lo, st.hi, st.dir
	minmax := norm.Method == NormMinMax
	if minmax && hi == lo {
		return kernelError("NormaliseMinMax", ErrZeroSpread, "max = min = %v", lo)
	}
	nr.Treated, nr.Valid = x, valid
	nr.scale = leafScale{on: true, minmax: minmax, dir: dir, lo: lo, r: hi - lo, width: norm.P2 - norm.P1, l: norm.P1}
	return nil
}

// orZero is v where ok, +0 where not: v's bits cleared by a mask, without
// a branch.
func orZero(v float64, ok bool) float64 {
	return math.Float64frombits(math.Float64bits(v) & -uint64(b2i(ok)))
}

func exclusion(err error) string {
	switch {
	case errors.Is(err, ErrNoData):
		return "no data for the year (excluded)"
	case errors.Is(err, ErrZeroSpread):
		return "no spread among the units (excluded: every unit has the same value)"
	}
	return "excluded: " + err.Error()
}

// goalposts returns (lo, hi) for an indicator: the node's, else the
// registry's goalposts, else its natural bounds (ordered by direction), else
// the sample minimum and maximum (the Compass's rule for indicators without
// natural bounds).
func goalposts(node *Node, info IndicatorInfo, x []float64, valid []bool, dir int) (float64, float64, error) {
	if node.Goalposts != nil {
		return node.Goalposts.Lo, node.Goalposts.Hi, nil
	}
	if info.Goalposts != nil {
		return info.Goalposts.Lo, info.Goalposts.Hi, nil
	}
	var lo, hi float64
	if info.Bounds != nil && !math.IsInf(info.Bounds.Hi, 0) && !math.IsNaN(info.Bounds.Hi) {
		lo, hi = info.Bounds.Lo, info.Bounds.Hi
	} else {
		s, err := Summarise(x, valid)
		if err != nil {
			return 0, 0, err
		}
		lo, hi = s.Min, s.Max
	}
	if dir < 0 {
		lo, hi = hi, lo
	}
	return lo, hi, nil
}
