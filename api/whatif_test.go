package api_test

import (
	"encoding/json"
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
