// View 1, the world map: a choropleth of one framework node (the index by
// default) for one year. Shapes are world-atlas's Natural Earth 1:50m
// countries, keyed by ISO 3166-1 numeric code, matched to DRI's units through
// their m49 code. Countries too small to see get a dot at their centroid;
// units with no shape at all are listed under the map; every value is also in
// a ranked table, which is the keyboard route to the profiles.
import type { FeatureCollection } from "geojson";
import { apiURL, csvURL, get, type DataRow, type ScoreRow } from "./api";
import { chart, echarts, draw, MUTED, NO_DATA_COLOUR, VIRIDIS, TEXT } from "./charts";
import { framework, nodeName, root, scored, unitName, yearOf, type Ctx, type State } from "./context";
import { downloadLink, h, option, replace, table } from "./dom";
import { fixed, full, num, pct, scoreDecimals, withUnit } from "./format";
import { rankIntervalText, rankIntervals, type RankInterval } from "./uncertainty";
import { intervalColumns, rowsLink, SCORE_UNIT } from "./csv";
import { runner, statusLine, type Nav, type ViewImpl } from "./view";

const MAP = "world";

interface ShapeFile {
  width: number;
  height: number;
  /** polygons: rings of x0,y0,x1,y1,... in tenths of a pixel (y up), the first ring the outline; dot: where a small country's dot goes. */
  features: { id: string; name: string; polygons: number[][][]; dot?: [number, number] }[];
}

interface Shapes {
  /** drawn holds the unit codes that have a shape. */
  drawn: Set<string>;
  /** dots gives the position of units whose shapes are too small to see. */
  dots: Map<string, [number, number]>;
}

let shapes: Promise<Shapes> | undefined;

/** yieldToPage lets the browser paint and handle input between steps of work (no long task). */
const yieldToPage = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * loadShapes fetches the map once (already projected and simplified by the
 * build: shapes.mjs), joins it to the units by M49 code (or name) and
 * registers it with ECharts.
 */
function loadShapes(ctx: Ctx): Promise<Shapes> {
  shapes ??= (async () => {
    const res = await fetch(__SHAPES_URL__);
    if (!res.ok) throw new Error(`map shapes: ${res.status} ${res.statusText}`);
    const file = (await res.json()) as ShapeFile;
    await yieldToPage();
    const byM49 = new Map(ctx.units.map((u) => [u.m49, u.code]));
    const byName = new Map(ctx.units.map((u) => [u.name, u.code]));
    const parts = new Map<string, number[][][]>();
    const drawn = new Set<string>();
    const dots = new Map<string, [number, number]>();
    for (const f of file.features) {
      // Features without a numeric code (Kosovo, Somaliland, ...) match a unit by name or stay unnamed shapes.
      const key = (f.id && byM49.get(f.id)) || byName.get(f.name) || `atlas:${f.name}`;
      parts.set(key, [...(parts.get(key) ?? []), ...f.polygons]);
      if (key.startsWith("atlas:")) continue;
      drawn.add(key);
      if (f.dot) dots.set(key, [f.dot[0] / 10, f.dot[1] / 10]);
    }
    const ring = (r: number[]) => {
      const out: [number, number][] = new Array(r.length / 2);
      for (let i = 0; i < r.length; i += 2) out[i / 2] = [r[i] / 10, r[i + 1] / 10];
      return out;
    };
    const fc: FeatureCollection = {
      type: "FeatureCollection",
      features: [...parts].map(([key, polygons]) => ({
        type: "Feature",
        properties: { name: key },
        geometry: { type: "MultiPolygon", coordinates: polygons.map((p) => p.map(ring)) },
      })),
    };
    echarts.registerMap(MAP, fc as never);
    await yieldToPage();
    return { drawn, dots };
  })();
  shapes.catch(() => (shapes = undefined));
  return shapes;
}


