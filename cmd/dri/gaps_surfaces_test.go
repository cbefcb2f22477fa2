package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

// csvTable reads a CSV table (header first) into one map per row.
func csvTable(t *testing.T, what string, r io.Reader) (header []string, rows []map[string]string) {
	t.Helper()
	records, err := csv.NewReader(r).ReadAll()
	if err != nil || len(records) == 0 {
		t.Fatalf("%s: %d records, %v; want a CSV table", what, len(records), err)
	}
	header = records[0]
	for _, rec := range records[1:] {
		row := map[string]string{}
		for i, name := range header {
			row[name] = rec[i]
		}
		rows = append(rows, row)
	}
	return header, rows
}

// httpGet GETs a path from a test server and returns the body.
func httpGet(t *testing.T, srv *httptest.Server, path string) []byte {
	t.Helper()
	resp, err := http.Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, body)
	}
	return body
}

// jsonMatchesCSV: a JSON value and a CSV cell say the same (null is the empty
// cell; numbers compared as float64, as both are the shortest form that
// reads back to the same float64).
func jsonMatchesCSV(j any, c string) bool {
	switch v := j.(type) {
	case nil:
		return c == ""
	case string:
		return v == c
	case float64:
		f, err := strconv.ParseFloat(c, 64)
		return err == nil && f == v
	}
	return false
}

