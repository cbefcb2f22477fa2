// View 2, the country profile: the index score, stage and rank; the trend;
// the country beside the LDCs, its region, its income group and the world;
// and the framework tree down to each indicator with its raw value, year,
// source and status. One request: GET /v1/scores/{framework}/{unit}.
import { apiURL, csvURL, get, type Comparison, type Profile, type ProfileNode } from "./api";
import { CATEGORICAL, draw, legend, MUTED, OKABE_ITO } from "./charts";
import "./plots";
import { framework, nodeName, pillars, root, yearOf, type Ctx, type State } from "./context";
import { downloadLink, h, replace, table, type Row } from "./dom";
import { fixed, full, NO_DATA, pct, scoreDecimals, signed, statusLabel, withUnit } from "./format";
import { rankIntervalText, rankIntervals, type RankInterval } from "./uncertainty";
import { intervalColumns, rowsLink, SCORE_UNIT } from "./csv";
import { runner, statusLine, type Nav, type ViewImpl } from "./view";
import { indicatorDetail, loadSources, sourceLink, type Source } from "./sources";
import { whatIfPanel } from "./whatif";

const incomeNames: Record<string, string> = {
  LIC: "Low income",
  LMC: "Lower middle income",
  UMC: "Upper middle income",
  HIC: "High income",
};

