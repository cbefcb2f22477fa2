package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/dri-engine/dri/pipeline"
	"github.com/dri-engine/dri/pipeline/snapshot"
)

// Dataset is one immutable served state: a snapshot's tables and what was
// computed from them. Handlers take the current Dataset once per request, so
// a request never mixes two snapshots.
type Dataset struct {
	ID        string
	Created   time.Time
	Manifest  *snapshot.Manifest
	Result    *pipeline.Result
	Store     *pipeline.Store
	Reference *pipeline.Reference
	Registry  *pipeline.Registry
	// Scores answers the scoring routes; nil serves them as 503.
	Scores Scorer
	// Uploads are the files of the state's upload store (nil without a
	// state directory, empty with none), listed by /v1/snapshot.
	Uploads []snapshot.StoredUpload
	// UploadsUnlisted says why a state's uploads could not be listed
	// (Uploads is then nil); /v1/snapshot gives it in their place.
	UploadsUnlisted string
}

// HeaderSnapshot names, on every response answered from a dataset, the id
// of the dataset that answered (the one the handler read, so a client or a
// test behind a load balancer sees which snapshot it got, even across a
// swap).
const HeaderSnapshot = "X-DRI-Snapshot"

// Provider gives the Dataset to serve now.
type Provider interface {
	Current() *Dataset
}

// Holder is a Provider whose Dataset can be swapped atomically.
type Holder struct{ p atomic.Pointer[Dataset] }

// Current returns the dataset being served (nil before the first Set).
func (h *Holder) Current() *Dataset { return h.p.Load() }

// Set swaps in a new dataset; requests already running keep the old one.
func (h *Holder) Set(d *Dataset) { h.p.Store(d) }

// Config holds the server's settings; zero values take the defaults.
type Config struct {
	Addr              string
	ReadHeaderTimeout time.Duration // default 5s
	ReadTimeout       time.Duration // default 15s
	WriteTimeout      time.Duration // default 30s
	IdleTimeout       time.Duration // default 120s
	MaxHeaderBytes    int           // default 16 KiB
	MaxQueryBytes     int           // default 2048 (414 above)
	MaxBodyBytes      int64         // default 1 MiB (413 above; uploads have their own limit)
	MaxPerPage        int           // default 10000
	DefaultPerPage    int           // default 100
	CacheMaxAge       time.Duration // default 5m
	Logger            *slog.Logger
	Version           string
	// UI, if set, serves the dashboard at / and its files under /assets/.
	UI http.Handler
	// CacheBytes bounds the cache of rendered responses (default 64 MiB;
	// negative disables it).
	CacheBytes int
	// AdminTokens enable the admin routes (none: they are off); Admin
	// carries them out.
	AdminTokens []string
	Admin       Admin
	// UploadBytes bounds an admin upload request (default 64 MiB).
	UploadBytes int64
	// RatePerSecond and RateBurst limit each client (by IP): default 50
	// requests per second with bursts of 100; negative disables.
	RatePerSecond float64
	RateBurst     int
	// RateClients bounds the clients the limiter remembers (default 16384,
	// least recently seen forgotten first; idle 5 minutes, forgotten anyway).
	RateClients int
	// TrustedProxies are the addresses or CIDR prefixes of reverse proxies
	// whose X-Forwarded-For and X-Real-IP headers name the client (for the
	// rate limit and the logs), and whose X-Forwarded-Proto and
	// X-Forwarded-Host name the public scheme and host of the Link
	// header's URLs when PublicURL is not set. None by default: the client
	// is the peer address, and those headers are ignored.
	TrustedProxies []string
	// PublicURL is the base URL clients reach the API at (scheme, host and
	// an optional path prefix, as ParsePublicURL returns it): the Link
	// header's URLs start with it. Empty: they start with the request's own
	// scheme and host.
	PublicURL string
	// Workers run expensive requests (an uncached sensitivity analysis, a
	// what-if) at once (default GOMAXPROCS - 1, at least 1: a core is left
	// for cheap requests, see docs/DECISIONS.md); Queue more may wait
	// (default 4 x Workers); one client holds at most ClientShare of those
	// places (default half). Over its share a client gets 429, when all
	// are taken 503, both with Retry-After.
	Workers, Queue, ClientShare int
	// RequestDeadline bounds an expensive request from when it began,
	// queueing included (default 4/5 of WriteTimeout, so that its reply, a
	// 504 problem if the time ran out, is written before the write timeout
	// would cut it).
	RequestDeadline time.Duration
	// Health, when set, is asked by /readyz whether the server is degraded
	// (a replica whose object store is unreachable).
	Health Health
	// Collectors are registered with the server's Prometheus registry
	// (e.g. the shared state's counters).
	Collectors []prometheus.Collector
}

