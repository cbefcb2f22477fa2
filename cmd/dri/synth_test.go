package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSynthDefaultIsSmall runs the README's synth example: the default panel
// is a few MB (it was 296 MB), and scoring it works as the README says.
func TestSynthDefaultIsSmall(t *testing.T) {
	dir := t.TempDir()
	panel := filepath.Join(dir, "panel.csv")
	if code, _, stderr := dri(t, "synth", "--out", panel); code != exitOK {
		t.Fatalf("dri synth --out panel.csv: exit %d: %s", code, stderr)
	}
	data, err := os.ReadFile(panel)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) > 5<<20 {
		t.Errorf("the default panel is %d bytes, want a few MB (under 5 MiB)", len(data))
	}
	// 250 units x 25 indicators x 15 years = 93,750 values, 5 % missing
	// (the --missing default) dropped.
	values := strings.Count(string(data), "\n") - 1
	if full := synthUnits * synthIndicators * synthYears; full != 93750 || values > full || values < full*90/100 {
		t.Errorf("the default panel has %d values, want 95 %% of %d", values, full)
	}
	code, stdout, stderr := dri(t, "score", "--framework", filepath.Join(dir, "panel.framework.yaml"), "--data", panel,
		"--year", "all", "--level", "2", "--format", "csv")
	if code != exitOK {
		t.Fatalf("dri score on the default panel: exit %d: %s", code, stderr)
	}
	// One row per unit and year: 250 x 15.
	if rows := strings.Count(stdout, "\n") - 1; rows != synthUnits*synthYears {
		t.Errorf("dri score --year all: %d rows, want %d", rows, synthUnits*synthYears)
	}
}

// TestSynthPastOneCountryScores: a panel of more than 999 units reaches the
// second prefix (UG-001 ...), whose codes UG-101 ... UG-135 are real Ugandan
// districts in the shipped ISO 3166-2 list. The sidecar repeating them is
// not an error (the codes keep the list's names, counted as "not data"):
// the 10-million-row panel of make bench-peers (5,000 units) scores.
func TestSynthPastOneCountryScores(t *testing.T) {
	dir := t.TempDir()
	panel := filepath.Join(dir, "panel.csv")
	if code, _, stderr := dri(t, "synth", "--units", "1200", "--indicators", "2", "--years", "2", "--out", panel); code != exitOK {
		t.Fatalf("dri synth: exit %d: %s", code, stderr)
	}
	code, stdout, _ := dri(t, "validate", "--data", panel)
	if code != exitOK || !strings.Contains(stdout, "not data: codes already in reference/iso-3166-2.csv") {
		t.Fatalf("dri validate: exit %d\n%s", code, stdout)
	}
	code, stdout, stderr := dri(t, "score", "--framework", filepath.Join(dir, "panel.framework.yaml"), "--data", panel,
		"--year", "all", "--level", "2", "--format", "csv")
	if code != exitOK {
		t.Fatalf("dri score: exit %d: %s", code, stderr)
	}
	// One row per unit and year with a value (2 indicators, 5 % missing:
	// a few unit-years have neither), UG-101 among them.
	if rows := strings.Count(stdout, "\n") - 1; rows > 1200*2 || rows < 1200*2*95/100 {
		t.Errorf("dri score --year all: %d rows, want nearly 2,400 (1,200 units x 2 years)", rows)
	}
	if !strings.Contains(stdout, `"UG-101"`) {
		t.Error("dri score: no row for UG-101, a code the shipped ISO 3166-2 list also has")
	}
}
