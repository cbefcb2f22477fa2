package api

import (
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
