package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// exportsDoc holds the reader snippets that TestExportReaders runs.
const exportsDoc = "../../docs/EXPORTS.md"

// docSnippets returns the fenced code blocks of docs/EXPORTS.md with the
// given info string, in order.
func docSnippets(t *testing.T, lang string) []string {
	t.Helper()
	doc, err := os.ReadFile(exportsDoc)
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile("(?ms)^```" + lang + "\n(.*?)^```")
	var out []string
	for _, m := range re.FindAllStringSubmatch(string(doc), -1) {
		out = append(out, m[1])
	}
	if len(out) == 0 {
		t.Fatalf("%s has no %s block", exportsDoc, lang)
	}
	return out
}

// TestExportReaders (issue 12 item 4) checks the bytes of dri export's CSV
// for the codes that readers lose (Namibia's ISO2 "NA", Afghanistan's M49
// "004", from UNSD M49 as shipped), then runs the pandas, readr, base R and
// DuckDB snippets of docs/EXPORTS.md on the files and checks that each
// reads both codes as text and exactly the empty cells as missing. A tool
// that is not installed is skipped, saying so; the byte checks always run.
func TestExportReaders(t *testing.T) {
	dir := t.TempDir()
	if code, _, stderr := dri(t, "export", "--format", "csv", "--out", dir, "--framework", "egdi", "--year", "2024"); code != exitOK {
		t.Fatalf("dri export: exit %d\n%s", code, stderr)
	}
	units, err := os.ReadFile(filepath.Join(dir, "units.csv"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"\n\"NAM\",\"NA\",\"516\",\"Namibia\",", "\n\"AFG\",\"AF\",\"004\",\"Afghanistan\","} {
		if !bytes.Contains(units, []byte(want)) {
			t.Errorf("units.csv lacks %q", want)
		}
	}
	// The missing values the readers must find: empty fields, counted here.
	emptyISO2 := countEmpty(t, units, "iso2")
	obs, err := os.ReadFile(filepath.Join(dir, "observations.csv"))
	if err != nil {
		t.Fatal(err)
	}
	emptyNotes := countEmpty(t, obs, "note")
	if emptyISO2 == 0 || emptyNotes == 0 {
		t.Fatalf("no missing iso2 (%d) or note (%d) to check", emptyISO2, emptyNotes)
	}
	want := func(numeric string) string { return fmt.Sprintf("NA 004 %d %s %d", emptyISO2, numeric, emptyNotes) }

	t.Run("pandas", func(t *testing.T) {
		py := findTool(t, []string{"python3", "/usr/bin/python3"}, "-c", "import pandas")
		check := `print(units.loc[units.code == "NAM", "iso2"].iloc[0], units.loc[units.code == "AFG", "m49"].iloc[0],` +
			` int(units.iso2.isna().sum()), obs["value"].dtype, int(obs.note.isna().sum()))`
		runSnippet(t, dir, "check.py", docSnippets(t, "python")[0]+"\n"+check+"\n", want("float64"), py)
	})
	rCheck := `cat(units$iso2[units$code == "NAM"], units$m49[units$code == "AFG"], sum(is.na(units$iso2)), class(obs$value), sum(is.na(obs$note)), "\n")`
	rBlocks := docSnippets(t, "r")
	if len(rBlocks) != 2 {
		t.Fatalf("%s: %d R blocks, want readr and base R", exportsDoc, len(rBlocks))
	}
	t.Run("readr", func(t *testing.T) {
		r := findTool(t, []string{"Rscript"}, "-e", "library(readr)")
		runSnippet(t, dir, "check_readr.R", rBlocks[0]+"\n"+rCheck+"\n", want("numeric"), r)
	})
	t.Run("base R", func(t *testing.T) {
		r := findTool(t, []string{"Rscript"}, "-e", "1")
		runSnippet(t, dir, "check_base.R", rBlocks[1]+"\n"+rCheck+"\n", want("numeric"), r)
	})
	t.Run("duckdb", func(t *testing.T) {
		// DuckDB through the Node package the peer benchmark installs
		// (bench/peers: npm ci).
		mods, _ := filepath.Abs("../../bench/peers/node_modules")
		if _, err := os.Stat(filepath.Join(mods, "@duckdb", "node-api")); err != nil {
			t.Skip("DuckDB not installed (cd bench/peers && npm ci)")
		}
		node := findTool(t, []string{"node"}, "--version")
		if err := os.Symlink(mods, filepath.Join(dir, "node_modules")); err != nil {
			t.Fatal(err)
		}
		sql := docSnippets(t, "sql")[0]
		check := `SELECT concat_ws(' ', (SELECT iso2 FROM units WHERE code = 'NAM'), (SELECT m49 FROM units WHERE code = 'AFG'),` +
			` (SELECT count(*) FROM units WHERE iso2 IS NULL), (SELECT typeof(value) FROM observations LIMIT 1),` +
			` (SELECT count(*) FROM observations WHERE note IS NULL))`
		runner := "import { DuckDBInstance } from '@duckdb/node-api';\n" +
			"const con = await (await DuckDBInstance.create(':memory:')).connect();\n" +
			"for (const s of " + jsString(sql) + ".split(';')) { if (s.trim()) await con.run(s); }\n" +
			"console.log((await con.runAndReadAll(" + jsString(check) + ")).getRows()[0][0]);\n"
		runSnippet(t, dir, "check.mjs", runner, want("DOUBLE"), node)
	})
}

// countEmpty counts the empty fields of a CSV column.
func countEmpty(t *testing.T, data []byte, column string) int {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := -1
	for i, name := range recs[0] {
		if name == column {
			col = i
		}
	}
	if col < 0 {
		t.Fatalf("no column %s", column)
	}
	n := 0
	for _, r := range recs[1:] {
		if r[col] == "" {
			n++
		}
	}
	return n
}

// findTool returns the first candidate for which `candidate probe...`
// succeeds, or skips the test.
func findTool(t *testing.T, candidates []string, probe ...string) string {
	t.Helper()
	for _, c := range candidates {
		if exec.Command(c, probe...).Run() == nil {
			return c
		}
	}
	t.Skipf("none of %v can run %v: not installed", candidates, probe)
	return ""
}

// runSnippet writes a script into dir, runs it there and compares its
// output with want.
func runSnippet(t *testing.T, dir, name, script, want, tool string) {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(tool, path)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", tool, name, err, out)
	}
	if got := strings.TrimSpace(string(out)); got != want {
		t.Errorf("%s read %q, want %q", tool, got, want)
	}
}

