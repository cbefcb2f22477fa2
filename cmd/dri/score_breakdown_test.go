package main

import (
	"encoding/json"
	"math"
	"net/http/httptest"
	"strconv"
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

// TestScoreBreakdownFlags: one known code per flag, or two different ones
// in one flag; not with --imeta or --year all.
func TestScoreBreakdownFlags(t *testing.T) {
	for _, args := range [][]string{
		{"score", "--framework", "connectivity", "--sex", "X"},
		{"score", "--framework", "connectivity", "--sex", "F,M,_T"},
		{"score", "--framework", "connectivity", "--sex", "F,M", "--area", "U,R"},
		{"score", "--framework", "connectivity", "--sex", "F", "--year", "all"},
		{"score", "--imeta", "a.csv", "--idata", "b.csv", "--sex", "F"},
	} {
		if code, _, stderr := dri(t, args...); code != 2 {
			t.Errorf("dri %v: exit %d, want 2 (usage): %s", args, code, stderr)
		}
	}
}

// TestScoreGapCLI: dri score --sex F,M prints both groups' scores and the
// gap, which for Côte d'Ivoire's TII-style index in 2023 is the hand
// computation of TestTIIBySexGap (indicators/engine): the by-sex inputs'
// differences, a quarter each, on 0-1.
func TestScoreGapCLI(t *testing.T) {
	_, rows := csvTable(t, "dri score", strings.NewReader(cliOut(t, "score", "--framework", "egdi-tii", "--year", "2023",
		"--sex", "F,M", "--unit", "CIV", "--level", "2", "--format", "csv")))
	if len(rows) != 1 || rows[0]["node"] != "TII" {
		t.Fatalf("rows %v: want CIV's TII", rows)
	}
	want := ((43.2628 - 33.9081) + (88.6948 - 51.42842)) / 100 / 4
	got, err := strconv.ParseFloat(rows[0]["gap"], 64)
	if err != nil || math.Abs(got-want) > 1e-12 {
		t.Errorf("gap %q, want %v", rows[0]["gap"], want)
	}
	f, _ := strconv.ParseFloat(rows[0]["sex=F"], 64)
	m, _ := strconv.ParseFloat(rows[0]["sex=M"], 64)
	if math.Abs(m-f-got) > 1e-12 {
		t.Errorf("sex=F %v, sex=M %v, gap %v: want M-F", f, m, got)
	}
}
