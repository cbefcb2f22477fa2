package pipeline

import (
	"fmt"
	"os"
	"sync"
	"time"
)

// With DRI_TRACE set, the pipeline writes the wall time of its phases to
// stderr (read, parse, merge, sort, build): what docs/BENCHMARKS.md quotes
// when it breaks a large load down.
var trace = struct {
	on   bool
	mu   sync.Mutex
	last time.Time
}{on: os.Getenv("DRI_TRACE") != "", last: time.Now()}

func traceT(phase string) {
	if !trace.on {
		return
	}
	trace.mu.Lock()
	defer trace.mu.Unlock()
	now := time.Now()
	fmt.Fprintf(os.Stderr, "dri: trace: %-10s %v\n", phase, now.Sub(trace.last).Round(time.Millisecond))
	trace.last = now
}
