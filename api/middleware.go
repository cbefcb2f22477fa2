package api

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/netip"
	"runtime/debug"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"golang.org/x/time/rate"
)

// recoverer turns a panic in any handler into a logged 500 problem.
func (s *Server) recoverer(c *gin.Context) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.cfg.Logger.Error("panic serving request", "method", c.Request.Method, "path", c.Request.URL.Path,
				"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			if !c.Writer.Written() {
				writeProblem(c.Writer, c.Request, newProblem(http.StatusInternalServerError, CodeInternal, "internal error"))
			}
			c.Abort()
		}
	}()
	c.Next()
}

// baseHeaders sets CORS and security headers on every response, errors
// included, and answers CORS preflight requests.
func (s *Server) baseHeaders(c *gin.Context) {
	h := c.Writer.Header()
	for k, v := range baseHeaderSet {
		h[k] = v
	}
	if c.Request.Method == http.MethodOptions {
		h.Set("Access-Control-Allow-Methods", "GET, HEAD, POST, OPTIONS")
		h.Set("Access-Control-Allow-Headers", "Accept, Content-Type, If-None-Match, Authorization")
		h.Set("Access-Control-Max-Age", "86400")
		c.AbortWithStatus(http.StatusNoContent)
		return
	}
	c.Next()
}

// baseHeaderSet are the headers of every response, keys canonical as
// Header.Set makes them. baseHeaders copies the value slices, which nothing
// modifies (Set replaces a slice, Add appends to a full one), so a request
// allocates none of them.
var baseHeaderSet = func() http.Header {
	h := http.Header{}
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Expose-Headers", "ETag, Link, X-Total-Count, Retry-After, Content-Encoding, "+HeaderSnapshot)
	h.Set("Vary", "Accept, Accept-Encoding")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Resource-Policy", "cross-origin")
	return h
}()

// headWriter drops the body of a HEAD response and sends the headers as the
// GET's would be sent (so Written reports true): every GET route also
// answers HEAD with the GET's status and headers, Content-Length included,
// as RFC 9110 asks and CORS's allowed methods say.
type headWriter struct{ gin.ResponseWriter }

func (w headWriter) Write(b []byte) (int, error) {
	w.WriteHeaderNow()
	return len(b), nil
}

func (w headWriter) WriteString(s string) (int, error) { return w.Write([]byte(s)) }

// headOnly puts a headWriter under HEAD requests.
func (s *Server) headOnly(c *gin.Context) {
	if c.Request.Method == http.MethodHead {
		c.Writer = headWriter{c.Writer}
	}
	c.Next()
}

// limits refuses over-long query strings (414) and caps request bodies (413
// when a handler reads past the limit).
func (s *Server) limits(c *gin.Context) {
	if len(c.Request.URL.RawQuery) > s.cfg.MaxQueryBytes {
		writeProblem(c.Writer, c.Request, newProblem(http.StatusRequestURITooLong, CodeURITooLong,
			fmt.Sprintf("query string of %d bytes exceeds the limit of %d", len(c.Request.URL.RawQuery), s.cfg.MaxQueryBytes)))
		c.Abort()
		return
	}
	if c.Request.ContentLength > s.cfg.MaxBodyBytes && c.FullPath() != "/v1/admin/sources" {
		writeProblem(c.Writer, c.Request, newProblem(http.StatusRequestEntityTooLarge, CodeTooLarge,
			fmt.Sprintf("request body of %d bytes exceeds the limit of %d", c.Request.ContentLength, s.cfg.MaxBodyBytes)))
		c.Abort()
		return
	}
	if c.Request.Body != nil && c.FullPath() != "/v1/admin/sources" {
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, s.cfg.MaxBodyBytes)
	}
	c.Next()
}

// logAndMeasure logs each request on stderr (slog) and records its count and
// latency per route.
func (s *Server) logAndMeasure(c *gin.Context) {
	start := time.Now()
	c.Set(startKey, start)
	c.Next()
	route := c.FullPath()
	if route == "" {
		route = "unmatched"
	}
	status, failed := delivered(c)
	s.record(c.Request, route, status, c.Writer.Size(), time.Since(start), c.ClientIP(), failed)
}

