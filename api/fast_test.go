package api_test

import (
	"bytes"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dri-engine/dri/api"
)

// requestLines are the log's n request lines without their time and
// duration (waiting up to 5 s for the last: a line is written after the
// reply is sent).
func requestLines(t *testing.T, b *syncBuffer, n int) []string {
	t.Helper()
	for i := 0; strings.Count(b.String(), "msg=request ") < n && i < 500; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	var out []string
	vary := regexp.MustCompile(`^time=\S+ | duration_ms=\S+`)
	for _, l := range strings.Split(strings.TrimSpace(b.String()), "\n") {
		out = append(out, vary.ReplaceAllString(l, ""))
	}
	return out
}

// sameLines fails the test where the two servers' logs differ, in any
// order (a request's line is written after its reply is sent, so the next
// request's can come first).
func sameLines(t *testing.T, fast, gin []string) {
	t.Helper()
	slices.Sort(fast)
	slices.Sort(gin)
	if len(fast) != len(gin) {
		t.Errorf("%d log lines with the fast path, %d without", len(fast), len(gin))
	}
	for i := range min(len(fast), len(gin)) {
		if fast[i] != gin[i] {
			t.Errorf("log line %d:\nfast path: %.300s\nwithout:   %.300s", i, fast[i], gin[i])
		}
	}
}

// fastPair serves one dataset from two servers of one configuration, the
// second with the fast path off, each on a real connection through
// HTTPServer, and returns their base URLs and logs.
func fastPair(t *testing.T, cfg api.Config) (on, off *api.Server, bases [2]string, logs [2]*syncBuffer) {
	var h api.Holder
	h.Set(testDataset(t))
	var servers [2]*api.Server
	for i := range servers {
		logs[i] = &syncBuffer{}
		c := cfg
		c.Logger = slog.New(slog.NewTextHandler(logs[i], nil))
		servers[i] = api.New(c, &h)
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		srv := servers[i].HTTPServer()
		go srv.Serve(ln)
		t.Cleanup(func() { srv.Close() })
		bases[i] = "http://" + ln.Addr().String()
	}
	api.FastPathOff(servers[1])
	return servers[0], servers[1], bases, logs
}

type fastCase struct {
	name, method, target string
	header               map[string]string
}

// fetchBoth sends one request to both servers and fails the test where the
// replies differ in status, any header but Date, or body.
func fetchBoth(t *testing.T, bases [2]string, c fastCase) *http.Response {
	t.Helper()
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	var resps [2]*http.Response
	var bodies [2][]byte
	for i, base := range bases {
		req, err := http.NewRequest(c.method, base+c.target, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Host = "api.example" // the Link header's URLs name it
		for k, v := range c.header {
			req.Header.Set(k, v)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		bodies[i], err = io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		resp.Header.Del("Date")
		resps[i] = resp
	}
	if resps[0].StatusCode != resps[1].StatusCode {
		t.Errorf("%s: status %d with the fast path, %d without", c.name, resps[0].StatusCode, resps[1].StatusCode)
	}
	keys := func(h http.Header) []string {
		return slices.Sorted(func(yield func(string) bool) {
			for k := range h {
				if !yield(k) {
					return
				}
			}
		})
	}
	if k0, k1 := keys(resps[0].Header), keys(resps[1].Header); !slices.Equal(k0, k1) {
		t.Errorf("%s: headers %v with the fast path, %v without", c.name, k0, k1)
	}
	for k, v := range resps[1].Header {
		if !slices.Equal(resps[0].Header[k], v) {
			t.Errorf("%s: %s: %q with the fast path, %q without", c.name, k, resps[0].Header[k], v)
		}
	}
	if !bytes.Equal(bodies[0], bodies[1]) {
		t.Errorf("%s: bodies differ (%d and %d bytes)", c.name, len(bodies[0]), len(bodies[1]))
	}
	return resps[0]
}

// TestFastPathSameReplies: a server with the fast path answers every
// request of the table, each sent twice (the first fills the cache, the
// second is a hit), as the same server without it does: status, headers
// but Date, body, the log's request lines and the request counters.
// TestFastPathTaken checks that the fast path answered the hits.
func TestFastPathSameReplies(t *testing.T) {
	_, _, bases, logs := fastPair(t, api.Config{RatePerSecond: -1})
	gz := map[string]string{"Accept-Encoding": "gzip"}
	etag := fetchBoth(t, bases, fastCase{"etag", "GET", dashboardScores, gz}).Header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag on the score table")
	}
	cases := []fastCase{
		{"cached gzip", "GET", dashboardScores, gz},
		{"cached identity", "GET", dashboardScores, nil},
		{"HEAD", "HEAD", dashboardScores, gz},
		{"304", "GET", dashboardScores, map[string]string{"Accept-Encoding": "gzip", "If-None-Match": etag}},
		{"304 HEAD", "HEAD", dashboardScores, map[string]string{"If-None-Match": `W/` + etag}},
		{"CORS origin", "GET", dashboardScores, map[string]string{"Accept-Encoding": "gzip", "Origin": "https://example.org"}},
		{"paged, Link", "GET", "/v1/units?per_page=10&page=2", nil},
		{"paged HEAD", "HEAD", "/v1/units?per_page=10&page=2", gz},
		{"one unit", "GET", "/v1/units/KAZ", nil},
		{"csv", "GET", "/v1/units?format=csv", nil},
		{"sdmx", "GET", "/v1/indicators?format=sdmx-csv", nil},
		{"bad query 400", "GET", "/v1/scores/compass?bogus=1", nil},
		{"bad value 400", "GET", "/v1/scores/compass?per_page=0", nil},
		{"unknown unit 404", "GET", "/v1/units/NOPE", nil},
		{"unknown route 404", "GET", "/v1/nope", nil},
		{"trailing slash 404", "GET", "/v1/units/", nil},
		{"not acceptable 406", "GET", "/v1/units", map[string]string{"Accept": "image/png"}},
		{"not cacheable", "GET", "/healthz", nil},
		{"method 405", "DELETE", "/v1/units", nil},
		{"long query 414", "GET", "/v1/units?q=" + strings.Repeat("a", 3000), nil},
	}
	for round := range 2 {
		for _, c := range cases {
			c.name += []string{" (first)", " (again)"}[round]
			fetchBoth(t, bases, c)
		}
	}
	sameLines(t, requestLines(t, logs[0], 1+2*len(cases)), requestLines(t, logs[1], 1+2*len(cases)))
	var counters [2]string
	for i, base := range bases {
		resp, err := http.Get(base + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "dri_http_requests_total{") || strings.HasPrefix(l, "dri_http_request_duration_seconds_count{") {
				counters[i] += l + "\n"
			}
		}
	}
	if counters[0] != counters[1] || counters[0] == "" {
		t.Errorf("request counters differ:\nfast path:\n%swithout:\n%s", counters[0], counters[1])
	}
}

