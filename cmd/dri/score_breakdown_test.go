package main

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestScoreBreakdownCLIMatchesAPI: dri score --sex F (and --sex M, and
// --income B40) prints, for every unit and node, the value GET
// /v1/scores/connectivity?sex=F serves: one engine call behind both.
func TestScoreBreakdownCLIMatchesAPI(t *testing.T) {
	srv := httptest.NewServer(groupAPI(t).Handler())
	defer srv.Close()
	for _, flag := range [][2]string{{"sex", "F"}, {"sex", "M"}, {"income", "B40"}} {
		header, cli := csvTable(t, "dri score", strings.NewReader(cliOut(t, "score", "--framework", "connectivity", "--year", "2023",
			"--"+flag[0], flag[1], "--format", "csv")))
		var body struct {
			Meta map[string]any   `json:"meta"`
			Data []map[string]any `json:"data"`
		}
		path := "/v1/scores/connectivity?year=2023&per_page=10000&" + flag[0] + "=" + flag[1]
		if err := json.Unmarshal(httpGet(t, srv, path), &body); err != nil {
			t.Fatal(err)
		}
		api := map[[2]string]any{}
		for _, r := range body.Data {
			api[[2]string{r["unit"].(string), r["node"].(string)}] = r["value"]
		}
		compared, withValue := 0, 0
		for _, row := range cli {
			for _, node := range header[2 : len(header)-5] { // the node columns, between uName and rank
				v, ok := api[[2]string{row["uCode"], node}]
				if !ok {
					t.Fatalf("%s=%s: %s %s: not in %s", flag[0], flag[1], row["uCode"], node, path)
				}
				if !jsonMatchesCSV(v, row[node]) {
					t.Errorf("%s=%s: %s %s: dri score %q, API %v", flag[0], flag[1], row["uCode"], node, row[node], v)
				}
				compared++
				if v != nil {
					withValue++
				}
			}
		}
		if compared < 190*15 || withValue < 1000 {
			t.Errorf("%s=%s: compared %d cells, %d with a value; want every unit's 15 nodes, most with data", flag[0], flag[1], compared, withValue)
		}
	}
}

// TestScoreBreakdownFlags: one code per flag, a known one; not with
// --imeta or --year all.
func TestScoreBreakdownFlags(t *testing.T) {
	for _, args := range [][]string{
		{"score", "--framework", "connectivity", "--sex", "X"},
		{"score", "--framework", "connectivity", "--sex", "F,M"},
		{"score", "--framework", "connectivity", "--sex", "F", "--year", "all"},
		{"score", "--imeta", "a.csv", "--idata", "b.csv", "--sex", "F"},
	} {
		if code, _, stderr := dri(t, args...); code != 2 {
			t.Errorf("dri %v: exit %d, want 2 (usage): %s", args, code, stderr)
		}
	}
}
