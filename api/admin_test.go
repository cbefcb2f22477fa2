package api_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dri-engine/dri/api"
	"github.com/dri-engine/dri/api/service"
	"github.com/dri-engine/dri/pipeline"
	"github.com/dri-engine/dri/pipeline/snapshot"
)

const token = "s3cret-admin-token-0123456789"

// adminServer serves a fresh state directory with admin routes on.
func adminServer(t testing.TB) (http.Handler, *service.Service) {
	t.Helper()
	st, err := snapshot.OpenState(t.TempDir())
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
	// The two candidates are timed in alternation, so that a busy machine
	// slows both alike, and a measurement is repeated up to three times: an
	// early-exit comparison differs every time, a noisy neighbour does not.
	batch := func(candidate string) time.Duration {
		start := time.Now()
		for j := 0; j < 200; j++ {
			if s.CheckToken(candidate) {
				t.Fatal("a wrong token was accepted")
			}
		}
		return time.Since(start)
	}
	medians := func() (nearT, farT time.Duration) {
		const runs = 301
		a, b := make([]time.Duration, runs), make([]time.Duration, runs)
		for i := range a {
			a[i], b[i] = batch(near), batch(far)
		}
		slices.Sort(a)
		slices.Sort(b)
		return a[runs/2], b[runs/2]
	}
	batch(far) // warm up
	var a, b time.Duration
	ratio := 0.0
	for attempt := 0; attempt < 3; attempt++ {
		a, b = medians()
		if ratio = float64(a) / float64(b); ratio >= 0.75 && ratio <= 1.25 {
			break
		}
	}
	if ratio < 0.75 || ratio > 1.25 {
		t.Errorf("median check time: near-prefix %v, unrelated %v (ratio %.2f), want within 25%%", a, b, ratio)
	}
	if !s.CheckToken(token) {
		t.Error("the valid token was refused")
	}
}

type nopAdmin struct{}

