package indicators

import (
	"errors"
	"fmt"
	"iter"
	"math"
	"sort"
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
	// IndexRanksOnly leaves the indicators unranked (their Rank is nil):
	// for batch runs that report only the composite nodes' ranks.
	IndexRanksOnly bool
}

// NodeResult is one node's scores over the units.
type NodeResult struct {
	Node *Node
	// Value holds, for an indicator, the normalised value that entered
	// aggregation (COINr's Aggregated data set), for an aggregate its score.
	Value []float64
	Valid []bool
	Rank  []int  // 1 = best, 0 = missing
	Tier  []Tier // aggregates (and gender indicators' parity class)
	// Class is the EGDI rating class (egdi scheme only).
	Class []Tier
	// Coverage is the share of the indicators under the node with data.
	Coverage []float64
	// Parts, for an aggregate, is per unit how many of its PartsOf taking
	// children (children with no data and excluded indicators do not
	// take part) have a value: a unit whose score rests on fewer than all
	// of them is marked where its score and rank are shown.
	Parts   []int
	PartsOf int
	// Weight is the node's weight as used (before renormalisation over the
	// children present).
	Weight float64

	// Indicators only.
	Raw      []float64 // value selected (after imputation, before treatment)
	RawValid []bool
	Year     []int  // year of the value used (0 = none)
	Imputed  []bool // filled by DRI's imputation
	Treated  []float64
	Treat    *TreatReport
	// Excluded says why an indicator took no part (no data, no spread).
	Excluded string
	// Gender holds the gap measures of a gender framework's indicators.
	Gender []Gap
	GValid []bool
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

	indexRanksOnly bool   // Options.IndexRanksOnly
	mem            *arena // the memory of the per-unit slices
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
		indexRanksOnly: opt.IndexRanksOnly}
	if mem != nil {
		res.mem = mem
		res.mem.reset()
	} else {
		res.mem = new(arena)
		leaves, tiers := 0, 0
		if len(f.nodes) > 0 {
			leaves = f.nodes[0].leaves // Init: one top node
		}
		if f.tiers != nil {
			tiers = len(f.nodes) - leaves // finish: Tier per aggregate
			if _, egdi := f.tiers.(EGDIGroups); egdi {
				tiers *= 2 // and Class
			}
		}
		res.mem.reserve(len(f.nodes), leaves, len(f.Extras), tiers, len(p.Units))
	}
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
		*res.Nodes[i] = NodeResult{Node: node, Value: res.mem.f64.take(n), Valid: res.mem.bools.take(n), Weight: w}
	}
	for _, x := range f.Extras {
		nr := &NodeResult{Node: &Node{Code: x, Indicator: x, Level: 1}}
		selectValues(res.mem, nr, p, SeriesKey{x, "_T", "_T", "_T"}, opt.Year, f.YearWindow)
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
	n := len(p.Units)
	nr.Raw, nr.RawValid, nr.Year, nr.Imputed = mem.f64.take(n), mem.bools.take(n), mem.ints.take(n), mem.bools.take(n)
	if rows := p.rows(key); rows != nil {
		// The latest non-missing value in [year - window, year], row by row.
		for y := year; y >= year-window; y-- {
			i := y - rows.first
			if i < 0 {
				break
			}
			if i >= len(rows.values) {
				continue
			}
			for u, v := range rows.values[i] {
				if !nr.RawValid[u] && !math.IsNaN(v) {
					nr.Raw[u], nr.RawValid[u], nr.Year[u] = v, true, y
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
	for u := 0; u < n; u++ {
		s := series[u]
		if v, y, ok := latest(s.Years, s.Values, year, window); ok {
			nr.Raw[u], nr.RawValid[u], nr.Year[u] = v, true, y
		}
	}
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
		selectValues(res.mem, nr, p, node.Key(), res.Year, f.YearWindow)
		if err := impute(res, nr, p); err != nil {
			return err
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
		ctx := NormContext{Direction: info.Polarity, Scale: scale}
		if node.Direction != 0 {
			ctx.Direction = node.Direction
		}
		if ctx.Direction == 0 {
			ctx.Direction = 1
		}
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
		if _, err := res.Normalisation.Apply(nr.Value, nr.Treated, nr.RawValid, ctx); err != nil {
			nr.Excluded = exclusion(err)
			res.Notes = append(res.Notes, fmt.Sprintf("%s (%s): %s", node.Code, node.Indicator, nr.Excluded))
			continue
		}
		if res.Normalisation.Method == NormGoalposts {
			for u := range nr.Value {
				if nr.RawValid[u] {
					nr.Value[u] += f.Scale.Lo
				}
			}
		}
		copy(nr.Valid, nr.RawValid)
	}
	if err := aggregateTree(res); err != nil {
		return err
	}
	return finish(res)
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

// impute fills missing raw values of one indicator by the run's method.
func impute(res *Result, nr *NodeResult, p *Panel) error {
	im := res.Imputation
	switch im.Method {
	case ImputationNone:
		return nil
	case ImputationMean, ImputationMedian:
		kernel := ImputeMean
		if im.Method == ImputationMedian {
			kernel = ImputeMedian
		}
		if _, _, err := kernel(nr.Raw, nr.Imputed, nr.Raw, nr.RawValid); err != nil {
			return fmt.Errorf("indicators: imputing %s: %w", nr.Node.Code, err)
		}
		markImputed(nr, nr.Imputed)
	case ImputationGroupMean, ImputationGroupMedian:
		g, ok := p.Groups[im.Group]
		if !ok {
			names := make([]string, 0, len(p.Groups))
			for k := range p.Groups {
				names = append(names, k)
			}
			sort.Strings(names)
			return fmt.Errorf("indicators: imputation by group %q: no such grouping (have %v)", im.Group, names)
		}
		ids, _ := GroupIndex(g)
		kernel := ImputeGroupMean
		if im.Method == ImputationGroupMedian {
			kernel = ImputeGroupMedian
		}
		if _, _, err := kernel(nr.Raw, nr.Imputed, nr.Raw, nr.RawValid, ids); err != nil {
			return fmt.Errorf("indicators: imputing %s: %w", nr.Node.Code, err)
		}
		markImputed(nr, nr.Imputed)
	case ImputationLatest, ImputationLinear:
		series, _ := p.series(nr.Node.Key())
		if series == nil {
			return nil
		}
		for u := range nr.Raw {
			if nr.RawValid[u] {
				continue
			}
			s := series[u]
			var v float64
			var y int
			ok := false
			if im.Method == ImputationLatest {
				v, y, ok = LatestWithin(s.Years, s.Values, res.Year, im.Years)
			} else {
				v, ok = Interpolate(s.Years, s.Values, res.Year)
				y = res.Year
			}
			if ok {
				nr.Raw[u], nr.RawValid[u], nr.Year[u], nr.Imputed[u] = v, true, y, true
			}
		}
	}
	return nil
}

func markImputed(nr *NodeResult, imp []bool) {
	for u, b := range imp {
		if b {
			nr.RawValid[u] = true
		}
	}
}

// aggregateTree computes every aggregate from its children, bottom-up.
func aggregateTree(res *Result) error {
	f := res.Framework
	// Children of each aggregate that take part (children with no data
	// and excluded indicators do not).
	// Scratch for one node at a time.
	var kids []*NodeResult
	var weights []float64
	var cols [][]float64
	var valids [][]bool
	for i := len(f.nodes) - 1; i >= 0; i-- {
		node := f.nodes[i]
		nr := res.Nodes[i]
		if node.IsIndicator() || node.NoData() {
			continue
		}
		kids = kids[:0]
		for _, c := range node.Children {
			cr := res.Nodes[c.index]
			if c.NoData() || (c.IsIndicator() && cr.Excluded != "") {
				continue
			}
			kids = append(kids, cr)
		}
		if len(kids) == 0 {
			continue
		}
		if cap(weights) < len(kids) {
			weights = make([]float64, len(kids))
		}
		weights = weights[:len(kids)]
		clear(weights)
		switch res.WeightScheme {
		case "equal":
			for k := range weights {
				weights[k] = 1
			}
		case "pca":
			if len(kids) >= 2 {
				cols, valids := make([][]float64, len(kids)), make([][]bool, len(kids))
				for k, kr := range kids {
					cols[k], valids[k] = kr.Value, kr.Valid
				}
				pca, err := PCAWeights(cols, valids)
				if err != nil {
					res.Notes = append(res.Notes, fmt.Sprintf("%s: PCA weights not computed (%v); equal weights used", node.Code, err))
					for k := range weights {
						weights[k] = 1
					}
				} else {
					copy(weights, pca.Weights)
					res.PCA[node.Code] = pca
					if pca.Negative {
						res.Notes = append(res.Notes, fmt.Sprintf("%s: a PCA loading is negative; that child lowers the score", node.Code))
					}
				}
			} else {
				weights[0] = 1
			}
		default:
			for k, kr := range kids {
				weights[k] = kr.Weight
			}
		}
		for k, kr := range kids {
			kr.Weight = weights[k]
		}
		agg := res.Aggregation
		if node.Aggregate != "" {
			agg, _ = ParseAggregation(node.Aggregate)
		}
		cols, valids = cols[:0], valids[:0]
		for _, kr := range kids {
			cols, valids = append(cols, kr.Value), append(valids, kr.Valid)
		}
		if _, _, err := agg.AggregateColumns(nr.Value, nr.Valid, cols, valids, weights, f.Methods.Coverage); err != nil {
			return fmt.Errorf("indicators: aggregating %s: %w", node.Code, err)
		}
		nr.Parts, nr.PartsOf = res.mem.ints.take(len(nr.Value)), len(kids)
		for _, kr := range kids {
			for u, ok := range kr.Valid {
				if ok {
					nr.Parts[u]++
				}
			}
		}
	}
	return nil
}

// finish ranks every node, classifies aggregates and computes coverage.
func finish(res *Result) error {
	f := res.Framework
	n := len(res.Units)
	// Coverage, bottom-up (children follow their parent in pre-order):
	// first each node's count of leaves with data per unit (a leaf's own
	// data, an aggregate's children's counts summed; whole numbers, so
	// exact in any order), then divided by the node's number of leaves.
	for i := len(f.nodes) - 1; i >= 0; i-- {
		nr := res.Nodes[i]
		nr.Coverage = res.mem.f64.take(n)
		if nr.Node.IsIndicator() {
			for u, ok := range nr.RawValid {
				if ok {
					nr.Coverage[u] = 1
				}
			}
			continue
		}
		for _, c := range nr.Node.Children {
			for u, k := range res.Nodes[c.index].Coverage {
				nr.Coverage[u] += k
			}
		}
	}
	for _, nr := range res.Nodes {
		if leaves := nr.Node.leaves; leaves > 1 {
			for u := range nr.Coverage {
				nr.Coverage[u] /= float64(leaves)
			}
		}
		if !res.indexRanksOnly || !nr.Node.IsIndicator() {
			var err error
			if nr.Rank, err = Rank(res.mem.ints.take(n), nr.Value, nr.Valid); err != nil {
				return fmt.Errorf("indicators: ranking %s: %w", nr.Node.Code, err)
			}
		}
		if nr.Node.IsIndicator() || f.tiers == nil {
			continue
		}
		nr.Tier = res.mem.tiers.take(n)
		_, egdi := f.tiers.(EGDIGroups)
		if egdi {
			nr.Class = res.mem.tiers.take(n)
		}
		for u := 0; u < n; u++ {
			if !nr.Valid[u] {
				continue
			}
			nr.Tier[u], _ = f.tiers.Classify(nr.Value[u])
			if egdi {
				nr.Class[u], _ = EGDIRatingClass(nr.Value[u])
			}
		}
	}
	return nil
}

// scoreGender computes the gap measures per indicator, the WEF-style parity
// composite and the Women's Inclusion Score.
func scoreGender(res *Result, p *Panel) error {
	f := res.Framework
	n := len(p.Units)
	band := *f.ParityBand
	var leaves []*NodeResult
	var cols [][]float64
	var valids [][]bool
	for _, nr := range res.Nodes {
		node := nr.Node
		if !node.IsIndicator() {
			continue
		}
		leaves = append(leaves, nr)
		fk, mk := node.Key(), node.Key()
		fk.Sex, mk.Sex = "F", "M"
		fs, ms := p.SeriesOf(fk), p.SeriesOf(mk)
		nr.Gender, nr.GValid = make([]Gap, n), res.mem.bools.take(n)
		nr.Raw, nr.RawValid, nr.Year, nr.Imputed = res.mem.f64.take(n), res.mem.bools.take(n), res.mem.ints.take(n), res.mem.bools.take(n)
		nr.Tier = res.mem.tiers.take(n)
		count := 0
		for u := 0; u < n; u++ {
			if fs == nil || ms == nil {
				break
			}
			fv, mv, y, ok := latestPair(fs[u], ms[u], res.Year, f.YearWindow)
			if !ok {
				continue
			}
			g := GenderGap(fv, mv, band.Lo, band.Hi, math.NaN(), math.NaN())
			nr.Gender[u], nr.GValid[u] = g, true
			nr.Year[u] = y
			if !math.IsNaN(g.GPS) { // no parity score without a men's rate: missing, not NaN
				nr.Raw[u], nr.RawValid[u] = g.GPS, true
			}
			nr.Value[u], nr.Valid[u] = TruncatedRatio(fv, mv), true
			nr.Tier[u], _ = ParityBand(band).Classify(g.GPS)
			count++
		}
		if count == 0 {
			nr.Excluded = "no female and male values for the year (excluded)"
			res.Notes = append(res.Notes, fmt.Sprintf("%s (%s): %s", node.Code, node.Indicator, nr.Excluded))
		}
		cols, valids = append(cols, nr.Value), append(valids, nr.Valid)
	}
	w, err := ParityWeights(nil, cols, valids)
	if err != nil {
		res.Notes = append(res.Notes, fmt.Sprintf("parity weights: %v; equal weights used", err))
		w = EqualWeights(len(leaves))
	}
	for k, nr := range leaves {
		nr.Weight = w[k]
	}
	root := res.Nodes[0]
	x, v := make([]float64, len(leaves)), make([]bool, len(leaves))
	// WIS is computed from every gender indicator (leaves), so it is a scored
	// node, not one with no data.
	wis := &NodeResult{Node: &Node{Code: "WIS", Name: "Women's Inclusion Score", Level: root.Node.Level, leaves: root.Node.leaves},
		Value: res.mem.f64.take(n), Valid: res.mem.bools.take(n), Weight: 0}
	for u := 0; u < n; u++ {
		var fsum float64
		fn := 0
		for k, nr := range leaves {
			x[k], v[k] = nr.Value[u], nr.Valid[u]
			if nr.GValid[u] {
				fsum += nr.Gender[u].Female / 100
				fn++
			}
		}
		val, ok, err := ParityComposite(x, v, w, f.Methods.Coverage)
		if err != nil {
			return fmt.Errorf("indicators: parity composite for %s: %w", res.Units[u], err)
		}
		root.Value[u], root.Valid[u] = val, ok
		if ok && fn > 0 {
			wis.Value[u], wis.Valid[u] = (fsum/float64(fn)+val)/2, true
		}
	}
	if err := finish(res); err != nil {
		return err
	}
	// WIS has its own rank and the coverage of the composite; no tier.
	if wis.Rank, err = Rank(nil, wis.Value, wis.Valid); err != nil {
		return fmt.Errorf("indicators: ranking WIS: %w", err)
	}
	wis.Coverage = root.Coverage
	res.Nodes = append(res.Nodes, wis)
	return nil
}

// latestPair finds the latest year in the window where both the female and
// the male series have a value.
func latestPair(fs, ms Series, year, window int) (f, m float64, y int, ok bool) {
	best := math.MinInt
	for i, fy := range fs.Years {
		if fy > year || fy < year-window || fy <= best {
			continue
		}
		for j, my := range ms.Years {
			if my == fy {
				best, f, m = fy, fs.Values[i], ms.Values[j]
				break
			}
		}
	}
	if best == math.MinInt {
		return 0, 0, 0, false
	}
	return f, m, best, true
}