func (c *Config) defaults() {
	set := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	set(&c.ReadHeaderTimeout, 5*time.Second)
	set(&c.ReadTimeout, 15*time.Second)
	set(&c.WriteTimeout, 30*time.Second)
	set(&c.IdleTimeout, 120*time.Second)
	set(&c.CacheMaxAge, 5*time.Minute)
	if c.MaxHeaderBytes == 0 {
		c.MaxHeaderBytes = 16 << 10
	}
	if c.MaxQueryBytes == 0 {
		c.MaxQueryBytes = 2048
	}
	if c.MaxBodyBytes == 0 {
		c.MaxBodyBytes = 1 << 20
	}
	if c.MaxPerPage == 0 {
		c.MaxPerPage = 10000
	}
	if c.DefaultPerPage == 0 {
		c.DefaultPerPage = 100
	}
	if c.CacheBytes == 0 {
		c.CacheBytes = 64 << 20
	}
	if c.UploadBytes == 0 {
		c.UploadBytes = 64 << 20
	}
	if c.RatePerSecond == 0 {
		c.RatePerSecond = 50
	}
	if c.RateBurst == 0 {
		c.RateBurst = 100
	}
	if c.Workers <= 0 {
		c.Workers = max(1, runtime.GOMAXPROCS(0)-1)
	}
	if c.Queue <= 0 {
		c.Queue = 4 * c.Workers
	}
	if c.ClientShare <= 0 {
		c.ClientShare = max(1, (c.Workers+c.Queue)/2)
	}
	set(&c.RequestDeadline, c.WriteTimeout*4/5)
	if c.RateClients == 0 {
		c.RateClients = limiterClients
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Version == "" {
		c.Version = "dev"
		if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
			c.Version = bi.Main.Version
		}
	}
}

// Server is the HTTP API.
type Server struct {
	cfg     Config
	data    Provider
	engine  *gin.Engine
	metrics *metrics
	routes  []*route
	cache   *responseCache
	tokens  tokenHashes
	limiter *clientLimiter
	// proxies are TrustedProxies parsed (nil: trust none).
	proxies []netip.Prefix
	// admission bounds the expensive requests running and waiting.
	admission *admission
	// exports are the current snapshot's whole tables (/v1/export).
	exports exportCache
	// cacheControl is the Cache-Control value of cacheable responses.
	cacheControl []string
	// fast answers cached replies without gin (fast.go; nil: off).
	fast *fastRouter
}

func init() { gin.SetMode(gin.ReleaseMode) }

// New builds the API server over a dataset provider.
func New(cfg Config, data Provider) *Server {
	cfg.defaults()
	s := &Server{cfg: cfg, data: data, metrics: newMetrics(cfg.Version, data),
		admission: newAdmission(cfg.Workers, cfg.Queue, cfg.ClientShare)}
	s.metrics.reg.MustRegister(cfg.Collectors...)
	if cfg.CacheBytes > 0 {
		s.cache = newResponseCache(cfg.CacheBytes)
	}
	s.cacheControl = []string{fmt.Sprintf("public, max-age=%d", int(cfg.CacheMaxAge.Seconds()))}
	s.tokens = hashTokens(cfg.AdminTokens)
	s.cfg.AdminTokens = nil
	if cfg.RatePerSecond > 0 {
		s.limiter = newClientLimiter(cfg.RatePerSecond, cfg.RateBurst, cfg.RateClients, limiterIdle)
	}
	s.proxies = proxyPrefixes(cfg.TrustedProxies)
	e := gin.New()
	if err := e.SetTrustedProxies(cfg.TrustedProxies); err != nil {
		// ParseTrustedProxies is the checked way in; a bad entry here
		// trusts no proxy rather than any.
		cfg.Logger.Error("trusted proxies ignored: no proxy is trusted", "err", err)
		_ = e.SetTrustedProxies(nil)
	}
	e.HandleMethodNotAllowed = true
	e.RedirectTrailingSlash = false
	e.RedirectFixedPath = false
	e.ContextWithFallback = true
	e.Use(s.recoverer, s.baseHeaders, s.headOnly, s.logAndMeasure, s.rateLimit, s.limits)
	e.NoRoute(func(c *gin.Context) {
		writeProblem(c.Writer, c.Request, notFound(CodeNotFound, "no route %s %s", c.Request.Method, c.Request.URL.Path))
	})
	e.NoMethod(func(c *gin.Context) {
		writeProblem(c.Writer, c.Request, newProblem(http.StatusMethodNotAllowed, CodeMethodNotAllowed,
			fmt.Sprintf("method %s is not allowed on %s", c.Request.Method, c.Request.URL.Path)))
	})
	s.engine = e
	s.registerRoutes()
	s.fast = s.buildFastRouter()
	return s
}

