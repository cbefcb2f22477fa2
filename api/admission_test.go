package api_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/dri-engine/dri/api"
)

// fromClient sends GET target from remote (host:port) with an optional
// X-Forwarded-For header.
func fromClient(h http.Handler, target, remote, forwardedFor string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, target, nil)
	req.RemoteAddr = remote
	if forwardedFor != "" {
		req.Header.Set("X-Forwarded-For", forwardedFor)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// Issue 12 item 6: a client rotating X-Forwarded-For was never limited (gin
// trusted every proxy), and the forged address went into the logs.
func TestRateLimitIgnoresForwardedFor(t *testing.T) {
	var hold api.Holder
	hold.Set(testDataset(t))
	var logs bytes.Buffer
	h := api.New(api.Config{RatePerSecond: 5, RateBurst: 10, Logger: slog.New(slog.NewTextHandler(&logs, nil))}, &hold).Handler()
	limited := 0
	for i := range 30 {
		rec := fromClient(h, "/v1/frameworks", "198.51.100.7:1234", fmt.Sprintf("203.0.113.%d", i))
		if rec.Code == http.StatusTooManyRequests {
			limited++
		}
	}
	// Burst 10 at 5 per second: in well under a second, at most 10 pass
	// and some 20 are refused; 15 leaves room for a slow machine.
	if limited < 15 {
		t.Errorf("%d of 30 requests with rotating X-Forwarded-For limited, want at least 15 (burst 10)", limited)
	}
	if strings.Contains(logs.String(), "203.0.113.") {
		t.Errorf("the forged X-Forwarded-For address is in the log:\n%s", logs.String())
	}
	if !strings.Contains(logs.String(), "client=198.51.100.7") {
		t.Errorf("the peer address is not in the log:\n%s", logs.String())
	}
}

// With --trusted-proxies, a request through the proxy is the client it
// names: two clients behind one proxy have their own limits.
func TestTrustedProxies(t *testing.T) {
	var hold api.Holder
	hold.Set(testDataset(t))
	proxies, err := api.ParseTrustedProxies("192.0.2.0/24, 2001:db8::1")
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	h := api.New(api.Config{RatePerSecond: 5, RateBurst: 10, TrustedProxies: proxies,
		Logger: slog.New(slog.NewTextHandler(&logs, nil))}, &hold).Handler()
	for i := range 30 {
		if rec := fromClient(h, "/v1/frameworks", "192.0.2.10:443", fmt.Sprintf("203.0.113.%d", i)); rec.Code != http.StatusOK {
			t.Fatalf("client %d behind the trusted proxy: %d, want 200 (each is its own client)", i, rec.Code)
		}
	}
	if !strings.Contains(logs.String(), "client=203.0.113.29") {
		t.Errorf("the client named by the trusted proxy is not in the log:\n%s", logs.String())
	}
	// An untrusted peer's header is still ignored.
	limited := 0
	for i := range 30 {
		if rec := fromClient(h, "/v1/frameworks", "198.51.100.7:1234", fmt.Sprintf("203.0.113.%d", 100+i)); rec.Code == http.StatusTooManyRequests {
			limited++
		}
	}
	if limited < 15 {
		t.Errorf("%d of 30 requests from an untrusted peer limited, want at least 15", limited)
	}
}

func TestParseTrustedProxies(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    int
		wantErr string
	}{
		{"", 0, ""},
		{"10.0.0.0/8,192.0.2.1, ::1", 3, ""},
		{"10.0.0.0/33", 0, `"10.0.0.0/33"`},
		{"proxy.example", 0, `"proxy.example"`},
		{"0.0.0.0/0", 0, "every address"},
	} {
		got, err := api.ParseTrustedProxies(tc.in)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("ParseTrustedProxies(%q) error %v, want one naming %s", tc.in, err, tc.wantErr)
			}
			continue
		}
		if err != nil || len(got) != tc.want {
			t.Errorf("ParseTrustedProxies(%q) = %v, %v, want %d entries", tc.in, got, err, tc.want)
		}
	}
}
