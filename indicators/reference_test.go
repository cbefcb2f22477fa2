package indicators_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/dri-engine/dri/datasets"
	"github.com/dri-engine/dri/indicators"
	"github.com/dri-engine/dri/indicators/engine"
	"github.com/dri-engine/dri/pipeline"
	"github.com/dri-engine/dri/pipeline/dims"
	"github.com/dri-engine/dri/pipeline/load"
)

// The reference oracle: a plain implementation of the documented rules of
// composite scoring (docs/METHODS.md; COINr 1.1.14's Normalise, Aggregate
// and rank(-x, ties.method = "min")), written for reading, not speed, and
// sharing no code with the engine. Every speed-up of Score is checked
// against it: values within 1e-12 (relative to max(1, |value|); the engine
// sums with compensation, the oracle plainly, so their sums may differ in
// the last bits), validity, ranks and coverage exactly.

// refPolarity gives an indicator's registry polarity (+1 or -1).
type refPolarity func(id string) int

// refGoalposts gives an indicator's worst and best goalposts (the
// goalposts rule needs the registry).
type refGoalposts func(node *indicators.Node, x []float64, valid []bool, dir int) (worst, best float64, ok bool)

// refNormalise recomputes an indicator's normalised values from the values
// that entered normalisation (nr.Treated over nr.RawValid). ok is false when
// the indicator has to be excluded (no present value, or no spread).
func refNormalise(res *indicators.Result, nr *indicators.NodeResult, pol refPolarity, gp refGoalposts) ([]float64, bool) {
	node := nr.Node
	dir := pol(node.Indicator)
	if node.Direction != 0 {
		dir = node.Direction
	}
	x, valid := nr.Treated, nr.RawValid
	var present []float64
	for u := range x {
		if valid[u] {
			present = append(present, x[u])
		}
	}
	if len(present) == 0 {
		return nil, false
	}
	out := make([]float64, len(x))
	scale := res.Framework.Scale
	switch res.Normalisation.Method {
	case indicators.NormNone:
		for u := range x {
			if valid[u] {
				out[u] = x[u] * float64(dir)
			}
		}
	case indicators.NormMinMax:
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, v := range present {
			lo, hi = math.Min(lo, v*float64(dir)), math.Max(hi, v*float64(dir))
		}
		if lo == hi {
			return nil, false
		}
		for u := range x {
			if valid[u] {
				out[u] = (x[u]*float64(dir)-lo)/(hi-lo)*(res.Normalisation.P2-res.Normalisation.P1) + res.Normalisation.P1
			}
		}
	case indicators.NormGoalposts:
		worst, best, ok := gp(node, x, valid, dir)
		if !ok || worst == best {
			return nil, false
		}
		for u := range x {
			if valid[u] {
				out[u] = math.Max(0, math.Min(1, (x[u]-worst)/(best-worst)))*(scale.Hi-scale.Lo) + scale.Lo
			}
		}
	default:
		panic("oracle: no rule for normalisation " + res.Normalisation.String())
	}
	return out, true
}

// refRanks ranks by counting: 1 + the number of present values strictly
// greater (ties share the lowest rank, "min"); missing values get 0.
func refRanks(x []float64, valid []bool) []int {
	r := make([]int, len(x))
	for u := range x {
		if !valid[u] {
			continue
		}
		r[u] = 1
		for v := range x {
			if valid[v] && x[v] > x[u] {
				r[u]++
			}
		}
	}
	return r
}

// refClose is |a - b| <= 1e-12 max(1, |b|).
func refClose(a, b float64) bool { return math.Abs(a-b) <= 1e-12*math.Max(1, math.Abs(b)) }

