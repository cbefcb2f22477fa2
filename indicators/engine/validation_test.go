package engine

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"testing"

	"gonum.org/v1/gonum/stat"

	"github.com/dri-engine/dri/indicators"
	"github.com/dri-engine/dri/pipeline"
)

// The figures of docs/VALIDATION.md. Each test recomputes them from the
// embedded data, prints the document's table with -v, and asserts them with
// a tolerance, so the document cannot silently go stale: a change to the
// data, the framework files or the scoring that moves a figure fails here,
// and the fix is to rerun
//
//	go test ./indicators/engine -run 'TestValidation' -count=1 -v
//
// and copy the printed tables into docs/VALIDATION.md.

// compassPublished: the compass nodes with UNDP's published counterpart
// (published.go).
var compassPublished = publishedNodes["compass"]

// agreement is how one DRI node agrees with one published score over the
// units that have both.
type agreement struct {
	code, published string
	n               int     // units with both scores
	spearman        float64 // rank correlation (average ranks for ties)
	meanAbs         float64 // mean |DRI - published|, 0-5 scale
	meanDiff        float64 // mean DRI - published
	stageSame       int     // units in the same Compass stage
}

// publishedScores returns, per unit of the result, the published value of
// indicator id (the latest year; the ddc.* indicators have one, 2024).
func publishedScores(e *Engine, units []string, id string) (vals []float64, ok []bool) {
	at := map[string]int{}
	for i, u := range units {
		at[u] = i
	}
	vals, ok = make([]float64, len(units)), make([]bool, len(units))
	e.Store().Series(id, func(unit string, b pipeline.Breakdown, years []int16, values []float64) {
		i, in := at[unit]
		if !in || b != pipeline.TotalBreakdown || len(values) == 0 {
			return
		}
		vals[i], ok[i] = values[len(values)-1], true
	})
	return vals, ok
}

// averageRanks returns the ranks of x, 1 = smallest, ties given the mean of
// the ranks they span (the ranking Spearman's coefficient is defined on).
func averageRanks(x []float64) []float64 {
	idx := make([]int, len(x))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return x[idx[a]] < x[idx[b]] })
	r := make([]float64, len(x))
	for a := 0; a < len(idx); {
		b := a
		for b < len(idx) && x[idx[b]] == x[idx[a]] {
			b++
		}
		for k := a; k < b; k++ {
			r[idx[k]] = float64(a+b+1) / 2 // mean of ranks a+1 .. b
		}
		a = b
	}
	return r
}

// spearman is Spearman's rank correlation: Pearson's correlation of the
// average ranks (gonum's stat.Correlation, unweighted).
func spearman(x, y []float64) float64 {
	return stat.Correlation(averageRanks(x), averageRanks(y), nil)
}

func compassStage(s float64) int {
	t, _ := indicators.CompassStages{}.Classify(s)
	return t.Index
}

// agree compares node code with the published indicator over the units
// with both for which keep is true (nil: all).
func agree(e *Engine, res *indicators.Result, code, published string, keep func(u int) bool) agreement {
	a := agreement{code: code, published: published}
	node, ok := res.Node(code)
	if !ok {
		return a
	}
	pub, pubOK := publishedScores(e, res.Units, published)
	var dri, ref []float64
	same := 0
	for u := range res.Units {
		if !node.Valid[u] || !pubOK[u] || (keep != nil && !keep(u)) {
			continue
		}
		dri, ref = append(dri, node.Value(u)), append(ref, pub[u])
		if compassStage(node.Value(u)) == compassStage(pub[u]) {
			same++
		}
	}
	a.n = len(dri)
	if a.n < 3 {
		return a
	}
	a.spearman = spearman(dri, ref)
	for i := range dri {
		a.meanAbs += math.Abs(dri[i] - ref[i])
		a.meanDiff += dri[i] - ref[i]
	}
	a.meanAbs /= float64(a.n)
	a.meanDiff /= float64(a.n)
	a.stageSame = same
	return a
}

// compassYear is the year compared: the reference year DRI gives the
// Compass's published scores (catalog.yaml, ddc-scores: the files give
// none), so each DRI indicator enters with its latest value in 2017-2024
// (year_window 8), as the Compass's own inputs could.
const compassYear = 2024

