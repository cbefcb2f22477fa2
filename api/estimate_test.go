package api_test

import (
	"encoding/json"
	"math"
	"net/http"
	"strings"
	"testing"

	"github.com/dri-engine/dri/api"
)

// TestEstimateParam: estimate=true gives estimated group figures (issue 14
// item 2) on /v1/data, with status E and the imputed share in the note,
// and on /v1/compare, whose note says what it imputed; a value other than
// true or false is a 400 naming the parameter. The figure is the
// hand-computed one of indicators/engine TestEstimatedGroupFigure (Eastern
// Asia internet use 2023, PRK imputed: 89.3002).
func TestEstimateParam(t *testing.T) {
	h := testServer(t).Handler()
	rows := rowsOf(t, get(t, h, "/v1/data?indicator=itu.internet_use&unit=M49-030&sex=_T&area=_T&age=_T&date=2023&estimate=true"))
	if len(rows) != 1 {
		t.Fatalf("/v1/data Eastern Asia 2023 estimate: %d rows, want 1", len(rows))
	}
	v, _ := rows[0]["value"].(float64)
	note, _ := rows[0]["note"].(string)
	if rows[0]["status"] != "E" || math.Abs(v-89.30019505903846) > 1e-9 || !strings.Contains(note, "1 members imputed, holding 2% of the population covered") {
		t.Errorf("/v1/data Eastern Asia 2023 estimate: %v status %v note %q", rows[0]["value"], rows[0]["status"], note)
	}
	obs := rowsOf(t, get(t, h, "/v1/data?indicator=itu.internet_use&unit=M49-030&sex=_T&area=_T&age=_T&date=2023"))
	if len(obs) != 1 || obs[0]["status"] != "" && obs[0]["status"] != nil {
		t.Errorf("/v1/data without estimate: %v, want one row without status", obs)
	}

	rec := get(t, h, "/v1/data?indicator=itu.internet_use&unit=WLD&estimate=yes")
	var p api.Problem
	if err := json.Unmarshal(rec.Body.Bytes(), &p); rec.Code != http.StatusBadRequest || err != nil || len(p.Errors) != 1 || p.Errors[0].Param != "estimate" {
		t.Errorf("estimate=yes: %d %s, want 400 naming estimate", rec.Code, shorten(rec.Body.String()))
	}
}
