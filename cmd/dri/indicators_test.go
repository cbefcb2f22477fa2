package main

import (
	"encoding/json"
	"slices"
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
