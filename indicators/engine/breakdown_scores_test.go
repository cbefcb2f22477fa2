package engine

import (
	"errors"
	"math"
	"slices"
	"sync"
	"testing"

	"github.com/dri-engine/dri/indicators"
	"github.com/dri-engine/dri/pipeline/dims"
)

// TestScoreBreakdownKeysDiffer asks the connectivity index for women, then
// men, then the total, and gets three different answers for a country with
// internet use and mobile ownership by sex: a cache key that forgot the
// breakdown would hand back the first. The sex-split leaves read the sex's
// series; the others are held at the total and say so.
func TestScoreBreakdownKeysDiffer(t *testing.T) {
	e := testEngine(t)
	const year = 2023
	var roots [3]float64
	var uses [3]float64
	for i, sex := range []string{dims.Female, dims.Male, dims.Total} {
		res, err := e.ScoreBreakdown("connectivity", year, dims.Breakdown{Sex: sex}, indicators.Options{})
		if err != nil {
			t.Fatal(err)
		}
		u, ok := e.UnitIndex("KEN")
		if !ok {
			t.Fatal("KEN not scored")
		}
		if !res.Root().Valid[u] {
			t.Fatalf("sex=%s: KEN has no connectivity score in %d", sex, year)
		}
		roots[i] = res.Root().Value(u)
		use, _ := res.Node("UC.use")
		uses[i] = use.Raw[u]
		if got := use.Node.Key().Sex; got != sex {
			t.Errorf("sex=%s: UC.use reads sex %q", sex, got)
		}
		_, held := res.Held["UC.use"]
		_, heldHH := res.Held["UC.hh"]
		if held || (sex != dims.Total) != heldHH {
			t.Errorf("sex=%s: held %v, want UC.hh held (and not UC.use) exactly for F and M", sex, res.HeldCodes())
		}
	}
	if roots[0] == roots[1] || roots[0] == roots[2] || roots[1] == roots[2] {
		t.Errorf("KEN connectivity F, M, _T = %v: want three different scores", roots)
	}
	// The raw inputs are the store's series (ITU, individuals using the
	// Internet by sex): the same numbers /v1/data serves.
	for i, sex := range []string{dims.Female, dims.Male, dims.Total} {
		want := latestValue(t, e, "KEN", "itu.internet_use", dims.Breakdown{Sex: sex}.Normal(), year, 5)
		if uses[i] != want {
			t.Errorf("KEN internet use sex=%s = %v, want the store's %v", sex, uses[i], want)
		}
	}
}

// latestValue reads a unit's latest value of a series within a window from
// the store, independently of the scoring panel.
func latestValue(t *testing.T, e *Engine, unit, indicator string, b dims.Breakdown, year, window int) float64 {
	t.Helper()
	best, by := math.NaN(), 0
	e.store.Series(indicator, func(u string, got dims.Breakdown, years []int16, values []float64) {
		if u != unit || got != b {
			return
		}
		for k, y := range years {
			if int(y) <= year && int(y) >= year-window && int(y) > by {
				best, by = values[k], int(y)
			}
		}
	})
	return best
}