export function createProfileView(ctx: Ctx, section: HTMLElement, nav: Nav): ViewImpl {
  const status = statusLine();
  const whatif = whatIfPanel(ctx, (weights) => nav.update({ weights }));
  const empty = h(
    "p",
    { class: "empty" },
    "Choose a country in the Country list above, or click one on the world map.",
  );
  const name = h("h3", { "data-testid": "profile-name" });
  const facts = h("p", { class: "muted" });
  const score = h("span", { "data-testid": "profile-score" });
  const scoreScale = h("span", { class: "scale" });
  const tier = h("dd", { class: "kpi word", "data-testid": "profile-tier" });
  const rankValue = h("span");
  const rankOf = h("span", { class: "scale" });
  const rank = h("dd", { class: "kpi", "data-testid": "profile-rank" }, rankValue, rankOf);
  const extremes = h("p", { class: "extremes" });
  const coverage = h("dd", { class: "kpi" });
  const interval = h("p", { class: "muted", "data-testid": "profile-rank-interval" });
  const ladder = h("ol", { class: "ladder", "aria-label": "Stages" });
  const notes = h("ul", { class: "notes" });
  const restsOn = h("p", { class: "muted", "data-testid": "profile-rests-on" });
  const published = h("div", { "data-testid": "profile-published" });
  const publishedCard = h("article", { class: "card wide" }, h("h3", null, "DRI's recomputation against the publisher's own scores"), published);
  const about = h("details", { class: "about", "data-testid": "framework-about" });
  const trend = h("div", { class: "chart trend", "data-testid": "profile-trend" });
  const bars = h("div", { class: "chart bars", "data-testid": "comparison-chart" });
  const barsLegend = h("div");
  const comparison = h("div");
  const tree = h("div");
  const treeButtons = h("p", { class: "tree-buttons" });
  const downloads = h("p", { class: "downloads" });
  const compareDownload = h("p", { class: "downloads" });
  const lede = h("p", { class: "lede" });
  const body = h(
    "div",
    { class: "grid profile-grid" },
    h(
      "article",
      { class: "card summary" },
      name,
      facts,
      h(
        "dl",
        { class: "kpis" },
        h("div", null, h("dt", null, "Score"), h("dd", { class: "kpi" }, score, scoreScale)),
        h("div", null, h("dt", null, "Stage"), tier),
        h("div", null, h("dt", null, "Rank"), rank),
        h("div", null, h("dt", null, "Data coverage"), coverage),
      ),
      restsOn,
      interval,
      ladder,
      extremes,
      notes,
    ),
    h("article", { class: "card" }, h("h3", null, "Trend"), trend),
    whatif.el,
    h(
      "article",
      { class: "card wide" },
      h("h3", null, "Against LDCs, region, income group and world"),
      barsLegend,
      bars,
      comparison,
      compareDownload,
    ),
    publishedCard,
    h("article", { class: "card wide" }, h("h3", null, "Pillars and indicators"), treeButtons, tree, downloads),
  );
  replace(section, h("div", { class: "view-head" }, h("h2", null, "Country profile")), lede, about, status, empty, body);
  const run = runner(section, status);
  // What the profile was last drawn for: a change of the what-if weights alone redraws only the what-if.
  let drawnKey = "";
  let whatifOf: number | undefined;

  return {
    render: (state: State) =>
      run(async (stale) => {
        const key = JSON.stringify({ unit: state.unit, fw: state.fw, year: state.year });
        if (key === drawnKey && state.unit) {
          const fw = await framework(state.fw);
          whatif.show(fw, yearOf(fw, state), state.unit, whatifOf, state.weights);
          return;
        }
        drawnKey = "";
        empty.hidden = state.unit !== "";
        body.hidden = state.unit === "";
        if (!state.unit) {
          replace(lede);
          delete section.dataset.unit;
          return;
        }
        const fw = await framework(state.fw);
        const year = yearOf(fw, state);
        const url = apiURL(`scores/${encodeURIComponent(fw.id)}/${encodeURIComponent(state.unit)}`, { year });
        let p: Profile;
        let intervals: Map<string, RankInterval>;
        try {
          [p, intervals] = await Promise.all([get<Profile>(url).then((r) => r.data), rankIntervals(fw, year)]);
        } catch (err) {
          body.hidden = true;
          throw err;
        }
        if (stale()) return;
        const d = scoreDecimals(p.scale.hi);
        const nodes = p.nodes;
        const top = nodes.find((n) => n.code === root(fw).code) ?? nodes[0];
        const pillarCodes = new Set(pillars(fw).map((n) => n.code));

        replace(lede, `${p.framework_name}, ${p.year}. Scores run from ${p.scale.lo} to ${p.scale.hi}.`);
        replace(name, `${p.unit.name} (${p.unit.code})`);
        replace(facts, describeUnit(p));
        replace(score, fixed(top.value, d));
        replace(scoreScale, ` of ${p.scale.hi}`);
        score.title = full(top.value);
        score.dataset.value = full(top.value);
        replace(tier, top.tier || NO_DATA);
        replace(rankValue, top.rank != null ? String(top.rank) : NO_DATA);
        replace(rankOf, top.rank != null ? ` of ${top.of}` : "");
        replace(coverage, pct(top.coverage));
        // The rank of a score resting on fewer pillars says so (the framework's coverage rule).
        restsOn.textContent = top.partial && top.rests_on ? `Rests on ${top.rests_on.replace("/", " of ")} pillars with data: the rank compares it with countries scored on all of them.` : "";
        restsOn.hidden = restsOn.textContent === "";
        replace(
          about,
          h("summary", null, `About ${fw.name}`),
          h("p", null, fw.description),
          fw.departures ? h("p", null, h("strong", null, "Departures from the original: "), fw.departures) : null,
          fw.source ? h("p", { class: "muted" }, "Source: ", fw.source) : null,
        );
        const pub = nodes.filter((n) => n.published);
        publishedCard.hidden = pub.length === 0;
        replace(
          published,
          pub.length > 0 &&
            table(
              { "data-testid": "profile-published-table" },
              `${p.unit.name}: DRI's ${p.year} scores and the publisher's own (${pub[0].published!.year})`,
              ["Node", "DRI", "Published", "Difference", "Published as", "Source"],
              pub.map((n) => ({
                attrs: { "data-node": n.code },
                cells: [
                  n.name,
                  h("span", { title: full(n.value) }, fixed(n.value, d)),
                  fixed(n.published!.value, d),
                  signed(n.published!.difference, d),
                  n.published!.indicator,
                  n.published!.source,
                ],
              })),
              [false, true, true, true, false, false],
              [false, false, false, false, true, true],
            ),
        );
        interval.textContent = rankIntervalText(intervals.get(p.unit.code));
        interval.hidden = interval.textContent === "";
        replace(
          ladder,
          p.tiers.names.map((t) =>
            h("li", { class: t === top.tier ? "current" : null, "aria-current": t === top.tier ? "true" : null }, t),
          ),
        );
        replace(notes, (p.notes ?? []).map((n) => h("li", null, n)));
        section.dataset.unit = p.unit.code;
        section.dataset.framework = fw.id;
        section.dataset.year = String(p.year);

        drawTrend(trend, p, d);
        const shown = nodes.filter((n) => n === top || pillarCodes.has(n.code));
        const scoredPillars = shown.filter((n) => n !== top && n.value != null).sort((a, b) => b.value! - a.value!);
        replace(
          extremes,
          scoredPillars.length > 1 && [
            h("span", null, "Strongest pillar: ", h("strong", null, nodeName(ctx, scoredPillars[0])), ` ${fixed(scoredPillars[0].value, d)}`),
            h("span", null, "Weakest pillar: ", h("strong", null, nodeName(ctx, scoredPillars.at(-1)!)), ` ${fixed(scoredPillars.at(-1)!.value, d)}`),
          ],
        );
        const groups = [...new Map(p.comparisons.map((c) => [c.group, c.group_name])).entries()];
        replace(
          barsLegend,
          legend([p.unit.name, ...groups.map(([, n]) => n)].map((label, i) => ({ label, colour: CATEGORICAL[i % CATEGORICAL.length] }))),
        );
        drawBars(bars, ctx, p, shown, groups, d);
        replace(comparison, comparisonTable(ctx, p, shown, groups, d));
        const against = groups.map(([g]) => g).join(",");
        const compareURL = apiURL("compare", { unit: p.unit.code, against, framework: fw.id, year: p.year, per_page: 10000 });
        const compared = await get<Record<string, unknown>[]>(compareURL);
        if (stale()) return;
        const scoreUnit = SCORE_UNIT(p.scale.lo, p.scale.hi);
        replace(
          compareDownload,
          rowsLink(
            "download-comparison",
            `dri-${fw.id}-${p.unit.code}-${p.year}-compare.csv`,
            compared.data,
            () => ({ framework: fw.id, year: p.year }),
            () => ({ value_unit: scoreUnit }),
            "Download comparison CSV (all nodes)",
          ),
          " ",
          downloadLink("download-comparison-api", csvURL(compareURL), `dri-${fw.id}-${p.unit.code}-${p.year}-compare-api.csv`, "The API's CSV"),
        );
        const { byId: sources } = await loadSources();
        if (stale()) return;
        drawTree(tree, treeButtons, ctx, p, d, sources);
        whatifOf = top.of;
        whatif.show(fw, p.year, p.unit.code, top.of, state.weights);
        drawnKey = key;
        replace(
          downloads,
          rowsLink(
            "download-profile",
            `dri-${fw.id}-${p.unit.code}-${p.year}.csv`,
            p.nodes.map((n) => ({
              framework: fw.id,
              year: p.year,
              unit: p.unit.code,
              unit_name: p.unit.name,
              node: n.code,
              name: n.name,
              level: n.level,
              value: n.value,
              value_unit: scoreUnit,
              rank: n.rank,
              of: n.of ?? null,
              ...intervalColumns(n === top ? intervals.get(p.unit.code) : undefined),
              tier: n.tier ?? "",
              coverage: n.coverage ?? null,
              rests_on: n.rests_on ?? "",
              indicator: n.indicator ?? "",
              raw: n.raw ?? null,
              raw_unit: n.indicator ? (ctx.indicatorById.get(n.indicator)?.unit ?? "") : "",
              raw_year: n.year ?? null,
              source: n.source ?? "",
              publisher: n.source ? (sources.get(n.source)?.publisher ?? "") : "",
              status: n.status ?? "",
              published: n.published?.value ?? null,
              published_year: n.published?.year ?? null,
              difference: n.published?.difference ?? null,
              note: n.note ?? "",
            })),
            () => ({}),
          ),
          " ",
          downloadLink("download-profile-api", csvURL(url), `dri-${fw.id}-${p.unit.code}-${p.year}-api.csv`, "The API's CSV"),
        );
      }),
  };
}

