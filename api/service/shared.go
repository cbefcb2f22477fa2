package service

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/dri-engine/dri/api"
	"github.com/dri-engine/dri/pipeline"
	"github.com/dri-engine/dri/pipeline/objstore"
	"github.com/dri-engine/dri/pipeline/snapshot"
)

// A replica of `dri serve --state s3://...` keeps no state of its own: the
// object store holds the snapshots, the uploads and the pointer, and the
// State is a cache. The rules:
//
//   - Start reads the pointer and serves the snapshot it names (fetched into
//     the cache and checked); an empty store gets the first snapshot, built
//     from the embedded data, by whichever replica swaps the pointer first.
//   - An upload first catches up with the pointer, then builds, publishes the
//     snapshot and its uploads, and swaps the pointer with a compare-and-swap
//     against the pointer it built on: only then is it acknowledged. When
//     another replica moved the pointer in between, the swap fails, the
//     replica catches up (serving the other's snapshot) and builds again on
//     top of it, so both uploads are kept.
//   - Watch reads the pointer every Poll (±20 %) with a conditional GET and
//     swaps to the snapshot it names.
//   - When the store cannot be reached the replica keeps serving what it
//     has, says so on /readyz (Degraded) and in its metrics, and answers
//     uploads 503.

// maxSwapAttempts bounds the rebuilds of an upload that loses the race for
// the pointer to other replicas' uploads.
const maxSwapAttempts = 5

// health is what Degraded reports.
type health struct {
	mu     sync.Mutex
	reason string
	since  time.Time
}

func (h *health) fail(reason string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.reason == "" {
		h.since = time.Now()
	}
	h.reason = reason
}

func (h *health) ok() (wasDegraded string, since time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	wasDegraded, since = h.reason, h.since
	h.reason = ""
	return wasDegraded, since
}

// Degraded says why the replica cannot reach its shared state ("" when it
// can, and always "" for a state directory): api.Health.
func (s *Service) Degraded() string {
	s.health.mu.Lock()
	defer s.health.mu.Unlock()
	if s.health.reason == "" {
		return ""
	}
	return fmt.Sprintf("%s (since %s)", s.health.reason, s.health.since.UTC().Format(time.RFC3339))
}

// stateMetrics are the shared state's Prometheus counters.
type stateMetrics struct {
	polls    prometheus.Counter
	failures *prometheus.CounterVec
	swaps    prometheus.Counter
	retries  prometheus.Counter
	degraded prometheus.GaugeFunc
}

// Collectors are the service's Prometheus collectors (api.Config.Collectors).
func (s *Service) Collectors() []prometheus.Collector {
	m := s.metrics()
	return []prometheus.Collector{m.polls, m.failures, m.swaps, m.retries, m.degraded}
}

func (s *Service) metrics() *stateMetrics {
	s.metricsOnce.Do(s.newMetrics)
	return s.m
}

func (s *Service) newMetrics() {
	s.m = &stateMetrics{
		polls: prometheus.NewCounter(prometheus.CounterOpts{Name: "dri_state_polls_total",
			Help: "Reads of the shared pointer (conditional GETs)."}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "dri_state_failures_total",
			Help: "Failed operations on the shared state (object store), by operation."}, []string{"op"}),
		swaps: prometheus.NewCounter(prometheus.CounterOpts{Name: "dri_state_swaps_total",
			Help: "Snapshots swapped in because the shared pointer moved (another replica's upload or a rollback)."}),
		retries: prometheus.NewCounter(prometheus.CounterOpts{Name: "dri_state_pointer_conflicts_total",
			Help: "Uploads rebuilt because another replica moved the pointer first."}),
		degraded: prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "dri_state_degraded",
			Help: "1 while the shared state cannot be reached (the replica serves the snapshot it has)."},
			func() float64 {
				if s.Degraded() != "" {
					return 1
				}
				return 0
			}),
	}
}

// failed records a failure to reach the shared state (the replica is
// degraded until the next successful exchange) and returns it as the admin
// routes' ErrStateUnavailable; any other error (a rejected upload, say) is
// returned as it is.
func (s *Service) failed(op string, err error) error {
	if !errors.Is(err, objstore.ErrUnavailable) {
		return err
	}
	s.degrade(op, fmt.Sprintf("object store unreachable (%s): %v", op, err))
	return fmt.Errorf("%w: %w", api.ErrStateUnavailable, err)
}

// degrade counts a failure of the shared state and marks the replica
// degraded with the reason, logging the transition once.
func (s *Service) degrade(op, reason string) {
	s.metrics().failures.WithLabelValues(op).Inc()
	if s.Degraded() == "" {
		s.Log.Warn("shared state failing: serving the snapshot loaded; uploads answer 503 until it recovers",
			"op", op, "reason", reason)
	}
	s.health.fail(reason)
}

// recovered clears the degraded state after a successful exchange with
// the store, and logs how long it lasted.
func (s *Service) recovered() {
	if was, since := s.health.ok(); was != "" {
		s.Log.Info("shared state reachable again", "store", s.Shared.Store.String(), "degraded_for", time.Since(since).Round(time.Millisecond))
	}
}

