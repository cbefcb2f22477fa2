// View 6, who is left behind: for the focus country, every inclusion gap the
// API computes (GET /v1/gaps, one call per breakdown: women/men, rural/urban,
// poorest 40 %/richest 60 %, youth/adults, primary or less/secondary or more,
// outside/in the labour force) beside the LDCs' and the world's, as a dot
// plot of parity indexes with the parity band shaded, and a table per
// breakdown with the values and their years. A group figure the group rule
// withholds is shown as withheld, with its reason, never as a value.
import { apiURL, csvURL, get, type GapRow } from "./api";
import { draw, legend, MUTED, OKABE_ITO } from "./charts";
import "./plots";
import { unitName, type Ctx, type State } from "./context";
import { downloadLink, h, replace, table, type Child } from "./dom";
import { fixed, full, NO_DATA, pct, withUnit } from "./format";
import { rowsLink } from "./csv";
import { drawRegions } from "./regions";
import { runner, statusLine, type Nav, type ViewImpl } from "./view";

/** Breakdown is a dimension of GET /v1/gaps with the names of its pair (as pipeline/dims says them). */
export interface Breakdown {
  id: string;
  title: string;
  /** short heads the breakdown's rows in a narrow chart. */
  short: string;
  focus: string;
  reference: string;
}

export const BREAKDOWNS: Breakdown[] = [
  { id: "sex", title: "Women and men", short: "By sex", focus: "Women", reference: "Men" },
  { id: "area", title: "Rural and urban", short: "By area", focus: "Rural", reference: "Urban" },
  { id: "income", title: "Poorest 40 % and richest 60 %", short: "By income", focus: "Poorest 40 %", reference: "Richest 60 %" },
  { id: "age", title: "Youth and adults", short: "By age", focus: "Youth (15-24)", reference: "Adults (25+)" },
  { id: "education", title: "Primary education or less and secondary or more", short: "By education", focus: "Primary or less", reference: "Secondary or more" },
  { id: "labour", title: "Outside and in the labour force", short: "By labour force", focus: "Outside the labour force", reference: "In the labour force" },
];

/** The groups every country is set against. */
const GROUPS = ["LDC", "WLD"];
const COLOURS = [OKABE_ITO.blue, OKABE_ITO.orange, OKABE_ITO.green];
const SYMBOLS = ["circle", "diamond", "triangle"];

interface Answer {
  dim: Breakdown;
  url: string;
  year: number;
  window: number;
  band: { lo: number; hi: number };
  rows: GapRow[];
}

/** withheld is a row whose figure the group rule does not show. */
const isWithheld = (r: GapRow) => r.parity_index == null && r.note.startsWith("withheld");
const reasonOf = (r: GapRow) => r.note.replace(/^withheld: /, "");

export function createLeftBehindView(ctx: Ctx, section: HTMLElement, _nav: Nav): ViewImpl {
  const lede = h("p", { class: "lede" });
  const status = statusLine();
  const key = h("div");
  const chartEl = h("div", { class: "chart leftbehind", "data-testid": "leftbehind-chart" });
  const chartNote = h("p", { class: "muted small" });
  const chartCard = h("div", { class: "card" }, key, chartEl, chartNote);
  const missing = h("p", { class: "muted", "data-testid": "leftbehind-missing" });
  const tables = h("div", { class: "leftbehind-tables" });
  const regions = h("div", { "data-testid": "leftbehind-regions-section" });
  const uptake = h("div", { "data-testid": "leftbehind-uptake-section" });
  replace(
    section,
    h("div", { class: "view-head" }, h("h2", null, "Who is left behind")),
    lede,
    status,
    chartCard,
    missing,
    tables,
    regions,
    uptake,
  );
  const run = runner(section, status);

  return {
    render: (state: State) =>
      run(async (stale) => {
        const unit = state.unit;
        section.dataset.unit = unit;
        if (!unit) {
          replace(lede, "Choose a country above: this view sets its gaps between women and men, rural and urban, poorer and richer, young and older people against the LDCs' and the world's.");
          chartCard.hidden = true;
          replace(missing);
          replace(tables);
          replace(regions);
          replace(uptake);
          return;
        }
        const units = [unit, ...GROUPS];
        const answers: Answer[] = await Promise.all(
          BREAKDOWNS.map(async (dim) => {
            const url = apiURL("gaps", { dimension: dim.id, unit: units.join(","), per_page: 1000 });
            const res = await get<GapRow[]>(url);
            const m = res.meta as { year?: number; window?: number; parity_band?: { lo: number; hi: number } };
            return { dim, url, year: m.year ?? 0, window: m.window ?? 0, band: m.parity_band ?? { lo: 0.98, hi: 1.02 }, rows: res.data };
          }),
        );
        if (stale()) return;
        // The regions draw beside the gaps (their own requests; a country without regions empties the block).
        const regionsDrawn = drawRegions(ctx, regions, unit, stale);
        const shown = answers.filter((a) => a.rows.length > 0);
        const band = shown[0]?.band ?? answers[0].band;
        const name = unitName(ctx, unit);
        section.dataset.dimensions = shown.map((a) => a.dim.id).join(",");
        replace(
          lede,
          `Parity index = the first group's value ÷ the second's (women ÷ men, rural ÷ urban, poorest 40 % ÷ richest 60 %, …). ` +
            `Between ${band.lo} and ${band.hi} counts as parity; below, the first group is behind. ` +
            `${name}'s latest pair of values is used (its year is beside the dot); the LDC and world figures are the group rule's, for the year shown with each breakdown.`,
        );
        const gone = answers.filter((a) => a.rows.length === 0).map((a) => a.dim.title.toLowerCase());
        replace(missing, gone.length > 0 && `No indicator in this snapshot is split ${gone.length > 1 ? "into these groups" : "this way"} for ${name}, the LDCs or the world: ${gone.join("; ")}.`);
        chartCard.hidden = shown.length === 0;
        if (shown.length > 0) drawChart(ctx, chartEl, key, chartNote, unit, shown, band);
        replace(tables, shown.map((a) => gapTable(ctx, unit, a)));
        await regionsDrawn;
      }),
  };
}

