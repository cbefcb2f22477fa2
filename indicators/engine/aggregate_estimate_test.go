package engine

import (
	"math"
	"strings"
	"testing"

	"github.com/dri-engine/dri/indicators"
	"github.com/dri-engine/dri/pipeline"
)

// TestEstimatedGroupFigure is the hand-computed case of estimated group
// figures (issue 14 item 2): Eastern Asia (M49 030: CHN, JPN, KOR, MNG,
// PRK), itu.internet_use, total, 2023 (window 3 years: values of
// 2020-2023).
//
// Observed, from datasets/sources/itu-datahub/individuals_using_internet.csv:
// CHN 90.6, JPN 86.9815, KOR 97.416, MNG 83.0162 (all 2023); PRK's last
// value is of 2012, outside the window, so PRK is imputed. Its cell, Asia x
// low income (WB CLASS), holds AFG, PRK, SYR and YEM; the donors are the
// ones with a value within the window: AFG 17.7089 (2023) and YEM 13.8152
// (2020) (SYR's last value is of 2019). PRK's value is their median,
// (17.7089 + 13.8152) / 2 = 15.76205.
//
// Weights, from datasets/sources/population-wb-1960-2024/population.csv
// (2023): CHN 1410710000, JPN 124516650, KOR 51712619, MNG 3481145, PRK
// 26418204. The figure is sum(p*x)/sum(p) = 89.3002 (by hand, python);
// PRK holds 26418204 / 1616838618 = 1.634 % of the population covered.
// Without estimate the four observed members give 90.5217 and no status.
func TestEstimatedGroupFigure(t *testing.T) {
	e := testEngine(t)
	units := []string{"CHN", "JPN", "KOR", "MNG", "PRK"}
	pop := []float64{1410710000, 124516650, 51712619, 3481145, 26418204}
	x := []float64{90.6, 86.9815, 97.416, 83.0162, (17.7089 + 13.8152) / 2}
	p := e.Population(2023)
	for k, u := range units {
		if got := p[e.unitIndex[u]]; got != pop[k] {
			t.Fatalf("population %s 2023 = %v, the hand computation uses %v", u, got, pop[k])
		}
	}
	var sw, swx float64
	for k := range pop {
		sw += pop[k]
		swx += pop[k] * x[k]
	}
	want := swx / sw // 89.30019505903846
	a, err := e.GroupIndicator("M49-030", "itu.internet_use", pipeline.Breakdown{}, 2023, GroupOptions{Estimate: true})
	if err != nil {
		t.Fatal(err)
	}
	if a.Withheld || math.Abs(a.Value-want) > 1e-9 {
		t.Errorf("Eastern Asia 2023 estimated = %v (withheld %v: %s), want %v", a.Value, a.Withheld, a.Reason, want)
	}
	if a.Status != StatusEstimated || a.Imputed != 1 || a.N != 5 || a.NotImputable != 0 {
		t.Errorf("status %q, imputed %d, N %d, not imputable %d; want E, 1, 5, 0", a.Status, a.Imputed, a.N, a.NotImputable)
	}
	if wantShare := pop[4] / sw; math.Abs(a.ImputedPopShare-wantShare) > 1e-12 {
		t.Errorf("imputed population share = %v, want %v", a.ImputedPopShare, wantShare)
	}
	if note := a.Note(); !strings.Contains(note, "1 members imputed, holding 2% of the population covered") ||
		!strings.Contains(note, ImputationMethod) || !strings.Contains(note, "observed values of 2023") {
		t.Errorf("note = %q: want the share imputed, the method and the observed years", note)
	}
	if got := e.imputedValue(t, "PRK", 2023); got != x[4] {
		t.Errorf("PRK imputed = %v, want the median of AFG and YEM %v", got, x[4])
	}

	// Without estimate: the rule as before, no status.
	b, _ := e.GroupIndicator("M49-030", "itu.internet_use", pipeline.Breakdown{}, 2023, GroupOptions{})
	wantObs := (swx - pop[4]*x[4]) / (sw - pop[4]) // 90.52172472556555
	if b.Status != "" || b.Imputed != 0 || b.N != 4 || math.Abs(b.Value-wantObs) > 1e-9 {
		t.Errorf("without estimate: %v status %q imputed %d N %d, want %v, \"\", 0, 4", b.Value, b.Status, b.Imputed, b.N, wantObs)
	}

	// An imputed share over the threshold withholds the figure, with the reason.
	c, _ := e.GroupIndicator("M49-030", "itu.internet_use", pipeline.Breakdown{}, 2023, GroupOptions{Estimate: true, MaxImputedShare: 0.01})
	if !c.Withheld || !math.IsNaN(c.Value) || !strings.Contains(c.Reason, "imputed members hold 2% of the population covered in 2023; the threshold is 1%") {
		t.Errorf("threshold 1%%: %v withheld %v (%s), want withheld for the imputed share", c.Value, c.Withheld, c.Reason)
	}
}

