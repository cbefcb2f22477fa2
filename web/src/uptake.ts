// The uptake part of "Who is left behind": DRI's own uptake framework
// (datasets/frameworks/uptake.yaml: use of digital services by people)
// scored for the whole population, for women and for men, with the gap, and
// the index for the two groups of every other breakdown the data split.
// GET /v1/score-gaps/uptake?unit=KEN (sex=F,M; area=R,U; ...) and
// GET /v1/scores/uptake?unit=KEN&year=Y for the total of the same year.
import { ApiError, apiURL, csvURL, get, type Framework, type ScoreRow } from "./api";
import { draw, legend, OKABE_ITO } from "./charts";
import { nodeName, root, type Ctx } from "./context";
import { downloadLink, h, replace, table } from "./dom";
import { fixed, full, signed } from "./format";
import type { Breakdown } from "./leftbehind";

const UPTAKE = "uptake";
const TOTAL = OKABE_ITO.black;
const WOMEN = OKABE_ITO.vermillion;
const MEN = OKABE_ITO.blue;

/** ScoreGapRow is a row of GET /v1/score-gaps/{framework}. */
export interface ScoreGapRow {
  unit: string;
  unit_name: string;
  year: number;
  node: string;
  level: number;
  group_a: string;
  group_b: string;
  value_a: number | null;
  value_b: number | null;
  gap: number | null;
  parity: number | null;
  note: string;
}

/** The pair of codes each breakdown's gap parameter takes (sex=F,M), as /v1/gaps pairs them. */
const PAIRS: Record<string, string> = {
  sex: "F,M",
  area: "R,U",
  income: "B40,T60",
  age: "Y15T24,Y_GE25",
  education: "ISCED11_0T1,ISCED11_2T8",
  labour: "NLF,LF",
};

