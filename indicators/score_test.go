package indicators

import (
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/dri-engine/dri/pipeline/dims"
)

func f64(v float64) *float64 { return &v }

// smallFramework: Index <- {Conn <- {Access, Price (lower is better)}, People <- {Skills}}.
func smallFramework(t *testing.T, norm string, coverage float64) *Framework {
	t.Helper()
	f := &Framework{ID: "small", Scale: Range{0, 100}, Methods: Methods{Normalise: norm, Aggregate: "amean", Coverage: coverage},
		Tree: []*Node{{Code: "Index", Children: []*Node{
			{Code: "Conn", Weight: f64(1), Children: []*Node{
				{Code: "Access", Indicator: "access", Weight: f64(1)},
				{Code: "Price", Indicator: "price", Weight: f64(1)},
			}},
			{Code: "People", Weight: f64(1), Children: []*Node{{Code: "Skills", Indicator: "skills", Weight: f64(1)}}},
			{Code: "Empty", Weight: f64(1), Children: []*Node{}},
		}}}}
	if err := f.Init(nil); err != nil {
		t.Fatal(err)
	}
	return f
}

func series(year int, vals ...float64) []Series {
	out := make([]Series, len(vals))
	for i, v := range vals {
		if !math.IsNaN(v) {
			out[i] = Series{Years: []int{year}, Values: []float64{v}}
		}
	}
	return out
}

func smallPanel() *Panel {
	nan := math.NaN()
	return &Panel{Units: []string{"KEN", "UGA", "FRA"},
		Info: map[string]IndicatorInfo{"access": {Polarity: 1}, "price": {Polarity: -1}, "skills": {Polarity: 1}},
		Series: map[SeriesKey][]Series{
			KeyOf("access", dims.TotalBreakdown): series(2023, 32, 10, 85),
			KeyOf("price", dims.TotalBreakdown):  series(2023, 3.8, 9.5, 0.6),
			KeyOf("skills", dims.TotalBreakdown): series(2023, nan, 40, 78),
		}}
}

// TestScoreHandComputed follows COINr's default pipeline (minmax 0-100 per
// indicator with direction, arithmetic means, weights renormalised over the
// children present) by hand:
//
//	Access: (x - 10) / 75 * 100 -> KEN 29.333333333333332, UGA 0, FRA 100
//	Price (-1): (-x + 9.5) / 8.9 * 100 -> KEN 64.04494382022472, UGA 0, FRA 100
//	Skills: KEN missing, UGA 0, FRA 100
//	Conn = mean(Access, Price): KEN 46.68913857677902
//	People = Skills; Index = mean(Conn, People) over the present -> KEN = Conn
func TestScoreHandComputed(t *testing.T) {
	res, err := Score(smallFramework(t, "minmax:0,100", 0), smallPanel(), Options{Year: 2023})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][3]float64{
		"Access": {29.333333333333332, 0, 100},
		"Price":  {64.04494382022472, 0, 100},
		"Conn":   {46.68913857677902, 0, 100},
		"Index":  {46.68913857677902, 0, 100},
	}
	for code, w := range want {
		nr, _ := res.Node(code)
		for u := range w {
			if !nr.Valid[u] || math.Abs(nr.Value[u]-w[u]) > 1e-12 {
				t.Errorf("%s[%s] = %v (valid %v), want %v", code, res.Units[u], nr.Value[u], nr.Valid[u], w[u])
			}
		}
	}
	people, _ := res.Node("People")
	if people.Valid[0] {
		t.Errorf("People[KEN] present, want missing (no Skills value)")
	}
	root := res.Root()
	if root.Rank[0] != 2 || root.Rank[1] != 3 || root.Rank[2] != 1 {
		t.Errorf("ranks = %v, want KEN 2, UGA 3, FRA 1", root.Rank)
	}
	// Coverage: KEN has 2 of the 3 indicators.
	if math.Abs(root.Coverage(0)-2.0/3) > 1e-12 {
		t.Errorf("coverage KEN = %v, want 2/3", root.Coverage(0))
	}
}

// With a coverage threshold of 0.6 the Index of KEN (1 of 2 pillars) is missing.
func TestScoreCoverageThreshold(t *testing.T) {
	res, err := Score(smallFramework(t, "minmax:0,100", 0.6), smallPanel(), Options{Year: 2023})
	if err != nil {
		t.Fatal(err)
	}
	if res.Root().Valid[0] {
		t.Errorf("Index[KEN] = %v, want missing: 1 of 2 pillars < 0.6", res.Root().Value[0])
	}
	if !res.Root().Valid[1] {
		t.Errorf("Index[UGA] missing, want present")
	}
}

