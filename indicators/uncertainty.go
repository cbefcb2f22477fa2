package indicators

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sort"
	"sync"

	"golang.org/x/sync/errgroup"
)

// UncertaintyOptions say what varies in an uncertainty analysis (OECD/JRC
// Handbook, step 7; COINr get_sensitivity with SA_type "UA" or "SA").
type UncertaintyOptions struct {
	Year int
	// Runs is the number of Monte Carlo runs (ignored when WeightSets are
	// given or Sensitivity is on, see below).
	Runs int
	Seed uint64
	// VaryWeights draws each weight uniformly in [w(1-f), w(1+f)], f =
	// WeightFactor (default 0.25), or LevelFactors[node level] when set.
	VaryWeights  bool
	WeightFactor float64
	LevelFactors map[int]float64
	// Normalisations and Aggregations are alternatives drawn uniformly per
	// run (the framework's own choice should be among them).
	Normalisations []Normaliser
	Aggregations   []Aggregation
	// VaryImputation switches imputation on or off per run: on is the
	// framework's imputation, or mean imputation when it has none.
	VaryImputation bool
	// WeightSets replays explicit weights, one run each (nodes not named keep
	// their nominal weight); nothing else varies.
	WeightSets []map[string]float64
	// Sensitivity runs the Saltelli design: N = Runs base samples, d
	// uncertain inputs, N (d + 2) runs, and first-order and total indices of
	// the mean absolute rank shift.
	Sensitivity bool
	// Workers bound the goroutines (default GOMAXPROCS); results do not
	// depend on it.
	Workers int
	// Progress, if set, is called as runs complete (from several goroutines).
	Progress func(done, total int)
}

// UnitUncertainty is one unit's rank distribution over the runs.
type UnitUncertainty struct {
	Unit         string
	Nominal      int // rank with the framework's choices (0 = no score)
	Mean, Median float64
	P5, P95      float64
	// MeanShift is (1/n) sum |rank_run - nominal| over the runs that rank it.
	MeanShift float64
	Runs      int // runs in which the unit has a score
}

// SensitivityIndex is the variance-based importance of one uncertain input.
type SensitivityIndex struct {
	Input string
	First float64 // S_i = mean(yB (yABi - yA)) / Var(y)
	Total float64 // ST_i = sum((yA - yABi)^2) / (2 N Var(y))
}

// UncertaintyResult is the outcome of an uncertainty analysis.
type UncertaintyResult struct {
	Framework string
	Year      int
	Runs      int
	Seed      uint64
	Inputs    []string // the uncertain inputs
	Units     []UnitUncertainty
	// RunRanks are the index ranks of every run (run x unit, 0 = missing),
	// so runs can be checked one by one against another implementation.
	RunRanks [][]int
	// Sensitivity holds the indices when requested.
	Sensitivity []SensitivityIndex
}

// variant is the indicator layer prepared for one choice of normalisation
// and imputation: the leaves' normalised values, as Score computes them,
// and the same shifted for the geometric and harmonic means (see shift).
type variant struct {
	index   []int // framework node index of each leaf
	value   [][]float64
	shifted [][]float64
	valid   [][]bool
}

// plan is the aggregation tree compiled for fast repeated runs.
type plan struct {
	nodes []planNode // internal nodes, children before parents
}

type planNode struct {
	index  int   // framework node index
	kids   []int // framework node indices of the children taking part
	levels []int // each child's level (for per-level factors)
	codes  []string
	agg    *Aggregation // node override, or nil
}

// inputs of the analysis, in a fixed order.
type input struct {
	name  string
	node  int // weight: framework node index of the child; -1 otherwise
	kind  int // 0 weight, 1 normalisation, 2 aggregation, 3 imputation
	level int
}

