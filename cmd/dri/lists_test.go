package main

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
)

func TestSplitList(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"KEN", []string{"KEN"}},
		{"KEN,UGA", []string{"KEN", "UGA"}},
		{"KEN;UGA", []string{"KEN", "UGA"}},
		{" KEN ; UGA , TZA ", []string{"KEN", "UGA", "TZA"}},
		{",,KEN;;", []string{"KEN"}},
		{"KEN,UGA,KEN", []string{"KEN", "UGA"}},
		{"ken,KEN", []string{"ken", "KEN"}}, // items are compared as given; units resolve later
	} {
		if got := splitList(c.in); !slices.Equal(got, c.want) {
			t.Errorf("splitList(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// rowKey is an observation as both surfaces show it.
func rowKey(r map[string]any) string {
	return fmt.Sprintf("%v|%v|%v|%v|%v|%v|%v", r["unit"], r["year"], r["indicator"], r["sex"], r["area"], r["age"], r["value"])
}

// TestListsAsTheAPI feeds the same list strings to /v1/data and to dri
// data and compares the rows, in order: the CLI reads lists by the API's
// rule (api/query.go), and lists indicators in the API's order.
func TestListsAsTheAPI(t *testing.T) {
	for _, c := range []struct{ indicators, units, sex string }{
		{"egov.egdi,itu.internet_use", "KEN,UGA", ""},
		{"itu.internet_use;egov.egdi", "UGA;KEN", ""},
		{" egov.egdi ;; itu.internet_use , egov.egdi", "KEN; ke ;,UGA", ""},
		{"egov.egdi;itu.internet_use", "KEN;LDC;ldc", ""},
		{"itu.internet_use", "KEN;NGA", "M; F,M"},
	} {
		target := "/v1/data?indicator=" + url.QueryEscape(c.indicators) + "&unit=" + url.QueryEscape(c.units) +
			"&sex=" + url.QueryEscape(c.sex) + "&date=2016:2024&per_page=1000"
		var want []string
		for _, r := range apiRows(t, target) {
			want = append(want, rowKey(r))
		}
		var got []string
		for _, r := range cliRows(t, "data", "--indicator", c.indicators, "--unit", c.units, "--sex", c.sex, "--date", "2016:2024", "--aggregate") {
			got = append(got, rowKey(r))
		}
		if len(want) == 0 {
			t.Fatalf("GET %s: no rows", target)
		}
		if !slices.Equal(got, want) {
			t.Errorf("dri data --indicator %q --unit %q: %d rows differ from GET %s (%d rows)\nfirst cli: %q\nfirst api: %q",
				c.indicators, c.units, len(got), target, len(want), got[:min(3, len(got))], want[:min(3, len(want))])
		}
	}
}

// TestDataIndicatorList checks that dri data --indicator a,b is dri data
// --indicator a followed by dri data --indicator b.
func TestDataIndicatorList(t *testing.T) {
	args := []string{"--unit", "KEN,LDC", "--aggregate", "--date", "2018:2024", "--format", "csv"}
	run := func(ind string) string {
		code, stdout, stderr := dri(t, append([]string{"data", "--indicator", ind}, args...)...)
		if code != exitOK {
			t.Fatalf("dri data --indicator %s: exit %d: %s", ind, code, stderr)
		}
		return stdout
	}
	a, b, both := run("egov.egdi"), run("itu.internet_use"), run("egov.egdi,itu.internet_use")
	_, bRows, _ := strings.Cut(b, "\n") // without its header
	if both != a+bRows {
		t.Errorf("dri data --indicator egov.egdi,itu.internet_use is not the two calls concatenated:\n%s\nwant\n%s%s", both, a, bRows)
	}
	if code, _, stderr := dri(t, "data", "--indicator", "egov.egdi,nope;zz"); code != exitUsage || !strings.Contains(stderr, `"nope", "zz"`) {
		t.Errorf(`dri data --indicator egov.egdi,nope;zz: exit %d, stderr %q (want 2 naming "nope", "zz")`, code, stderr)
	}
}
