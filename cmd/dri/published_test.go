package main

import (
	"math"
	"strconv"
	"strings"
	"testing"
)

// TestComparePublishedKenya: dri compare on the compass framework shows
// UNDP's published Compass score next to DRI's recomputation. Kenya's
// Economy: UNDP published 1.94 (datasets/sources/ddc/ddc_indicator_scores_ui-database-raw_2024-02-29.csv
// line 630, "Kenya,Economy,,,,,,1.94,58,...", shipped as ddc.economy); DRI's
// 2024 Economy is 4.4405 (the mean of 5 x 90.1199174 / 100, account, and
// 5 x 87.4994113 / 100, mobile money account: Kenya 2024 in the Findex 2025
// database, GlobalFindexDatabase2025-subset.csv line 637), a difference of
// +2.5005. Regulation: published 5 (line 833), no DRI score, so no
// difference.
func TestComparePublishedKenya(t *testing.T) {
	code, out, stderr := dri(t, "compare", "KEN", "--against", "WLD", "--framework", "compass", "--year", "2024", "--format", "csv")
	if code != exitOK {
		t.Fatalf("dri compare: exit %d\n%s", code, stderr)
	}
	seen := 0
	for _, r := range csvMaps(t, out) {
		switch r["node"] {
		case "ECONOMY":
			seen++
			pub, _ := strconv.ParseFloat(r["published"], 64)
			diff, err := strconv.ParseFloat(r["value_minus_published"], 64)
			if pub != 1.94 || r["published_year"] != "2024" || err != nil || math.Abs(diff-2.5005) > 0.0005 {
				t.Errorf("KEN ECONOMY: published %s (%s), difference %s, want 1.94 (2024), +2.5005", r["published"], r["published_year"], r["value_minus_published"])
			}
		case "REGULATION":
			seen++
			if r["published"] != "5" || r["value"] != "" || r["value_minus_published"] != "" {
				t.Errorf("KEN REGULATION: value %q published %q difference %q, want none, 5, none", r["value"], r["published"], r["value_minus_published"])
			}
		}
	}
	if seen != 2 {
		t.Fatalf("dri compare KEN: %d of ECONOMY, REGULATION rows\n%s", seen, out)
	}
}

// TestFrameworksPrintsDepartures: dri frameworks compass prints the
// framework's description and departures (datasets/frameworks/compass.yaml:
// the stand-in for Identification is Findex's national ID card) and its
// coverage rule before the node table; with --format csv they go to stderr
// and stdout is the node table alone.
func TestFrameworksPrintsDepartures(t *testing.T) {
	code, out, _ := dri(t, "frameworks", "compass")
	if code != exitOK {
		t.Fatalf("dri frameworks compass: exit %d", code)
	}
	flat := strings.Join(strings.Fields(out), " ") // the paragraphs are wrapped
	for _, want := range []string{"Description:", "Departures:", "Identification is Findex's national ID card", "Coverage rule:", "at least 50% of its children"} {
		if !strings.Contains(flat, want) {
			t.Errorf("dri frameworks compass: no %q in\n%s", want, out)
		}
	}
	code, out, stderr := dri(t, "frameworks", "compass", "--format", "csv")
	if code != exitOK || !strings.HasPrefix(out, "code,level,parent,name") || !strings.Contains(stderr, "Departures:") {
		t.Errorf("dri frameworks compass --format csv: exit %d, stdout starts %q, stderr has departures %v", code, out[:min(40, len(out))], strings.Contains(stderr, "Departures:"))
	}
}
