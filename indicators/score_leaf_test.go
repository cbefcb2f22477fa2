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

// normaliseUntreated gives, to the last bit, what the general path gives
// (Treat with "none", then Normaliser.Apply, then the validity copied, and
// the leaf's coverage: 1 where it has data),
// and the same errors: random values with gaps, both directions, min-max
// onto two ranges and none; NaN and Inf present, nothing present, no
// spread.
func TestNormaliseUntreatedIsTheGeneralPath(t *testing.T) {
	r := rand.New(rand.NewPCG(19, 5))
	norms := []Normaliser{{Method: NormMinMax, P1: 0, P2: 100}, {Method: NormMinMax, P1: 1, P2: 5}, {Method: NormNone}}
	for trial := range 400 {
		n := 1 + r.IntN(300)
		raw, valid := make([]float64, n), make([]bool, n)
		for u := range raw {
			valid[u] = r.Float64() > 0.1
			if valid[u] {
				raw[u] = r.NormFloat64() * math.Pow(10, float64(r.IntN(7)-3))
				if r.IntN(10) == 0 {
					raw[u] = float64(r.IntN(3) - 1) // ties, and -0 against +0 below
				}
			}
		}
		switch trial % 25 {
		case 1:
			raw[0], valid[0] = math.NaN(), true
		case 2:
			raw[n-1], valid[n-1] = math.Inf(-1), true
		case 3:
			clear(valid)
		case 4:
			for u := range raw {
				raw[u] = 7
			}
		case 5:
			raw[0], valid[0] = math.Copysign(0, -1), true
		}
		norm := norms[trial%len(norms)]
		dir := float64(1 - 2*r.IntN(2))
		name := fmt.Sprintf("trial %d (%d units, %v, direction %v)", trial, n, norm, dir)

		want := make([]float64, n)
		treated, _, wantErr := Treat(make([]float64, n), raw, valid, Treatment{Method: TreatNone})
		if wantErr == nil {
			_, wantErr = norm.Apply(want, treated, valid, NormContext{Direction: int(dir)})
		}
		nr := &NodeResult{Raw: append([]float64(nil), raw...), RawValid: valid}
		gotErr := normaliseUntreated(nr, norm, dir)
		if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
			t.Fatalf("%s: error %v, want %v", name, gotErr, wantErr)
		}
		if wantErr != nil {
			continue
		}
		for u := range want {
			if cov := nr.Coverage(u); (cov == 1) != valid[u] || (cov != 0 && cov != 1) {
				t.Fatalf("%s: unit %d: coverage %v, valid %v", name, u, cov, valid[u])
			}
			if math.Float64bits(nr.Value(u)) != math.Float64bits(want[u]) || nr.Valid[u] != valid[u] ||
				math.Float64bits(nr.Treated[u]) != math.Float64bits(treated[u]) {
				t.Fatalf("%s: unit %d: value %v (valid %v, treated %v), want %v (%v, %v)",
					name, u, nr.Value(u), nr.Valid[u], nr.Treated[u], want[u], valid[u], treated[u])
			}
		}
	}
}

