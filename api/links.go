package api

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
)

// Paged lists carry an RFC 8288 Link header (first, prev, next, last) with
// absolute URLs, so that a client can follow rel=next as given (Python's
// requests.get(r.links["next"]["url"]) needs a scheme and host). The base
// of those URLs is, in order:
//  1. the configured public URL (dri serve --public-url, DRI_PUBLIC_URL),
//     for a server behind a proxy that rewrites the host or adds a path
//     prefix;
//  2. behind a trusted proxy (--trusted-proxies), the proxy's
//     X-Forwarded-Proto and X-Forwarded-Host;
//  3. the request's own scheme (https over TLS) and Host.
// Forwarded headers from any other peer are ignored: a client could
// otherwise make the server hand out links to a host of its choosing.

// ParsePublicURL checks a public base URL: http or https, a host, an
// optional path prefix, no query, fragment or user information. It returns
// the URL without a trailing slash, ready to put before /v1/...
func ParsePublicURL(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", fmt.Errorf("api: public URL %q: %v", s, err)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return "", fmt.Errorf("api: public URL %q: want an http or https URL such as https://dri.example.org", s)
	case u.Host == "" || !validHost(u.Host):
		return "", fmt.Errorf("api: public URL %q: no valid host", s)
	case u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return "", fmt.Errorf("api: public URL %q: want scheme, host and an optional path only", s)
	}
	return u.Scheme + "://" + u.Host + strings.TrimRight(u.EscapedPath(), "/"), nil
}

// validHost reports whether h is a plain host[:port] (a name, an IPv4
// address or a bracketed IPv6 address): nothing that could break out of a
// Link header's <...>.
func validHost(h string) bool {
	if h == "" || len(h) > 255 {
		return false
	}
	for _, c := range h {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune(".-:[]_", c)) {
			return false
		}
	}
	return true
}

// proxyPrefixes turns trusted proxy addresses and CIDR prefixes (checked
// by ParseTrustedProxies) into prefixes; entries that do not parse are
// dropped (trusting fewer proxies, never more).
func proxyPrefixes(proxies []string) []netip.Prefix {
	var out []netip.Prefix
	for _, p := range proxies {
		if pre, err := netip.ParsePrefix(p); err == nil {
			out = append(out, pre.Masked())
		} else if a, err := netip.ParseAddr(p); err == nil {
			out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
		}
	}
	return out
}

// trustedPeer reports whether the request came straight from a trusted
// proxy.
func (s *Server) trustedPeer(req *http.Request) bool {
	if len(s.proxies) == 0 {
		return false
	}
	host, _, err := net.SplitHostPort(req.RemoteAddr)
	if err != nil {
		host = req.RemoteAddr
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	a = a.Unmap()
	for _, p := range s.proxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// baseURL is what the request's absolute links start with (see above):
// scheme://host[/prefix], no trailing slash.
func (s *Server) baseURL(req *http.Request) string {
	if s.cfg.PublicURL != "" {
		return s.cfg.PublicURL
	}
	scheme, host := "http", req.Host
	if req.TLS != nil {
		scheme = "https"
	}
	if s.trustedPeer(req) {
		// A chain of proxies appends: the first value is the client-facing one.
		first := func(v string) string { v, _, _ = strings.Cut(v, ","); return strings.TrimSpace(v) }
		if p := strings.ToLower(first(req.Header.Get("X-Forwarded-Proto"))); p == "http" || p == "https" {
			scheme = p
		}
		if h := first(req.Header.Get("X-Forwarded-Host")); validHost(h) {
			host = h
		}
	}
	if !validHost(host) {
		host = "localhost"
	}
	return scheme + "://" + host
}

// links builds the RFC 8288 Link header for a paged list from the canonical
// query, so it depends on nothing the cache key leaves out. Its URLs are
// relative (path and query); absoluteLinks adds the base.
func links(req *http.Request, q *query, page, pages int) string {
	path := req.URL.EscapedPath()
	mk := func(p int, rel string) string {
		return fmt.Sprintf("<%s?%s>; rel=%q", path, q.with("page", strconv.Itoa(p)), rel)
	}
	var parts []string
	if pages == 0 {
		pages = 1
	}
	parts = append(parts, mk(1, "first"))
	if page > 1 {
		parts = append(parts, mk(min(page-1, pages), "prev"))
	}
	if page < pages {
		parts = append(parts, mk(page+1, "next"))
	}
	parts = append(parts, mk(pages, "last"))
	return strings.Join(parts, ", ")
}

// absoluteLinks puts base before every URL of a Link header built by
// links (each URL starts with '/' right after '<'; the canonical query
// percent-encodes '<', so no other '<' occurs).
func absoluteLinks(base, link string) string {
	return strings.ReplaceAll(link, "</", "<"+base+"/")
}
