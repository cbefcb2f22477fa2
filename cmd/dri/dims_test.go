package main

import (
	"strings"
	"testing"
)

// dri data's --sex and --area take the codes of the dimension table
// (pipeline/dims), say which in --help, and name the flag of a wrong code;
// with both wrong, always --sex (the check once ranged over a map).
func TestDataCodeFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--sex", "X"}, `--sex: unknown code "X"`},
		{[]string{"--sex", "F,U"}, `--sex: unknown code "U"`},
		{[]string{"--area", "F"}, `--area: unknown code "F"`},
		{[]string{"--area", "U", "--sex", "_T,R"}, `--sex: unknown code "R"`},
		{[]string{"--sex", "U", "--area", "F"}, `--sex: unknown code "U"`},
		{[]string{"--age", "Y99X"}, `--age: unknown code "Y99X"`}, // not an SDMX age band: it would match nothing
		{[]string{"--area", "U", "--age", "15-24"}, `--age: unknown code "15-24"`},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			for range 3 {
				args := append([]string{"data", "--indicator", "itu.internet_use"}, tc.args...)
				code, _, stderr := dri(t, args...)
				if code != exitUsage || !strings.Contains(stderr, tc.want) {
					t.Fatalf("dri %s: exit %d, stderr %q; want exit %d and %q", strings.Join(args, " "), code, stderr, exitUsage, tc.want)
				}
			}
		})
	}
	code, stdout, _ := dri(t, "data", "--help")
	for _, want := range []string{"list of sex codes: _T, F, M", "list of area codes: _T, U (urban), R (rural)", "list of income codes: _T, Q1 (poorest fifth)", "age codes: _T or SDMX bands"} {
		if code != exitOK || !strings.Contains(stdout, want) {
			t.Errorf("dri data --help: exit %d, no %q in\n%s", code, want, stdout)
		}
	}
}