func compassResult(t *testing.T) *indicators.Result {
	t.Helper()
	res, err := testEngine(t).Score("compass", compassYear, indicators.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestValidationCompass: DRI's Compass-aligned scores against UNDP's
// published Digital Development Compass scores, overall, per pillar and per
// sub-pillar DRI fills. The wanted figures are this test's own output when
// docs/VALIDATION.md was written (the doc gives the command); the
// tolerances absorb float noise, not a change of method.
func TestValidationCompass(t *testing.T) {
	e := testEngine(t)
	res := compassResult(t)
	t.Logf("compass %d, %d units in the reference table", res.Year, len(res.Units))
	t.Log("| DRI node | published | units | Spearman ρ | mean abs diff | mean DRI − published | same stage |")
	t.Log("|---|---|---:|---:|---:|---:|---:|")
	got := map[string]agreement{}
	for _, p := range compassPublished {
		a := agree(e, res, p.Code, p.Indicator, nil)
		got[p.Code] = a
		logAgreement(t, p.Code, a)
	}
	// The overall score split by what it rests on: all five pillars DRI
	// fills, or fewer (the framework averages the pillars present).
	pillars := dataPillars(res)
	full := func(u int) bool { return pillars[u] == 5 }
	got["DRI/5"] = agree(e, res, "DRI", "ddc.overall", full)
	logAgreement(t, "DRI, units with all 5 pillars", got["DRI/5"])
	got["DRI/<5"] = agree(e, res, "DRI", "ddc.overall", func(u int) bool { return !full(u) })
	logAgreement(t, "DRI, units with fewer pillars", got["DRI/<5"])

	// The publisher's own consistency, for scale: the mean of the six
	// published pillar scores (February 2024) against the published overall
	// score (December 2024), over the units with all seven.
	var mean, overall []float64
	pub := map[string][]float64{}
	pubOK := map[string][]bool{}
	for _, p := range compassPublished[:7] {
		pub[p.Code], pubOK[p.Code] = publishedScores(e, res.Units, p.Indicator)
	}
	for u := range res.Units {
		m, ok := 0.0, pubOK["DRI"][u]
		for _, p := range compassPillars {
			ok = ok && pubOK[p][u]
			m += pub[p][u] / float64(len(compassPillars))
		}
		if ok {
			mean, overall = append(mean, m), append(overall, pub["DRI"][u])
		}
	}
	ownRho := spearman(mean, overall)
	t.Logf("| Compass: mean of its 6 published pillars | `ddc.overall` | %d | %.3f | | | |", len(mean), ownRho)

	// Wanted: the figures printed above when docs/VALIDATION.md was written
	// (this test's output; a change of data or method that moves one shows
	// here first).
	want := []agreement{
		{code: "DRI", n: 193, spearman: 0.850, meanAbs: 0.63, stageSame: 90},
		{code: "PEOPLE", n: 193, spearman: 0.889, meanAbs: 0.53, stageSame: 91},
		{code: "CONNECTIVITY", n: 193, spearman: 0.929, meanAbs: 1.15, stageSame: 44},
		{code: "GOVERNMENT", n: 193, spearman: 0.918, meanAbs: 0.66, stageSame: 109},
		{code: "REGULATION", n: 0},
		{code: "ECONOMY", n: 149, spearman: 0.627, meanAbs: 1.29, stageSame: 48},
		{code: "DPI", n: 147, spearman: 0.906, meanAbs: 0.49, stageSame: 85},
		{code: "DRI/5", n: 147, spearman: 0.889, meanAbs: 0.53, stageSame: 75},
		{code: "DRI/<5", n: 46, spearman: 0.727, meanAbs: 0.94, stageSame: 15},
	}
	for _, w := range want {
		g := got[w.code]
		if g.n != w.n || math.Abs(g.spearman-w.spearman) > 0.0005 || math.Abs(g.meanAbs-w.meanAbs) > 0.005 || g.stageSame != w.stageSame {
			t.Errorf("%s vs %s: units %d, ρ %.3f, mean abs %.2f, same stage %d; want %d, %.3f, %.2f, %d (docs/VALIDATION.md)",
				w.code, g.published, g.n, g.spearman, g.meanAbs, g.stageSame, w.n, w.spearman, w.meanAbs, w.stageSame)
		}
	}
	if len(mean) != 192 || math.Abs(ownRho-0.890) > 0.0005 {
		t.Errorf("Compass mean of pillars vs overall: %d units, ρ %.3f; want 192, 0.890 (docs/VALIDATION.md)", len(mean), ownRho)
	}
}

func logAgreement(t *testing.T, label string, a agreement) {
	t.Helper()
	if a.n == 0 {
		t.Logf("| %s | `%s` | 0 | – | – | – | – |", label, a.published)
		return
	}
	t.Logf("| %s | `%s` | %d | %.3f | %.2f | %+.2f | %.0f %% (%d) |", label, a.published, a.n, a.spearman, a.meanAbs, a.meanDiff, 100*float64(a.stageSame)/float64(a.n), a.stageSame)
}

// compassPillars are the compass framework's pillar codes.
var compassPillars = []string{"PEOPLE", "CONNECTIVITY", "GOVERNMENT", "REGULATION", "ECONOMY", "DPI"}

// dataPillars counts, per unit, the pillars with a score.
func dataPillars(res *indicators.Result) []int {
	count := make([]int, len(res.Units))
	for _, p := range compassPillars {
		n, _ := res.Node(p)
		for u, ok := range n.Valid {
			if ok {
				count[u]++
			}
		}
	}
	return count
}

// TestValidationCompassWorst: the ten units whose overall DRI score is
// furthest from the Compass's published overall score, with what DRI's
// score rests on: the pillars with data and the pillar furthest from the
// published pillar score.
func TestValidationCompassWorst(t *testing.T) {
	e := testEngine(t)
	res := compassResult(t)
	root := res.Root()
	overall, overallOK := publishedScores(e, res.Units, "ddc.overall")
	pub := map[string][]float64{}
	pubOK := map[string][]bool{}
	for _, p := range compassPublished[1:7] {
		pub[p.Code], pubOK[p.Code] = publishedScores(e, res.Units, p.Indicator)
	}
	type row struct {
		unit                string
		dri, published, gap float64
		reason              string
	}
	var rows []row
	for u := range res.Units {
		if !root.Valid[u] || !overallOK[u] {
			continue
		}
		var have, missing []string
		worst, worstGap := "", 0.0
		for _, p := range compassPillars {
			n, _ := res.Node(p)
			if !n.Valid[u] {
				if pubOK[p][u] {
					p += fmt.Sprintf(" (Compass %.2f)", pub[p][u])
				}
				missing = append(missing, p)
				continue
			}
			have = append(have, p)
			if pubOK[p][u] && math.Abs(n.Value(u)-pub[p][u]) > math.Abs(worstGap) {
				worst, worstGap = p, n.Value(u)-pub[p][u]
			}
		}
		reason := fmt.Sprintf("%d pillars (none for %s); coverage %.0f %%", len(have), strings.Join(missing, ", "), 100*root.Coverage(u))
		if worst != "" {
			reason += fmt.Sprintf("; largest pillar gap %s %+.2f", worst, worstGap)
		}
		rows = append(rows, row{res.Units[u], root.Value(u), overall[u], root.Value(u) - overall[u], reason})
	}
	slices.SortStableFunc(rows, func(a, b row) int {
		if c := -cmpFloat(math.Abs(a.gap), math.Abs(b.gap)); c != 0 {
			return c
		}
		return strings.Compare(a.unit, b.unit)
	})
	t.Log("| unit | DRI overall | published overall | DRI − published | what DRI's score rests on |")
	t.Log("|---|---:|---:|---:|---|")
	var worst []string
	for _, r := range rows[:min(10, len(rows))] {
		t.Logf("| %s | %.2f | %.2f | %+.2f | %s |", r.unit, r.dri, r.published, r.gap, r.reason)
		worst = append(worst, r.unit)
	}
	// Wanted: the ten printed when docs/VALIDATION.md was written.
	want := []string{"NRU", "AND", "LIE", "SUR", "MHL", "MCO", "BIH", "BLR", "ATG", "KNA"}
	if !slices.Equal(worst, want) {
		t.Errorf("ten largest |DRI - published| overall: %v, want %v (docs/VALIDATION.md)", worst, want)
	}
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// TestValidationEGDI: DRI's EGDI, recomputed as the mean of the published
// OSI, TII and HCI, against the published EGDI of every edition shipped:
// units compared, the largest absolute difference, and the share of units
// whose rank computed from DRI's EGDI equals the published rank (where the
// edition publishes ranks).
func TestValidationEGDI(t *testing.T) {
	e := testEngine(t)
	f, _ := e.Framework("egdi")
	// Wanted, per edition (this test's output when docs/VALIDATION.md was
	// written): units compared, a bound on the largest |DRI - published|,
	// ranks equal. 2010's EGDI is not exactly the mean of its published
	// components (PROVENANCE.md: differences 0.001-0.004, the 2010 method
	// differed); later editions agree to the Survey's 5-decimal rounding.
	type edition struct {
		n, equal int
		maxDiff  float64
	}
	want := map[int]edition{
		2010: {183, 140, 0.0040}, 2012: {190, 190, 0.0001}, 2014: {193, 193, 0.0001},
		2016: {193, 193, 0.0001}, 2018: {193, 191, 0.0001}, 2020: {193, 190, 0.0001},
		2022: {193, 189, 0.0001}, 2024: {193, 192, 0.0001},
	}
	seen := 0
	t.Log("| edition | units compared | max abs diff | ranks published | ranks equal | scored by DRI, no published EGDI |")
	t.Log("|---:|---:|---:|---:|---:|---|")
	for _, year := range e.Years(f) {
		res, err := e.Score("egdi", year, indicators.Options{})
		if err != nil {
			t.Fatal(err)
		}
		root := res.Root()
		pub, rank := res.Extras["egov.egdi"], res.Extras["egov.rank"]
		var compared, extra []int
		for u := range res.Units {
			switch {
			case pub.RawValid[u] && pub.Year(u) == year && root.Valid[u]:
				compared = append(compared, u)
			case root.Valid[u]:
				extra = append(extra, u)
			}
		}
		// DRI's rank among the units the edition ranks ("min" ties, as
		// published): a unit DRI scores from published components but
		// the Survey did not assess would shift every rank below it.
		ranked, equal, worst := 0, 0, 0.0
		for _, u := range compared {
			worst = math.Max(worst, math.Abs(root.Value(u)-pub.Raw[u]))
			if !rank.RawValid[u] || rank.Year(u) != year {
				continue
			}
			ranked++
			r := 1
			for _, v := range compared {
				if root.Value(v) > root.Value(u) {
					r++
				}
			}
			if int(rank.Raw[u]) == r {
				equal++
			}
		}
		n := len(compared)
		if n == 0 {
			continue
		}
		share := "–"
		if ranked > 0 {
			share = fmt.Sprintf("%.1f %% (%d)", 100*float64(equal)/float64(ranked), equal)
		}
		var others []string
		for _, u := range extra {
			others = append(others, res.Units[u])
		}
		t.Logf("| %d | %d | %.5f | %d | %s | %s |", year, n, worst, ranked, share, strings.Join(others, ", "))
		seen++
		if w, ok := want[year]; !ok || n != w.n || equal != w.equal || worst > w.maxDiff {
			t.Errorf("EGDI %d: %d units, %d ranks equal, max abs diff %.5f; want %+v (docs/VALIDATION.md)", year, n, equal, worst, w)
		}
	}
	if seen != len(want) {
		t.Errorf("EGDI editions compared: %d, want %d", seen, len(want))
	}
}

// TestSpearmanTies: hand-computed. x = (1, 2, 2, 3) has average ranks
// (1, 2.5, 2.5, 4); against y = (10, 20, 30, 40), ranks (1, 2, 3, 4),
// Pearson's r of the ranks is 4.5 / sqrt(4.5 * 5) = 0.948683 (sums of
// centred products 4.5, squares 4.5 and 5).
func TestSpearmanTies(t *testing.T) {
	if got, want := averageRanks([]float64{1, 2, 2, 3}), []float64{1, 2.5, 2.5, 4}; !slices.Equal(got, want) {
		t.Errorf("averageRanks = %v, want %v", got, want)
	}
	if got, want := spearman([]float64{1, 2, 2, 3}, []float64{10, 20, 30, 40}), 4.5/math.Sqrt(4.5*5); math.Abs(got-want) > 1e-12 {
		t.Errorf("spearman = %v, want %v", got, want)
	}
	if got := spearman([]float64{3, 1, 2}, []float64{0.3, 0.1, 0.2}); math.Abs(got-1) > 1e-12 {
		t.Errorf("spearman of a monotone pair = %v, want 1", got)
	}
}

// TestCompassDeparturesNameStandIns: the compass framework's departures,
// which GET /v1/frameworks/compass serves, say for every sub-pillar DRI
// fills which public series stand in for the Compass's indicators, and
// point to the agreement figures.
func TestCompassDeparturesNameStandIns(t *testing.T) {
	f, ok := testEngine(t).Framework("compass")
	if !ok {
		t.Fatal("no compass framework")
	}
	text := strings.ToLower(f.Departures)
	for _, n := range f.Nodes() {
		if len(n.Children) == 0 || !n.Children[0].IsIndicator() {
			continue
		}
		if !strings.Contains(text, strings.ToLower(n.Name)+" is ") {
			t.Errorf("compass departures do not say what stands in for %s (%q)", n.Code, n.Name)
		}
	}
	if !strings.Contains(f.Departures, "docs/VALIDATION.md") {
		t.Error("compass departures do not point to docs/VALIDATION.md")
	}
}
