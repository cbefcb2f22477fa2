package api

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"
)

// CodeDeadlineExceeded is the problem code of a request that ran out of time (504).
const CodeDeadlineExceeded = "deadline_exceeded"

// startKey is the gin context key of the time a request began.
const startKey = "dri.start"

// ParseTrustedProxies parses a comma-separated list of proxy addresses and
// CIDR prefixes (as for --trusted-proxies); an empty string trusts none.
func ParseTrustedProxies(s string) ([]string, error) {
	var out []string
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if strings.Contains(p, "/") {
			pre, err := netip.ParsePrefix(p)
			if err != nil {
				return nil, fmt.Errorf("api: trusted proxy %q: not an address or CIDR prefix", p)
			}
			if pre.Bits() == 0 {
				return nil, fmt.Errorf("api: trusted proxy %q: would trust every address; name the proxies", p)
			}
		} else if _, err := netip.ParseAddr(p); err != nil {
			return nil, fmt.Errorf("api: trusted proxy %q: not an address or CIDR prefix", p)
		}
		out = append(out, p)
	}
	return out, nil
}

// admission runs expensive work (an uncached sensitivity analysis, a
// what-if) under a bounded pool: at most workers jobs run, at most queue
// wait, and one client holds at most share of the running and waiting
// places. A request over its client's share is refused with 429, one that
// finds every place taken with 503, both with Retry-After; cheap requests
// never wait for it.
//
// It is an admission queue, not an errgroup: the jobs are independent
// requests from different clients, not parts of one task, so one job's
// error must not cancel the others (errgroup.WithContext would), a job
// must be refused at once when the queue or its client's share is full
// (errgroup's SetLimit blocks the caller instead, with no bound on waiters
// and no per-client share), and the caller needs the job's own outcome and
// a Retry-After estimate, not the group's first error.
type admission struct {
	workers, queue, share int
	slots                 chan struct{} // a token per running job

	mu       sync.Mutex
	admitted int            // running and waiting
	clients  map[string]int // admitted per client
	avg      time.Duration  // moving average of a job's run time
}

func newAdmission(workers, queue, share int) *admission {
	return &admission{workers: workers, queue: queue, share: share, slots: make(chan struct{}, workers),
		clients: map[string]int{}, avg: time.Second}
}

// errClientClosed is the outcome of a request whose client went away.
var errClientClosed = errors.New("api: client closed request")

// statusClientClosed is logged for a request whose client went away before
// the reply (nginx's 499 "client closed request").
const statusClientClosed = 499

// run runs job for client under the pool, within ctx. It returns a 429 or
// 503 problem when the pool refuses the job, a 504 problem when ctx's
// deadline passes first (in the queue or in the job), errClientClosed when
// ctx is cancelled (the client went away), or job's error.
func (a *admission) run(ctx context.Context, client string, job func(context.Context) error) error {
	if p := a.enter(client); p != nil {
		return p
	}
	defer a.leave(client)
	select {
	case a.slots <- struct{}{}:
	case <-ctx.Done():
		return outcome(ctx)
	}
	start := time.Now()
	defer func() { // deferred: a job that panics gives its worker back too
		<-a.slots
		a.mu.Lock()
		a.avg = (7*a.avg + time.Since(start)) / 8
		a.mu.Unlock()
	}()
	err := job(ctx)
	if ctx.Err() != nil {
		return outcome(ctx)
	}
	return err
}

func (a *admission) enter(client string) *Problem {
	a.mu.Lock()
	defer a.mu.Unlock()
	// Retry after the time the pool takes to work off what it holds.
	retry := max(1, int(math.Ceil(a.avg.Seconds()*float64(a.admitted)/float64(a.workers))))
	switch {
	case a.clients[client] >= a.share:
		return &Problem{Type: problemBase + CodeRateLimited, Title: http.StatusText(http.StatusTooManyRequests),
			Status: http.StatusTooManyRequests, Code: CodeRateLimited, RetryAfter: retry,
			Detail: fmt.Sprintf("this client already has %d expensive requests running or waiting, its share of the %d places; retry after %d s",
				a.clients[client], a.workers+a.queue, retry)}
	case a.admitted >= a.workers+a.queue:
		return &Problem{Type: problemBase + CodeUnavailable, Title: http.StatusText(http.StatusServiceUnavailable),
			Status: http.StatusServiceUnavailable, Code: CodeUnavailable, RetryAfter: retry,
			Detail: fmt.Sprintf("all %d workers are busy and %d requests wait; retry after %d s", a.workers, a.queue, retry)}
	}
	a.admitted++
	a.clients[client]++
	return nil
}

// load is the number of jobs running and waiting.
func (a *admission) load() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.admitted
}

func (a *admission) leave(client string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.admitted--
	if a.clients[client]--; a.clients[client] == 0 {
		delete(a.clients, client)
	}
}

// outcome is the error of a request whose context ended: 504 past its
// deadline, errClientClosed when the client went away.
func outcome(ctx context.Context) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return newProblem(http.StatusGatewayTimeout, CodeDeadlineExceeded,
			"the request did not finish within its deadline: the server is busy or the request is too large (fewer runs, or retry later)")
	}
	return errClientClosed
}

// expensive runs job under the server's admission pool with the request's
// deadline: a fraction of the write timeout from when the request began,
// so the reply (a 200 or a 504 problem) is written before the write timeout
// would cut it.
func (r *request) expensive(job func(context.Context) error) error {
	s := r.s
	start := time.Now()
	if v, ok := r.c.Get(startKey); ok {
		start = v.(time.Time)
	}
	ctx, cancel := context.WithDeadline(r.c.Request.Context(), start.Add(s.cfg.RequestDeadline))
	defer cancel()
	return s.admission.run(ctx, clientKey(r.c.ClientIP()), job)
}
