// What-if: the country's index under other pillar weights. One slider per
// pillar (arrow keys move it by a step), the new score and rank from
// POST /v1/scores/{framework}/what-if, a reset; the weights live in the URL
// (#w=PEOPLE:2,ECONOMY:0.5) so a scenario can be shared.
import { ApiError, apiURL } from "./api";
import type { Framework, FrameworkNode } from "./api";
import { nodeName, pillars, root, type Ctx } from "./context";
import { h, replace } from "./dom";
import { fixed, NO_DATA } from "./format";

/** Weights range over 0 (the pillar left out) to 3 (three times the others) in quarter steps. */
const MAX_WEIGHT = 3;
const STEP = 0.25;
/** DEBOUNCE_MS waits for the slider to rest before asking the server. */
const DEBOUNCE_MS = 150;

export type Weights = Record<string, number>;

/** parseWeights reads "PEOPLE:2,ECONOMY:0.5"; malformed parts are left out. */
export function parseWeights(s: string): Weights {
  const w: Weights = {};
  for (const part of s.split(",")) {
    const m = /^([A-Za-z0-9._-]+):(\d+(?:\.\d+)?)$/.exec(part);
    if (m && Number(m[2]) <= MAX_WEIGHT) w[m[1]] = Number(m[2]);
  }
  return w;
}

/** formatWeights writes the weights that differ from the framework's, in node order ("" when none do). */
export function formatWeights(w: Weights, nodes: FrameworkNode[]): string {
  return nodes
    .filter((n) => w[n.code] != null && w[n.code] !== n.weight)
    .map((n) => `${n.code}:${w[n.code]}`)
    .join(",");
}

interface WhatIfRow {
  unit: string;
  node: string;
  value: number | null;
  rank: number | null;
  baseline_value: number | null;
  baseline_rank: number | null;
  rank_change: number | null;
}

/** whatIf posts a scenario and returns the unit's index row. */
export async function whatIf(fw: Framework, year: number, unit: string, weights: Weights): Promise<WhatIfRow> {
  const top = root(fw);
  let res: Response;
  try {
    res = await fetch(apiURL(`scores/${encodeURIComponent(fw.id)}/what-if`), {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ year, weights, units: [unit], level: top.level }),
    });
  } catch (err) {
    throw new ApiError(`cannot reach the DRI server (${String(err)})`, 0, "network");
  }
  const body = (await res.json().catch(() => ({}))) as { data?: WhatIfRow[]; detail?: string };
  if (!res.ok) throw new ApiError(body.detail || `${res.status} ${res.statusText}`, res.status, "what-if");
  const row = body.data?.find((r) => r.node === top.code && r.unit === unit);
  if (!row) throw new ApiError(`the what-if answer has no ${top.code} row for ${unit}`, res.status, "what-if");
  return row;
}

export interface WhatIfPanel {
  el: HTMLElement;
  /** show sets the panel up for a country, framework and year, with the URL's weights. */
  show(fw: Framework, year: number, unit: string, of: number | undefined, weights: string): void;
}

