package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/dri-engine/dri/api"
	"github.com/dri-engine/dri/indicators"
)

// TestRankTiesAgree (issue 12 item 5): ties share the lowest rank ("min",
// competition ranking on the exact float64 values) on every surface, and
// every surface gives every unit the same rank.
//
// The tie is real: in the UN E-Government Survey 2024 (EGOV_DATA_2024,
// shipped), Iraq's OSI, HCI and TII are 0.18755, 0.68736 and 0.49672 and
// Kiribati's 0.39035, 0.35438 and 0.62690: both sum to 1.37163, so DRI's
// EGDI, the mean of the published components, is the same float64 for
// both and both rank 147. The Survey orders them by its unrounded values
// (Kiribati 0.45723 rank 147, Iraq 0.45721 rank 148), which the published
// components cannot reproduce; docs/DECISIONS.md says so.
func TestRankTiesAgree(t *testing.T) {
	const year = "2024"
	surfaces := map[string]map[string]string{} // surface -> unit -> rank of the EGDI
	values := map[string]string{}              // unit -> EGDI as written by dri score

	// dri score, one year and every year.
	for _, y := range []string{year, "all"} {
		code, out, stderr := dri(t, "score", "--framework", "egdi", "--year", y, "--level", "2", "--format", "csv")
		if code != exitOK {
			t.Fatalf("dri score --year %s: exit %d\n%s", y, code, stderr)
		}
		name := "dri score --year " + y
		surfaces[name] = map[string]string{}
		for _, r := range csvMaps(t, out) {
			if r["year"] != "" && r["year"] != year {
				continue
			}
			surfaces[name][r["uCode"]] = r["rank"]
			values[r["uCode"]] = r["EGDI"]
		}
	}
	// dri export's scores table.
	dir := t.TempDir()
	if code, _, stderr := dri(t, "export", "--format", "csv", "--out", dir, "--framework", "egdi", "--year", year); code != exitOK {
		t.Fatalf("dri export: exit %d\n%s", code, stderr)
	}
	scores, err := os.ReadFile(filepath.Join(dir, "scores.csv"))
	if err != nil {
		t.Fatal(err)
	}
	surfaces["dri export"] = map[string]string{}
	for _, r := range csvMaps(t, string(scores)) {
		if r["node"] == "EGDI" {
			surfaces["dri export"][r["unit"]] = r["rank"]
		}
	}
	// The API's score list.
	h := testHandler(t)
	surfaces["GET /v1/scores"] = map[string]string{}
	for _, r := range csvMaps(t, apiGet(t, h, "/v1/scores/egdi?year="+year+"&level=2&per_page=10000&format=csv")) {
		if r["node"] == "EGDI" && r["type"] != "group" {
			surfaces["GET /v1/scores"][r["unit"]] = r["rank"]
		}
	}

	ref := surfaces["dri score --year "+year]
	if len(ref) < 190 {
		t.Fatalf("%d units ranked, want the 193 UN member states", len(ref))
	}
	if values["IRQ"] != values["KIR"] || ref["IRQ"] != "147" || ref["KIR"] != "147" {
		t.Errorf("Iraq %s rank %s, Kiribati %s rank %s; want the same value, both rank 147", values["IRQ"], ref["IRQ"], values["KIR"], ref["KIR"])
	}
	for name, got := range surfaces {
		for u, r := range ref {
			if got[u] != r {
				t.Errorf("%s: %s rank %q, dri score says %q", name, u, got[u], r)
			}
		}
		if len(got) != len(ref) {
			t.Errorf("%s ranks %d units, dri score %d", name, len(got), len(ref))
		}
	}
	// Ranks among the members of WLD (the 193 UN member states) and the
	// profile's rank and trend say the same for the tied pair.
	for _, u := range []string{"IRQ", "KIR"} {
		code, out, _ := dri(t, "compare", u, "--against", "WLD", "--framework", "egdi", "--year", year, "--format", "csv")
		if code != exitOK {
			t.Fatalf("dri compare %s: exit %d", u, code)
		}
		for _, r := range csvMaps(t, out) {
			if r["node"] == "EGDI" && r["rank"] != "147" {
				t.Errorf("dri compare %s --against WLD: rank %s, want 147", u, r["rank"])
			}
		}
		var profile struct {
			Data struct {
				Nodes []struct {
					Code string `json:"code"`
					Rank int    `json:"rank"`
				} `json:"nodes"`
				Trend []struct {
					Year int `json:"year"`
					Rank int `json:"rank"`
				} `json:"trend"`
				Comparisons []struct {
					Node  string `json:"node"`
					Group string `json:"group"`
					Rank  int    `json:"rank"`
				} `json:"comparisons"`
			} `json:"data"`
		}
		if err := json.Unmarshal([]byte(apiGet(t, h, "/v1/scores/egdi/"+u+"?year="+year)), &profile); err != nil {
			t.Fatal(err)
		}
		for _, n := range profile.Data.Nodes {
			if n.Code == "EGDI" && n.Rank != 147 {
				t.Errorf("GET /v1/scores/egdi/%s: rank %d, want 147", u, n.Rank)
			}
		}
		for _, p := range profile.Data.Trend {
			if p.Year == 2024 && p.Rank != 147 {
				t.Errorf("GET /v1/scores/egdi/%s: trend 2024 rank %d, want 147", u, p.Rank)
			}
		}
		for _, c := range profile.Data.Comparisons {
			if c.Node == "EGDI" && c.Group == "WLD" && c.Rank != 147 {
				t.Errorf("GET /v1/scores/egdi/%s: rank among WLD %d, want 147", u, c.Rank)
			}
		}
	}
	// The ranking chart of dri plot (all UN member states).
	e := &env{stdout: io.Discard, stderr: io.Discard}
	eng, res0, err := e.engine(context.Background(), dataFlag{})
	if err != nil {
		t.Fatal(err)
	}
	defer res0.Release()
	res, err := eng.Score("egdi", 2024, indicators.Options{})
	if err != nil {
		t.Fatal(err)
	}
	spec, err := rankingSpec(eng, res, plotConfig{kind: "ranking"})
	if err != nil {
		t.Fatal(err)
	}
	plotted := map[string]string{}
	for _, en := range spec.Entries {
		plotted[en.Code] = strconv.Itoa(en.Rank)
	}
	for u, r := range ref {
		if plotted[u] != r {
			t.Errorf("dri plot --kind ranking: %s rank %q, dri score says %q", u, plotted[u], r)
		}
	}
	// The nominal rank of the uncertainty analysis.
	code, out, _ := dri(t, "sensitivity", "--framework", "egdi", "--year", year, "--runs", "4", "--format", "csv")
	if code != exitOK {
		t.Fatalf("dri sensitivity: exit %d", code)
	}
	for _, r := range csvMaps(t, out) {
		if want, ok := ref[r["unit"]]; ok && r["nominal_rank"] != want {
			t.Errorf("dri sensitivity: %s nominal rank %s, dri score says %s", r["unit"], r["nominal_rank"], want)
		}
	}
}

// csvMaps parses CSV output into one map per row, keyed by the header.
func csvMaps(t *testing.T, out string) []map[string]string {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(recs) == 0 {
		t.Fatalf("not CSV (%v):\n%.300s", err, out)
	}
	var rows []map[string]string
	for _, r := range recs[1:] {
		m := make(map[string]string, len(r))
		for i, v := range r {
			m[recs[0][i]] = v
		}
		rows = append(rows, m)
	}
	return rows
}

// testHandler serves the embedded data as dri serve does.
func testHandler(t *testing.T) http.Handler {
	t.Helper()
	e := &env{stdout: io.Discard, stderr: io.Discard}
	ds, err := e.dataset(context.Background(), dataFlag{}, "")
	if err != nil {
		t.Fatal(err)
	}
	var holder api.Holder
	holder.Set(ds)
	return api.New(api.Config{RatePerSecond: -1}, &holder).Handler()
}

func apiGet(t *testing.T, h http.Handler, target string) string {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s: %d\n%s", target, rec.Code, rec.Body)
	}
	return rec.Body.String()
}
