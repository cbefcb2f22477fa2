package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/dri-engine/dri/api"
	"github.com/dri-engine/dri/api/service"
	"github.com/dri-engine/dri/pipeline"
)

const token = "s3cret-admin-token-0123456789"

// adminServer serves a fresh state directory with admin routes on.
func adminServer(t testing.TB) (http.Handler, *service.Service) {
	t.Helper()
	st, err := pipeline.OpenState(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	svc := &service.Service{State: st, Holder: &api.Holder{}, Log: slog.New(slog.DiscardHandler)}
	if err := svc.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	s := api.New(api.Config{RatePerSecond: -1, AdminTokens: []string{token, "another-token-abcdefghij"}, Admin: svc, UploadBytes: 1 << 20}, svc.Holder)
	return s.Handler(), svc
}

func upload(t testing.TB, h http.Handler, auth string, entry, filename, content string) *httptest.ResponseRecorder {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if entry != "" {
		mw.WriteField("entry", entry)
	}
	if filename != "" {
		fw, _ := mw.CreateFormFile("file", filename)
		io.WriteString(fw, content)
	}
	mw.Close()
	req := httptest.NewRequest(http.MethodPost, "/v1/admin/sources", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

const goodEntry = `{"id":"ken-2025","adapter":"long","publisher":"country office","vintage":"2026","licence":"CC0"}`
const goodCSV = "unit,year,indicator,value\nKEN,2025,itu.internet_use,55.5\n"

func TestAdminAuth(t *testing.T) {
	h, svc := adminServer(t)
	before := svc.Holder.Current().ID
	for name, auth := range map[string]string{
		"none":      "",
		"wrong":     "Bearer not-the-token-0000000000",
		"prefix":    "Bearer " + token[:len(token)-1],
		"basic":     "Basic " + token,
		"no scheme": token,
		"empty":     "Bearer ",
		"two parts": "Bearer " + token + " extra",
	} {
		rec := upload(t, h, auth, goodEntry, "ken.csv", goodCSV)
		var p api.Problem
		json.Unmarshal(rec.Body.Bytes(), &p)
		if rec.Code != http.StatusUnauthorized || p.Code != api.CodeUnauthorized {
			t.Errorf("%s token: %d %s, want 401", name, rec.Code, rec.Body)
		}
	}
	req := httptest.NewRequest(http.MethodPost, "/v1/admin/reload", nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusUnauthorized {
		t.Errorf("reload without token: %d", rec.Code)
	}
	if svc.Holder.Current().ID != before {
		t.Error("a refused request changed the data")
	}
	// The right token is accepted, the new data served.
	rec = upload(t, h, "Bearer "+token, goodEntry, "ken.csv", goodCSV)
	if rec.Code != http.StatusCreated {
		t.Fatalf("upload: %d %s", rec.Code, rec.Body)
	}
	var out struct {
		Data api.AdminOutcome `json:"data"`
	}
	json.Unmarshal(rec.Body.Bytes(), &out)
	if out.Data.Snapshot == before || svc.Holder.Current().ID != out.Data.Snapshot {
		t.Errorf("201 with snapshot %s, serving %s", out.Data.Snapshot, svc.Holder.Current().ID)
	}
	rec = get(t, h, "/v1/data?indicator=itu.internet_use&unit=KEN&sex=_T&date=2025")
	if !strings.Contains(rec.Body.String(), `"value":55.5`) || !strings.Contains(rec.Body.String(), out.Data.Snapshot) {
		t.Errorf("uploaded value not served: %s", rec.Body)
	}
}

func TestAdminUploadProblems(t *testing.T) {
	h, svc := adminServer(t)
	before := svc.Holder.Current().ID
	auth := "Bearer " + token
	for _, tc := range []struct {
		name, entry, file, content string
		status                     int
		message                    string
	}{
		{"bad data", goodEntry, "bad.csv", "unit,year,indicator,value\nXYZ,2025,itu.internet_use,55.5\nKEN,2025,itu.internet_use,180\n", 422,
			`bad.csv:2:1: unknown-unit: unknown unit code "XYZ"`},
		{"wrong header", goodEntry, "bad.csv", "country,value\nKEN,1\n", 422, "wrong-header"},
		{"unknown adapter", `{"id":"x","adapter":"excel","publisher":"p","vintage":"v","licence":"l"}`, "x.csv", goodCSV, 422, "unknown adapter"},
		{"missing licence", `{"id":"x","adapter":"long","publisher":"p","vintage":"v"}`, "x.csv", goodCSV, 422, "licence is required"},
		{"unknown entry field", `{"id":"x","adapter":"long","publisher":"p","vintage":"v","licence":"l","colour":"red"}`, "x.csv", goodCSV, 422, "unknown field"},
		{"entry not JSON", `{id`, "x.csv", goodCSV, 422, "entry"},
		{"no entry", "", "x.csv", goodCSV, 400, "entry"},
		{"no file", goodEntry, "", "", 400, "file"},
		{"too large", goodEntry, "big.csv", strings.Repeat("x", 2<<20), 413, "exceeds"},
	} {
		rec := upload(t, h, auth, tc.entry, tc.file, tc.content)
		var p api.Problem
		json.Unmarshal(rec.Body.Bytes(), &p)
		text := p.Detail
		for _, e := range p.Errors {
			text += "\n" + e.Message
		}
		if rec.Code != tc.status || !strings.Contains(text, tc.message) {
			t.Errorf("%s: %d %s, want %d containing %q", tc.name, rec.Code, rec.Body, tc.status, tc.message)
		}
	}
	if svc.Holder.Current().ID != before {
		t.Error("refused uploads changed the data")
	}
}

func TestAdminOffWithoutTokens(t *testing.T) {
	h := testServer(t).Handler()
	if rec := upload(t, h, "Bearer "+token, goodEntry, "ken.csv", goodCSV); rec.Code != http.StatusNotFound {
		t.Errorf("admin without tokens: %d, want 404", rec.Code)
	}
}

// TestTokenTimingIndependentOfPrefix: checking a token costs the same
// whether it shares a long prefix with a valid token or none (it is hashed
// before a constant-time comparison with every token). The medians of many
// timings must agree within 25 %, far from what an early-exit comparison
// of a 28-byte prefix would show.
func TestTokenTimingIndependentOfPrefix(t *testing.T) {
	var h api.Holder
	s := api.New(api.Config{RatePerSecond: -1, AdminTokens: []string{token}, Admin: nopAdmin{}}, &h)
	near := token[:len(token)-1] + "X"
	far := strings.Repeat("Z", len(token))
	median := func(candidate string) time.Duration {
		const runs, per = 301, 200
		d := make([]time.Duration, runs)
		for i := range d {
			start := time.Now()
			for j := 0; j < per; j++ {
				if s.CheckToken(candidate) {
					t.Fatal("a wrong token was accepted")
				}
			}
			d[i] = time.Since(start)
		}
		sort.Slice(d, func(a, b int) bool { return d[a] < d[b] })
		return d[runs/2]
	}
	median(far) // warm up
	a, b := median(near), median(far)
	ratio := float64(a) / float64(b)
	if ratio < 0.75 || ratio > 1.25 {
		t.Errorf("median check time: near-prefix %v, unrelated %v (ratio %.2f), want within 25%%", a, b, ratio)
	}
	if !s.CheckToken(token) {
		t.Error("the valid token was refused")
	}
}

type nopAdmin struct{}

func (nopAdmin) Upload(context.Context, pipeline.Entry, string, io.Reader) (*api.AdminOutcome, error) {
	return nil, nil
}
func (nopAdmin) Reload(context.Context) (*api.AdminOutcome, error) { return nil, nil }

func TestRateLimit(t *testing.T) {
	var hold api.Holder
	hold.Set(testDataset(t))
	h := api.New(api.Config{RatePerSecond: 5, RateBurst: 10}, &hold).Handler()
	limited := 0
	for i := 0; i < 30; i++ {
		rec := get(t, h, "/v1/frameworks")
		if rec.Code == http.StatusTooManyRequests {
			limited++
			if rec.Header().Get("Retry-After") == "" || rec.Header().Get("Access-Control-Allow-Origin") != "*" {
				t.Errorf("429 without Retry-After or CORS: %v", rec.Header())
			}
		}
	}
	if limited < 15 {
		t.Errorf("%d of 30 requests limited, want at least 15 (burst 10)", limited)
	}
	// Another client is not limited.
	req := httptest.NewRequest(http.MethodGet, "/v1/frameworks", nil)
	req.RemoteAddr = "198.51.100.7:1234"
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Errorf("another client: %d", rec.Code)
	}
	// Health checks are never limited.
	if rec := get(t, h, "/healthz"); rec.Code != http.StatusOK {
		t.Errorf("healthz limited: %d", rec.Code)
	}
}

// FuzzUpload sends arbitrary entries and file contents through the upload
// handler: no panic, no 5xx, and only 201, 400, 413 or 422.
func FuzzUpload(f *testing.F) {
	h, _ := adminServer(f)
	f.Add(goodEntry, "ken.csv", goodCSV)
	f.Add(`{"id":"w","adapter":"wide","publisher":"p","vintage":"v","licence":"l","options":{"imeta":"x.csv"}}`, "d.csv", "uCode,A\nKEN,1\n")
	f.Add(`{"id":"e","adapter":"egov","publisher":"p","vintage":"v","licence":"l","options":{"unit_column":"C"}}`, "e.csv", "C\nKenya\n")
	f.Add(`{"id":"p","adapter":"long","publisher":"p","vintage":"v","licence":"l"}`, "p.parquet", "PAR1garbage")
	f.Fuzz(func(t *testing.T, entry, filename, content string) {
		rec := upload(t, h, "Bearer "+token, entry, filename, content)
		switch rec.Code {
		case 201, 400, 413, 422:
		default:
			t.Fatalf("upload %q %q: %d %s", entry, filename, rec.Code, rec.Body)
		}
	})
}
