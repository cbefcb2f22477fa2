package api

import (
	"net/http"
	"testing"
)

// TestFastRouterMatch: the fast path's router names the route gin would
// take for a path that exactly one GET/HEAD route matches, and nothing for
// a path no cacheable route (or more than one route) matches, with the
// dashboard's routes ("/" and the catch-all "/assets/*filepath") present.
func TestFastRouterMatch(t *testing.T) {
	s := New(Config{UI: http.NotFoundHandler()}, &Holder{})
	for _, c := range []struct{ method, path, want string }{
		{"GET", "/v1/scores/compass", "/v1/scores/:framework"},
		{"HEAD", "/v1/scores/compass", "/v1/scores/:framework"},
		{"GET", "/v1/scores/compass/KAZ", "/v1/scores/:framework/:unit"},
		{"GET", "/v1/units", "/v1/units"},
		{"GET", "/v1/units/KAZ", "/v1/units/:code"},
		{"GET", "/v1/units/", ""},     // gin: no route (no trailing-slash redirect)
		{"GET", "/v1/units//KAZ", ""}, // an empty segment
		{"GET", "/v1/scores/compass/KAZ/x", ""},
		{"GET", "/assets/v1/units", ""},     // the dashboard's catch-all
		{"GET", "/", ""},                    // the dashboard
		{"GET", "/healthz", ""},             // not cacheable
		{"GET", "/v1/export/units.csv", ""}, // served by its own handler
		{"POST", "/v1/units", ""},
	} {
		got := ""
		if fr := s.fast.match(c.method, c.path); fr != nil {
			got = fr.rt.path
		}
		if got != c.want {
			t.Errorf("%s %s: route %q, want %q", c.method, c.path, got, c.want)
		}
	}
}