/** label is an indicator's name in the registry. */
function indicatorName(ctx: Ctx, id: string): string {
  return ctx.indicatorById.get(id)?.name ?? id;
}

/**
 * drawChart draws the dot plot: a row per breakdown and indicator (under a
 * heading row per breakdown), the country's parity index as a labelled dot
 * (its year beside it), the LDCs' and the world's as other markers, and the
 * parity band shaded. Withheld figures get no marker: the row's label says
 * "withheld" and its tooltip the reason.
 */
function drawChart(ctx: Ctx, el: HTMLElement, key: HTMLElement, note: HTMLElement, unit: string, answers: Answer[], band: { lo: number; hi: number }) {
  const units = [unit, ...GROUPS];
  interface Line {
    label: string;
    head?: Answer;
    answer?: Answer;
    indicator?: string;
    byUnit: Map<string, GapRow>;
  }
  const narrow = el.clientWidth < 500;
  const lines: Line[] = [];
  for (const a of answers) {
    lines.push({ label: `${narrow ? a.dim.short : a.dim.title}, ${a.year}`, head: a, byUnit: new Map() });
    const inds = [...new Set(a.rows.map((r) => r.indicator))];
    const head = lines.length;
    for (const id of inds) {
      const byUnit = new Map(a.rows.filter((r) => r.indicator === id).map((r) => [r.unit, r]));
      // An indicator where no one has a figure (every group withheld, the country without data) says nothing here: the table lists it.
      if (![...byUnit.values()].some((r) => r.parity_index != null)) continue;
      lines.push({ label: indicatorName(ctx, id), answer: a, indicator: id, byUnit });
    }
    // A breakdown with no figure at all has no heading either.
    if (lines.length === head) lines.pop();
  }
  const values = answers.flatMap((a) => a.rows.map((r) => r.parity_index).filter((v): v is number => v != null));
  const lo = Math.min(0.9, Math.max(0, Math.floor((Math.min(...values) - 0.05) * 10) / 10));
  const hi = Math.max(1.1, Math.ceil((Math.max(...values) + 0.05) * 10) / 10);
  const names = units.map((u) => (u === "WLD" ? "World" : unitName(ctx, u)));

  replace(
    key,
    legend([
      ...names.map((label, i) => ({ label, colour: COLOURS[i], symbol: SYMBOLS[i] })),
      { label: `Parity band ${band.lo}–${band.hi}`, colour: "", symbol: "band" },
    ]),
  );
  const withheldNames = (l: Line) =>
    GROUPS.filter((g) => {
      const r = l.byUnit.get(g);
      return r != null && isWithheld(r);
    });
  el.style.height = `${lines.length * (narrow ? 30 : 34) + 70}px`;
  el.dataset.rows = String(lines.filter((l) => !l.head).length);
  draw(el, {
    aria: { enabled: true, label: { description: `Parity indexes by breakdown and indicator for ${names.join(", ")}; the tables below give the values and their years.` } },
    grid: { left: 8, right: 16, top: 28, bottom: 40, containLabel: true },
    tooltip: {
      trigger: "axis",
      confine: true,
      axisPointer: { type: "shadow" },
      formatter: (ps: { value: number[] }[] | { value: number[] }) => {
        // Every point's value is [parity index, row]: the row says which line the pointer is on.
        const first = Array.isArray(ps) ? ps[0] : ps;
        const l = lines[first?.value?.[1] ?? -1];
        if (!l || l.head || !l.answer) return "";
        const a = l.answer;
        return h(
          "div",
          { class: "tt" },
          h("strong", null, l.label),
          h("div", { class: "muted" }, `${a.dim.focus} ÷ ${a.dim.reference}`),
          units.map((u, i) => {
            const r = l.byUnit.get(u);
            if (!r) return h("div", null, `${names[i]}: no data`);
            if (isWithheld(r)) return h("div", null, `${names[i]}: withheld (${reasonOf(r)})`);
            return h("div", null, `${names[i]}: ${fixed(r.parity_index, 3)}, ${r.year}${r.parity ? ` (${r.parity})` : ""}`);
          }),
        );
      },
    },
    // The scale at the top too: the chart is long.
    xAxis: [
      { type: "value", min: lo, max: hi, name: "Parity index", nameLocation: "middle", nameGap: 26 },
      { type: "value", min: lo, max: hi, position: "top", splitLine: { show: false } },
    ],
    yAxis: {
      type: "category",
      inverse: true,
      data: lines.map((l) => ({ value: l.label, textStyle: l.head ? { fontWeight: "bold" } : {} })),
      axisTick: { show: false },
      axisLabel: {
        width: narrow ? 130 : 300,
        // Long names take two lines on a wide screen; a phone shortens them (the table has them whole).
        overflow: narrow ? "truncate" : "break",
        lineHeight: 14,
      },
      splitLine: { show: true, lineStyle: { color: "#eeeeee" } },
    },
    series: [
      ...units.map((u, i) => ({
      type: "scatter",
      name: names[i],
      symbol: SYMBOLS[i],
      symbolSize: i === 0 ? 14 : 10,
      z: i === 0 ? 4 : 3,
      symbolOffset: [0, i === 0 ? 0 : i === 1 ? -5 : 5],
      itemStyle: { color: COLOURS[i], borderColor: "#ffffff", borderWidth: 1 },
      data: lines
        .map((l, row) => {
          const r = l.byUnit.get(u);
          if (!r || r.parity_index == null) return null;
          return { value: [r.parity_index, row], year: r.year };
        })
        .filter((x) => x != null),
      // The country's dots carry their year: the latest pair of values differs by indicator.
      label: i === 0 ? { show: true, position: "right", distance: 6, fontSize: 11, color: MUTED, formatter: (p: { data: { year: number } }) => String(p.data.year) } : { show: false },
      ...(i === 0
        ? {
            markArea: {
              silent: true,
              itemStyle: { color: "rgba(0,0,0,0.08)" },
              label: { show: false },
              data: [[{ xAxis: band.lo }, { xAxis: band.hi }]],
            },
            markLine: { silent: true, symbol: "none", label: { show: false }, lineStyle: { color: MUTED, type: "dashed" }, data: [{ xAxis: 1 }] },
          }
        : {}),
      })),
      // Withheld group figures get no marker: the row says which, at its right end, and its tooltip why.
      {
        type: "scatter",
        name: "withheld",
        // A marker too small to see: ECharts draws no label for symbol "none".
        symbol: "circle",
        symbolSize: 0.1,
        itemStyle: { color: "transparent" },
        silent: true,
        data: lines
          .map((l, row) => {
            const w = l.head ? [] : withheldNames(l);
            return w.length > 0 ? { value: [hi, row], text: `${w.map((g) => (g === "WLD" ? "world" : g)).join(", ")} withheld` } : null;
          })
          .filter((x) => x != null),
        label: { show: true, position: "left", distance: 2, fontSize: 10, fontStyle: "italic", color: MUTED, formatter: (p: { data: { text: string } }) => p.data.text },
      },
    ],
  });
  replace(
    note,
    `Group figures: ${answers.map((a) => `${a.dim.title.toLowerCase()} ${a.year}`).join("; ")}, from each member's latest value within ${answers[0].window} years. ` +
      `A group figure is withheld when too few members have data; hover a row for the reason.`,
  );
}

