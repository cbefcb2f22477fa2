//go:build !linux

package api

import "net"

// setCork does nothing where TCP_CORK is not available: a reply larger than
// net/http's buffer goes out in more than one push.
func setCork(net.Conn, bool) bool { return false }
