// Package web serves DRI's dashboard: one page (index.html) and the files it
// loads (the JavaScript and CSS bundles and the world map shapes), all
// embedded in the binary, so the dashboard works offline.
//
// The front-end sources live in this directory (src/, package.json and its
// lock file); `make web` (cd web && npm ci && npm run build) bundles them with
// esbuild into dist/. Go embeds dist/ whether or not that build has run: the
// repository keeps one file there, dist/placeholder.html, a page that says how
// to build the assets, and the build writes index.html and assets/ beside it
// (git ignores them). Handler serves dist/index.html when it exists and the
// placeholder otherwise.
//
// Every response carries a strict Content-Security-Policy (scripts, styles,
// fonts and API calls from this origin only, images also from data: URLs, no
// inline scripts, no framing). The page is served with Cache-Control
// no-cache and a strong ETag, so a new binary shows at once; asset names carry
// a content hash, so they are cached for a year as immutable. Files the build
// also wrote gzip-compressed (name.gz) are sent compressed to clients that
// accept gzip.
package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"net/http"
	"path"
	"slices"
	"strings"
	"sync"
	"time"
)

//go:embed all:dist
var dist embed.FS

// ContentSecurityPolicy is sent with every response of Handler. ECharts sets
// element styles through the CSSOM (element.style), which style-src does not
// govern, so no 'unsafe-inline' is needed.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

const (
	pageCache  = "no-cache"
	assetCache = "public, max-age=31536000, immutable"
)

// Handler serves the dashboard: GET or HEAD / is the page, /assets/NAME its
// files; anything else is a 404 problem. It reads the assets embedded at
// build time; see the package comment for how they get there.
func Handler() http.Handler { return handler{files: loadFiles(dist)} }

// Built reports whether the embedded dist/ holds a built dashboard rather
// than only the placeholder page.
func Built() bool {
	_, err := fs.Stat(dist, "dist/index.html")
	return err == nil
}

type handler struct{ files func() *fileSet }

func (h handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Security-Policy", ContentSecurityPolicy)
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeProblem(w, http.StatusMethodNotAllowed, "method_not_allowed", "method "+r.Method+" is not allowed on "+r.URL.Path)
		return
	}
	set := h.files()
	var (
		f     *file
		cache string
	)
	switch p := r.URL.Path; {
	case p == "/" || p == "/index.html":
		f, cache = set.page, pageCache
	case strings.HasPrefix(p, "/assets/"):
		f, cache = set.assets[strings.TrimPrefix(p, "/assets/")], assetCache
	}
	if f == nil {
		writeProblem(w, http.StatusNotFound, "not_found", "no dashboard file at "+r.URL.Path)
		return
	}
	body, etag := f.body, f.etag
	if !slices.ContainsFunc(w.Header().Values("Vary"), func(v string) bool { return strings.Contains(v, "Accept-Encoding") }) {
		w.Header().Add("Vary", "Accept-Encoding")
	}
	if f.gzip != nil && acceptsGzip(r) {
		body, etag = f.gzip, f.gzipETag
		w.Header().Set("Content-Encoding", "gzip")
	}
	w.Header().Set("Content-Type", f.contentType)
	w.Header().Set("Cache-Control", cache)
	w.Header().Set("ETag", etag)
	// ServeContent answers If-None-Match with 304 and HEAD without a body;
	// embedded files have no modification time, so it sends no Last-Modified.
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

// file is one embedded file ready to serve.
type file struct {
	body, gzip     []byte
	etag, gzipETag string
	contentType    string
}

// fileSet is the page and the assets by name (relative to dist/assets).
type fileSet struct {
	page   *file
	assets map[string]*file
}

// loadFiles reads and hashes the embedded files once, on first use.
func loadFiles(fsys fs.FS) func() *fileSet {
	return sync.OnceValue(func() *fileSet {
		set := &fileSet{assets: map[string]*file{}}
		page := "dist/index.html"
		if _, err := fs.Stat(fsys, page); err != nil {
			page = "dist/placeholder.html"
		}
		set.page = readFile(fsys, page)
		// A missing assets directory (placeholder only) leaves the map empty.
		_ = fs.WalkDir(fsys, "dist/assets", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || strings.HasSuffix(p, ".gz") {
				return nil
			}
			if f := readFile(fsys, p); f != nil {
				set.assets[strings.TrimPrefix(p, "dist/assets/")] = f
			}
			return nil
		})
		return set
	})
}

func readFile(fsys fs.FS, name string) *file {
	body, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil
	}
	f := &file{body: body, etag: etagOf(body), contentType: contentType(name)}
	if gz, err := fs.ReadFile(fsys, name+".gz"); err == nil {
		f.gzip, f.gzipETag = gz, etagOf(gz)
	}
	return f
}

func etagOf(b []byte) string {
	sum := sha256.Sum256(b)
	return `"` + hex.EncodeToString(sum[:16]) + `"`
}

// contentType knows the few kinds of file the build writes; mime's table
// depends on the host, and the page must not change with it.
func contentType(name string) string {
	switch path.Ext(name) {
	case ".html":
		return "text/html; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".json":
		return "application/json"
	case ".svg":
		return "image/svg+xml"
	case ".png":
		return "image/png"
	case ".map":
		return "application/json"
	case ".txt":
		return "text/plain; charset=utf-8"
	}
	return "application/octet-stream"
}

// acceptsGzip reports whether the request's Accept-Encoding lists gzip with a
// non-zero quality.
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		fields := strings.Split(part, ";")
		if !strings.EqualFold(strings.TrimSpace(fields[0]), "gzip") {
			continue
		}
		for _, param := range fields[1:] {
			if q, ok := strings.CutPrefix(strings.TrimSpace(param), "q="); ok && strings.Trim(q, "0.") == "" {
				return false
			}
		}
		return true
	}
	return false
}

// writeProblem answers with an RFC 9457 problem in the API's style.
func writeProblem(w http.ResponseWriter, status int, code, detail string) {
	h := w.Header()
	h.Set("Content-Type", "application/problem+json")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"type": "https://dri.dev/problems/" + code, "title": http.StatusText(status),
		"status": status, "code": code, "detail": detail,
	})
}
