// View 3, LDCs against the world: for the index and each pillar, the spread
// of the least developed countries' scores (that year's list) beside that of all UN member
// states (box plots over the countries as dots), the group means as the API
// computes them, and how many members have data.
import prepareBoxplotData from "echarts/extension/dataTool/prepareBoxplotData.js";

import { apiURL, csvURL, get, type Group, type ScoreRow } from "./api";
import { draw, legend, MUTED, OKABE_ITO, TEXT } from "./charts";
import "./plots";
import { framework, nodeName, pillars, root, yearOf, type Ctx, type State } from "./context";
import { downloadLink, h, replace, table } from "./dom";
import { fixed, full, NO_DATA, scoreDecimals, signed } from "./format";
import { intervalColumns, rowsLink, SCORE_UNIT } from "./csv";
import { rankIntervals } from "./uncertainty";
import { runner, statusLine, type Nav, type ViewImpl } from "./view";

interface Side {
  code: "LDC" | "WLD";
  label: string;
  colour: string;
  fill: string;
}

const SIDES: Side[] = [
  { code: "LDC", label: "LDCs", colour: OKABE_ITO.orange, fill: "rgba(230,159,0,0.22)" },
  { code: "WLD", label: "All UN members", colour: OKABE_ITO.blue, fill: "rgba(0,114,178,0.18)" },
];

