package api

import (
	"fmt"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"time"
)

// The fast path answers a GET or HEAD that the response cache holds (or a
// 304 for it) without gin: gin's per-request work (its context, the
// middleware chain, the router) costs more than the cached reply itself
// (docs/BENCHMARKS.md, capacity of one replica, round 2). It does what the
// middleware chain does for such a request, through the same functions:
// base headers (baseHeaderSet), the rate limit (clientLimiter.allow), the
// reply (prepare and answerCached, which serve uses too), delivery
// (flushed) and the log and metrics (record). Anything else, and any
// request it is not sure of, goes to gin unchanged: another method, a path
// that does not name exactly one route or names a route that is not
// cacheable, a request body, a long query, a peer that is a trusted proxy
// (gin reads the client from its headers), a client over its rate, a
// problem, a reply not in the cache.

// fastRoute is a cacheable route the fast path may answer, with its path
// split into segments (":name" matches one non-empty segment).
type fastRoute struct {
	rt    *route
	kinds map[string]paramKind
}

// fastRouter matches a request path against every route gin has for GET
// and HEAD; only a path that exactly one route matches, and that route a
// cacheable one, is the fast path's.
type fastRouter struct {
	// patterns are every route's segments by method and segment count;
	// catchAll those with a "*name" segment, by method.
	patterns map[patternKey][][]string
	catchAll map[string][][]string
	routes   map[string]*fastRoute // path pattern -> cacheable route
	// off: the trusted proxies could not all be parsed here, so the fast
	// path could not tell which peers gin trusts; it is not used.
	off bool
}

// patternKey is a method and a number of path segments.
type patternKey struct {
	method   string
	segments int
}

func (s *Server) buildFastRouter() *fastRouter {
	fr := &fastRouter{patterns: map[patternKey][][]string{}, catchAll: map[string][][]string{},
		routes: map[string]*fastRoute{}, off: len(s.proxies) != len(s.cfg.TrustedProxies)}
	for _, ri := range s.engine.Routes() {
		if ri.Method != http.MethodGet && ri.Method != http.MethodHead {
			continue
		}
		p := strings.Split(ri.Path, "/")
		if strings.Contains(ri.Path, "/*") {
			fr.catchAll[ri.Method] = append(fr.catchAll[ri.Method], p)
		} else {
			k := patternKey{ri.Method, len(p)}
			fr.patterns[k] = append(fr.patterns[k], p)
		}
	}
	for _, rt := range s.routes {
		if rt.method == http.MethodGet && rt.cacheable {
			fr.routes[rt.path] = &fastRoute{rt: rt, kinds: routeKinds(rt)}
		}
	}
	return fr
}

// match returns the cacheable route that is the only route of the method
// whose pattern matches path (nil otherwise).
func (fr *fastRouter) match(method, path string) *fastRoute {
	var only []string
	for _, set := range [][][]string{fr.patterns[patternKey{method, strings.Count(path, "/") + 1}], fr.catchAll[method]} {
		for _, p := range set {
			if segmentsMatch(p, path) {
				if only != nil {
					return nil
				}
				only = p
			}
		}
	}
	if only == nil {
		return nil
	}
	return fr.routes[strings.Join(only, "/")]
}

// segmentsMatch reports whether path matches a route's segments: a static
// segment equals, ":name" takes one non-empty segment, "*name" the rest.
func segmentsMatch(pattern []string, path string) bool {
	rest := path
	for i, seg := range pattern {
		if strings.HasPrefix(seg, "*") {
			return true
		}
		cur, after, more := strings.Cut(rest, "/")
		if strings.HasPrefix(seg, ":") {
			if cur == "" {
				return false
			}
		} else if cur != seg {
			return false
		}
		if i == len(pattern)-1 {
			return !more
		}
		if !more {
			return false
		}
		rest = after
	}
	return false
}

// ServeHTTP answers cached replies itself and gives every other request to
// gin.
func (s *Server) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if s.fast == nil || !s.serveFast(w, req) {
		s.engine.ServeHTTP(w, req)
	}
}

// serveFast answers req if it is a cached reply or its 304 (see above);
// false: it wrote nothing and gin must answer.
func (s *Server) serveFast(w http.ResponseWriter, req *http.Request) bool {
	if (req.Method != http.MethodGet && req.Method != http.MethodHead) || req.ContentLength != 0 ||
		len(req.URL.RawQuery) > s.cfg.MaxQueryBytes || s.fast.off {
		return false
	}
	fr := s.fast.match(req.Method, req.URL.Path)
	if fr == nil || s.trustedPeer(req) {
		return false
	}
	start := time.Now()
	pre := s.prepare(req, fr.rt, fr.kinds)
	if pre.problem != nil || (!pre.notModified && pre.cached == nil) {
		return false
	}
	client := peerIP(req)
	if s.limiter != nil {
		if ok, _ := s.limiter.allow(clientKey(client), start); !ok {
			return false // gin answers the 429 (allow took no token)
		}
	}
	written := false
	defer func() {
		// As recoverer does.
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.cfg.Logger.Error("panic serving request", "method", req.Method, "path", req.URL.Path,
				"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			if !written {
				writeProblem(w, req, newProblem(http.StatusInternalServerError, CodeInternal, "internal error"))
			}
		}
	}()
	h := w.Header()
	for k, v := range baseHeaderSet {
		h[k] = v
	}
	written = true
	_, n := s.answerCached(w, req, fr.rt, &pre)
	status := http.StatusNotModified
	if pre.cached != nil && !pre.notModified {
		status = pre.cached.status
	}
	status, failed := flushed(w, status)
	s.record(req, fr.rt.path, status, n, time.Since(start), client, failed)
	return true
}

// peerIP is the client gin's ClientIP names when the peer is not a trusted
// proxy: the peer's address as net.IP prints it ("" if it has none).
func peerIP(req *http.Request) string {
	host, _, err := net.SplitHostPort(strings.TrimSpace(req.RemoteAddr))
	if err != nil {
		return ""
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return ""
	}
	return ip.String()
}