// TestScoreBreakdownSharesTheScale: a leaf's normalised value for women is
// the women's raw value on the total's fixed goalposts (the registry's 0-100
// for internet use: value = raw), never a re-scaling within women's values.
func TestScoreBreakdownSharesTheScale(t *testing.T) {
	e := testEngine(t)
	res, err := e.ScoreBreakdown("connectivity", 2023, dims.Breakdown{Sex: dims.Female}, indicators.Options{})
	if err != nil {
		t.Fatal(err)
	}
	use, _ := res.Node("UC.use")
	for u := range use.ValueColumn() {
		if use.Valid[u] && math.Abs(use.Value(u)-use.Raw[u]) > 1e-9 {
			t.Fatalf("%s: normalised %v, want the raw %v on the 0-100 goalposts", res.Units[u], use.Value(u), use.Raw[u])
		}
	}
	// minmax on the framework's scale: the goalposts are the total's
	// minimum and maximum, so a woman's value equal to the total's
	// minimum scores 0, and values are the total's scale, not women's.
	mm, _ := indicators.ParseNormalisation("minmax:0,100")
	tot, err := e.Score("connectivity", 2023, indicators.Options{Normalisation: &mm})
	if err != nil {
		t.Fatal(err)
	}
	fem, err := e.ScoreBreakdown("connectivity", 2023, dims.Breakdown{Sex: dims.Female}, indicators.Options{Normalisation: &mm})
	if err != nil {
		t.Fatal(err)
	}
	tu, _ := tot.Node("UC.use")
	fu, _ := fem.Node("UC.use")
	lo, hi, _ := presentRange(tu.Raw, tu.RawValid)
	for u := range fu.ValueColumn() {
		if !fu.Valid[u] {
			continue
		}
		want := math.Max(0, math.Min(100, (fu.Raw[u]-lo)/(hi-lo)*100)) // hand formula: goalposts at the total's min and max
		if math.Abs(fu.Value(u)-want) > 1e-9 {
			t.Fatalf("%s: minmax for women %v, want %v (total's range %v-%v)", fem.Units[u], fu.Value(u), want, lo, hi)
		}
	}
	if fem.Normalisation.String() != "minmax:0,100" {
		t.Errorf("result says normalisation %s, want minmax:0,100 as asked", fem.Normalisation)
	}
}

// TestScoreBreakdownRefuses: methods that put a breakdown on its own scale
// are refused with a BreakdownError, as is the gender framework.
func TestScoreBreakdownRefuses(t *testing.T) {
	e := testEngine(t)
	z, _ := indicators.ParseNormalisation("zscore")
	jrc, _ := indicators.ParseTreatment("jrc")
	mean, _ := indicators.ParseImputation("mean")
	f := dims.Breakdown{Sex: dims.Female}
	for name, c := range map[string]struct {
		fw  string
		opt indicators.Options
	}{
		"zscore": {"connectivity", indicators.Options{Normalisation: &z}},
		"jrc":    {"connectivity", indicators.Options{Treatment: &jrc}},
		"mean":   {"connectivity", indicators.Options{Imputation: &mean}},
		"pca":    {"connectivity", indicators.Options{WeightScheme: "pca"}},
		"gender": {"gender", indicators.Options{}},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := e.ScoreBreakdown(c.fw, 0, f, c.opt)
			var be *BreakdownError
			if !errors.As(err, &be) {
				t.Fatalf("err = %v, want a BreakdownError", err)
			}
		})
	}
	if _, err := e.ScoreBreakdown("connectivity", 0, dims.Breakdown{Sex: "X"}, indicators.Options{}); err == nil {
		t.Error("sex X: want an error")
	}
}

// TestTIIBySexGap: the TII-style index of Côte d'Ivoire in 2023 for women
// and men differs only through internet use and phone ownership (the
// subscription components are held at the total, in both), so the gap is
// hand-computable from the two by-sex inputs alone: internet use 2022 women
// 33.9081, men 43.2628 (itu-internet-by-sex-wdi, it_net_user_fe_zs line 212,
// it_net_user_ma_zs line 213), phone ownership 2018 women 51.42842, men
// 88.6948 (sdg-5b1-mobile-ownership-by-sex lines 301-302), each on 0-100
// goalposts, a quarter of the index each:
// gap = ((43.2628-33.9081) + (88.6948-51.42842)) / 100 / 4.
func TestTIIBySexGap(t *testing.T) {
	e := testEngine(t)
	g, err := e.ScoreBreakdownGap("egdi-tii", 2023, dims.Breakdown{Sex: dims.Female}, dims.Breakdown{Sex: dims.Male}, indicators.Options{})
	if err != nil {
		t.Fatal(err)
	}
	u, _ := e.UnitIndex("CIV")
	fig := g.Figure(0, u)
	want := ((43.2628 - 33.9081) + (88.6948 - 51.42842)) / 100 / 4
	if !fig.Valid || math.Abs(fig.Gap-want) > 1e-12 {
		t.Errorf("CIV TII gap M-F = %v (valid %v), want %v", fig.Gap, fig.Valid, want)
	}
	if math.Abs(fig.Parity-fig.A/fig.B) > 0 || fig.Note != "" {
		t.Errorf("CIV TII parity %v, note %q: want F/M and no note", fig.Parity, fig.Note)
	}
	for _, r := range []*BreakdownResult{g.A, g.B} {
		if got := r.HeldCodes(); !slices.Equal(got, []string{"TII.mbb", "TII.fbb"}) {
			t.Errorf("%s: held %v, want the two subscription components", breakdownKey(r.Breakdown), got)
		}
	}
	// Without a year, both are scored in the same one.
	g, err = e.ScoreBreakdownGap("egdi-tii", 0, dims.Breakdown{Sex: dims.Female}, dims.Breakdown{Sex: dims.Male}, indicators.Options{})
	if err != nil || g.A.Year != g.B.Year {
		t.Errorf("default years %v: F %d, M %d; want one year", err, g.A.Year, g.B.Year)
	}
	if _, err := e.ScoreBreakdownGap("egdi-tii", 0, dims.Breakdown{Sex: dims.Female}, dims.Breakdown{Sex: dims.Male, Area: "R"}, indicators.Options{}); err == nil {
		t.Error("F versus rural men: want an error (two dimensions differ)")
	}
}

