package indicators

import (
	"errors"
	"fmt"
	"slices"
)

// Reweight scores base's framework again with other weights, another
// weight scheme or another aggregation: it returns what Score returns for
// base's panel and year with opt's Weights, WeightScheme, Aggregation and
// LeafRanks, without selecting, imputing, treating or normalising the
// indicators again. Their normalised values do not depend on the weights or
// the aggregation, so the result shares base's indicator results (values,
// raw data, their ranks when base has them; read-only, as every result's)
// and computes only the aggregates. It is the what-if of a framework (the
// API's, a dashboard's weight sliders): a fraction of a build
// (docs/BENCHMARKS.md).
//
// base must be a composite framework's result from Score (not one that
// ScoreYears is about to reuse) and outlive the result. opt.Year must be 0
// or base's year, and opt's Normalisation, Imputation and Treatment nil:
// they change the indicators, which is Score's work.
func Reweight(base *Result, opt Options) (*Result, error) {
	f := base.Framework
	switch {
	case f.Kind != KindComposite:
		return nil, fmt.Errorf("indicators: Reweight: %s is a %s framework, not a composite index", f.ID, f.Kind)
	case opt.Year != 0 && opt.Year != base.Year:
		return nil, fmt.Errorf("indicators: Reweight: year %d, but base is scored for %d", opt.Year, base.Year)
	case opt.Normalisation != nil || opt.Imputation != nil || opt.Treatment != nil:
		return nil, errors.New("indicators: Reweight: a normalisation, imputation or treatment changes the indicators: use Score")
	}
	for code := range opt.Weights {
		if _, ok := f.byCode[code]; !ok {
			return nil, fmt.Errorf("indicators: weight for unknown node %q", code)
		}
	}
	res := &Result{Framework: f, Year: base.Year, Units: base.Units, Extras: base.Extras,
		Notes:         slices.Clone(base.Notes[:base.leafNotes]),
		Normalisation: base.Normalisation, Imputation: base.Imputation, Treatment: base.Treatment,
		Aggregation: f.parsed.aggregate, WeightScheme: f.Methods.Weights, PCA: map[string]PCAResult{},
		leafRanks: opt.LeafRanks, leafNotes: base.leafNotes}
	if opt.Aggregation != nil {
		res.Aggregation = *opt.Aggregation
	}
	if opt.WeightScheme != "" {
		res.WeightScheme = opt.WeightScheme
	}
	if res.WeightScheme == "" {
		res.WeightScheme = "explicit"
	}
	// Leaf ranks are base's, or ranked here when base has none.
	rankLeaves := opt.LeafRanks && !base.leafRanks
	n, leaves := len(base.Units), f.leaves()
	aggregates := len(f.nodes) - leaves
	ints := 2 * aggregates // Rank, Parts
	if rankLeaves {
		ints += leaves
	}
	res.mem = new(arena)
	res.mem.f64.reserve(aggregates * n)
	res.mem.bools.reserve(aggregates * n)
	res.mem.ints.reserve(ints * n)
	res.mem.tiers.reserve(f.tierColumns() * n)
	res.Nodes = res.mem.nodeResults(len(f.nodes))
	for i, node := range f.nodes {
		w := node.EffectiveWeight()
		if ow, ok := opt.Weights[node.Code]; ok {
			w = ow
		}
		nr, b := res.Nodes[i], base.Nodes[i]
		if node.IsIndicator() {
			*nr = *b
			nr.Weight = w
			if !opt.LeafRanks {
				nr.Rank = nil
			}
			continue
		}
		// Coverage counts the indicators with data: base's.
		*nr = NodeResult{Node: node, Value: res.mem.f64.take(n), Valid: res.mem.bools.take(n), Weight: w, Coverage: b.Coverage}
	}
	if err := aggregateTree(res); err != nil {
		return nil, err
	}
	if err := rankAndClassify(res, rankLeaves); err != nil {
		return nil, err
	}
	return res, nil
}
