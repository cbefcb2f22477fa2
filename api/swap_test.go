package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dri-engine/dri/api"
)

// TestSwapUnderLoad swaps two snapshots every few milliseconds while 16
// clients query a value that differs between them: no request fails and no
// response mixes the two (the value always matches the snapshot id the
// response names, and the X-DRI-Snapshot header names the same one).
func TestSwapUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("load test")
	}
	h, svc := adminServer(t)
	a := svc.Holder.Current()
	rec := upload(t, h, "Bearer "+token, goodEntry, "ken.csv", goodCSV)
	if rec.Code != http.StatusCreated {
		t.Fatalf("upload: %d %s", rec.Code, rec.Body)
	}
	b := svc.Holder.Current()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	defer srv.Shutdown(context.Background())
	url := fmt.Sprintf("http://%s/v1/data?indicator=itu.internet_use&unit=KEN&sex=_T&date=2025", ln.Addr())

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	var swaps, requests, failures atomic.Int64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ctx.Err() == nil; i++ {
			if i%2 == 0 {
				svc.Holder.Set(a)
			} else {
				svc.Holder.Set(b)
			}
			swaps.Add(1)
			time.Sleep(2 * time.Millisecond)
		}
	}()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	var mu sync.Mutex
	var firstFailure string
	fail := func(format string, args ...any) {
		failures.Add(1)
		mu.Lock()
		if firstFailure == "" {
			firstFailure = fmt.Sprintf(format, args...)
		}
		mu.Unlock()
	}
	for c := 0; c < 16; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				resp, err := client.Get(url)
				if err != nil {
					if ctx.Err() == nil {
						fail("request: %v", err)
					}
					return
				}
				var body struct {
					Meta struct {
						Snapshot string `json:"snapshot"`
					} `json:"meta"`
					Data []struct {
						Value float64 `json:"value"`
					} `json:"data"`
				}
				err = json.NewDecoder(resp.Body).Decode(&body)
				resp.Body.Close()
				requests.Add(1)
				header := resp.Header.Get(api.HeaderSnapshot)
				switch {
				case err != nil || resp.StatusCode != 200:
					fail("status %d, decode %v", resp.StatusCode, err)
				case body.Meta.Snapshot == a.ID && len(body.Data) != 0:
					fail("snapshot %s with the other snapshot's value %v", a.ID, body.Data)
				case body.Meta.Snapshot == b.ID && (len(body.Data) != 1 || body.Data[0].Value != 55.5):
					fail("snapshot %s without its value: %v", b.ID, body.Data)
				case body.Meta.Snapshot != a.ID && body.Meta.Snapshot != b.ID:
					fail("unknown snapshot %q", body.Meta.Snapshot)
				case header != body.Meta.Snapshot:
					fail("%s %q names another snapshot than meta.snapshot %q", api.HeaderSnapshot, header, body.Meta.Snapshot)
				}
			}
		}()
	}
	wg.Wait()
	t.Logf("%d requests during %d swaps", requests.Load(), swaps.Load())
	if failures.Load() > 0 {
		t.Fatalf("%d failed or mixed responses; first: %s", failures.Load(), firstFailure)
	}
	if requests.Load() < 500 || swaps.Load() < 100 {
		t.Errorf("too little load: %d requests, %d swaps", requests.Load(), swaps.Load())
	}

}