function describeUnit(p: Profile): string {
  const u = p.unit;
  const parts = [u.region, u.sub_region].filter(Boolean).join(" / ");
  const lists = [u.ldc && "least developed country", u.lldc && "landlocked developing country", u.sids && "small island developing State"].filter(Boolean);
  return [parts, incomeNames[u.income_group ?? ""] ?? u.income_group, lists.length ? lists.join(", ") : "not an LDC"]
    .filter(Boolean)
    .join(" · ");
}

function drawTrend(el: HTMLElement, p: Profile, d: number) {
  const points = p.trend.filter((t) => t.value != null);
  draw(el, {
    aria: { enabled: true, label: { description: `Trend of ${p.unit.name}'s score by year.` } },
    grid: { left: 8, right: 16, top: 16, bottom: 8 },
    tooltip: {
      trigger: "axis",
      formatter: (ps: { data: [number, number] }[]) => {
        const t = p.trend.find((x) => x.year === ps[0]?.data[0]);
        return t
          ? h("div", { class: "tt" }, h("strong", null, String(t.year)), h("div", null, `Score ${fixed(t.value, d)}`), h("div", null, t.rank != null ? `Rank ${t.rank}` : "Not ranked"), t.tier && h("div", null, t.tier))
          : "";
      },
    },
    xAxis: { type: "value", minInterval: 1, min: "dataMin", max: "dataMax", axisLabel: { formatter: (v: number) => String(v) } },
    yAxis: { type: "value", min: p.scale.lo, max: p.scale.hi, name: "" },
    series: [
      {
        type: "line",
        name: p.unit.name,
        data: points.map((t) => [t.year, t.value]),
        symbolSize: 6,
        lineStyle: { width: 2.5, color: OKABE_ITO.blue },
        itemStyle: { color: OKABE_ITO.blue },
        markLine: {
          silent: true,
          symbol: "none",
          lineStyle: { color: MUTED, type: "dashed" },
          label: { formatter: String(p.year), color: MUTED },
          data: [{ xAxis: p.year }],
        },
      },
    ],
  });
}

