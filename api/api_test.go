package api_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"

	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/go-cmp/cmp"

	"github.com/dri-engine/dri/api"
	"github.com/dri-engine/dri/datasets"
	"github.com/dri-engine/dri/indicators/engine"
	"github.com/dri-engine/dri/pipeline"
	"github.com/dri-engine/dri/pipeline/dims"
	"github.com/dri-engine/dri/pipeline/load"
	"github.com/dri-engine/dri/pipeline/snapshot"
)

var update = flag.Bool("update", false, "rewrite the golden responses in testdata/golden")

var (
	setupOnce sync.Once
	dataset   *api.Dataset
	setupErr  error
)

// testDataset loads the embedded data once, as dri serve does.
func testDataset(t testing.TB) *api.Dataset {
	t.Helper()
	setupOnce.Do(func() {
		res, err := load.Load(context.Background(), load.Options{Base: datasets.FS})
		if err != nil {
			setupErr = err
			return
		}
		store, err := pipeline.NewStore(res.Observations)
		if err != nil {
			setupErr = err
			return
		}
		eng, err := engine.New(store, res.Reference, res.Registry, datasets.Frameworks)
		if err != nil {
			setupErr = err
			return
		}
		m, err := snapshot.ComputeManifest(res, nil)
		if err != nil {
			setupErr = err
			return
		}
		dataset = &api.Dataset{ID: m.ID, Created: m.Created, Manifest: m, Result: res, Store: store,
			Reference: res.Reference, Registry: res.Registry, Scores: eng}
	})
	if setupErr != nil {
		t.Fatal(setupErr)
	}
	return dataset
}

// testServer serves the embedded data; the per-client rate limit is off
// (TestRateLimit tests it), as every test request comes from one address.
func testServer(t testing.TB) *api.Server {
	var h api.Holder
	h.Set(testDataset(t))
	return api.New(api.Config{RatePerSecond: -1}, &h)
}

func get(t testing.TB, h http.Handler, target string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// goldenRequests exercise every route with real data.
var goldenRequests = []struct{ name, target string }{
	{"snapshot", "/v1/snapshot"},
	{"units_ldc", "/v1/units?group=LDC&per_page=5"},
	{"unit_ken", "/v1/units/KEN"},
	{"unit_iso2", "/v1/units/KE"},
	{"unit_group", "/v1/units/LDC"},
	{"groups_income", "/v1/groups?kind=income"},
	{"group_lldc", "/v1/groups/LLDC"},
	{"indicators_findex", "/v1/indicators?source=findex-g20"},
	{"indicators_egdi", "/v1/indicators?framework=egdi"},
	{"indicator_internet", "/v1/indicators/itu.internet_use"},
	{"data_egdi_ken", "/v1/data?indicator=egov.egdi&unit=KEN&date=2022:2024"},
	{"data_sex_mrnev", "/v1/data?indicator=itu.internet_use&unit=KEN,UGA&sex=F,M&mrnev=1"},
	{"data_group", "/v1/data?indicator=findex.account&unit=LDC,WLD&sex=_T&date=2021"},
	{"frameworks", "/v1/frameworks"},
	{"framework_egdi", "/v1/frameworks/egdi"},
	{"scores_egdi", "/v1/scores/egdi?year=2024&unit=KEN,UGA,LDC"},
	{"scores_compass_level", "/v1/scores/compass?unit=KEN&level=3"},
	{"scores_connectivity_women", "/v1/scores/connectivity?year=2023&unit=KEN&sex=F"},
	{"profile_ken", "/v1/scores/compass/KEN"},
	{"profile_egdi", "/v1/scores/egdi/KEN?year=2024"},
	{"compare_ken", "/v1/compare?unit=KEN&against=LDC,WLD&framework=egdi&year=2024"},
	{"gender_ken", "/v1/gender?unit=KEN,LDC&indicator=itu.internet_use,findex.account,composite"},
	{"sensitivity_egdi", "/v1/sensitivity/egdi?year=2024&runs=200&seed=5&unit=KEN,UGA,FRA"},
}

// normalise hides what changes with every data release but not with the
// code: the snapshot id and creation time.
func normalise(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			switch k {
			case "snapshot":
				x[k] = "<snapshot>"
			case "id":
				if s, ok := val.(string); ok && regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(s) {
					x[k] = "<snapshot>"
				}
			case "created":
				x[k] = "<created>"
			case "files": // checksums of the snapshot's own files
				x[k] = "<files>"
			default:
				x[k] = normalise(val)
			}
		}
	case []any:
		for i := range x {
			x[i] = normalise(x[i])
		}
	}
	return v
}

