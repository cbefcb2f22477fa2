package api_test

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// figureFields are a group row's figure as fields on /v1/data and
// /v1/gender (the names dri gaps prints).
var figureFields = []string{"members_with_data", "members", "population_share", "years", "method", "imputed_share"}

// TestDataGroupFigureFields: on /v1/data a group row carries its figure's
// provenance as fields next to the note that says it in words — members
// with data, members, population share, years used, method, and, when
// estimated, the share imputed — in JSON and CSV alike; a unit's row has
// them null (empty in CSV).
func TestDataGroupFigureFields(t *testing.T) {
	h := testServer(t).Handler()
	for _, target := range []string{
		"/v1/data?indicator=findex.account,itu.internet_use&unit=KEN,LDC,WLD&sex=_T,F&date=2017:2022",
		"/v1/data?indicator=itu.internet_use&unit=LDC&date=2020:2024&estimate=true",
	} {
		rec := get(t, h, target)
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s: %d %s", target, rec.Code, rec.Body)
		}
		var body struct {
			Data []map[string]any `json:"data"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatal(err)
		}
		csvRec := get(t, h, target+"&format=csv")
		records, err := csv.NewReader(csvRec.Body).ReadAll()
		if err != nil || len(records) != len(body.Data)+1 {
			t.Fatalf("GET %s CSV: %d records, %v; want %d rows", target, len(records), err, len(body.Data))
		}
		col := map[string]int{}
		for i, name := range records[0] {
			col[name] = i
		}
		groups, estimated := 0, 0
		for i, r := range body.Data {
			what := fmt.Sprintf("%s %v %v %v", r["unit"], r["indicator"], r["sex"], r["year"])
			for _, f := range figureFields {
				j, ok := col[f]
				if !ok {
					t.Fatalf("GET %s CSV: no column %s", target, f)
				}
				if cell := records[i+1][j]; !sameCell(r[f], cell) {
					t.Errorf("%s %s: JSON %v, CSV %q", what, f, r[f], cell)
				}
			}
			if r["type"] != "group" {
				for _, f := range figureFields {
					if r[f] != nil && r[f] != "" {
						t.Errorf("%s: a unit's row has %s %v, want null", what, f, r[f])
					}
				}
				continue
			}
			groups++
			n, m, method, note := r["members_with_data"].(float64), r["members"].(float64), r["method"].(string), r["note"].(string)
			// The note says the same in words (engine.Aggregate.Note).
			if words := fmt.Sprintf("%s of %d of %d members", method, int(n), int(m)); method == "" || !strings.Contains(note, words) {
				t.Errorf("%s: note %q does not say %q", what, note, words)
			}
			if share, ok := r["population_share"].(float64); ok && !strings.Contains(note, fmt.Sprintf(", %.0f%% of the population", 100*share)) {
				t.Errorf("%s: note %q, population_share %v", what, note, share)
			}
			if from, to, ok := strings.Cut(r["years"].(string), "-"); ok {
				words := "values of " + from + "-" + to
				if from == to {
					words = "values of " + to
				}
				if !strings.Contains(note, words) {
					t.Errorf("%s: note %q, years %v", what, note, r["years"])
				}
			} else if n > 0 && r["status"] != "E" {
				t.Errorf("%s: %v members with data, no years", what, n)
			}
			if r["status"] == "E" {
				estimated++
				share, ok := r["imputed_share"].(float64)
				if !ok || !strings.Contains(note, fmt.Sprintf("holding %.0f%% of the population covered", 100*share)) {
					t.Errorf("%s: estimated, imputed_share %v, note %q", what, r["imputed_share"], note)
				}
			} else if r["imputed_share"] != nil {
				t.Errorf("%s: status %q with imputed_share %v", what, r["status"], r["imputed_share"])
			}
		}
		if groups == 0 {
			t.Errorf("GET %s: no group rows", target)
		}
		if strings.Contains(target, "estimate=true") && estimated == 0 {
			t.Errorf("GET %s: no estimated group row", target)
		}
	}
}

// sameCell: a JSON value and a CSV cell say the same (null is the empty
// cell; numbers compared as float64).
func sameCell(j any, c string) bool {
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