function drawBars(el: HTMLElement, ctx: Ctx, p: Profile, shown: ProfileNode[], groups: [string, string][], d: number) {
  const names = shown.map((n) => nodeName(ctx, n));
  const byKey = new Map(p.comparisons.map((c) => [`${c.node}|${c.group}`, c]));
  const series = [
    {
      name: p.unit.name,
      type: "bar",
      data: shown.map((n) => n.value),
      itemStyle: { color: CATEGORICAL[0] },
    },
    ...groups.map(([g, gname], i) => ({
      name: gname,
      type: "bar",
      data: shown.map((n) => byKey.get(`${n.code}|${g}`)?.group_value ?? null),
      itemStyle: { color: CATEGORICAL[i + 1] },
    })),
  ];
  el.style.height = `${Math.max(220, shown.length * (series.length * 11 + 22) + 40)}px`;
  const labelWidth = Math.min(160, Math.max(80, el.clientWidth * 0.28));
  draw(el, {
    aria: { enabled: true, label: { description: `${p.unit.name} against ${groups.map(([, n]) => n).join(", ")}, by pillar. The same values are in the table below.` } },
    grid: { left: 8, right: 24, top: 8, bottom: 8 },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: (v: number | null) => fixed(v, d) },
    xAxis: { type: "value", min: p.scale.lo, max: p.scale.hi },
    yAxis: { type: "category", data: names, inverse: true, axisLabel: { width: labelWidth, overflow: "truncate" } },
    series,
  });
}

function comparisonTable(ctx: Ctx, p: Profile, shown: ProfileNode[], groups: [string, string][], d: number): HTMLElement {
  const byKey = new Map<string, Comparison>(p.comparisons.map((c) => [`${c.node}|${c.group}`, c]));
  const rows: Row[] = [];
  for (const n of shown) {
    for (const [g, gname] of groups) {
      const c = byKey.get(`${n.code}|${g}`);
      if (!c) continue;
      rows.push({
        attrs: { "data-group": g, "data-node": n.code },
        cells: [
          nodeName(ctx, n),
          `${gname} (${g})`,
          h("span", { title: full(c.value) }, fixed(c.value, d)),
          c.withheld ? "withheld" : h("span", { title: full(c.group_value) }, fixed(c.group_value, d)),
          signed(c.difference, d),
          c.ratio != null ? c.ratio.toFixed(2) : NO_DATA,
          pct(c.percentile),
          c.rank != null ? `${c.rank} of ${c.of}` : NO_DATA,
          `${c.members_with_data} of ${c.members}`,
        ],
      });
    }
  }
  return table(
    { "data-testid": "comparison-table" },
    `${p.unit.name} against its groups, ${p.year}: index and pillars`,
    ["Pillar", "Group", p.unit.code, "Group mean", "Difference", "Ratio", "Percentile in group", "Rank in group", "Members with data"],
    rows,
    [false, false, true, true, true, true, true, true, true],
    [false, false, false, false, false, true, true, true, true],
  );
}

