package api

import (
	"slices"
	"strings"
	"testing"
)

func TestParseSDMXKey(t *testing.T) {
	obs, _ := sdmxFlowByID(flowObservations)
	n := len(obs.dims)
	empty := strings.Repeat(".", n-3) // the positions after SEX
	for _, c := range []struct {
		key  string
		want [][]string // the first three positions; the rest empty
	}{
		{"KAZ+NGA.itu.internet_use.F" + empty, [][]string{{"KAZ", "NGA"}, {"itu.internet_use"}, {"F"}}},
		{"KAZ.itu_internet_use+IT.NET.USER.ZS.F+M" + empty, [][]string{{"KAZ"}, {"itu_internet_use", "IT.NET.USER.ZS"}, {"F", "M"}}},
		{"KAZ.egov.egdi+itu.internet_use." + empty, [][]string{{"KAZ"}, {"egov.egdi", "itu.internet_use"}, nil}},
		{"all", [][]string{nil, nil, nil}},
		{"KEN+KEN..F" + empty, [][]string{{"KEN"}, nil, {"F"}}},
	} {
		got, err := parseSDMXKey(c.key, obs)
		if err != nil {
			t.Errorf("parseSDMXKey(%q): %v", c.key, err)
			continue
		}
		want := append(c.want, make([][]string, n-3)...)
		if !slices.EqualFunc(got, want, slices.Equal) {
			t.Errorf("parseSDMXKey(%q) = %q, want %q", c.key, got, want)
		}
	}
	if _, err := parseSDMXKey("KEN.itu.internet_use", obs); err == nil {
		t.Error("a key shorter than the flow's dimensions parsed")
	}
}

// FuzzSDMXKey: any key parses to one list per dimension or an error, never
// a panic, and no list holds an empty code or one twice.
func FuzzSDMXKey(f *testing.F) {
	for _, seed := range []string{"KAZ+NGA.itu.internet_use.F.....", "all", "", ".......", "a.b.c.d.e.f.g.h.i.j", "+..+", "KEN.compass.PEOPLE.skills.VALUE"} {
		f.Add(seed)
	}
	flows := sdmxFlows()
	f.Fuzz(func(t *testing.T, key string) {
		for _, fl := range flows {
			got, err := parseSDMXKey(key, fl)
			if err != nil {
				continue
			}
			if len(got) != len(fl.dims) {
				t.Fatalf("parseSDMXKey(%q) for %s: %d positions, want %d", key, fl.id, len(got), len(fl.dims))
			}
			for _, codes := range got {
				for i, c := range codes {
					if c == "" || slices.Contains(codes[:i], c) {
						t.Fatalf("parseSDMXKey(%q): position %q holds an empty or repeated code", key, codes)
					}
				}
			}
		}
	})
}