// The statistics gathered while selecting (selectValuesStats, which does
// not test each value for finiteness) give normaliseSeen what
// normaliseUntreated's own checking pass gives it, to the last bit and the
// same error: panels of per-unit series and of year rows, windows 0-2,
// gaps, NaN (missing), ±Inf at random units, ±0, ties, leaves with no
// value or one value, both directions.
func TestSelectionStatsAreTheCheckingPass(t *testing.T) {
	r := rand.New(rand.NewPCG(29, 7))
	special := []float64{math.Inf(1), math.Inf(-1), math.Copysign(0, -1), 0, 3, math.NaN()}
	for trial := range 300 {
		n := 1 + r.IntN(80)
		units := make([]string, n)
		series := make([]Series, n)
		for u := range units {
			units[u] = fmt.Sprint("U", u)
			for y := 2018; y <= 2020; y++ {
				if r.IntN(3) == 0 {
					continue
				}
				v := r.NormFloat64() * 100
				if r.IntN(15) == 0 || trial%10 == 0 {
					v = special[r.IntN(len(special))]
				}
				series[u].Years, series[u].Values = append(series[u].Years, y), append(series[u].Values, v)
			}
		}
		key := KeyOf("x", dims.TotalBreakdown)
		p := &Panel{Units: units, Info: map[string]IndicatorInfo{"x": {Polarity: 1}}, Series: map[SeriesKey][]Series{key: series}}
		if trial%2 == 1 {
			p = NewPanel(units, p.Info, nil, seriesObservations(p.Series), []SeriesKey{key})
		}
		year, window := 2018+r.IntN(3), r.IntN(3)
		dir := float64(1 - 2*r.IntN(2))
		norm := []Normaliser{{Method: NormMinMax, P1: 0, P2: 100}, {Method: NormNone}}[r.IntN(2)]
		name := fmt.Sprintf("trial %d (%d units, year %d, window %d, %v, direction %v)", trial, n, year, window, norm, dir)

		got := &NodeResult{}
		st := newLeafStats(dir)
		selectValuesStats(new(arena), got, p, key, year, window, &st)
		gotErr := normaliseSeen(got, norm, &st)
		want := &NodeResult{}
		selectValues(new(arena), want, p, key, year, window)
		wantErr := normaliseUntreated(want, norm, dir)
		if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
			t.Fatalf("%s: error %v, want %v", name, gotErr, wantErr)
		}
		if wantErr != nil {
			continue
		}
		for u := range n {
			if math.Float64bits(got.Value(u)) != math.Float64bits(want.Value(u)) || got.Valid[u] != want.Valid[u] ||
				math.Float64bits(got.Raw[u]) != math.Float64bits(want.Raw[u]) || got.RawValid[u] != want.RawValid[u] ||
				got.Year(u) != want.Year(u) {
				t.Fatalf("%s: unit %d: value %v (valid %v, raw %v, year %d), want %v (%v, %v, %d)",
					name, u, got.Value(u), got.Valid[u], got.Raw[u], got.Year(u), want.Value(u), want.Valid[u], want.Raw[u], want.Year(u))
			}
		}
	}
}

// Year and Coverage, whether stored or said from the validity (a leaf's
// coverage is never stored; its Year is not stored without a year window
// or imputation from other years), are what the panel says: for each
// indicator and unit, the year of the latest value in [year - window,
// year]; for a value imputed by the mean 0, by "latest:N" the year of the
// latest value in [year - N, year], by "linear" the year scored; 0 where
// there is none. Coverage is 1 where a value is used (selected or
// imputed), else 0. Both panel kinds, windows 0-2, every imputation
// method that fills values, random gaps and NaN.
func TestYearAndCoverageFromThePanel(t *testing.T) {
	r := rand.New(rand.NewPCG(41, 3))
	imputations := []Imputation{{Method: ImputationNone}, {Method: ImputationMean}, {Method: ImputationLatest, Years: 3}, {Method: ImputationLinear}}
	for trial := range 200 {
		f := smallFramework(t, "minmax", 0)
		f.YearWindow = r.IntN(3)
		n := 3 + r.IntN(40)
		p := &Panel{Units: make([]string, n), Info: smallPanel().Info, Series: map[SeriesKey][]Series{}}
		for u := range p.Units {
			p.Units[u] = fmt.Sprint("U", u)
		}
		for _, ind := range []string{"access", "price", "skills"} {
			s := make([]Series, n)
			for u := range s {
				s[u] = randomSeries(r, 2014, 2022, func() float64 { return r.Float64() * 100 }, 10)
			}
			p.Series[KeyOf(ind, dims.TotalBreakdown)] = s
		}
		if trial%2 == 1 {
			p = NewPanel(p.Units, p.Info, nil, seriesObservations(p.Series), slices.Collect(maps.Keys(p.Series)))
		}
		year, im := 2018+r.IntN(3), imputations[r.IntN(len(imputations))]
		res, err := Score(f, p, Options{Year: year, Imputation: &im})
		if err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		for _, nr := range res.Nodes {
			if !nr.Node.IsIndicator() {
				continue
			}
			series, _ := p.series(nr.Node.Key())
			for u := range n {
				// The latest non-NaN year in [from, year] of unit u's series.
				latestIn := func(from int) int {
					best := 0
					for i, y := range series[u].Years {
						if y >= from && y <= year && !math.IsNaN(series[u].Values[i]) {
							best = max(best, y)
						}
					}
					return best
				}
				want := latestIn(year - f.YearWindow)
				if want == 0 && nr.IsImputed(u) {
					switch im.Method {
					case ImputationLatest:
						want = latestIn(year - im.Years)
					case ImputationLinear:
						want = year
					}
				}
				name := fmt.Sprintf("trial %d (window %d, %v, year %d), %s, unit %d", trial, f.YearWindow, im, year, nr.Node.Code, u)
				if got := nr.Year(u); got != want {
					t.Fatalf("%s: year %d, the panel says %d", name, got, want)
				}
				if got := nr.YearColumn()[u]; got != want {
					t.Fatalf("%s: year column %d, the panel says %d", name, got, want)
				}
				cov := 0.0
				if nr.RawValid[u] {
					cov = 1
				}
				if nr.Coverage(u) != cov || nr.CoverageColumn()[u] != cov {
					t.Fatalf("%s: coverage %v (column %v), used %v", name, nr.Coverage(u), nr.CoverageColumn()[u], nr.RawValid[u])
				}
				if (want != 0 || nr.IsImputed(u)) != nr.RawValid[u] {
					t.Fatalf("%s: a value of year %d (imputed %v), but used %v", name, want, nr.IsImputed(u), nr.RawValid[u])
				}
			}
		}
	}
}

