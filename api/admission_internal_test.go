package api

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

// Issue 12 item 6: the per-client map grew with every address ever seen
// until a sweep; it is now bounded.
func TestClientLimiterBounded(t *testing.T) {
	l := newClientLimiter(1, 1, 100, time.Minute)
	now := time.Unix(1e9, 0)
	for i := range 1000 {
		l.allow(fmt.Sprintf("10.0.%d.%d", i/256, i%256), now)
	}
	if n := l.len(); n != 100 {
		t.Errorf("limiter remembers %d clients after 1000, want the bound 100", n)
	}
	// The most recent client is remembered (its bucket is empty: refused).
	if ok, _ := l.allow("10.0.3.231", now); ok {
		t.Error("the most recently seen client was forgotten")
	}
	// The least recent was forgotten: a fresh, full bucket.
	if ok, _ := l.allow("10.0.0.0", now); !ok {
		t.Error("the least recently seen client is still remembered at the bound")
	}
	// Idle clients are forgotten at the next request.
	l.allow("10.1.0.0", now.Add(2*time.Minute))
	if n := l.len(); n != 1 {
		t.Errorf("after every client idled past a minute, %d remembered, want 1", n)
	}
}

func TestClientKey(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"198.51.100.7", "198.51.100.7"},
		{"::ffff:198.51.100.7", "198.51.100.7"},
		{"2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"},
		{"2001:db8:1:2::1", "2001:db8:1:2::/64"},
		{"2001:db8:1:3::1", "2001:db8:1:3::/64"},
		{"fe80::1%eth0", "fe80::/64"},
		{"not-an-ip", "not-an-ip"},
	} {
		if got := clientKey(tc.in); got != tc.want {
			t.Errorf("clientKey(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// Issue 12 item 7: the pool admits workers + queue jobs, at most share of
// them from one client; over its share a client gets 429, when every place
// is taken 503, both with Retry-After.
func TestAdmissionLimits(t *testing.T) {
	a := newAdmission(1, 2, 2) // 1 running, 2 waiting, 2 per client
	release := make(chan struct{})
	results := make(chan error, 3)
	block := func(context.Context) error { <-release; return nil }
	start := func(client string) {
		go func() { results <- a.run(context.Background(), client, block) }()
	}
	waitAdmitted := func(n int) {
		t.Helper()
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
			if a.load() == n {
				return
			}
		}
		t.Fatalf("the pool did not admit %d jobs", n)
	}
	start("A")
	start("A")
	waitAdmitted(2)
	var p *Problem
	if err := a.run(context.Background(), "A", block); !errors.As(err, &p) || p.Status != 429 || p.RetryAfter < 1 {
		t.Errorf("client A's third job: %v, want 429 with Retry-After (its share is 2)", err)
	}
	start("B")
	waitAdmitted(3)
	if err := a.run(context.Background(), "C", block); !errors.As(err, &p) || p.Status != 503 || p.RetryAfter < 1 {
		t.Errorf("client C's job with every place taken: %v, want 503 with Retry-After", err)
	}
	// A waiting job whose deadline passes is a 504; one whose client goes
	// away is errClientClosed; both leave their place.
	a2 := newAdmission(1, 2, 3)
	go func() { _ = a2.run(context.Background(), "A", block) }()
	for a2.load() != 1 {
		time.Sleep(time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if err := a2.run(ctx, "A", block); !errors.As(err, &p) || p.Status != 504 || p.Code != CodeDeadlineExceeded {
		t.Errorf("waiting past the deadline: %v, want a 504 timeout problem", err)
	}
	gone, leave := context.WithCancel(context.Background())
	leave()
	if err := a2.run(gone, "A", block); !errors.Is(err, errClientClosed) {
		t.Errorf("client gone while waiting: %v, want errClientClosed", err)
	}
	if n := a2.load(); n != 1 {
		t.Errorf("%d jobs admitted after two left, want the 1 running", n)
	}
	close(release)
	for range 3 {
		if err := <-results; err != nil {
			t.Errorf("admitted job: %v", err)
		}
	}
	if n := a.load(); n != 0 {
		t.Errorf("%d jobs admitted after all finished, want 0", n)
	}
}

// A job that panics (the recoverer turns it into a 500) gives its worker
// and its place back.
func TestAdmissionPanicReleases(t *testing.T) {
	a := newAdmission(1, 0, 1)
	func() {
		defer func() { _ = recover() }()
		_ = a.run(context.Background(), "A", func(context.Context) error { panic("job failed") })
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := a.run(ctx, "A", func(context.Context) error { return nil }); err != nil {
		t.Errorf("a job after one that panicked: %v, want it run", err)
	}
}