// record counts and logs a finished request; both entry points (gin's
// logAndMeasure and the fast path) log through it.
func (s *Server) record(req *http.Request, route string, status, size int, d time.Duration, client string, failed error) {
	s.metrics.count(route, req.Method, status)
	s.metrics.observe(route, d)
	// LogAttrs: the attributes are not boxed into a []any (this runs for
	// every request; docs/BENCHMARKS.md, capacity of one replica).
	s.cfg.Logger.LogAttrs(context.Background(), slog.LevelInfo, "request", slog.String("method", req.Method),
		slog.String("path", req.URL.Path), slog.String("query", redactQuery(req.URL.RawQuery)),
		slog.String("route", route), slog.Int("status", status), slog.Int("bytes", size),
		slog.Float64("duration_ms", float64(d.Microseconds())/1000), slog.String("client", client))
	if failed != nil {
		s.cfg.Logger.Warn("reply not delivered", "method", req.Method, "path", req.URL.Path, "status", status, "err", failed)
	}
}

// delivered sends what is buffered of the reply and returns the status to
// record: the reply's, or 500 when the write timeout cut it, or 499 when the
// client went away before it was sent, never the 200 the handler meant to
// send.
func delivered(c *gin.Context) (int, error) {
	status := c.Writer.Status()
	if status == statusClientClosed {
		return status, errClientClosed
	}
	c.Writer.WriteHeaderNow()
	w := http.ResponseWriter(c.Writer)
	if u, ok := w.(interface{ Unwrap() http.ResponseWriter }); ok {
		w = u.Unwrap() // gin's writer flushes without an error
	}
	return flushed(w, status)
}

// flushed flushes w (net/http's writer) and returns the status to record
// for a reply meant to be status (see delivered).
func flushed(w http.ResponseWriter, status int) (int, error) {
	err := http.NewResponseController(w).Flush()
	if err == nil || errors.Is(err, http.ErrNotSupported) {
		return status, nil
	}
	// net/http cancels the request's context on any write error, so the
	// error itself tells a write timeout from a client that left.
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return http.StatusInternalServerError, err
	}
	return statusClientClosed, err
}

// metrics are the Prometheus collectors of one server (own registry, so
// several servers in one process do not collide).
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	// counters and observers keep the collectors of each label set seen
	// (as bounded as the vectors' own series): WithLabelValues hashes the
	// labels and takes the vector's lock on every call.
	counters  sync.Map // requestLabels -> prometheus.Counter
	observers sync.Map // route -> prometheus.Observer
}

type requestLabels struct {
	route, method string
	status        int
}

// count adds a request to dri_http_requests_total.
func (m *metrics) count(route, method string, status int) {
	k := requestLabels{route, method, status}
	c, ok := m.counters.Load(k)
	if !ok {
		c, _ = m.counters.LoadOrStore(k, m.requests.WithLabelValues(route, method, strconv.Itoa(status)))
	}
	c.(prometheus.Counter).Inc()
}

// observe records a request's latency in dri_http_request_duration_seconds.
func (m *metrics) observe(route string, d time.Duration) {
	o, ok := m.observers.Load(route)
	if !ok {
		o, _ = m.observers.LoadOrStore(route, m.latency.WithLabelValues(route))
	}
	o.(prometheus.Observer).Observe(d.Seconds())
}

func newMetrics(version string, data Provider) *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "dri_http_requests_total", Help: "HTTP requests by route, method and status.",
	}, []string{"route", "method", "status"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "dri_http_request_duration_seconds", Help: "HTTP request latency by route.",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
	}, []string{"route"})
	build := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "dri_build_info", Help: "Build information (value 1).",
	}, []string{"version", "goversion"})
	goVersion := "unknown"
	if bi, ok := debug.ReadBuildInfo(); ok {
		goVersion = bi.GoVersion
	}
	build.WithLabelValues(version, goVersion).Set(1)
	snapshot := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "dri_snapshot_created_timestamp_seconds", Help: "Creation time of the snapshot being served.",
	}, func() float64 {
		if ds := data.Current(); ds != nil {
			return float64(ds.Created.Unix())
		}
		return 0
	})
	info := &snapshotInfo{data: data, desc: prometheus.NewDesc("dri_snapshot_info",
		"The snapshot being served (value 1; id label).", []string{"id"}, nil)}
	m.reg.MustRegister(m.requests, m.latency, build, snapshot, info,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// snapshotInfo exports the current snapshot id as a label.
type snapshotInfo struct {
	data Provider
	desc *prometheus.Desc
}

func (s *snapshotInfo) Describe(ch chan<- *prometheus.Desc) { ch <- s.desc }
func (s *snapshotInfo) Collect(ch chan<- prometheus.Metric) {
	if ds := s.data.Current(); ds != nil {
		ch <- prometheus.MustNewConstMetric(s.desc, prometheus.GaugeValue, 1, ds.ID)
	}
}

func (s *Server) metricsHandler() gin.HandlerFunc {
	h := promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{})
	return func(c *gin.Context) {
		c.Writer.Header().Set("Cache-Control", "no-store")
		h.ServeHTTP(c.Writer, c.Request)
	}
}