// Weight overrides and the geometric mean: Conn weights Access 3, Price 1.
func TestScoreOverrides(t *testing.T) {
	agg := Aggregation{Method: AggArithmetic}
	res, err := Score(smallFramework(t, "minmax:1,10", 0), smallPanel(), Options{Year: 2023,
		Weights: map[string]float64{"Access": 3}, Aggregation: &agg})
	if err != nil {
		t.Fatal(err)
	}
	conn, _ := res.Node("Conn")
	// minmax 1-10: Access KEN = 22/75*9 + 1 = 3.64; Price KEN = 5.7/8.9*9 + 1 = 6.764044943820225
	// Conn = (3 * 3.64 + 6.764044943820225) / 4 = 4.4210112359550565
	if math.Abs(conn.Value[0]-4.4210112359550565) > 1e-12 {
		t.Errorf("Conn[KEN] = %v, want 4.4210112359550565", conn.Value[0])
	}
	if _, err := Score(smallFramework(t, "minmax:0,100", 0), smallPanel(), Options{Year: 2023, Weights: map[string]float64{"Nope": 1}}); err == nil {
		t.Error("weight for an unknown node: no error")
	}
}

func TestFrameworkValidation(t *testing.T) {
	for name, src := range map[string]string{
		"two roots":      "id: x\nscale: {lo: 0, hi: 1}\ntree:\n  - {code: A, indicator: a}\n  - {code: B, indicator: b}\n",
		"bad method":     "id: x\nscale: {lo: 0, hi: 1}\nmethods: {normalise: squash}\ntree:\n  - code: I\n    children: [{code: A, indicator: a}]\n",
		"unknown field":  "id: x\nscale: {lo: 0, hi: 1}\nwat: 1\ntree:\n  - code: I\n    children: [{code: A, indicator: a}]\n",
		"negative w":     "id: x\nscale: {lo: 0, hi: 1}\ntree:\n  - code: I\n    children: [{code: A, indicator: a, weight: -1}]\n",
		"dup code":       "id: x\nscale: {lo: 0, hi: 1}\ntree:\n  - code: I\n    children: [{code: A, indicator: a}, {code: A, indicator: b}]\n",
		"unknown ind":    "id: x\nscale: {lo: 0, hi: 1}\ntree:\n  - code: I\n    children: [{code: A, indicator: zzz}]\n",
		"coverage > 1":   "id: x\nscale: {lo: 0, hi: 1}\nmethods: {coverage: 2}\ntree:\n  - code: I\n    children: [{code: A, indicator: a}]\n",
		"zero scale":     "id: x\nscale: {lo: 1, hi: 1}\ntree:\n  - code: I\n    children: [{code: A, indicator: a}]\n",
		"leaf with kids": "id: x\nscale: {lo: 0, hi: 1}\ntree:\n  - code: I\n    children: [{code: A, indicator: a, children: [{code: B, indicator: b}]}]\n",
	} {
		known := func(id string) bool { return id == "a" || id == "b" }
		if _, err := ParseFramework(name, []byte(src), known); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// Without LeafRanks the indicators are unranked and everything else is as
// with it.
func TestLeafRanks(t *testing.T) {
	f, p := syntheticFramework(50, 6, []int{2})
	full, err := Score(f, p, Options{Year: 2023, LeafRanks: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, nr := range full.Nodes {
		if !slices.Contains(nr.Rank, 1) {
			t.Errorf("LeafRanks: %s: no unit ranked 1", nr.Node.Code)
		}
	}
	lean, err := Score(f, p, Options{Year: 2023})
	if err != nil {
		t.Fatal(err)
	}
	for i, nr := range lean.Nodes {
		if nr.Node.IsIndicator() {
			if nr.Rank != nil {
				t.Errorf("%s: indicator ranked", nr.Node.Code)
			}
			continue
		}
		if !slices.Contains(nr.Rank, 1) {
			t.Errorf("%s: no unit ranked 1", nr.Node.Code)
		}
		if !slices.Equal(nr.Rank, full.Nodes[i].Rank) || !slices.Equal(nr.Value, full.Nodes[i].Value) {
			t.Errorf("%s: ranks or values differ from the full run", nr.Node.Code)
		}
	}
}

// seriesObservations are per-unit series as a store hands them over
// (NewPanel's Observations): years ascending, one value a year (the first
// non-NaN one, as LatestWithin takes).
type seriesObservations map[SeriesKey][]Series

func (o seriesObservations) Years(indicator string) []int {
	var ys []int
	for k, series := range o {
		if k.Indicator == indicator {
			for _, s := range series {
				ys = append(ys, s.Years...)
			}
		}
	}
	slices.Sort(ys)
	return slices.Compact(ys)
}

func (o seriesObservations) Each(k SeriesKey, fn func(u int, years []int16, values []float64)) {
	for u, s := range o[k] {
		byYear := map[int]float64{}
		for i, y := range s.Years {
			if _, ok := byYear[y]; !ok && !math.IsNaN(s.Values[i]) {
				byYear[y] = s.Values[i]
			}
		}
		if len(byYear) == 0 {
			continue
		}
		var years []int16
		var values []float64
		for _, y := range slices.Sorted(maps.Keys(byYear)) {
			years, values = append(years, int16(y)), append(values, byYear[y])
		}
		fn(u, years, values)
	}
}

// randomSeries is one unit's observations of the years from..to: each year
// missing one time in three, else value(), NaN one time in nanOneIn.
func randomSeries(r *rand.Rand, from, to int, value func() float64, nanOneIn int) Series {
	var s Series
	for y := from; y <= to; y++ {
		if r.IntN(3) == 0 {
			continue
		}
		v := value()
		if r.IntN(nanOneIn) == 0 {
			v = math.NaN()
		}
		s.Years, s.Values = append(s.Years, y), append(s.Values, v)
	}
	return s
}

// A panel read from a store (NewPanel: year rows) scores exactly as a
// panel of the same per-unit series built by hand, for any year and
// window, with gaps, NaN values and unsorted years.
func TestYearRowsSameScores(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for trial := range 20 {
		f, p := syntheticFramework(60, 8, []int{3})
		f.YearWindow = r.IntN(4)
		for k, series := range p.Series {
			for u := range series {
				s := randomSeries(r, 2010, 2020, func() float64 { return r.NormFloat64() * 10 }, 20)
				if trial%2 == 1 { // unsorted years
					r.Shuffle(len(s.Years), func(i, j int) {
						s.Years[i], s.Years[j] = s.Years[j], s.Years[i]
						s.Values[i], s.Values[j] = s.Values[j], s.Values[i]
					})
				}
				series[u] = s
			}
			p.Series[k] = series
		}
		year := 2009 + r.IntN(13)
		plain, err := Score(f, p, Options{Year: year})
		if err != nil {
			t.Fatal(err)
		}
		stored := NewPanel(p.Units, p.Info, p.Groups, seriesObservations(p.Series), slices.Collect(maps.Keys(p.Series)))
		if len(stored.store.byYear) != len(p.Series) {
			t.Fatalf("%d of %d keys laid out by year", len(stored.store.byYear), len(p.Series))
		}
		rows, err := Score(f, stored, Options{Year: year})
		if err != nil {
			t.Fatal(err)
		}
		for i, a := range plain.Nodes {
			b := rows.Nodes[i]
			if fmt.Sprint(a.Raw, a.YearColumn(), a.Value, a.Valid, a.Rank) != fmt.Sprint(b.Raw, b.YearColumn(), b.Value, b.Valid, b.Rank) {
				t.Fatalf("trial %d, year %d, window %d, node %s: series and year rows differ", trial, year, f.YearWindow, a.Node.Code)
			}
		}
	}
}

// ScoreYears yields one (result, error) per year in order, goes on after a
// year that fails (year 0: Score's "no year" error), scores each year as
// Score does, and stops pulling years when the loop breaks.
func TestScoreYears(t *testing.T) {
	f, p := syntheticFramework(30, 12, []int{4})
	want, err := Score(f, p, Options{Year: 2023})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for res, err := range ScoreYears(f, p, slices.Values([]int{2023, 0, 2023}), Options{}) {
		switch {
		case err != nil:
			got = append(got, "error: "+err.Error())
		case fmt.Sprint(res.Root().Value, res.Root().Rank) != fmt.Sprint(want.Root().Value, want.Root().Rank):
			got = append(got, "differs from Score")
		default:
			got = append(got, fmt.Sprint(res.Year))
		}
	}
	if w := []string{"2023", "error: indicators: Score: no year", "2023"}; !slices.Equal(got, w) {
		t.Errorf("ScoreYears yielded %q, want %q", got, w)
	}
	pulled := 0
	years := func(yield func(int) bool) {
		for range 5 {
			pulled++
			if !yield(2023) {
				return
			}
		}
	}
	for range ScoreYears(f, p, years, Options{}) {
		break
	}
	if pulled != 1 {
		t.Errorf("a loop that breaks at once pulled %d years, want 1", pulled)
	}
}
