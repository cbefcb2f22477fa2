package engine

import (
	"fmt"
	"testing"

	"github.com/dri-engine/dri/indicators"
)

// A what-if (other weights, weight scheme or aggregation) scored from the
// cached baseline equals the same options scored from the panel, to the
// last bit, for every composite framework in its default year, its first
// year and one in between. Naming the framework's own normalisation makes
// the engine score from the panel: the same computation, another path.
func TestWhatIfFromBaselineMatchesFullScore(t *testing.T) {
	e := testEngine(t)
	gmean := indicators.Aggregation{Method: indicators.AggGeometric}
	gen := indicators.Aggregation{Method: indicators.AggGeneralised, P: 0.5}
	checked := 0
	for _, id := range e.Frameworks() {
		f := mustFramework(t, e, id)
		if f.Kind != indicators.KindComposite {
			continue
		}
		years := e.Years(f)
		pillar := f.Nodes()[0].Children[0].Code
		leaf := ""
		for _, n := range f.Nodes() {
			if n.IsIndicator() {
				leaf = n.Code
				break
			}
		}
		for _, y := range []int{e.DefaultYear(f), years[0], years[len(years)/2]} {
			for _, opt := range []indicators.Options{
				{Weights: map[string]float64{pillar: 2}},
				{Weights: map[string]float64{pillar: 0, leaf: 3}},
				{WeightScheme: "equal"},
				{WeightScheme: "pca"},
				{Aggregation: &gmean},
				{Aggregation: &gen, Weights: map[string]float64{pillar: 0.5}},
			} {
				name := fmt.Sprintf("%s %d %+v", id, y, opt)
				if !reweighting(f, opt) {
					t.Fatalf("%s: not a what-if", name)
				}
				got, gotErr := e.ScoreOnce(id, y, opt)
				full := opt
				norm := f.Normalisation()
				full.Normalisation = &norm
				want, wantErr := e.ScoreOnce(id, y, full)
				if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
					t.Fatalf("%s: error %v from the baseline, %v from the panel", name, gotErr, wantErr)
				}
				if wantErr != nil {
					continue
				}
				if dump(got) != dump(want) {
					t.Fatalf("%s: the what-if from the baseline differs from the full score", name)
				}
				if got.Nodes[0].Rank == nil || got.Nodes[len(got.Nodes)-1].Rank == nil {
					t.Fatalf("%s: a node is unranked", name)
				}
				checked++
			}
		}
	}
	if checked < 20 {
		t.Errorf("only %d what-ifs compared", checked)
	}
}
