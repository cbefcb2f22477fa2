package engine

import (
	"math"
	"testing"

	"github.com/dri-engine/dri/indicators"
	"github.com/dri-engine/dri/pipeline/dims"
)

// TestUptakeHandComputed scores the uptake framework for Côte d'Ivoire in
// 2022 for women, men and everyone and checks every figure against a hand
// computation from the source rows (each leaf: the latest value within 4
// years, on goalposts 0-100, so the score is the value; pillars and index:
// arithmetic means of the parts present).
//
// Inputs (datasets/sources/...):
//   - internet use 2022: women 33.9081 (itu-internet-by-sex-wdi,
//     it_net_user_fe_zs line 212), men 43.2628 (it_net_user_ma_zs line 213),
//     all 38.4133 (itu-datahub/individuals_using_internet.csv line 1063);
//   - mobile phone ownership: women 51.42842 and men 88.6948 in 2018
//     (sdg-5b1-mobile-ownership-by-sex, lines 301-302), all 63.1033 in 2022
//     (itu-datahub/mobile_phone_ownership.csv line 241);
//   - account 2021: women 37.4442613, men 64.0095413, all 50.7622911
//     (findex-2025-database/GlobalFindexDatabase2025-subset.csv lines 1598,
//     1597 and 461, account_t_d 0.374442613, 0.640095413, 0.507622911: the
//     2025 database supersedes the older extracts);
//   - mobile money account 2021: women 29.8418787, men 50.8939172, all
//     40.3959431 (the same lines, mobileaccount_t_d).
func TestUptakeHandComputed(t *testing.T) {
	e := testEngine(t)
	for _, c := range []struct {
		sex                                   string
		internet, phone, account, mobileMoney float64
	}{
		{dims.Female, 33.9081, 51.42842, 37.4442613, 29.8418787},
		{dims.Male, 43.2628, 88.6948, 64.0095413, 50.8939172},
		{dims.Total, 38.4133, 63.1033, 50.7622911, 40.3959431},
	} {
		res, err := e.ScoreBreakdown("uptake", 2022, dims.Breakdown{Sex: c.sex}, indicators.Options{})
		if err != nil {
			t.Fatal(err)
		}
		u, ok := e.UnitIndex("CIV")
		if !ok {
			t.Fatal("CIV not scored")
		}
		online := (c.internet + c.phone) / 2
		dfs := (c.account + c.mobileMoney) / 2
		want := map[string]float64{
			"ONLINE.internet": c.internet, "ONLINE.phone": c.phone, "DFS.account": c.account, "DFS.mobile_money": c.mobileMoney,
			"ONLINE": online, "DFS": dfs, "UPTAKE": (online + dfs) / 2,
		}
		for code, w := range want {
			nr, _ := res.Node(code)
			if !nr.Valid[u] || math.Abs(nr.Value[u]-w) > 1e-9 {
				t.Errorf("sex=%s: CIV %s = %v (valid %v), want %v", c.sex, code, nr.Value[u], nr.Valid[u], w)
			}
		}
		if len(res.Held) != 0 {
			t.Errorf("sex=%s: held %v: every uptake indicator has a sex breakdown", c.sex, res.HeldCodes())
		}
	}
}

// TestUptakeScoresEveryUnitWithData: for the total, women and men, in the
// framework's default year, every unit with a value for any uptake
// indicator has an uptake score (the coverage rule needs one pillar of the
// two with data), and many units do.
func TestUptakeScoresEveryUnitWithData(t *testing.T) {
	e := testEngine(t)
	for _, sex := range []string{dims.Total, dims.Female, dims.Male} {
		res, err := e.ScoreBreakdown("uptake", 0, dims.Breakdown{Sex: sex}, indicators.Options{})
		if err != nil {
			t.Fatal(err)
		}
		scored := 0
		for u, code := range res.Units {
			hasData := false
			for _, nr := range res.Nodes {
				hasData = hasData || (nr.Node.IsIndicator() && nr.Valid[u])
			}
			if hasData && !res.Root().Valid[u] {
				t.Errorf("sex=%s %d: %s has uptake data but no score", sex, res.Year, code)
			}
			if res.Root().Valid[u] {
				scored++
			}
		}
		if scored < 100 {
			t.Errorf("sex=%s %d: %d units scored, want over 100 (Findex covers about 140 economies)", sex, res.Year, scored)
		}
		t.Logf("sex=%s %d: %d units scored", sex, res.Year, scored)
	}
}
