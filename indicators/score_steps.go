package indicators

import (
	"fmt"
	"sort"
)

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
		nr.storeYears(res.mem) // imputed values have years of their own
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
				nr.Raw[u], nr.RawValid[u], nr.years[u], nr.Imputed[u] = v, true, y, true
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
	// Scratch for one node at a time, sized for the largest.
	most := 0
	for _, node := range f.nodes {
		most = max(most, len(node.Children))
	}
	n := len(res.Units)
	scratch := res.mem.f64.take(f.mostLeafChildren() * n)
	kids := make([]*NodeResult, 0, most)
	weights := make([]float64, 0, most)
	cols := make([][]float64, 0, most)
	valids := make([][]bool, 0, most)
	for i := len(f.nodes) - 1; i >= 0; i-- {
		node := f.nodes[i]
		nr := res.Nodes[i]
		if node.IsIndicator() || node.NoData() || res.kept != nil && res.kept[i] {
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
		// The children's columns; an indicator's Value computed into
		// scratch when it is not stored.
		cols, valids = cols[:0], valids[:0]
		free := scratch
		for _, kr := range kids {
			col := kr.value
			if col == nil {
				col, free = kr.valueColumn(free[:n:n]), free[n:]
			}
			cols, valids = append(cols, col), append(valids, kr.Valid)
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
		// The columns are of one length: what AggregateColumns checks
		// holds; its children-present count is Parts.
		nr.Parts, nr.PartsOf = res.mem.ints.take(n), len(kids)
		err := agg.checkExponent("Aggregation.AggregateColumns")
		if err == nil {
			err = agg.aggregateColumns(nr.value, nr.Valid, nr.Parts, cols, valids, weights, f.Methods.Coverage)
		}
		if err != nil {
			return fmt.Errorf("indicators: aggregating %s: %w", node.Code, err)
		}
	}
	return nil
}

// finish computes coverage, ranks the nodes and classifies the aggregates.
func finish(res *Result) error {
	coverage(res)
	return rankAndClassify(res)
}

// coverage computes every node's coverage, bottom-up (children follow
// their parent in pre-order): each node's count of leaves with data per
// unit (a leaf's own data, an aggregate's children's counts summed; whole
// numbers, so exact in any order), then divided by the node's number of
// leaves. A parent counts its leaves' values from their validity (a leaf's
// coverage is not stored) and divides its aggregate children's counts
// while it reads them (one pass over a child instead of three;
// docs/BENCHMARKS.md, round 3): the same counts, the same divisions.
func coverage(res *Result) {
	f := res.Framework
	n := len(res.Units)
	for i := len(f.nodes) - 1; i >= 0; i-- {
		nr := res.Nodes[i]
		if nr.Node.IsIndicator() {
			continue // Coverage reads RawValid
		}
		cov := res.mem.f64.take(n)
		nr.coverage = cov
		for _, c := range nr.Node.Children {
			cr := res.Nodes[c.index]
			if c.IsIndicator() {
				for u, ok := range cr.RawValid[:len(cov)] {
					cov[u] += float64(b2i(ok))
				}
				continue
			}
			kc := cr.coverage[:len(cov)]
			if leaves := c.leaves; leaves > 1 {
				d := float64(leaves)
				for u, k := range kc {
					cov[u] += k
					kc[u] = k / d
				}
				continue
			}
			for u, k := range kc {
				cov[u] += k
			}
		}
		if i == 0 {
			if leaves := nr.Node.leaves; leaves > 1 {
				for u := range cov {
					cov[u] /= float64(leaves)
				}
			}
		}
	}
}

// rankAndClassify ranks the aggregates, and the indicators when the
// result asks for their ranks, and gives the aggregates their tiers. A node
// that has its ranks already (one that Reweight shares with its base) is
// left as it is.
func rankAndClassify(res *Result) error {
	f := res.Framework
	n := len(res.Units)
	var scratch []float64
	for _, nr := range res.Nodes {
		if nr.Rank != nil {
			continue
		}
		if !nr.Node.IsIndicator() || res.leafRanks {
			values := nr.value
			if values == nil {
				// An indicator's Value computed (one column for all).
				if scratch == nil {
					scratch = res.mem.f64.take(n)
				}
				values = nr.valueColumn(scratch)
			}
			var err error
			if nr.Rank, err = Rank(res.mem.ints.take(n), values, nr.Valid); err != nil {
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
			nr.Tier[u], _ = f.tiers.Classify(nr.value[u])
			if egdi {
				nr.Class[u], _ = EGDIRatingClass(nr.value[u])
			}
		}
	}
	return nil
}

// b2i is 1 for true, 0 for false (without a branch: the compiler makes it
// a flag-to-register move).
func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
