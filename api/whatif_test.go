package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/dri-engine/dri/api"
)

func post(t testing.TB, h http.Handler, target, body string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestWhatIf(t *testing.T) {
	h := testServer(t).Handler()
	// The baseline configuration gives no rank change at all.
	rec := post(t, h, "/v1/scores/egdi/what-if", `{"year": 2024, "level": 2}`)
	var body struct {
		Meta map[string]any   `json:"meta"`
		Data []map[string]any `json:"data"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || rec.Code != 200 || len(body.Data) != 193 {
		t.Fatalf("baseline what-if: %d %v rows %d", rec.Code, err, len(body.Data))
	}
	for _, r := range body.Data {
		if r["rank_change"] != 0.0 || r["value"] != r["baseline_value"] {
			t.Fatalf("baseline what-if changed %v", r)
		}
	}
	// All weight on OSI: the EGDI becomes the OSI (weights renormalise over
	// the children), Kenya's value 0.77704 (published OSI 2024).
	rec = post(t, h, "/v1/scores/egdi/what-if", `{"year": 2024, "weights": {"TII": 0, "HCI": 0}, "level": 2, "units": ["KEN"]}`)
	json.Unmarshal(rec.Body.Bytes(), &body)
	if rec.Code != 200 || len(body.Data) != 1 || body.Data[0]["value"] != 0.77704 {
		t.Fatalf("OSI-only EGDI for KEN: %d %v", rec.Code, body.Data)
	}
	if body.Data[0]["baseline_rank"] != 109.0 || body.Data[0]["rank_change"] != body.Data[0]["baseline_rank"].(float64)-body.Data[0]["rank"].(float64) {
		t.Errorf("rank change %v", body.Data[0])
	}
	// Methods change too: geometric mean and min-max.
	rec = post(t, h, "/v1/scores/compass/what-if", `{"aggregate": "gmean", "normalise": "minmax:1,100", "level": 4}`)
	if rec.Code != 200 {
		t.Fatalf("gmean what-if: %d %s", rec.Code, rec.Body)
	}
	for _, tc := range []struct{ body, param string }{
		{`{"weights": {"NOPE": 1}}`, "weights.NOPE"},
		{`{"weights": {"OSI": -1}}`, "weights.OSI"},
		{`{"weights": {"EGDI": 2}}`, "weights.EGDI"},
		{`{"normalise": "squash"}`, "normalise"},
		{`{"aggregate": "genmean:0"}`, "aggregate"},
		{`{"year": 1950}`, "year"},
		{`{"units": ["Atlantis"]}`, "units"},
		{`{"colour": "red"}`, "body"},
		{`not json`, "body"},
	} {
		rec := post(t, h, "/v1/scores/egdi/what-if", tc.body)
		var p api.Problem
		json.Unmarshal(rec.Body.Bytes(), &p)
		if rec.Code != http.StatusUnprocessableEntity || len(p.Errors) == 0 || p.Errors[0].Param != tc.param {
			t.Errorf("what-if %s: %d %s, want 422 for %s", tc.body, rec.Code, rec.Body, tc.param)
		}
	}
	if rec := post(t, h, "/v1/scores/nope/what-if", `{}`); rec.Code != 404 {
		t.Errorf("unknown framework: %d", rec.Code)
	}
}

// BenchmarkWhatIf: one what-if request on compass with new weights
// (target p99 < 20 ms; each request scores the framework afresh).
func BenchmarkWhatIf(b *testing.B) {
	h := testServer(b).Handler()
	post(b, h, "/v1/scores/compass/what-if", `{}`)
	w := 1.0
	for b.Loop() {
		w += 0.001 // a new configuration every time: no cache hit
		rec := post(b, h, "/v1/scores/compass/what-if", `{"weights": {"PEOPLE": `+strings.TrimRight(strings.TrimRight(jsonNum(w), "0"), ".")+`}, "level": 4}`)
		if rec.Code != 200 {
			b.Fatal(rec.Code, rec.Body)
		}
	}
}

func jsonNum(v float64) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// Issue 12 item 15: the what-if body is strict about its media type and its
// JSON, and says which limit a body broke.
func TestWhatIfBodyStrict(t *testing.T) {
	h := testServer(t).Handler()
	const target = "/v1/scores/egdi/what-if"
	for _, tc := range []struct {
		name, contentType, body string
		want                    int
	}{
		{"json", "application/json", `{"level": 1}`, 200},
		{"json with charset", "application/json; charset=utf-8", `{"level": 1}`, 200},
		{"problem+json suffix", "application/vnd.dri+json", `{"level": 1}`, 200},
		{"form (curl -d without -H)", "application/x-www-form-urlencoded", `{"level": 1}`, 415},
		{"no content type", "", `{"level": 1}`, 415},
		{"text", "text/plain", `{"level": 1}`, 415},
		{"null", "application/json", `null`, 422},
		{"array", "application/json", `[]`, 422},
		{"empty", "application/json", ``, 422},
		{"trailing garbage", "application/json", `{"level": 1} xyz`, 422},
		{"two objects", "application/json", `{"level": 1}{"level": 2}`, 422},
		{"unknown field", "application/json", `{"levle": 1}`, 422},
		{"trailing space is fine", "application/json", "{\"level\": 1}\n  \n", 200},
		// The server's body limit is 1 MiB (Config.MaxBodyBytes default).
		{"over the limit", "application/json", `{"weights": {` + strings.Repeat(`"x": 1, `, 1<<17) + `"y": 1}}`, 413},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(tc.body))
			if tc.contentType != "" {
				req.Header.Set("Content-Type", tc.contentType)
			}
			// A chunked body: no Content-Length for the middleware to check
			// up front, so the limit is met while reading.
			req.ContentLength = -1
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tc.want {
				t.Fatalf("POST %s (%s) = %d, want %d: %s", target, tc.name, rec.Code, tc.want, rec.Body)
			}
			if tc.want != 200 && rec.Header().Get("Content-Type") != "application/problem+json" {
				t.Errorf("%d without a problem body: %s", rec.Code, rec.Header().Get("Content-Type"))
			}
		})
	}
}

// slowReader sends its first byte, then fails as a connection whose read
// deadline (the server's ReadTimeout) passed.
type slowReader struct{ sent bool }

func (r *slowReader) Read(p []byte) (int, error) {
	if !r.sent {
		r.sent = true
		p[0] = '{'
		return 1, nil
	}
	return 0, timeoutError{}
}

type timeoutError struct{}

func (timeoutError) Error() string   { return "read tcp: i/o timeout" }
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }

// Issue 12 item 15: a body that does not arrive within the read timeout is
// a 408, not a 422 about its JSON.
func TestWhatIfSlowBody(t *testing.T) {
	h := testServer(t).Handler()
	req := httptest.NewRequest(http.MethodPost, "/v1/scores/egdi/what-if", &slowReader{})
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusRequestTimeout {
		t.Fatalf("slow body: %d, want 408: %s", rec.Code, rec.Body)
	}
}

// Issue 12 item 8: a what-if with 60,000 unknown keys answered 5 MB, one
// problem each; the 422 lists the first 20 and counts the rest.
func TestWhatIfManyProblems(t *testing.T) {
	h := testServer(t).Handler()
	var b strings.Builder
	b.WriteString(`{"weights": {`)
	for i := range 60000 {
		fmt.Fprintf(&b, `"N%05d": 1, `, i)
	}
	b.WriteString(`"PEOPLE": -1}, "units": ["KEN", "XXX"]}`)
	rec := post(t, h, "/v1/scores/compass/what-if", b.String())
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("60,000 unknown keys: %d, want 422", rec.Code)
	}
	var p api.Problem
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatal(err)
	}
	// 60,000 unknown nodes + PEOPLE's negative weight + the unit XXX.
	const wantDetail = "60002 problems in the body, the first 20 listed: 60000 unknown node, 1 bad weight, 1 unknown unit"
	if p.Detail != wantDetail || len(p.Errors) != 20 {
		t.Errorf("detail %q with %d errors, want %q with 20", p.Detail, len(p.Errors), wantDetail)
	}
	// Keys are checked in sorted order, so the list is the same each time.
	if p.Errors[0].Param != "weights.N00000" || p.Errors[19].Param != "weights.N00019" {
		t.Errorf("listed %s .. %s, want weights.N00000 .. weights.N00019", p.Errors[0].Param, p.Errors[19].Param)
	}
	if rec.Body.Len() > 8<<10 {
		t.Errorf("422 body of %d bytes, want under 8 KiB", rec.Body.Len())
	}
}

// Issue 12 item 8: a problem quotes a short excerpt of a huge key, never
// the key itself.
func TestWhatIfHugeKeyExcerpt(t *testing.T) {
	h := testServer(t).Handler()
	huge := strings.Repeat("K", 500_000)
	for _, body := range []string{
		`{"weights": {"` + huge + `": 1}}`,
		`{"units": ["` + huge + `"]}`,
		`{"normalise": "` + huge + `"}`,
		`{"` + huge + `": 1}`,
	} {
		rec := post(t, h, "/v1/scores/compass/what-if", body)
		if rec.Code != http.StatusUnprocessableEntity {
			t.Errorf("huge key: %d, want 422", rec.Code)
		}
		// 64 bytes of the key, a message of at most 256: well under 2 KiB.
		if rec.Body.Len() > 2<<10 {
			t.Errorf("422 of %d bytes for a %d-byte key, want under 2 KiB", rec.Body.Len(), len(huge))
		}
	}
}
