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
	// Indicators and the aggregates with no data under them are base's
	// (their ranks too, when base has the indicators' ranks); so are the
	// aggregates that would be computed as base computed them (kept); the
	// others are computed here.
	weights := make([]float64, len(f.nodes))
	for i, node := range f.nodes {
		weights[i] = node.EffectiveWeight()
		if ow, ok := opt.Weights[node.Code]; ok {
			weights[i] = ow
		}
	}
	res.kept = keptAggregates(base, res, weights)
	n, leaves, scored := len(base.Units), f.leaves(), 0
	for i, node := range f.nodes {
		if !node.IsIndicator() && !node.NoData() && !res.kept[i] {
			scored++
		}
	}
	f64 := scored + f.mostLeafChildren() // Value; aggregateTree's scratch
	ints := 2 * scored                   // Rank, Parts
	if opt.LeafRanks && !base.leafRanks {
		ints += leaves
		f64++ // the column ranked
	}
	tiers := 0
	if f.tiers != nil {
		tiers = f.tierColumns() / (len(f.nodes) - leaves) * scored
	}
	res.mem = new(arena)
	res.mem.f64.reserve(f64 * n)
	res.mem.bools.reserve(scored * n)
	res.mem.ints.reserve(ints * n)
	res.mem.tiers.reserve(tiers * n)
	res.Nodes = res.mem.nodeResults(len(f.nodes))
	for i, node := range f.nodes {
		w := weights[i]
		nr, b := res.Nodes[i], base.Nodes[i]
		if res.kept[i] {
			// Its values, ranks, tiers and parts: base's, read-only.
			*nr = *b
			nr.Weight = w
			continue
		}
		if node.IsIndicator() || node.NoData() {
			*nr = *b
			nr.Weight = w
			if node.IsIndicator() && !opt.LeafRanks {
				nr.Rank = nil
			}
			continue
		}
		// Coverage counts the indicators with data: base's.
		*nr = NodeResult{Node: node, value: res.mem.f64.take(n), Valid: res.mem.bools.take(n), Weight: w, coverage: b.coverage}
	}
	if err := aggregateTree(res); err != nil {
		return nil, err
	}
	if err := rankAndClassify(res); err != nil {
		return nil, err
	}
	return res, nil
}

// keptAggregates says which aggregates res can share with base: with the
// explicit weight scheme in both and the same aggregation, an aggregate is
// computed from the same children's values with the same weights, so to
// the same bits (its ranks and tiers too), when no weight under it differs
// from base's (a child's Weight in base is the weight it was aggregated
// with) and none of its aggregate children is computed again. A what-if
// that changes a pillar's weight computes the aggregates above the pillar
// only (docs/BENCHMARKS.md, round 3). weights[i] is node i's weight in res.
func keptAggregates(base, res *Result, weights []float64) []bool {
	f := base.Framework
	kept := make([]bool, len(f.nodes))
	if res.WeightScheme != "explicit" || base.WeightScheme != "explicit" || res.Aggregation != base.Aggregation {
		return kept
	}
	for i := len(f.nodes) - 1; i >= 0; i-- { // children after their parent
		node := f.nodes[i]
		if node.IsIndicator() || node.NoData() || base.Nodes[i].Rank == nil {
			continue
		}
		same := true
		for _, c := range node.Children {
			if weights[c.index] != base.Nodes[c.index].Weight || !c.IsIndicator() && !c.NoData() && !kept[c.index] {
				same = false
				break
			}
		}
		kept[i] = same
	}
	return kept
}
