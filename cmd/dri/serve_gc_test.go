package main

import (
	"log/slog"
	"os"
	"runtime"
	"runtime/debug"
	"testing"
)

// TestServeGC: dri serve collects at GOGC=400 unless GOGC is set, and then
// leaves the runtime's setting alone.
func TestServeGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	log := slog.New(slog.DiscardHandler)

	t.Setenv("GOGC", "150") // the runtime read it at start; serveGC must not override it
	serveGC(log)
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("with GOGC set: GC percent %d, want the runtime's (100 here)", got)
	}

	os.Unsetenv("GOGC") // t.Setenv restores it
	serveGC(log)
	if got := debug.SetGCPercent(100); got != serveGCPercent {
		t.Errorf("without GOGC: GC percent %d, want %d", got, serveGCPercent)
	}
}

// TestServeProcs: dri serve runs 8 Ps per CPU unless GOMAXPROCS is set,
// and then leaves the runtime's setting alone.
func TestServeProcs(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	log := slog.New(slog.DiscardHandler)
	runtime.GOMAXPROCS(2)

	t.Setenv("GOMAXPROCS", "2")
	serveProcs(log)
	if got := runtime.GOMAXPROCS(0); got != 2 {
		t.Errorf("with GOMAXPROCS set: %d Ps, want 2", got)
	}

	os.Unsetenv("GOMAXPROCS") // t.Setenv restores it
	serveProcs(log)
	if got := runtime.GOMAXPROCS(0); got != 16 {
		t.Errorf("without GOMAXPROCS, 2 CPUs: %d Ps, want 16", got)
	}
}