func TestGoldenResponses(t *testing.T) {
	h := testServer(t).Handler()
	for _, g := range goldenRequests {
		t.Run(g.name, func(t *testing.T) {
			rec := get(t, h, g.target)
			if rec.Code != http.StatusOK {
				t.Fatalf("GET %s: %d %s", g.target, rec.Code, rec.Body)
			}
			var got any
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
				t.Fatalf("GET %s: not JSON: %v", g.target, err)
			}
			got = normalise(got)
			file := filepath.Join("testdata", "golden", g.name+".json")
			if *update {
				b, _ := json.MarshalIndent(got, "", "  ")
				if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(file, append(b, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run with -update to create)", err)
			}
			var want any
			if err := json.Unmarshal(data, &want); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("GET %s (-want +got):\n%s", g.target, diff)
			}
		})
	}
}

// TestPublishedNumbers pins numbers to their published sources.
func TestPublishedNumbers(t *testing.T) {
	h := testServer(t).Handler()
	var body struct {
		Data []map[string]any `json:"data"`
	}
	// UN E-Government Survey 2024: Kenya EGDI 0.6314, rank 109.
	rec := get(t, h, "/v1/data?indicator=egov.egdi,egov.rank&unit=KEN&date=2024")
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || len(body.Data) != 2 {
		t.Fatalf("data: %v %s", err, rec.Body)
	}
	if body.Data[0]["value"] != 0.6314 || body.Data[1]["value"] != 109.0 {
		t.Errorf("Kenya 2024: EGDI %v rank %v, want 0.6314 and 109", body.Data[0]["value"], body.Data[1]["value"])
	}
	// The 2024 EGDI groups: 76 very high, 62 high, 44 middle, 11 low.
	rec = get(t, h, "/v1/scores/egdi?year=2024&per_page=1000")
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, r := range body.Data {
		count[r["tier"].(string)]++
	}
	if count["Very High"] != 76 || count["High"] != 62 || count["Middle"] != 44 || count["Low"] != 11 {
		t.Errorf("EGDI 2024 tiers %v, want 76/62/44/11", count)
	}
	// The Women's Inclusion Score is a node of the gender scores table, with
	// the value the profile gives.
	rec = get(t, h, "/v1/scores/gender?unit=KEN&node=WIS")
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || len(body.Data) != 1 || body.Data[0]["value"] == nil {
		t.Fatalf("gender WIS for Kenya: %v %s", err, rec.Body)
	}
	var profile struct {
		Data struct {
			Nodes []map[string]any `json:"nodes"`
		} `json:"data"`
	}
	if err := json.Unmarshal(get(t, h, "/v1/scores/gender/KEN").Body.Bytes(), &profile); err != nil {
		t.Fatal(err)
	}
	for _, n := range profile.Data.Nodes {
		if n["code"] == "WIS" && n["value"] != body.Data[0]["value"] {
			t.Errorf("WIS: table %v, profile %v", body.Data[0]["value"], n["value"])
		}
	}
}

