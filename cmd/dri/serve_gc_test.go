package main

import (
	"log/slog"
	"os"
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
