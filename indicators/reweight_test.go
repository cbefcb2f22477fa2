package indicators

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/dri-engine/dri/pipeline/dims"
)

// dumpResult renders every number and note of a result, node by node, so
// two results compare as text (to the last bit: %v prints the shortest
// representation that reads back exactly).
func dumpResult(r *Result) string {
	var b strings.Builder
	fmt.Fprintln(&b, r.Year, r.Units, r.Normalisation, r.Aggregation, r.Imputation, r.Treatment, r.WeightScheme, r.PCA)
	for _, n := range r.Nodes {
		fmt.Fprintln(&b, n.Node.Code, n.Weight, n.ValueColumn(), n.Valid, n.Rank, n.Tier, n.Class, n.CoverageColumn(), n.Parts, n.PartsOf,
			n.Raw, n.RawValid, n.YearColumn(), n.Imputed, n.Treated, n.Excluded)
	}
	fmt.Fprintln(&b, r.Notes, len(r.Extras))
	return b.String()
}

// Reweight gives what Score gives for the same options, to the last bit,
// on random weights (zero weights among them), every weight scheme and
// every aggregation, with and without the indicators' ranks, from a base
// with and without them; errors (a geometric mean of min-max scores, which
// include 0) are the same errors.
func TestReweightMatchesScore(t *testing.T) {
	r := rand.New(rand.NewPCG(19, 3))
	f, p := syntheticFramework(80, 40, []int{4, 3})
	// An indicator without data (excluded) and one without spread.
	p.Series[KeyOf("i007", dims.TotalBreakdown)] = make([]Series, len(p.Units))
	flat := make([]Series, len(p.Units))
	for u := range flat {
		flat[u] = Series{Years: []int{2023}, Values: []float64{3}}
	}
	p.Series[KeyOf("i011", dims.TotalBreakdown)] = flat
	aggs := []string{"", "amean", "gmean", "hmean", "genmean:2"}
	for trial := range 60 {
		opt := Options{Year: 2023, LeafRanks: trial%2 == 0, WeightScheme: []string{"", "explicit", "equal", "pca"}[trial%4]}
		if a := aggs[trial%len(aggs)]; a != "" {
			agg, err := ParseAggregation(a)
			if err != nil {
				t.Fatal(err)
			}
			opt.Aggregation = &agg
		}
		opt.Weights = map[string]float64{}
		for _, node := range f.Nodes()[1:] {
			if r.IntN(3) == 0 {
				opt.Weights[node.Code] = float64(r.IntN(4)) * r.Float64()
			}
		}
		base, err := Score(f, p, Options{Year: 2023, LeafRanks: trial%3 == 0})
		if err != nil {
			t.Fatal(err)
		}
		want, wantErr := Score(f, p, opt)
		got, gotErr := Reweight(base, opt)
		if fmt.Sprint(wantErr) != fmt.Sprint(gotErr) {
			t.Fatalf("trial %d: Reweight error %v, Score error %v", trial, gotErr, wantErr)
		}
		if wantErr != nil {
			continue
		}
		if w, g := dumpResult(want), dumpResult(got); w != g {
			t.Fatalf("trial %d (%+v): Reweight differs from Score:\nScore:\n%.2000s\nReweight:\n%.2000s", trial, opt, w, g)
		}
	}
}

// Reweight refuses what it cannot do without the panel.
func TestReweightRefuses(t *testing.T) {
	f, p := syntheticFramework(10, 6, []int{2})
	base, err := Score(f, p, Options{Year: 2023})
	if err != nil {
		t.Fatal(err)
	}
	norm := Normaliser{Method: NormZScore, P1: 0, P2: 1}
	for _, c := range []struct {
		opt  Options
		want string
	}{
		{Options{Year: 2022}, "indicators: Reweight: year 2022, but base is scored for 2023"},
		{Options{Normalisation: &norm}, "indicators: Reweight: a normalisation, imputation or treatment changes the indicators: use Score"},
		{Options{Weights: map[string]float64{"nope": 1}}, `indicators: weight for unknown node "nope"`},
	} {
		if _, err := Reweight(base, c.opt); err == nil || err.Error() != c.want {
			t.Errorf("Reweight(%+v) error = %v, want %s", c.opt, err, c.want)
		}
	}
}

// Reweight computes only the aggregates above a changed weight: the
// indicators' values and the other aggregates' are base's own memory, and
// its allocations do not grow with the number of indicators (300 against
// 50 under the same 200 units).
func TestReweightSharesIndicators(t *testing.T) {
	var allocs []float64
	for _, inds := range []int{50, 300} {
		f, p := syntheticFramework(200, inds, []int{10, 5})
		base, err := Score(f, p, Options{Year: 2023, LeafRanks: true})
		if err != nil {
			t.Fatal(err)
		}
		// A pillar under the index (the index alone is computed), an
		// indicator (its sub-pillar, pillar and the index), and the
		// aggregation of every node changed (every aggregate computed).
		leaf := f.Nodes()[len(f.Nodes())-1]
		power := Aggregation{Method: AggGeneralised, P: 2}
		for _, c := range []struct {
			opt      Options
			computed []string
		}{
			{Options{LeafRanks: true, Weights: map[string]float64{f.Nodes()[1].Code: 2}}, []string{"Index"}},
			{Options{LeafRanks: true, Weights: map[string]float64{leaf.Code: 3}}, ancestors(f.Tree, leaf)},
			{Options{LeafRanks: true, Aggregation: &power}, nil},
		} {
			got, err := Reweight(base, c.opt)
			if err != nil {
				t.Fatal(err)
			}
			for i, nr := range got.Nodes {
				b := base.Nodes[i]
				want := nr.Node.IsIndicator() || c.computed != nil && !slices.Contains(c.computed, nr.Node.Code)
				if shared := sameValues(nr, b); shared != want {
					t.Errorf("%d indicators, %v: %s: values shared with base %v, want %v", inds, c.opt, nr.Node.Code, shared, want)
				}
				if want && &nr.Rank[0] != &b.Rank[0] {
					t.Errorf("%d indicators, %v: %s: ranks not base's", inds, c.opt, nr.Node.Code)
				}
			}
		}
		opt := Options{LeafRanks: true, Weights: map[string]float64{f.Nodes()[1].Code: 2}}
		allocs = append(allocs, testing.AllocsPerRun(10, func() {
			if _, err := Reweight(base, opt); err != nil {
				t.Fatal(err)
			}
		}))
	}
	if allocs[1] > allocs[0] {
		t.Errorf("Reweight allocations: %v with 50 indicators, %v with 300; want no more", allocs[0], allocs[1])
	}
}

// ancestors are the codes of the nodes above leaf in the tree.
func ancestors(tree []*Node, leaf *Node) []string {
	for _, n := range tree {
		if n == leaf {
			return []string{}
		}
		if up := ancestors(n.Children, leaf); up != nil {
			return append(up, n.Code)
		}
	}
	return nil
}

// sameValues says whether a and b share their Value column: the stored
// one, or Raw and the scale an indicator's Value is computed from.
func sameValues(a, b *NodeResult) bool {
	if a.value == nil || b.value == nil {
		return a.value == nil && b.value == nil && &a.Raw[0] == &b.Raw[0] && a.scale == b.scale
	}
	return &a.value[0] == &b.value[0]
}
