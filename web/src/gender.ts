// View 4, gender gaps: the parity score (women's value over men's) of each
// sex-disaggregated indicator and the composite, for the focus country and
// the compared units, with the parity band (0.98-1.02 from the API's meta)
// marked; and the table of values and gaps. GET /v1/gender.
import { apiURL, csvURL, get, type GenderRow } from "./api";
import { CATEGORICAL, draw, legend, MUTED, SYMBOLS } from "./charts";
import "./plots";
import { framework, unitName, type Ctx, type State } from "./context";
import { downloadLink, h, option, replace, table } from "./dom";
import { fixed, full, NO_DATA, pct, withUnit } from "./format";
import { rowsLink } from "./csv";
import { unitPicker } from "./picker";
import { runner, statusLine, type Nav, type ViewImpl } from "./view";

const GENDER = "gender";
const COMPOSITE = "composite";
const WIS = "wis";

export function createGenderView(ctx: Ctx, section: HTMLElement, nav: Nav): ViewImpl {
  const year = h("select", { id: "gender-year", "data-testid": "gender-year-select" });
  year.addEventListener("change", () => nav.update({ gyear: Number(year.value) }));
  const picker = unitPicker(ctx, nav, "gender-units");
  const lede = h("p", { class: "lede" });
  const status = statusLine();
  const chartEl = h("div", { class: "chart gender", "data-testid": "gender-chart" });
  const key = h("div");
  const wis = h("p", { class: "muted" });
  const tableEl = h("div");
  const downloads = h("p", { class: "downloads" });
  replace(
    section,
    h("div", { class: "view-head" }, h("h2", null, "Gender gaps")),
    h("div", { class: "controls" }, h("label", { class: "field" }, h("span", null, "Year"), year), picker.el),
    lede,
    status,
    h("div", { class: "card" }, key, chartEl, wis),
    tableEl,
    downloads,
  );
  const run = runner(section, status);

  return {
    render: (state: State) =>
      run(async (stale) => {
        picker.update(state);
        const fw = await framework(GENDER);
        const y = state.gyear != null && fw.years.includes(state.gyear) ? state.gyear : fw.default_year;
        year.replaceChildren(...[...fw.years].reverse().map((v) => option(String(v), String(v), v === y)));
        const units = [state.unit, ...state.compare].filter((u, i, a) => u && a.indexOf(u) === i);
        if (units.length === 0) {
          replace(lede, "Choose a country above or add a group to compare.");
          replace(tableEl);
          replace(downloads);
          return;
        }
        const url = apiURL("gender", { unit: units.join(","), year: y, per_page: 1000 });
        const res = await get<GenderRow[]>(url);
        if (stale()) return;
        const band = (res.meta.parity_band as { lo: number; hi: number } | undefined) ?? { lo: 0.98, hi: 1.02 };
        section.dataset.year = String(y);
        section.dataset.units = units.join(",");

        // Indicators in the framework's order, the composite first.
        const order = [COMPOSITE, ...fw.nodes.flatMap((n) => (n.indicator ? [n.indicator] : []))];
        const label = (id: string) => (id === COMPOSITE ? "Composite parity score" : (ctx.indicatorById.get(id)?.name ?? id));
        const present = order.filter((id) => res.data.some((r) => r.indicator === id && r.parity_score != null));
        const byKey = new Map(res.data.map((r) => [`${r.unit}|${r.indicator}`, r]));
        const values = res.data.filter((r) => r.indicator !== WIS && r.parity_score != null).map((r) => r.parity_score!);
        const max = Math.max(1.1, ...values.map((v) => Math.ceil(v * 10) / 10));

        replace(
          lede,
          `Parity score = women's value ÷ men's value, ${y} or the latest year before it. ` +
            `Between ${band.lo} and ${band.hi} counts as parity; below, women are behind. Groups are population-weighted over the members with data.`,
        );
        const n = units.length;
        replace(
          key,
          legend([
            ...units.map((u, i) => ({ label: unitName(ctx, u), colour: CATEGORICAL[i % CATEGORICAL.length], symbol: SYMBOLS[i % SYMBOLS.length] })),
            { label: `Parity band ${band.lo}–${band.hi}`, colour: "", symbol: "band" },
          ]),
        );
        chartEl.style.height = `${Math.max(240, present.length * Math.max(30, n * 9 + 14) + 80)}px`;
        draw(chartEl, {
          aria: { enabled: true, label: { description: `Parity scores by indicator for ${units.map((u) => unitName(ctx, u)).join(", ")}; the table below gives the values.` } },
          grid: { left: 8, right: 24, top: 24, bottom: 24 },
          tooltip: { trigger: "item", confine: true },
          xAxis: { type: "value", min: 0, max, name: "Parity score", nameLocation: "middle", nameGap: 24 },
          yAxis: {
            type: "category",
            data: present.map(label),
            inverse: true,
            axisLabel: { width: Math.min(230, Math.max(90, chartEl.clientWidth * 0.3)), overflow: "truncate" },
            splitLine: { show: true, lineStyle: { color: "#eeeeee" } },
          },
          series: units.map((u, i) => ({
            type: "scatter",
            name: unitName(ctx, u),
            symbol: SYMBOLS[i % SYMBOLS.length],
            symbolSize: 11,
            // Dodge the units vertically within each indicator's row.
            symbolOffset: [0, (i - (n - 1) / 2) * Math.min(9, 24 / n)],
            itemStyle: { color: CATEGORICAL[i % CATEGORICAL.length], borderColor: "#ffffff", borderWidth: 1 },
            data: present.map((id, row) => {
              const r = byKey.get(`${u}|${id}`);
              return r?.parity_score != null ? { value: [r.parity_score, row], name: label(id) } : null;
            }).filter((x) => x != null),
            tooltip: {
              formatter: (p: { seriesName: string; name: string; value: number[] }) => {
                const r = byKey.get(`${u}|${present[p.value[1]]}`);
                return h(
                  "div",
                  { class: "tt" },
                  h("strong", null, p.seriesName),
                  h("div", null, p.name),
                  h("div", null, `Parity ${fixed(p.value[0], 3)} (${r?.parity || "–"})`),
                  r?.female != null && h("div", null, `Women ${fixed(r.female, 1)}, men ${fixed(r.male, 1)}, ${r.year}`),
                );
              },
            },
            ...(i === 0
              ? {
                  markArea: {
                    silent: true,
                    itemStyle: { color: "rgba(0,0,0,0.08)" },
                    label: { show: true, position: "insideTop", color: MUTED, formatter: `parity ${band.lo}–${band.hi}` },
                    data: [[{ xAxis: band.lo }, { xAxis: band.hi }]],
                  },
                  markLine: {
                    silent: true,
                    symbol: "none",
                    label: { show: false },
                    lineStyle: { color: MUTED, type: "dashed" },
                    data: [{ xAxis: 1 }],
                  },
                }
              : {}),
          })),
        });
        const wisRows = res.data.filter((r) => r.indicator === WIS && r.parity_score != null);
        replace(
          wis,
          wisRows.length > 0 &&
            `Women's Inclusion Score (not a parity ratio; 0 to 1): ${wisRows.map((r) => `${r.unit_name} ${fixed(r.parity_score, 3)}`).join(", ")}.`,
        );

        const rows = [...res.data].sort(
          (a, b) => units.indexOf(a.unit) - units.indexOf(b.unit) || rank(order, a.indicator) - rank(order, b.indicator),
        );
        replace(
          tableEl,
          table(
            { "data-testid": "gender-table" },
            `Gender gaps, ${y}`,
            ["Unit", "Indicator", "Year", "Women", "Men", "Parity score", "Assessment", "Gap (points)", "Gap (relative)", "Note"],
            rows.map((r) => {
              const unit = ctx.indicatorById.get(r.indicator)?.unit;
              return {
                attrs: { "data-unit": r.unit, "data-indicator": r.indicator },
                cells: [
                  h("span", { class: "nowrap", title: r.unit_name }, r.type === "group" ? r.unit : r.unit_name),
                  r.indicator === WIS ? "Women's Inclusion Score" : label(r.indicator),
                  String(r.year),
                  withUnit(r.female, unit),
                  withUnit(r.male, unit),
                  h("span", { title: full(r.parity_score) }, fixed(r.parity_score, 3)),
                  r.parity ? h("span", { class: `badge ${r.parity.toLowerCase().replaceAll(" ", "-")}` }, r.parity) : "",
                  r.gap_points != null ? fixed(r.gap_points, 1) : NO_DATA,
                  pct(r.gap_relative),
                  r.note,
                ],
              };
            }),
            [false, false, true, true, true, true, false, true, true, false],
            [false, false, true, false, false, false, true, true, true, true],
          ),
        );
        replace(
          downloads,
          rowsLink(
            "download-gender",
            `dri-gender-${y}.csv`,
            res.data,
            () => ({ framework: GENDER }),
            (r) => ({ value_unit: ctx.indicatorById.get(r.indicator)?.unit ?? (r.indicator === COMPOSITE ? "parity score" : "") }),
          ),
          " ",
          downloadLink("download-gender-api", csvURL(url), `dri-gender-${y}-api.csv`, "The API's CSV"),
        );
      }),
  };
}

function rank(order: string[], id: string): number {
  const i = order.indexOf(id);
  return i < 0 ? order.length + (id === WIS ? 0 : 1) : i;
}