// TestGapsSameOnEverySurface is issue 14's "done when": for every year
// 2000-2024, dri gaps --unit LDC,WLD gives every gender indicator of both
// groups with a value or "withheld: reason", and GET /v1/gender gives the
// same rows, cell for cell, as CSV and as JSON (real embedded data, a real
// server). Where /v1/data has the group's female and male figures of the
// year, the gender row has their values, or is withheld for the reason
// /v1/data gives, with the same members.
func TestGapsSameOnEverySurface(t *testing.T) {
	srv := httptest.NewServer(groupAPI(t).Handler())
	t.Cleanup(srv.Close) // after the parallel subtests
	type key struct {
		unit, indicator, sex string
		year                 int
	}
	data := map[key]map[string]string{}
	indicators := map[string]bool{}
	// 2000 first: its rows name the indicators whose /v1/data series the
	// other years are checked against; then the other years in parallel
	// (each runs the CLI, which loads the embedded data: 24 loads one after
	// the other were two minutes of CI under the race detector).
	check := func(t *testing.T, year int) {
		_, cli := csvTable(t, "dri gaps", strings.NewReader(cliOut(t, "gaps", "--unit", "LDC,WLD", "--year", fmt.Sprint(year), "--format", "csv")))
		gender := fmt.Sprintf("/v1/gender?unit=LDC,WLD&year=%d&per_page=10000", year)
		apiHeader, api := csvTable(t, "GET "+gender, strings.NewReader(string(httpGet(t, srv, gender+"&format=csv"))))
		var body struct {
			Data []map[string]any `json:"data"`
		}
		if err := json.Unmarshal(httpGet(t, srv, gender), &body); err != nil {
			t.Fatal(err)
		}
		// 9 gender indicators (datasets/frameworks/gender.yaml) x 2 groups.
		if len(cli) != 18 || len(api) != 18 || len(body.Data) != 18 {
			t.Fatalf("%d: dri gaps %d rows, /v1/gender CSV %d, JSON %d; want 18 each", year, len(cli), len(api), len(body.Data))
		}
		for i, c := range cli {
			for name, cell := range c {
				if got, ok := api[i][name]; !ok || got != cell {
					t.Errorf("%d row %d %s: dri gaps %q, /v1/gender CSV %q", year, i, name, cell, got)
				}
			}
			for _, name := range apiHeader {
				if !jsonMatchesCSV(body.Data[i][name], api[i][name]) {
					t.Errorf("%d row %d %s: /v1/gender JSON %v, CSV %q", year, i, name, body.Data[i][name], api[i][name])
				}
			}
			note := c["note"]
			if (c["parity_score"] != "") == strings.HasPrefix(note, "withheld: ") || (c["parity_score"] == "" && len(note) <= len("withheld: ")) {
				t.Errorf("%d %s %s: parity %q, note %q; want a value or \"withheld: reason\"", year, c["unit"], c["indicator"], c["parity_score"], note)
			}
			if c["year"] != fmt.Sprint(year) {
				t.Errorf("%d %s %s: year %q, want the table's year", year, c["unit"], c["indicator"], c["year"])
			}
			if year == 2000 {
				indicators[c["indicator"]] = true
			}
		}
		if year == 2000 {
			for ind := range indicators {
				q := fmt.Sprintf("/v1/data?indicator=%s&unit=LDC;WLD&sex=F,M&area=_T&age=_T&date=2000:2024&per_page=10000&format=csv", ind)
				_, rows := csvTable(t, "GET "+q, strings.NewReader(string(httpGet(t, srv, q))))
				for _, r := range rows {
					y, _ := strconv.Atoi(r["year"])
					data[key{r["unit"], ind, r["sex"], y}] = r
				}
			}
		}
		overlap := 0
		for _, g := range cli {
			f, okF := data[key{g["unit"], g["indicator"], "F", year}]
			m, okM := data[key{g["unit"], g["indicator"], "M", year}]
			if !okF || !okM {
				continue // /v1/data starts a group's series at its first value
			}
			overlap++
			what := fmt.Sprintf("%d %s %s", year, g["unit"], g["indicator"])
			if f["value"] != "" && m["value"] != "" {
				if g["female"] != f["value"] || g["male"] != m["value"] {
					t.Errorf("%s: /v1/gender female %q male %q, /v1/data %q %q", what, g["female"], g["male"], f["value"], m["value"])
				}
			} else {
				for _, d := range []map[string]string{f, m} {
					if d["value"] != "" {
						continue
					}
					// /v1/data's note: "withheld: REASON; METHOD of ...".
					reason, _, _ := strings.Cut(strings.TrimPrefix(d["note"], "withheld: "), "; "+d["method"])
					if g["female"] != "" || g["male"] != "" || !strings.HasPrefix(g["note"], "withheld: ") || !strings.Contains(g["note"], reason) {
						t.Errorf("%s: /v1/data %s withheld (%q), /v1/gender female %q male %q note %q", what, d["sex"], reason, g["female"], g["male"], g["note"])
					}
				}
			}
			fewer := f
			if nM, nF := atoi(m["members_with_data"]), atoi(f["members_with_data"]); nM < nF {
				fewer = m
			}
			for _, name := range []string{"members_with_data", "members", "population_share", "years"} {
				if g[name] != fewer[name] {
					t.Errorf("%s %s: /v1/gender %q, /v1/data's less covered rate %q", what, name, g[name], fewer[name])
				}
			}
		}
		if year >= 2010 && overlap == 0 {
			t.Errorf("%d: no gender row to check against /v1/data", year)
		}
	}
	check(t, 2000)
	if len(indicators) != 9 {
		t.Fatalf("2000: %d gender indicators, want 9", len(indicators))
	}
	for year := 2001; year <= 2024; year++ {
		t.Run(fmt.Sprint(year), func(t *testing.T) {
			t.Parallel()
			check(t, year)
		})
	}
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// cliOut runs dri and returns its stdout, failing on a non-zero exit.
func cliOut(t *testing.T, args ...string) string {
	t.Helper()
	code, stdout, stderr := dri(t, args...)
	if code != 0 {
		t.Fatalf("dri %v: exit %d: %s", args, code, stderr)
	}
	return stdout
}

// TestInclusionGapsSameOnEverySurface: dri gaps --by DIM and GET
// /v1/gaps?dimension=DIM give the same rows, cell for cell, as CSV and as
// JSON, for every breakdown with a gap, for countries and groups; each
// country row's two values are /v1/data's for that year and breakdown
// (issue 15 item 4).
func TestInclusionGapsSameOnEverySurface(t *testing.T) {
	srv := httptest.NewServer(groupAPI(t).Handler())
	defer srv.Close()
	for _, dim := range []string{"sex", "area", "income", "age", "education", "labour"} {
		_, cli := csvTable(t, "dri gaps --by "+dim, strings.NewReader(cliOut(t, "gaps", "--by", dim, "--unit", "NGA,KEN,LDC,WLD", "--format", "csv")))
		path := "/v1/gaps?dimension=" + dim + "&unit=NGA,KEN,LDC,WLD&per_page=10000"
		apiHeader, api := csvTable(t, "GET "+path, strings.NewReader(string(httpGet(t, srv, path+"&format=csv"))))
		var body struct {
			Data []map[string]any `json:"data"`
		}
		if err := json.Unmarshal(httpGet(t, srv, path), &body); err != nil {
			t.Fatal(err)
		}
		if len(cli) != len(api) || len(api) != len(body.Data) {
			t.Fatalf("%s: dri gaps %d rows, /v1/gaps CSV %d, JSON %d", dim, len(cli), len(api), len(body.Data))
		}
		if (dim == "sex" || dim == "area") && len(cli) == 0 {
			t.Fatalf("%s: no rows", dim)
		}
		for i, c := range cli {
			for name, cell := range c {
				if got, ok := api[i][name]; !ok || got != cell {
					t.Errorf("%s row %d %s: dri gaps %q, /v1/gaps CSV %q", dim, i, name, cell, got)
				}
			}
			for _, name := range apiHeader {
				if !jsonMatchesCSV(body.Data[i][name], api[i][name]) {
					t.Errorf("%s row %d %s: /v1/gaps JSON %v, CSV %q", dim, i, name, body.Data[i][name], api[i][name])
				}
			}
			if c["unit"] == "LDC" || c["unit"] == "WLD" {
				continue
			}
			for _, side := range []struct{ code, value string }{{c["focus"], c["focus_value"]}, {c["reference"], c["reference_value"]}} {
				q := fmt.Sprintf("/v1/data?indicator=%s&unit=%s&date=%s&sex=_T&area=_T&age=_T&income=_T&education=_T&labour=_T&format=csv",
					c["indicator"], c["unit"], c["year"])
				q = strings.Replace(q, dim+"=_T", dim+"="+side.code, 1)
				_, rows := csvTable(t, "GET "+q, strings.NewReader(string(httpGet(t, srv, q))))
				if len(rows) != 1 || rows[0]["value"] != side.value {
					t.Errorf("%s %s %s %s: /v1/gaps %q, /v1/data %v", dim, c["unit"], c["indicator"], side.code, side.value, rows)
				}
			}
		}
	}
	// A dimension that has no gap is a 400 naming the parameter.
	resp, err := http.Get(srv.URL + "/v1/gaps?dimension=status")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), `"dimension"`) {
		t.Errorf("dimension=status: %d %s, want a 400 naming dimension", resp.StatusCode, body)
	}
	if code, _, stderr := dri(t, "gaps", "--by", "colour"); code != exitUsage || !strings.Contains(stderr, "--by") {
		t.Errorf("dri gaps --by colour: exit %d %q, want a usage error naming --by", code, stderr)
	}
}
