// The regions of "Who is left behind": for a country with sub-national units
// (GET /v1/units?parent=KAZ), internet use and mobile phone ownership in each
// region, women's and men's values joined by a line (and the value for both
// sexes where the source does not split by sex), with the country's own
// figure on top; and a table with each figure's year and age group.
// GET /v1/data?indicator=...&unit=<regions>,<country>&sex=F,M,_T&area=_T.
//
// No map: no npm package with admin-1 shapes fits (docs/DECISIONS.md,
// "Dashboard: regions without a map").
import { apiURL, csvURL, get, type DataRow, type Unit } from "./api";
import { draw, legend, MUTED, OKABE_ITO } from "./charts";
import type { Ctx } from "./context";
import { downloadLink, h, replace, table } from "./dom";
import { fixed, NO_DATA, withUnit } from "./format";
import { rowsLink } from "./csv";

/** The indicators shown by region: those the sub-national sources publish. */
export const REGION_INDICATORS = ["itu.internet_use", "itu.mobile_ownership"];

const WOMEN = OKABE_ITO.vermillion;
const MEN = OKABE_ITO.blue;
const BOTH = OKABE_ITO.black;

/** Figure is one region's (or the country's) latest values of an indicator. */
export interface Figure {
  unit: string;
  name: string;
  country: boolean;
  /** year of women's and men's values (the latest with both), else of the total. */
  year: number;
  women: number | null;
  men: number | null;
  /** total is the value for both sexes in the same year, where published. */
  total: number | null;
  age: string;
  source: string;
}

/** ageLabel names an SDMX age code: Y15T49 is "15-49", _T all ages. */
export function ageLabel(code: string): string {
  if (code === "_T" || code === "") return "all";
  const m = /^Y(\d+)T(\d+)$/.exec(code);
  if (m) return `${m[1]}–${m[2]}`;
  const ge = /^Y_GE(\d+)$/.exec(code);
  if (ge) return `${ge[1]}+`;
  return code;
}

/**
 * figures picks, per unit, the latest year with women's and men's values of
 * the same age group (all ages first), with the total of that year; a unit
 * without a split by sex gets its latest total.
 */
export function figures(rows: DataRow[], units: Unit[], country: string): Figure[] {
  const out: Figure[] = [];
  for (const u of units) {
    const own = rows.filter((r) => r.unit === u.code && r.value != null);
    const at = (sex: string, year: number, age: string) => own.find((r) => r.sex === sex && r.year === year && r.age === age);
    let best: Figure | null = null;
    const years = [...new Set(own.map((r) => r.year))].sort((a, b) => b - a);
    for (const y of years) {
      const ages = [...new Set(own.filter((r) => r.year === y).map((r) => r.age))].sort((a, b) => (a === "_T" ? -1 : b === "_T" ? 1 : a.localeCompare(b)));
      for (const age of ages) {
        const f = at("F", y, age);
        const m = at("M", y, age);
        if (f && m) {
          best = { unit: u.code, name: u.name, country: u.code === country, year: y, women: f.value, men: m.value, total: at("_T", y, age)?.value ?? null, age, source: f.source };
          break;
        }
      }
      if (best) break;
    }
    if (!best) {
      const t = own.filter((r) => r.sex === "_T").sort((a, b) => b.year - a.year || (a.age === "_T" ? -1 : 1))[0];
      if (t) best = { unit: u.code, name: u.name, country: u.code === country, year: t.year, women: null, men: null, total: t.value, age: t.age, source: t.source };
    }
    if (best) out.push(best);
  }
  // The country first, then the regions from the lowest value (women's, else both sexes') up: who is behind reads first.
  const key = (f: Figure) => f.women ?? f.total ?? 0;
  return out.sort((a, b) => Number(b.country) - Number(a.country) || key(a) - key(b) || a.name.localeCompare(b.name));
}

/** drawRegions fills el with the regions of unit, or empties it when the unit has none. */
export async function drawRegions(ctx: Ctx, el: HTMLElement, unit: string, stale: () => boolean): Promise<void> {
  const res = await get<Unit[]>(apiURL("units", { parent: unit, per_page: 1000 }));
  if (stale()) return;
  const regions = res.data;
  el.dataset.regions = String(regions.length);
  if (regions.length === 0) {
    replace(el);
    return;
  }
  const country = ctx.unitByCode.get(unit);
  const units = [...(country ? [country] : []), ...regions];
  const name = country?.name ?? unit;
  const blocks = await Promise.all(
    REGION_INDICATORS.map(async (id) => {
      const url = apiURL("data", { indicator: id, unit: units.map((u) => u.code).join(","), sex: "F,M,_T", area: "_T", per_page: 10000 });
      const data = await get<DataRow[]>(url);
      return { id, url, rows: data.data, figs: figures(data.data, units, unit) };
    }),
  );
  if (stale()) return;
  replace(
    el,
    h("h3", { class: "section-head" }, `Regions of ${name}`),
    h(
      "p",
      { class: "lede" },
      `${regions.length} regions (ISO 3166-2) with data. Each region's latest year with women's and men's values, else its latest value for both sexes; ` +
        `the age group is the survey's. Lowest first. There is no map: no admin-1 boundary package fits (see docs/DECISIONS.md).`,
    ),
    blocks.map((b) => regionBlock(ctx, b.id, b.url, b.rows, b.figs, unit)),
  );
}