// Uncertainty runs a Monte Carlo uncertainty analysis of a framework: per run
// it draws the uncertain inputs, rebuilds the index and ranks the units; it
// reports each unit's nominal, mean, median, 5th and 95th percentile rank
// and mean absolute rank shift. Runs are seeded per run index, so results
// do not depend on the number of goroutines.
func Uncertainty(f *Framework, p *Panel, opt UncertaintyOptions) (*UncertaintyResult, error) {
	return UncertaintyContext(context.Background(), f, p, opt)
}

// UncertaintyContext is Uncertainty that stops when ctx is done: the
// workers check it before each run, and it returns ctx.Err() (an
// abandoned analysis, as when an HTTP client goes away, stops within a run
// per worker, well under a millisecond on the embedded frameworks).
func UncertaintyContext(ctx context.Context, f *Framework, p *Panel, opt UncertaintyOptions) (*UncertaintyResult, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if f.Kind != KindComposite {
		return nil, fmt.Errorf("indicators: %s is a %s framework, not a composite index: it has no ranking to analyse", f.ID, f.Kind)
	}
	if opt.WeightFactor == 0 {
		opt.WeightFactor = 0.25
	}
	if opt.WeightFactor < 0 || opt.WeightFactor >= 1 {
		return nil, fmt.Errorf("indicators: weight factor %v: want 0 <= f < 1", opt.WeightFactor)
	}
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	// Only the index's ranks are read (the nominal rank; the variants give
	// their indicators' values), so the indicators are not ranked.
	nominal, err := Score(f, p, Options{Year: opt.Year})
	if err != nil {
		return nil, err
	}
	// Variants: normalisation x imputation.
	norms := opt.Normalisations
	if len(norms) == 0 {
		norms = []Normaliser{nominal.Normalisation}
	}
	imps := []Imputation{nominal.Imputation}
	if opt.VaryImputation {
		on := nominal.Imputation
		if on.Method == ImputationNone {
			on = Imputation{Method: ImputationMean}
		}
		imps = []Imputation{{Method: ImputationNone}, on}
	}
	variants := make([]*variant, len(norms)*len(imps))
	for ni := range norms {
		for ii := range imps {
			o := Options{Year: opt.Year, Normalisation: &norms[ni], Imputation: &imps[ii]}
			res, err := Score(f, p, o)
			if err != nil {
				return nil, fmt.Errorf("indicators: uncertainty: normalisation %s, imputation %s: %w", norms[ni], imps[ii], err)
			}
			v := &variant{}
			for i, nr := range res.Nodes {
				if nr.Node.IsIndicator() {
					v.index = append(v.index, i)
					v.value, v.valid = append(v.value, nr.ValueColumn()), append(v.valid, nr.Valid)
				}
			}
			variants[ni*len(imps)+ii] = v
		}
	}
	aggs := opt.Aggregations
	if len(aggs) == 0 {
		aggs = []Aggregation{nominal.Aggregation}
	}
	pl := compile(f, nominal)
	// Geometric and harmonic means need positive values. When they are
	// drawn and a normalised value is <= 0 (min-max from 0, goalposts, z-
	// scores), their runs shift every indicator value by the same amount so
	// the smallest is 1 (COINr's advice: normalise onto [1, 100] for gmean).
	// Arithmetic runs are not shifted: a common shift would not change their
	// ranks anyway.
	lowest := math.Inf(1)
	for _, v := range variants {
		for k, value := range v.value {
			for u, x := range value {
				if v.valid[k][u] && x < lowest {
					lowest = x
				}
			}
		}
	}
	shift := 0.0
	if lowest <= 0 {
		shift = 1 - lowest
	}
	// The shifted values, once per analysis rather than per run.
	if shift != 0 && slices.ContainsFunc(aggs, func(a Aggregation) bool { return a.Method != AggArithmetic }) {
		for _, v := range variants {
			v.shifted = make([][]float64, len(v.value))
			for k, value := range v.value {
				v.shifted[k] = make([]float64, len(value))
				for u, x := range value {
					v.shifted[k][u] = x + shift
				}
			}
		}
	}
	// The uncertain inputs.
	var ins []input
	if opt.VaryWeights {
		for _, pn := range pl.nodes {
			for k, child := range pn.kids {
				ins = append(ins, input{name: "weight " + pn.codes[k], node: child, kind: 0, level: pn.levels[k]})
			}
		}
	}
	if len(norms) > 1 {
		ins = append(ins, input{name: "normalisation", node: -1, kind: 1})
	}
	if len(aggs) > 1 {
		ins = append(ins, input{name: "aggregation", node: -1, kind: 2})
	}
	if len(imps) > 1 {
		ins = append(ins, input{name: "imputation", node: -1, kind: 3})
	}
	factor := func(level int) float64 {
		if f, ok := opt.LevelFactors[level]; ok {
			return f
		}
		return opt.WeightFactor
	}
	n := len(p.Units)
	out := &UncertaintyResult{Framework: f.ID, Year: nominal.Year, Seed: opt.Seed}
	for _, in := range ins {
		out.Inputs = append(out.Inputs, in.name)
	}
	// A run is described by a point u in [0,1)^d (or explicit weights).
	type runSpec struct {
		u       []float64
		weights map[string]float64
	}
	var runs []runSpec
	var base int // Saltelli N
	switch {
	case len(opt.WeightSets) > 0:
		for _, ws := range opt.WeightSets {
			for code := range ws {
				if _, ok := f.Node(code); !ok {
					return nil, fmt.Errorf("indicators: weight set: unknown node %q", code)
				}
			}
			runs = append(runs, runSpec{weights: ws})
		}
	case opt.Sensitivity:
		if len(ins) == 0 {
			return nil, errors.New("indicators: sensitivity analysis: nothing varies")
		}
		base = opt.Runs
		if base < 2 {
			return nil, errors.New("indicators: sensitivity analysis needs at least 2 base runs")
		}
		d := len(ins)
		r := rand.New(rand.NewPCG(opt.Seed, 0x5a17e11))
		a, b := make([][]float64, base), make([][]float64, base)
		for j := 0; j < base; j++ {
			a[j], b[j] = make([]float64, d), make([]float64, d)
			for k := 0; k < d; k++ {
				a[j][k], b[j][k] = r.Float64(), r.Float64()
			}
		}
		// Order: all A rows, all B rows, then AB_i rows for each input.
		for j := 0; j < base; j++ {
			runs = append(runs, runSpec{u: a[j]})
		}
		for j := 0; j < base; j++ {
			runs = append(runs, runSpec{u: b[j]})
		}
		for i := 0; i < d; i++ {
			for j := 0; j < base; j++ {
				ab := slices.Clone(a[j])
				ab[i] = b[j][i]
				runs = append(runs, runSpec{u: ab})
			}
		}
	default:
		if opt.Runs < 1 {
			return nil, errors.New("indicators: uncertainty analysis needs at least one run")
		}
		for j := 0; j < opt.Runs; j++ {
			u := make([]float64, len(ins))
			r := rand.New(rand.NewPCG(opt.Seed, uint64(j)+1))
			for k := range u {
				u[k] = r.Float64()
			}
			runs = append(runs, runSpec{u: u})
		}
	}
	out.Runs = len(runs)
	out.RunRanks = make([][]int, len(runs))
	ranks := make([]int, len(runs)*n) // every run's ranks, in one block
	var completed, mu = 0, sync.Mutex{}
	// One goroutine per run, at most opt.Workers at a time, each run in
	// one of opt.Workers scratch buffers (taken from bufs and given back:
	// a run never waits for one). The first error stops the analysis.
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(opt.Workers)
	bufs := make(chan *runBuffers, opt.Workers)
	for range min(opt.Workers, len(runs)) {
		bufs <- newRunBuffers(pl, len(f.nodes), n)
	}
	for j := range runs {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			if gctx.Err() != nil {
				return nil
			}
			// A run takes a fraction of a millisecond; yielding before it
			// lets short work waiting for this core (a server's cheap
			// requests) run now, not at the next preemption, up to 10 ms
			// later.
			runtime.Gosched()
			buf := <-bufs
			defer func() { bufs <- buf }()
			weights := buf.weights
			spec := runs[j]
			ai := 0
			for k := range weights {
				weights[k] = nominal.Nodes[k].Weight
			}
			for code, w := range spec.weights {
				nd, _ := f.Node(code)
				weights[nd.index] = w
			}
			normIdx, impIdx := 0, 0
			draws := ins
			if spec.u == nil {
				// A weight set replays as given: nothing else varies
				// (and nothing is drawn), even with VaryWeights.
				draws = nil
			}
			for k, in := range draws {
				u := spec.u[k]
				switch in.kind {
				case 0:
					fa := factor(in.level)
					weights[in.node] *= 1 - fa + 2*fa*u
				case 1:
					normIdx = int(u * float64(len(norms)))
				case 2:
					ai = int(u * float64(len(aggs)))
				case 3:
					impIdx = int(u * float64(len(imps)))
				}
			}
			vi := normIdx*len(imps) + impIdx
			shifted := shift != 0 && aggs[ai].Method != AggArithmetic
			root, valid, err := pl.run(f, variants[vi], weights, aggs[ai], shifted, buf)
			if err != nil {
				return err
			}
			r, err := Rank(ranks[j*n:(j+1)*n:(j+1)*n], root, valid)
			if err != nil {
				return err
			}
			out.RunRanks[j] = r
			if opt.Progress != nil {
				mu.Lock()
				completed++
				opt.Progress(completed, len(runs))
				mu.Unlock()
			}
			return nil
		})
	}
	err = g.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err != nil {
		return nil, err
	}
	nomRoot := nominal.Root()
	out.Units = make([]UnitUncertainty, n)
	col := make([]float64, 0, len(runs))
	for u := 0; u < n; u++ {
		uu := UnitUncertainty{Unit: p.Units[u]}
		if nomRoot.Valid[u] {
			uu.Nominal = nomRoot.Rank[u]
		}
		col = col[:0]
		var shift float64
		for j := range runs {
			if r := out.RunRanks[j][u]; r > 0 {
				col = append(col, float64(r))
				if uu.Nominal > 0 {
					shift += math.Abs(float64(r - uu.Nominal))
				}
			}
		}
		uu.Runs = len(col)
		if len(col) > 0 {
			sort.Float64s(col)
			var s float64
			for _, v := range col {
				s += v
			}
			uu.Mean = s / float64(len(col))
			uu.Median = quantile7(col, 0.5)
			uu.P5, uu.P95 = quantile7(col, 0.05), quantile7(col, 0.95)
			if uu.Nominal > 0 {
				uu.MeanShift = shift / float64(len(col))
			}
		}
		out.Units[u] = uu
	}
	if opt.Sensitivity {
		out.Sensitivity = saltelli(out, nomRoot, base, len(ins), out.Inputs)
	}
	return out, nil
}

