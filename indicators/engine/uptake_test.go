package engine

import (
	"math"
	"testing"

	"github.com/dri-engine/dri/indicators"
	"github.com/dri-engine/dri/pipeline/dims"
)

// TestUptakeHandComputed scores the uptake framework for women, men and
// everyone and checks every figure against a hand computation from the
// source rows (each leaf: the latest value within 4 years, on goalposts
// 0-100, so the score is the value; pillars and index: arithmetic means of
// the parts present). Findex values are the 2025 database's shares x 100
// (datasets/sources/findex-2025-database/GlobalFindexDatabase2025-subset.csv:
// account_t_d, mobileaccount_t_d, fin26a, fin4_d), which supersede the older
// extracts.
//
// Côte d'Ivoire, 2022 (no Government payments: fin4.d was asked in 2024
// only, after the window):
//   - internet use 2022: women 33.9081 (itu-internet-by-sex-wdi,
//     it_net_user_fe_zs line 212), men 43.2628 (it_net_user_ma_zs line 213),
//     all 38.4133 (itu-datahub/individuals_using_internet.csv line 1063);
//   - mobile phone ownership: women 51.42842 and men 88.6948 in 2018
//     (sdg-5b1-mobile-ownership-by-sex, lines 301-302), all 63.1033 in 2022
//     (itu-datahub/mobile_phone_ownership.csv line 241);
//   - Findex 2021, lines 1598 (women), 1597 (men), 461 (all): account
//     0.374442613, 0.640095413, 0.507622911; mobile money 0.298418787,
//     0.508939172, 0.403959431; paid bills 0.106068947, 0.275013587,
//     0.190766333.
//
// Brazil, 2024 (phone ownership by sex has no value after 2018 for any
// unit, so for women and men Online is internet use alone):
//   - internet use: women 85.6558 and men 82.5526 in 2023
//     (it_net_user_fe_zs line 177, it_net_user_ma_zs line 178), all 84.4635
//     in 2024 (individuals_using_internet.csv line 368); phone ownership all
//     87.3767 in 2024 (mobile_phone_ownership.csv line 90);
//   - Findex 2024, lines 1850 (women), 1849 (men), 587 (all): account
//     0.822763902, 0.908535853, 0.863811782; mobile money 0.544179275,
//     0.622510312, 0.581666157; paid bills 0.521149562, 0.576900475,
//     0.547830275; first account for a wage or government money 0.603310755,
//     0.673228551, 0.636771313.
func TestUptakeHandComputed(t *testing.T) {
	e := testEngine(t)
	nan := math.NaN()
	for _, c := range []struct {
		unit                                         string
		year                                         int
		sex                                          string
		internet, phone, account, mobileMoney, bills float64
		gov                                          float64 // NaN: no value
	}{
		{"CIV", 2022, dims.Female, 33.9081, 51.42842, 37.4442613, 29.8418787, 10.6068947, nan},
		{"CIV", 2022, dims.Male, 43.2628, 88.6948, 64.0095413, 50.8939172, 27.5013587, nan},
		{"CIV", 2022, dims.Total, 38.4133, 63.1033, 50.7622911, 40.3959431, 19.0766333, nan},
		{"BRA", 2024, dims.Female, 85.6558, nan, 82.2763902, 54.4179275, 52.1149562, 60.3310755},
		{"BRA", 2024, dims.Male, 82.5526, nan, 90.8535853, 62.2510312, 57.6900475, 67.3228551},
		{"BRA", 2024, dims.Total, 84.4635, 87.3767, 86.3811782, 58.1666157, 54.7830275, 63.6771313},
	} {
		res, err := e.ScoreBreakdown("uptake", c.year, dims.Breakdown{Sex: c.sex}, indicators.Options{})
		if err != nil {
			t.Fatal(err)
		}
		u, ok := e.UnitIndex(c.unit)
		if !ok {
			t.Fatalf("%s not scored", c.unit)
		}
		online := c.internet
		if !math.IsNaN(c.phone) {
			online = (c.internet + c.phone) / 2
		}
		dfs := (c.account + c.mobileMoney + c.bills) / 3
		index := (online + dfs) / 2
		if !math.IsNaN(c.gov) {
			index = (online + dfs + c.gov) / 3
		}
		want := map[string]float64{
			"ONLINE.internet": c.internet, "ONLINE.phone": c.phone, "DFS.account": c.account, "DFS.mobile_money": c.mobileMoney,
			"DFS.bills": c.bills, "GOV.first_account": c.gov, "GOV": c.gov, "ONLINE": online, "DFS": dfs, "UPTAKE": index,
		}
		for code, w := range want {
			nr, _ := res.Node(code)
			if math.IsNaN(w) {
				if nr.Valid[u] {
					t.Errorf("%s %d sex=%s: %s = %v, want no value", c.unit, c.year, c.sex, code, nr.Value(u))
				}
				continue
			}
			if !nr.Valid[u] || math.Abs(nr.Value(u)-w) > 1e-9 {
				t.Errorf("%s %d sex=%s: %s = %v (valid %v), want %v", c.unit, c.year, c.sex, code, nr.Value(u), nr.Valid[u], w)
			}
		}
		if len(res.Held) != 0 {
			t.Errorf("sex=%s: held %v: every uptake indicator has a sex breakdown", c.sex, res.HeldCodes())
		}
	}
}

// TestUptakeScoresEveryUnitWithData: for the total, women and men, in the
// framework's default year, exactly the units with enough data have an
// uptake score, by the framework's coverage rule restated by hand: a
// pillar is scored where at least half of its indicators that have data
// in the year have a value for the unit, the index where at least half of
// the pillars (two of three) are; a unit with data on being online only
// has no uptake score. Over 100 units are scored each time (Findex 2024
// surveyed about 140 economies).
func TestUptakeScoresEveryUnitWithData(t *testing.T) {
	e := testEngine(t)
	for _, sex := range []string{dims.Total, dims.Female, dims.Male} {
		res, err := e.ScoreBreakdown("uptake", 0, dims.Breakdown{Sex: sex}, indicators.Options{})
		if err != nil {
			t.Fatal(err)
		}
		scored, onlineOnly := 0, 0
		for u, code := range res.Units {
			pillars, taking := 0, 0
			for _, pillar := range res.Framework.Tree[0].Children {
				with, of := 0, 0
				for _, leaf := range pillar.Children {
					nr, _ := res.Node(leaf.Code)
					if nr.Excluded != "" {
						continue // no value for any unit in the year: takes no part
					}
					of++
					if nr.RawValid[u] {
						with++
					}
				}
				if of == 0 {
					continue
				}
				taking++
				if 2*with >= of && with > 0 {
					pillars++
				}
			}
			want := 2*pillars >= taking && pillars > 0
			if got := res.Root().Valid[u]; got != want {
				t.Errorf("sex=%s %d: %s scored %v, want %v (%d of %d pillars with data)", sex, res.Year, code, got, want, pillars, taking)
			}
			if want {
				scored++
			} else if pillars > 0 {
				onlineOnly++
			}
		}
		if scored < 100 {
			t.Errorf("sex=%s %d: %d units scored, want over 100", sex, res.Year, scored)
		}
		t.Logf("sex=%s %d: %d units scored, %d with too few pillars", sex, res.Year, scored, onlineOnly)
	}
}