// Handler returns the server's http.Handler.
func (s *Server) Handler() http.Handler { return s }

// HTTPServer returns an http.Server with the configured timeouts and limits.
func (s *Server) HTTPServer() *http.Server {
	return &http.Server{
		Addr:              s.cfg.Addr,
		Handler:           s,
		ReadHeaderTimeout: s.cfg.ReadHeaderTimeout,
		ReadTimeout:       s.cfg.ReadTimeout,
		WriteTimeout:      s.cfg.WriteTimeout,
		IdleTimeout:       s.cfg.IdleTimeout,
		MaxHeaderBytes:    s.cfg.MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(s.cfg.Logger.Handler(), slog.LevelWarn),
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			return context.WithValue(ctx, connKey{}, c)
		},
	}
}

// connKey is the context key of a request's connection (HTTPServer's
// ConnContext puts it there; a handler served otherwise has none).
type connKey struct{}

// corkAbove is the body size from which send corks the connection: net/http
// buffers a reply's headers and body in 4 KiB and writes whatever is more in
// further writes, and headers are up to about 2 KiB here.
const corkAbove = 2 << 10

// send writes a reply's body so that the reply leaves in one TCP push: a
// body larger than net/http's buffer would otherwise go in two or more
// writes, each a separate push (on loopback a separate wake-up of the
// client for a part of the reply), which cost the server and the client more
// CPU per request than the reply itself (profile in docs/BENCHMARKS.md).
// TCP_CORK holds the writes until the reply is flushed, as nginx's
// tcp_nopush does; write errors are left for delivered to find (the
// response writer keeps them). It returns the bytes written.
func send(w http.ResponseWriter, req *http.Request, body []byte) int {
	conn, _ := req.Context().Value(connKey{}).(net.Conn)
	fl, _ := w.(http.Flusher)
	if conn == nil || fl == nil || len(body) < corkAbove || !setCork(conn, true) {
		n, _ := w.Write(body)
		return n
	}
	defer setCork(conn, false)
	n, _ := w.Write(body)
	fl.Flush()
	return n
}

// request is what a handler gets: the dataset of this request and its
// parsed query.
type request struct {
	s    *Server
	c    *gin.Context
	ds   *Dataset
	q    *query
	errs paramErrors
	// format is the negotiated response format (for the one route whose
	// handler renders a format itself: SDMX-JSON of the SDMX data path).
	format Format
}

func (r *request) param(name string) string { return r.c.Param(name) }

// str returns a scalar query parameter, trimmed ("" when absent).
func (r *request) str(name string) string { return r.q.scalar(name) }

// list returns a list parameter's items (separated by ',' or ';'; repeated
// parameters add up).
func (r *request) list(name string) []string { return r.q.list(name) }

// integer parses an optional integer parameter within [lo, hi].
func (r *request) integer(name string, def, lo, hi int) int {
	v := r.str(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		r.errs.add(name, "%q is not a whole number", v)
		return def
	}
	if n < lo || n > hi {
		r.errs.add(name, "%d is outside %d..%d", n, lo, hi)
		return def
	}
	return n
}

// route is one API route with what OpenAPI says about it.
type route struct {
	method, path string
	summary      string
	params       []paramSpec
	paged        bool
	dataSchema   map[string]any // JSON schema of "data"
	cacheable    bool
	sdmx         bool // has an SDMX-CSV representation
	structure    bool // an SDMX structure route: SDMX-ML 2.1 or JSON
	// defaultFormat is the format when the request names none (empty: JSON).
	defaultFormat Format
	created       bool           // answers 201
	body          map[string]any // JSON schema of the request body
	// extraResponses documents route-specific error statuses.
	extraResponses map[string]string
	handler        func(*request) (*Result, error)
}

// paramSpec documents a query parameter; list parameters take several
// items separated by ',' or ';' and may be repeated.
type paramSpec struct {
	name, typ, desc string
	required        bool
	list            bool
	enum            []string
}