func TestFormats(t *testing.T) {
	h := testServer(t).Handler()
	target := "/v1/data?indicator=egov.egdi&unit=KEN,UGA&date=2024"
	// CSV: header then two rows, numbers in shortest round-trip form.
	rec := get(t, h, target+"&format=csv")
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Errorf("csv content type %q", ct)
	}
	recs, err := csv.NewReader(rec.Body).ReadAll()
	if err != nil || len(recs) != 3 || recs[0][0] != "unit" || recs[1][11] != "0.6314" {
		t.Errorf("csv = %v, %v", recs, err)
	}
	// Accept header negotiation.
	rec = get(t, h, target, "Accept", "text/csv;q=0.9, application/vnd.apache.arrow.stream")
	if ct := rec.Header().Get("Content-Type"); ct != api.MediaArrow {
		t.Fatalf("Accept arrow: content type %q", ct)
	}
	r, err := ipc.NewReader(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	rows := 0
	for r.Next() {
		rows += int(r.RecordBatch().NumRows())
	}
	if rows != 2 || r.Schema().Field(0).Name != "unit" {
		t.Errorf("arrow stream: %d rows, schema %v", rows, r.Schema())
	}
	if rec.Header().Get("Content-Encoding") != "" {
		t.Error("arrow stream compressed")
	}
	// SDMX-CSV 2.0.
	rec = get(t, h, target, "Accept", "application/vnd.sdmx.data+csv;version=2.0.0")
	recs, err = csv.NewReader(rec.Body).ReadAll()
	if err != nil || len(recs) != 3 || strings.Join(recs[0][:6], ",") != "STRUCTURE,STRUCTURE_ID,ACTION,REF_AREA,TIME_PERIOD,INDICATOR" ||
		recs[1][0] != "dataflow" || recs[1][2] != "I" {
		t.Errorf("sdmx-csv = %v, %v", recs, err)
	}
	// 406 for anything else, as problem+json with CORS.
	rec = get(t, h, target, "Accept", "application/xml")
	if rec.Code != http.StatusNotAcceptable || rec.Header().Get("Content-Type") != "application/problem+json" ||
		rec.Header().Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("Accept xml: %d %s", rec.Code, rec.Header())
	}
	// gzip for JSON when asked.
	rec = get(t, h, "/v1/units?per_page=300", "Accept-Encoding", "gzip")
	if rec.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("no gzip: %v", rec.Header())
	}
	zr, err := gzip.NewReader(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(zr)
	if !json.Valid(b) {
		t.Error("gzipped body is not JSON")
	}
}

func TestCachingAndPaging(t *testing.T) {
	h := testServer(t).Handler()
	rec := get(t, h, "/v1/units?per_page=10&page=2")
	etag := rec.Header().Get("ETag")
	if etag == "" || !strings.Contains(rec.Header().Get("Cache-Control"), "max-age") {
		t.Fatalf("no ETag/Cache-Control: %v", rec.Header())
	}
	var body struct {
		Meta map[string]any   `json:"meta"`
		Data []map[string]any `json:"data"`
	}
	json.Unmarshal(rec.Body.Bytes(), &body)
	if len(body.Data) != 10 || body.Meta["page"] != 2.0 || body.Meta["total"].(float64) < 193 {
		t.Errorf("page 2: %d rows, meta %v", len(body.Data), body.Meta)
	}
	link := rec.Header().Get("Link")
	if !strings.Contains(link, `rel="next"`) || !strings.Contains(link, "page=3") || !strings.Contains(link, `rel="prev"`) {
		t.Errorf("Link = %q", link)
	}
	// 304 on If-None-Match; equivalent queries share the ETag.
	if rec := get(t, h, "/v1/units?page=2&per_page=10", "If-None-Match", etag); rec.Code != http.StatusNotModified {
		t.Errorf("If-None-Match: %d", rec.Code)
	}
	if rec := get(t, h, "/v1/units?per_page=10&page=3"); rec.Header().Get("ETag") == etag {
		t.Error("another page has the same ETag")
	}
	// Deterministic order: the same request twice gives the same bytes.
	a, b := get(t, h, "/v1/data?indicator=itu.internet_use&date=2020"), get(t, h, "/v1/data?indicator=itu.internet_use&date=2020")
	if !bytes.Equal(a.Body.Bytes(), b.Body.Bytes()) {
		t.Error("two identical requests gave different bodies")
	}
}

