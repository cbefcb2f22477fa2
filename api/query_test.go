package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/dri-engine/dri/api"
	"github.com/dri-engine/dri/pipeline/dims"
)

// rowsOf decodes a JSON list response's data rows.
func rowsOf(t testing.TB, rec *httptest.ResponseRecorder) []map[string]any {
	t.Helper()
	var body struct {
		Data []map[string]any `json:"data"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("not JSON: %v: %s", err, shorten(rec.Body.String()))
	}
	return body.Data
}

// distinct returns the sorted distinct values of a column.
func distinct(rows []map[string]any, col string) []string {
	set := map[string]bool{}
	for _, r := range rows {
		set[r[col].(string)] = true
	}
	var out []string
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestSemicolonListSeparator: `;` separates list items as in the World Bank
// API (issue 12 item 1). net/url dropped every pair holding a `;`, so
// unit=KEN;UGA served all units with 200.
func TestSemicolonListSeparator(t *testing.T) {
	h := testServer(t).Handler()
	for _, tc := range []struct {
		name, target, comma, col string
		want                     []string
	}{
		{"data units", "/v1/data?indicator=egov.egdi&unit=KEN;UGA&date=2024", "/v1/data?indicator=egov.egdi&unit=KEN,UGA&date=2024",
			"unit", []string{"KEN", "UGA"}},
		{"data repeated", "/v1/data?indicator=egov.egdi&unit=KEN&unit=UGA&date=2024", "/v1/data?indicator=egov.egdi&unit=KEN,UGA&date=2024",
			"unit", []string{"KEN", "UGA"}},
		{"data encoded", "/v1/data?indicator=egov.egdi&unit=KEN%3BUGA&date=2024", "/v1/data?indicator=egov.egdi&unit=KEN,UGA&date=2024",
			"unit", []string{"KEN", "UGA"}},
		{"data indicators", "/v1/data?indicator=egov.egdi;egov.osi&unit=KEN&date=2024", "/v1/data?indicator=egov.egdi,egov.osi&unit=KEN&date=2024",
			"indicator", []string{"egov.egdi", "egov.osi"}},
		{"data sex", "/v1/data?indicator=itu.internet_use&unit=KEN&sex=F;M&mrnev=1", "/v1/data?indicator=itu.internet_use&unit=KEN&sex=F,M&mrnev=1",
			"sex", []string{"F", "M"}},
		{"scores units", "/v1/scores/egdi?year=2024&unit=KEN;UGA", "/v1/scores/egdi?year=2024&unit=KEN,UGA",
			"unit", []string{"KEN", "UGA"}},
		{"scores nodes", "/v1/scores/egdi?year=2024&unit=KEN&node=OSI;TII", "/v1/scores/egdi?year=2024&unit=KEN&node=OSI,TII",
			"node", []string{"OSI", "TII"}},
		{"gender units", "/v1/gender?unit=KEN;LDC&indicator=itu.internet_use", "/v1/gender?unit=KEN,LDC&indicator=itu.internet_use",
			"unit", []string{"KEN", "LDC"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			semi, comma := get(t, h, tc.target), get(t, h, tc.comma)
			if semi.Code != http.StatusOK || comma.Code != http.StatusOK {
				t.Fatalf("GET %s: %d, GET %s: %d", tc.target, semi.Code, tc.comma, comma.Code)
			}
			if got := distinct(rowsOf(t, semi), tc.col); strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("GET %s: %s = %v, want %v", tc.target, tc.col, got, tc.want)
			}
			if !bytes.Equal(semi.Body.Bytes(), comma.Body.Bytes()) {
				t.Errorf("GET %s and GET %s give different bodies", tc.target, tc.comma)
			}
		})
	}
	// A `;` in a scalar is not a separator: the value is refused, never
	// dropped.
	if rec := get(t, h, "/v1/scores/egdi?year=2022;2024&unit=KEN"); rec.Code != http.StatusBadRequest {
		t.Errorf("year=2022;2024: %d, want 400", rec.Code)
	}
}

// TestListItemsOnce: a list item given twice counts once. Before,
// indicator=egov.egdi,egov.osi,egov.egdi served every EGDI row twice, and
// a repeated group code its aggregate rows twice.
func TestListItemsOnce(t *testing.T) {
	h := testServer(t).Handler()
	for _, tc := range [][2]string{
		{"/v1/data?indicator=egov.egdi,egov.osi,egov.egdi&unit=KEN&date=2022:2024", "/v1/data?indicator=egov.egdi,egov.osi&unit=KEN&date=2022:2024"},
		{"/v1/data?indicator=egov.egdi&unit=KEN,LDC;LDC&unit=KEN&date=2022:2024", "/v1/data?indicator=egov.egdi&unit=KEN,LDC&date=2022:2024"},
		{"/v1/scores/egdi?year=2024&unit=KEN,LDC,KEN,LDC", "/v1/scores/egdi?year=2024&unit=KEN,LDC"},
		{"/v1/compare?unit=KEN&against=LDC,WLD,LDC&framework=egdi&year=2024", "/v1/compare?unit=KEN&against=LDC,WLD&framework=egdi&year=2024"},
		{"/v1/data?indicator=egov.egdi&unit=ldc,LDC,KEN,KE,Kenya&date=2024", "/v1/data?indicator=egov.egdi&unit=LDC,KEN&date=2024"},
		{"/v1/scores/egdi?year=2024&unit=ldc,KEN,LDC,ke", "/v1/scores/egdi?year=2024&unit=LDC,KEN"},
	} {
		dup, once := get(t, h, tc[0]), get(t, h, tc[1])
		if dup.Code != http.StatusOK || !bytes.Equal(dup.Body.Bytes(), once.Body.Bytes()) {
			t.Errorf("GET %s: %d, %d bytes; want the body of GET %s (%d bytes)", tc[0], dup.Code, dup.Body.Len(), tc[1], once.Body.Len())
		}
	}
	// The 2022-2024 EGDI of Kenya: 2022 and 2024 editions (the Survey is
	// biennial), so 2 rows per indicator.
	if rows := rowsOf(t, get(t, h, "/v1/data?indicator=egov.egdi,egov.osi,egov.egdi&unit=KEN&date=2022:2024")); len(rows) != 4 {
		t.Errorf("egdi, osi, egdi for Kenya 2022-2024: %d rows, want 4", len(rows))
	}
}

// TestCachePoisoning: a repeated scalar is a 400, and cannot put a response
// computed from other values under an honest request's key (issue 12
// item 2). Before, year=&year=2022 computed the default year (2024) and
// cached it under year=2022.
func TestCachePoisoning(t *testing.T) {
	h := testServer(t).Handler()
	for _, target := range []string{
		"/v1/scores/egdi?year=&year=2022&unit=KEN",
		"/v1/units?page=&page=2&per_page=10",
		"/v1/units?per_page=10&per_page=20",
		"/v1/data?indicator=egov.egdi&unit=KEN&date=2024&date=2022",
		"/v1/units?format=json&format=csv",
	} {
		rec := get(t, h, target)
		var p api.Problem
		if err := json.Unmarshal(rec.Body.Bytes(), &p); rec.Code != http.StatusBadRequest || err != nil || len(p.Errors) != 1 ||
			!strings.Contains(p.Errors[0].Message, "more than once") {
			t.Errorf("GET %s: %d %s, want 400 naming the repeated parameter", target, rec.Code, shorten(rec.Body.String()))
		}
	}
	// The honest requests get what they ask for: EGDI 2022 (Kenya 0.5589,
	// rank 113, in the UN E-Government Survey 2022) and units 11-20.
	rows := rowsOf(t, get(t, h, "/v1/scores/egdi?year=2022&unit=KEN"))
	if len(rows) == 0 || rows[0]["year"] != 2022.0 {
		t.Fatalf("year=2022 after the poisoning attempt: %v", rows)
	}
	if rows[0]["node"] != "EGDI" || math.Abs(rows[0]["value"].(float64)-0.5589) > 5e-5 {
		t.Errorf("year=2022: EGDI row %v, want Kenya 0.5589", rows[0])
	}
	page2 := rowsOf(t, get(t, h, "/v1/units?page=2&per_page=10"))
	all := rowsOf(t, get(t, h, "/v1/units?per_page=20"))
	if len(page2) != 10 || page2[0]["code"] != all[10]["code"] {
		t.Errorf("page=2: first unit %v, want the 11th (%v)", page2[0]["code"], all[10]["code"])
	}
}

// TestCacheBustersIgnored: `_` and `utm_*` change nothing, not even the ETag
// (issue 12 item 16); other unknown parameters stay a 400.
func TestCacheBustersIgnored(t *testing.T) {
	h := testServer(t).Handler()
	base := get(t, h, "/v1/units?group=LDC&per_page=5")
	if base.Code != http.StatusOK {
		t.Fatalf("base: %d", base.Code)
	}
	for _, target := range []string{
		"/v1/units?group=LDC&per_page=5&_=1733500000000",
		"/v1/units?_=1&group=LDC&per_page=5&utm_source=newsletter&utm_medium=email",
		"/v1/units?per_page=5&group=LDC&utm_campaign=x&_=",
	} {
		rec := get(t, h, target)
		if rec.Code != http.StatusOK || !bytes.Equal(rec.Body.Bytes(), base.Body.Bytes()) ||
			rec.Header().Get("ETag") != base.Header().Get("ETag") || rec.Header().Get("Link") != base.Header().Get("Link") {
			t.Errorf("GET %s: %d, ETag %s Link %s; want the body, ETag %s and Link %s of the request without it", target, rec.Code,
				rec.Header().Get("ETag"), rec.Header().Get("Link"), base.Header().Get("ETag"), base.Header().Get("Link"))
		}
		if strings.Contains(rec.Header().Get("Link"), "utm_") || strings.Contains(rec.Header().Get("Link"), "_=") {
			t.Errorf("GET %s: Link %s repeats a cache-buster", target, rec.Header().Get("Link"))
		}
	}
	for _, target := range []string{"/v1/units?callback=x", "/v1/units?__=1", "/v1/units?utm=1", "/v1/units?token=abc"} {
		if rec := get(t, h, target); rec.Code != http.StatusBadRequest {
			t.Errorf("GET %s: %d, want 400 (unknown parameter)", target, rec.Code)
		}
	}
}

// TestQuerySecretsNotLogged: a token sent in the query is never written to
// the request log (issue 12 item 13).
func TestQuerySecretsNotLogged(t *testing.T) {
	var log bytes.Buffer
	var hold api.Holder
	hold.Set(testDataset(t))
	h := api.New(api.Config{RatePerSecond: -1, Logger: slog.New(slog.NewJSONHandler(&log, nil))}, &hold).Handler()
	const secret = "s3cr3t-4dm1n-t0k3n"
	for _, target := range []string{
		"/v1/units?token=" + secret,
		"/v1/units?per_page=5&access_token=" + secret,
		"/v1/units?api_key=" + secret + "&group=LDC",
		"/v1/units?%74oken=" + secret,
		"/v1/admin/reload?Token=" + secret,
		"/v1/nope?password=" + secret,
		"/v1/units?group=LDC;token=" + secret,
		"/v1/data?indicator=egov.egdi,api_key=" + secret + "&unit=KEN",
	} {
		get(t, h, target)
	}
	if strings.Contains(log.String(), secret) {
		t.Errorf("the request log holds the secret:\n%s", log.String())
	}
	if n := strings.Count(log.String(), "REDACTED"); n != 8 {
		t.Errorf("%d REDACTED in the log, want 8 (one per request):\n%s", n, log.String())
	}
	if !strings.Contains(log.String(), "group=LDC") {
		t.Errorf("the log lost the rest of the query:\n%s", log.String())
	}
}

// openAPIDoc loads the server's OpenAPI document.
func openAPIDoc(t *testing.T, h http.Handler) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(get(t, h, "/openapi.json").Body.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// concreteTarget fills a documented path with real ids and the required
// query parameters (and few sensitivity runs).
func concreteTarget(p string) string {
	switch {
	case strings.HasPrefix(p, "/v1/indicators/"):
		return "/v1/indicators/egov.egdi"
	case strings.HasPrefix(p, "/v1/groups/"):
		return "/v1/groups/LDC"
	case strings.HasPrefix(p, "/v1/export/"):
		return "/v1/export/units.csv"
	case p == "/v1/data":
		return p + "?indicator=egov.egdi&unit=KEN"
	case p == "/v1/compare":
		return p + "?unit=KEN"
	case strings.HasPrefix(p, "/v1/sensitivity/"):
		return "/v1/sensitivity/egdi?runs=20&unit=KEN"
	case p == "/v1/sdmx/data/{flow}":
		// The whole flow, one year of it: 800 observations, not 104,000
		// (this route in each format was 37 s of the package under -race).
		return "/v1/sdmx/data/DF_OBSERVATIONS?startPeriod=2000&endPeriod=2000"
	case strings.HasPrefix(p, "/v1/sdmx/data/"):
		return strings.NewReplacer("{flow}", "DF_OBSERVATIONS", "{key}", "KEN.egov.egdi"+strings.Repeat(".", len(dims.Breakdowns)), "{provider}", "all").Replace(p)
	case strings.HasPrefix(p, "/v1/sdmx/"):
		return strings.NewReplacer("{agency}", "DRI", "{id}", "DF_OBSERVATIONS", "{version}", "1.0").Replace(
			strings.Replace(p, "datastructure/{agency}/{id}", "datastructure/DRI/DSD_SCORES", 1))
	}
	return strings.NewReplacer("{framework}", "egdi", "{unit}", "KEN", "{code}", "KEN", "{id}", "egdi").Replace(p)
}

// withParam adds a query parameter to a target.
func withParam(target, pair string) string {
	if strings.Contains(target, "?") {
		return target + "&" + pair
	}
	return target + "?" + pair
}

// TestOpenAPIFormatsServed: every format the OpenAPI document lists for a
// route is served, none is a 406 (issue 12 item 15: sdmx-csv was listed on
// every route and answered 406 on most).
func TestOpenAPIFormatsServed(t *testing.T) {
	h := testServer(t).Handler()
	doc := openAPIDoc(t, h)
	media := map[string]string{"json": api.MediaJSON, "csv": api.MediaCSV, "arrow": api.MediaArrow, "sdmx-csv": "application/vnd.sdmx.data+csv",
		"sdmx-ml": "application/vnd.sdmx.structure+xml", "sdmx-json": "application/vnd.sdmx.data+json"}
	for p, item := range doc.Paths.Map() {
		if item.Get == nil {
			continue
		}
		target := concreteTarget(p)
		if strings.HasPrefix(p, "/v1/export/") {
			continue // a file: its format is its extension (TestExportRoute)
		}
		formats := map[string]bool{}
		for _, prm := range item.Get.Parameters {
			if prm.Value.Name == "format" {
				for _, e := range prm.Value.Schema.Value.Enum {
					formats[e.(string)] = true
				}
			}
		}
		if len(formats) == 0 {
			t.Errorf("%s: no format parameter documented", p)
		}
		content := item.Get.Responses.Status(200).Value.Content
		for f := range formats {
			if content.Get(media[f]) == nil {
				t.Errorf("%s: format %s listed but %s is not among the 200 responses", p, f, media[f])
			}
			if rec := get(t, h, withParam(target, "format="+f)); rec.Code != http.StatusOK {
				t.Errorf("GET %s format=%s (documented): %d %s", target, f, rec.Code, shorten(rec.Body.String()))
			}
		}
		for mt := range content {
			if rec := get(t, h, target, "Accept", mt); rec.Code != http.StatusOK {
				t.Errorf("GET %s Accept %s (documented): %d %s", target, mt, rec.Code, shorten(rec.Body.String()))
			}
		}
	}
}

// TestHead: every GET route answers HEAD with the GET's status and headers
// and no body (issue 12 item 15: HEAD was 405 on every /v1 route while CORS
// advertised it).
func TestHead(t *testing.T) {
	h := testServer(t).Handler()
	doc := openAPIDoc(t, h)
	targets := []string{"/healthz", "/readyz", "/openapi.json", "/docs", "/v1/units?per_page=3", "/v1/data?indicator=egov.egdi&unit=KEN;UGA&format=csv"}
	for p, item := range doc.Paths.Map() {
		if item.Get != nil {
			targets = append(targets, concreteTarget(p))
		}
	}
	for _, target := range targets {
		g := get(t, h, target)
		req := httptest.NewRequest(http.MethodHead, target, nil)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != g.Code || rec.Code != http.StatusOK {
			t.Errorf("HEAD %s: %d, GET: %d, want both 200", target, rec.Code, g.Code)
			continue
		}
		if rec.Body.Len() != 0 {
			t.Errorf("HEAD %s: %d body bytes, want none", target, rec.Body.Len())
		}
		for _, k := range []string{"Content-Type", "ETag", "Link", "Access-Control-Allow-Origin", "Content-Length"} {
			if rec.Header().Get(k) != g.Header().Get(k) {
				t.Errorf("HEAD %s: %s %q, GET has %q", target, k, rec.Header().Get(k), g.Header().Get(k))
			}
		}
	}
	// CORS preflight advertises HEAD, and HEAD on a POST-only route is a 405.
	req := httptest.NewRequest(http.MethodOptions, "/v1/units", nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if !strings.Contains(rec.Header().Get("Access-Control-Allow-Methods"), "HEAD") {
		t.Errorf("preflight allows %q", rec.Header().Get("Access-Control-Allow-Methods"))
	}
}

// queryCorpus seeds the query fuzz targets: separators, repeats, escapes,
// cache-busters.
var queryCorpus = []string{
	"indicator=egov.egdi&unit=KEN;UGA&date=2024", "unit=KEN,UGA&unit=LDC", "year=&year=2022", "unit=%3B%2C&x=%zz",
	"format=csv&page=2&per_page=1", "_=1&utm_source=x&indicator=egov.egdi", "unit=+KEN+&date=+2024", "=&&=", "unit;x=1",
	"indicator=itu.internet_use&sex=F;M;;&mrnev=1", "node=OSI&year=2024&level=1", "unit=KEN&against=LDC;WLD",
}

// FuzzQueryCanonical: a request and its canonical form give the same body.
// The canonical form is what the ETag and the cache key are built from, so
// two queries that share it must get the same answer, and a query must not
// get another's.
func FuzzQueryCanonical(f *testing.F) {
	srv := testServer(f)
	h := srv.Handler()
	fresh := api.New(api.Config{RatePerSecond: -1, CacheBytes: -1}, holding(testDataset(f))).Handler()
	routes := []string{"/v1/data", "/v1/units", "/v1/scores/egdi", "/v1/gender", "/v1/compare", "/v1/indicators"}
	for i, seed := range queryCorpus {
		f.Add(uint8(i), seed)
	}
	f.Fuzz(func(t *testing.T, which uint8, query string) {
		path := routes[int(which)%len(routes)]
		canonical, ok := srv.CanonicalQuery(path, query)
		if !ok {
			return
		}
		a := serveRaw(h, path, query)
		if a == nil || a.Code != http.StatusOK {
			return
		}
		b := serveRaw(fresh, path, canonical)
		if b == nil || a.Code != b.Code || !bytes.Equal(a.Body.Bytes(), b.Body.Bytes()) || a.Header().Get("ETag") != b.Header().Get("ETag") {
			t.Fatalf("GET %s?%s and its canonical form %s differ", path, query, canonical)
		}
	})
}

func holding(ds *api.Dataset) *api.Holder {
	var h api.Holder
	h.Set(ds)
	return &h
}

// serveRaw serves a raw query string as sent (nil if it is not a valid
// request line).
func serveRaw(h http.Handler, path, rawQuery string) *httptest.ResponseRecorder {
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, "http://x"+path, nil)
	if err != nil {
		return nil
	}
	req.URL.RawQuery = rawQuery
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// BenchmarkCachedQuery: the query of BenchmarkParseQuery served from the
// response cache through the whole handler (middleware, parse, ETag, cache
// hit), to put the parser's cost in scale.
func BenchmarkCachedQuery(b *testing.B) {
	h := testServer(b).Handler()
	const target = "/v1/data?indicator=itu.internet_use&unit=KEN;UGA;TZA;LDC&sex=F,M&date=2015:2024&per_page=500&format=csv&_=1733500000000"
	get(b, h, target)
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
		if rec.Code != http.StatusOK {
			b.Fatalf("GET %s: %d", target, rec.Code)
		}
	}
}
