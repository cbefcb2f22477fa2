package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/dri-engine/dri/api"
	"github.com/dri-engine/dri/pipeline"
)

func init() {
	register(&command{name: "serve", summary: "serve the HTTP API and dashboard (embedded data by default)", run: runServe})
}

type serveConfig struct {
	addr     string
	data     dataFlag
	snapshot string
	logJSON  bool
}

func runServe(ctx context.Context, args []string, e *env) error {
	fs := newFlags("serve", "serve [--addr 127.0.0.1:8080] [--data DIR | --snapshot DIR] [--log-json]\n\n"+
		"Loads the data (the embedded sources, plus --data; or a snapshot written by dri run),\n"+
		"computes the scores and serves the API, its OpenAPI document (/openapi.json, /docs) and\n"+
		"the dashboard (/). Logs go to standard error. SIGINT or SIGTERM stops it gracefully.", e)
	var cfg serveConfig
	fs.StringVar(&cfg.addr, "addr", "127.0.0.1:8080", "address to listen on")
	fs.StringVar(&cfg.data.path, "data", "", dataUsage)
	fs.StringVar(&cfg.snapshot, "snapshot", "", "serve this snapshot directory instead of loading sources")
	fs.BoolVar(&cfg.logJSON, "log-json", false, "log in JSON instead of text")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if cfg.data.path != "" && cfg.snapshot != "" {
		return usagef("serve: use --data or --snapshot, not both")
	}
	var handler slog.Handler = slog.NewTextHandler(e.stderr, nil)
	if cfg.logJSON {
		handler = slog.NewJSONHandler(e.stderr, nil)
	}
	log := slog.New(handler)

	start := time.Now()
	ds, err := e.dataset(ctx, cfg.data, cfg.snapshot)
	if err != nil {
		return err
	}
	log.Info("data loaded", "snapshot", ds.ID, "observations", ds.Store.Len(), "took", time.Since(start).Round(time.Millisecond))
	var holder api.Holder
	holder.Set(ds)
	srv := api.New(api.Config{Addr: cfg.addr, Logger: log}, &holder).HTTPServer()
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "dri: serving on http://%s/ (API under /v1, docs at /docs)\n", ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
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

// dataset loads the data to serve: a snapshot directory, or the sources
// (embedded plus --data), refusing data with validation errors.
func (e *env) dataset(ctx context.Context, data dataFlag, snapshot string) (*api.Dataset, error) {
	if snapshot != "" {
		res, m, err := pipeline.ReadSnapshot(snapshot, nil)
		if err != nil {
			return nil, err
		}
		return newDataset(res, m)
	}
	opt, err := data.options()
	if err != nil {
		return nil, err
	}
	res, err := e.load(ctx, opt)
	if err != nil {
		return nil, err
	}
	if n := res.Report.Errors(); n > 0 {
		res.Report.WriteText(e.stderr, false)
		res.Release()
		return nil, fmt.Errorf("%d validation errors: not serving invalid data", n)
	}
	return newDataset(res, nil)
}

// newDataset indexes a result for serving. Without a manifest (data loaded
// from sources) the manifest is computed as a snapshot would have it, so the
// id is the same content hash `dri run` would give.
func newDataset(res *pipeline.Result, m *pipeline.Manifest) (*api.Dataset, error) {
	store, err := pipeline.NewStore(res.Observations)
	if err != nil {
		return nil, err
	}
	if m == nil {
		if m, err = pipeline.ComputeManifest(res, nil); err != nil {
			return nil, err
		}
	}
	eng, err := newEngine(res)
	if err != nil {
		return nil, err
	}
	return &api.Dataset{ID: m.ID, Created: m.Created, Manifest: m, Result: res, Store: store,
		Reference: res.Reference, Registry: res.Registry, Scores: eng}, nil
}
