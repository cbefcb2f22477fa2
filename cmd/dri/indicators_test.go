package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestDataByAlias: dri data takes a publisher's code for --indicator and
// prints the rows /v1/data gives for the indicator's id.
func TestDataByAlias(t *testing.T) {
	var want []string
	for _, r := range apiRows(t, "/v1/data?indicator=itu.internet_use&unit=KEN,UGA&date=2016:2024&per_page=1000") {
		want = append(want, rowKey(r))
	}
	var got []string
	for _, r := range cliRows(t, "data", "--indicator", "IT.NET.USER.ZS;itu.internet_use", "--unit", "KEN,UGA", "--date", "2016:2024") {
		got = append(got, rowKey(r))
	}
	if len(want) == 0 || !slices.Equal(got, want) {
		t.Errorf("dri data --indicator IT.NET.USER.ZS;itu.internet_use: %d rows, /v1/data?indicator=itu.internet_use %d\n got %q\nwant %q", len(got), len(want), got, want)
	}
}

// TestIndicatorsCommand: dri indicators lists every registry entry with
// its aliases.
func TestIndicatorsCommand(t *testing.T) {
	code, stdout, stderr := dri(t, "indicators", "--format", "json")
	if code != 0 {
		t.Fatalf("dri indicators: exit %d: %s", code, stderr)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(stdout), &rows); err != nil {
		t.Fatal(err)
	}
	aliases := map[string]any{}
	for _, r := range rows {
		aliases[r["id"].(string)] = r["aliases"]
	}
	// datasets/indicators.yaml: the aliases of findex.account.
	if got, want := aliases["findex.account"], "account_t_d,account.t.d"; got != want {
		t.Errorf("dri indicators: findex.account aliases %v, want %s", got, want)
	}
	if _, ok := aliases["egov.egdi"]; !ok {
		t.Error("dri indicators: egov.egdi missing")
	}
}

// TestIndicatorsUserAliases: a user's indicators.yaml adds aliases, and one
// claiming a publisher's code DRI already maps is refused naming both.
func TestIndicatorsUserAliases(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("catalog.yaml", "sources: []\n")
	write("indicators.yaml", "indicators:\n  - {id: my.internet, name: Mine, unit: percent, polarity: 1, aliases: [MY_NET]}\n")
	code, stdout, stderr := dri(t, "indicators", "--data", dir, "--format", "csv")
	if code != 0 || !strings.Contains(stdout, `"my.internet","MY_NET","Mine"`) {
		t.Errorf("dri indicators --data: exit %d, %s\n%s", code, stderr, stdout)
	}
	write("indicators.yaml", "indicators:\n  - {id: my.internet, name: Mine, unit: percent, polarity: 1, aliases: [it.net.user.zs]}\n")
	code, _, stderr = dri(t, "indicators", "--data", dir)
	if want := `alias "it.net.user.zs" claimed by two indicators: "itu.internet_use" and "my.internet"`; code == 0 || !strings.Contains(stderr, want) {
		t.Errorf("dri indicators --data (a claimed alias): exit %d, %s; want an error containing %s", code, stderr, want)
	}
}