// TestScoreBreakdownConcurrent asks many breakdowns of two frameworks at
// once (run with -race): each answer is the one asked for, whatever was
// computed beside it.
func TestScoreBreakdownConcurrent(t *testing.T) {
	e := testEngine(t)
	u, _ := e.UnitIndex("CIV")
	type ask struct {
		fw  string
		sex string
	}
	var asks []ask
	for _, fw := range []string{"uptake", "egdi-tii"} {
		for _, sex := range []string{dims.Female, dims.Male, dims.Total} {
			asks = append(asks, ask{fw, sex})
		}
	}
	got := make([]float64, 4*len(asks))
	var wg sync.WaitGroup
	for i := range got {
		wg.Go(func() {
			a := asks[i%len(asks)]
			res, err := e.ScoreBreakdown(a.fw, 2022, dims.Breakdown{Sex: a.sex}, indicators.Options{})
			if err != nil {
				t.Error(err)
				return
			}
			got[i] = res.Root().Value(u)
		})
	}
	wg.Wait()
	for i, v := range got {
		if want := got[i%len(asks)]; v != want {
			t.Errorf("%v: %v, want %v as the first time", asks[i%len(asks)], v, want)
		}
	}
	if got[0] == got[1] || got[0] == got[2] {
		t.Errorf("uptake CIV 2022 F, M, _T = %v: want three scores", got[:3])
	}
}

// TestScoreBreakdownWithholdsTotalsOnly: a unit scored for a breakdown has
// a value for at least one indicator read for the breakdown; one whose
// every value would be a held total gets no score (and no rank) rather
// than the total's under the breakdown's name.
func TestScoreBreakdownWithholdsTotalsOnly(t *testing.T) {
	e := testEngine(t)
	for _, c := range []struct {
		fw string
		b  dims.Breakdown
	}{
		{"connectivity", dims.Breakdown{Sex: dims.Female}},
		{"uptake", dims.Breakdown{Income: "B40"}},
		{"uptake", dims.Breakdown{Area: "R"}},
	} {
		res, err := e.ScoreBreakdown(c.fw, 0, c.b, indicators.Options{})
		if err != nil {
			t.Fatal(err)
		}
		scored, withheld := 0, 0
		for u, code := range res.Units {
			measured := false
			for _, nr := range res.Nodes {
				if _, held := res.Held[nr.Node.Code]; nr.Node.IsIndicator() && !held && nr.RawValid[u] {
					measured = true
				}
			}
			root := res.Root()
			switch {
			case root.Valid[u] && !measured:
				t.Errorf("%s %s %d: %s scored from held totals only", c.fw, breakdownKey(res.Breakdown), res.Year, code)
			case !measured && root.Rank[u] != 0:
				t.Errorf("%s %s %d: %s withheld but ranked %d", c.fw, breakdownKey(res.Breakdown), res.Year, code, root.Rank[u])
			case root.Valid[u]:
				scored++
			case !measured:
				withheld++
			}
		}
		t.Logf("%s %s %d: %d scored, %d withheld", c.fw, breakdownKey(res.Breakdown), res.Year, scored, withheld)
		if withheld == 0 {
			t.Errorf("%s %s: nothing withheld; the shipped data lack the breakdown for many units", c.fw, breakdownKey(res.Breakdown))
		}
	}
}