// quantile7 is R's default quantile (type 7) of sorted values.
func quantile7(sorted []float64, p float64) float64 {
	if len(sorted) == 1 {
		return sorted[0]
	}
	h := (float64(len(sorted)) - 1) * p
	lo := math.Floor(h)
	i := int(lo)
	if i+1 >= len(sorted) {
		return sorted[len(sorted)-1]
	}
	return sorted[i] + (h-lo)*(sorted[i+1]-sorted[i])
}

// saltelli computes the first-order and total indices of the runs' mean
// absolute rank shift (METHODS.md; Saltelli et al. 2010, Jansen estimator
// for the total).
func saltelli(out *UncertaintyResult, nomRoot *NodeResult, base, d int, names []string) []SensitivityIndex {
	y := make([]float64, len(out.RunRanks))
	for j, ranks := range out.RunRanks {
		var s float64
		m := 0
		for u, r := range ranks {
			if r > 0 && nomRoot.Valid[u] {
				s += math.Abs(float64(r - nomRoot.Rank[u]))
				m++
			}
		}
		if m > 0 {
			y[j] = s / float64(m)
		}
	}
	yA, yB := y[:base], y[base:2*base]
	all := append(slices.Clone(yA), yB...)
	sum, _ := Summarise(all, nil)
	variance := sum.SD * sum.SD
	idx := make([]SensitivityIndex, d)
	for i := 0; i < d; i++ {
		yAB := y[(2+i)*base : (3+i)*base]
		var first, total float64
		for j := 0; j < base; j++ {
			first += yB[j] * (yAB[j] - yA[j])
			total += (yA[j] - yAB[j]) * (yA[j] - yAB[j])
		}
		idx[i] = SensitivityIndex{Input: names[i]}
		if variance > 0 {
			idx[i].First = first / float64(base) / variance
			idx[i].Total = total / (2 * float64(base)) / variance
		}
	}
	return idx
}