export function createLDCView(ctx: Ctx, section: HTMLElement, _nav: Nav): ViewImpl {
  const lede = h("p", { class: "lede" });
  const status = statusLine();
  const chartEl = h("div", { class: "chart ldc", "data-testid": "ldc-chart" });
  const keyItems = [
    ...SIDES.map((s) => ({ label: `${s.label}: box and countries`, colour: s.colour, symbol: "circle" })),
    { label: "Group mean", colour: TEXT, symbol: "diamond" },
  ];
  const key = h("div");
  const summary = h("div");
  const downloads = h("p", { class: "downloads" });
  replace(
    section,
    h("div", { class: "view-head" }, h("h2", null, "LDCs against the world")),
    lede,
    status,
    h("div", { class: "card" }, key, chartEl),
    summary,
    downloads,
  );
  const run = runner(section, status);
  // A group's members in a year: by the dated list where the API gives one
  // (LDC: that year's members, as the group figures use), else today's.
  const members = async (code: string, year: number): Promise<Set<string>> => {
    const g = (await get<Group>(apiURL(`groups/${code}`))).data;
    if (g.periods) {
      return new Set(g.periods.filter((p) => (p.from === 0 || p.from <= year) && (p.to === 0 || year <= p.to)).map((p) => p.unit));
    }
    return new Set(Array.isArray(g.members) ? g.members : []);
  };

  return {
    render: (state: State) =>
      run(async (stale) => {
        const fw = await framework(state.fw);
        const year = yearOf(fw, state);
        const nodes = [root(fw), ...pillars(fw)];
        const codes = nodes.map((n) => n.code).join(",");
        const allURL = apiURL(`scores/${encodeURIComponent(fw.id)}`, { year, node: codes, per_page: 10000 });
        const meanURL = apiURL(`scores/${encodeURIComponent(fw.id)}`, { year, node: codes, unit: "LDC,WLD", per_page: 1000 });
        const [all, means, ldc, wld, iv] = await Promise.all([
          get<ScoreRow[]>(allURL),
          get<ScoreRow[]>(meanURL),
          members("LDC", year),
          members("WLD", year),
          rankIntervals(fw, year),
        ]);
        if (stale()) return;
        const d = scoreDecimals(fw.scale.hi);
        const sets = { LDC: ldc, WLD: wld };
        const mean = new Map(means.data.map((r) => [`${r.node}|${r.unit}`, r]));
        // "N of M": the counts the API's group rule used (members in the year), not a count of today's list.
        const ofMembers = (r: ScoreRow | undefined, fallback: number) =>
          `${r?.members_with_data ?? 0} of ${r?.members ?? fallback}`;
        const size = (code: Side["code"]) => mean.get(`${nodes[0].code}|${code}`)?.members ?? sets[code].size;

        replace(
          lede,
          `${fw.name}, ${year}: the spread of scores of the least developed countries (${size("LDC")} in ${year}) and of all UN member states (${size("WLD")}), for the index and each pillar. ` +
            "Boxes span the middle half of the countries with the median inside; whiskers reach 1.5 times the box width; dots are countries; diamonds are the group means.",
        );
        section.dataset.framework = fw.id;
        section.dataset.year = String(year);

        // One category per (node, side), so a box, its countries and its mean share a row.
        const cats: { node: string; side: Side; label: string }[] = [];
        const samples: number[][] = [];
        const points: Record<string, { value: [number, number]; name: string }[]> = { LDC: [], WLD: [] };
        for (const n of nodes) {
          for (const side of SIDES) {
            const i = cats.length;
            const rows = all.data.filter((r) => r.node === n.code && r.value != null && sets[side.code].has(r.unit));
            cats.push({ node: n.code, side, label: `${nodeName(ctx, n)} · ${side.label}` });
            samples.push(rows.map((r) => r.value!));
            for (const r of rows) points[side.code].push({ value: [r.value!, i], name: r.unit_name });
          }
        }
        // The chosen country: a ring on each row it belongs to, in both groups when it is an LDC.
        const chosen = state.unit;
        const chosenName = chosen ? (ctx.unitByCode.get(chosen)?.name ?? chosen) : "";
        const marks: { value: [number, number]; name: string }[] = [];
        if (chosen) {
          cats.forEach((c, i) => {
            const r = all.data.find((r) => r.node === c.node && r.unit === chosen && r.value != null);
            if (r && sets[c.side.code].has(chosen)) marks.push({ value: [r.value!, i], name: r.unit_name });
          });
        }
        replace(
          key,
          legend([
            ...keyItems,
            ...(marks.length > 0 ? [{ label: `${chosenName} (your choice)`, colour: OKABE_ITO.vermillion, symbol: "emptyCircle" }] : []),
          ]),
        );
        if (marks.length > 0) chartEl.dataset.marked = chosen;
        else delete chartEl.dataset.marked;
        const boxes = prepareBoxplotData(samples.map((s) => (s.length ? s : [NaN])));
        const meanPoints = cats.flatMap((c, i) => {
          const v = mean.get(`${c.node}|${c.side.code}`)?.value;
          return v == null ? [] : [{ coord: [v, i], value: v, name: `${c.label}: mean` }];
        });

        chartEl.style.height = `${cats.length * 40 + 50}px`;
        draw(chartEl, {
          aria: { enabled: true, label: { description: `Box plots of ${fw.name} scores, ${year}, LDCs against all UN member states; the table below gives the means and coverage.` } },
          grid: { left: 8, right: 24, top: 8, bottom: 8 },
          tooltip: { trigger: "item", confine: true },
          xAxis: { type: "value", min: fw.scale.lo, max: fw.scale.hi, splitLine: { show: true } },
          yAxis: {
            type: "category",
            data: cats.map((c) => c.label),
            inverse: true,
            // Countries spread across the row without overlapping (a beeswarm), the same way on every draw.
            jitter: 22,
            jitterOverlap: false,
            jitterMargin: 0.5,
            // Two lines per row: the pillar (bold) over the group.
            axisLabel: {
              color: TEXT,
              width: Math.min(220, Math.max(100, chartEl.clientWidth * 0.34)),
              overflow: "truncate",
              formatter: (_: string, i: number) => `{pillar|${nodeName(ctx, nodes[Math.floor(i / 2)])}}\n{side|${cats[i].side.label}}`,
              rich: { pillar: { fontWeight: "bold", color: TEXT, lineHeight: 15 }, side: { color: MUTED, lineHeight: 15 } },
            },
            axisTick: { alignWithLabel: true },
          },
          series: [
            {
              type: "boxplot",
              name: "Spread",
              data: boxes.boxData.map((b, i) => ({
                value: b,
                itemStyle: { color: cats[i].side.fill, borderColor: cats[i].side.colour, borderWidth: 1.5 },
              })),
              boxWidth: [10, 22],
              // The means are mark points: scatter points on this axis would be jittered off the row.
              markPoint: {
                symbol: "diamond",
                symbolSize: 14,
                itemStyle: { color: TEXT, borderColor: "#ffffff", borderWidth: 1.5 },
                label: { show: false },
                data: meanPoints,
              },
              tooltip: {
                formatter: (p: { componentType: string; dataIndex: number; name: string; value: number }) => {
                  if (p.componentType === "markPoint") return `${p.name} ${fixed(p.value, d)}`;
                  const b = boxes.boxData[p.dataIndex];
                  const c = cats[p.dataIndex];
                  return h(
                    "div",
                    { class: "tt" },
                    h("strong", null, c.label),
                    h("div", null, `${samples[p.dataIndex].length} countries with a score`),
                    h("div", null, `Median ${fixed(b[2], d)}, quartiles ${fixed(b[1], d)}–${fixed(b[3], d)}`),
                  );
                },
              },
            },
            ...SIDES.map((side) => ({
              type: "scatter",
              name: side.label,
              data: points[side.code],
              symbolSize: 5,
              itemStyle: { color: side.colour, opacity: 0.55 },
              tooltip: { formatter: (p: { name: string; value: number[] }) => `${p.name}: ${fixed(p.value[0], d)}` },
            })),
            {
              // On the category axis itself (not jittered), so the ring sits on the row's centre line.
              type: "scatter",
              name: chosenName,
              data: marks,
              jitter: 0,
              symbol: "emptyCircle",
              symbolSize: 15,
              z: 10,
              itemStyle: { color: OKABE_ITO.vermillion, borderColor: OKABE_ITO.vermillion, borderWidth: 3 },
              label: { show: true, position: "top", formatter: () => chosenName, color: TEXT, fontWeight: "bold" },
              tooltip: { formatter: (p: { name: string; value: number[] }) => `${p.name}: ${fixed(p.value[0], d)}` },
            },
          ],
        });

        replace(
          summary,
          table(
            { "data-testid": "ldc-table" },
            `Means and coverage, ${year}`,
            ["Pillar", "LDC mean", "World mean", "Difference", "LDCs with data", "UN members with data", "Note"],
            nodes.map((n) => {
              const l = mean.get(`${n.code}|LDC`);
              const w = mean.get(`${n.code}|WLD`);
              const diff = l?.value != null && w?.value != null ? l.value - w.value : null;
              return {
                attrs: { "data-node": n.code },
                cells: [
                  nodeName(ctx, n),
                  h("span", { title: full(l?.value) }, fixed(l?.value, d)),
                  h("span", { title: full(w?.value) }, fixed(w?.value, d)),
                  signed(diff, d),
                  ofMembers(l, sets.LDC.size),
                  ofMembers(w, sets.WLD.size),
                  [l?.note, w?.note].filter(Boolean).join("; ") || NO_DATA,
                ],
              };
            }),
            [false, true, true, true, true, true, false],
            [false, false, false, false, true, true, true],
          ),
        );
        const lead = () => ({ framework: fw.id, value_unit: SCORE_UNIT(fw.scale.lo, fw.scale.hi) });
        replace(
          downloads,
          rowsLink("download-ldc", `dri-${fw.id}-${year}-pillars.csv`, all.data, lead, (r) => ({
            ldc: ldc.has(r.unit),
            ...intervalColumns(r.node === nodes[0].code ? iv.get(r.unit) : undefined),
          }), "Download country scores CSV"),
          " ",
          rowsLink("download-ldc-means", `dri-${fw.id}-${year}-ldc-world-means.csv`, means.data, lead, () => ({}), "Download group means CSV"),
          " ",
          downloadLink("download-ldc-api", csvURL(allURL), `dri-${fw.id}-${year}-pillars-api.csv`, "The API's CSVs: scores"),
          " ",
          downloadLink("download-ldc-means-api", csvURL(meanURL), `dri-${fw.id}-${year}-ldc-world-means-api.csv`, "means"),
        );
      }),
  };
}