func TestErrors(t *testing.T) {
	h := testServer(t).Handler()
	for _, tc := range []struct {
		method, target string
		status         int
		code, param    string
	}{
		{"GET", "/v1/nope", 404, "not_found", ""},
		{"GET", "/v1/units/XXX", 404, "unknown_unit", ""},
		{"GET", "/v1/groups/NOPE", 404, "unknown_group", ""},
		{"GET", "/v1/indicators/no.such", 404, "unknown_indicator", ""},
		{"GET", "/v1/frameworks/nope", 404, "unknown_framework", ""},
		{"GET", "/v1/scores/nope", 404, "unknown_framework", ""},
		{"GET", "/v1/scores/compass/XXX", 404, "unknown_unit", ""},
		{"GET", "/v1/scores/compass/HKG", 404, "unknown_unit", ""},
		{"GET", "/v1/data", 400, "bad_parameter", "indicator"},
		{"GET", "/v1/data?indicator=egov.egdi&unit=Atlantis", 400, "bad_parameter", "unit"},
		{"GET", "/v1/data?indicator=egov.egdi&date=2024:2020", 400, "bad_parameter", "date"},
		{"GET", "/v1/data?indicator=egov.egdi&mrv=x", 400, "bad_parameter", "mrv"},
		{"GET", "/v1/data?indicator=egov.egdi&sex=X", 400, "bad_parameter", "sex"},
		{"GET", "/v1/data?indicator=egov.egdi&age=Y99X", 400, "bad_parameter", "age"}, // not an SDMX age band: it would match nothing
		{"GET", "/v1/units?colour=blue", 400, "bad_parameter", "colour"},
		{"GET", "/v1/units?per_page=0", 400, "bad_parameter", "per_page"},
		{"GET", "/v1/units?per_page=100000", 400, "bad_parameter", "per_page"},
		{"GET", "/v1/scores/egdi?year=1985", 400, "bad_parameter", "year"},
		{"GET", "/v1/scores/egdi?node=NOPE", 400, "bad_parameter", "node"},
		{"GET", "/v1/compare", 400, "bad_parameter", "unit"},
		{"GET", "/v1/compare?unit=KEN&against=NOPE", 400, "bad_parameter", "against"},
		{"GET", "/v1/gender?indicator=egov.egdi", 400, "bad_parameter", "indicator"},
		{"GET", "/v1/sensitivity/egdi?runs=100000", 400, "bad_parameter", "runs"},
		{"GET", "/v1/sensitivity/egdi?vary=colours", 400, "bad_parameter", "vary"},
		{"GET", "/v1/sensitivity/gender", 422, "unprocessable", ""},
		{"GET", "/v1/units?format=xml", 406, "not_acceptable", "format"},
		{"GET", "/v1/frameworks/egdi?format=sdmx-csv", 406, "not_acceptable", ""},
		{"DELETE", "/v1/units", 405, "method_not_allowed", ""},
		{"GET", "/v1/units?q=" + strings.Repeat("x", 3000), 414, "uri_too_long", ""},
	} {
		req := httptest.NewRequest(tc.method, tc.target, nil)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var p api.Problem
		err := json.Unmarshal(rec.Body.Bytes(), &p)
		if rec.Code != tc.status || err != nil || p.Code != tc.code || p.Status != tc.status ||
			rec.Header().Get("Content-Type") != "application/problem+json" || rec.Header().Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("%s %s: %d %s %q, want %d %s problem+json with CORS", tc.method, shorten(tc.target), rec.Code,
				rec.Header().Get("Content-Type"), rec.Body, tc.status, tc.code)
			continue
		}
		if tc.param != "" && (len(p.Errors) == 0 || p.Errors[0].Param != tc.param) {
			t.Errorf("%s: errors %v, want one for %q", shorten(tc.target), p.Errors, tc.param)
		}
	}
	// 413: a body over the limit.
	req := httptest.NewRequest("POST", "/v1/units", strings.NewReader(strings.Repeat("x", 2<<20)))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("large body: %d", rec.Code)
	}
}

