package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/dri-engine/dri/api"
	"github.com/dri-engine/dri/api/service"
	"github.com/dri-engine/dri/pipeline/objstore"
	snap "github.com/dri-engine/dri/pipeline/snapshot"
)

func init() {
	register(&command{name: "serve", summary: "serve the HTTP API and dashboard (embedded data by default)", run: runServe})
}

type serveConfig struct {
	addr      string
	data      dataFlag
	snapshot  string
	state     string
	tokenFile string
	logJSON   bool
	rate      float64
	proxies   string
	publicURL string
	cache     string
	poll      time.Duration
	// maxRemovedShare and keepSnapshots govern uploads (--state).
	maxRemovedShare float64
	keepSnapshots   int
	workers         int
	queue           int
}

func runServe(ctx context.Context, args []string, e *env) error {
	fs := newFlags("serve", "serve [--addr 127.0.0.1:8080] [--data DIR | --snapshot DIR | --state DIR|s3://BUCKET/PREFIX [--admin-token-file FILE] [--keep-snapshots N] [--max-removed-share F]]\n      [--poll DUR] [--cache DIR] [--rate R] [--trusted-proxies CIDR,...] [--public-url URL] [--workers N] [--queue N] [--log-json]\n\n"+
		"Serves the API (/v1, /openapi.json, /docs), metrics and the dashboard (/).\n"+
		"  default       the embedded data, plus --data, validated and scored at start (in memory)\n"+
		"  --snapshot    a snapshot directory written by dri run\n"+
		"  --state DIR   a state directory that survives restarts: the current snapshot is served\n"+
		"                (the first start builds it from the embedded data); with admin tokens,\n"+
		"                POST /v1/admin/sources and /v1/admin/reload accept new data while serving.\n"+
		"  --state s3://BUCKET/PREFIX?endpoint=URL&region=R\n"+
		"                the same state in an S3-compatible object store, shared by any number of\n"+
		"                replicas (credentials from the AWS environment/config chain): each serves the\n"+
		"                snapshot the store's pointer names, reads the pointer every --poll, and\n"+
		"                acknowledges an upload only once its snapshot and the pointer are in the store.\n"+
		"                Local disk (--cache) is a cache only. While the store is unreachable a replica\n"+
		"                serves what it has (/readyz: degraded) and answers uploads 503. See docs/SCALING.md.\n"+
		"Admin tokens: --admin-token-file (one per line) or DRI_ADMIN_TOKENS (comma-separated);\n"+
		"without any, the admin routes are off. Expensive requests (an uncached sensitivity\n"+
		"analysis, a what-if) run on --workers, --queue more wait, one client holds at most half\n"+
		"of those places (429 over its share, 503 when all are taken, 504 past 4/5 of the\n"+
		"write timeout). Paged lists link their pages (Link: rel=next) with absolute URLs that start\n"+
		"with --public-url (or DRI_PUBLIC_URL) when set, else with the request's scheme and host (a\n"+
		"trusted proxy's X-Forwarded-Proto and X-Forwarded-Host). Logs go to standard error;\n"+
		"SIGINT or SIGTERM stops the server gracefully. The garbage collector runs at GOGC=400\n"+
		"unless GOGC is set (less CPU per request for a larger heap; GOMEMLIMIT is honoured, and\n"+
		"advised in a container: e.g. 80 % of its memory limit). Once the data are loaded the\n"+
		"scheduler runs 8 Ps per CPU (GOMAXPROCS, at most 256) unless GOMAXPROCS is set: with one P\n"+
		"per core a saturated server reads ready connections late (p99 3-4x nginx's); --workers\n"+
		"still counts cores. See docs/DECISIONS.md and docs/SCALING.md.", e)
	var cfg serveConfig
	fs.StringVar(&cfg.addr, "addr", "127.0.0.1:8080", "address to listen on")
	cfg.data.flags(fs)
	fs.StringVar(&cfg.snapshot, "snapshot", "", "serve this snapshot directory instead of loading sources")
	fs.StringVar(&cfg.state, "state", "", "state directory, or s3://BUCKET/PREFIX?endpoint=URL&region=R for replicas sharing an object store (uploads, snapshots and the pointer; survives restarts)")
	fs.StringVar(&cfg.cache, "cache", "", "with --state s3://: the local cache directory (default: a new temporary directory, removed at exit)")
	fs.DurationVar(&cfg.poll, "poll", service.DefaultPoll, "with --state s3://: how often the shared pointer is read (±20 % jitter)")
	fs.StringVar(&cfg.tokenFile, "admin-token-file", "", "file with admin bearer tokens, one per line")
	fs.Float64Var(&cfg.rate, "rate", 50, "requests per second allowed per client address (bursts of twice that); 0 disables")
	fs.StringVar(&cfg.proxies, "trusted-proxies", "", "reverse proxies (addresses or CIDR prefixes, comma-separated) whose X-Forwarded-For names the client and whose X-Forwarded-Proto/-Host name the public scheme and host of links; none by default")
	fs.StringVar(&cfg.publicURL, "public-url", os.Getenv("DRI_PUBLIC_URL"), "base URL clients reach the API at (https://host[/prefix]), for absolute Link URLs behind a proxy; default $DRI_PUBLIC_URL, else the request's scheme and host")
	fs.IntVar(&cfg.workers, "workers", 0, "expensive requests (uncached sensitivity, what-if) run at once; 0: the cores less one, at least 1")
	fs.IntVar(&cfg.queue, "queue", 0, "expensive requests that may wait for a worker (more: 503); 0: 4 per worker")
	fs.BoolVar(&cfg.logJSON, "log-json", false, "log in JSON instead of text")
	fs.IntVar(&cfg.keepSnapshots, "keep-snapshots", service.DefaultKeepSnapshots,
		"snapshots kept in --state (newest first); the current one and its rollback target are always kept, uploads never removed")
	fs.Float64Var(&cfg.maxRemovedShare, "max-removed-share", service.DefaultMaxRemovedShare,
		"refuse (409) an upload that removes more than this share (0..1] of a source's rows, empties a reference table or drops units, unless it says replace=true")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	modes := 0
	for _, set := range []bool{cfg.data.path != "", cfg.snapshot != "", cfg.state != ""} {
		if set {
			modes++
		}
	}
	if modes > 1 {
		return usagef("serve: use one of --data, --snapshot and --state")
	}
	if err := cfg.data.checkLimits(); err != nil {
		return err
	}
	if cfg.workers < 0 || cfg.queue < 0 {
		return usagef("serve: --workers and --queue must be >= 0")
	}
	proxies, err := api.ParseTrustedProxies(cfg.proxies)
	if err != nil {
		return usagef("serve: --trusted-proxies: %v", err)
	}
	publicURL, err := api.ParsePublicURL(cfg.publicURL)
	if err != nil {
		return usagef("serve: --public-url: %v", err)
	}
	if cfg.keepSnapshots < 1 {
		return usagef("serve: --keep-snapshots must be at least 1, not %d", cfg.keepSnapshots)
	}
	if !(cfg.maxRemovedShare > 0 && cfg.maxRemovedShare <= 1) {
		return usagef("serve: --max-removed-share must be in (0, 1], not %g", cfg.maxRemovedShare)
	}
	tokens, err := adminTokens(cfg.tokenFile)
	if err != nil {
		return err
	}
	if len(tokens) > 0 && cfg.state == "" {
		return usagef("serve: admin tokens need --state DIR (where uploads and snapshots are kept)")
	}
	var handler slog.Handler = slog.NewTextHandler(e.stderr, nil)
	if cfg.logJSON {
		handler = slog.NewJSONHandler(e.stderr, nil)
	}
	log := slog.New(handler)
	serveGC(log)

	start := time.Now()
	var holder api.Holder
	apiCfg := api.Config{Addr: cfg.addr, Logger: log, UI: dashboard(), RatePerSecond: cfg.rate, RateBurst: int(2 * cfg.rate),
		TrustedProxies: proxies, PublicURL: publicURL, Workers: cfg.workers, Queue: cfg.queue}
	if apiCfg.Workers == 0 {
		// The cores less one, counted before serveProcs raises GOMAXPROCS.
		apiCfg.Workers = max(1, runtime.GOMAXPROCS(0)-1)
	}
	if cfg.rate <= 0 {
		apiCfg.RatePerSecond = -1
	}
	var shared *service.Service // a replica of a shared state: started after the listener
	if objstore.IsURL(cfg.state) {
		if cfg.poll <= 0 {
			return usagef("serve: --poll must be positive, not %s", cfg.poll)
		}
		store, err := objstore.Open(ctx, cfg.state)
		if err != nil {
			return usagef("serve: --state: %v", err)
		}
		cacheDir := cfg.cache
		if cacheDir == "" {
			if cacheDir, err = os.MkdirTemp("", "dri-cache-"); err != nil {
				return err
			}
			defer os.RemoveAll(cacheDir)
		}
		st, err := snap.OpenState(cacheDir)
		if err != nil {
			return err
		}
		shared = &service.Service{State: st, Shared: &snap.Shared{Store: store, Cache: st}, Poll: cfg.poll,
			Holder: &holder, Log: log, MaxRemovedShare: cfg.maxRemovedShare, KeepSnapshots: cfg.keepSnapshots,
			MaxLineBytes: cfg.data.maxLine, MaxMessageBytes: cfg.data.maxMessage}
		apiCfg.Health, apiCfg.Collectors = shared, shared.Collectors()
		log.Info("shared state", "store", store.String(), "cache", cacheDir, "poll", cfg.poll)
		if len(tokens) > 0 {
			apiCfg.AdminTokens, apiCfg.Admin = tokens, shared
			log.Info("admin routes enabled", "tokens", len(tokens))
		} else {
			log.Info("admin routes off: no admin token (--admin-token-file or DRI_ADMIN_TOKENS)")
		}
	} else if cfg.state != "" {
		st, err := snap.OpenState(cfg.state)
		if err != nil {
			return err
		}
		svc := &service.Service{State: st, Holder: &holder, Log: log, MaxRemovedShare: cfg.maxRemovedShare,
			KeepSnapshots: cfg.keepSnapshots, MaxLineBytes: cfg.data.maxLine, MaxMessageBytes: cfg.data.maxMessage}
		if err := svc.Start(ctx); err != nil {
			return err
		}
		if len(tokens) > 0 {
			apiCfg.AdminTokens, apiCfg.Admin = tokens, svc
			log.Info("admin routes enabled", "tokens", len(tokens))
		} else {
			log.Info("admin routes off: no admin token (--admin-token-file or DRI_ADMIN_TOKENS)")
		}
	} else {
		ds, err := e.dataset(ctx, cfg.data, cfg.snapshot)
		if err != nil {
			return err
		}
		holder.Set(ds)
	}
	if ds := holder.Current(); ds != nil {
		log.Info("data loaded", "snapshot", ds.ID, "observations", ds.Store.Len(), "took", time.Since(start).Round(time.Millisecond))
	}
	srv := api.New(apiCfg, &holder).HTTPServer()
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "dri: serving on http://%s/ (dashboard at /, API under /v1, docs at /docs)\n", ln.Addr())
	serveProcs(log)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	if shared != nil {
		// Listening already: /readyz says why no snapshot is served
		// while the store cannot be reached.
		rctx, stop := context.WithCancel(ctx)
		defer stop()
		go shared.Run(rctx)
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// adminTokens reads the tokens from a file (one per line, # comments) and
// the DRI_ADMIN_TOKENS environment variable (comma-separated).
func adminTokens(file string) ([]string, error) {
	var tokens []string
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, usagef("--admin-token-file: %v", err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
				tokens = append(tokens, line)
			}
		}
		if len(tokens) == 0 {
			// Asked for admin routes and got none: refuse rather than
			// start with them silently off.
			return nil, usagef("--admin-token-file %s holds no token (one per line; # starts a comment): not starting with the admin routes off", filepath.Base(file))
		}
	}
	for _, t := range strings.Split(os.Getenv("DRI_ADMIN_TOKENS"), ",") {
		if t = strings.TrimSpace(t); t != "" {
			tokens = append(tokens, t)
		}
	}
	for _, t := range tokens {
		if len(t) < 16 {
			return nil, usagef("admin tokens must be at least 16 characters (one is %d)", len(t))
		}
	}
	return tokens, nil
}

