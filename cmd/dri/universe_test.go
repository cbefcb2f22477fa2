package main

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestScoreAgainstSameOnCLIAndAPI: dri score --against KAZ and
// GET /v1/scores/{framework}?against=KAZ rank Kazakhstan's 20 regions among
// each other with the same values and ranks (both go through
// engine.UniverseFor), and neither puts a region among the countries.
func TestScoreAgainstSameOnCLIAndAPI(t *testing.T) {
	code, stdout, stderr := dri(t, "score", "--framework", "connectivity", "--against", "KAZ", "--format", "csv")
	if code != exitOK {
		t.Fatalf("dri score --against KAZ: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "ranked among the regions of KAZ") {
		t.Errorf("stderr %q: want the universe said", stderr)
	}
	_, cli := csvTable(t, "dri score", strings.NewReader(stdout))
	if len(cli) != 20 {
		t.Fatalf("dri score --against KAZ: %d rows, want 20 regions", len(cli))
	}
	srv := httptest.NewServer(groupAPI(t).Handler())
	defer srv.Close()
	_, api := csvTable(t, "/v1/scores", strings.NewReader(string(httpGet(t, srv, "/v1/scores/connectivity?against=KAZ&node=CONN&per_page=100&format=csv"))))
	if len(api) != len(cli) {
		t.Fatalf("API %d rows, CLI %d", len(api), len(cli))
	}
	byUnit := map[string]map[string]string{}
	for _, r := range api {
		byUnit[r["unit"]] = r
	}
	for _, r := range cli {
		a := byUnit[r["uCode"]]
		if a == nil || a["value"] != r["CONN"] || a["rank"] != r["rank"] {
			t.Errorf("%s: CLI CONN %s rank %s, API %v", r["uCode"], r["CONN"], r["rank"], a)
		}
	}
	// kz/data_indicator_17-8-1.csv line 276: Abai 89.4 % in 2023; connectivity
	// normalises internet use by goalposts 0-100, so UC.use is the value.
	for _, r := range cli {
		if r["uCode"] == "KZ-10" && r["UC.use"] != "89.4" {
			t.Errorf("KZ-10 UC.use = %s, want 89.4", r["UC.use"])
		}
	}
	code, stdout, _ = dri(t, "score", "--framework", "connectivity", "--format", "csv")
	if code != exitOK || strings.Contains(stdout, `"KZ-`) {
		t.Errorf("dri score (countries): exit %d, a Kazakh region among the countries: %v", code, strings.Contains(stdout, `"KZ-`))
	}
	// A parent that is not a country is a usage error naming the flag.
	if code, _, stderr := dri(t, "score", "--framework", "connectivity", "--against", "KZ-10"); code != exitUsage || !strings.Contains(stderr, "--against") {
		t.Errorf("--against KZ-10: exit %d %q, want a usage error on --against", code, stderr)
	}
}

// TestScoreOwnSubnationalFile: a user's own regional file (--data) is
// ranked within its country's regions with --against, as the embedded
// regions are, and never among the countries. The values are test values,
// not published figures: five Kenyan counties (ISO 3166-2 KE-01..KE-05)
// with internet use 20, 30, 40, 50 and 60 % in 2023.
func TestScoreOwnSubnationalFile(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "counties.csv")
	var b strings.Builder
	b.WriteString("unit,year,indicator,value\n")
	for i, v := range []string{"20", "30", "40", "50", "60"} {
		b.WriteString("KE-0" + string(rune('1'+i)) + ",2023,itu.internet_use," + v + "\n")
	}
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := dri(t, "score", "--framework", "connectivity", "--data", file, "--against", "KEN", "--year", "2023", "--format", "csv")
	if code != exitOK {
		t.Fatalf("dri score --data --against KEN: exit %d: %s", code, stderr)
	}
	_, rows := csvTable(t, "dri score", strings.NewReader(stdout))
	if len(rows) != 5 {
		t.Fatalf("%d rows, want the 5 counties", len(rows))
	}
	// Goalposts 0-100 keep the values; one indicator: CONN = UC.use, ranks
	// by value, highest first: KE-05 (60) is 1, KE-01 (20) is 5.
	want := map[string]string{"KE-01": "5", "KE-02": "4", "KE-03": "3", "KE-04": "2", "KE-05": "1"}
	for _, r := range rows {
		if r["rank"] != want[r["uCode"]] {
			t.Errorf("%s: rank %s, want %s", r["uCode"], r["rank"], want[r["uCode"]])
		}
	}
	code, stdout, _ = dri(t, "score", "--framework", "connectivity", "--data", file, "--year", "2023", "--format", "csv")
	if code != exitOK || strings.Contains(stdout, `"KE-0`) {
		t.Errorf("dri score --data (countries): exit %d, a county among the countries: %v", code, strings.Contains(stdout, `"KE-0`))
	}
	// dri compare of a county compares it with Kenya's counties by default.
	code, _, stderr = dri(t, "compare", "KE-02", "--data", file, "--framework", "connectivity", "--year", "2023", "--format", "csv")
	if code != exitOK || !strings.Contains(stderr, "against regions:KEN") {
		t.Errorf("dri compare KE-02: exit %d %q, want it set against regions:KEN", code, stderr)
	}
}