/** drawUptake fills el with the country's uptake scores by breakdown, or says why there are none. */
export async function drawUptake(ctx: Ctx, el: HTMLElement, unit: string, breakdowns: Breakdown[], stale: () => boolean): Promise<void> {
  const head = h("h3", { class: "section-head" }, "Uptake of digital services, by breakdown");
  let fw: Framework;
  try {
    fw = (await get<Framework>(apiURL(`frameworks/${UPTAKE}`))).data;
  } catch (err) {
    if (stale()) return;
    if (err instanceof ApiError && err.status === 404) {
      // An older snapshot or server: say so, draw nothing in its place.
      el.dataset.state = "absent";
      replace(el, head, h("p", { class: "muted", "data-testid": "uptake-absent" }, "This server has no uptake framework, so no uptake score by breakdown is shown."));
      return;
    }
    throw err;
  }
  const name = ctx.unitByCode.get(unit)?.name ?? unit;
  const gapURL = (dim: string) => apiURL(`score-gaps/${UPTAKE}`, { unit, [dim]: PAIRS[dim], per_page: 1000 });
  const answers = await Promise.all(
    breakdowns.map(async (b) => {
      const url = gapURL(b.id);
      const rows = (await get<ScoreGapRow[]>(url)).data;
      return { b, url, rows };
    }),
  );
  if (stale()) return;
  const sex = answers.find((a) => a.b.id === "sex");
  const year = sex?.rows[0]?.year;
  const totalURL = apiURL(`scores/${UPTAKE}`, { unit, year, per_page: 1000 });
  const totals = year != null ? (await get<ScoreRow[]>(totalURL)).data : [];
  if (stale()) return;
  el.dataset.state = "shown";
  const rootCode = root(fw).code;
  const scale = fw.scale;
  const nodes = fw.nodes.filter((n) => !n.indicator);
  const totalOf = new Map(totals.map((r) => [r.node, r]));
  const lede = h(
    "p",
    { class: "lede" },
    `${fw.name}: ${scale.lo}–${scale.hi}. DRI's own measure, with its limits: only the Government payments pillar bears on government services, and as a proxy (see the framework's description). ` +
      `An indicator not split by a breakdown is held at the total for it, as the notes say.`,
  );
  if (!sex || sex.rows.every((r) => r.value_a == null && r.value_b == null)) {
    replace(el, head, lede, h("p", { class: "muted", "data-testid": "uptake-none" }, `No uptake score for ${name}'s women and men in this snapshot.`));
    return;
  }

  // Women, men and everyone for the index and each pillar.
  const sexRows = nodes.map((n) => ({ n, r: sex.rows.find((r) => r.node === n.code), t: totalOf.get(n.code) })).filter((x) => x.r || x.t);
  const chartEl = h("div", { class: "chart uptake", "data-testid": "uptake-chart" });
  chartEl.style.height = `${sexRows.length * 40 + 70}px`;
  const key = legend([
    { label: "Everyone", colour: TOTAL, symbol: "emptyCircle" },
    { label: "Women", colour: WOMEN, symbol: "circle" },
    { label: "Men", colour: MEN, symbol: "diamond" },
  ]);
  const sexTable = table(
    { "data-testid": "uptake-table" },
    `${fw.name}, ${name}, ${year}: everyone, women and men`,
    ["Node", "Year", "Everyone", "Women", "Men", "Gap (men − women)", "Parity (women ÷ men)", "Note"],
    sexRows.map(({ n, r, t }) => ({
      attrs: { "data-node": n.code },
      cells: [
        n.code === rootCode ? h("strong", null, nodeName(ctx, n)) : nodeName(ctx, n),
        String(r?.year ?? t?.year ?? year),
        h("span", { title: full(t?.value) }, fixed(t?.value, 1)),
        h("span", { title: full(r?.value_a) }, fixed(r?.value_a, 1)),
        h("span", { title: full(r?.value_b) }, fixed(r?.value_b, 1)),
        signed(r?.gap, 1),
        fixed(r?.parity, 3),
        r?.note ?? "",
      ],
    })),
    [false, true, true, true, true, true, true, false],
    [false, true, false, false, false, true, true, true],
  );

  // The index for the two groups of every other breakdown with scores.
  const others = answers
    .filter((a) => a.b.id !== "sex")
    .map((a) => ({ ...a, r: a.rows.find((r) => r.node === rootCode) }))
    .filter((a) => a.r && (a.r.value_a != null || a.r.value_b != null));
  const otherTable =
    others.length > 0 &&
    table(
      { "data-testid": "uptake-breakdowns-table" },
      `${fw.name} index, ${name}: the two groups of each breakdown`,
      ["Breakdown", "Year", "First group", "Score", "Second group", "Score", "Gap", "Parity", "Note"],
      others.map((a) => ({
        attrs: { "data-dimension": a.b.id },
        cells: [
          a.b.title,
          String(a.r!.year),
          a.b.focus,
          fixed(a.r!.value_a, 1),
          a.b.reference,
          fixed(a.r!.value_b, 1),
          signed(a.r!.gap, 1),
          fixed(a.r!.parity, 3),
          a.r!.note,
        ],
      })),
      [false, true, false, true, false, true, true, true, false],
      [false, false, true, false, true, false, true, false, true],
    );
  const missing = answers.filter((a) => a.b.id !== "sex" && !others.some((o) => o.b.id === a.b.id)).map((a) => a.b.title.toLowerCase());
  replace(
    el,
    head,
    lede,
    h("div", { class: "card" }, key, chartEl),
    sexTable,
    otherTable,
    missing.length > 0 && h("p", { class: "muted small" }, `No uptake index for the groups of: ${missing.join("; ")}.`),
    h(
      "p",
      { class: "downloads" },
      downloadLink("download-uptake-api", csvURL(sex.url), `dri-uptake-${unit}-women-men.csv`, "The API's CSV (women and men)"),
      " ",
      year != null && downloadLink("download-uptake-total-api", csvURL(totalURL), `dri-uptake-${unit}-${year}.csv`, "The API's CSV (everyone)"),
    ),
  );
  const point = (v: number | null | undefined, row: number) => (v == null ? null : { value: [v, row] });
  draw(chartEl, {
    aria: { enabled: true, label: { description: `${fw.name} for ${name}, ${year}: everyone, women and men; the table below gives the scores.` } },
    grid: { left: 8, right: 16, top: 8, bottom: 40, containLabel: true },
    tooltip: {
      trigger: "item",
      confine: true,
      formatter: (p: { seriesName: string; value: number[] }) => `${sexRows[p.value[1]] ? nodeName(ctx, sexRows[p.value[1]].n) : ""}: ${p.seriesName} ${fixed(p.value[0], 1)} (${year})`,
    },
    xAxis: { type: "value", min: scale.lo, max: scale.hi, name: `Score ${scale.lo}–${scale.hi}`, nameLocation: "middle", nameGap: 26 },
    yAxis: {
      type: "category",
      inverse: true,
      data: sexRows.map(({ n }) => ({ value: nodeName(ctx, n), textStyle: n.code === rootCode ? { fontWeight: "bold" } : {} })),
      axisTick: { show: false },
      axisLabel: { width: chartEl.clientWidth < 500 ? 120 : 240, overflow: "truncate" },
      splitLine: { show: true, lineStyle: { color: "#eeeeee" } },
    },
    series: [
      { type: "scatter", name: "Everyone", symbol: "emptyCircle", symbolSize: 12, itemStyle: { color: TOTAL }, data: sexRows.map((x, i) => point(x.t?.value, i)).filter((x) => x != null) },
      { type: "scatter", name: "Women", symbol: "circle", symbolSize: 10, itemStyle: { color: WOMEN }, data: sexRows.map((x, i) => point(x.r?.value_a, i)).filter((x) => x != null) },
      { type: "scatter", name: "Men", symbol: "diamond", symbolSize: 10, itemStyle: { color: MEN }, data: sexRows.map((x, i) => point(x.r?.value_b, i)).filter((x) => x != null) },
    ],
  });
}