// An indicator's Value read one unit at a time (Value(u): the leaf scale's
// at) and as a column (ValueColumn, and aggregateTree's scratch: fill) are
// the same bits, and the column is what the general path (Treat with
// "none", then Normaliser.Apply) stores: min-max onto random ranges and no
// normalisation, both directions, gaps, ±0, ties and wide magnitudes.
func TestLeafValueOneWayOrColumn(t *testing.T) {
	r := rand.New(rand.NewPCG(41, 3))
	for trial := range 500 {
		n := 1 + r.IntN(60)
		raw, valid := make([]float64, n), make([]bool, n)
		for u := range raw {
			if valid[u] = r.IntN(5) > 0; valid[u] {
				raw[u] = r.NormFloat64() * math.Pow(10, float64(r.IntN(12)-6))
				if r.IntN(10) == 0 {
					raw[u] = []float64{0, math.Copysign(0, -1), 1}[r.IntN(3)]
				}
			}
		}
		lo := r.NormFloat64() * 10
		norm := []Normaliser{{Method: NormMinMax, P1: lo, P2: lo + 1 + r.Float64()*100}, {Method: NormNone}}[r.IntN(2)]
		dir := float64(1 - 2*r.IntN(2))
		want := make([]float64, n)
		treated, _, err := Treat(make([]float64, n), raw, valid, Treatment{Method: TreatNone})
		if err == nil {
			_, err = norm.Apply(want, treated, valid, NormContext{Direction: int(dir)})
		}
		nr := &NodeResult{Raw: raw, RawValid: valid}
		if gotErr := normaliseUntreated(nr, norm, dir); fmt.Sprint(gotErr) != fmt.Sprint(err) {
			t.Fatalf("trial %d: error %v, want %v", trial, gotErr, err)
		}
		if err != nil {
			continue
		}
		column, scratch := nr.ValueColumn(), nr.valueColumn(make([]float64, n))
		for u := range n {
			if b := math.Float64bits(want[u]); math.Float64bits(nr.Value(u)) != b || math.Float64bits(column[u]) != b || math.Float64bits(scratch[u]) != b {
				t.Fatalf("trial %d (%v, direction %v), unit %d: Value %v, column %v, scratch %v, want %v",
					trial, norm, dir, u, nr.Value(u), column[u], scratch[u], want[u])
			}
		}
	}
}
