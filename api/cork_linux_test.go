package api

import (
	"net"
	"syscall"
	"testing"
)

// TestSetCork: setCork turns TCP_CORK on and off on a real TCP connection
// (read back with getsockopt), and reports false for a connection that is
// not TCP.
func TestSetCork(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		if c, err := ln.Accept(); err == nil {
			defer c.Close()
			_, _ = c.Read(make([]byte, 1))
		}
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	corked := func() int {
		rc, err := c.(*net.TCPConn).SyscallConn()
		if err != nil {
			t.Fatal(err)
		}
		var v int
		var gerr error
		if err := rc.Control(func(fd uintptr) {
			v, gerr = syscall.GetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_CORK)
		}); err != nil || gerr != nil {
			t.Fatalf("getsockopt TCP_CORK: %v %v", err, gerr)
		}
		return v
	}
	for _, on := range []bool{true, false} {
		if !setCork(c, on) {
			t.Fatalf("setCork(%v) = false, want true on a TCP connection", on)
		}
		want := 0
		if on {
			want = 1
		}
		if got := corked(); got != want {
			t.Errorf("after setCork(%v): TCP_CORK = %d, want %d", on, got, want)
		}
	}
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	if setCork(a, true) {
		t.Error("setCork(pipe) = true, want false: a pipe has no TCP_CORK")
	}
}