/** drawTree is the drill-down: a table whose rows open and close like a tree (buttons with aria-expanded). */
function drawTree(el: HTMLElement, buttons: HTMLElement, ctx: Ctx, p: Profile, d: number, sources: Map<string, Source>) {
  const byCode = new Map(p.nodes.map((n) => [n.code, n]));
  const depth = (n: ProfileNode): number => (n.parent && byCode.has(n.parent) ? depth(byCode.get(n.parent)!) + 1 : 0);
  const children = new Map<string, string[]>();
  for (const n of p.nodes) if (n.parent) children.set(n.parent, [...(children.get(n.parent) ?? []), n.code]);
  const open = new Set<string>(p.nodes.filter((n) => !n.parent).map((n) => n.code));
  const rows = new Map<string, HTMLTableRowElement>();
  const toggles = new Map<string, HTMLButtonElement>();

  const visible = (n: ProfileNode): boolean => !n.parent || (open.has(n.parent) && visible(byCode.get(n.parent)!));
  const refresh = () => {
    for (const n of p.nodes) {
      rows.get(n.code)!.hidden = !visible(n);
      toggles.get(n.code)?.setAttribute("aria-expanded", String(open.has(n.code)));
    }
  };

  const body = h("tbody");
  for (const n of p.nodes) {
    const kids = children.get(n.code) ?? [];
    const label = nodeName(ctx, n);
    let nameCell: HTMLElement;
    if (kids.length > 0) {
      const b = h("button", { type: "button", class: "toggle", "aria-expanded": "false" }, label);
      b.addEventListener("click", () => {
        if (open.has(n.code)) open.delete(n.code);
        else open.add(n.code);
        refresh();
      });
      toggles.set(n.code, b);
      nameCell = b;
    } else {
      nameCell = h("span", { class: "leaf" }, label);
    }
    const ind = n.indicator ? ctx.indicatorById.get(n.indicator) : undefined;
    const raw =
      n.female != null || n.male != null
        ? `women ${withUnit(n.female, ind?.unit)} · men ${withUnit(n.male, ind?.unit)}`
        : n.indicator
          ? withUnit(n.raw, ind?.unit)
          : "";
    const state = nodeStatus(n);
    const row = h(
      "tr",
      { class: `depth-${Math.min(depth(n), 4)}${n.indicator ? " indicator" : ""}`, "data-node": n.code },
      h("th", { scope: "row" }, nameCell, n.indicator && definitionSlot(n.indicator), n.note && h("small", null, n.note)),
      h("td", { class: "num", title: full(n.value) }, fixed(n.value, d)),
      h("td", { class: "num" }, n.rank != null ? `${n.rank} of ${n.of}` : NO_DATA),
      h("td", { class: "opt" }, n.tier || ""),
      h("td", { class: "num opt" }, n.no_data_shipped && n.value == null ? "" : pct(n.coverage)),
      h("td", { class: "num", title: n.raw != null ? String(n.raw) : null }, raw),
      h("td", { class: "num opt" }, n.year != null ? String(n.year) : ""),
      h("td", { class: "opt" }, n.source ? sourceLink(sources.get(n.source), n.source) : ""),
      h("td", { class: "opt" }, state && h("span", { class: `badge ${state.replaceAll(" ", "-")}` }, state)),
    );
    rows.set(n.code, row);
    body.appendChild(row);
  }
  refresh();

  const setAll = (expand: boolean) => {
    open.clear();
    for (const n of p.nodes) if (expand ? children.has(n.code) : !n.parent) open.add(n.code);
    refresh();
  };
  replace(
    buttons,
    h("button", { type: "button", "data-testid": "profile-expand-all", onclick: () => setAll(true) }, "Expand all"),
    " ",
    h("button", { type: "button", onclick: () => setAll(false) }, "Collapse all"),
  );
  replace(
    el,
    h(
      "div",
      { class: "table-wrap", tabindex: 0, role: "region", "aria-label": "Pillars and indicators" },
      h(
        "table",
        { class: "tree", "data-testid": "profile-tree" },
        h("caption", null, `${p.framework_name}: ${p.unit.name}, ${p.year}, by pillar and indicator`),
        h(
          "thead",
          null,
          h(
            "tr",
            null,
            ["Pillar / indicator", "Score", "Rank", "Stage", "Coverage", "Value", "Year", "Source", "Status"].map((t, i) =>
              h("th", { scope: "col", class: [i === 0 || i === 3 || i >= 7 ? "" : "num", [3, 4, 6, 7, 8].includes(i) ? "opt" : ""].join(" ").trim() || null }, t),
            ),
          ),
        ),
        body,
      ),
    ),
  );
}

/**
 * definitionSlot is where an indicator's definition (GET /v1/indicators/{id})
 * shows in the tree: a disclosure, filled when the answer arrives.
 */
function definitionSlot(id: string): HTMLElement {
  const text = h("p", { class: "definition-text" });
  const el = h("details", { class: "definition", "data-indicator": id }, h("summary", null, "Definition"), text);
  indicatorDetail(id)
    .then((ind) => {
      replace(text, ind.definition || "No definition in the registry.", ind.measure ? ` Unit: ${ind.measure.name}.` : "");
      el.dataset.loaded = "true";
    })
    .catch((err) => replace(text, `The definition cannot be loaded: ${err instanceof Error ? err.message : String(err)}`));
  return el;
}

/** nodeStatus says where a node's value stands: the observation's status, or why there is none. */
function nodeStatus(n: ProfileNode): string {
  if (n.value == null && n.no_data_shipped) return "no data shipped";
  if (n.excluded) return "excluded";
  if (n.indicator && n.value == null) return "no data";
  return statusLabel(n.status, n.imputed);
}