// clientLimiter keeps a token bucket per client, in a least-recently-used
// list bounded to max clients: a client idle for longer than idle is
// forgotten, and when the list is full the least recently seen client is
// (it starts again with a full bucket, which is what an idle client would
// have). Clients are keyed by clientKey: IPv6 by /64.
type clientLimiter struct {
	mu      sync.Mutex
	rate    rate.Limit
	burst   int
	max     int
	idle    time.Duration
	clients map[string]*list.Element
	lru     list.List // of *clientEntry, most recently seen first
}

type clientEntry struct {
	key  string
	lim  *rate.Limiter
	seen time.Time
}

// Defaults of the per-client limiter's bounds.
const (
	limiterClients = 16384
	limiterIdle    = 5 * time.Minute
)

func newClientLimiter(perSecond float64, burst, maxClients int, idle time.Duration) *clientLimiter {
	return &clientLimiter{rate: rate.Limit(perSecond), burst: burst, max: maxClients, idle: idle,
		clients: map[string]*list.Element{}}
}

// allow takes a token for the client, or returns how long to wait.
func (l *clientLimiter) allow(client string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	// The list is ordered by last seen, so the idle are at its back.
	for b := l.lru.Back(); b != nil && now.Sub(b.Value.(*clientEntry).seen) > l.idle; b = l.lru.Back() {
		l.forget(b)
	}
	var e *clientEntry
	if el, ok := l.clients[client]; ok {
		e = el.Value.(*clientEntry)
		l.lru.MoveToFront(el)
	} else {
		if l.lru.Len() >= l.max {
			l.forget(l.lru.Back())
		}
		e = &clientEntry{key: client, lim: rate.NewLimiter(l.rate, l.burst)}
		l.clients[client] = l.lru.PushFront(e)
	}
	e.seen = now
	r := e.lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

func (l *clientLimiter) forget(el *list.Element) {
	delete(l.clients, el.Value.(*clientEntry).key)
	l.lru.Remove(el)
}

// len is the number of clients remembered.
func (l *clientLimiter) len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lru.Len()
}

// clientKey is the address a client is limited by: an IPv4 address as is,
// an IPv6 address by its /64 (one host or home network is usually given a
// whole /64, so keying by the full address would let it rotate through 2^64
// addresses). A string that is not an address is its own key.
func clientKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	a = a.Unmap()
	if a.Is4() {
		return a.String()
	}
	p, _ := a.WithZone("").Prefix(64)
	return p.String()
}

// rateLimit answers 429 with Retry-After when a client exceeds its rate.
// Health and metrics endpoints are not limited.
func (s *Server) rateLimit(c *gin.Context) {
	if s.limiter == nil {
		c.Next()
		return
	}
	switch c.Request.URL.Path {
	case "/healthz", "/readyz", "/metrics":
		c.Next()
		return
	}
	ok, wait := s.limiter.allow(clientKey(c.ClientIP()), time.Now())
	if !ok {
		secs := int(math.Ceil(wait.Seconds()))
		writeProblem(c.Writer, c.Request, &Problem{Type: problemBase + CodeRateLimited, Title: "Too Many Requests",
			Status: http.StatusTooManyRequests, Code: CodeRateLimited, RetryAfter: max(secs, 1),
			Detail: fmt.Sprintf("more than %g requests per second from this client; retry after %d s", float64(s.limiter.rate), max(secs, 1))})
		c.Abort()
		return
	}
	c.Next()
}