var commonParams = []paramSpec{{name: "format", typ: "string", desc: "response format (overrides Accept)", enum: []string{"json", "csv", "arrow", "sdmx-csv", "sdmx-ml", "sdmx-json"}}}
var pageParams = []paramSpec{
	{name: "page", typ: "integer", desc: "page number, from 1"},
	{name: "per_page", typ: "integer", desc: "rows per page (default 100, at most 10000)"},
}

func (s *Server) add(rt *route) {
	s.routes = append(s.routes, rt)
	kinds := routeKinds(rt)
	h := func(c *gin.Context) { s.serve(c, rt, kinds) }
	s.engine.Handle(rt.method, rt.path, h)
	if rt.method == http.MethodGet {
		s.engine.HEAD(rt.path, h)
	}
}

// routeKinds are the query parameters a route takes, each a scalar or a
// list.
func routeKinds(rt *route) map[string]paramKind {
	kinds := map[string]paramKind{}
	specs := append(append([]paramSpec{}, rt.params...), commonParams...)
	if rt.paged {
		specs = append(specs, pageParams...)
	}
	for _, p := range specs {
		kinds[p.name] = scalarParam
		if p.list {
			kinds[p.name] = listParam
		}
	}
	return kinds
}

// serve is the one wrapper that writes every API response: negotiation,
// parameter checks, ETag and 304, paging, encoding, compression.
func (s *Server) serve(c *gin.Context, rt *route, kinds map[string]paramKind) {
	w, req := c.Writer, c.Request
	pre := s.prepare(req, rt, kinds)
	if pre.problem != nil {
		writeProblem(w, req, pre.problem)
		return
	}
	if ok, _ := s.answerCached(w, req, rt, &pre); ok {
		return
	}
	ds, q, f, etag, gzipOK := pre.ds, pre.q, pre.format, pre.etag, pre.gzipOK
	r := &request{s: s, c: c, ds: ds, q: q, format: f}
	page, perPage := 1, s.cfg.DefaultPerPage
	if rt.paged {
		page = r.integer("page", 1, 1, 1<<30)
		perPage = r.integer("per_page", s.cfg.DefaultPerPage, 1, s.cfg.MaxPerPage)
	}
	if p := r.errs.problem(); p != nil {
		writeProblem(w, req, p)
		return
	}
	res, err := rt.handler(r)
	if err == nil {
		if p := r.errs.problem(); p != nil {
			err = p
		}
	}
	if errors.Is(err, errClientClosed) {
		c.Status(statusClientClosed)
		return
	}
	if err != nil {
		prob, ok := err.(*Problem)
		if !ok {
			s.cfg.Logger.Error("handler failed", "route", rt.path, "err", err)
			prob = newProblem(http.StatusInternalServerError, CodeInternal, "internal error")
		}
		writeProblem(w, req, prob)
		return
	}
	meta := map[string]any{"snapshot": ds.ID}
	for k, v := range res.Meta {
		meta[k] = v
	}
	link := "" // relative: the cache keeps it so
	if res.Paged && res.Table != nil {
		total := res.Table.Len()
		lo := min((page-1)*perPage, total)
		hi := min(lo+perPage, total)
		res.Table = res.Table.slice(lo, hi)
		pages := (total + perPage - 1) / perPage
		meta["total"], meta["page"], meta["per_page"], meta["pages"] = total, page, perPage, pages
		link = links(req, q, page, pages)
		w.Header().Set("Link", absoluteLinks(s.baseURL(req), link))
		w.Header().Set("X-Total-Count", strconv.Itoa(total))
	}
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	if p := encode(buf, res, f, meta); p != nil {
		writeProblem(w, req, p)
		return
	}
	h := w.Header()
	h.Set("Content-Type", formatMedia[f])
	status := http.StatusOK
	if res.Status != 0 {
		status = res.Status
	}
	body := buf.Bytes()
	if gzipOK && buf.Len() > 1024 {
		var zb bytes.Buffer
		writeGzip(&zb, body)
		body = zb.Bytes()
		h.Set("Content-Encoding", "gzip")
	}
	if rt.cacheable && status == http.StatusOK {
		s.cache.put(newCachedResponse(cacheKey(etag, gzipOK), status, h.Get("Content-Type"), h.Get("Content-Encoding"),
			link, h.Get("X-Total-Count"), body))
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	send(w, req, body)
}

// prepared is what serve knows of a request before it runs the route's
// handler: the parsed query, the format, the dataset, and for a cacheable
// route the ETag and the cached reply if there is one. Both entry points
// (gin's route and the fast path, fast.go) build it with prepare and answer
// from it with answerCached, so they cannot disagree.
type prepared struct {
	problem     *Problem
	q           *query
	format      Format
	ds          *Dataset
	etag        string
	gzipOK      bool
	notModified bool
	cached      *cachedResponse
}

// prepare parses and checks the request (in this order: query, format,
// dataset) and looks a cacheable route's reply up; it writes nothing.
func (s *Server) prepare(req *http.Request, rt *route, kinds map[string]paramKind) prepared {
	q, errs := parseQuery(req.URL.RawQuery, kinds)
	if p := errs.problem(); p != nil {
		return prepared{problem: p}
	}
	def := FormatJSON
	if rt.defaultFormat != "" {
		def = rt.defaultFormat
	}
	f, p := negotiate(req, q.scalar("format"), def)
	if p != nil {
		return prepared{problem: p}
	}
	ds := s.data.Current()
	if ds == nil {
		return prepared{problem: &Problem{Type: problemBase + CodeUnavailable, Title: "Service Unavailable", Status: 503,
			Code: CodeUnavailable, Detail: "no snapshot is loaded yet", RetryAfter: 5}}
	}
	pre := prepared{q: q, format: f, ds: ds, gzipOK: f != FormatArrow && acceptsGzip(req)}
	if rt.cacheable {
		pre.etag = s.etag(ds.ID, req, q, f)
		if match(req.Header.Get("If-None-Match"), pre.etag) {
			pre.notModified = true
		} else if cr, ok := s.cache.get(cacheKey(pre.etag, pre.gzipOK)); ok {
			pre.cached = cr
		}
	}
	return pre
}

// answerCached sets the headers every answer from the dataset carries
// (X-DRI-Snapshot; a cacheable route's ETag and Cache-Control, otherwise
// no-store) and answers a 304 or a cached reply; false: the handler must
// compute the reply. n is the body's bytes written (none for a HEAD).
func (s *Server) answerCached(w http.ResponseWriter, req *http.Request, rt *route, pre *prepared) (answered bool, n int) {
	hdr := w.Header()
	hdr[snapshotHeaderKey] = []string{pre.ds.ID}
	if !rt.cacheable {
		hdr.Set("Cache-Control", "no-store")
		return false, 0
	}
	hdr["Etag"] = []string{pre.etag}
	hdr["Cache-Control"] = s.cacheControl
	if pre.notModified {
		w.WriteHeader(http.StatusNotModified)
		return true, 0
	}
	if pre.cached != nil {
		return true, s.writeCached(w, req, pre.cached)
	}
	return false, 0
}

// cacheKey adds the content encoding (gzip or not) to the ETag.
func cacheKey(etag string, gzip bool) string {
	if gzip {
		return etag + "|gzip"
	}
	return etag
}

// snapshotHeaderKey is HeaderSnapshot as http.Header keys it.
var snapshotHeaderKey = http.CanonicalHeaderKey(HeaderSnapshot)

// writeCached writes a cached response; its Link header was stored
// relative and starts with the request's base URL here (the cache is
// shared by every host name the server answers to).
func (s *Server) writeCached(w http.ResponseWriter, req *http.Request, cr *cachedResponse) int {
	h := w.Header()
	for k, v := range cr.header {
		h[k] = v
	}
	if cr.link != "" {
		h["Link"] = []string{absoluteLinks(s.baseURL(req), cr.link)}
	}
	w.WriteHeader(cr.status)
	if req.Method == http.MethodHead {
		return 0 // the GET's headers, Content-Length included, no body
	}
	return send(w, req, cr.body)
}

// etag is strong: the same snapshot, path, canonical query (the values the
// handler reads, nothing else) and format give the same bytes. The response
// cache is keyed on it. It is the first 32 hex digits of the SHA-256 of
// the four, each followed by a newline.
func (s *Server) etag(snapshot string, req *http.Request, q *query, f Format) string {
	var in [512]byte
	b := append(in[:0], snapshot...)
	b = append(append(b, '\n'), req.URL.Path...)
	b = append(append(b, '\n'), q.canonical()...)
	b = append(append(b, '\n'), f...)
	b = append(b, '\n')
	sum := sha256.Sum256(b)
	var out [34]byte
	out[0], out[33] = '"', '"'
	hex.Encode(out[1:33], sum[:16])
	return string(out[:])
}

func match(ifNoneMatch, etag string) bool {
	if ifNoneMatch == "" {
		return false
	}
	for _, t := range strings.Split(ifNoneMatch, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || t == etag || strings.TrimPrefix(t, "W/") == etag {
			return true
		}
	}
	return false
}
