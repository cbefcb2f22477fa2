package web_test

import (
	"bytes"
	"cmp"
	"context"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"image/png"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
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
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/dri-engine/dri/api"
	"github.com/dri-engine/dri/datasets"
	"github.com/dri-engine/dri/indicators/engine"
	"github.com/dri-engine/dri/pipeline"
	"github.com/dri-engine/dri/pipeline/load"
	"github.com/dri-engine/dri/pipeline/snapshot"
	"github.com/dri-engine/dri/pipeline/tidy"
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
	artifacts := cmp.Or(os.Getenv("DRI_ARTIFACTS"), filepath.Join("testdata", "screenshots"))
	// axe-core (npm, a devDependency) checks every view for accessibility problems.
	axeSource, err := os.ReadFile(filepath.Join("node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		skipOrFail(t, fmt.Sprintf("no axe-core (npm ci in web/): %v", err))
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
		chromedp.WindowSize(1440, 900),
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
	// Long main-thread tasks, from the first script on (a PerformanceObserver installed before the page's own).
	do(t, ctx, "observe long tasks", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: `
			window.__longtasks = [];
			new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longtasks.push([e.startTime, e.duration]); }).observe({type: "longtask", buffered: true});`})
		return err
	}))
	do(t, ctx, "open the dashboard", chromedp.Navigate(base+"/"))
	waitFor(t, ctx, `body[data-ready="true"]`)

	// The world map.
	waitView(t, ctx, "map", `[data-testid="map"][data-rendered="true"]`)
	// First paint: bytes over the wire until the map is drawn, the time it is drawn (from the
	// navigation's start) and the longest main-thread task (PerformanceObserver "longtask").
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`performance.getEntriesByName("dri:map-drawn").length > 0`, chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
		t.Fatalf("the map never set the dri:map-drawn mark: %v", err)
	}
	type firstLoad struct {
		Bytes     float64      `json:"bytes"`
		Decoded   float64      `json:"decoded"`
		MapDrawn  float64      `json:"mapDrawn"`
		LongTasks [][2]float64 `json:"longTasks"`
	}
	fl := evaluate[firstLoad](t, ctx, `(() => {
		const drawn = performance.getEntriesByName("dri:map-drawn")[0].startTime;
		const nav = performance.getEntriesByType("navigation")[0];
		const res = performance.getEntriesByType("resource").filter((r) => r.responseEnd <= drawn);
		return {
			bytes: nav.transferSize + res.reduce((s, r) => s + r.transferSize, 0),
			decoded: nav.decodedBodySize + res.reduce((s, r) => s + r.decodedBodySize, 0),
			mapDrawn: drawn,
			longTasks: window.__longtasks.filter(([start]) => start <= drawn),
		};
	})()`)
	longest := 0.0
	for _, d := range fl.LongTasks {
		longest = max(longest, d[1])
	}
	t.Logf("first load: %.0f bytes over the wire (%.0f decoded), map drawn at %.0f ms, longest main-thread task %.0f ms (long tasks [start, ms]: %v)",
		fl.Bytes, fl.Decoded, fl.MapDrawn, longest, fl.LongTasks)
	// The goal is no task over 200 ms (issue 16; quiet machine). The test fails past 600 ms, three
	// times that, which a shared CI runner stays under and the old drawing (1.5-2 s in one task) did not.
	limit := 600.0
	if v, err := strconv.ParseFloat(os.Getenv("DRI_LONGTASK_LIMIT_MS"), 64); err == nil {
		limit = v
	}
	if longest > limit {
		t.Errorf("first load: a main-thread task took %.0f ms, over the %.0f ms limit (DRI_LONGTASK_LIMIT_MS sets it)", longest, limit)
	}
	// The views other than the map load when first shown: none of their chunks is fetched before the map is drawn.
	early := evaluate[[]string](t, ctx, `(() => {
		const drawn = performance.getEntriesByName("dri:map-drawn")[0].startTime;
		return performance.getEntriesByType("resource").filter((r) => r.startTime <= drawn).map((r) => r.name.replace(/^.*\//, ""));
	})()`)
	for _, name := range early {
		for _, view := range []string{"profile-", "ldc-", "gender-", "leftbehind-", "explorer-", "about-"} {
			if strings.HasPrefix(name, view) {
				t.Errorf("first load fetched %s before the map was drawn: the %s view's code should load when first shown", name, strings.TrimSuffix(view, "-"))
			}
		}
	}
	if n := count(t, ctx, `[data-testid="map-table"] tbody tr`); n < 150 {
		t.Errorf("map table has %d countries, want at least 150", n)
	}
	if text := evaluate[string](t, ctx, `document.querySelector('[data-testid="map-fallback"]')?.textContent ?? ""`); !strings.Contains(text, "Tuvalu") {
		t.Errorf("the table of countries the map cannot draw does not list Tuvalu (no shape in Natural Earth 1:50m): %q", text)
	}
	screenshot(t, ctx, artifacts, "map")
	checkAxe(t, ctx, axeSource, "map")

	// Selection that follows you: search Kenya by name on the map; the map marks it and its card
	// shows the score, rank and stage of GET /v1/scores/compass?node=DRI (Kenya's row).
	var kenRow struct {
		Data []struct {
			Unit  string   `json:"unit"`
			Value *float64 `json:"value"`
			Rank  *int     `json:"rank"`
			Tier  string   `json:"tier"`
			Type  string   `json:"type"`
		} `json:"data"`
	}
	getJSON(t, base+"/v1/scores/compass?node=DRI&per_page=1000", &kenRow)
	var kenScore, kenRank, kenTier string
	ranked := 0
	for _, r := range kenRow.Data {
		if r.Type != "group" && r.Rank != nil {
			ranked++
		}
		if r.Unit == "KEN" && r.Value != nil && r.Rank != nil {
			kenScore, kenRank, kenTier = strconv.FormatFloat(*r.Value, 'f', 2, 64)+" of 5", strconv.Itoa(*r.Rank), r.Tier
		}
	}
	if kenScore == "" {
		t.Fatal("GET /v1/scores/compass?node=DRI has no ranked row for KEN")
	}
	kenRank = fmt.Sprintf("%s of %d", kenRank, ranked)
	do(t, ctx, "search Kenya on the map",
		chromedp.SetValue(chromedp.CSS(`[data-testid="map-search"]`), "kenya"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-testid="map-search"]').dispatchEvent(new Event("change", {bubbles: true}))`),
	)
	waitView(t, ctx, "map", `[data-testid="map"][data-selected="KEN"]`, `[data-testid="map-card"][data-unit="KEN"]:not([hidden])`)
	card := evaluate[[]string](t, ctx, `["map-card-name", "map-card-score", "map-card-rank", "map-card-tier", "map-card-interval"].map((id) => document.querySelector('[data-testid="' + id + '"]')?.textContent ?? "")`)
	if card[0] != "Kenya" || card[1] != kenScore || card[2] != kenRank || card[3] != kenTier || !strings.HasPrefix(card[4], "Rank ") {
		t.Errorf("map card = %q, want Kenya, %q, %q, %q and a rank interval", card, kenScore, kenRank, kenTier)
	}
	if href := evaluate[string](t, ctx, `document.querySelector('[data-testid="map-card-profile"]').getAttribute("href")`); !strings.Contains(href, "view=profile") || !strings.Contains(href, "unit=KEN") {
		t.Errorf("map card's profile link = %q, want the profile of KEN", href)
	}
	// The map itself marks the country: a thick black outline (an ECharts geo region style) on KEN only.
	if outline := evaluate[string](t, ctx, `JSON.stringify(driChart(document.querySelector('[data-testid="map"]')).getOption().geo[0].regions.filter((r) => r.itemStyle?.borderWidth).map((r) => [r.name, r.itemStyle.borderWidth]))`); outline != `[["KEN",2.2]]` {
		t.Errorf("the map outlines %s, want Kenya alone", outline)
	}
	screenshot(t, ctx, artifacts, "map-selected")

	// The rank interval (GET /v1/sensitivity's 5th-95th percentile ranks) is in the ranked table and the CSV.
	var kenUA struct {
		Data []struct {
			P5   float64 `json:"p5_rank"`
			P95  float64 `json:"p95_rank"`
			Runs int     `json:"runs"`
		} `json:"data"`
	}
	getJSON(t, base+"/v1/sensitivity/compass?unit=KEN&runs=1000", &kenUA)
	if len(kenUA.Data) != 1 {
		t.Fatalf("GET /v1/sensitivity/compass?unit=KEN: %d rows", len(kenUA.Data))
	}
	p5, p95 := strconv.Itoa(int(math.Round(kenUA.Data[0].P5))), strconv.Itoa(int(math.Round(kenUA.Data[0].P95)))
	if cells := evaluate[[]string](t, ctx, `[...document.querySelectorAll('[data-testid="map-table"] tr[data-unit="KEN"] td')].map((td) => td.textContent)`); len(cells) < 4 || cells[3] != p5+"–"+p95 {
		t.Errorf("ranked table, Kenya: %q, want the rank interval %s–%s in the fourth column", cells, p5, p95)
	}
	header, rows := downloadCSV(t, ctx, "download-map")
	col := func(name string) int {
		i := slices.Index(header, name)
		if i < 0 {
			t.Fatalf("CSV header %v has no column %q", header, name)
		}
		return i
	}
	kenCSV := slices.IndexFunc(rows, func(r []string) bool { return r[col("unit")] == "KEN" })
	if kenCSV < 0 {
		t.Fatal("map CSV has no row for KEN")
	}
	if r := rows[kenCSV]; r[col("framework")] != "compass" || r[col("year")] != mapYear(t, ctx) || r[col("value_unit")] != "score 0-5" ||
		r[col("rank_p5")] != p5 || r[col("rank_p95")] != p95 || r[col("rank")]+" of "+strconv.Itoa(ranked) != kenRank {
		t.Errorf("map CSV, Kenya: %q (header %q), want framework compass, the year, value_unit \"score 0-5\", rank %s and interval %s-%s", r, header, kenRank, p5, p95)
	}

	// An indicator is mapped as published, in its unit: internet use in %, each country's latest
	// value up to the year, the one Kenya's score rests on (GET /v1/scores/compass/KEN: raw and year).
	var kenNodes struct {
		Data struct {
			Nodes []struct {
				Code string   `json:"code"`
				Raw  *float64 `json:"raw"`
				Year int      `json:"year"`
			} `json:"nodes"`
		} `json:"data"`
	}
	getJSON(t, base+"/v1/scores/compass/KEN?year="+mapYear(t, ctx), &kenNodes)
	i := slices.IndexFunc(kenNodes.Data.Nodes, func(n struct {
		Code string   `json:"code"`
		Raw  *float64 `json:"raw"`
		Year int      `json:"year"`
	}) bool {
		return n.Code == "PEOPLE.usage.internet"
	})
	if i < 0 || kenNodes.Data.Nodes[i].Raw == nil {
		t.Fatal("GET /v1/scores/compass/KEN: no raw value for PEOPLE.usage.internet")
	}
	kenRaw := kenNodes.Data.Nodes[i]
	do(t, ctx, "map internet use",
		chromedp.SetValue(chromedp.CSS(`[data-testid="node-select"]`), "PEOPLE.usage.internet"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-testid="node-select"]').dispatchEvent(new Event("change", {bubbles: true}))`),
	)
	waitView(t, ctx, "map", `#view-map[data-node="PEOPLE.usage.internet"] [data-testid="map"][data-measure="raw"][data-unit="percent"][data-rendered="true"]`)
	onMap := evaluate[float64](t, ctx, `driChart(document.querySelector('[data-testid="map"]')).getOption().series[0].data.find((d) => d.name === "KEN").value`)
	if onMap != *kenRaw.Raw {
		t.Errorf("internet use map colours Kenya by %v, want its value as published %v (%d)", onMap, *kenRaw.Raw, kenRaw.Year)
	}
	rawCard := evaluate[[]string](t, ctx, `(() => { const v = document.querySelector('[data-testid="map-card-value"]'); return v ? [v.title, v.textContent] : []; })()`)
	if len(rawCard) != 2 || rawCard[0] != strconv.FormatFloat(*kenRaw.Raw, 'f', -1, 64) || !strings.Contains(rawCard[1], "%") || !strings.Contains(rawCard[1], strconv.Itoa(kenRaw.Year)) {
		t.Errorf("map card value = %q, want %v %% (%d)", rawCard, *kenRaw.Raw, kenRaw.Year)
	}
	if lede := evaluate[string](t, ctx, `document.querySelector('#view-map .lede').textContent`); !strings.Contains(lede, "Individuals using the Internet, %") {
		t.Errorf("internet use map lede = %q, want the indicator and its unit", lede)
	}
	screenshot(t, ctx, artifacts, "map-indicator")
	do(t, ctx, "map the index again",
		chromedp.SetValue(chromedp.CSS(`[data-testid="node-select"]`), "DRI"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-testid="node-select"]').dispatchEvent(new Event("change", {bubbles: true}))`),
	)
	waitView(t, ctx, "map", `#view-map[data-node="DRI"] [data-testid="map"][data-measure="score"][data-rendered="true"]`)

	// Each chart exports as PNG and SVG.
	do(t, ctx, "export the map as PNG", chromedp.Click(chromedp.CSS(`[data-testid="export-png-map"]`)))
	pngURL := evaluate[string](t, ctx, `document.querySelector('[data-testid="export-png-map"]').href`)
	pngData, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(pngURL, "data:image/png;base64,"))
	if err != nil || !strings.HasPrefix(pngURL, "data:image/png;base64,") {
		t.Errorf("map PNG export: href %.60q is not a base64 PNG: %v", pngURL, err)
	} else if img, err := png.DecodeConfig(bytes.NewReader(pngData)); err != nil || img.Width < 600 {
		t.Errorf("map PNG export: %v, %d px wide (want the chart at twice its size)", err, img.Width)
	}
	do(t, ctx, "export the map as SVG", chromedp.Click(chromedp.CSS(`[data-testid="export-svg-map"]`)))
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelector('[data-testid="export-svg-map"]').href.startsWith("data:image/svg+xml")`, chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
		t.Fatalf("map SVG export never made its file: %v", err)
	}
	svg := evaluate[string](t, ctx, `decodeURIComponent(document.querySelector('[data-testid="export-svg-map"]').href.replace("data:image/svg+xml;charset=utf-8,", ""))`)
	if !strings.HasPrefix(svg, "<svg") || strings.Count(svg, "<path") < 150 {
		t.Errorf("map SVG export: %d bytes, %d paths, want an <svg> with the countries", len(svg), strings.Count(svg, "<path"))
	}
	if n, charts := count(t, ctx, `#view-map .exports a`), count(t, ctx, `#view-map .chart`); n != 2*charts {
		t.Errorf("map view: %d export links for %d charts, want PNG and SVG for each", n, charts)
	}

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
	header, rows = downloadCSV(t, ctx, "download-profile")
	for _, col := range []string{"framework", "year", "unit", "node", "value", "value_unit", "rank", "rank_p5", "rank_p95", "tier", "raw_unit"} {
		if !slices.Contains(header, col) {
			t.Errorf("profile CSV header %v has no column %q", header, col)
		}
	}
	if len(rows) != len(profile.Data.Nodes) {
		t.Errorf("profile CSV has %d rows, want %d (one per node)", len(rows), len(profile.Data.Nodes))
	} else if got, err := strconv.ParseFloat(rows[0][slices.Index(header, "value")], 64); err != nil || got != *index.Value {
		t.Errorf("profile CSV first value = %q, want %v", rows[0][slices.Index(header, "value")], *index.Value)
	}
	if i := slices.Index(header, "rank_p5"); i >= 0 && len(rows) > 0 && rows[0][i] != p5 {
		t.Errorf("profile CSV, index row: rank_p5 %q, want %s", rows[0][i], p5)
	}
	header, _ = downloadCSV(t, ctx, "download-comparison")
	for _, col := range []string{"framework", "year", "unit", "node", "group", "group_value", "value_unit"} {
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
	if len(econ) < 6 || econ[2] != "1.94" || econ[4] != "ddc.economy" || !strings.HasPrefix(econ[5], "UNDP (") {
		t.Errorf("profile published table, Economy row = %q, want UNDP's 1.94 (ddc.economy), source shown as UNDP and its vintage", econ)
	}
	if about := evaluate[string](t, ctx, `document.querySelector('[data-testid="framework-about"]').textContent`); !strings.Contains(about, "Departures from the original") || !strings.Contains(about, "Stand-ins") {
		t.Errorf("profile's framework description = %q, want the departures and stand-ins", about)
	}
	// Sources by publisher (not internal ids) and indicator definitions in the tree: Kenya's
	// internet use comes from the ITU (GET /v1/scores/compass/KEN gives the source id, /v1/snapshot its publisher).
	srcCell := evaluate[[]string](t, ctx, `(() => { const r = document.querySelector('[data-testid="profile-tree"] tr[data-node="PEOPLE.usage.internet"] .source'); return r ? [r.dataset.source, r.textContent, r.title] : []; })()`)
	if len(srcCell) != 3 || !strings.HasPrefix(srcCell[1], "ITU (") || !strings.HasPrefix(srcCell[2], publisherOf(t, base, srcCell[0])) {
		t.Errorf("profile tree, internet use: source cell %q, want \"ITU (vintage)\" titled with the source's publisher, not its id", srcCell)
	}
	waitFor(t, ctx, `[data-testid="profile-tree"] tr[data-node="PEOPLE.usage.internet"] details.definition[data-loaded="true"]`)
	if def, want := evaluate[string](t, ctx, `document.querySelector('[data-testid="profile-tree"] tr[data-node="PEOPLE.usage.internet"] .definition-text').textContent`), definitionOf(t, base, "itu.internet_use"); !strings.HasPrefix(def, want) {
		t.Errorf("profile tree, internet use: definition %q, want GET /v1/indicators/itu.internet_use's %q", def, want)
	}
	screenshot(t, ctx, artifacts, "profile")
	checkAxe(t, ctx, axeSource, "profile")

	// What-if: Kenya's index with People weighing 2 (the others 1) has the rank the API gives for
	// the same scenario (POST /v1/scores/compass/what-if); the weights go into the URL.
	profileYear := evaluate[string](t, ctx, `document.querySelector('#view-profile').dataset.year`)
	do(t, ctx, "weigh People 2",
		chromedp.SetValue(chromedp.CSS(`[data-testid="whatif-weight-PEOPLE"]`), "2"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-testid="whatif-weight-PEOPLE"]').dispatchEvent(new Event("input", {bubbles: true}))`),
	)
	waitFor(t, ctx, `[data-testid="whatif-rank"][data-ready="true"][data-weights="PEOPLE:2"]`)
	wantRank := whatIfRank(t, base, "compass", profileYear, "KEN", map[string]float64{"PEOPLE": 2})
	if got := evaluate[string](t, ctx, `document.querySelector('[data-testid="whatif-rank"]').textContent`); got != fmt.Sprintf("%d of %d", wantRank, index.Of) {
		t.Errorf("what-if rank with People ×2 shows %q, want %d of %d (POST /v1/scores/compass/what-if)", got, wantRank, index.Of)
	}
	if wantRank == *index.Rank {
		t.Errorf("what-if with People ×2 leaves Kenya at rank %d: pick a weight that moves it", wantRank)
	}
	if h := evaluate[string](t, ctx, `new URLSearchParams(location.hash.slice(1)).get("w") ?? ""`); h != "PEOPLE:2" {
		t.Errorf("the URL %q does not keep the what-if weights", h)
	}
	// The sliders are keyboard controls: ArrowRight adds a step (0.25).
	do(t, ctx, "focus the People weight", chromedp.Focus(chromedp.CSS(`[data-testid="whatif-weight-PEOPLE"]`)))
	do(t, ctx, "press ArrowRight", chromedp.KeyEvent(kb.ArrowRight))
	waitFor(t, ctx, `[data-testid="whatif-rank"][data-ready="true"][data-weights="PEOPLE:2.25"]`)
	wantRank = whatIfRank(t, base, "compass", profileYear, "KEN", map[string]float64{"PEOPLE": 2.25})
	if got := evaluate[string](t, ctx, `document.querySelector('[data-testid="whatif-rank"]').textContent`); got != fmt.Sprintf("%d of %d", wantRank, index.Of) {
		t.Errorf("what-if rank with People ×2.25 shows %q, want %d of %d", got, wantRank, index.Of)
	}
	screenshot(t, ctx, artifacts, "profile-whatif")
	do(t, ctx, "reset the weights", chromedp.Click(chromedp.CSS(`[data-testid="whatif-reset"]`)))
	waitFor(t, ctx, `[data-testid="whatif-rank"][data-ready="true"][data-weights=""]`)
	if got := evaluate[string](t, ctx, `document.querySelector('[data-testid="whatif-rank"]').textContent`); got != shown.Rank {
		t.Errorf("after reset the what-if rank shows %q, want the profile's %q", got, shown.Rank)
	}
	if h := evaluate[string](t, ctx, `location.hash`); regexp.MustCompile(`[#&]w=`).MatchString(h) {
		t.Errorf("after reset the URL %q still has weights", h)
	}

	// LDCs against the world.
	do(t, ctx, "open the LDC view", chromedp.Click(chromedp.CSS(`[data-testid="tab-ldc"]`)))
	waitView(t, ctx, "ldc", `[data-testid="ldc-chart"][data-rendered="true"]`)
	// Kenya, the chosen country, is ringed on its rows: among all UN members (it is not an LDC).
	waitFor(t, ctx, `[data-testid="ldc-chart"][data-marked="KEN"]`)
	if legend := evaluate[string](t, ctx, `document.querySelector('#view-ldc .chart-legend').textContent`); !strings.Contains(legend, "Kenya") {
		t.Errorf("LDC chart legend %q does not name Kenya, the chosen country", legend)
	}
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
	checkAxe(t, ctx, axeSource, "ldc")

	// Gender gaps: Kenya with the default LDC and WLD.
	do(t, ctx, "open the gender view", chromedp.Click(chromedp.CSS(`[data-testid="tab-gender"]`)))
	waitView(t, ctx, "gender", `[data-testid="gender-chart"][data-rendered="true"]`)
	for _, u := range []string{"KEN", "LDC", "WLD"} {
		if n := count(t, ctx, fmt.Sprintf(`[data-testid="gender-table"] tr[data-unit=%q]`, u)); n == 0 {
			t.Errorf("gender table has no rows for %s", u)
		}
	}
	header, _ = downloadCSV(t, ctx, "download-gender")
	for _, c := range []string{"framework", "year", "indicator", "parity_score", "value_unit"} {
		if !slices.Contains(header, c) {
			t.Errorf("gender CSV header %v has no %s", header, c)
		}
	}
	screenshot(t, ctx, artifacts, "gender")
	checkAxe(t, ctx, axeSource, "gender")

	checkLeftBehind(t, ctx, base, artifacts, axeSource)

	// The indicator explorer, by sex.
	do(t, ctx, "open the explorer", chromedp.Click(chromedp.CSS(`[data-testid="tab-explorer"]`)))
	waitView(t, ctx, "explorer", `[data-testid="explorer-chart"][data-rendered="true"]`)
	if def, want := evaluate[string](t, ctx, `document.querySelector('[data-testid="explorer-definition"]').textContent`), definitionOf(t, base, "itu.internet_use"); !strings.Contains(def, want) || !strings.Contains(def, "International Telecommunication Union") {
		t.Errorf("explorer definition = %q, want GET /v1/indicators/itu.internet_use's %q and the ITU as publisher", def, want)
	}
	screenshot(t, ctx, artifacts, "explorer")
	checkAxe(t, ctx, axeSource, "explorer")
	do(t, ctx, "split by sex",
		chromedp.SetValue(chromedp.CSS(`[data-testid="explorer-sex"]`), "bysex"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-testid="explorer-sex"]').dispatchEvent(new Event("change", {bubbles: true}))`),
	)
	waitView(t, ctx, "explorer", `[data-testid="explorer-chart"][data-rendered="true"]`)
	header, rows = downloadCSV(t, ctx, "download-explorer")
	if i := slices.Index(header, "sex"); i < 0 || len(rows) == 0 || !slices.ContainsFunc(rows, func(r []string) bool { return r[i] == "F" }) {
		t.Errorf("explorer CSV by sex has no rows for women (header %v, %d rows)", header, len(rows))
	}
	if i := slices.Index(header, "value_unit"); i < 0 || !slices.Contains(header, "year") || rows[0][i] != "percent" {
		t.Errorf("explorer CSV: header %v, want year and value_unit (percent for itu.internet_use)", header)
	}
	screenshot(t, ctx, artifacts, "explorer-by-sex")

	// About the data: every source of GET /v1/snapshot with publisher, vintage and licence, and the
	// catalogue's attribution and link (M49: datasets/catalog.yaml, "UN Statistics Division, M49").
	do(t, ctx, "open About the data", chromedp.Click(chromedp.CSS(`[data-testid="tab-about"]`)))
	waitView(t, ctx, "about", `[data-testid="about-sources"]`)
	var snap struct {
		Data struct {
			Sources []struct {
				ID        string `json:"id"`
				Publisher string `json:"publisher"`
				Vintage   string `json:"vintage"`
				Licence   string `json:"licence"`
			} `json:"sources"`
		} `json:"data"`
	}
	getJSON(t, base+"/v1/snapshot", &snap)
	if n := count(t, ctx, `[data-testid="about-sources"] tbody tr`); n != len(snap.Data.Sources) || n == 0 {
		t.Errorf("About the data lists %d sources, want the snapshot's %d", n, len(snap.Data.Sources))
	}
	for _, src := range snap.Data.Sources {
		cells := evaluate[[]string](t, ctx, fmt.Sprintf(`[...document.querySelectorAll('[data-testid="about-sources"] tr[data-source=%q] td')].map((td) => td.textContent)`, src.ID))
		if len(cells) < 5 || cells[1] != src.Publisher || cells[2] != src.Vintage || cells[3] != src.Licence {
			t.Errorf("About the data, source %s: %q, want publisher %q, vintage %q, licence %q", src.ID, cells, src.Publisher, src.Vintage, src.Licence)
		}
	}
	m49 := evaluate[[]string](t, ctx, `(() => { const r = document.querySelector('[data-testid="about-sources"] tr[data-source="m49"]'); return [r.querySelector("a")?.href ?? "", r.children[4].textContent]; })()`)
	if m49[0] != "https://unstats.un.org/unsd/methodology/m49/overview/" || m49[1] != "UN Statistics Division, M49" {
		t.Errorf("About the data, M49: link and attribution %q, want the catalogue's", m49)
	}
	screenshot(t, ctx, artifacts, "about")
	checkAxe(t, ctx, axeSource, "about")

	// Desktop, 1440×900: the profile's top row is the score, the trend and the what-if side by
	// side (no empty third), and the stage ladder never leaves one stage alone on a line.
	do(t, ctx, "open the profile", chromedp.Click(chromedp.CSS(`[data-testid="tab-profile"]`)))
	waitView(t, ctx, "profile", `#view-profile[data-unit="KEN"]`, `[data-testid="comparison-chart"][data-rendered="true"]`)
	layout := evaluate[[]float64](t, ctx, `(() => {
		const grid = document.querySelector('#view-profile .profile-grid').getBoundingClientRect();
		const cards = [...document.querySelectorAll('#view-profile .profile-grid > .card')].slice(0, 3).map((c) => c.getBoundingClientRect());
		const tops = [...document.querySelectorAll('#view-profile .ladder li')].map((li) => Math.round(li.getBoundingClientRect().top));
		const perLine = Object.values(tops.reduce((m, t) => ({...m, [t]: (m[t] ?? 0) + 1}), {}));
		return [cards[2].top - cards[0].top, grid.right - cards[2].right, Math.min(...perLine), perLine.length];
	})()`)
	if layout[0] != 0 || layout[1] > 1 {
		t.Errorf("profile at 1440×900: the third card is %v px below the first and ends %v px before the grid's edge, want one full row", layout[0], layout[1])
	}
	if layout[3] > 1 && layout[2] < 2 {
		t.Errorf("profile at 1440×900: the stage ladder has %v lines, one with a single stage", layout[3])
	}
	screenshot(t, ctx, artifacts, "profile-1440")

	// Phone, 390×844: every view fits the width, the tabs are all on screen (they wrap), tables show
	// their key columns without sideways scrolling, and the LDC table's rows are compact.
	do(t, ctx, "phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)))
	for _, view := range []string{"profile", "ldc", "gender", "leftbehind", "explorer", "about", "map"} {
		do(t, ctx, "open "+view, chromedp.Click(chromedp.CSS(fmt.Sprintf(`[data-testid="tab-%s"]`, view))))
		waitView(t, ctx, view)
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](fmt.Sprintf(`document.querySelectorAll('#view-%s .chart[data-rendered="false"]').length === 0`, view), chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
			t.Fatalf("%s view on a phone: charts not drawn: %v", view, err)
		}
		if view == "leftbehind" {
			// A tap on "withheld" shows the group rule's reason under it (on a phone the note column is hidden).
			sel := `#view-leftbehind [data-testid="withheld"]`
			do(t, ctx, "tap withheld", chromedp.Click(chromedp.CSS(sel)))
			if shown := evaluate[bool](t, ctx, `(() => { const r = document.querySelector('#view-leftbehind [data-testid="withheld"] + .withheld-reason'); return !!r && r.offsetHeight > 0 && r.textContent.length > 0; })()`); !shown {
				t.Errorf("on a phone a tap on \"withheld\" does not show its reason")
			}
		}
		screenshot(t, ctx, artifacts, view+"-phone")
		checkAxe(t, ctx, axeSource, view+" (phone)")
		if w := evaluate[float64](t, ctx, `document.documentElement.scrollWidth`); w > 390 {
			t.Errorf("on a 390 px wide phone the %s view is %v px wide: something does not wrap", view, w)
		}
		if off := evaluate[[]string](t, ctx, `[...document.querySelectorAll('[role="tab"]')].filter((b) => { const r = b.getBoundingClientRect(); return r.left < 0 || r.right > innerWidth; }).map((b) => b.textContent)`); len(off) > 0 {
			t.Errorf("on a phone, %s view: tabs %q are off screen", view, off)
		}
		if wide := evaluate[[]string](t, ctx, fmt.Sprintf(`[...document.querySelectorAll('#view-%s .table-wrap')].filter((w) => w.offsetParent && w.scrollWidth > w.clientWidth + 1).map((w) => w.getAttribute("aria-label") + ": " + w.scrollWidth + " > " + w.clientWidth)`, view)); len(wide) > 0 {
			t.Errorf("on a phone, %s view: tables scroll sideways: %q", view, wide)
		}
	}
	do(t, ctx, "open the LDC view", chromedp.Click(chromedp.CSS(`[data-testid="tab-ldc"]`)))
	waitView(t, ctx, "ldc")
	if h := evaluate[float64](t, ctx, `Math.max(...[...document.querySelectorAll('[data-testid="ldc-table"] tbody tr')].map((r) => r.getBoundingClientRect().height))`); h > 60 {
		t.Errorf("on a phone the LDC table's tallest row is %v px, want compact rows (at most 60)", h)
	}
	do(t, ctx, "open the map", chromedp.Click(chromedp.CSS(`[data-testid="tab-map"]`)))
	waitView(t, ctx, "map", `[data-testid="map"][data-rendered="true"]`)
	// A tap on Tanzania (the centre of its outline on the map) chooses it: its card opens, the view stays the map.
	xy := evaluate[[]float64](t, ctx, `(() => {
		const el = document.querySelector('[data-testid="map"]');
		el.scrollIntoView({block: "center"});
		const c = driChart(el);
		const centre = c.getModel().getComponent("geo", 0).coordinateSystem.getRegion("TZA").getCenter();
		const [x, y] = c.convertToPixel({geoIndex: 0}, centre);
		const r = el.getBoundingClientRect();
		return [r.left + x, r.top + y];
	})()`)
	do(t, ctx, "tap Tanzania", chromedp.MouseClickXY(xy[0], xy[1]))
	waitView(t, ctx, "map", `[data-testid="map-card"][data-unit="TZA"]:not([hidden])`)
	if v := evaluate[string](t, ctx, `document.body.dataset.view`); v != "map" {
		t.Errorf("after a tap on the map the view is %q, want the map (with the card)", v)
	}
	screenshot(t, ctx, artifacts, "map-phone-card")
	do(t, ctx, "back to Kenya", chromedp.Evaluate[chromedp.Void](`history.back()`))
	waitView(t, ctx, "map", `[data-testid="map-card"][data-unit="KEN"]`)
	if w := evaluate[float64](t, ctx, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("on a 390 px wide phone the map view is %v px wide: something does not wrap", w)
	}

	// Every framework draws in the scoring views (scales 0-1, 0-5 and 0-100; stages, quartiles, parity).
	do(t, ctx, "desktop viewport", chromedp.EmulateViewport(1440, 900))
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

// publisherOf is a source's publisher in GET /v1/snapshot.
func publisherOf(t *testing.T, base, id string) string {
	t.Helper()
	var snap struct {
		Data struct {
			Sources []struct {
				ID        string `json:"id"`
				Publisher string `json:"publisher"`
			} `json:"sources"`
		} `json:"data"`
	}
	getJSON(t, base+"/v1/snapshot", &snap)
	for _, s := range snap.Data.Sources {
		if s.ID == id {
			return s.Publisher
		}
	}
	t.Fatalf("GET /v1/snapshot has no source %q", id)
	return ""
}

// definitionOf is an indicator's definition in GET /v1/indicators/{id}.
func definitionOf(t *testing.T, base, id string) string {
	t.Helper()
	var ind struct {
		Data struct {
			Definition string `json:"definition"`
		} `json:"data"`
	}
	getJSON(t, base+"/v1/indicators/"+id, &ind)
	if ind.Data.Definition == "" {
		t.Fatalf("GET /v1/indicators/%s has no definition", id)
	}
	return ind.Data.Definition
}

// whatIfRank asks POST /v1/scores/{fw}/what-if for a unit's index rank under these weights.
func whatIfRank(t *testing.T, base, fw, year, unit string, weights map[string]float64) int {
	t.Helper()
	y, err := strconv.Atoi(year)
	if err != nil {
		t.Fatalf("year %q: %v", year, err)
	}
	body, _ := json.Marshal(map[string]any{"year": y, "weights": weights, "units": []string{unit}})
	res, err := http.Post(base+"/v1/scores/"+fw+"/what-if", "application/json", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct {
		Data []struct {
			Node  string `json:"node"`
			Level int    `json:"level"`
			Rank  *int   `json:"rank"`
		} `json:"data"`
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("POST what-if %s: %s %v", body, res.Status, err)
	}
	top := slices.MaxFunc(out.Data, func(a, b struct {
		Node  string `json:"node"`
		Level int    `json:"level"`
		Rank  *int   `json:"rank"`
	}) int {
		return a.Level - b.Level
	})
	if top.Rank == nil {
		t.Fatalf("POST what-if %s: the index %s has no rank", body, top.Node)
	}
	return *top.Rank
}

// mapYear is the year the map view shows.
func mapYear(t *testing.T, ctx context.Context) string {
	t.Helper()
	return evaluate[string](t, ctx, `document.querySelector('#view-map').dataset.year`)
}

// checkAxe runs axe-core on the page as it is and fails on serious or critical violations.
// The script goes in through the DevTools protocol, which the page's Content-Security-Policy does not limit.
func checkAxe(t *testing.T, ctx context.Context, source []byte, where string) {
	t.Helper()
	if !evaluate[bool](t, ctx, `typeof axe === "object"`) {
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](string(source))); err != nil {
			t.Fatalf("load axe-core: %v", err)
		}
	}
	type violation struct {
		ID     string     `json:"id"`
		Impact string     `json:"impact"`
		Help   string     `json:"help"`
		Nodes  [][]string `json:"nodes"`
	}
	type result struct {
		Passes     int         `json:"passes"`
		Violations []violation `json:"violations"`
	}
	found, err := chromedp.Run(ctx, chromedp.Evaluate[result](`axe.run(document).then((r) => ({
		passes: r.passes.length,
		violations: r.violations.filter((v) => v.impact === "serious" || v.impact === "critical")
			.map((v) => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.map(String))})),
	}))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("axe-core on %s: %v", where, err)
	}
	if found.Passes == 0 {
		t.Errorf("axe-core on %s: no rule passed, so none ran", where)
	}
	t.Logf("axe-core, %s view: %d rules pass, %d serious or critical violations", where, found.Passes, len(found.Violations))
	for _, v := range found.Violations {
		t.Errorf("axe-core, %s view: %s (%s): %s, at %v", where, v.ID, v.Impact, v.Help, v.Nodes)
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
	res, err := load.Load(ctx, load.Options{Base: datasets.FS})
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
	var body io.Reader
	if text, ok := strings.CutPrefix(href, "data:text/csv;charset=utf-8,"); ok {
		// A CSV the dashboard wrote (the API's rows with framework, year, unit and rank interval
		// columns); the API's own CSV is linked beside it.
		text, err := url.PathUnescape(text)
		if err != nil {
			t.Fatalf("%s: %v", testid, err)
		}
		body = strings.NewReader(text)
		api := evaluate[string](t, ctx, fmt.Sprintf(`document.querySelector('[data-testid=%q]')?.href ?? ""`, testid+"-api"))
		if !strings.Contains(api, "format=csv") {
			t.Errorf("no link to the API's CSV beside %s (%q)", testid, api)
		}
	} else {
		if !strings.Contains(href, "format=csv") {
			t.Errorf("download link %s = %s, want the API request with format=csv", testid, href)
		}
		res, err := http.Get(href)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
			b, _ := io.ReadAll(res.Body)
			t.Fatalf("GET %s: %s %s: %s", href, res.Status, res.Header.Get("Content-Type"), b)
		}
		body = res.Body
	}
	all, err := csv.NewReader(body).ReadAll()
	if err != nil && !errors.Is(err, io.EOF) {
		t.Fatalf("CSV %s: %v", testid, err)
	}
	if len(all) == 0 || len(all[0]) < 2 {
		t.Fatalf("CSV %s: no header", testid)
	}
	return all[0], all[1:]
}

// gapRow is a row of GET /v1/gaps.
type gapRow struct {
	Unit      string   `json:"unit"`
	Type      string   `json:"type"`
	Indicator string   `json:"indicator"`
	Year      int      `json:"year"`
	Focus     *float64 `json:"focus_value"`
	Reference *float64 `json:"reference_value"`
	Parity    *float64 `json:"parity_index"`
	Class     string   `json:"parity"`
	Note      string   `json:"note"`
}

// checkLeftBehind checks "Who is left behind" for Kenya (chosen before) against GET /v1/gaps with
// unit=KEN,LDC,WLD, one call per breakdown: a table for each breakdown with data and none for the
// others, every shown figure with the API's parity index and year, every withheld group figure
// shown as "withheld" with the API's reason (and no marker in the chart), the chart's dots at the
// API's values, the CSVs; then a screenshot and axe-core.
func checkLeftBehind(t *testing.T, ctx context.Context, base, artifacts string, axeSource []byte) {
	t.Helper()
	do(t, ctx, "open Who is left behind", chromedp.Click(chromedp.CSS(`[data-testid="tab-leftbehind"]`)))
	waitView(t, ctx, "leftbehind", `#view-leftbehind[data-unit="KEN"]`, `[data-testid="leftbehind-chart"][data-rendered="true"]`)
	if !evaluate[bool](t, ctx, `performance.getEntriesByType("resource").some((r) => /\/assets\/leftbehind-[A-Z0-9]+\.js$/.test(r.name))`) {
		t.Errorf("left behind: its code was not fetched as a chunk of its own (assets/leftbehind-HASH.js)")
	}
	if h := evaluate[string](t, ctx, `location.hash`); !strings.Contains(h, "view=leftbehind") || !strings.Contains(h, "unit=KEN") {
		t.Errorf("the URL %q does not keep the view and the country", h)
	}
	// The chart's points, per series: [parity index, row].
	points := evaluate[map[string][][2]float64](t, ctx, `(() => {
		const o = driChart(document.querySelector('[data-testid="leftbehind-chart"]')).getOption();
		return Object.fromEntries(o.series.map((s) => [s.name, s.data.map((d) => d.value)]));
	})()`)
	rowLabels := evaluate[[]string](t, ctx, `driChart(document.querySelector('[data-testid="leftbehind-chart"]')).getOption().yAxis[0].data.map((d) => d.value)`)
	inChart := func(series string, v float64) bool {
		return slices.ContainsFunc(points[series], func(p [2]float64) bool { return p[0] == v })
	}
	withheld, shown := 0, 0
	for _, dim := range []string{"sex", "area", "income", "age", "education", "labour"} {
		var res struct {
			Data []gapRow `json:"data"`
		}
		getJSON(t, base+"/v1/gaps?dimension="+dim+"&unit=KEN,LDC,WLD&per_page=1000", &res)
		table := fmt.Sprintf(`[data-testid="leftbehind-table-%s"]`, dim)
		if len(res.Data) == 0 {
			if n := count(t, ctx, table); n != 0 {
				t.Errorf("left behind: a %s table, but GET /v1/gaps?dimension=%s has no rows for KEN, LDC or WLD", dim, dim)
			}
			continue
		}
		if n := count(t, ctx, table); n != 1 {
			t.Errorf("left behind: no %s table, but GET /v1/gaps?dimension=%s has %d rows", dim, dim, len(res.Data))
			continue
		}
		for _, r := range res.Data {
			cells := evaluate[[]string](t, ctx, fmt.Sprintf(`[...document.querySelectorAll('%s tr[data-unit=%q][data-indicator=%q] td')].map((td) => td.textContent)`, table, r.Unit, r.Indicator))
			if len(cells) == 0 {
				// Only an indicator no one has data for is left out of the table (named under it).
				if r.Type != "group" || r.Parity != nil {
					t.Errorf("left behind, %s: no row for %s %s", dim, r.Unit, r.Indicator)
				}
				continue
			}
			if cells[2] != strconv.Itoa(r.Year) {
				t.Errorf("left behind, %s, %s %s: year %q, want %d", dim, r.Unit, r.Indicator, cells[2], r.Year)
			}
			name := map[string]string{"KEN": "Kenya", "LDC": "Least developed countries", "WLD": "World"}[r.Unit]
			if r.Parity == nil {
				// Withheld: the word, the API's reason in its title, no number and no marker.
				withheld++
				mark := evaluate[[]string](t, ctx, fmt.Sprintf(`(() => { const b = document.querySelector('%s tr[data-unit=%q][data-indicator=%q] [data-testid="withheld"]'); return b ? [b.textContent, b.title, b.nextElementSibling.textContent] : []; })()`, table, r.Unit, r.Indicator))
				if len(mark) != 3 || mark[0] != "withheld" || "withheld: "+mark[1] != r.Note || mark[2] != mark[1] {
					t.Errorf("left behind, %s, %s %s: parity cell %q (mark, title, reason), want \"withheld\" with the API's reason %q", dim, r.Unit, r.Indicator, mark, r.Note)
				}
				if cells[3] != "–" || cells[4] != "–" {
					t.Errorf("left behind, %s, %s %s: withheld figure shows values %q and %q", dim, r.Unit, r.Indicator, cells[3], cells[4])
				}
				continue
			}
			shown++
			if want := strconv.FormatFloat(*r.Parity, 'f', 3, 64); cells[5] != want || cells[6] != r.Class {
				t.Errorf("left behind, %s, %s %s: parity %q %q, want %s %q (GET /v1/gaps)", dim, r.Unit, r.Indicator, cells[5], cells[6], want, r.Class)
			}
			if !inChart(name, *r.Parity) {
				t.Errorf("left behind chart: no %s point at %v for %s (%s)", name, *r.Parity, r.Indicator, dim)
			}
		}
		downloadCSV(t, ctx, "download-leftbehind-"+dim)
	}
	if withheld == 0 || shown == 0 {
		t.Errorf("left behind: %d shown and %d withheld figures, want both (the LDC's internet use by sex is withheld: 3 of 45 members have data)", shown, withheld)
	}
	// Kenya's account ownership by sex, 2024: women 0.865155344 and men 0.93889509, read as
	// 86.5155344 % and 93.889509 % (datasets/sources/findex-2025-database/GlobalFindexDatabase2025-subset.csv,
	// column account_t_d, lines 1950 and 1949), a parity index of 86.5155344 / 93.889509 = 0.921.
	acc := evaluate[[]string](t, ctx, `[...document.querySelectorAll('[data-testid="leftbehind-table-sex"] tr[data-unit="KEN"][data-indicator="findex.account"] td')].map((td) => td.textContent)`)
	if len(acc) < 7 || acc[2] != "2024" || acc[3] != "86.52%" || acc[4] != "93.89%" || acc[5] != "0.921" || acc[6] != "Women behind" {
		t.Errorf("left behind, Kenya's account ownership by sex = %q, want 2024, 86.52%%, 93.89%%, 0.921, Women behind", acc)
	}
	women, men := 86.5155344, 93.889509 // variables: a constant quotient would be exact, not the float64 division the engine does
	// The API writes numbers at 12 significant digits (tidy.AppendNumber).
	parity, _ := strconv.ParseFloat(string(tidy.AppendNumber(nil, women/men)), 64)
	if !inChart("Kenya", parity) {
		t.Errorf("left behind chart: Kenya's account ownership by sex is not at %v (points %v)", parity, points["Kenya"])
	}
	if !slices.ContainsFunc(rowLabels, func(l string) bool { return strings.HasPrefix(l, "Women and men, ") }) {
		t.Errorf("left behind chart rows %q: no heading for women and men", rowLabels)
	}
	screenshot(t, ctx, artifacts, "leftbehind")
	checkAxe(t, ctx, axeSource, "leftbehind")
	if n := evaluate[string](t, ctx, `document.querySelector('[data-testid="leftbehind-regions-section"]').dataset.regions ?? ""`); n != "0" {
		t.Errorf("left behind, Kenya: %q regions, want none (GET /v1/units?parent=KEN is empty)", n)
	}
	checkUptake(t, ctx, base)
	checkRegions(t, ctx, base, artifacts, axeSource)
}

// checkUptake checks the uptake scores of "Who is left behind" (Kenya) against GET
// /v1/score-gaps/uptake (women and men; the two groups of the other breakdowns) and GET
// /v1/scores/uptake (everyone, the same year), and the women's index by hand from its leaves.
func checkUptake(t *testing.T, ctx context.Context, base string) {
	t.Helper()
	waitFor(t, ctx, `[data-testid="uptake-chart"][data-rendered="true"]`, `[data-testid="uptake-table"]`)
	type gapRow struct {
		Node   string   `json:"node"`
		Level  int      `json:"level"`
		Year   int      `json:"year"`
		A      *float64 `json:"value_a"`
		B      *float64 `json:"value_b"`
		Gap    *float64 `json:"gap"`
		Parity *float64 `json:"parity"`
	}
	var sex struct {
		Data []gapRow `json:"data"`
	}
	getJSON(t, base+"/v1/score-gaps/uptake?unit=KEN&sex=F,M&per_page=1000", &sex)
	byNode := map[string]gapRow{}
	for _, r := range sex.Data {
		byNode[r.Node] = r
	}
	idx, ok := byNode["UPTAKE"]
	if !ok || idx.A == nil || idx.B == nil {
		t.Fatalf("GET /v1/score-gaps/uptake?unit=KEN: no index for women and men: %+v", sex.Data)
	}
	var total struct {
		Data []struct {
			Node  string   `json:"node"`
			Value *float64 `json:"value"`
		} `json:"data"`
	}
	getJSON(t, fmt.Sprintf("%s/v1/scores/uptake?unit=KEN&year=%d&per_page=1000", base, idx.Year), &total)
	everyone := ""
	for _, r := range total.Data {
		if r.Node == "UPTAKE" && r.Value != nil {
			everyone = strconv.FormatFloat(*r.Value, 'f', 1, 64)
		}
	}
	one := func(v *float64) string { return strconv.FormatFloat(*v, 'f', 1, 64) }
	cells := evaluate[[]string](t, ctx, `[...document.querySelectorAll('[data-testid="uptake-table"] tr[data-node="UPTAKE"] td')].map((td) => td.textContent)`)
	if len(cells) < 7 || cells[1] != strconv.Itoa(idx.Year) || cells[2] != everyone || cells[3] != one(idx.A) || cells[4] != one(idx.B) ||
		cells[5] != "+"+strconv.FormatFloat(*idx.Gap, 'f', 1, 64) || cells[6] != strconv.FormatFloat(*idx.Parity, 'f', 3, 64) {
		t.Errorf("uptake index, Kenya = %q, want %d, everyone %s, women %s, men %s, gap +%.1f, parity %.3f (GET /v1/score-gaps/uptake, /v1/scores/uptake)",
			cells, idx.Year, everyone, one(idx.A), one(idx.B), *idx.Gap, *idx.Parity)
	}
	// By hand: the index is the mean of the pillars with a score, a pillar the mean of its
	// indicators with a value (goalposts 0 and 100 leave shares as they are; uptake.yaml).
	mean := func(codes ...string) float64 {
		sum, n := 0.0, 0
		for _, c := range codes {
			if r, ok := byNode[c]; ok && r.A != nil {
				sum += *r.A
				n++
			}
		}
		return sum / float64(n)
	}
	online, dfs := mean("ONLINE.internet", "ONLINE.phone"), mean("DFS.account", "DFS.mobile_money")
	if hand := (online + dfs) / 2; math.Abs(hand-*idx.A) > 1e-9 {
		t.Errorf("uptake index for Kenya's women: the API gives %v, by hand (%v + %v) / 2 = %v", *idx.A, online, dfs, hand)
	}
	// The other breakdowns: the index of their two groups, as GET /v1/score-gaps/uptake gives it.
	for dim, pair := range map[string]string{"income": "B40,T60", "area": "R,U"} {
		var res struct {
			Data []gapRow `json:"data"`
		}
		getJSON(t, base+"/v1/score-gaps/uptake?unit=KEN&node=UPTAKE&"+dim+"="+pair, &res)
		if len(res.Data) != 1 || res.Data[0].A == nil || res.Data[0].B == nil {
			continue
		}
		r := res.Data[0]
		got := evaluate[[]string](t, ctx, fmt.Sprintf(`[...document.querySelectorAll('[data-testid="uptake-breakdowns-table"] tr[data-dimension=%q] td')].map((td) => td.textContent)`, dim))
		if len(got) < 6 || got[1] != strconv.Itoa(r.Year) || got[3] != one(r.A) || got[5] != one(r.B) {
			t.Errorf("uptake index by %s, Kenya = %q, want %d, %s and %s (GET /v1/score-gaps/uptake?%s=%s)", dim, got, r.Year, one(r.A), one(r.B), dim, pair)
		}
	}
}

// chooseUnit picks a country in the list, as a user would (the change event).
func chooseUnit(t *testing.T, ctx context.Context, code string) {
	t.Helper()
	do(t, ctx, "choose "+code,
		chromedp.SetValue(chromedp.CSS(`[data-testid="unit-select"]`), code),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-testid="unit-select"]').dispatchEvent(new Event("change", {bubbles: true}))`),
	)
}

// checkRegions chooses Kazakhstan in "Who is left behind": its 20 regions (GET /v1/units?parent=KAZ)
// by internet use and mobile phone ownership, checked against the source file, on a desktop and a
// phone; then Kenya again (the phone test goes back to it).
func checkRegions(t *testing.T, ctx context.Context, base, artifacts string, axeSource []byte) {
	t.Helper()
	var regions struct {
		Data []struct {
			Code   string `json:"code"`
			Name   string `json:"name"`
			Parent string `json:"parent"`
		} `json:"data"`
	}
	getJSON(t, base+"/v1/units?parent=KAZ&per_page=1000", &regions)
	if len(regions.Data) != 20 {
		t.Fatalf("GET /v1/units?parent=KAZ: %d regions, want Kazakhstan's 20", len(regions.Data))
	}
	chooseUnit(t, ctx, "KAZ")
	phones := `[data-testid="regions-table-itu.mobile_ownership"]`
	waitView(t, ctx, "leftbehind", `#view-leftbehind[data-unit="KAZ"]`, `[data-testid="leftbehind-regions-section"][data-regions="20"]`, phones,
		`[data-testid="regions-chart-itu.mobile_ownership"][data-rendered="true"]`, `[data-testid="regions-chart-itu.internet_use"][data-rendered="true"]`)
	shown := evaluate[[]string](t, ctx, `[...document.querySelectorAll('[data-testid="regions-table-itu.mobile_ownership"] tbody tr')].map((r) => r.dataset.unit)`)
	for _, r := range regions.Data {
		if !slices.Contains(shown, r.Code) {
			t.Errorf("left behind, Kazakhstan: no mobile phone ownership row for %s (%s)", r.Code, r.Name)
		}
	}
	if len(shown) != 21 || shown[0] != "KAZ" {
		t.Errorf("left behind, Kazakhstan: mobile phone ownership rows %q, want the country first and its 20 regions", shown)
	}
	// Akmola (KZ-AKM), 2023: women 96.1 %, men 98.0 %, both sexes 97.0 %
	// (datasets/sources/subnational-opensdg/kz/data_indicator_5-b-1.csv, lines 1046-1048).
	akm := evaluate[[]string](t, ctx, `[...document.querySelectorAll('[data-testid="regions-table-itu.mobile_ownership"] tr[data-unit="KZ-AKM"] td')].map((td) => td.textContent)`)
	if len(akm) < 6 || akm[1] != "2023" || akm[2] != "96.1%" || akm[3] != "98%" || akm[4] != fmt.Sprintf("%.3f", 96.1/98.0) || akm[5] != "97%" {
		t.Errorf("left behind, Akmola's mobile phone ownership = %q, want 2023, 96.1%%, 98%%, %.3f, 97%%", akm, 96.1/98.0)
	}
	header, rows := downloadCSV(t, ctx, "download-regions-itu.mobile_ownership")
	if i := slices.Index(header, "unit"); i < 0 || !slices.ContainsFunc(rows, func(r []string) bool { return r[i] == "KZ-AKM" }) {
		t.Errorf("regions CSV (header %v) has no row for KZ-AKM", header)
	}
	screenshot(t, ctx, artifacts, "leftbehind-regions")
	checkAxe(t, ctx, axeSource, "leftbehind (Kazakhstan)")

	do(t, ctx, "phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)))
	waitFor(t, ctx, `[data-testid="regions-chart-itu.mobile_ownership"][data-rendered="true"]`)
	if w := evaluate[float64](t, ctx, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("on a 390 px wide phone, Kazakhstan's regions are %v px wide: something does not wrap", w)
	}
	if wide := evaluate[[]string](t, ctx, `[...document.querySelectorAll('#view-leftbehind .table-wrap')].filter((w) => w.offsetParent && w.scrollWidth > w.clientWidth + 1).map((w) => w.getAttribute("aria-label"))`); len(wide) > 0 {
		t.Errorf("on a phone, Kazakhstan's left-behind tables scroll sideways: %q", wide)
	}
	screenshot(t, ctx, artifacts, "leftbehind-regions-phone")
	do(t, ctx, "desktop viewport", chromedp.EmulateViewport(1440, 900))
	chooseUnit(t, ctx, "KEN")
	waitView(t, ctx, "leftbehind", `#view-leftbehind[data-unit="KEN"]`, `[data-testid="leftbehind-regions-section"][data-regions="0"]`)
}
