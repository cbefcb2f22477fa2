package api_test

import (
	"encoding/json"
	"math"
	"net/http"
	"testing"
)

// scoreRows decodes /v1/scores' JSON: the rows by node for one unit, and
// the meta.
func scoreRows(t *testing.T, h http.Handler, target string) (map[string]map[string]any, map[string]any) {
	t.Helper()
	rec := get(t, h, target)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", target, rec.Code, rec.Body)
	}
	var body struct {
		Meta map[string]any   `json:"meta"`
		Data []map[string]any `json:"data"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	rows := map[string]map[string]any{}
	for _, r := range body.Data {
		rows[r["node"].(string)] = r
	}
	return rows, body.Meta
}

// TestScoresBySex asks /v1/scores/connectivity for women, then men, then
// the total: three different Kenyan scores (the response cache and the
// engine's score cache both key on the breakdown), internet use read by sex
// (Kenya's latest within the 5-year window is 2019: women 20.2305 and men
// 25.1738 in datasets/sources/itu-internet-by-sex-wdi, it_net_user_fe_zs
// line 686 and it_net_user_ma_zs line 687; all 22.6688 in
// itu-datahub/individuals_using_internet.csv line 2226), and the leaves without a
// sex breakdown held at the total, flagged on their rows and in meta.
func TestScoresBySex(t *testing.T) {
	h := testServer(t).Handler()
	want := map[string]float64{"F": 20.2305, "M": 25.1738, "_T": 22.6688}
	seen := map[float64]string{}
	for _, sex := range []string{"F", "M", "_T"} {
		rows, meta := scoreRows(t, h, "/v1/scores/connectivity?year=2023&unit=KEN&sex="+sex)
		if got := rows["UC.use"]["value"]; got != want[sex] {
			t.Errorf("sex=%s: UC.use = %v, want %v", sex, got, want[sex])
		}
		root, _ := rows["CONN"]["value"].(float64)
		if other, dup := seen[root]; dup {
			t.Errorf("sex=%s: CONN = %v, the same as sex=%s", sex, root, other)
		}
		seen[root] = sex
		held, _ := meta["held_at_total"].([]any)
		note, _ := rows["UC.hh"]["note"].(string)
		if sex == "_T" {
			if len(held) != 0 || note != "" {
				t.Errorf("total: held %v, UC.hh note %q: want none", held, note)
			}
			continue
		}
		if len(held) != 7 || note != "held at the total: the registry lists no sex breakdown of itu.households_internet" {
			t.Errorf("sex=%s: held %v, UC.hh note %q: want the 7 leaves without a sex breakdown, flagged", sex, held, note)
		}
	}
}

// TestScoresBreakdownBadInput: an unknown code, a list where one code is
// taken, and a framework that cannot be scored by breakdown are problems,
// never a 200 with the total.
func TestScoresBreakdownBadInput(t *testing.T) {
	h := testServer(t).Handler()
	for target, status := range map[string]int{
		"/v1/scores/connectivity?sex=X":        http.StatusBadRequest,
		"/v1/scores/connectivity?sex=F,M":      http.StatusBadRequest,
		"/v1/scores/connectivity?sex=F&sex=M":  http.StatusBadRequest,
		"/v1/scores/connectivity?income=Q9":    http.StatusBadRequest,
		"/v1/scores/gender?sex=F":              http.StatusUnprocessableEntity,
		"/v1/scores/connectivity?income=B40":   http.StatusOK,
		"/v1/scores/connectivity?area=R&sex=F": http.StatusOK,
	} {
		if rec := get(t, h, target); rec.Code != status {
			t.Errorf("GET %s: %d, want %d: %s", target, rec.Code, status, rec.Body)
		}
	}
}

// TestScoreGaps: /v1/score-gaps/egdi-tii?sex=F,M gives Côte d'Ivoire's
// female and male TII-style indices in 2023, as /v1/scores?sex=F and
// ?sex=M do, and their gap, hand-computed in TestTIIBySexGap
// (indicators/engine): ((43.2628-33.9081) + (88.6948-51.42842)) / 100 / 4.
func TestScoreGaps(t *testing.T) {
	h := testServer(t).Handler()
	rec := get(t, h, "/v1/score-gaps/egdi-tii?sex=F,M&year=2023&unit=CIV&level=2")
	if rec.Code != http.StatusOK {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	var body struct {
		Data []map[string]any `json:"data"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	if len(body.Data) != 1 {
		t.Fatalf("%d rows, want CIV's TII", len(body.Data))
	}
	row := body.Data[0]
	want := ((43.2628 - 33.9081) + (88.6948 - 51.42842)) / 100 / 4
	if gap, _ := row["gap"].(float64); math.Abs(gap-want) > 1e-12 || row["group_a"] != "sex=F" || row["group_b"] != "sex=M" {
		t.Errorf("row %v: want gap %v between sex=F and sex=M", row, want)
	}
	for col, sex := range map[string]string{"value_a": "F", "value_b": "M"} {
		rows, _ := scoreRows(t, h, "/v1/scores/egdi-tii?year=2023&unit=CIV&sex="+sex)
		if rows["TII"]["value"] != row[col] {
			t.Errorf("%s %v, /v1/scores?sex=%s %v", col, row[col], sex, rows["TII"]["value"])
		}
	}
	for _, bad := range []string{"area=R", "sex=F,M&area=U,R", "sex=F,M,_T", "sex=F,M&unit=LDC"} {
		if rec := get(t, h, "/v1/score-gaps/egdi-tii?"+bad); rec.Code != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", bad, rec.Code)
		}
	}
}
