package api_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"
)

// TestUnitsParent: GET /v1/units?parent=KAZ lists Kazakhstan's 20 regions
// of 2023 (datasets/sources/subnational-opensdg/kz, REF_AREA), with names
// and the parent column; Nigeria's 36 states and the FCT; an unknown parent
// is a 400 naming the parameter.
func TestUnitsParent(t *testing.T) {
	h := testServer(t).Handler()
	for _, tc := range []struct {
		parent string
		want   int
		has    map[string]string // code -> name
	}{
		// KZ-10 from reference/iso-3166-2-extra.csv (ISO's 2022 code for
		// Abai); KZ-AST "Nur-Sultan" as the shipped ISO list names it.
		{"KAZ", 20, map[string]string{"KZ-10": "Abay oblysy", "KZ-62": "Ulytaū oblysy", "KZ-AST": "Nur-Sultan", "KZ-AKM": "Akmolinskaja oblast'"}},
		{"KZ", 20, nil}, // ISO2 works as everywhere
		{"NGA", 37, map[string]string{"NG-LA": "Lagos", "NG-NI": "Niger", "NG-FC": "Abuja Federal Capital Territory"}},
		{"KEN", 0, nil},
	} {
		t.Run(tc.parent, func(t *testing.T) {
			rec := get(t, h, "/v1/units?per_page=100&parent="+tc.parent)
			var body struct {
				Data []map[string]any `json:"data"`
			}
			if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &body) != nil {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			if len(body.Data) != tc.want {
				t.Errorf("%d units, want %d", len(body.Data), tc.want)
			}
			names := map[string]string{}
			for _, u := range body.Data {
				names[u["code"].(string)] = u["name"].(string)
				if u["type"] != "subnational" || u["parent"] == "" || (tc.parent == "KAZ" && u["parent"] != "KAZ") {
					t.Errorf("unit %v: want type subnational and parent %s", u, tc.parent)
				}
			}
			for code, name := range tc.has {
				if names[code] != name {
					t.Errorf("%s named %q, want %q", code, names[code], name)
				}
			}
		})
	}
	for _, bad := range []string{"XYZ", "KZ-10", "LDC"} {
		rec := get(t, h, "/v1/units?parent="+bad)
		var p struct {
			Errors []struct {
				Param string `json:"param"`
			} `json:"errors"`
		}
		if rec.Code != http.StatusBadRequest || json.Unmarshal(rec.Body.Bytes(), &p) != nil || len(p.Errors) != 1 || p.Errors[0].Param != "parent" {
			t.Errorf("parent=%s: %d %s, want a 400 naming parent", bad, rec.Code, rec.Body)
		}
	}
}

// TestProfileRegions: a country's profile lists its regions with data and
// their indicators; a country without any lists none.
func TestProfileRegions(t *testing.T) {
	h := testServer(t).Handler()
	var body struct {
		Data struct {
			Universe string `json:"universe"`
			Regions  []struct {
				Code       string   `json:"code"`
				Name       string   `json:"name"`
				Indicators []string `json:"indicators"`
				FirstYear  int      `json:"first_year"`
				LastYear   int      `json:"last_year"`
			} `json:"regions"`
		} `json:"data"`
	}
	rec := get(t, h, "/v1/scores/compass/KAZ")
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &body) != nil {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	if body.Data.Universe != "countries" || len(body.Data.Regions) != 20 {
		t.Fatalf("universe %q, %d regions; want countries and 20", body.Data.Universe, len(body.Data.Regions))
	}
	for _, r := range body.Data.Regions {
		// Abai (KZ-10): kz/data_indicator_17-8-1.csv and 5-b-1.csv have it
		// for 2022-2023 only (created in 2022).
		if r.Code == "KZ-10" && (r.Name != "Abay oblysy" || !slices.Equal(r.Indicators, []string{"itu.internet_use", "itu.mobile_ownership"}) || r.FirstYear != 2022 || r.LastYear != 2023) {
			t.Errorf("KZ-10: %+v, want Abay oblysy with internet use and mobile ownership, 2022-2023", r)
		}
	}
	rec = get(t, h, "/v1/scores/compass/KEN")
	if json.Unmarshal(rec.Body.Bytes(), &body) != nil || len(body.Data.Regions) != 0 {
		t.Errorf("KEN: %d regions, want none", len(body.Data.Regions))
	}
}

// TestRegionsUniverseAPI: against=KAZ and regions asked for choose
// Kazakhstan's regions' universe (engine.UniverseFor); what mixes
// universes is a 400 naming the parameter.
func TestRegionsUniverseAPI(t *testing.T) {
	h := testServer(t).Handler()
	var body struct {
		Data []map[string]any `json:"data"`
		Meta map[string]any   `json:"meta"`
	}
	rec := get(t, h, "/v1/scores/connectivity?unit=KZ-10&node=CONN")
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &body) != nil || len(body.Data) != 1 || body.Meta["universe"] != "regions of KAZ" {
		t.Fatalf("unit=KZ-10: %d %s, want one row scored among the regions of KAZ", rec.Code, rec.Body)
	}
	if r := body.Data[0]["rank"].(float64); r < 1 || r > 20 {
		t.Errorf("KZ-10 rank %v, want 1..20 (among 20 regions)", r)
	}
	rec = get(t, h, "/v1/compare?unit=KZ-10&against=KAZ&framework=connectivity")
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &body) != nil || len(body.Data) == 0 || body.Data[0]["group"] != "regions:KAZ" {
		t.Errorf("compare KZ-10 against KAZ: %d %s, want rows against regions:KAZ", rec.Code, rec.Body)
	}
	for target, param := range map[string]string{
		"/v1/scores/connectivity?unit=KZ-10,KEN":                  "unit",
		"/v1/scores/connectivity?against=KAZ,NGA":                 "against",
		"/v1/scores/connectivity?against=KZ-10":                   "against",
		"/v1/compare?unit=KEN&against=KAZ&framework=connectivity": "against",
		"/v1/compare?unit=KEN&against=NOPE&framework=egdi":        "against",
	} {
		rec := get(t, h, target)
		var p struct {
			Errors []struct {
				Param string `json:"param"`
			} `json:"errors"`
		}
		if rec.Code != http.StatusBadRequest || json.Unmarshal(rec.Body.Bytes(), &p) != nil || len(p.Errors) != 1 || p.Errors[0].Param != param {
			t.Errorf("%s: %d %s, want a 400 naming %s", target, rec.Code, rec.Body, param)
		}
	}
}