func jsString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, "`", "\\`", "$", `\$`)
	return "`" + r.Replace(s) + "`"
}

// TestCSVInjectionCLI (issue 12 item 17): the ITU's note on Türkiye's 4G
// coverage of 2018 begins "-117 dBm" (ITU DataHub export shipped in
// datasets/sources/itu-datahub); the CLI's CSV neutralises it with a
// leading ', its JSON keeps it verbatim, and the value stays a number.
func TestCSVInjectionCLI(t *testing.T) {
	args := []string{"data", "--indicator", "itu.coverage_4g", "--unit", "TUR", "--date", "2018"}
	code, out, stderr := dri(t, append(args, "--format", "json")...)
	var rows []struct {
		Value float64 `json:"value"`
		Note  string  `json:"note"`
	}
	if err := json.Unmarshal([]byte(out), &rows); err != nil || code != exitOK || len(rows) != 1 {
		t.Fatalf("json: exit %d, %v, %d rows: %s", code, err, len(rows), stderr)
	}
	note := rows[0].Note
	if !strings.HasPrefix(note, "-117 dBm") {
		t.Fatalf("JSON note %q, want the publisher's text verbatim", note)
	}
	_, out, _ = dri(t, append(args, "--format", "csv")...)
	value := strconv.FormatFloat(rows[0].Value, 'g', -1, 64)
	want := fmt.Sprintf("\"TUR\",2018,\"itu.coverage_4g\",\"_T\",\"_T\",\"_T\",\"_T\",\"_T\",\"_T\",%s,\"A\",", value)
	if !strings.Contains(out, want) || !strings.HasSuffix(out, ",\"'"+strings.ReplaceAll(note, `"`, `""`)+"\"\n") {
		t.Errorf("csv:\n%s\nwant a row starting %s and ending with the note after '", out, want)
	}
}