func (nopAdmin) Upload(context.Context, api.Upload) (*api.AdminOutcome, error) {
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
// handler: no panic, no 5xx, and only 201, 400, 409 (would remove data),
// 413 or 422.
func FuzzUpload(f *testing.F) {
	h, _ := adminServer(f)
	f.Add(goodEntry, "ken.csv", goodCSV)
	f.Add(`{"id":"w","adapter":"wide","publisher":"p","vintage":"v","licence":"l","options":{"imeta":"x.csv"}}`, "d.csv", "uCode,A\nKEN,1\n")
	f.Add(`{"id":"e","adapter":"egov","publisher":"p","vintage":"v","licence":"l","options":{"unit_column":"C"}}`, "e.csv", "C\nKenya\n")
	f.Add(`{"id":"p","adapter":"long","publisher":"p","vintage":"v","licence":"l"}`, "p.parquet", "PAR1garbage")
	f.Fuzz(func(t *testing.T, entry, filename, content string) {
		rec := upload(t, h, "Bearer "+token, entry, filename, content)
		switch rec.Code {
		case 201, 400, 409, 413, 422:
		default:
			t.Fatalf("upload %q %q: %d %s", entry, filename, rec.Code, rec.Body)
		}
	})
}

// uploadTo is upload with a target URL (query) and extra multipart fields.
func uploadTo(t testing.TB, h http.Handler, target string, fields map[string]string, entry, filename, content string) *httptest.ResponseRecorder {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("entry", entry)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", filename)
	io.WriteString(fw, content)
	mw.Close()
	req := httptest.NewRequest(http.MethodPost, target, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// sourceRows counts the served observations that came from a source.
func sourceRows(ds *api.Dataset, source string) int {
	n := 0
	for i := 0; i < ds.Store.Len(); i++ {
		if ds.Store.Source(i) == source {
			n++
		}
	}
	return n
}

// TestUploadRefusesDestructive (issue 12 item 10): a header-only un-members
// reference and a one-row egov-2024 were accepted with 201 and broke the
// scores; now they are 409 saying what would be removed, nothing changes,
// and replace=true (query, multipart field or entry) applies them with a
// summary of what changed.
func TestUploadRefusesDestructive(t *testing.T) {
	h, svc := adminServer(t)
	first := svc.Holder.Current()
	egovBefore := sourceRows(first, "egov-2024")
	if egovBefore < 100 {
		t.Fatalf("egov-2024 has %d rows in the embedded data; the test needs the Survey 2024 (193 countries x 6 indicators)", egovBefore)
	}
	members := `{"id":"un-members","adapter":"un-members","publisher":"p","vintage":"v","licence":"l"}`
	egov := `{"id":"egov-2024","adapter":"long","publisher":"p","vintage":"v","licence":"l"}`
	const egovRow = "unit,year,indicator,value\nKEN,2024,egov.egdi,0.7\n"
	for _, tc := range []struct {
		name, entry, file, content string
		want                       []string
	}{
		{"header-only un-members", members, "members.csv", "iso3,name\n",
			[]string{"reference table un-members would be emptied (193 rows now)"}},
		{"one-row egov-2024", egov, "egov.csv", egovRow,
			// Every egov-2024 row but KEN's EGDI (replaced) would go.
			[]string{fmt.Sprintf("source egov-2024 would lose %d of its %d observations", egovBefore-1, egovBefore)}},
	} {
		rec := upload(t, h, "Bearer "+token, tc.entry, tc.file, tc.content)
		var p api.Problem
		json.Unmarshal(rec.Body.Bytes(), &p)
		if rec.Code != http.StatusConflict || p.Code != api.CodeWouldRemoveData || p.Changes == nil {
			t.Fatalf("%s: %d %s, want 409 would_remove_data with changes", tc.name, rec.Code, rec.Body)
		}
		for _, w := range tc.want {
			if !strings.Contains(p.Detail, w) {
				t.Errorf("%s: detail %q does not say %q", tc.name, p.Detail, w)
			}
		}
		if svc.Holder.Current() != first {
			t.Fatalf("%s: a refused upload changed the data", tc.name)
		}
	}
	entries, _ := os.ReadDir(filepath.Join(svc.State.Dir, snapshot.StateUploads))
	if len(entries) != 0 {
		t.Errorf("refused uploads left %d stored files", len(entries))
	}

	// replace=true in the query applies it; the 201 says what changed.
	rec := uploadTo(t, h, "/v1/admin/sources?replace=true", nil, egov, "egov.csv", egovRow)
	if rec.Code != http.StatusCreated {
		t.Fatalf("replace=true: %d %s", rec.Code, rec.Body)
	}
	var out struct {
		Meta struct {
			Snapshot string `json:"snapshot"`
		} `json:"meta"`
		Data api.AdminOutcome `json:"data"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	c := out.Data.Changes
	if out.Meta.Snapshot != out.Data.Snapshot || out.Meta.Snapshot != svc.Holder.Current().ID {
		t.Errorf("meta.snapshot %s, data.snapshot %s, serving %s: all must be the new snapshot", out.Meta.Snapshot, out.Data.Snapshot, svc.Holder.Current().ID)
	}
	if c == nil || c.Removed != egovBefore-1 || c.Added != 0 || c.Changed != 1 {
		t.Fatalf("changes %+v, want %d removed, 0 added, 1 changed (KEN's EGDI now from the upload)", c, egovBefore-1)
	}
	byIndicator := map[string]snapshot.IndicatorChange{}
	for _, ic := range c.Indicators {
		byIndicator[ic.Indicator] = ic
	}
	if ic := byIndicator["egov.egdi"]; ic.Changed != 1 || ic.Removed == 0 {
		t.Errorf("egov.egdi changes %+v, want 1 changed and the other countries removed", ic)
	}
	if c.UnitsAffected < 190 {
		t.Errorf("%d units affected, want every country of the Survey 2024", c.UnitsAffected)
	}

	// A multipart field and the entry's "replace" work too; an additive
	// upload needs neither and says what it added.
	for name, send := range map[string]func() *httptest.ResponseRecorder{
		"multipart field": func() *httptest.ResponseRecorder {
			return uploadTo(t, h, "/v1/admin/sources", map[string]string{"replace": "true"}, members, "members.csv", "iso3,name\nKEN,Kenya\n")
		},
		"entry": func() *httptest.ResponseRecorder {
			return uploadTo(t, h, "/v1/admin/sources", nil, strings.TrimSuffix(members, "}")+`,"replace":true}`, "members.csv", "iso3,name\nKEN,Kenya\nUGA,Uganda\n")
		},
	} {
		if rec := send(); rec.Code != http.StatusCreated {
			t.Errorf("replace by %s: %d %s", name, rec.Code, rec.Body)
		}
	}
	rec = upload(t, h, "Bearer "+token, goodEntry, "ken.csv", goodCSV)
	out.Data = api.AdminOutcome{}
	json.Unmarshal(rec.Body.Bytes(), &out)
	if c := out.Data.Changes; rec.Code != http.StatusCreated || c == nil || c.Added != 1 || c.Removed != 0 ||
		len(c.Indicators) != 1 || c.Indicators[0].Indicator != "itu.internet_use" || strings.Join(c.Units, ",") != "KEN" {
		t.Errorf("additive upload: %d %+v, want 201 adding one itu.internet_use row for KEN", rec.Code, out.Data.Changes)
	}
	if rec := uploadTo(t, h, "/v1/admin/sources?replace=yes", nil, goodEntry, "ken.csv", goodCSV); rec.Code != http.StatusBadRequest {
		t.Errorf("replace=yes: %d, want 400", rec.Code)
	}

	// Bouvet Island (BVT, in M49, no UN member, no shipped data) is
	// published once an upload gives it a value; replacing that upload with
	// one without it would drop the unit.
	bvt := `{"id":"bvt","adapter":"long","publisher":"p","vintage":"v","licence":"l"}`
	if rec := upload(t, h, "Bearer "+token, bvt, "bvt.csv", "unit,year,indicator,value\nBVT,2025,itu.internet_use,1\n"); rec.Code != http.StatusCreated {
		t.Fatalf("BVT upload: %d %s", rec.Code, rec.Body)
	}
	rec = upload(t, h, "Bearer "+token, bvt, "bvt.csv", "unit,year,indicator,value\nKEN,2024,itu.internet_use,40\n")
	if !strings.Contains(rec.Body.String(), "units that would no longer be published (1): BVT") || rec.Code != http.StatusConflict {
		t.Errorf("dropping BVT: %d %s, want 409 naming BVT", rec.Code, rec.Body)
	}
}

// TestAdminHTTPDetails (issue 12 item 15): a 401 carries the Bearer
// challenge; a chunked body over the limit (no Content-Length to check
// first) is 413, and a body that stops arriving is 408, not 422 or 400.
func TestAdminHTTPDetails(t *testing.T) {
	h, _ := adminServer(t)
	rec := upload(t, h, "", goodEntry, "ken.csv", goodCSV)
	if got := rec.Header().Get("WWW-Authenticate"); rec.Code != http.StatusUnauthorized || got != `Bearer realm="dri"` {
		t.Errorf("no token: %d, WWW-Authenticate %q", rec.Code, got)
	}
	rec = upload(t, h, "Bearer not-the-token-0000000000", goodEntry, "ken.csv", goodCSV)
	if got := rec.Header().Get("WWW-Authenticate"); !strings.HasPrefix(got, `Bearer realm="dri"`) {
		t.Errorf("wrong token: WWW-Authenticate %q", got)
	}

	ts := httptest.NewUnstartedServer(h)
	ts.Config.ReadTimeout = time.Second
	ts.Start()
	defer ts.Close()

	// 2 MiB in a chunked body; adminServer allows 1 MiB.
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("entry", goodEntry)
	fw, _ := mw.CreateFormFile("file", "big.csv")
	io.WriteString(fw, "unit,year,indicator,value\n"+strings.Repeat("KEN,2025,itu.internet_use,55.5\n", (2<<20)/31))
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/v1/admin/sources", io.MultiReader(&body)) // unknown length: chunked
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("chunked body over the limit: %d, want 413", resp.StatusCode)
	}

	// A body announced as 10 000 bytes of which 100 arrive, then nothing
	// for longer than the read timeout (1 s).
	conn, err := net.Dial("tcp", ts.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /v1/admin/sources HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"+
		"Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 10000\r\n\r\n--b\r\n", token)
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err = http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestTimeout {
		t.Errorf("slow body: %d, want 408", resp.StatusCode)
	}
}

// TestUploadNamesAndLimits (issue 12 items 8, 12, 13): a client file name
// with a 300-character extension was a 500 (ENAMETOOLONG); a 60 MB NUL-byte
// upload answered a 300 MB 422; problems and /v1/snapshot showed the
// absolute state path. Now: 422 naming the allowed extensions, a bounded
// 422 (the first problems of each rule and every rule's count), relative
// names only.
func TestUploadNamesAndLimits(t *testing.T) {
	h, svc := adminServer(t)
	rec := upload(t, h, "Bearer "+token, goodEntry, "ken."+strings.Repeat("x", 300), goodCSV)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "is not one DRI reads") || rec.Body.Len() > 2000 {
		t.Errorf("300-character extension: %d %s, want a short 422", rec.Code, rec.Body)
	}
	// 900 KB of NUL bytes (under adminServer's 1 MiB limit).
	rec = upload(t, h, "Bearer "+token, goodEntry, "nul.csv", strings.Repeat("\x00", 900<<10))
	if rec.Code != http.StatusUnprocessableEntity || rec.Body.Len() > 64<<10 {
		t.Errorf("NUL-byte upload: %d with a %d-byte body, want 422 under 64 KiB", rec.Code, rec.Body.Len())
	}
	// 3000 rows with an unknown unit: 20 listed, 3000 counted.
	bad := "unit,year,indicator,value\n" + strings.Repeat("XYZ,2025,itu.internet_use,55.5\n", 3000)
	rec = upload(t, h, "Bearer "+token, goodEntry, "bad.csv", bad)
	var p api.Problem
	json.Unmarshal(rec.Body.Bytes(), &p)
	if rec.Code != http.StatusUnprocessableEntity || len(p.Errors) != pipeline.MaxListedPerRule || p.Counts["unknown-unit"] != 3000 {
		t.Errorf("3000 bad rows: %d, %d listed, counts %v; want 422, %d listed, unknown-unit 3000", rec.Code, len(p.Errors), p.Counts, pipeline.MaxListedPerRule)
	}
	if !strings.Contains(p.Errors[0].Message, "bad.csv:2:") {
		t.Errorf("first problem %q does not name the client's file", p.Errors[0].Message)
	}
	if rec := upload(t, h, "Bearer "+token, goodEntry, "ken.csv", goodCSV); rec.Code != http.StatusCreated {
		t.Fatalf("good upload: %d %s", rec.Code, rec.Body)
	}
	rec = get(t, h, "/v1/snapshot")
	var snap struct {
		Meta struct {
			Uploads []struct {
				File, Status string
			} `json:"uploads"`
		} `json:"meta"`
	}
	json.Unmarshal(rec.Body.Bytes(), &snap)
	if strings.Contains(rec.Body.String(), svc.State.Dir) {
		t.Errorf("/v1/snapshot shows the state path %s", svc.State.Dir)
	}
	if u := snap.Meta.Uploads; len(u) != 1 || !strings.HasPrefix(u[0].File, "uploads/") || u[0].Status != "served" {
		t.Errorf("/v1/snapshot uploads %+v, want one served uploads/<sha256>.csv", u)
	}
	if rec := get(t, h, "/v1/snapshot?format=csv"); strings.Contains(rec.Body.String(), svc.State.Dir) || !strings.Contains(rec.Body.String(), `,"uploads/`) {
		t.Errorf("/v1/snapshot CSV:\n%s", rec.Body)
	}
}

// storageFull fails every upload as a full disk does.
type storageFull struct{ nopAdmin }

func (storageFull) Upload(context.Context, api.Upload) (*api.AdminOutcome, error) {
	return nil, fmt.Errorf("pipeline: upload: %w", &os.PathError{Op: "write", Path: "uploads/.tmp-upload-1", Err: syscall.ENOSPC})
}

// TestUploadDiskFull (issue 12 item 12): a full disk was a bare 500; it is
// 507 with a problem body.
func TestUploadDiskFull(t *testing.T) {
	var hold api.Holder
	hold.Set(testDataset(t))
	h := api.New(api.Config{RatePerSecond: -1, AdminTokens: []string{token}, Admin: storageFull{}}, &hold).Handler()
	rec := upload(t, h, "Bearer "+token, goodEntry, "ken.csv", goodCSV)
	var p api.Problem
	json.Unmarshal(rec.Body.Bytes(), &p)
	if rec.Code != http.StatusInsufficientStorage || p.Code != api.CodeInsufficientDisk || rec.Header().Get("Content-Type") != "application/problem+json" {
		t.Errorf("disk full: %d %s, want 507 insufficient_storage", rec.Code, rec.Body)
	}
}
