package api_test

import (
	"encoding/json"
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