func shorten(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}

func TestNoSnapshotIs503(t *testing.T) {
	var h api.Holder
	s := api.New(api.Config{RatePerSecond: -1}, &h).Handler()
	if rec := get(t, s, "/v1/units"); rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
		t.Errorf("no dataset: %d %v", rec.Code, rec.Header())
	}
	if rec := get(t, s, "/readyz"); rec.Code != http.StatusServiceUnavailable {
		t.Errorf("readyz without data: %d", rec.Code)
	}
	if rec := get(t, s, "/healthz"); rec.Code != http.StatusOK {
		t.Errorf("healthz: %d", rec.Code)
	}
}

func TestMetricsAndHealth(t *testing.T) {
	h := testServer(t).Handler()
	get(t, h, "/v1/units")
	rec := get(t, h, "/metrics")
	body := rec.Body.String()
	for _, want := range []string{`dri_http_requests_total{method="GET",route="/v1/units",status="200"}`,
		"dri_http_request_duration_seconds_bucket", "dri_snapshot_info{id=", "dri_build_info{"} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if rec := get(t, h, "/readyz"); rec.Code != 200 {
		t.Errorf("readyz: %d", rec.Code)
	}
	if rec := get(t, h, "/docs"); rec.Code != 200 || !strings.Contains(rec.Body.String(), "openapi.json") {
		t.Errorf("docs: %d", rec.Code)
	}
}

// TestOpenAPI validates the document and every golden response against it,
// so the document cannot drift from the code.
func TestOpenAPI(t *testing.T) {
	h := testServer(t).Handler()
	rec := get(t, h, "/openapi.json")
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(rec.Body.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("openapi.json is not valid: %v", err)
	}
	type tmpl struct {
		re   *regexp.Regexp
		path string
	}
	var paths []tmpl
	for p := range doc.Paths.Map() {
		re := regexp.MustCompile("^" + regexp.MustCompile(`\{[a-z_]+\}`).ReplaceAllString(p, `[^/]+`) + "$")
		paths = append(paths, tmpl{re, p})
	}
	validate := func(target string, rec *httptest.ResponseRecorder) {
		t.Helper()
		u, _ := url.Parse(target)
		var item *openapi3.PathItem
		for _, p := range paths {
			if p.re.MatchString(u.Path) {
				item = doc.Paths.Value(p.path)
			}
		}
		if item == nil || item.Get == nil {
			t.Errorf("%s: no operation in openapi.json", u.Path)
			return
		}
		resp := item.Get.Responses.Status(rec.Code)
		if resp == nil {
			t.Errorf("%s: status %d not documented", target, rec.Code)
			return
		}
		ct := strings.Split(rec.Header().Get("Content-Type"), ";")[0]
		mt := resp.Value.Content.Get(ct)
		if mt == nil {
			t.Errorf("%s: %d %s not documented", target, rec.Code, ct)
			return
		}
		if !strings.Contains(ct, "json") {
			return
		}
		var v any
		if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
			t.Errorf("%s: %v", target, err)
			return
		}
		if err := mt.Schema.Value.VisitJSON(v, openapi3.EnableJSONSchema2020()); err != nil {
			t.Errorf("%s: response does not match openapi.json: %v", target, err)
		}
	}
	for _, g := range goldenRequests {
		validate(g.target, get(t, h, g.target))
	}
	for _, target := range []string{"/v1/data?indicator=nope", "/v1/units/XXX", "/v1/units?format=xml",
		"/v1/units?per_page=3&format=csv", "/v1/scores/compass?format=arrow&per_page=5", "/v1/data?indicator=egov.egdi&format=sdmx-csv&per_page=3",
		"/v1/sdmx/dataflow/DRI/DF_SCORES", "/v1/sdmx/dataflow?format=json", "/v1/sdmx/datastructure/DRI/DSD_OBSERVATIONS/1.0",
		"/v1/sdmx/data/DF_OBSERVATIONS/KEN.egov.egdi" + strings.Repeat(".", len(dims.Breakdowns)), "/v1/sdmx/data/DF_SCORES/KEN.egdi..?lastNObservations=1&format=json",
		"/v1/sdmx/data/DF_OBSERVATIONS/KEN.egov?format=json"} {
		validate(target, get(t, h, target))
	}
	// Every documented route answers.
	for p, item := range doc.Paths.Map() {
		if item.Get == nil {
			continue
		}
		concrete := strings.NewReplacer("{framework}", "egdi", "{unit}", "KEN", "{code}", "KEN", "{id}", "egdi").Replace(p)
		if strings.HasPrefix(p, "/v1/sdmx/") || strings.HasPrefix(p, "/v1/export/") {
			concrete = concreteTarget(p)
		}
		if strings.HasPrefix(p, "/v1/indicators/") {
			concrete = "/v1/indicators/egov.egdi"
		}
		if strings.HasPrefix(p, "/v1/groups/") {
			concrete = "/v1/groups/LDC"
		}
		if p == "/v1/data" {
			concrete += "?indicator=egov.egdi"
		}
		if p == "/v1/compare" {
			concrete += "?unit=KEN"
		}
		if rec := get(t, h, concrete); rec.Code != 200 {
			t.Errorf("GET %s (documented %s): %d %s", concrete, p, rec.Code, rec.Body)
		}
	}
}

