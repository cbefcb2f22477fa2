package indicators

import (
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
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
			if !nr.Valid[u] || math.Abs(nr.Value(u)-w[u]) > 1e-12 {
				t.Errorf("%s[%s] = %v (valid %v), want %v", code, res.Units[u], nr.Value(u), nr.Valid[u], w[u])
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
		t.Errorf("Index[KEN] = %v, want missing: 1 of 2 pillars < 0.6", res.Root().Value(0))
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
	if math.Abs(conn.Value(0)-4.4210112359550565) > 1e-12 {
		t.Errorf("Conn[KEN] = %v, want 4.4210112359550565", conn.Value(0))
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
		if !slices.Equal(nr.Rank, full.Nodes[i].Rank) || !slices.Equal(nr.ValueColumn(), full.Nodes[i].ValueColumn()) {
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
			if fmt.Sprint(a.Raw, a.YearColumn(), a.ValueColumn(), a.Valid, a.Rank) != fmt.Sprint(b.Raw, b.YearColumn(), b.ValueColumn(), b.Valid, b.Rank) {
				t.Fatalf("trial %d, year %d, window %d, node %s: series and year rows differ", trial, year, f.YearWindow, a.Node.Code)
			}
		}
	}
}

// Scoring never writes into a store panel's year rows, which a build on
// the fast path takes as its indicators' Raw and RawValid (selectRowsView)
// and which every later build reads: with and without a year window
// (a gap filled from an earlier year gives the indicator its own copy),
// each imputation, a treatment, other normalisations, leaf ranks, what-if
// reweighting, an uncertainty analysis and ScoreYears. Builds also run
// concurrently on the one panel, for the race detector.
func TestScoringLeavesTheRowsAlone(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	f, p := syntheticFramework(40, 12, []int{4})
	for k, series := range p.Series {
		for u := range series {
			series[u] = randomSeries(r, 2016, 2020, func() float64 { return r.ExpFloat64() * 10 }, 20)
		}
		p.Series[k] = series
	}
	p.Groups = map[string][]string{"g": make([]string, len(p.Units))}
	for u := range p.Units {
		p.Groups["g"][u] = fmt.Sprint("G", u%3)
	}
	stored := NewPanel(p.Units, p.Info, p.Groups, seriesObservations(p.Series), slices.Collect(maps.Keys(p.Series)))
	snapshot := func() string {
		var b strings.Builder
		for _, k := range slices.SortedFunc(maps.Keys(stored.store.byYear), func(a, b SeriesKey) int { return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)) }) {
			rows := stored.store.byYear[k]
			fmt.Fprintln(&b, k, rows.first)
			for i := range rows.values {
				for u, v := range rows.values[i] {
					fmt.Fprintf(&b, "%x/%v ", math.Float64bits(v), rows.valid[i][u])
				}
			}
		}
		return b.String()
	}
	before := snapshot()
	mustParse := func(x any, err error) any {
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	var opts []Options
	for _, im := range []string{"none", "latest:3", "linear", "mean", "median-group:g"} {
		imp := mustParse(ParseImputation(im)).(Imputation)
		opts = append(opts, Options{Imputation: &imp})
	}
	treat := mustParse(ParseTreatment("winsorise:2")).(Treatment)
	opts = append(opts, Options{Treatment: &treat}, Options{LeafRanks: true})
	for _, nm := range []string{"zscore", "rank", "none"} {
		norm := mustParse(ParseNormalisation(nm)).(Normaliser)
		opts = append(opts, Options{Normalisation: &norm})
	}
	var wg sync.WaitGroup
	for _, window := range []int{0, 2} {
		g := *f
		g.YearWindow = window
		for year := 2016; year <= 2021; year++ {
			for _, o := range opts {
				o.Year = year
				wg.Go(func() {
					res, err := Score(&g, stored, o)
					if err != nil {
						return // a year or method without data: not this test's concern
					}
					if _, err := Reweight(res, Options{Weights: map[string]float64{g.Tree[0].Children[0].Code: 3}}); err != nil {
						t.Errorf("reweight: %v", err)
					}
				})
			}
		}
		for _, err := range ScoreYears(&g, stored, slices.Values([]int{2016, 2018, 2020}), Options{}) {
			if err != nil {
				t.Fatal(err)
			}
		}
		if _, err := Uncertainty(&g, stored, UncertaintyOptions{Year: 2020, Runs: 20, Seed: 1, VaryWeights: true, VaryImputation: true}); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	if snapshot() != before {
		t.Fatal("scoring wrote into the panel's year rows")
	}
}

// Subset keeps the units asked for, in the panel's order, with every year
// of their series, in both panel forms, which then score alike; keeping
// every unit is the panel itself (dri score --imeta scores a file with one
// Time on its panel, not a copy: issue 19 item 4).
func TestSubset(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 9))
	f, p := syntheticFramework(30, 8, []int{4})
	f.YearWindow = 1
	for k, series := range p.Series {
		for u := range series {
			series[u] = randomSeries(r, 2018, 2021, func() float64 { return r.ExpFloat64() }, 20)
		}
		p.Series[k] = series
	}
	p.Groups = map[string][]string{"g": slices.Clone(p.Units)}
	stored := NewPanel(p.Units, p.Info, p.Groups, seriesObservations(p.Series), slices.Collect(maps.Keys(p.Series)))
	all := func(string) bool { return true }
	if p.Subset(all) != p || stored.Subset(all) != stored {
		t.Error("a subset of every unit is a copy, want the panel itself")
	}
	keep := func(u string) bool { return u[len(u)-1]%3 != 0 }
	var want []string
	for _, u := range p.Units {
		if keep(u) {
			want = append(want, u)
		}
	}
	imp := Imputation{Method: ImputationLatest, Years: 3}
	var scores []string
	for _, q := range []*Panel{p.Subset(keep), stored.Subset(keep)} {
		if !slices.Equal(q.Units, want) || !slices.Equal(q.Groups["g"], want) {
			t.Fatalf("subset units %v, groups %v, want %v", q.Units, q.Groups["g"], want)
		}
		res, err := Score(f, q, Options{Year: 2021, Imputation: &imp})
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, nr := range res.Nodes {
			fmt.Fprintln(&b, nr.Node.Code, nr.Raw, nr.YearColumn(), nr.ValueColumn(), nr.Valid, nr.Rank)
		}
		scores = append(scores, b.String())
	}
	if scores[0] != scores[1] {
		t.Errorf("subsets of the two panel forms score differently:\n%s\n%s", scores[0], scores[1])
	}
	// The subset's series are the units' own, every year of them.
	key := KeyOf("i000", dims.TotalBreakdown)
	for j, u := range want {
		var i int
		fmt.Sscanf(u, "U%05d", &i)
		if got, w := stored.Subset(keep).SeriesOf(key)[j], p.Series[key][i]; fmt.Sprint(got.Years) != fmt.Sprint(sortedYears(w)) {
			t.Fatalf("unit %s: subset's years %v, the panel's %v", u, got.Years, w.Years)
		}
	}
}

// sortedYears is the years of s with a value, ascending.
func sortedYears(s Series) []int {
	var ys []int
	for i, y := range s.Years {
		if !math.IsNaN(s.Values[i]) {
			ys = append(ys, y)
		}
	}
	slices.Sort(ys)
	return ys
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
		case fmt.Sprint(res.Root().ValueColumn(), res.Root().Rank) != fmt.Sprint(want.Root().ValueColumn(), want.Root().Rank):
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
