package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestOwnIndicatorsAsDocumented uses the sidecar examples of README.md and
// dri help own-data as they are written: each, saved as
// survey.indicators.yaml next to survey.csv, makes survey.mobile_money an
// indicator dri data reads.
func TestOwnIndicatorsAsDocumented(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	topic, err := os.ReadFile("topics/own-data.md")
	if err != nil {
		t.Fatal(err)
	}
	examples := map[string]string{}
	if m := regexp.MustCompile("(?s)```\n(indicators:\n.*?)```").FindSubmatch(readme); m != nil {
		examples["README.md"] = string(m[1])
	}
	// The topic's example is the indented block that starts with "indicators:".
	var block []string
	for _, line := range strings.Split(string(topic), "\n") {
		if strings.HasPrefix(line, "    indicators:") || (len(block) > 0 && strings.HasPrefix(line, "    ")) {
			block = append(block, strings.TrimPrefix(line, "    "))
		} else if len(block) > 0 {
			break
		}
	}
	examples["topics/own-data.md"] = strings.Join(block, "\n")
	for doc, yaml := range examples {
		if !strings.Contains(yaml, "survey.mobile_money") {
			t.Errorf("%s: no sidecar example for survey.mobile_money found", doc)
			continue
		}
		dir := t.TempDir()
		csv := filepath.Join(dir, "survey.csv")
		// Values made up for the test.
		if err := os.WriteFile(csv, []byte("unit,year,indicator,sex,value\nKEN,2023,survey.mobile_money,_T,77.5\nKEN,2023,survey.mobile_money,F,72.1\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "survey.indicators.yaml"), []byte(yaml), 0o644); err != nil {
			t.Fatal(err)
		}
		code, stdout, stderr := dri(t, "data", "--data", csv, "--indicator", "survey.mobile_money", "--format", "csv")
		if code != exitOK || strings.Count(stdout, "survey.mobile_money") != 2 {
			t.Errorf("%s's sidecar example: dri data: exit %d\n%s%s", doc, code, stdout, stderr)
		}
	}
}

// TestREADMECOINrExample runs the README's COINr example on the files it
// names.
func TestREADMECOINrExample(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`\$ dri (score --imeta \S+ --idata \S+ --format csv)`).FindSubmatch(readme)
	if m == nil {
		t.Fatal("README.md has no dri score --imeta example")
	}
	args := strings.Fields(string(m[1]))
	for i, a := range args {
		if strings.HasSuffix(a, ".csv") {
			args[i] = filepath.Join("../..", a)
		}
	}
	code, stdout, stderr := dri(t, args...)
	if code != exitOK || !strings.HasPrefix(stdout, "uCode,") {
		t.Errorf("dri %s: exit %d\n%s%s", m[1], code, stdout, stderr)
	}
}