// startShared serves the snapshot the shared pointer names, building and
// publishing the first one when the store has none.
func (s *Service) startShared(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.State.Clean(); err != nil {
		return err
	}
	if err := s.Shared.Store.Check(ctx); err != nil {
		return s.failed("start", err)
	}
	p, err := s.Shared.ReadPointer(ctx)
	if err != nil {
		return s.failed("start", err)
	}
	if p.Snapshot != "" {
		if err := s.follow(ctx, p); err != nil {
			return s.failed("start", err)
		}
		s.recovered()
		return nil
	}
	s.pointer = p
	s.Log.Info("the shared state is empty: building the first snapshot from the embedded data", "store", s.Shared.Store.String())
	_, err = s.build(ctx, &pipeline.Catalogue{}, false)
	if errors.Is(err, objstore.ErrPrecondition) {
		// Another replica published the first snapshot meanwhile.
		err = s.catchUp(ctx)
	}
	if err != nil {
		return s.failed("start", err)
	}
	s.recovered()
	return nil
}

// Run starts the replica, retrying (every 1 s, up to every 10 s) while the
// store cannot be reached or holds nothing servable, then follows the
// pointer until ctx ends. /readyz answers 503 with the reason until a
// snapshot is served.
func (s *Service) Run(ctx context.Context) {
	wait := time.Second
	for {
		err := s.Start(ctx)
		if err == nil {
			break
		}
		if s.Degraded() == "" {
			s.health.fail("cannot start: " + err.Error())
		}
		s.Log.Warn("could not load the shared state; retrying", "store", s.Shared.Store.String(), "err", err, "retry_in", wait)
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, 10*time.Second)
	}
	s.Watch(ctx)
}

// Watch reads the pointer every Poll (±20 % jitter, so replicas started
// together spread their reads) and swaps to the snapshot it names.
func (s *Service) Watch(ctx context.Context) {
	poll := s.Poll
	if poll <= 0 {
		poll = DefaultPoll
	}
	for {
		d := time.Duration(float64(poll) * (0.8 + 0.4*rand.Float64()))
		select {
		case <-ctx.Done():
			return
		case <-time.After(d):
		}
		s.poll(ctx)
	}
}

// DefaultPoll is how often a replica reads the shared pointer by default.
const DefaultPoll = 2 * time.Second

// poll reads the pointer once (a conditional GET) and follows it.
func (s *Service) poll(ctx context.Context) {
	s.mu.Lock()
	etag := s.pointer.ETag
	s.mu.Unlock()
	s.metrics().polls.Inc()
	p, changed, err := s.Shared.PointerIfChanged(ctx, etag)
	if err != nil {
		if !errors.Is(s.failed("poll", err), api.ErrStateUnavailable) {
			s.degrade("poll", fmt.Sprintf("the shared pointer cannot be read: %v", err))
		}
		return
	}
	if !changed {
		s.recovered()
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if p.Snapshot == "" {
		s.degrade("poll", fmt.Sprintf("the pointer %s%s is gone: serving the snapshot loaded", s.Shared.Store, snapshot.PointerKey))
		return
	}
	if p.Generation < s.pointer.Generation {
		return // an upload of this replica moved it further meanwhile
	}
	if err := s.follow(ctx, p); err != nil {
		if !errors.Is(s.failed("follow", err), api.ErrStateUnavailable) {
			s.degrade("follow", fmt.Sprintf("cannot serve snapshot %s, which the shared pointer names: %v", p.Snapshot, err))
		}
		return
	}
	s.recovered()
}

// catchUp reads the pointer and serves the snapshot it names when it is not
// the one served. The caller holds s.mu.
func (s *Service) catchUp(ctx context.Context) error {
	p, err := s.Shared.ReadPointer(ctx)
	if err != nil {
		return err
	}
	if p.Snapshot == "" {
		s.pointer = p
		return nil
	}
	return s.follow(ctx, p)
}

// follow serves the snapshot pointer p names (fetching it into the cache
// first) and remembers p. The caller holds s.mu.
func (s *Service) follow(ctx context.Context, p snapshot.Pointer) error {
	if ds := s.Holder.Current(); ds != nil && ds.ID == p.Snapshot {
		s.pointer = p
		return nil
	}
	if err := s.Shared.Fetch(ctx, p.Snapshot); err != nil {
		return err
	}
	res, m, err := snapshot.Read(filepath.Join(s.State.SnapshotsDir(), p.Snapshot), nil)
	if err != nil {
		return s.State.Relative(err)
	}
	ds, err := NewDataset(res, m)
	if err != nil {
		res.Release()
		return err
	}
	if err := s.State.SetCurrent(m.ID); err != nil {
		res.Release()
		return s.State.Relative(err)
	}
	prev := s.Holder.Current()
	s.serve(ctx, ds)
	s.pointer = p
	if prev != nil {
		s.metrics().swaps.Inc()
		s.Log.Info("swapped to the snapshot the shared pointer names", "snapshot", m.ID, "previous", prev.ID,
			"generation", p.Generation, "by", p.By)
	} else {
		s.Log.Info("serving snapshot", "snapshot", m.ID, "created", m.Created, "store", s.Shared.Store.String())
	}
	return nil
}

// commit makes snapshot id (written to the state) the one served, durably:
// the state directory's current pointer, or, with a shared state, the
// snapshot and its uploads published and the shared pointer swapped from
// the one this replica last read (objstore.ErrPrecondition when another
// replica moved it). The caller holds s.mu (or is starting).
func (s *Service) commit(ctx context.Context, id string) error {
	if s.Shared == nil {
		return s.State.SetCurrent(id)
	}
	if err := s.Shared.Publish(ctx, id); err != nil {
		return err
	}
	if s.pointer.Snapshot != id {
		p, err := s.Shared.SwapPointer(ctx, s.pointer, id)
		if err != nil {
			return err
		}
		s.pointer = p
	}
	return s.State.SetCurrent(id)
}