// compile turns the framework tree into the aggregation plan of a nominal
// result: the same children and overrides as Score uses.
func compile(f *Framework, nominal *Result) *plan {
	pl := &plan{}
	for i := len(f.nodes) - 1; i >= 0; i-- {
		node := f.nodes[i]
		if node.IsIndicator() || node.NoData() {
			continue
		}
		pn := planNode{index: i}
		for _, c := range node.Children {
			cr := nominal.Nodes[c.index]
			if c.NoData() || (c.IsIndicator() && cr.Excluded != "") {
				continue
			}
			pn.kids = append(pn.kids, c.index)
			pn.levels = append(pn.levels, c.Level)
			pn.codes = append(pn.codes, c.Code)
		}
		if len(pn.kids) == 0 {
			continue
		}
		if node.Aggregate != "" {
			a, _ := ParseAggregation(node.Aggregate)
			pn.agg = &a
		}
		pl.nodes = append(pl.nodes, pn)
	}
	return pl
}

// runBuffers are one worker's scratch, reused from run to run: the
// aggregates' values, and per framework node the column a run reads
// (a leaf's is its variant's own, an aggregate's one of the buffers).
type runBuffers struct {
	value [][]float64
	valid [][]bool
	cols  [][]float64
	vals  [][]bool
	w     []float64
	// weights are one run's node weights.
	weights []float64
}

