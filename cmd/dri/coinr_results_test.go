package main

import (
	"slices"
	"testing"
)

// TestCOINrResults: COINr mode prints COINr's results table (uName, Time,
// the Group columns, the nodes, Rank). pipeline/testdata/wide: in 2023
// France scores 100 on everything (the best of three on each indicator),
// Uganda 0 (the worst), Kenya between them, so the ranks are France 1,
// Kenya 2, Uganda 3; Kenya's 2022 row has no value to rank (the one unit
// of that Time has no spread: every indicator is excluded).
func TestCOINrResults(t *testing.T) {
	code, out, stderr := dri(t, "score", "--imeta", "../../pipeline/testdata/wide/imeta.csv", "--idata", "../../pipeline/testdata/wide/idata.csv",
		"--format", "csv")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	header, rows := csvRows(t, out)
	want := []string{"uCode", "uName", "Time", "Region", "Access", "Price", "Skills", "Conn", "People", "Index", "Rank"}
	if !slices.Equal(header, want) {
		t.Fatalf("header %v, want %v", header, want)
	}
	got := map[string][]string{}
	for _, r := range rows {
		got[r[0]+"/"+r[2]] = []string{r[1], r[3], r[len(r)-1]}
	}
	for key, w := range map[string][]string{
		"FRA/2023": {"France", "Europe", "1"}, "KEN/2023": {"Kenya", "Africa", "2"},
		"UGA/2023": {"Uganda", "Africa", "3"}, "KEN/2022": {"Kenya", "Africa", ""},
	} {
		if !slices.Equal(got[key], w) {
			t.Errorf("%s: name, Region, Rank %q, want %q", key, got[key], w)
		}
	}
}
