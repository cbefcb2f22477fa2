package api_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/dri-engine/dri/api"
)

var linkRel = regexp.MustCompile(`<([^>]*)>; rel="([a-z]+)"`)

// linkURLs parses a Link header into rel -> URL.
func linkURLs(header string) map[string]string {
	out := map[string]string{}
	for _, m := range linkRel.FindAllStringSubmatch(header, -1) {
		out[m[2]] = m[1]
	}
	return out
}

// TestFollowNext walks /v1/data over a real listener by following each
// page's absolute rel=next URL as given, the way a client does, and gets
// every row exactly once.
func TestFollowNext(t *testing.T) {
	srv := httptest.NewServer(testServer(t).Handler())
	defer srv.Close()
	next := srv.URL + "/v1/data?indicator=itu.internet_use&unit=KEN,UGA,NGA&per_page=25"
	seen := map[string]bool{}
	total, pages := -1, 0
	for next != "" {
		resp, err := http.Get(next)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d %s", next, resp.StatusCode, body)
		}
		var page struct {
			Meta struct {
				Total, Page int
			} `json:"meta"`
			Data []map[string]any `json:"data"`
		}
		if err := json.Unmarshal(body, &page); err != nil {
			t.Fatal(err)
		}
		pages++
		if page.Meta.Page != pages {
			t.Fatalf("GET %s: meta.page %d, want %d", next, page.Meta.Page, pages)
		}
		total = page.Meta.Total
		for _, r := range page.Data {
			k := rowKey(r)
			if seen[k] {
				t.Errorf("row %s on two pages", k)
			}
			seen[k] = true
		}
		links := linkURLs(resp.Header.Get("Link"))
		for rel, u := range links {
			if !strings.HasPrefix(u, srv.URL+"/v1/data?") {
				t.Errorf("page %d: rel=%s URL %q does not start with %s/v1/data?", pages, rel, u, srv.URL)
			}
		}
		next = links["next"]
	}
	if pages < 2 || len(seen) != total {
		t.Errorf("followed %d pages, %d distinct rows; meta.total %d", pages, len(seen), total)
	}
}

func rowKey(r map[string]any) string {
	var b strings.Builder
	for _, k := range []string{"unit", "year", "indicator", "sex", "area", "age", "value"} {
		b.WriteString(strings.TrimSpace(strings.ReplaceAll(jsonText(r[k]), "\n", "")))
		b.WriteByte('|')
	}
	return b.String()
}

func jsonText(v any) string { b, _ := json.Marshal(v); return string(b) }

// TestLinkBase: the configured public URL wins; forwarded headers count
// only from a trusted proxy; a cached response's links follow the host of
// the request it answers, not the one that filled the cache.
func TestLinkBase(t *testing.T) {
	const target = "/v1/units?per_page=10"
	var h api.Holder
	h.Set(testDataset(t))
	next := func(s *api.Server, host, remote string, header ...string) string {
		req := httptest.NewRequest(http.MethodGet, target, nil)
		req.Host, req.RemoteAddr = host, remote
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		return linkURLs(rec.Header().Get("Link"))["next"]
	}
	fwd := []string{"X-Forwarded-Proto", "https", "X-Forwarded-Host", "dri.example.org, inner.local"}
	plain := api.New(api.Config{RatePerSecond: -1}, &h)
	proxied := api.New(api.Config{RatePerSecond: -1, TrustedProxies: []string{"10.0.0.0/8"}}, &h)
	public := api.New(api.Config{RatePerSecond: -1, PublicURL: "https://data.example.org/dri", TrustedProxies: []string{"10.0.0.0/8"}}, &h)
	for _, c := range []struct {
		name   string
		got    string
		prefix string
	}{
		{"request host", next(plain, "a.example:8080", "192.0.2.1:1000"), "http://a.example:8080/v1/units?"},
		{"cached, other host", next(plain, "b.example", "192.0.2.1:1000"), "http://b.example/v1/units?"},
		{"untrusted forwarded", next(plain, "a.example", "10.1.2.3:1000", fwd...), "http://a.example/v1/units?"},
		{"trusted forwarded", next(proxied, "inner.local", "10.1.2.3:1000", fwd...), "https://dri.example.org/v1/units?"},
		{"forwarded from another peer", next(proxied, "inner.local", "192.0.2.1:1000", fwd...), "http://inner.local/v1/units?"},
		{"bad forwarded host", next(proxied, "inner.local", "10.1.2.3:1000", "X-Forwarded-Host", "evil>; rel=x"), "http://inner.local/v1/units?"},
		{"public URL", next(public, "inner.local", "10.1.2.3:1000", fwd...), "https://data.example.org/dri/v1/units?"},
	} {
		if !strings.HasPrefix(c.got, c.prefix) || !strings.Contains(c.got, "page=2") {
			t.Errorf("%s: next = %q, want %s...page=2", c.name, c.got, c.prefix)
		}
	}
}

func TestParsePublicURL(t *testing.T) {
	for _, c := range []struct{ in, want, err string }{
		{"", "", ""},
		{"https://dri.example.org", "https://dri.example.org", ""},
		{"https://dri.example.org/", "https://dri.example.org", ""},
		{"http://10.0.0.1:8080/dri/", "http://10.0.0.1:8080/dri", ""},
		{"dri.example.org", "", "want an http or https URL"},
		{"ftp://dri.example.org", "", "want an http or https URL"},
		{"https://", "", "no valid host"},
		{"https://dri.example.org/?a=1", "", "scheme, host and an optional path only"},
		{"https://user@dri.example.org", "", "scheme, host and an optional path only"},
	} {
		got, err := api.ParsePublicURL(c.in)
		if c.err == "" && (err != nil || got != c.want) {
			t.Errorf("ParsePublicURL(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
		if c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)) {
			t.Errorf("ParsePublicURL(%q) = %q, %v; want an error containing %q", c.in, got, err, c.err)
		}
	}
}
