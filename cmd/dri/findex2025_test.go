package main

import (
	"slices"
	"testing"
)

// TestDataFindex2025Income: dri data --indicator findex.account --unit KEN
// --income B40,T60 prints Kenya's account ownership for the poorest 40 %
// and the richest 60 % in every Findex wave, from the Global Findex
// Database 2025 (datasets/sources/findex-2025-database/
// GlobalFindexDatabase2025-subset.csv): 2024 B40 83.8761641 (line 3314,
// account_t_d 0.838761641) and T60 94.2665958 (line 3313, 0.942665958).
func TestDataFindex2025Income(t *testing.T) {
	code, out, stderr := dri(t, "data", "--indicator", "findex.account", "--unit", "KEN", "--income", "B40,T60", "--format", "csv")
	if code != exitOK {
		t.Fatalf("dri data: exit %d\n%s", code, stderr)
	}
	rows := csvMaps(t, out)
	years := map[string][]string{}
	for _, r := range rows {
		if r["unit"] != "KEN" || r["source"] != "findex-2025-database" || r["sex"] != "_T" || r["area"] != "_T" {
			t.Errorf("row %v: want KEN, sex and area _T, from findex-2025-database", r)
		}
		years[r["income"]] = append(years[r["income"]], r["year"])
		if r["year"] != "2024" {
			continue
		}
		want := map[string]string{"B40": "83.8761641", "T60": "94.2665958"}[r["income"]]
		if r["value"] != want {
			t.Errorf("KEN 2024 income %s: %s, want %s", r["income"], r["value"], want)
		}
	}
	waves := []string{"2011", "2014", "2017", "2021", "2024"}
	if len(years) != 2 || !slices.Equal(years["B40"], waves) || !slices.Equal(years["T60"], waves) {
		t.Errorf("years by income group %v, want B40 and T60 each in %v", years, waves)
	}
}