function regionBlock(ctx: Ctx, id: string, url: string, rows: DataRow[], figs: Figure[], unit: string): HTMLElement {
  const ind = ctx.indicatorById.get(id);
  const title = ind?.name ?? id;
  if (figs.filter((f) => !f.country).length === 0) {
    return h("div", { class: "card region-card", "data-testid": `regions-${id}` }, h("h4", null, title), h("p", { class: "muted" }, "No regional values."));
  }
  const chartEl = h("div", { class: "chart regions", "data-testid": `regions-chart-${id}` });
  const split = figs.some((f) => f.women != null);
  const both = figs.some((f) => f.total != null);
  const key = legend([
    ...(split
      ? [
          { label: "Women", colour: WOMEN, symbol: "circle" },
          { label: "Men", colour: MEN, symbol: "diamond" },
        ]
      : []),
    ...(both ? [{ label: "Both sexes", colour: BOTH, symbol: "emptyCircle" }] : []),
  ]);
  const card = h("div", { class: "card region-card", "data-testid": `regions-${id}` }, h("h4", null, title), key, chartEl);
  const label = (f: Figure) => `${f.country ? `${f.name} (country)` : f.name}, ${f.year}`;
  const all = figs.flatMap((f) => [f.women, f.men, f.total]).filter((v): v is number => v != null);
  const lo = Math.max(0, Math.floor((Math.min(...all) - 5) / 10) * 10);
  const hi = ind?.unit === "percent" ? 100 : Math.ceil((Math.max(...all) + 5) / 10) * 10;
  chartEl.style.height = `${figs.length * 22 + 70}px`;
  const point = (v: number | null, row: number) => (v == null ? null : { value: [v, row] });
  // Rendered once the card is in the page (the chart needs its width).
  queueMicrotask(() =>
    draw(chartEl, {
      aria: { enabled: true, label: { description: `${title} by region, women and men; the table below gives the values and years.` } },
      grid: { left: 8, right: 16, top: 8, bottom: 40, containLabel: true },
      tooltip: {
        trigger: "axis",
        confine: true,
        axisPointer: { type: "shadow" },
        formatter: (ps: { value: number[] }[]) => {
          const f = figs[ps[0]?.value?.[1] ?? -1];
          if (!f) return "";
          return h(
            "div",
            { class: "tt" },
            h("strong", null, f.name),
            h("div", null, `${f.year}, ages ${ageLabel(f.age)}`),
            f.women != null && h("div", null, `Women ${withUnit(f.women, ind?.unit)}, men ${withUnit(f.men, ind?.unit)}`),
            f.total != null && h("div", null, `Both sexes ${withUnit(f.total, ind?.unit)}`),
          );
        },
      },
      xAxis: { type: "value", min: lo, max: hi, name: ind?.unit === "percent" ? "%" : "", nameLocation: "end" },
      yAxis: {
        type: "category",
        inverse: true,
        data: figs.map((f) => ({ value: label(f), textStyle: f.country ? { fontWeight: "bold" } : {} })),
        axisTick: { show: false },
        axisLabel: { width: chartEl.clientWidth < 500 ? 130 : 220, overflow: "truncate" },
        splitLine: { show: true, lineStyle: { color: "#f0f0f0" } },
      },
      series: [
        {
          type: "scatter",
          name: "Women",
          symbol: "circle",
          symbolSize: 9,
          z: 4,
          itemStyle: { color: WOMEN },
          data: figs.map((f, i) => point(f.women, i)).filter((x) => x != null),
          // The gap: a line from women's value to men's in each row.
          markLine: {
            silent: true,
            symbol: "none",
            label: { show: false },
            lineStyle: { color: MUTED, type: "solid", width: 2, opacity: 0.6 },
            data: figs.flatMap((f, i) => (f.women != null && f.men != null ? [[{ coord: [f.women, i] }, { coord: [f.men, i] }]] : [])),
          },
        },
        { type: "scatter", name: "Men", symbol: "diamond", symbolSize: 9, z: 4, itemStyle: { color: MEN }, data: figs.map((f, i) => point(f.men, i)).filter((x) => x != null) },
        {
          type: "scatter",
          name: "Both sexes",
          symbol: "emptyCircle",
          symbolSize: 9,
          z: 3,
          itemStyle: { color: BOTH },
          data: figs.map((f, i) => point(f.total, i)).filter((x) => x != null),
        },
      ],
    }),
  );
  const t = table(
    { "data-testid": `regions-table-${id}` },
    `${title} by region: each region's latest year`,
    ["Region", "Year", "Women", "Men", "Women ÷ men", "Both sexes", "Ages", "Code"],
    figs.map((f) => ({
      attrs: { "data-unit": f.unit, class: f.country ? "country-row" : null },
      cells: [
        f.country ? h("strong", null, f.name) : f.name,
        h("span", { class: "nowrap" }, String(f.year)),
        withUnit(f.women, ind?.unit),
        withUnit(f.men, ind?.unit),
        f.women != null && f.men ? fixed(f.women / f.men, 3) : NO_DATA,
        withUnit(f.total, ind?.unit),
        ageLabel(f.age),
        f.unit,
      ],
    })),
    [false, true, true, true, true, true, false, false],
    [false, false, false, false, true, true, true, true],
  );
  const downloads = h(
    "p",
    { class: "downloads" },
    rowsLink(`download-regions-${id}`, `dri-regions-${unit}-${id}.csv`, rows, () => ({}), () => ({ value_unit: ind?.unit ?? "" }), `Download CSV (${title.toLowerCase()})`),
    " ",
    downloadLink(`download-regions-${id}-api`, csvURL(url), `dri-regions-${unit}-${id}-api.csv`, "The API's CSV"),
  );
  return h("div", { class: "region-block" }, card, t, downloads);
}