// TestFastPathRateLimit: a client over its rate gets the same 429s (and
// the same replies before them) with the fast path as without.
func TestFastPathRateLimit(t *testing.T) {
	// 0.01 requests per second: no token comes back during the test.
	_, _, bases, logs := fastPair(t, api.Config{RatePerSecond: 0.01, RateBurst: 3})
	statuses := []int{}
	for i := range 5 {
		resp := fetchBoth(t, bases, fastCase{"request " + string(rune('1'+i)), "GET", dashboardScores, map[string]string{"Accept-Encoding": "gzip"}})
		statuses = append(statuses, resp.StatusCode)
	}
	if want := []int{200, 200, 200, 429, 429}; !slices.Equal(statuses, want) {
		t.Errorf("statuses %v, want %v (burst 3)", statuses, want)
	}
	sameLines(t, requestLines(t, logs[0], 5), requestLines(t, logs[1], 5))
}

// TestFastPathTaken: the fast path answers a cached GET or HEAD and its
// 304, and leaves a miss, a problem, another method and a route it cannot
// tell to gin (which writes nothing of it first).
func TestFastPathTaken(t *testing.T) {
	var h api.Holder
	h.Set(testDataset(t))
	s := api.New(api.Config{RatePerSecond: -1}, &h)
	try := func(method, target string, header map[string]string) (bool, *httptest.ResponseRecorder) {
		req := httptest.NewRequest(method, target, nil)
		for k, v := range header {
			req.Header.Set(k, v)
		}
		rec := httptest.NewRecorder()
		return api.ServeFast(s, rec, req), rec
	}
	if ok, rec := try("GET", dashboardScores, nil); ok || len(rec.Header()) != 0 || rec.Body.Len() != 0 {
		t.Fatalf("a miss: answered %v, wrote %d headers and %d bytes", ok, len(rec.Header()), rec.Body.Len())
	}
	s.Handler().ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", dashboardScores, nil)) // fills the cache
	ok, rec := try("GET", dashboardScores, nil)
	if !ok || rec.Code != 200 || rec.Body.Len() == 0 {
		t.Fatalf("a hit: answered %v, status %d, %d bytes", ok, rec.Code, rec.Body.Len())
	}
	if ok, rec := try("HEAD", dashboardScores, nil); !ok || rec.Code != 200 || rec.Body.Len() != 0 {
		t.Errorf("HEAD of a hit: answered %v, status %d, %d bytes", ok, rec.Code, rec.Body.Len())
	}
	if ok, rec2 := try("GET", dashboardScores, map[string]string{"If-None-Match": rec.Header().Get("ETag")}); !ok || rec2.Code != 304 {
		t.Errorf("304: answered %v, status %d", ok, rec2.Code)
	}
	for _, c := range []struct{ method, target string }{
		{"GET", dashboardScores + "&bogus=1"}, {"GET", "/v1/nope"}, {"POST", dashboardScores},
		{"GET", "/healthz"}, {"GET", "/v1/units/"},
	} {
		if ok, rec := try(c.method, c.target, nil); ok || len(rec.Header()) != 0 {
			t.Errorf("%s %s: answered %v, wrote %d headers", c.method, c.target, ok, len(rec.Header()))
		}
	}
}