// dataset loads the data to serve: a snapshot directory, or the sources
// (embedded plus --data), refusing data with validation errors.
func (e *env) dataset(ctx context.Context, data dataFlag, snapshot string) (*api.Dataset, error) {
	if snapshot != "" {
		res, m, err := snap.Read(snapshot, nil)
		if err != nil {
			return nil, err
		}
		return service.NewDataset(res, m)
	}
	opt, err := data.options()
	if err != nil {
		return nil, err
	}
	res, err := e.loadValid(ctx, opt)
	if err != nil {
		return nil, err
	}
	return service.NewDataset(res, nil)
}

// serveGCPercent is dri serve's GOGC unless the environment sets one: a
// server's live heap is the dataset and the response cache, and collecting
// at 5x it instead of 2x costs ~4 us less CPU per cached request for tens
// of MB more heap (docs/BENCHMARKS.md, capacity of one replica).
const serveGCPercent = 400

// serveGC sets the collector's target for dri serve unless GOGC is set
// (GOMEMLIMIT, if set, still bounds the heap: the runtime reads it).
func serveGC(log *slog.Logger) {
	if v, ok := os.LookupEnv("GOGC"); ok {
		log.Info("garbage collector", "gogc", v, "from", "GOGC")
		return
	}
	debug.SetGCPercent(serveGCPercent)
	log.Info("garbage collector", "gogc", serveGCPercent)
}