/** MAP_DRAWN is the performance mark set when the first map has been drawn. */
const MAP_DRAWN = "dri:map-drawn";
function markDrawn() {
  if (performance.getEntriesByName(MAP_DRAWN).length === 0) performance.mark(MAP_DRAWN);
}
/** coarse is true on touch screens, where the map zooms and pans. */
const coarse = window.matchMedia("(pointer: coarse)").matches;

export function createMapView(ctx: Ctx, section: HTMLElement, nav: Nav): ViewImpl {
  const nodeSelect = h("select", { id: "node-select", "data-testid": "node-select" });
  nodeSelect.addEventListener("change", () => nav.update({ node: nodeSelect.value }));
  // An indicator is mapped in its own unit (%, US$, ...) by default, or as DRI's score of it.
  const measure = h("select", { id: "map-measure", "data-testid": "map-measure" }, option("raw", "Value as published"), option("score", "DRI score"));
  let lastState: State | undefined;
  measure.addEventListener("change", () => {
    if (lastState) void view.render(lastState);
  });
  const lede = h("p", { class: "lede" });
  const status = statusLine();
  const mapEl = h("div", { class: "chart map", "data-testid": "map" });
  const legend = h("p", { class: "legend-note" });
  const downloads = h("p", { class: "downloads" });
  const fallback = h("div", { class: "fallback" });
  const ranking = h("div");
  // Search by name: a text field with the scored countries as suggestions.
  const names = h("datalist", { id: "map-search-names" });
  const search = h("input", {
    type: "search",
    id: "map-search",
    list: "map-search-names",
    autocomplete: "off",
    placeholder: "Type a country name",
    "data-testid": "map-search",
  });
  const scoredUnits = ctx.units.filter(scored).sort((a, b) => a.name.localeCompare(b.name));
  replace(names, scoredUnits.map((u) => h("option", { value: u.name })));
  const findUnit = (text: string): string => {
    const q = text.trim().toLocaleLowerCase();
    if (!q) return "";
    const exact = scoredUnits.find((u) => u.name.toLocaleLowerCase() === q || u.code.toLocaleLowerCase() === q);
    if (exact) return exact.code;
    const starts = scoredUnits.filter((u) => u.name.toLocaleLowerCase().startsWith(q));
    return starts.length === 1 ? starts[0].code : "";
  };
  const searchNote = h("span", { class: "muted search-note", "aria-live": "polite" });
  search.addEventListener("change", () => {
    const code = findUnit(search.value);
    replace(searchNote, code || !search.value.trim() ? "" : `No country named "${search.value.trim()}"`);
    if (code) nav.update({ unit: code });
  });
  const card = h("aside", { class: "map-card", "data-testid": "map-card", "aria-label": "Chosen country", "aria-live": "polite" });
  card.hidden = true;
  replace(
    section,
    h(
      "div",
      { class: "view-head" },
      h("h2", null, "World map"),
      h("label", { class: "field wide" }, h("span", null, "Show"), nodeSelect),
      h("label", { class: "field" }, h("span", null, "Colour by"), measure),
      h("label", { class: "field search" }, h("span", null, "Find a country"), search, names, searchNote),
    ),
    lede,
    status,
    h("div", { class: "map-wrap" }, h("figure", { class: "map-figure" }, mapEl, h("figcaption", null, legend)), card),
    downloads,
    fallback,
    h("details", { class: "ranking" }, h("summary", null, "All values as a ranked table"), ranking),
  );
  const run = runner(section, status);
  let rowsByUnit = new Map<string, ScoreRow>();
  /** rawByUnit holds, when an indicator is mapped as published, each country's latest value up to the year. */
  let rawByUnit = new Map<string, DataRow>();
  let rawUnit = "";
  let intervals = new Map<string, RankInterval>();
  let ranked = 0;
  let decimals = 2;
  let drawnKey = "";
  let scaleHi = 5;
  let current: State | undefined;

  /** select marks the chosen country on the map and fills its card. */
  function select(state: State) {
    const code = state.unit;
    // A thick black outline on the chosen country (dots, for countries too small to see: a larger ring).
    if (mapEl.dataset.selected !== code) {
      chart(mapEl).setOption({ geo: { regions: regions(code) }, series: [{}, { data: dotData(code) }] });
    }
    mapEl.dataset.selected = code;
    if (search.value && findUnit(search.value) !== code) search.value = "";
    const r = rowsByUnit.get(code);
    card.hidden = !code;
    if (!code) {
      replace(card);
      delete card.dataset.unit;
      return;
    }
    card.dataset.unit = code;
    const name = r?.unit_name ?? unitName(ctx, code);
    const interval = rankIntervalText(intervals.get(code));
    replace(
      card,
      h("h3", { "data-testid": "map-card-name" }, name),
      !r || r.value == null
        ? h("p", null, r ? "No score: too little data." : "Not scored.")
        : h(
            "dl",
            { class: "card-facts" },
            rawByUnit.get(code) &&
              h("div", { class: "wide" }, h("dt", null, "Value as published"), h("dd", { "data-testid": "map-card-value", title: full(rawByUnit.get(code)!.value) }, withUnit(rawByUnit.get(code)!.value, rawUnit), h("span", { class: "scale" }, ` (${rawByUnit.get(code)!.year})`))),
            h("div", null, h("dt", null, "Score"), h("dd", { "data-testid": "map-card-score", title: full(r.value) }, fixed(r.value, decimals), h("span", { class: "scale" }, ` of ${scaleHi}`))),
            h("div", null, h("dt", null, "Rank"), h("dd", { "data-testid": "map-card-rank" }, r.rank != null ? `${r.rank} of ${ranked}` : "not ranked")),
            h("div", null, h("dt", null, "Stage"), h("dd", { "data-testid": "map-card-tier" }, r.tier || "–")),
            h("div", null, h("dt", null, "Data coverage"), h("dd", null, pct(r.coverage))),
          ),
      interval && h("p", { class: "muted", "data-testid": "map-card-interval" }, interval),
      h(
        "p",
        { class: "card-actions" },
        h("a", { href: nav.href({ view: "profile", unit: code }), "data-testid": "map-card-profile" }, `${name}'s profile`),
        " ",
        h("button", { type: "button", class: "link", onclick: () => nav.update({ unit: "" }) }, "Clear"),
      ),
    );
  }
  const regions = (code: string) =>
    code ? [{ name: code, itemStyle: { borderColor: "#000000", borderWidth: 2.2 }, emphasis: { itemStyle: { borderColor: "#000000", borderWidth: 2.2 } } }] : [];
  let dots: { name: string; value: number[] }[] = [];
  const dotData = (chosen: string) =>
    dots.map((d) =>
      d.name === chosen ? { ...d, symbolSize: 13, itemStyle: { borderColor: "#000000", borderWidth: 2.5 } } : d,
    );

  function tooltip(code: string): HTMLElement {
    const r = rowsByUnit.get(code);
    const name = r?.unit_name ?? (code.startsWith("atlas:") ? code.slice(6) : unitName(ctx, code));
    const interval = rankIntervalText(intervals.get(code));
    if (!r || r.value == null) {
      return h("div", { class: "tt" }, h("strong", null, name), h("div", null, r ? "No score: too little data" : "Not scored"));
    }
    return h(
      "div",
      { class: "tt" },
      h("strong", null, name),
      rawByUnit.get(code) && h("div", null, `${withUnit(rawByUnit.get(code)!.value, rawUnit)} in ${rawByUnit.get(code)!.year}`),
      h("div", null, `Score ${fixed(r.value, decimals)}`),
      h("div", null, r.rank != null ? `Rank ${r.rank} of ${ranked}` : "Not ranked"),
      r.tier && h("div", null, `Stage ${r.tier}`),
      h("div", null, `Data coverage ${pct(r.coverage)}`),
      interval && h("div", null, interval),
      h("div", { class: "muted" }, "Click or tap to choose"),
    );
  }

  const view: ViewImpl = {
    render: (state: State) =>
      run(async (stale) => {
        lastState = state;
        const fw = await framework(state.fw);
        const year = yearOf(fw, state);
        const top = root(fw);
        const node = fw.nodes.find((n) => n.code === state.node && !n.no_data_shipped) ?? top;
        fillNodes(nodeSelect, ctx, fw.nodes, node.code);
        const url = apiURL(`scores/${encodeURIComponent(fw.id)}`, { year, node: node.code, per_page: 1000 });
        const ind = node.indicator ? ctx.indicatorById.get(node.indicator) : undefined;
        measure.disabled = !ind;
        const raw = ind != null && measure.value === "raw";
        const key = `${url} ${raw}`;
        current = state;
        if (key === drawnKey) {
          select(state);
          return;
        }
        // Rank intervals are of the index: other nodes show none.
        // An indicator's values: the latest in the framework's window of years up to the year (as its scores use).
        const rawURL = ind ? apiURL("data", { indicator: ind.id, sex: "_T", area: "_T", age: "_T", date: `${year - YEAR_WINDOW + 1}:${year}`, per_page: 10000 }) : "";
        const [res, sh, iv, rawRes] = await Promise.all([
          get<ScoreRow[]>(url),
          loadShapes(ctx),
          node === top ? rankIntervals(fw, year) : Promise.resolve(new Map<string, RankInterval>()),
          raw ? get<DataRow[]>(rawURL) : Promise.resolve(null),
        ]);
        if (stale()) return;
        rawByUnit = new Map();
        rawUnit = ind?.unit ?? "";
        for (const d of rawRes?.data ?? []) {
          if (d.type === "group" || d.value == null) continue;
          const had = rawByUnit.get(d.unit);
          if (!had || d.year > had.year) rawByUnit.set(d.unit, d);
        }
        drawnKey = "";
        intervals = iv;
        scaleHi = fw.scale.hi;
        const rows = res.data.filter((r) => r.type !== "group");
        rowsByUnit = new Map(rows.map((r) => [r.unit, r]));
        ranked = rows.filter((r) => r.rank != null).length;
        decimals = scoreDecimals(fw.scale.hi);
        // What the colours show: the scores, or the indicator's values as published.
        const coloured = new Map<string, number>();
        if (raw) {
          for (const r of rows) {
            const d = rawByUnit.get(r.unit);
            if (d?.value != null) coloured.set(r.unit, d.value);
          }
        } else {
          for (const r of rows) if (r.value != null) coloured.set(r.unit, r.value);
        }
        const values = [...coloured.values()];
        const lo = raw ? (rawUnit.startsWith("percent") ? 0 : Math.min(...values)) : Math.min(fw.scale.lo, ...values);
        const hi = raw ? (rawUnit === "percent" ? 100 : Math.max(...values)) : Math.max(fw.scale.hi, ...values);
        const what = node === top ? fw.name : `${nodeName(ctx, node)} (${fw.name})`;
        const years = [...rawByUnit.values()].map((d) => d.year);
        replace(
          lede,
          raw
            ? `${ind!.name}, ${unitLabel(rawUnit)}: each country's latest value up to ${year} (${Math.min(...years)}–${Math.max(...years)}), ` +
                `${values.length} of ${rows.length} countries. ${ind!.polarity < 0 ? "Lower is better. " : ""}Colours show the value as published; ` +
                `the tooltip, the card and the table add DRI's score of it (${fw.scale.lo} to ${fw.scale.hi}) and its rank.`
            : `${what}, ${year}. ${values.length} of ${rows.length} countries have a score, on a scale of ${fw.scale.lo} to ${fw.scale.hi}.`,
        );
        mapEl.dataset.measure = raw ? "raw" : "score";
        mapEl.dataset.unit = raw ? rawUnit : SCORE_UNIT(fw.scale.lo, fw.scale.hi);
        replace(
          legend,
          h("span", { class: "swatch nodata", "aria-hidden": "true" }),
          " no score or not scored",
          h("span", { class: "swatch dot", "aria-hidden": "true" }),
          " dots mark countries too small to see",
        );
        const unitOfValues = SCORE_UNIT(fw.scale.lo, fw.scale.hi);
        replace(
          downloads,
          rowsLink(
            "download-map",
            `dri-${fw.id}-${node.code}-${year}.csv`,
            rows,
            () => ({ framework: fw.id, node_name: nodeName(ctx, node), value_unit: unitOfValues }),
            (r) => ({
              ...(node === top ? intervalColumns(iv.get(r.unit)) : {}),
              ...(ind
                ? {
                    indicator: ind.id,
                    raw: rawByUnit.get(r.unit)?.value ?? null,
                    raw_unit: ind.unit,
                    raw_year: rawByUnit.get(r.unit)?.year ?? null,
                    raw_source: rawByUnit.get(r.unit)?.source ?? "",
                  }
                : {}),
            }),
          ),
          " ",
          downloadLink("download-map-api", csvURL(url), `dri-${fw.id}-${node.code}-${year}-api.csv`, "The API's CSV"),
        );
        section.dataset.framework = fw.id;
        section.dataset.year = String(year);
        section.dataset.node = node.code;

        dots = [...sh.dots].flatMap(([code, [lon, lat]]) => {
          const v = coloured.get(code);
          return v != null ? [{ name: code, value: [lon, lat, v] }] : [];
        });
        const scale = {
          type: "continuous",
          min: lo,
          max: hi,
          inRange: { color: VIRIDIS },
          calculable: false,
          precision: raw ? 2 : decimals,
        };
        // The first map on screen: the browser test reads this mark (time to map drawn).
        if (performance.getEntriesByName(MAP_DRAWN).length === 0) chart(mapEl).on("finished", markDrawn);
        const c = draw(mapEl, {
          aria: { enabled: true, label: { description: `Choropleth map: ${what}, ${year}. The same values are in the ranked table below the map.` } },
          tooltip: {
            trigger: "item",
            confine: true,
            formatter: (p: { name: string }) => tooltip(p.name),
          },
          visualMap: [
            {
              ...scale,
              seriesIndex: 0,
              orient: "horizontal",
              left: "center",
              bottom: 0,
              itemWidth: 12,
              itemHeight: 220,
              text: raw ? [withUnit(hi, rawUnit), withUnit(lo, rawUnit)] : [fixed(hi, decimals === 3 ? 1 : 0), fixed(lo, decimals === 3 ? 1 : 0)],
              textStyle: { color: TEXT },
            },
            { ...scale, seriesIndex: 1, dimension: 2, show: false },
          ],
          geo: {
            map: MAP,
            // The shapes are projected already (Equal Earth, by the build): drawn as they are, without ECharts' latitude squash.
            aspectScale: 1,
            top: 8,
            bottom: 44,
            left: 4,
            right: 4,
            itemStyle: { areaColor: NO_DATA_COLOUR, borderColor: "#ffffff", borderWidth: 0.4 },
            emphasis: {
              label: { show: false },
              itemStyle: { areaColor: null, color: null, borderColor: "#000000", borderWidth: 1.2 },
            },
            // No region label in any state: ECharts would lay out (measure) a text per country.
            label: { show: false },
            select: { disabled: true, label: { show: false } },
            blur: { label: { show: false } },
            regions: regions(state.unit),
            // Pinch and drag on touch screens; a mouse wheel keeps scrolling the page.
            roam: coarse,
            scaleLimit: { min: 1, max: 12 },
            tooltip: { show: true },
          },
          series: [
            {
              type: "map",
              geoIndex: 0,
              data: [...coloured].map(([name, value]) => ({ name, value })),
            },
            {
              type: "scatter",
              coordinateSystem: "geo",
              data: dotData(state.unit),
              symbolSize: 7,
              itemStyle: { borderColor: MUTED, borderWidth: 0.8 },
              emphasis: { scale: 1.6 },
            },
          ],
        }, true);
        c.off("click");
        c.on("click", (p: { name?: string }) => {
          const code = p.name ?? "";
          // A click or tap chooses the country: its card opens beside the map (the card links to the profile).
          if (coarse) c.dispatchAction({ type: "hideTip" });
          if (scored(ctx.unitByCode.get(code))) nav.update({ unit: code });
          else if (current) select(current);
        });
        drawnKey = key;
        mapEl.dataset.selected = state.unit;
        select(state);

        const missing = rows.filter((r) => !sh.drawn.has(r.unit));
        replace(
          fallback,
          missing.length > 0 && [
            h("h3", null, "Not on the map"),
            h("p", { class: "muted" }, "The Natural Earth 1:50m shapes have no outline for these countries."),
            table(
              { "data-testid": "map-fallback" },
              `Countries without a shape on the map, ${year}`,
              ["Country", "Score", "Rank", "Stage"],
              missing.map((r) => scoreCells(r, decimals, ranked, nav)),
              [false, true, true, false],
            ),
          ],
        );
        const order = [...rows].sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || a.unit_name.localeCompare(b.unit_name));
        replace(
          ranking,
          table(
            { "data-testid": "map-table" },
            `${what}, ${year}, all countries by rank`,
            ["Country", "Score", "Rank", "Rank interval (90 %)", "Stage", "Data coverage", ...(raw ? [`Value (${unitLabel(rawUnit)})`, "Year"] : [])],
            order.map((r) => {
              const [country, score, rank, stage] = scoreCells(r, decimals, ranked, nav);
              const v = iv.get(r.unit);
              const interval = v ? (v.lo === v.hi ? String(v.lo) : `${v.lo}–${v.hi}`) : "–";
              const d = rawByUnit.get(r.unit);
              return {
                attrs: { "data-unit": r.unit },
                cells: [country, score, rank, interval, stage, pct(r.coverage), ...(raw ? [h("span", { title: full(d?.value) }, num(d?.value)), d ? String(d.year) : "–"] : [])],
              };
            }),
            [false, true, true, true, false, true, true, true],
            [false, false, false, false, true, true, false, true],
          ),
        );
      }),
  };
  return view;
}

