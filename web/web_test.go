package web

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
)

func gz(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := io.WriteString(w, s); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// built is a dist/ as npm run build leaves it.
func built(t *testing.T) fstest.MapFS {
	return fstest.MapFS{
		"dist/placeholder.html":           {Data: []byte("<p>run make web</p>")},
		"dist/index.html":                 {Data: []byte(`<script type="module" src="assets/main-ABC123.js"></script>`)},
		"dist/assets/main-ABC123.js":      {Data: []byte("console.log(1)")},
		"dist/assets/main-ABC123.js.gz":   {Data: gz(t, "console.log(1)")},
		"dist/assets/main-DEF456.css":     {Data: []byte("body{}")},
		"dist/assets/countries-XYZ9.json": {Data: []byte("{}")},
	}
}

func serve(h http.Handler, method, target string, header map[string]string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestHandler(t *testing.T) {
	h := handler{files: loadFiles(built(t))}
	tests := []struct {
		name, method, target string
		header               map[string]string
		status               int
		contentType, cache   string
		encoding, body       string
	}{
		{name: "page", method: "GET", target: "/", status: 200,
			contentType: "text/html; charset=utf-8", cache: "no-cache", body: `<script type="module" src="assets/main-ABC123.js"></script>`},
		{name: "page by name", method: "GET", target: "/index.html", status: 200, contentType: "text/html; charset=utf-8", cache: "no-cache"},
		{name: "head", method: "HEAD", target: "/", status: 200, contentType: "text/html; charset=utf-8", cache: "no-cache"},
		{name: "script", method: "GET", target: "/assets/main-ABC123.js", status: 200,
			contentType: "text/javascript; charset=utf-8", cache: "public, max-age=31536000, immutable", body: "console.log(1)"},
		{name: "script gzip", method: "GET", target: "/assets/main-ABC123.js", header: map[string]string{"Accept-Encoding": "br, gzip"},
			status: 200, contentType: "text/javascript; charset=utf-8", cache: "public, max-age=31536000, immutable", encoding: "gzip"},
		{name: "gzip refused", method: "GET", target: "/assets/main-ABC123.js", header: map[string]string{"Accept-Encoding": "gzip;q=0"},
			status: 200, contentType: "text/javascript; charset=utf-8", body: "console.log(1)"},
		{name: "stylesheet", method: "GET", target: "/assets/main-DEF456.css", status: 200, contentType: "text/css; charset=utf-8"},
		{name: "shapes", method: "GET", target: "/assets/countries-XYZ9.json", status: 200, contentType: "application/json"},
		{name: "missing asset", method: "GET", target: "/assets/main-OLD.js", status: 404, contentType: "application/problem+json", cache: "no-store"},
		{name: "compressed copy is not a file", method: "GET", target: "/assets/main-ABC123.js.gz", status: 404},
		{name: "other path", method: "GET", target: "/elsewhere", status: 404},
		{name: "post", method: "POST", target: "/", status: 405, contentType: "application/problem+json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := serve(h, tt.method, tt.target, tt.header)
			if rec.Code != tt.status {
				t.Fatalf("%s %s: status %d, want %d", tt.method, tt.target, rec.Code, tt.status)
			}
			if got := rec.Header().Get("Content-Security-Policy"); got != ContentSecurityPolicy {
				t.Errorf("Content-Security-Policy = %q, want %q", got, ContentSecurityPolicy)
			}
			for _, c := range []struct{ header, want string }{
				{"Content-Type", tt.contentType}, {"Cache-Control", tt.cache}, {"Content-Encoding", tt.encoding},
			} {
				if got := rec.Header().Get(c.header); c.want != "" && got != c.want {
					t.Errorf("%s = %q, want %q", c.header, got, c.want)
				}
			}
			if tt.encoding == "" && rec.Header().Get("Content-Encoding") != "" {
				t.Errorf("Content-Encoding = %q, want none", rec.Header().Get("Content-Encoding"))
			}
			if tt.body != "" && rec.Body.String() != tt.body {
				t.Errorf("body = %q, want %q", rec.Body.String(), tt.body)
			}
			if tt.status >= 400 {
				var p struct {
					Status int    `json:"status"`
					Code   string `json:"code"`
				}
				if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || p.Status != tt.status || p.Code == "" {
					t.Errorf("problem body %q: status %d code %q (%v), want status %d and a code", rec.Body, p.Status, p.Code, err, tt.status)
				}
			}
		})
	}
}

// The CSP must forbid what the dashboard never does: inline scripts and
// styles, eval, other origins, framing.
func TestContentSecurityPolicyIsStrict(t *testing.T) {
	for _, bad := range []string{"unsafe-inline", "unsafe-eval", "*", "http:", "https:"} {
		if strings.Contains(ContentSecurityPolicy, bad) {
			t.Errorf("Content-Security-Policy allows %q: %s", bad, ContentSecurityPolicy)
		}
	}
	for _, want := range []string{"default-src 'self'", "script-src 'self'", "img-src 'self' data:", "frame-ancestors 'none'"} {
		if !strings.Contains(ContentSecurityPolicy, want) {
			t.Errorf("Content-Security-Policy lacks %q: %s", want, ContentSecurityPolicy)
		}
	}
}

func TestHandlerETag(t *testing.T) {
	h := handler{files: loadFiles(built(t))}
	for _, target := range []string{"/", "/assets/main-ABC123.js"} {
		first := serve(h, "GET", target, nil)
		etag := first.Header().Get("ETag")
		if !strings.HasPrefix(etag, `"`) {
			t.Fatalf("GET %s: ETag %q, want a strong ETag", target, etag)
		}
		if again := serve(h, "GET", target, map[string]string{"If-None-Match": etag}); again.Code != http.StatusNotModified {
			t.Errorf("GET %s with If-None-Match %s: status %d, want 304", target, etag, again.Code)
		}
		zipped := serve(h, "GET", target, map[string]string{"Accept-Encoding": "gzip"})
		if zipped.Header().Get("Content-Encoding") == "gzip" && zipped.Header().Get("ETag") == etag {
			t.Errorf("GET %s: the gzip copy has the same ETag %s as the plain file", target, etag)
		}
	}
}

// Before `make web`, dist/ holds only the placeholder: / serves it and
// there are no assets.
func TestHandlerPlaceholder(t *testing.T) {
	h := handler{files: loadFiles(fstest.MapFS{"dist/placeholder.html": {Data: []byte("<p>run make web</p>")}})}
	rec := serve(h, "GET", "/", nil)
	if rec.Code != http.StatusOK || rec.Body.String() != "<p>run make web</p>" {
		t.Errorf("GET / = %d %q, want 200 and the placeholder", rec.Code, rec.Body)
	}
	if got := rec.Header().Get("Cache-Control"); got != "no-cache" {
		t.Errorf("Cache-Control = %q, want no-cache", got)
	}
	if rec := serve(h, "GET", "/assets/main.js", nil); rec.Code != http.StatusNotFound {
		t.Errorf("GET /assets/main.js = %d, want 404", rec.Code)
	}
}

// The placeholder the repository keeps must say how to build the dashboard.
func TestEmbeddedPlaceholder(t *testing.T) {
	b, err := dist.ReadFile("dist/placeholder.html")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "make web") {
		t.Errorf("dist/placeholder.html does not mention `make web`")
	}
}
