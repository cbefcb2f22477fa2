package api_test

import (
	"encoding/json"
	"io/fs"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dri-engine/dri/datasets"
	"github.com/dri-engine/dri/indicators"
	"github.com/dri-engine/dri/indicators/engine"
)

// TestDataByAlias: a publisher's code in indicator= gives the very body of
// the indicator's id (WDI IT.NET.USER.ZS is itu.internet_use: the
// registry's aliases, datasets/indicators.yaml), and an alias listed with
// its id counts once.
func TestDataByAlias(t *testing.T) {
	h := testServer(t).Handler()
	const filter = "&unit=KEN,NGA,LDC&sex=F,M,_T&date=2015:2024&per_page=1000"
	want := get(t, h, "/v1/data?indicator=itu.internet_use"+filter)
	if want.Code != http.StatusOK || !strings.Contains(want.Body.String(), `"value"`) {
		t.Fatalf("indicator=itu.internet_use: %d %.300s", want.Code, want.Body)
	}
	for _, ind := range []string{"IT.NET.USER.ZS", "it.net.user.zs", "IT_USE_ii99", "i99H", "IT.NET.USER.ZS,itu.internet_use"} {
		got := get(t, h, "/v1/data?indicator="+ind+filter)
		if got.Code != http.StatusOK {
			t.Fatalf("indicator=%s: %d %s", ind, got.Code, got.Body)
		}
		if diff := cmp.Diff(want.Body.String(), got.Body.String()); diff != "" {
			t.Errorf("indicator=%s against indicator=itu.internet_use (-want +got):\n%.2000s", ind, diff)
		}
	}
	if rec := get(t, h, "/v1/data?indicator=IT.NET.USER.XX"); rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), `unknown indicator \"IT.NET.USER.XX\"`) {
		t.Errorf("indicator=IT.NET.USER.XX: %d %s; want 400 naming it", rec.Code, rec.Body)
	}
}

// TestIndicatorsListAliases: /v1/indicators has an aliases column and
// /v1/indicators/{alias} is the indicator.
func TestIndicatorsListAliases(t *testing.T) {
	h := testServer(t).Handler()
	rec := get(t, h, "/v1/indicators?per_page=1000")
	var list struct {
		Data []map[string]any `json:"data"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &list); err != nil {
		t.Fatal(err)
	}
	aliases := map[string]any{}
	for _, row := range list.Data {
		aliases[row["id"].(string)] = row["aliases"]
	}
	if got, want := aliases["itu.internet_use"], "i99H,IT.NET.USER.ZS,IT_USE_ii99"; got != want {
		t.Errorf("itu.internet_use aliases = %v, want %s (datasets/indicators.yaml)", got, want)
	}
	if got := aliases["egov.egdi"]; got != "" {
		t.Errorf("egov.egdi aliases = %v, want empty (UN DESA publishes no series code)", got)
	}
	var one struct {
		Data struct {
			ID           string   `json:"id"`
			Aliases      []string `json:"aliases"`
			Observations int      `json:"observations"`
		} `json:"data"`
	}
	rec = get(t, h, "/v1/indicators/IT.CEL.SETS.P2")
	if err := json.Unmarshal(rec.Body.Bytes(), &one); err != nil || rec.Code != http.StatusOK {
		t.Fatalf("/v1/indicators/IT.CEL.SETS.P2: %d %s", rec.Code, rec.Body)
	}
	if one.Data.ID != "wb.mobile_subscriptions" || one.Data.Observations == 0 {
		t.Errorf("/v1/indicators/IT.CEL.SETS.P2 = %+v, want wb.mobile_subscriptions with its observations", one.Data)
	}
}

// TestFrameworkByAlias: a framework file naming an indicator by a
// publisher's code scores as the one naming its id.
func TestFrameworkByAlias(t *testing.T) {
	ds := testDataset(t)
	e, err := engine.New(ds.Store, ds.Reference, ds.Registry, datasets.Frameworks)
	if err != nil {
		t.Fatal(err)
	}
	text, err := fs.ReadFile(datasets.Frameworks, "connectivity.yaml")
	if err != nil {
		t.Fatal(err)
	}
	aliased := strings.Replace(strings.Replace(string(text), "indicator: itu.internet_use", "indicator: IT.NET.USER.ZS", 1),
		"id: connectivity", "id: connectivity-wdi", 1)
	f, err := e.AddFramework("connectivity-wdi.yaml", []byte(aliased))
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := f.Node("UC.use"); n.Indicator != "itu.internet_use" {
		t.Fatalf("node UC.use indicator = %q, want itu.internet_use", n.Indicator)
	}
	want, err := e.Score("connectivity", 2023, indicators.Options{Year: 2023})
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.Score("connectivity-wdi", 2023, indicators.Options{Year: 2023})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want.Root().ValueColumn(), got.Root().ValueColumn()); diff != "" {
		t.Errorf("index by alias (-want +got):\n%s", diff)
	}
}