// FuzzQuery: any query string on any route: no 5xx, no panic, and the body
// is JSON (data or problem) unless another format was asked for.
func FuzzQuery(f *testing.F) {
	h := testServer(f).Handler()
	routes := []string{"/v1/units", "/v1/groups", "/v1/indicators", "/v1/data", "/v1/frameworks", "/v1/scores/egdi", "/v1/sensitivity/egdi",
		"/v1/scores/compass/KEN", "/v1/compare", "/v1/gender", "/v1/units/KEN", "/v1/snapshot"}
	for _, seed := range []string{"indicator=egov.egdi", "unit=KEN,LDC&date=2015:2024&mrv=2", "format=csv&page=2&per_page=1",
		"year=2024&level=1", "against=LDC&unit=KEN", "indicator=%zz", "date=:", "per_page=-1", "unit=,,,", "mrnev=3&indicator=itu.internet_use"} {
		f.Add(uint8(0), seed)
	}
	f.Fuzz(func(t *testing.T, which uint8, query string) {
		target := routes[int(which)%len(routes)] + "?" + query
		req, err := http.NewRequest(http.MethodGet, "http://x"+target, nil)
		if err != nil {
			return
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("GET %s: %d %s", target, rec.Code, rec.Body)
		}
		ct := rec.Header().Get("Content-Type")
		if strings.Contains(ct, "json") && !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("GET %s: invalid JSON", target)
		}
	})
}

// BenchmarkEncodeScoreTableJSON: the 193-country index table of a cached
// score result, rendered to JSON with the response cache off (target < 1 ms).
func BenchmarkEncodeScoreTableJSON(b *testing.B) {
	var hold api.Holder
	hold.Set(testDataset(b))
	h := api.New(api.Config{CacheBytes: -1, RatePerSecond: -1}, &hold).Handler()
	req := httptest.NewRequest(http.MethodGet, "/v1/scores/compass?level=4&per_page=1000", nil)
	get(b, h, req.URL.String()) // warm the score cache
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatal(rec.Code)
		}
	}
}
