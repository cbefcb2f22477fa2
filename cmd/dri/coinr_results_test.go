package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
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

// TestCOINrTimeOutOfRange: a Time that is no year DRI can hold (its
// store's years are 16-bit) is refused with the file and line, not
// wrapped round into another year.
func TestCOINrTimeOutOfRange(t *testing.T) {
	data, err := os.ReadFile("../../pipeline/testdata/wide/idata.csv")
	if err != nil {
		t.Fatal(err)
	}
	idata := filepath.Join(t.TempDir(), "idata.csv")
	if err := os.WriteFile(idata, []byte(strings.Replace(string(data), "KEN,Kenya,2023,", "KEN,Kenya,40000,", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := dri(t, "score", "--imeta", "../../pipeline/testdata/wide/imeta.csv", "--idata", idata, "--format", "csv")
	if want := idata + " line 3: Time 40000 is not a year DRI can score"; code != exitProblems || out != "" || !strings.Contains(stderr, want) {
		t.Errorf("exit %d, stdout %q, stderr %q; want exit %d naming %q", code, out, stderr, exitProblems, want)
	}
}
