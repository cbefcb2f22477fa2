package cluster

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// wrkBinary is Debian's wrk (package wrk).
const wrkBinary = "/usr/bin/wrk"

// wrkLoad is one wrk run: threads and connections against base, cycling
// over paths, for a duration (whole seconds).
type wrkLoad struct {
	base        string // http://host:port
	paths       []string
	threads     int
	connections int
	duration    time.Duration
}

// wrkResult is what testdata/count.lua prints at the end of a run.
type wrkResult struct {
	Requests   int64 `json:"requests"`
	DurationUS int64 `json:"duration_us"`
	Bytes      int64 `json:"bytes"`
	Errors     struct {
		Connect int64 `json:"connect"`
		Read    int64 `json:"read"`
		Write   int64 `json:"write"`
		Status  int64 `json:"status"` // wrk's count of responses >= 400
		Timeout int64 `json:"timeout"`
	} `json:"errors"`
	Non2xx         int64            `json:"non2xx"`
	Non2xxByStatus map[string]int64 `json:"non2xx_by_status"`
	// Snapshots is how many distinct snapshots the responses named in
	// X-DRI-Snapshot; Unnamed2xx counts 2xx responses that named none.
	Snapshots  int   `json:"snapshots"`
	Unnamed2xx int64 `json:"unnamed_2xx"`
	LatencyUS  struct {
		P50 int64 `json:"p50"`
		P90 int64 `json:"p90"`
		P99 int64 `json:"p99"`
		Max int64 `json:"max"`
	} `json:"latency_us"`
}

// SocketErrors is the number of connect, read, write and timeout errors:
// requests that got no HTTP response at all.
func (r *wrkResult) SocketErrors() int64 {
	return r.Errors.Connect + r.Errors.Read + r.Errors.Write + r.Errors.Timeout
}

// RPS is requests per second over the run.
func (r *wrkResult) RPS() float64 {
	if r.DurationUS <= 0 {
		return 0
	}
	return float64(r.Requests) / (float64(r.DurationUS) / 1e6)
}

// P99 is the 99th percentile latency.
func (r *wrkResult) P99() time.Duration { return time.Duration(r.LatencyUS.P99) * time.Microsecond }

// resultPrefix starts the line testdata/count.lua prints.
const resultPrefix = "wrk-result "

// parseWrk finds count.lua's result line in wrk's standard output.
func parseWrk(out []byte) (*wrkResult, error) {
	for line := range strings.SplitSeq(string(out), "\n") {
		rest, ok := strings.CutPrefix(line, resultPrefix)
		if !ok {
			continue
		}
		var r wrkResult
		dec := json.NewDecoder(strings.NewReader(rest))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&r); err != nil {
			return nil, fmt.Errorf("cluster: wrk result line %q: %w", line, err)
		}
		if r.Requests == 0 || r.DurationUS == 0 {
			return nil, fmt.Errorf("cluster: wrk result line %q: no requests made", line)
		}
		return &r, nil
	}
	return nil, fmt.Errorf("cluster: no %q line in wrk's output:\n%s", strings.TrimSpace(resultPrefix), out)
}

// runWrk runs wrk with count.lua and returns its parsed result. Each
// request waits up to 10 s before wrk counts it as a timeout: the 2-core
// machine also runs the replicas, nginx and the object store, and a slow
// answer is not a failed one.
func runWrk(ctx context.Context, l wrkLoad) (*wrkResult, error) {
	script, err := filepath.Abs(filepath.Join("testdata", "count.lua"))
	if err != nil {
		return nil, err
	}
	args := []string{
		"-t", fmt.Sprint(l.threads), "-c", fmt.Sprint(l.connections),
		"-d", fmt.Sprintf("%ds", max(1, int(l.duration.Round(time.Second).Seconds()))), // wrk takes whole s, m or h
		"--timeout", "10s", "-s", script, l.base, "--",
	}
	args = append(args, l.paths...)
	cmd := exec.CommandContext(ctx, wrkBinary, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("cluster: wrk %s: %w\n%s%s", strings.Join(args, " "), err, stdout.Bytes(), stderr.Bytes())
	}
	return parseWrk(stdout.Bytes())
}

// TestParseWrk reads the output of a real wrk 4.1.0 run with count.lua
// (testdata/wrk-output.txt: 2 threads, 8 connections, 2 s against one
// `dri serve`, one of the three paths a 404).
func TestParseWrk(t *testing.T) {
	out, err := os.ReadFile(filepath.Join("testdata", "wrk-output.txt"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := parseWrk(out)
	if err != nil {
		t.Fatal(err)
	}
	// The figures of the file's last line; wrk's own summary above it
	// says the same: 35577 requests in 2.10s, 11860 non-2xx, 16939.19/s.
	if r.Requests != 35577 || r.Non2xx != 11860 || r.Non2xxByStatus["404"] != 11860 || r.SocketErrors() != 0 {
		t.Errorf("parseWrk = %+v, want 35577 requests, 11860 non-2xx (all 404), no socket errors", r)
	}
	if r.Snapshots != 1 || r.Unnamed2xx != 0 {
		t.Errorf("parseWrk: %d snapshots, %d 2xx without X-DRI-Snapshot; want 1 and 0", r.Snapshots, r.Unnamed2xx)
	}
	if rps := r.RPS(); rps < 16939 || rps > 16940 {
		t.Errorf("RPS() = %.2f, want 16939.19 (wrk's Requests/sec)", rps)
	}
	if r.P99() != 9383*time.Microsecond {
		t.Errorf("P99() = %v, want 9.383ms", r.P99())
	}
	for name, bad := range map[string]string{
		"no result line": "Running 2s test @ http://127.0.0.1:1\n",
		"not JSON":       resultPrefix + "{requests: 1}\n",
		"unknown field":  resultPrefix + `{"requests":1,"duration_us":1,"extra":1}` + "\n",
		"no requests":    resultPrefix + `{"requests":0,"duration_us":2000000}` + "\n",
	} {
		if r, err := parseWrk([]byte(bad)); err == nil {
			t.Errorf("%s: parseWrk = %+v, want an error", name, r)
		}
	}
}
