package main

import (
	"slices"
	"strings"
)

// splitList splits a list flag's value by the API's rule for list
// parameters (api/query.go, parseQuery): items separated by ',' or ';',
// spaces around an item dropped, empty items ignored, an item given twice
// kept once, in the order first given. TestListsAsTheAPI feeds the same
// strings to both. dri help syntax documents the rule.
func splitList(s string) []string {
	var out []string
	for s != "" {
		item := s
		if i := strings.IndexAny(s, ",;"); i >= 0 {
			item, s = s[:i], s[i+1:]
		} else {
			s = ""
		}
		if item = strings.TrimSpace(item); item != "" && !slices.Contains(out, item) {
			out = append(out, item)
		}
	}
	return out
}
