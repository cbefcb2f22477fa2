package api

import "errors"

// Health is what a server's data lifecycle says about itself beyond
// "a dataset is loaded": a replica whose shared state (object store) cannot
// be reached keeps serving the snapshot it has, and says so. /readyz
// reports it.
type Health interface {
	// Degraded returns why the server is degraded ("" when it is not): with
	// a dataset loaded, /readyz still answers 200 (the replica serves
	// reads) with status "degraded" and this reason; with none, /readyz
	// answers 503 with it.
	Degraded() string
}

// ErrStateUnavailable is returned by an admin operation when the state the
// server writes to (the object store of a replica) cannot be reached: the
// request answers 503 with Retry-After, and nothing changed.
var ErrStateUnavailable = errors.New("the shared state (object store) is unreachable")
