package api_test

import (
	"encoding/json"
	"math"
	"testing"
)

// TestRanksSayRestsOn: issue 14 item 5, the ranks say what a composite rests
// on. Angola's 2024 compass index rests on 3 of its 5 pillars with shipped
// data (no Findex: no Economy, no DPI; indicators/engine
// TestCompassCoverageRuleAsWritten); Kenya's on all 5. /v1/scores gives
// rests_on next to the rank, the profile gives rests_on and partial on the
// overall node and each trend point.
func TestRanksSayRestsOn(t *testing.T) {
	h := testServer(t).Handler()
	var scores struct {
		Data []map[string]any `json:"data"`
	}
	rec := get(t, h, "/v1/scores/compass?year=2024&unit=AGO,KEN&node=DRI")
	if err := json.Unmarshal(rec.Body.Bytes(), &scores); err != nil || len(scores.Data) != 2 {
		t.Fatalf("scores: %v %s", err, rec.Body)
	}
	want := map[string]string{"AGO": "3/5", "KEN": "5/5"}
	for _, r := range scores.Data {
		if r["rank"] == nil || r["rests_on"] != want[r["unit"].(string)] {
			t.Errorf("%s: rank %v rests_on %v, want a rank and %q", r["unit"], r["rank"], r["rests_on"], want[r["unit"].(string)])
		}
	}
	var profile struct {
		Data struct {
			Nodes []map[string]any `json:"nodes"`
			Trend []map[string]any `json:"trend"`
		} `json:"data"`
	}
	if err := json.Unmarshal(get(t, h, "/v1/scores/compass/AGO?year=2024").Body.Bytes(), &profile); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, n := range profile.Data.Nodes {
		if n["code"] == "DRI" {
			found = true
			if n["rests_on"] != "3/5" || n["partial"] != true || n["rank"] == nil {
				t.Errorf("AGO profile DRI: rank %v rests_on %v partial %v, want a rank, 3/5, true", n["rank"], n["rests_on"], n["partial"])
			}
		}
	}
	if !found {
		t.Fatal("AGO profile: no DRI node")
	}
	last := profile.Data.Trend[len(profile.Data.Trend)-1]
	if last["year"] != 2024.0 || last["rests_on"] != "3/5" {
		t.Errorf("AGO trend last point %v, want 2024 resting on 3/5", last)
	}
}

// TestProfilePublishedPillars: issue 14 item 5, the compass profile shows
// UNDP's own published score next to DRI's recomputation. Kenya's Economy:
// UNDP published 1.94 (datasets/sources/ddc/ddc_indicator_scores_ui-database-raw_2024-02-29.csv
// line 630, "Kenya,Economy,,,,,,1.94,58,...", shipped as ddc.economy with
// source ddc-indicator-scores); DRI's 2024 Economy is its one sub-pillar
// with data, Financial services: the mean of 5 x 90.1199174 / 100 (account)
// and 5 x 87.4994113 / 100 (mobile money account), Kenya 2024 in the Findex
// 2025 database (GlobalFindexDatabase2025-subset.csv line 637), = 4.4405;
// so the difference is +2.5005. Regulation: UNDP published
// 5 (line 833), DRI ships no indicator for it, so no DRI score and a null
// difference. Frameworks without a published counterpart (egdi's nodes
// are not ddc.*) carry none.
func TestProfilePublishedPillars(t *testing.T) {
	h := testServer(t).Handler()
	var profile struct {
		Data struct {
			Nodes []struct {
				Code      string   `json:"code"`
				Value     *float64 `json:"value"`
				Published *struct {
					Indicator  string   `json:"indicator"`
					Value      float64  `json:"value"`
					Year       int      `json:"year"`
					Source     string   `json:"source"`
					Difference *float64 `json:"difference"`
				} `json:"published"`
			} `json:"nodes"`
		} `json:"data"`
	}
	rec := get(t, h, "/v1/scores/compass/KEN?year=2024")
	if err := json.Unmarshal(rec.Body.Bytes(), &profile); err != nil {
		t.Fatalf("%v %s", err, rec.Body)
	}
	seen := 0
	for _, n := range profile.Data.Nodes {
		switch n.Code {
		case "ECONOMY":
			seen++
			p := n.Published
			if p == nil || p.Indicator != "ddc.economy" || p.Value != 1.94 || p.Year != 2024 || p.Source != "ddc-indicator-scores" {
				t.Fatalf("KEN ECONOMY published %+v, want ddc.economy 1.94 (2024, ddc-indicator-scores)", p)
			}
			if n.Value == nil || math.Abs(*n.Value-4.4405) > 0.0005 || p.Difference == nil || math.Abs(*p.Difference-2.5005) > 0.0005 {
				t.Errorf("KEN ECONOMY: DRI %v, difference %v, want 4.44 and +2.50", n.Value, p.Difference)
			}
		case "REGULATION":
			seen++
			if n.Published == nil || n.Published.Value != 5 || n.Value != nil || n.Published.Difference != nil {
				t.Errorf("KEN REGULATION: DRI %v, published %+v, want no DRI score, published 5, no difference", n.Value, n.Published)
			}
		}
	}
	if seen != 2 {
		t.Fatalf("KEN profile: %d of ECONOMY, REGULATION found", seen)
	}
	profile.Data.Nodes = nil // json would keep the compass nodes' fields
	if err := json.Unmarshal(get(t, h, "/v1/scores/egdi/KEN?year=2024").Body.Bytes(), &profile); err != nil {
		t.Fatal(err)
	}
	for _, n := range profile.Data.Nodes {
		if n.Published != nil {
			t.Errorf("egdi %s: published %+v, want none", n.Code, n.Published)
		}
	}
}