/** YEAR_WINDOW is how many years back a score reaches for an indicator's latest value (the frameworks' year_window). */
const YEAR_WINDOW = 8;

/** unitLabel names a registry unit for a legend ("percent" is "%"). */
function unitLabel(unit: string): string {
  return unit === "percent" ? "%" : unit.replaceAll("_", " ");
}

function scoreCells(r: ScoreRow, decimals: number, ranked: number, nav: Nav) {
  return [
    h("a", { href: nav.href({ view: "profile", unit: r.unit }) }, r.unit_name),
    h("span", { title: full(r.value) }, fixed(r.value, decimals)),
    r.rank != null ? `${r.rank} of ${ranked}` : "–",
    r.tier || "–",
  ];
}

/** fillNodes lists the framework's nodes, indented by depth, those without shipped data left out. */
function fillNodes(select: HTMLSelectElement, ctx: Ctx, nodes: { code: string; name: string; parent?: string; indicator?: string; no_data_shipped: boolean }[], chosen: string) {
  const depth = new Map<string, number>();
  const opts = nodes
    .filter((n) => !n.no_data_shipped)
    .map((n) => {
      const d = n.parent ? (depth.get(n.parent) ?? 0) + 1 : 0;
      depth.set(n.code, d);
      const label = "\u2003".repeat(d) + (d === 0 ? `${nodeName(ctx, n)} (index)` : nodeName(ctx, n));
      return option(n.code, label, n.code === chosen);
    });
  select.replaceChildren(...opts);
}
