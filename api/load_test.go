package api_test

import (
	"net"
	"net/http"
	"os"
	"strconv"
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
			targeter := vegeta.NewStaticTargeter(vegeta.Target{Method: "GET", URL: base + target,
				Header: http.Header{"Accept-Encoding": []string{"gzip"}}})
			attacker := vegeta.NewAttacker(vegeta.Connections(64), vegeta.MaxConnections(64), vegeta.Workers(64), vegeta.MaxWorkers(64), vegeta.KeepAlive(true))
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
		})
	}
}