/** withheldCell shows "withheld": its reason on hover (title) and on focus or tap (shown under it). */
let tipSeq = 0;
function withheldCell(reason: string): Child {
  const id = `withheld-${++tipSeq}`;
  return h(
    "span",
    { class: "withheld" },
    h(
      "button",
      {
        type: "button",
        class: "withheld-mark",
        title: reason,
        "aria-describedby": id,
        "aria-expanded": "false",
        "data-testid": "withheld",
        // A tap shows the reason where a tap does not focus (Safari).
        onclick: (e: Event) => {
          const b = e.currentTarget as HTMLElement;
          b.setAttribute("aria-expanded", String(b.getAttribute("aria-expanded") !== "true"));
        },
      },
      "withheld",
    ),
    h("span", { class: "withheld-reason", id, role: "tooltip" }, reason),
  );
}

/** gapTable is a breakdown's rows: per indicator the country's then the groups' figures, with their years. */
function gapTable(ctx: Ctx, unit: string, a: Answer): HTMLElement {
  const order = [unit, ...GROUPS];
  // An indicator no one has data for (the country has no row, no group member a value) is named, not tabled.
  const all = [...new Set(a.rows.map((r) => r.indicator))];
  const empty = all.filter((id) => a.rows.every((r) => r.indicator !== id || (r.type === "group" && r.parity_index == null && !r.members_with_data)));
  const inds = all.filter((id) => !empty.includes(id));
  const rows = a.rows.filter((r) => inds.includes(r.indicator)).sort((x, y) => inds.indexOf(x.indicator) - inds.indexOf(y.indicator) || order.indexOf(x.unit) - order.indexOf(y.unit));
  const cls = (p: string) => (p === "Parity" ? "parity" : p.startsWith(a.dim.focus) ? "focus-behind" : p ? "reference-behind" : "");
  const t = table(
    { "data-testid": `leftbehind-table-${a.dim.id}` },
    `${a.dim.title}: ${a.dim.focus} ÷ ${a.dim.reference}, ${a.year} or the latest pair before it`,
    ["Indicator", "Unit", "Year", a.dim.focus, a.dim.reference, "Parity index", "Assessment", "Gap (points)", "Gap (relative)", "Values from", "Members with data"],
    rows.map((r) => {
      const vu = ctx.indicatorById.get(r.indicator)?.unit;
      const withheld = isWithheld(r);
      return {
        attrs: { "data-unit": r.unit, "data-indicator": r.indicator, "data-withheld": withheld ? "true" : null },
        cells: [
          indicatorName(ctx, r.indicator),
          h("span", { class: "nowrap", title: r.unit_name }, r.type === "group" ? r.unit : r.unit_name),
          h("span", { class: "nowrap" }, String(r.year)),
          withheld ? NO_DATA : withUnit(r.focus_value, vu),
          withheld ? NO_DATA : withUnit(r.reference_value, vu),
          withheld ? withheldCell(reasonOf(r)) : h("span", { title: full(r.parity_index) }, fixed(r.parity_index, 3)),
          r.parity ? h("span", { class: `badge ${cls(r.parity)}` }, r.parity) : "",
          r.gap_points != null ? fixed(r.gap_points, 1) : NO_DATA,
          pct(r.gap_relative),
          r.type === "group" ? (r.years ?? "") : String(r.year),
          r.type === "group" ? coverage(r) : r.note,
        ],
      };
    }),
    [false, false, true, true, true, true, false, true, true, false, false],
    [false, false, false, true, true, false, true, true, true, true, true],
  );
  const none = empty.length > 0 && h("p", { class: "muted small" }, `Split ${a.dim.focus.toLowerCase()}/${a.dim.reference.toLowerCase()} but without data for ${unitName(ctx, unit)}, the LDCs or the world: ${empty.map((id) => indicatorName(ctx, id)).join(", ")}.`);
  const downloads = h(
    "p",
    { class: "downloads" },
    rowsLink(
      `download-leftbehind-${a.dim.id}`,
      `dri-gaps-${a.dim.id}-${unit}-${a.year}.csv`,
      a.rows,
      () => ({}),
      (r) => ({ value_unit: ctx.indicatorById.get(r.indicator)?.unit ?? "" }),
      `Download CSV (${a.dim.title.toLowerCase()})`,
    ),
    " ",
    downloadLink(`download-leftbehind-${a.dim.id}-api`, csvURL(a.url), `dri-gaps-${a.dim.id}-${unit}-api.csv`, "The API's CSV"),
  );
  return h("div", { class: "gap-block" }, t, none, downloads);
}

/** coverage is a group figure's "30 of 45 (86 % of the population)", the group rule's note in its title. */
function coverage(r: GapRow): Child {
  if (r.members_with_data == null || r.members == null) return "";
  const share = r.population_share != null ? ` (${pct(r.population_share)} of the population)` : "";
  return h("span", { title: r.note }, `${r.members_with_data} of ${r.members}${share}`);
}
