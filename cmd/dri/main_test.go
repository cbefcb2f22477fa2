package main

import (
	"bytes"
	"context"
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// dri runs the command line in-process and returns exit code and streams.
func dri(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestUsageAndHelp(t *testing.T) {
	if code, _, _ := dri(t); code != exitUsage {
		t.Errorf("dri with no command: exit %d, want %d", code, exitUsage)
	}
	if code, _, stderr := dri(t, "frobnicate"); code != exitUsage || !strings.Contains(stderr, "unknown command") {
		t.Errorf("unknown command: exit %d, stderr %q", code, stderr)
	}
	for name := range commands {
		code, stdout, _ := dri(t, name, "--help")
		if code != exitOK || !strings.Contains(stdout, "Usage: dri "+name) {
			t.Errorf("dri %s --help: exit %d, stdout %q", name, code, stdout)
		}
	}
	if code, _, stderr := dri(t, "data", "--bogus"); code != exitUsage || !strings.Contains(stderr, "bogus") {
		t.Errorf("bad flag: exit %d, stderr %q", code, stderr)
	}
}

func TestValidateEmbedded(t *testing.T) {
	code, stdout, _ := dri(t, "validate")
	if code != exitOK {
		t.Fatalf("dri validate: exit %d\n%s", code, stdout)
	}
	if !strings.Contains(stdout, "sources/egov/EGOV_DATA_2024_renamed-cols.csv") || !strings.Contains(stdout, "0 errors") {
		t.Errorf("report lacks per-file lines or the total:\n%s", stdout)
	}
}

func TestValidateBadFile(t *testing.T) {
	code, stdout, _ := dri(t, "validate", "../../pipeline/testdata/bad/unknown_unit.csv")
	if code != exitProblems {
		t.Fatalf("exit %d, want %d", code, exitProblems)
	}
	if !strings.Contains(stdout, `unknown_unit.csv:3:1: unknown-unit: unknown unit code "XYZ"`) {
		t.Errorf("located problem missing:\n%s", stdout)
	}
	// The catalogue's own files can be named too: only they are checked.
	code, stdout, _ = dri(t, "validate", "datasets/sources/egov/EGOV_DATA_2022.csv")
	if code != exitOK || strings.Contains(stdout, "EGOV_DATA_2020") {
		t.Errorf("validate one catalogue file: exit %d\n%s", code, stdout)
	}
}

func TestRunWritesSnapshotAndRefusesBadData(t *testing.T) {
	out := t.TempDir()
	code, stdout, _ := dri(t, "run", "--out", out)
	if code != exitOK || !strings.Contains(stdout, "snapshot ") {
		t.Fatalf("dri run: exit %d\n%s", code, stdout)
	}
	entries, _ := os.ReadDir(out)
	if len(entries) != 1 {
		t.Fatalf("snapshot dir has %d entries, want 1", len(entries))
	}
	if _, err := os.Stat(filepath.Join(out, entries[0].Name(), "manifest.json")); err != nil {
		t.Fatal(err)
	}
	bad := t.TempDir()
	code, _, stderr := dri(t, "run", "--out", bad, "--data", "../../pipeline/testdata/bad/percent_above_100.csv")
	if code != exitProblems || !strings.Contains(stderr, "no snapshot written") {
		t.Errorf("run with a bad file: exit %d, stderr %q", code, stderr)
	}
	if entries, _ := os.ReadDir(bad); len(entries) != 0 {
		t.Errorf("run with a bad file wrote %d entries", len(entries))
	}
}

func TestDataCommand(t *testing.T) {
	// Published in the UN E-Government Survey 2024: Kenya EGDI 0.6314.
	code, stdout, _ := dri(t, "data", "--indicator", "egov.egdi", "--unit", "KEN", "--date", "2024", "--format", "csv")
	want := "unit,year,indicator,sex,area,age,income,education,labour,value,status,source,note\n" +
		"\"KEN\",2024,\"egov.egdi\",\"_T\",\"_T\",\"_T\",\"_T\",\"_T\",\"_T\",0.6314,\"A\",\"egov-2024\",\n"
	if code != exitOK || stdout != want {
		t.Errorf("dri data csv: exit %d\n%s\nwant\n%s", code, stdout, want)
	}
	code, stdout, _ = dri(t, "data", "--indicator", "egov.egdi", "--unit", "LDC", "--date", "2024", "--format", "json")
	var rows []map[string]any
	if err := json.Unmarshal([]byte(stdout), &rows); err != nil || code != exitOK {
		t.Fatalf("json: %v (exit %d)", err, code)
	}
	if len(rows) != 44 {
		t.Errorf("EGDI 2024 for the LDC group: %d rows, want 44", len(rows))
	}
	if _, ok := rows[0]["value"].(float64); !ok {
		t.Errorf("json value is %T, want a number", rows[0]["value"])
	}
	for _, args := range [][]string{
		{"data"},
		{"data", "--indicator", "no.such"},
		{"data", "--indicator", "egov.egdi", "--unit", "Atlantis"},
		{"data", "--indicator", "egov.egdi", "--date", "2024:2010"},
		{"data", "--indicator", "egov.egdi", "--format", "xml"},
		{"data", "--indicator", "egov.egdi", "--sex", "X"},
	} {
		if code, _, stderr := dri(t, args...); code != exitUsage || stderr == "" {
			t.Errorf("dri %v: exit %d, stderr %q; want usage error", args, code, stderr)
		}
	}
}

func TestScoreCommand(t *testing.T) {
	// EGDI 2024 reproduced from its components: Kenya (0.77704 + 0.59015 +
	// 0.52711) / 3 = 0.6314333333333333, printed to 12 significant digits
	// (tidy.Digits), rank 109 (published 0.6314, 109).
	code, stdout, _ := dri(t, "score", "--framework", "egdi", "--year", "2024", "--unit", "KEN", "--format", "csv")
	want := "uCode,uName,OSI,TII,HCI,EGDI,rank,tier,coverage,imputed,rests_on\n\"KEN\",\"Kenya\",0.77704,0.59015,0.52711,0.631433333333,109,\"High\",1,0,\"3/3\"\n"
	if code != exitOK || stdout != want {
		t.Errorf("dri score egdi: exit %d\n%s\nwant\n%s", code, stdout, want)
	}
	// COINr files: the values of pipeline/testdata/wide, hand-computed in
	// indicators/score_test.go (minmax 0-100, arithmetic means).
	code, stdout, _ = dri(t, "score", "--imeta", "../../pipeline/testdata/wide/imeta.csv", "--idata", "../../pipeline/testdata/wide/idata.csv", "--format", "csv")
	if code != exitOK || !strings.Contains(stdout, `"KEN","Kenya",2023,"Africa",29.3333333333,64.0449438202,,46.6891385768,,46.6891385768,2`) {
		t.Errorf("dri score --imeta: exit %d\n%s", code, stdout)
	}
	for _, args := range [][]string{
		{"score"},
		{"score", "--framework", "nope"},
		{"score", "--framework", "egdi", "--normalise", "squash"},
		{"score", "--imeta", "x.csv"},
	} {
		if code, _, _ := dri(t, args...); code != exitUsage {
			t.Errorf("dri %v: exit %d, want %d", args, code, exitUsage)
		}
	}
}

func TestCompareAndGaps(t *testing.T) {
	code, stdout, _ := dri(t, "compare", "KEN", "--against", "LDC,WLD", "--framework", "egdi", "--year", "2024", "--format", "csv")
	if code != exitOK || !strings.Contains(stdout, `"EGDI",2,"E-Government Development Index","LDC",0.631433333333,`) {
		t.Errorf("dri compare: exit %d\n%s", code, stdout)
	}
	// Kenya internet use by sex, 2019 (WDI IT.NET.USER.FE/MA.ZS): 20.2305 / 25.1738.
	code, stdout, _ = dri(t, "gaps", "--unit", "KEN", "--format", "csv")
	if code != exitOK || !strings.Contains(stdout, `"KEN","itu.internet_use",2019,20.2305,25.1738,0.803633142394,"Women behind"`) {
		t.Errorf("dri gaps: exit %d\n%s", code, stdout)
	}
}

func TestPlotWritesPNG(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"profile", []string{"--unit", "KEN"}},
		{"ranking", []string{"--kind", "ranking", "--unit", "KEN", "--framework", "egdi", "--top", "30"}},
		{"gender", []string{"--kind", "gender", "--unit", "KEN", "--against", "LDC,WLD"}},
		{"small ranking without a unit", []string{"--kind", "ranking", "--bottom", "10", "--width", "800", "--height", "500"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".png")
			code, stdout, stderr := dri(t, append([]string{"plot", "--out", out}, tc.args...)...)
			if code != exitOK {
				t.Fatalf("dri plot %v: exit %d\n%s", tc.args, code, stderr)
			}
			if got := strings.TrimSpace(stdout); got != out {
				t.Errorf("stdout = %q, want the path %q", got, out)
			}
			f, err := os.Open(out)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			img, err := png.Decode(f)
			if err != nil {
				t.Fatalf("png.Decode(%s): %v", out, err)
			}
			w, h := 1600, 1000
			if tc.name == "small ranking without a unit" {
				w, h = 800, 500
			}
			if b := img.Bounds(); b.Dx() != w || b.Dy() != h {
				t.Errorf("%s is %dx%d, want %dx%d", out, b.Dx(), b.Dy(), w, h)
			}
			// Not blank: a report chart has many colours and ink.
			colours := map[[4]uint32]bool{}
			ink := 0
			b := img.Bounds()
			for y := b.Min.Y; y < b.Max.Y; y += 2 {
				for x := b.Min.X; x < b.Max.X; x += 2 {
					r, g, bl, a := img.At(x, y).RGBA()
					colours[[4]uint32{r, g, bl, a}] = true
					if r < 0xf000 || g < 0xf000 || bl < 0xf000 {
						ink++
					}
				}
			}
			if len(colours) < 20 || ink < (b.Dx()*b.Dy()/4)/50 {
				t.Errorf("%s looks blank: %d colours, %d inked samples", out, len(colours), ink)
			}
			if _, err := os.Stat(out + ".tmp"); !os.IsNotExist(err) {
				t.Errorf("%s.tmp left behind (stat: %v)", out, err)
			}
		})
	}
	bad := filepath.Join(dir, "bad.png")
	for _, args := range [][]string{
		{"plot", "--unit", "KEN"},
		{"plot", "--out", bad},
		{"plot", "--kind", "gender", "--out", bad},
		{"plot", "--kind", "pie", "--unit", "KEN", "--out", bad},
		{"plot", "--unit", "KEN", "--out", filepath.Join(dir, "x.jpg")},
		{"plot", "--unit", "XXX", "--out", bad},
		{"plot", "--unit", "KEN", "--framework", "gender", "--out", bad},
		{"plot", "--kind", "ranking", "--top", "0", "--out", bad},
	} {
		if code, _, stderr := dri(t, args...); code != exitUsage {
			t.Errorf("dri %s: exit %d, want %d (usage)\n%s", strings.Join(args, " "), code, exitUsage, stderr)
		}
	}
	if _, err := os.Stat(bad); !os.IsNotExist(err) {
		t.Errorf("a failed dri plot left %s (stat: %v)", bad, err)
	}
}