// TestEstimateCannotImpute: a member is imputed only from states with a
// value in its cell, region or income group; with none (LDC urban internet
// use of women 2024: no state has such a value of 2021-2024) the figure says how
// many members could not be estimated and stays withheld, without status E.
// (Urban women: Kazakhstan's national platform gives urban internet use to
// 2023, a donor for the Asian LDCs, but not urban women.)
func TestEstimateCannotImpute(t *testing.T) {
	e := testEngine(t)
	a, err := e.GroupIndicator("LDC", "itu.internet_use", pipeline.Breakdown{Sex: "F", Area: "U"}, 2024, GroupOptions{Estimate: true})
	if err != nil {
		t.Fatal(err)
	}
	if !a.Withheld || a.Status != "" || a.Imputed != 0 || a.NotImputable != a.Members || a.Members == 0 {
		t.Errorf("LDC urban women 2024: withheld %v status %q imputed %d not imputable %d of %d", a.Withheld, a.Status, a.Imputed, a.NotImputable, a.Members)
	}
	if !strings.Contains(a.Note(), "could not be estimated") {
		t.Errorf("note = %q: want the members that could not be estimated", a.Note())
	}
}

// imputedValue is the value the rule imputes for unit in year (total
// itu.internet_use), or NaN.
func (e *Engine) imputedValue(t *testing.T, unit string, year int) float64 {
	t.Helper()
	all := e.indicatorSeries("itu.internet_use", pipeline.QueryOf(pipeline.TotalBreakdown))
	s := all[pipeline.TotalBreakdown]
	values, valid := make([]float64, len(e.units)), make([]bool, len(e.units))
	for u, ser := range s.series {
		if len(ser.Years) > 0 {
			values[u], _, valid[u] = indicators.LatestWithin(ser.Years, ser.Values, year, 3)
		}
	}
	v, ok := e.imputeMember(e.unitIndex[unit], values, valid)
	if !ok {
		return math.NaN()
	}
	return v
}

// TestEstimateWithheldByImputedMembers: an estimated figure whose imputed
// members are few in population but many in number is withheld too (both
// checks, as the observed rule's). Eastern Asia 2023 imputes 1 of its 5
// members (20 %, TestEstimatedGroupFigure): a 10 % threshold withholds it
// for the member share (its population share, 1.6 %, is under 10 %).
func TestEstimateWithheldByImputedMembers(t *testing.T) {
	e := testEngine(t)
	a, _ := e.GroupIndicator("M49-030", "itu.internet_use", pipeline.Breakdown{}, 2023, GroupOptions{Estimate: true, MaxImputedShare: 0.1})
	if !a.Withheld || !strings.Contains(a.Reason, "1 of the 5 members with a value are imputed; the threshold is 10%") {
		t.Errorf("threshold 10%%: %v withheld %v (%s), want withheld for the imputed members", a.Value, a.Withheld, a.Reason)
	}
}
