package api

import "strings"

// CanonicalQuery parses a raw query as the route whose path pattern matches
// path does, and returns its canonical form (false: no such route, or the
// query is a 400).
func (s *Server) CanonicalQuery(path, raw string) (string, bool) {
	for _, rt := range s.routes {
		if rt.method == "GET" && matchPattern(rt.path, path) {
			q, errs := parseQuery(raw, routeKinds(rt))
			if errs.problem() != nil {
				return "", false
			}
			return q.canonical(), true
		}
	}
	return "", false
}

func matchPattern(pattern, path string) bool {
	ps, xs := strings.Split(pattern, "/"), strings.Split(path, "/")
	if len(ps) != len(xs) {
		return false
	}
	for i := range ps {
		if !strings.HasPrefix(ps[i], ":") && ps[i] != xs[i] {
			return false
		}
	}
	return true
}
