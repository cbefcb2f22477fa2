package api_test

import (
	"encoding/json"
	"net/http"
	"testing"
)

// TestFindex2025Data: published figures of the Global Findex Database 2025
// (datasets/sources/findex-2025-database/GlobalFindexDatabase2025-subset.csv)
// through GET /v1/data, one per kind of breakdown the issue names: Kenya
// 2024 account ownership for the poorest 40 % (line 3314, account_t_d
// 0.838761641), for women (line 1950, 0.865155344) and in rural areas (line
// 4979, 0.887419602), as percent, from the database (which supersedes the
// older Findex extracts).
func TestFindex2025Data(t *testing.T) {
	h := testServer(t).Handler()
	for _, tc := range []struct {
		name, query string
		want        float64
	}{
		{"poorest 40 %", "&income=B40", 83.8761641},
		{"women", "&sex=F&income=_T", 86.5155344},
		{"rural", "&area=R&income=_T", 88.7419602},
	} {
		t.Run(tc.name, func(t *testing.T) {
			target := "/v1/data?indicator=findex.account&unit=KEN&date=2024" + tc.query
			rows := dataRows(t, h, target)
			if len(rows) != 1 {
				t.Fatalf("GET %s: %d rows, want 1: %v", target, len(rows), rows)
			}
			r := rows[0]
			if r["value"] != tc.want || r["source"] != "findex-2025-database" || r["status"] != "A" || r["year"] != 2024.0 {
				t.Errorf("GET %s: %v, want value %v from findex-2025-database, status A, 2024", target, r, tc.want)
			}
		})
	}
}

// TestFindex2025GroupRows: the LDC and world figures of a breakdown group
// (income=B40) are made by the group rule like any other group figure and
// carry its fields: members with data of members, population share, years
// used and method; their income code is B40.
func TestFindex2025GroupRows(t *testing.T) {
	h := testServer(t).Handler()
	target := "/v1/data?indicator=findex.account&unit=LDC,WLD&income=B40&date=2024"
	rows := dataRows(t, h, target)
	seen := map[string]bool{}
	for _, r := range rows {
		if r["type"] != "group" {
			t.Errorf("GET %s: a row of type %v (%v), want group rows only", target, r["type"], r["unit"])
			continue
		}
		unit, _ := r["unit"].(string)
		seen[unit] = true
		if r["income"] != "B40" || r["sex"] != "_T" || r["area"] != "_T" {
			t.Errorf("%s: breakdown income %v sex %v area %v, want B40 _T _T", unit, r["income"], r["sex"], r["area"])
		}
		n, _ := r["members_with_data"].(float64)
		m, _ := r["members"].(float64)
		share, _ := r["population_share"].(float64)
		if n <= 0 || m < n || share <= 0 || share > 1 || r["years"] == nil || r["method"] == "" || r["method"] == nil {
			t.Errorf("%s: members_with_data %v of %v, population_share %v, years %v, method %v: want the group rule's fields",
				unit, r["members_with_data"], r["members"], r["population_share"], r["years"], r["method"])
		}
		if v, ok := r["value"].(float64); !ok || v <= 0 || v >= 100 {
			t.Errorf("%s: value %v, want a percentage", unit, r["value"])
		}
	}
	if !seen["LDC"] || !seen["WLD"] {
		t.Errorf("GET %s: groups %v, want LDC and WLD", target, seen)
	}
}

// dataRows returns the data rows of a /v1/data response, failing on a
// status other than 200.
func dataRows(t *testing.T, h http.Handler, target string) []map[string]any {
	t.Helper()
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
	return body.Data
}