func newRunBuffers(pl *plan, nodes, units int) *runBuffers {
	b := &runBuffers{value: make([][]float64, nodes), valid: make([][]bool, nodes), weights: make([]float64, nodes)}
	b.value[0], b.valid[0] = make([]float64, units), make([]bool, units) // the index, even with nothing to aggregate
	for _, pn := range pl.nodes {
		b.value[pn.index], b.valid[pn.index] = make([]float64, units), make([]bool, units)
	}
	return b
}

// run aggregates the tree once with the given weights (per framework node)
// and aggregation, from the variant's leaves (shifted or not); it returns
// the index values (buffers reused).
func (pl *plan) run(f *Framework, v *variant, weights []float64, agg Aggregation, shifted bool, b *runBuffers) ([]float64, []bool, error) {
	leaves := v.value
	if shifted {
		leaves = v.shifted
	}
	for k, i := range v.index {
		b.value[i], b.valid[i] = leaves[k], v.valid[k]
	}
	for _, pn := range pl.nodes {
		b.cols, b.vals, b.w = b.cols[:0], b.vals[:0], b.w[:0]
		for _, k := range pn.kids {
			b.cols = append(b.cols, b.value[k])
			b.vals = append(b.vals, b.valid[k])
			b.w = append(b.w, weights[k])
		}
		a := agg
		if pn.agg != nil {
			a = *pn.agg
		}
		err := a.checkExponent("Aggregation.AggregateColumns")
		if err == nil {
			err = a.aggregateColumns(b.value[pn.index], b.valid[pn.index], nil, b.cols, b.vals, b.w, f.Methods.Coverage)
		}
		if err != nil {
			return nil, nil, fmt.Errorf("indicators: uncertainty: aggregating %s: %w", f.nodes[pn.index].Code, err)
		}
	}
	return b.value[0], b.valid[0], nil
}
