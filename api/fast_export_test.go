package api

import "net/http"

// FastPathOff makes s answer every request through gin (fast.go's path off).
func FastPathOff(s *Server) { s.fast = nil }

// ServeFast reports whether s's fast path answers req (and answers it).
func ServeFast(s *Server, w http.ResponseWriter, req *http.Request) bool {
	return s.fast != nil && s.serveFast(w, req)
}
