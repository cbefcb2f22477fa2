package web_test

import (
	"cmp"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/dri-engine/dri/api"
	"github.com/dri-engine/dri/datasets"
	"github.com/dri-engine/dri/indicators/engine"
	"github.com/dri-engine/dri/pipeline"
	"github.com/dri-engine/dri/pipeline/snapshot"
	"github.com/dri-engine/dri/web"
)

// chromium is Debian's Chromium; DRI_CHROMIUM names another binary.
const chromium = "/usr/bin/chromium"

// TestBrowserDashboard drives the built dashboard in headless Chromium
// against the real API on the embedded data: it picks Kenya, checks the
// profile's score, rank and stage against GET /v1/scores/compass/KEN, the
// comparison table's LDC and world rows and every view's CSV download, and
// saves a full-page PNG of each view to $DRI_ARTIFACTS (default a temporary
// directory). It fails on any console error, uncaught exception or
// Content-Security-Policy violation.
//
// Without Chromium or without built assets (make web) it skips, unless
// DRI_REQUIRE_BROWSER is set (as in CI): then it fails.
func TestBrowserDashboard(t *testing.T) {
	exe := cmp.Or(os.Getenv("DRI_CHROMIUM"), chromium)
	if _, err := os.Stat(exe); err != nil {
		skipOrFail(t, fmt.Sprintf("no Chromium at %s (apt-get install chromium, or set DRI_CHROMIUM)", exe))
	}
	if !web.Built() {
		skipOrFail(t, "web/dist holds only the placeholder page: run `make web` to build the dashboard")
	}
	artifacts := os.Getenv("DRI_ARTIFACTS")
	if artifacts == "" {
		artifacts = t.TempDir()
	}
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}
	base := startServer(t)

	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1366, 900),
	)
	defer cancelAlloc()
	ctx, cancelTab := chromedp.NewContext(allocCtx)
	defer cancelTab()
	ctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()

	// Collect the console from the first action on; read it at the end.
	var (
		mu       sync.Mutex
		problems []string
	)
	const endMark = "dri-browser-test: end of the console"
	console := chromedp.Console(ctx)
	consoleDone := make(chan struct{})
	go func() {
		defer close(consoleDone)
		for m, err := range console {
			if err != nil || m.Text == endMark {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				mu.Lock()
				problems = append(problems, m.String())
				mu.Unlock()
			} else if m.Type == chromedp.ConsoleWarning {
				t.Logf("browser console: %s", m)
			}
		}
	}()

	// Charts are drawn without animation, so screenshots show the final state.
	do(t, ctx, "emulate reduced motion", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}},
		})
		return err
	}))
	do(t, ctx, "open the dashboard", chromedp.Navigate(base+"/"))
	waitFor(t, ctx, `body[data-ready="true"]`)

	// The world map.
	waitView(t, ctx, "map", `[data-testid="map"][data-rendered="true"]`)
	if n := count(t, ctx, `[data-testid="map-table"] tbody tr`); n < 150 {
		t.Errorf("map table has %d countries, want at least 150", n)
	}
	if text := evaluate[string](t, ctx, `document.querySelector('[data-testid="map-fallback"]')?.textContent ?? ""`); !strings.Contains(text, "Tuvalu") {
		t.Errorf("the table of countries the map cannot draw does not list Tuvalu (no shape in Natural Earth 1:50m): %q", text)
	}
	screenshot(t, ctx, artifacts, "map")

	// Keyboard: ArrowRight on the tab list moves to the next view.
	do(t, ctx, "focus the map tab", chromedp.Focus(chromedp.CSS(`[data-testid="tab-map"]`)))
	do(t, ctx, "press ArrowRight", chromedp.KeyEvent(kb.ArrowRight))
	waitFor(t, ctx, `[data-testid="tab-profile"][aria-selected="true"]`)
	if focused := evaluate[string](t, ctx, `document.activeElement?.dataset.testid ?? ""`); focused != "tab-profile" {
		t.Errorf("after ArrowRight the focus is on %q, want tab-profile", focused)
	}

	// Choose Kenya in the country list, as a user would (the change event).
	do(t, ctx, "choose Kenya",
		chromedp.SetValue(chromedp.CSS(`[data-testid="unit-select"]`), "KEN"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-testid="unit-select"]').dispatchEvent(new Event("change", {bubbles: true}))`),
	)
	waitView(t, ctx, "profile", `#view-profile[data-unit="KEN"]`,
		`[data-testid="profile-trend"][data-rendered="true"]`, `[data-testid="comparison-chart"][data-rendered="true"]`)

	type shownProfile struct {
		Score      string   `json:"score"`
		ScoreTitle string   `json:"scoreTitle"`
		Rank       string   `json:"rank"`
		Tier       string   `json:"tier"`
		Interval   string   `json:"interval"`
		Groups     []string `json:"groups"`
	}
	shown := evaluate[shownProfile](t, ctx, `(() => {
		const q = (s) => document.querySelector(s);
		return {
			score: q('[data-testid="profile-score"]').textContent.trim(),
			scoreTitle: q('[data-testid="profile-score"]').title,
			rank: q('[data-testid="profile-rank"]').textContent.trim(),
			tier: q('[data-testid="profile-tier"]').textContent.trim(),
			interval: q('[data-testid="profile-rank-interval"]').textContent.trim(),
			groups: [...document.querySelectorAll('[data-testid="comparison-table"] tbody tr')].map((r) => r.dataset.group),
		};
	})()`)

	var profile struct {
		Data struct {
			Nodes []struct {
				Code   string   `json:"code"`
				Parent string   `json:"parent"`
				Value  *float64 `json:"value"`
				Rank   *int     `json:"rank"`
				Of     int      `json:"of"`
				Tier   string   `json:"tier"`
			} `json:"nodes"`
		} `json:"data"`
	}
	getJSON(t, base+"/v1/scores/compass/KEN", &profile)
	if len(profile.Data.Nodes) == 0 || profile.Data.Nodes[0].Parent != "" || profile.Data.Nodes[0].Value == nil || profile.Data.Nodes[0].Rank == nil {
		t.Fatalf("GET /v1/scores/compass/KEN: no scored index node first: %+v", profile.Data.Nodes)
	}
	index := profile.Data.Nodes[0]
	if want := strconv.FormatFloat(*index.Value, 'f', 2, 64); shown.Score != want {
		t.Errorf("profile score shows %q, want %q (the API's %v to 2 decimals)", shown.Score, want, *index.Value)
	}
	if got, err := strconv.ParseFloat(shown.ScoreTitle, 64); err != nil || got != *index.Value {
		t.Errorf("profile score title = %q, want the API's full value %v", shown.ScoreTitle, *index.Value)
	}
	if want := fmt.Sprintf("%d of %d", *index.Rank, index.Of); shown.Rank != want {
		t.Errorf("profile rank shows %q, want %q", shown.Rank, want)
	}
	if shown.Tier != index.Tier {
		t.Errorf("profile stage shows %q, want %q", shown.Tier, index.Tier)
	}
	// The rank interval is GET /v1/sensitivity's 5th-95th percentile ranks.
	var ua struct {
		Data []struct {
			P5   float64 `json:"p5_rank"`
			P95  float64 `json:"p95_rank"`
			Runs int     `json:"runs"`
		} `json:"data"`
	}
	getJSON(t, base+"/v1/sensitivity/compass?unit=KEN&runs=1000", &ua)
	if len(ua.Data) != 1 {
		t.Fatalf("GET /v1/sensitivity/compass?unit=KEN: %d rows", len(ua.Data))
	}
	if want := fmt.Sprintf("Rank %v to %v in 90 %% of %d runs", math.Round(ua.Data[0].P5), math.Round(ua.Data[0].P95), ua.Data[0].Runs); !strings.HasPrefix(shown.Interval, want) &&
		!strings.HasPrefix(shown.Interval, fmt.Sprintf("Rank %v in 90 %%", math.Round(ua.Data[0].P5))) {
		t.Errorf("profile rank interval shows %q, want it to start %q", shown.Interval, want)
	}
	for _, g := range []string{"LDC", "WLD"} {
		if !slices.Contains(shown.Groups, g) {
			t.Errorf("comparison table has no %s rows (groups shown: %v)", g, shown.Groups)
		}
	}

	// The profile's CSV is the same request with format=csv: the nodes table.
	header, rows := downloadCSV(t, ctx, "download-profile")
	for _, col := range []string{"node", "value", "rank", "tier"} {
		if !slices.Contains(header, col) {
			t.Errorf("profile CSV header %v has no column %q", header, col)
		}
	}
	if len(rows) != len(profile.Data.Nodes) {
		t.Errorf("profile CSV has %d rows, want %d (one per node)", len(rows), len(profile.Data.Nodes))
	} else if got, err := strconv.ParseFloat(rows[0][slices.Index(header, "value")], 64); err != nil || got != *index.Value {
		t.Errorf("profile CSV first value = %q, want %v", rows[0][slices.Index(header, "value")], *index.Value)
	}
	header, _ = downloadCSV(t, ctx, "download-comparison")
	for _, col := range []string{"unit", "node", "group", "group_value"} {
		if !slices.Contains(header, col) {
			t.Errorf("comparison CSV header %v has no column %q", header, col)
		}
	}
	do(t, ctx, "expand the tree", chromedp.Click(chromedp.CSS(`[data-testid="profile-expand-all"]`)))
	if n := count(t, ctx, `[data-testid="profile-tree"] tbody tr:not([hidden])`); n != len(profile.Data.Nodes) {
		t.Errorf("expanded tree shows %d rows, want %d", n, len(profile.Data.Nodes))
	}
	// UNDP's own published Compass scores next to DRI's: Kenya's Economy was published as 1.94
	// (datasets/sources/ddc/ddc_indicator_scores_ui-database-raw_2024-02-29.csv line 630).
	econ := evaluate[[]string](t, ctx, `[...document.querySelectorAll('[data-testid="profile-published-table"] tr[data-node="ECONOMY"] td')].map((td) => td.textContent)`)
	if len(econ) < 6 || econ[2] != "1.94" || econ[4] != "ddc.economy" {
		t.Errorf("profile published table, Economy row = %q, want UNDP's 1.94 (ddc.economy)", econ)
	}
	if about := evaluate[string](t, ctx, `document.querySelector('[data-testid="framework-about"]').textContent`); !strings.Contains(about, "Departures from the original") || !strings.Contains(about, "Stand-ins") {
		t.Errorf("profile's framework description = %q, want the departures and stand-ins", about)
	}
	screenshot(t, ctx, artifacts, "profile")

	// LDCs against the world.
	do(t, ctx, "open the LDC view", chromedp.Click(chromedp.CSS(`[data-testid="tab-ldc"]`)))
	waitView(t, ctx, "ldc", `[data-testid="ldc-chart"][data-rendered="true"]`)
	if n := count(t, ctx, `[data-testid="ldc-table"] tbody tr`); n < 2 {
		t.Errorf("LDC table has %d rows, want the index and its pillars", n)
	}
	// The index row: LDC mean, world mean and how many LDCs and UN members have a score, "N of M"
	// as the API's group rule counts them for the year shown (the LDC list of that year: 45
	// members in 2024, Sao Tome and Principe graduating at its end; 44 after), not today's list.
	coverage := evaluate[[]string](t, ctx, `[...document.querySelectorAll('[data-testid="ldc-table"] tbody tr:first-child td')].map((td) => td.textContent)`)
	ldcYear := evaluate[string](t, ctx, `document.querySelector('#view-ldc').dataset.year`)
	var groupRows struct {
		Data []struct {
			Unit    string `json:"unit"`
			Node    string `json:"node"`
			N       int    `json:"members_with_data"`
			Members int    `json:"members"`
		} `json:"data"`
	}
	getJSON(t, base+"/v1/scores/compass?node=DRI&unit=LDC,WLD&year="+ldcYear, &groupRows)
	want := map[string]string{}
	for _, r := range groupRows.Data {
		want[r.Unit] = fmt.Sprintf("%d of %d", r.N, r.Members)
	}
	if len(coverage) < 6 || coverage[4] != want["LDC"] || coverage[5] != want["WLD"] || !regexp.MustCompile(`^[1-9]\d* of 193$`).MatchString(coverage[5]) {
		t.Errorf("LDC table index row (%s) = %q, want LDCs %q and UN members %q (GET /v1/scores/compass?node=DRI&unit=LDC,WLD)", ldcYear, coverage, want["LDC"], want["WLD"])
	}
	// 2024: the dated LDC list has 45 members (Sao Tome and Principe graduated on 13 December
	// 2024, datasets/reference/ldc-membership.csv), and the view says so, as the API does.
	before := evaluate[string](t, ctx, `location.hash`)
	q := evaluate[string](t, ctx, `(() => { const q = new URLSearchParams(location.hash.slice(1)); q.set("year", "2024"); return "#" + q; })()`)
	evaluate[string](t, ctx, fmt.Sprintf(`location.hash = %q`, q))
	waitView(t, ctx, "ldc", `#view-ldc[data-year="2024"] [data-testid="ldc-chart"][data-rendered="true"]`)
	coverage = evaluate[[]string](t, ctx, `[...document.querySelectorAll('[data-testid="ldc-table"] tbody tr:first-child td')].map((td) => td.textContent)`)
	if len(coverage) < 6 || !regexp.MustCompile(`^[1-9]\d* of 45$`).MatchString(coverage[4]) {
		t.Errorf("LDC table index row (2024) = %q, want LDCs with data \"N of 45\" (the 2024 list)", coverage)
	}
	evaluate[string](t, ctx, fmt.Sprintf(`location.hash = %q`, before))
	waitView(t, ctx, "ldc", fmt.Sprintf(`#view-ldc[data-year=%q] [data-testid="ldc-chart"][data-rendered="true"]`, ldcYear))
	downloadCSV(t, ctx, "download-ldc")
	downloadCSV(t, ctx, "download-ldc-means")
	screenshot(t, ctx, artifacts, "ldc")

	// Gender gaps: Kenya with the default LDC and WLD.
	do(t, ctx, "open the gender view", chromedp.Click(chromedp.CSS(`[data-testid="tab-gender"]`)))
	waitView(t, ctx, "gender", `[data-testid="gender-chart"][data-rendered="true"]`)
	for _, u := range []string{"KEN", "LDC", "WLD"} {
		if n := count(t, ctx, fmt.Sprintf(`[data-testid="gender-table"] tr[data-unit=%q]`, u)); n == 0 {
			t.Errorf("gender table has no rows for %s", u)
		}
	}
	header, _ = downloadCSV(t, ctx, "download-gender")
	if !slices.Contains(header, "parity_score") {
		t.Errorf("gender CSV header %v has no parity_score", header)
	}
	screenshot(t, ctx, artifacts, "gender")

	// The indicator explorer, by sex.
	do(t, ctx, "open the explorer", chromedp.Click(chromedp.CSS(`[data-testid="tab-explorer"]`)))
	waitView(t, ctx, "explorer", `[data-testid="explorer-chart"][data-rendered="true"]`)
	screenshot(t, ctx, artifacts, "explorer")
	do(t, ctx, "split by sex",
		chromedp.SetValue(chromedp.CSS(`[data-testid="explorer-sex"]`), "bysex"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-testid="explorer-sex"]').dispatchEvent(new Event("change", {bubbles: true}))`),
	)
	waitView(t, ctx, "explorer", `[data-testid="explorer-chart"][data-rendered="true"]`)
	header, rows = downloadCSV(t, ctx, "download-explorer")
	if i := slices.Index(header, "sex"); i < 0 || len(rows) == 0 || !slices.ContainsFunc(rows, func(r []string) bool { return r[i] == "F" }) {
		t.Errorf("explorer CSV by sex has no rows for women (header %v, %d rows)", header, len(rows))
	}
	screenshot(t, ctx, artifacts, "explorer-by-sex")

	// The profile on a phone.
	do(t, ctx, "phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)))
	do(t, ctx, "open the profile", chromedp.Click(chromedp.CSS(`[data-testid="tab-profile"]`)))
	waitView(t, ctx, "profile", `#view-profile[data-unit="KEN"]`, `[data-testid="comparison-chart"][data-rendered="true"]`)
	screenshot(t, ctx, artifacts, "profile-phone")
	if w := evaluate[float64](t, ctx, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("on a 390 px wide phone the profile is %v px wide: something does not wrap", w)
	}
	do(t, ctx, "open the map", chromedp.Click(chromedp.CSS(`[data-testid="tab-map"]`)))
	waitView(t, ctx, "map", `[data-testid="map"][data-rendered="true"]`)
	screenshot(t, ctx, artifacts, "map-phone")
	if w := evaluate[float64](t, ctx, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("on a 390 px wide phone the map view is %v px wide: something does not wrap", w)
	}

	// Every framework draws in the scoring views (scales 0-1, 0-5 and 0-100; stages, quartiles, parity).
	do(t, ctx, "desktop viewport", chromedp.EmulateViewport(1366, 900))
	var frameworks struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	getJSON(t, base+"/v1/frameworks", &frameworks)
	for _, fw := range frameworks.Data {
		do(t, ctx, "choose framework "+fw.ID,
			chromedp.SetValue(chromedp.CSS(`[data-testid="framework-select"]`), fw.ID),
			chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-testid="framework-select"]').dispatchEvent(new Event("change", {bubbles: true}))`),
		)
		for _, view := range []string{"map", "profile", "ldc"} {
			do(t, ctx, "open "+view, chromedp.Click(chromedp.CSS(fmt.Sprintf(`[data-testid="tab-%s"]`, view))))
			waitView(t, ctx, view, fmt.Sprintf(`#view-%s[data-framework=%q]`, view, fw.ID))
			js := fmt.Sprintf(`document.querySelectorAll('#view-%s .chart[data-rendered="false"]').length === 0`, view)
			if _, err := chromedp.Run(ctx, chromedp.Poll[bool](js, chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
				t.Fatalf("%s view of %s: charts not drawn: %v", view, fw.ID, err)
			}
		}
	}

	// The console is one ordered stream: once the mark arrives, every earlier message has been read.
	do(t, ctx, "mark the end of the console", chromedp.Evaluate[chromedp.Void](fmt.Sprintf("console.info(%q)", endMark)))
	select {
	case <-consoleDone:
	case <-ctx.Done():
		t.Errorf("the console never showed the end mark: %v", ctx.Err())
	}
	mu.Lock()
	defer mu.Unlock()
	for _, p := range problems {
		t.Errorf("browser console: %s", p)
	}
}

