package api

import (
	"net"
	"syscall"
)

// setCork sets TCP_CORK on a TCP connection (Linux): while it is on, the
// kernel sends only full segments, and turning it off sends what is queued.
// It reports whether the option was set.
func setCork(c net.Conn, on bool) bool {
	tc, ok := c.(*net.TCPConn)
	if !ok {
		return false
	}
	rc, err := tc.SyscallConn()
	if err != nil {
		return false
	}
	v := 0
	if on {
		v = 1
	}
	var serr error
	if err := rc.Control(func(fd uintptr) {
		serr = syscall.SetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_CORK, v)
	}); err != nil {
		return false
	}
	return serr == nil
}