// checkOracle recomputes res from its indicators' input values with the
// oracle and reports every difference.
func checkOracle(t *testing.T, label string, res *indicators.Result, pol refPolarity, gp refGoalposts, weights map[string]float64) {
	t.Helper()
	if res.Aggregation.Method != indicators.AggArithmetic || res.WeightScheme != "explicit" {
		t.Fatalf("%s: oracle has rules for amean with explicit weights only, not %s / %s", label, res.Aggregation, res.WeightScheme)
	}
	f := res.Framework
	n := len(res.Units)
	byNode := map[*indicators.Node]*indicators.NodeResult{}
	for _, nr := range res.Nodes {
		byNode[nr.Node] = nr
	}
	type refNode struct {
		value    []float64
		valid    []bool
		excluded bool // an indicator that takes no part
	}
	ref := map[*indicators.Node]*refNode{}
	leavesWithData := func(node *indicators.Node) (leaves int, data []int) {
		data = make([]int, n)
		var walk func(*indicators.Node)
		walk = func(x *indicators.Node) {
			if x.IsIndicator() {
				leaves++
				for u, ok := range byNode[x].RawValid {
					if ok {
						data[u]++
					}
				}
				return
			}
			for _, c := range x.Children {
				walk(c)
			}
		}
		walk(node)
		return leaves, data
	}
	weight := func(node *indicators.Node) float64 {
		if w, ok := weights[node.Code]; ok {
			return w
		}
		return node.EffectiveWeight()
	}
	// Post-order: children before parents.
	var score func(node *indicators.Node) *refNode
	score = func(node *indicators.Node) *refNode {
		rn := &refNode{value: make([]float64, n), valid: make([]bool, n)}
		ref[node] = rn
		if node.IsIndicator() {
			v, ok := refNormalise(res, byNode[node], pol, gp)
			if !ok {
				rn.excluded = true
				return rn
			}
			rn.value = v
			copy(rn.valid, byNode[node].RawValid)
			return rn
		}
		type kid struct {
			r *refNode
			w float64
		}
		var kids []kid
		for _, c := range node.Children {
			cr := score(c)
			if c.NoData() || cr.excluded {
				continue
			}
			kids = append(kids, kid{cr, weight(c)})
		}
		for u := 0; u < n; u++ {
			present, sw, s := 0, 0.0, 0.0
			for _, k := range kids {
				if k.r.valid[u] {
					present++
					sw += k.w
					s += k.w * k.r.value[u]
				}
			}
			if len(kids) == 0 || present == 0 || float64(present)/float64(len(kids)) < f.Methods.Coverage || sw == 0 {
				continue
			}
			rn.value[u], rn.valid[u] = s/sw, true
		}
		return rn
	}
	for _, root := range f.Tree {
		score(root)
	}
	bad := 0
	for _, nr := range res.Nodes {
		rn, ok := ref[nr.Node]
		if !ok {
			continue // gender's WIS: not a tree node
		}
		code := nr.Node.Code
		if nr.Node.IsIndicator() && rn.excluded != (nr.Excluded != "") {
			t.Errorf("%s: %s: excluded = %q, oracle excludes: %v", label, code, nr.Excluded, rn.excluded)
			bad++
			continue
		}
		if rn.excluded {
			continue
		}
		for u := 0; u < n && bad < 20; u++ {
			if nr.Valid[u] != rn.valid[u] || (rn.valid[u] && !refClose(nr.Value(u), rn.value[u])) {
				t.Errorf("%s: %s, unit %s: engine %v (valid %v), oracle %v (valid %v)", label, code, res.Units[u], nr.Value(u), nr.Valid[u], rn.value[u], rn.valid[u])
				bad++
			}
		}
		// Ranks of the engine's own values: an exact rule on exact inputs
		// (the oracle's values may differ in the last bits, which could
		// split a tie).
		if nr.Rank != nil {
			want := refRanks(nr.ValueColumn(), nr.Valid)
			for u := range want {
				if nr.Rank[u] != want[u] && bad < 20 {
					t.Errorf("%s: %s, unit %s: rank %d, oracle %d", label, code, res.Units[u], nr.Rank[u], want[u])
					bad++
				}
			}
		} else if !nr.Node.IsIndicator() {
			t.Errorf("%s: aggregate %s has no ranks", label, code)
		}
		leaves, data := leavesWithData(nr.Node)
		for u := range data {
			want := 0.0
			if leaves > 0 {
				want = float64(data[u]) / float64(leaves)
			}
			if !refClose(nr.Coverage(u), want) && bad < 20 {
				t.Errorf("%s: %s, unit %s: coverage %v, oracle %v", label, code, res.Units[u], nr.Coverage(u), want)
				bad++
			}
		}
	}
}

