package api_test

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// BenchmarkLoad runs a bounded load on 127.0.0.1 with 64 concurrent
// clients against the score table and a data query, and reports throughput
// and latency percentiles (target: p99 under 10 ms). DRI_LOAD_SECONDS sets
// the duration (default 5).
func BenchmarkLoad(b *testing.B) {
	srv := testServer(b)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	hs := srv.HTTPServer()
	go hs.Serve(ln)
	defer hs.Close()
	base := "http://" + ln.Addr().String()
	// Warm the score cache as a running server would be.
	for _, p := range []string{"/v1/scores/compass?year=2024", "/v1/data?indicator=itu.internet_use&unit=KEN,UGA,TZA&date=2015:2024"} {
		if resp, err := http.Get(base + p); err == nil {
			resp.Body.Close()
		}
	}
	seconds := 5
	if s, err := strconv.Atoi(os.Getenv("DRI_LOAD_SECONDS")); err == nil && s > 0 {
		seconds = s
	}
	for _, target := range []string{"/v1/scores/compass?year=2024", "/v1/data?indicator=itu.internet_use&unit=KEN,UGA,TZA&date=2015:2024"} {
		b.Run(target, func(b *testing.B) {
			loadRun(b, vegeta.NewStaticTargeter(vegeta.Target{Method: "GET", URL: base + target,
				Header: http.Header{"Accept-Encoding": []string{"gzip"}}}), 64, seconds)
		})
	}
	// What-if: every request a new weight for PEOPLE (no cache can answer),
	// so each one scores compass afresh; 8 clients (an office's analysts
	// trying weights at once) and 64.
	for _, clients := range []int{8, 64} {
		b.Run(fmt.Sprintf("POST /v1/scores/compass/what-if %d clients", clients), func(b *testing.B) {
			var n atomic.Int64
			targeter := func(t *vegeta.Target) error {
				w := 0.5 + float64(n.Add(1)%100000)/100000
				t.Method, t.URL = "POST", base+"/v1/scores/compass/what-if"
				t.Body = []byte(fmt.Sprintf(`{"weights": {"PEOPLE": %.5f}, "level": 4}`, w))
				t.Header = http.Header{"Content-Type": []string{"application/json"}, "Accept-Encoding": []string{"gzip"}}
				return nil
			}
			loadRun(b, targeter, clients, seconds)
		})
	}
}

// loadRun attacks with the given number of concurrent clients and reports
// throughput and latency percentiles.
func loadRun(b *testing.B, targeter vegeta.Targeter, clients, seconds int) {
	attacker := vegeta.NewAttacker(vegeta.Connections(clients), vegeta.MaxConnections(clients), vegeta.Workers(uint64(clients)),
		vegeta.MaxWorkers(uint64(clients)), vegeta.KeepAlive(true))
	var m vegeta.Metrics
	for b.Loop() {
		m = vegeta.Metrics{}
		for res := range attacker.Attack(targeter, vegeta.Rate{}, time.Duration(seconds)*time.Second, "load") {
			m.Add(res)
		}
		m.Close()
	}
	if m.Success < 1 {
		b.Fatalf("failed requests: success ratio %v, errors %v", m.Success, m.Errors)
	}
	b.ReportMetric(m.Throughput, "req/s")
	b.ReportMetric(float64(m.Latencies.P50.Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(m.Latencies.P99.Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(m.Requests), "requests")
}
