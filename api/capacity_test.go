package api_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/dri-engine/dri/api"
)

// dashboardScores is the dashboard's landing request (web/src/map.ts: the
// compass index of every country at the framework's default year, 2025 in
// the embedded data), the request bench/capacity/run.sh measures.
const dashboardScores = "/v1/scores/compass?year=2025&node=DRI&per_page=1000"

// capacityServer is the server as `dri serve --rate 0` configures it: every
// request logged as slog text to log.
func capacityServer(t testing.TB, log io.Writer) *api.Server {
	var h api.Holder
	h.Set(testDataset(t))
	return api.New(api.Config{RatePerSecond: -1, Logger: slog.New(slog.NewTextHandler(log, nil))}, &h)
}

// TestProfileServe is bench/capacity/profile.sh's server: with
// DRI_CAPACITY_ADDR set it serves the embedded data there for
// DRI_CAPACITY_SECONDS (default 20), logging every request to
// DRI_CAPACITY_LOG (default: discarded), so that `go test -cpuprofile`
// profiles the server under an outside load (wrk) and nothing in the
// binary `dri` carries a profiling endpoint. Skipped otherwise.
func TestProfileServe(t *testing.T) {
	addr := os.Getenv("DRI_CAPACITY_ADDR")
	if addr == "" {
		t.Skip("DRI_CAPACITY_ADDR not set: the profiling server of bench/capacity/profile.sh")
	}
	seconds := 20
	if s, err := strconv.Atoi(os.Getenv("DRI_CAPACITY_SECONDS")); err == nil && s > 0 {
		seconds = s
	}
	log := io.Discard
	if name := os.Getenv("DRI_CAPACITY_LOG"); name != "" {
		f, err := os.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		log = f
	}
	srv := capacityServer(t, log).HTTPServer()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	time.Sleep(time.Duration(seconds) * time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
}

// discardWriter is a ResponseWriter that keeps the headers and drops the
// body, so that the benchmark below measures the server, not a recorder.
type discardWriter struct {
	h      http.Header
	status int
	n      int
}

func (w *discardWriter) Header() http.Header { return w.h }
func (w *discardWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}
func (w *discardWriter) Write(b []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	w.n += len(b)
	return len(b), nil
}

// BenchmarkCachedScores is one cached answer to the dashboard's score
// request (gzip, as a browser asks) through the whole handler chain,
// logging included: the server's own time and allocations per request,
// without the network and wrk's share of the cores.
func BenchmarkCachedScores(b *testing.B) {
	h := capacityServer(b, io.Discard).Handler()
	req, err := http.NewRequest(http.MethodGet, dashboardScores, nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Accept-Encoding", "gzip")
	req.RemoteAddr = "127.0.0.1:40000"
	w := &discardWriter{h: http.Header{}}
	h.ServeHTTP(w, req) // the first answer fills the cache
	if w.status != http.StatusOK {
		b.Fatalf("GET %s: status %d", dashboardScores, w.status)
	}
	for b.Loop() {
		w := &discardWriter{h: http.Header{}}
		h.ServeHTTP(w, req)
		if w.status != http.StatusOK {
			b.Fatalf("GET %s: status %d", dashboardScores, w.status)
		}
	}
}

// TestHTTPServerReplies: through HTTPServer on a real connection (where
// replies of 2 KiB and more are corked and flushed), the score table is
// the same bytes as the handler writes in process, first computed and then
// from the cache, gzip and identity; a HEAD gets its Content-Length and no
// body; a small reply (not corked) is whole too.
func TestHTTPServerReplies(t *testing.T) {
	s := capacityServer(t, io.Discard)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := s.HTTPServer()
	go srv.Serve(ln)
	defer srv.Close()
	base := "http://" + ln.Addr().String()
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	fetch := func(method, target, encoding string) (*http.Response, []byte) {
		t.Helper()
		req, err := http.NewRequest(method, base+target, nil)
		if err != nil {
			t.Fatal(err)
		}
		if encoding != "" {
			req.Header.Set("Accept-Encoding", encoding)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatalf("%s %s: reading the body: %v", method, target, err)
		}
		return resp, body
	}
	for _, tc := range []struct{ name, target, encoding string }{
		{"gzip", dashboardScores, "gzip"},
		{"identity", dashboardScores, ""},
		{"small", "/v1/units/KEN", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := get(t, s.Handler(), tc.target, "Accept-Encoding", tc.encoding)
			// 2 KiB: api.corkAbove, the size from which a reply is corked.
			if corked := want.Body.Len() >= 2<<10; corked != (tc.name != "small") {
				t.Fatalf("%s is %d bytes: the case %q needs a reply on the other side of 2 KiB", tc.target, want.Body.Len(), tc.name)
			}
			for _, pass := range []string{"computed", "cached"} {
				resp, body := fetch(http.MethodGet, tc.target, tc.encoding)
				if resp.StatusCode != http.StatusOK || !bytes.Equal(body, want.Body.Bytes()) {
					t.Fatalf("%s GET %s: status %d, %d bytes; want 200 and the handler's %d bytes", pass, tc.target, resp.StatusCode, len(body), want.Body.Len())
				}
				if got := resp.Header.Get("Content-Length"); got != strconv.Itoa(len(body)) {
					t.Errorf("%s GET %s: Content-Length %s, want %d", pass, tc.target, got, len(body))
				}
			}
			resp, body := fetch(http.MethodHead, tc.target, tc.encoding)
			if resp.StatusCode != http.StatusOK || len(body) != 0 || resp.ContentLength != int64(want.Body.Len()) {
				t.Errorf("HEAD %s: status %d, %d body bytes, Content-Length %d; want 200, none, %d", tc.target, resp.StatusCode, len(body), resp.ContentLength, want.Body.Len())
			}
		})
	}
}