func skipOrFail(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("DRI_REQUIRE_BROWSER") != "" {
		t.Fatalf("%s; DRI_REQUIRE_BROWSER is set, so this is a failure", why)
	}
	t.Skip(why)
}

// startServer serves the API and the dashboard over the embedded data, as
// `dri serve` does, on a random port of 127.0.0.1.
func startServer(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	res, err := pipeline.Load(ctx, pipeline.Options{Base: datasets.FS})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(res.Release)
	store, err := pipeline.NewStore(res.Observations)
	if err != nil {
		t.Fatal(err)
	}
	eng, err := engine.New(store, res.Reference, res.Registry, datasets.Frameworks)
	if err != nil {
		t.Fatal(err)
	}
	m, err := snapshot.ComputeManifest(res, nil)
	if err != nil {
		t.Fatal(err)
	}
	ds := &api.Dataset{ID: m.ID, Created: m.Created, Manifest: m, Result: res, Store: store,
		Reference: res.Reference, Registry: res.Registry, Scores: eng}
	var h api.Holder
	h.Set(ds)
	srv := httptest.NewServer(api.New(api.Config{UI: web.Handler()}, &h).Handler())
	t.Cleanup(srv.Close)
	return srv.URL
}

func do(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func evaluate[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

func waitFor(t *testing.T, ctx context.Context, selectors ...string) {
	t.Helper()
	for _, s := range selectors {
		if err := chromedp.Do(ctx, chromedp.WaitReady(chromedp.CSS(s))); err != nil {
			t.Fatalf("waiting for %s: %v", s, err)
		}
	}
}

// waitView waits until a view is shown, has finished loading without an
// error, and matches the extra selectors.
func waitView(t *testing.T, ctx context.Context, view string, extra ...string) {
	t.Helper()
	waitFor(t, ctx, append([]string{fmt.Sprintf(`#view-%s:not([hidden])[aria-busy="false"]`, view)}, extra...)...)
	if msg := evaluate[string](t, ctx, fmt.Sprintf(`document.querySelector('#view-%s .status.error:not([hidden])')?.textContent ?? ""`, view)); msg != "" {
		t.Fatalf("%s view shows an error: %s", view, msg)
	}
}

func count(t *testing.T, ctx context.Context, selector string) int {
	t.Helper()
	b, _ := json.Marshal(selector)
	return evaluate[int](t, ctx, fmt.Sprintf(`document.querySelectorAll(%s).length`, b))
}

func screenshot(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(dir, "dashboard-"+name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, res.Status)
	}
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}

// downloadCSV fetches the href of a view's download link, as a click on it
// would, and returns the CSV's header and rows.
func downloadCSV(t *testing.T, ctx context.Context, testid string) (header []string, rows [][]string) {
	t.Helper()
	b, _ := json.Marshal(fmt.Sprintf(`[data-testid=%q]`, testid))
	href := evaluate[string](t, ctx, fmt.Sprintf(`document.querySelector(%s)?.href ?? ""`, b))
	if href == "" {
		t.Fatalf("no download link %s", testid)
	}
	if !strings.Contains(href, "format=csv") {
		t.Errorf("download link %s = %s, want the API request with format=csv", testid, href)
	}
	res, err := http.Get(href)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
		body, _ := io.ReadAll(res.Body)
		t.Fatalf("GET %s: %s %s: %s", href, res.Status, res.Header.Get("Content-Type"), body)
	}
	all, err := csv.NewReader(res.Body).ReadAll()
	if err != nil && !errors.Is(err, io.EOF) {
		t.Fatalf("GET %s: %v", href, err)
	}
	if len(all) == 0 || len(all[0]) < 2 {
		t.Fatalf("GET %s: no CSV header", href)
	}
	return all[0], all[1:]
}