// refShape draws a random framework and one-year panel: 1-60 units, 1-40
// indicators under 1-4 levels of random branching, random weights (some
// zero), polarities, coverage, 0-40 % missing values and values drawn from
// a few levels so that ties are common, including whole-column ties.
func refShape(r *rand.Rand) (*indicators.Framework, *indicators.Panel, map[string]int) {
	nUnits, nInd := 1+r.IntN(60), 1+r.IntN(40)
	pol := map[string]int{}
	p := &indicators.Panel{Info: map[string]indicators.IndicatorInfo{}, Series: map[indicators.SeriesKey][]indicators.Series{}}
	for u := 0; u < nUnits; u++ {
		p.Units = append(p.Units, fmt.Sprintf("U%02d", u))
	}
	miss := r.Float64() * 0.4
	level := make([]*indicators.Node, nInd)
	for i := range level {
		id := fmt.Sprintf("i%02d", i)
		pol[id] = 1 - 2*r.IntN(2)
		p.Info[id] = indicators.IndicatorInfo{Polarity: pol[id]}
		level[i] = &indicators.Node{Code: "L" + id, Indicator: id}
		if r.IntN(3) == 0 {
			w := float64(r.IntN(4))
			level[i].Weight = &w
		}
		s := make([]indicators.Series, nUnits)
		levels := 2 + r.IntN(8)
		for u := range s {
			if r.Float64() < miss {
				continue
			}
			v := float64(r.IntN(levels)) * 0.7
			if r.IntN(2) == 0 {
				v = r.NormFloat64() * 1e3
			}
			s[u] = indicators.Series{Years: []int{2023}, Values: []float64{v}}
		}
		p.Series[indicators.KeyOf(id, dims.TotalBreakdown)] = s
	}
	for li, depth := 0, r.IntN(4); li < depth && len(level) > 1; li++ {
		var next []*indicators.Node
		for i := 0; i < len(level); {
			b := 1 + r.IntN(5)
			node := &indicators.Node{Code: fmt.Sprintf("N%d_%d", li, i), Children: level[i:min(i+b, len(level))]}
			if r.IntN(3) == 0 {
				w := 0.5 + r.Float64()
				node.Weight = &w
			}
			next = append(next, node)
			i += b
		}
		level = next
	}
	f := &indicators.Framework{ID: "ref", Scale: indicators.Range{Lo: 0, Hi: 100},
		Methods: indicators.Methods{Normalise: "minmax:0,100", Aggregate: "amean", Weights: "explicit", Coverage: []float64{0, 0.5, 1}[r.IntN(3)]},
		Tree:    []*indicators.Node{{Code: "Index", Children: level}}}
	if err := f.Init(nil); err != nil {
		panic(err)
	}
	return f, p, pol
}

// Score equals the oracle on random shapes, built afresh and (ScoreYears)
// in the memory of an earlier result, with all ranks and with index ranks
// only.
func TestScoreMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(19, 1))
	for trial := range 300 {
		f, p, pol := refShape(r)
		opt := indicators.Options{Year: 2023, LeafRanks: trial%3 != 2}
		res, err := indicators.Score(f, p, opt)
		if trial%2 == 1 {
			// The second of two builds reuses the first one's memory.
			for res, err = range indicators.ScoreYears(f, p, slices.Values([]int{2023, 2023}), opt) {
				if err != nil {
					break
				}
			}
		}
		if err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		checkOracle(t, fmt.Sprintf("trial %d (%d units)", trial, len(p.Units)), res, func(id string) int { return pol[id] }, nil, nil)
		if t.Failed() {
			return
		}
	}
}