// serveProcsPerCPU and serveProcsMax set dri serve's GOMAXPROCS unless the
// environment sets one: 8 Ps per CPU the runtime would use, at most 256.
// With as many Ps as cores, a saturated server's Ps always have goroutines
// in their local queues, so connections that became readable wait for
// sysmon's network poll (every 10 ms): on 2 cores dri's p99 was 23 ms
// against nginx's 6 while its handler's p99 was under 0.5 ms. With 16 Ps
// the p99 was 8 ms and the rate 1.3x (docs/BENCHMARKS.md, capacity of one
// replica, round 3). The admission pool (--workers) is still sized by the
// cores.
const (
	serveProcsPerCPU = 8
	serveProcsMax    = 256
)

// serveProcs raises GOMAXPROCS for serving unless GOMAXPROCS is set, and
// logs the setting.
func serveProcs(log *slog.Logger) {
	if v, ok := os.LookupEnv("GOMAXPROCS"); ok {
		log.Info("scheduler", "gomaxprocs", v, "from", "GOMAXPROCS")
		return
	}
	cpus := runtime.GOMAXPROCS(0)
	procs := min(serveProcsPerCPU*cpus, serveProcsMax)
	runtime.GOMAXPROCS(procs)
	log.Info("scheduler", "gomaxprocs", procs, "cpus", cpus)
}
