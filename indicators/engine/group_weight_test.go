package engine

import (
	"math"
	"strings"
	"testing"

	"github.com/dri-engine/dri/pipeline"
)

// TestGroupWeight: a Findex share's group figure weighs its members by
// their adult population (registry group_weight: findex.pop_adult) of the
// year of their value, not by total population. M49-053 (Australia and New
// Zealand), account ownership 2024, from the Findex 2025 database
// (datasets/sources/findex-2025-database/GlobalFindexDatabase2025-subset.csv):
// Australia 98.0103778 % with pop_adult 21 852 264 (line 576), New Zealand
// 97.8647564 % with 4 263 369 (line 665). Hand-computed (Python decimal):
// (98.0103778 x 21852264 + 97.8647564 x 4263369) / 26115633 =
// 97.98660515154470... Weighted by total population (wb.population 2024)
// the figure would be 97.98667487680126, so the tolerance tells them apart.
// Coverage stays a share of total population: both members have data,
// 100 %.
func TestGroupWeight(t *testing.T) {
	e := testEngine(t)
	a, err := e.GroupIndicator("M49-053", "findex.account", pipeline.TotalBreakdown, 2024, GroupOptions{})
	if err != nil {
		t.Fatal(err)
	}
	const want = 97.98660515154470
	if math.Abs(a.Value-want) > 1e-9 || a.N != 2 || a.Members != 2 || a.PopCoverage != 1 {
		t.Errorf("M49-053 findex.account 2024 = %v (%d of %d members, coverage %v), want %v (2 of 2, 1)", a.Value, a.N, a.Members, a.PopCoverage, want)
	}
	if !strings.Contains(a.Method, "weights: findex.pop_adult of each member's value year") || !strings.Contains(a.Method, "population coverage: total population 2024") {
		t.Errorf("method %q: want it to name the weight and the coverage population", a.Method)
	}
	// An indicator without group_weight keeps total population.
	b, err := e.GroupIndicator("M49-053", "itu.internet_use", pipeline.TotalBreakdown, 2023, GroupOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(b.Method, "population-weighted mean (weights: total population") {
		t.Errorf("itu.internet_use method %q: want total population weights", b.Method)
	}
}

// TestMemberWeights: a member's weight is the weight indicator's value in
// the year of its value, else its latest within the window; a member with
// a value but no weight gets NaN (left out of the weighted mean, counted).
// Kenya's findex.pop_adult: 34 616 135 in 2024 (line 637 of the Findex
// 2025 database) and 31 704 189 in 2021 (line 498).
func TestMemberWeights(t *testing.T) {
	e := testEngine(t)
	ken, _ := e.UnitIndex("KEN")
	idx := []int{ken, ken, ken, ken}
	x := []float64{1, 1, 1, math.NaN()}
	valid := []bool{true, true, false, true}
	years := make([]int, len(e.units))
	years[ken] = 2021
	got := e.memberWeights("findex.pop_adult", idx, x, valid, years, 2024, 4)
	if got[0] != 31704189 || got[1] != 31704189 || !math.IsNaN(got[2]) || !math.IsNaN(got[3]) {
		t.Errorf("weights for a 2021 value = %v, want 31704189 twice, then NaN (no value) and NaN (NaN value)", got)
	}
	years[ken] = 2023 // no survey that year: the latest before it within 4 years
	if got := e.memberWeights("findex.pop_adult", idx[:1], x[:1], valid[:1], years, 2024, 4); got[0] != 31704189 {
		t.Errorf("weight for a 2023 value = %v, want 2021's 31704189", got[0])
	}
	if got := e.memberWeights("findex.pop_adult", idx[:1], x[:1], valid[:1], nil, 2024, 4); got[0] != 34616135 {
		t.Errorf("weight with no years (the figure's, 2024) = %v, want 34616135", got[0])
	}
	if got := e.memberWeights("findex.pop_adult", idx[:1], x[:1], valid[:1], nil, 2030, 4); !math.IsNaN(got[0]) {
		t.Errorf("weight in 2030 with a window of 4 = %v, want NaN (2024 is 6 years before)", got[0])
	}
}
