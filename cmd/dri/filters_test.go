package main

import (
	"encoding/csv"
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// csvRows parses a command's CSV output into its header and rows.
func csvRows(t *testing.T, out string) ([]string, [][]string) {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(recs) == 0 {
		t.Fatalf("output is not CSV (%v):\n%s", err, out)
	}
	return recs[0], recs[1:]
}

// TestFilterGrid runs dri score, data and gaps over a grid of filter
// combinations (issue 12 item 3: --unit was dropped with --year all) and
// checks each output row against every filter given: a filter is applied
// or refused, never dropped.
func TestFilterGrid(t *testing.T) {
	// The 44 LDCs (UN list of December 2024), as in TestDataCommand.
	const ldcCount = 44
	unitSets := []struct {
		flag string
		want func(string) bool
		n    int // distinct units expected in the output
	}{
		{"KEN", func(u string) bool { return u == "KEN" }, 1},
		{"KEN,UGA", func(u string) bool { return u == "KEN" || u == "UGA" }, 2},
		{"ke,Uganda", func(u string) bool { return u == "KEN" || u == "UGA" }, 2}, // ISO2 and a name
		{"LDC", nil, ldcCount},
	}
	for _, us := range unitSets {
		for _, year := range []string{"2024", "all"} {
			for _, level := range []string{"", "1", "2"} {
				args := []string{"score", "--framework", "egdi", "--year", year, "--unit", us.flag, "--format", "csv"}
				if level != "" {
					args = append(args, "--level", level)
				}
				t.Run(strings.Join(args[1:], " "), func(t *testing.T) {
					code, out, stderr := dri(t, args...)
					if code != exitOK {
						t.Fatalf("exit %d: %s", code, stderr)
					}
					header, rows := csvRows(t, out)
					seen := map[string]bool{}
					for _, r := range rows {
						if us.want != nil && !us.want(r[0]) {
							t.Fatalf("row for %s, not in --unit %s", r[0], us.flag)
						}
						seen[r[0]] = true
					}
					if len(seen) != us.n {
						t.Errorf("%d units in the output, want %d", len(seen), us.n)
					}
					// egdi: level 1 is OSI, TII, HCI; level 2 the EGDI.
					hasOSI, hasEGDI := slices.Contains(header, "OSI"), slices.Contains(header, "EGDI")
					if (level == "1" && (!hasOSI || hasEGDI)) || (level == "2" && (hasOSI || !hasEGDI)) || (level == "" && !(hasOSI && hasEGDI)) {
						t.Errorf("--level %q: header %v", level, header)
					}
					if year == "all" && header[1] != "year" {
						t.Errorf("--year all: header %v lacks the year", header)
					}
				})
			}
		}
	}
	t.Run("score json", func(t *testing.T) {
		code, out, _ := dri(t, "score", "--framework", "egdi", "--year", "all", "--unit", "KEN", "--format", "json")
		var rows []map[string]any
		if err := json.Unmarshal([]byte(out), &rows); err != nil || code != exitOK || len(rows) == 0 {
			t.Fatalf("exit %d, %v", code, err)
		}
		for _, r := range rows {
			if r["uCode"] != "KEN" {
				t.Fatalf("row for %v with --unit KEN", r["uCode"])
			}
		}
	})
	t.Run("score imeta unit level", func(t *testing.T) {
		code, out, stderr := dri(t, "score", "--imeta", "../../pipeline/testdata/wide/imeta.csv", "--idata", "../../pipeline/testdata/wide/idata.csv",
			"--unit", "KEN", "--level", "2", "--format", "csv")
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		header, rows := csvRows(t, out)
		// pipeline/testdata/wide/imeta.csv: level 2 is Conn and People.
		if want := []string{"uCode", "uName", "Time", "Region", "Conn", "People", "Rank"}; !slices.Equal(header, want) {
			t.Errorf("header %v, want %v", header, want)
		}
		for _, r := range rows {
			if r[0] != "KEN" {
				t.Errorf("row for %s with --unit KEN", r[0])
			}
		}
		if len(rows) != 2 { // idata.csv has KEN for 2022 and 2023
			t.Errorf("%d rows, want 2", len(rows))
		}
	})
	for _, tc := range []struct {
		args  []string
		check func(r []string) bool
	}{
		{[]string{"data", "--indicator", "itu.internet_use", "--unit", "KEN,UGA", "--sex", "F", "--date", "2015:2020"},
			func(r []string) bool {
				return (r[0] == "KEN" || r[0] == "UGA") && r[3] == "F" && r[1] >= "2015" && r[1] <= "2020"
			}},
		{[]string{"data", "--indicator", "itu.internet_use", "--unit", "LDC", "--sex", "M", "--mrv", "1"},
			func(r []string) bool { return r[3] == "M" }},
		{[]string{"gaps", "--unit", "KEN,UGA"}, func(r []string) bool { return r[0] == "KEN" || r[0] == "UGA" }},
		{[]string{"gaps", "--unit", "LDC"}, func(r []string) bool { return r[0] == "LDC" }},
	} {
		args := append(tc.args, "--format", "csv")
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			code, out, stderr := dri(t, args...)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			_, rows := csvRows(t, out)
			if len(rows) == 0 {
				t.Fatal("no rows")
			}
			for _, r := range rows {
				if !tc.check(r) {
					t.Fatalf("row %v does not match the filters", r)
				}
			}
		})
	}
}

// TestFiltersThatCannotApply: a filter that cannot apply to the request is
// a usage error naming it, never silently ignored.
func TestFiltersThatCannotApply(t *testing.T) {
	imeta, idata := "../../pipeline/testdata/wide/imeta.csv", "../../pipeline/testdata/wide/idata.csv"
	for _, tc := range []struct {
		args []string
		want string // in stderr
	}{
		{[]string{"data", "--list", "--unit", "KEN"}, "--unit"},
		{[]string{"data", "--list", "--indicator", "egov.egdi"}, "--indicator"},
		{[]string{"data", "--list", "--sex", "F"}, "--sex"},
		{[]string{"score", "--framework", "egdi", "--level", "3"}, "--level 3"},
		{[]string{"score", "--framework", "egdi", "--level", "-1"}, "--level -1"},
		{[]string{"score", "--framework", "egdi", "--year", "all", "--unit", "Atlantis"}, "Atlantis"},
		{[]string{"score", "--imeta", imeta, "--idata", idata, "--data", "x.csv"}, "--data"},
		{[]string{"score", "--imeta", imeta, "--idata", idata, "--year", "all"}, "--year all"},
		{[]string{"score", "--imeta", imeta, "--idata", idata, "--year", "1999"}, "--year 1999"},
		{[]string{"score", "--imeta", imeta, "--idata", idata, "--unit", "XYZ"}, "XYZ"},
		{[]string{"score", "--imeta", imeta, "--idata", idata, "--level", "5"}, "--level 5"},
		{[]string{"export", "--out", t.TempDir(), "--year", "1950"}, "--year 1950"},
		{[]string{"gaps", "--unit", "Atlantis"}, "Atlantis"},
		{[]string{"compare", "KEN", "--against", "KEN"}, "--against"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, _, stderr := dri(t, tc.args...)
			if code != exitUsage || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want usage error naming %q", code, stderr, tc.want)
			}
		})
	}
	// A known unit the result has no row for is said on stderr.
	code, _, stderr := dri(t, "gaps", "--unit", "KEN,TUV", "--format", "csv")
	if code != exitOK || !strings.Contains(stderr, "nothing for TUV") {
		t.Errorf("gaps --unit KEN,TUV: exit %d, stderr %q; want a note that TUV has no rows", code, stderr)
	}
}
