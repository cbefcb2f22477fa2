package pipeline

import (
	"fmt"
	"os"
	"runtime"
	"sync"
	"time"
)

// With DRI_TRACE set, the pipeline writes the wall time of its phases to
// stderr (read, parse, merge, sort, build) with the heap and the minor page
// faults of each: what docs/BENCHMARKS.md quotes
// when it breaks a large load down.
var trace = struct {
	on     bool
	mu     sync.Mutex
	last   time.Time
	faults int64 // minor page faults at the previous phase end
}{on: os.Getenv("DRI_TRACE") != "", last: time.Now()}

// tracePhaseEnd marks the end of a phase: with DRI_TRACE set it writes the
// wall time since the previous phase ended, the heap and the page faults.
func tracePhaseEnd(phase string) {
	if !trace.on {
		return
	}
	trace.mu.Lock()
	defer trace.mu.Unlock()
	now := time.Now()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	faults := minorFaults()
	fmt.Fprintf(os.Stderr, "dri: trace: %-10s %8v  heap %5d MB  from the OS %5d MB  page faults %7d\n", phase,
		now.Sub(trace.last).Round(time.Millisecond), ms.HeapAlloc>>20, (ms.HeapSys-ms.HeapReleased)>>20, faults-trace.faults)
	trace.last, trace.faults = now, faults
}

// TracePhase reports the end of a phase outside the pipeline (DRI_TRACE).
func TracePhase(phase string) { tracePhaseEnd(phase) }