var (
	refOnce   sync.Once
	refEngine *engine.Engine
	refErr    error
)

func embeddedEngine(t testing.TB) *engine.Engine {
	t.Helper()
	refOnce.Do(func() {
		res, err := load.Load(context.Background(), load.Options{Base: datasets.FS})
		if err != nil {
			refErr = err
			return
		}
		store, err := pipeline.NewStore(res.Observations)
		if err != nil {
			refErr = err
			return
		}
		refEngine, refErr = engine.New(store, res.Reference, res.Registry, datasets.Frameworks)
	})
	if refErr != nil {
		t.Fatal(refErr)
	}
	return refEngine
}

// Score equals the oracle on the embedded composite frameworks and their
// real data, every year they have, with their own methods and with min-max
// normalisation instead; the gender framework's parity composite is not
// the oracle's, but its ranks are.
func TestEmbeddedMatchesReference(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the embedded data")
	}
	e := embeddedEngine(t)
	reg := e.Registry()
	pol := func(id string) int {
		ind, _, ok := reg.Lookup(id)
		if !ok {
			t.Fatalf("indicator %q not in the registry", id)
		}
		return ind.Polarity
	}
	// The goalposts rule (docs/METHODS.md): the node's, else the
	// registry's, else natural bounds with a finite top ordered by
	// direction, else the sample's minimum and maximum.
	gp := func(node *indicators.Node, x []float64, valid []bool, dir int) (float64, float64, bool) {
		if g := node.Goalposts; g != nil {
			return g.Lo, g.Hi, true
		}
		ind, _, _ := reg.Lookup(node.Indicator)
		if g := ind.Goalposts; g != nil && g.Lo != nil && g.Hi != nil {
			return *g.Lo, *g.Hi, true
		}
		b := ind.Bounds
		if b == nil && ind.Measure() != nil {
			b = ind.Measure().Bounds
		}
		lo, hi := math.Inf(1), math.Inf(-1)
		if b != nil && b.Lo != nil && b.Hi != nil && !math.IsInf(*b.Hi, 0) && !math.IsNaN(*b.Hi) {
			lo, hi = *b.Lo, *b.Hi
		} else {
			for u := range x {
				if valid[u] {
					lo, hi = math.Min(lo, x[u]), math.Max(hi, x[u])
				}
			}
		}
		if dir < 0 {
			lo, hi = hi, lo
		}
		return lo, hi, true
	}
	minmax := indicators.Normaliser{Method: indicators.NormMinMax, P1: 0, P2: 100}
	scored := 0
	for _, id := range e.Frameworks() {
		f, _ := e.Framework(id)
		for _, year := range e.Years(f) {
			for _, opt := range []indicators.Options{{}, {Normalisation: &minmax}} {
				res, err := e.ScoreOnce(id, year, opt)
				if err != nil {
					t.Fatalf("%s %d: %v", id, year, err)
				}
				label := fmt.Sprintf("%s %d %s", id, year, res.Normalisation)
				if f.Kind == indicators.KindGender {
					for _, nr := range res.Nodes {
						if nr.Rank == nil {
							continue
						}
						want := refRanks(nr.ValueColumn(), nr.Valid)
						for u := range want {
							if nr.Rank[u] != want[u] {
								t.Fatalf("%s: %s, unit %s: rank %d, oracle %d", label, nr.Node.Code, res.Units[u], nr.Rank[u], want[u])
							}
						}
					}
					break
				}
				checkOracle(t, label, res, pol, gp, nil)
				scored++
			}
		}
	}
	// Five embedded frameworks, one of them gender: at least the four
	// composites' latest years, twice.
	if scored < 8 {
		t.Errorf("%d composite runs checked, want at least 8", scored)
	}
}