/** whatIfPanel builds the panel; onChange gets the weights to keep in the URL. */
export function whatIfPanel(ctx: Ctx, onChange: (weights: string) => void): WhatIfPanel {
  const sliders = h("div", { class: "sliders" });
  const score = h("dd", { class: "kpi", "data-testid": "whatif-score" });
  const rank = h("dd", { class: "kpi", "data-testid": "whatif-rank" });
  const change = h("p", { class: "whatif-change", "data-testid": "whatif-change", "aria-live": "polite" });
  const reset = h("button", { type: "button", "data-testid": "whatif-reset" }, "Reset to the framework's weights");
  const note = h("p", { class: "muted" });
  const el = h(
    "article",
    { class: "card whatif", "data-testid": "whatif" },
    h("h3", null, "What if the pillars weighed differently?"),
    note,
    sliders,
    h("dl", { class: "kpis" }, h("div", null, h("dt", null, "New score"), score), h("div", null, h("dt", null, "New rank"), rank)),
    change,
    reset,
  );
  let seq = 0;
  let timer: number | undefined;
  let current: { fw: Framework; year: number; unit: string; of?: number; nodes: FrameworkNode[]; w: Weights } | undefined;

  const ask = () => {
    if (!current) return;
    const { fw, year, unit, of, nodes, w } = current;
    const mine = ++seq;
    const key = formatWeights(w, nodes);
    rank.dataset.ready = "false";
    const d = fw.scale.hi <= 1 ? 3 : fw.scale.hi <= 10 ? 2 : 1;
    // Only the weights that differ are sent: the server keeps the others.
    const sent: Weights = {};
    for (const n of nodes) if (w[n.code] !== n.weight) sent[n.code] = w[n.code];
    whatIf(fw, year, unit, sent)
      .then((r) => {
        if (mine !== seq) return;
        replace(score, fixed(r.value, d));
        score.title = r.value == null ? "no data" : String(r.value);
        replace(rank, r.rank != null ? `${r.rank}${of ? ` of ${of}` : ""}` : NO_DATA);
        const moved = r.rank_change ?? 0;
        replace(
          change,
          key === ""
            ? "The framework's own weights."
            : moved === 0
              ? `Same rank as with the framework's weights (${r.baseline_rank ?? NO_DATA}).`
              : `${moved > 0 ? "Up" : "Down"} ${Math.abs(moved)} place${Math.abs(moved) === 1 ? "" : "s"} from ${r.baseline_rank} with the framework's weights; score ${fixed(r.baseline_value, d)} before.`,
        );
        rank.dataset.weights = key;
        rank.dataset.ready = "true";
      })
      .catch((err) => {
        if (mine !== seq) return;
        replace(change, `The what-if failed: ${err instanceof Error ? err.message : String(err)}`);
        change.classList.add("error");
        rank.dataset.ready = "true";
      });
  };

  const changed = () => {
    if (!current) return;
    change.classList.remove("error");
    onChange(formatWeights(current.w, current.nodes));
    window.clearTimeout(timer);
    timer = window.setTimeout(ask, DEBOUNCE_MS);
  };

  reset.addEventListener("click", () => {
    if (!current) return;
    for (const n of current.nodes) current.w[n.code] = n.weight;
    for (const input of sliders.querySelectorAll("input")) {
      const n = current.nodes.find((x) => x.code === input.dataset.node)!;
      input.value = String(n.weight);
      input.dispatchEvent(new Event("sync"));
    }
    changed();
  });

  return {
    el,
    show(fw, year, unit, of, weights) {
      const nodes = pillars(fw);
      el.hidden = (fw.kind !== "" && fw.kind !== "composite") || nodes.length < 2;
      if (el.hidden) {
        current = undefined;
        return;
      }
      const given = parseWeights(weights);
      const w: Weights = {};
      for (const n of nodes) w[n.code] = given[n.code] ?? n.weight;
      const same = current && current.fw.id === fw.id && current.year === year && current.unit === unit && formatWeights(current.w, nodes) === formatWeights(w, nodes);
      current = { fw, year, unit, of, nodes, w };
      if (same) return;
      replace(
        note,
        `Move a pillar's weight (0 leaves it out; ${fw.name} weighs each pillar ${nodes.every((n) => n.weight === nodes[0].weight) ? nodes[0].weight : "as listed"}). ` +
          "The index is recomputed for every country on the server and nothing is stored.",
      );
      replace(
        sliders,
        nodes.map((n) => {
          const id = `whatif-${n.code}`;
          const out = h("output", { for: id, class: "weight" });
          const input = h("input", {
            type: "range",
            id,
            min: 0,
            max: MAX_WEIGHT,
            step: STEP,
            value: w[n.code],
            "data-node": n.code,
            "data-testid": `whatif-weight-${n.code}`,
          });
          const sync = () => {
            replace(out, `× ${Number(input.value)}`);
            input.setAttribute("aria-valuetext", `weight ${Number(input.value)}${Number(input.value) === n.weight ? ", the framework's" : ""}`);
          };
          sync();
          input.addEventListener("sync", sync);
          input.addEventListener("input", () => {
            current!.w[n.code] = Number(input.value);
            sync();
            changed();
          });
          return h("div", { class: "slider" }, h("label", { for: id }, nodeName(ctx, n)), input, out);
        }),
      );
      window.clearTimeout(timer);
      ask();
    },
  };
}
