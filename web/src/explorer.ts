// View 5, the indicator explorer: any indicator in the registry over time for
// the focus country and the compared units (groups give the API's group
// aggregates), in total or for women and men where the indicator is
// disaggregated by sex. GET /v1/data.
import { apiURL, csvURL, get, type DataRow } from "./api";
import { CATEGORICAL, draw, legend, SYMBOLS } from "./charts";
import "./plots";
import { unitName, type Ctx, type State } from "./context";
import { downloadLink, h, option, replace, table } from "./dom";
import { num, sexLabel, statusLabel, withUnit } from "./format";
import { rowsLink } from "./csv";
import { unitPicker } from "./picker";
import { indicatorDetail, loadSources, sourceLabel, sourceLink } from "./sources";
import { runner, statusLine, type Nav, type ViewImpl } from "./view";

export function createExplorerView(ctx: Ctx, section: HTMLElement, nav: Nav): ViewImpl {
  const indicator = h("select", { id: "explorer-indicator", "data-testid": "explorer-indicator" });
  const sex = h("select", { id: "explorer-sex", "data-testid": "explorer-sex" });
  const from = h("select", { id: "explorer-from" });
  const to = h("select", { id: "explorer-to" });
  indicator.addEventListener("change", () => nav.update({ ind: indicator.value, from: null, to: null }));
  sex.addEventListener("change", () => nav.update({ bysex: sex.value === "bysex" }));
  from.addEventListener("change", () => nav.update({ from: Number(from.value) }));
  to.addEventListener("change", () => nav.update({ to: Number(to.value) }));
  const bySource = new Map<string, typeof ctx.indicators>();
  for (const ind of ctx.indicators) {
    const src = ind.id.split(".")[0];
    bySource.set(src, [...(bySource.get(src) ?? []), ind]);
  }
  const picker = unitPicker(ctx, nav, "explorer-units");
  const lede = h("p", { class: "lede" });
  const about = h("div", { class: "definition", "data-testid": "explorer-definition" });
  const status = statusLine();
  const chartEl = h("div", { class: "chart explorer", "data-testid": "explorer-chart" });
  const key = h("div");
  const withheld = h("p", { class: "muted" });
  const data = h("div");
  const downloads = h("p", { class: "downloads" });
  replace(
    section,
    h("div", { class: "view-head" }, h("h2", null, "Indicator explorer")),
    h(
      "div",
      { class: "controls" },
      h("label", { class: "field wide" }, h("span", null, "Indicator"), indicator),
      h("label", { class: "field" }, h("span", null, "Breakdown"), sex),
      h("label", { class: "field" }, h("span", null, "From"), from),
      h("label", { class: "field" }, h("span", null, "To"), to),
      picker.el,
    ),
    lede,
    about,
    status,
    h("div", { class: "card" }, key, chartEl, withheld),
    downloads,
    h("details", { class: "ranking" }, h("summary", null, "The data as a table"), data),
  );
  const run = runner(section, status);

  return {
    render: (state: State) =>
      run(async (stale) => {
        picker.update(state);
        const ind = ctx.indicatorById.get(state.ind) ?? ctx.indicators[0];
        indicator.replaceChildren(
          ...[...bySource].map(([src, list]) =>
            h("optgroup", { label: src }, list.map((i) => option(i.id, `${i.name} (${i.id})`, i.id === ind.id))),
          ),
        );
        const sexable = ind.disaggregations.split(",").includes("sex");
        const bysex = sexable && state.bysex;
        sex.replaceChildren(option("total", "Total", !bysex), option("bysex", "Women and men", bysex));
        sex.disabled = !sexable;
        const years = Array.from({ length: ind.last_year - ind.first_year + 1 }, (_, i) => ind.first_year + i);
        const lo = state.from != null && years.includes(state.from) ? state.from : ind.first_year;
        const hi = state.to != null && years.includes(state.to) && state.to >= lo ? state.to : ind.last_year;
        from.replaceChildren(...years.map((y) => option(String(y), String(y), y === lo)));
        to.replaceChildren(...years.filter((y) => y >= lo).map((y) => option(String(y), String(y), y === hi)));

        const units = [state.unit, ...state.compare].filter((u, i, a) => u && a.indexOf(u) === i);
        if (units.length === 0) {
          replace(lede, "Choose a country above or add a group to compare.");
          replace(data);
          replace(downloads);
          return;
        }
        const url = apiURL("data", {
          indicator: ind.id,
          unit: units.join(","),
          sex: bysex ? "F,M" : "_T",
          area: "_T",
          age: "_T",
          date: `${lo}:${hi}`,
          per_page: 10000,
        });
        const [res, detail, { byId: sources }] = await Promise.all([get<DataRow[]>(url), indicatorDetail(ind.id), loadSources()]);
        if (stale()) return;
        replace(
          about,
          h("p", null, h("strong", null, "Definition: "), detail.definition || "none in the registry", detail.measure ? ` Unit: ${detail.measure.name}.` : ""),
          h(
            "p",
            { class: "muted" },
            "Sources: ",
            detail.sources.map((id, i) => [i > 0 && "; ", sourceLink(sources.get(id), id), sources.get(id)?.licence ? `, ${sources.get(id)!.licence}` : ""]),
            ".",
          ),
        );
        section.dataset.indicator = ind.id;
        replace(
          lede,
          `${ind.name}, ${ind.unit.replaceAll("_", " ")}, ${lo}–${hi}. ${ind.polarity < 0 ? "Lower is better. " : ""}` +
            "Hollow markers are publishers' estimates or DRI imputations; groups are aggregates over their members with data.",
        );

        const sexes = bysex ? ["F", "M"] : ["_T"];
        // One line per unit (and sex); units without a value in the range get no line and are named below the chart.
        const lines = units.flatMap((u, i) =>
          sexes.map((s) => ({
            name: bysex ? `${unitName(ctx, u)}, ${sexLabel(s).toLowerCase()}` : unitName(ctx, u),
            colour: CATEGORICAL[i % CATEGORICAL.length],
            symbol: SYMBOLS[i % 4],
            dashed: s === "M",
            rows: res.data.filter((r) => r.unit === u && r.sex === s && r.value != null).sort((a, b) => a.year - b.year),
          })),
        );
        const drawn = lines.filter((l) => l.rows.length > 0);
        const empty = lines.filter((l) => l.rows.length === 0).map((l) => l.name);
        const series = drawn.map((l) => ({
          type: "line",
          name: l.name,
          data: l.rows.map((r) => ({
            value: [r.year, r.value],
            symbol: r.status === "E" || r.status === "I" ? "emptyCircle" : l.symbol,
            row: r,
          })),
          symbolSize: 7,
          lineStyle: { width: 2.2, type: l.dashed ? "dashed" : "solid", color: l.colour },
          itemStyle: { color: l.colour },
          connectNulls: false,
        }));
        replace(key, legend(drawn.map((l) => ({ label: l.name, colour: l.colour, line: l.dashed ? "dashed" : "solid" }))));
        draw(chartEl, {
          aria: { enabled: true, label: { description: `${ind.name} over time for ${units.map((u) => unitName(ctx, u)).join(", ")}.` } },
          grid: { left: 8, right: 24, top: 16, bottom: 8 },
          tooltip: {
            trigger: "item",
            confine: true,
            formatter: (p: { seriesName: string; data: { row: DataRow } }) => {
              const r = p.data.row;
              return h(
                "div",
                { class: "tt" },
                h("strong", null, p.seriesName),
                h("div", null, `${r.year}: ${withUnit(r.value, ind.unit)}`),
                h("div", null, `${describeStatus(r)} · ${sourceLabel(sources.get(r.source), r.source)}`),
                r.note && h("div", { class: "muted" }, r.note),
              );
            },
          },
          xAxis: { type: "value", min: lo, max: hi, minInterval: 1, axisLabel: { formatter: (v: number) => String(v) } },
          yAxis: {
            type: "value",
            scale: ind.unit !== "percent",
            max: ind.unit === "percent" ? 100 : null,
            axisLabel: { formatter: (v: number) => withUnit(v, ind.unit) },
          },
          series,
        });
        const held = res.data.filter((r) => r.value == null);
        replace(
          withheld,
          empty.length > 0 && h("span", null, `No values in ${lo}–${hi} for ${empty.join("; ")}. `),
          held.length > 0 &&
            `${held.length} group values withheld: the members with data are under half of the group's members or population in those years (each value's note gives the reason, the members with data and the years used).`,
        );
        replace(
          data,
          table(
            { "data-testid": "explorer-table" },
            `${ind.name}, ${lo}–${hi}`,
            ["Unit", "Year", "Sex", "Value", "Status", "Source", "Note"],
            res.data.map((r) => [r.unit_name, String(r.year), sexLabel(r.sex), num(r.value), describeStatus(r), r.source ? sourceLink(sources.get(r.source), r.source) : "", r.note]),
            [false, true, false, true, false, false, false],
            [false, false, false, false, true, true, true],
          ),
        );
        replace(
          downloads,
          rowsLink(
            "download-explorer",
            `dri-${ind.id}-${lo}-${hi}.csv`,
            res.data,
            () => ({}),
            (r) => ({ value_unit: ind.unit, publisher: sources.get(r.source)?.publisher ?? "" }),
          ),
          " ",
          downloadLink("download-explorer-api", csvURL(url), `dri-${ind.id}-${lo}-${hi}-api.csv`, "The API's CSV"),
        );
      }),
  };
}

/** describeStatus is an observation's status in words; group rows are DRI's aggregates. */
function describeStatus(r: DataRow): string {
  return r.type === "group" ? "group aggregate" : statusLabel(r.status);
}
