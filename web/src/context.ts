// What every view reads: the reference lists loaded once at start, the state
// chosen in the controls (kept in the URL's #fragment so a view can be
// bookmarked and shared), and helpers over both.
import { apiURL, get, type Framework, type FrameworkNode, type FrameworkSummary, type Group, type Indicator, type Unit } from "./api";

export type View = "map" | "profile" | "ldc" | "gender" | "leftbehind" | "explorer" | "about";
export const VIEWS: { id: View; label: string }[] = [
  { id: "map", label: "World map" },
  { id: "profile", label: "Country profile" },
  { id: "ldc", label: "LDCs vs world" },
  { id: "gender", label: "Gender gaps" },
  { id: "leftbehind", label: "Who is left behind" },
  { id: "explorer", label: "Indicator explorer" },
  { id: "about", label: "About the data" },
];

export interface State {
  view: View;
  /** unit is the focus country (ISO3), "" for none. */
  unit: string;
  /** fw and year choose the scores of the map, the profile and the LDC view. */
  fw: string;
  year: number | null;
  /** node is the framework node the map shows, "" for the index. */
  node: string;
  /** compare lists the units set beside the focus country in the gender view and the explorer. */
  compare: string[];
  /** gyear is the gender view's year, null for the gender framework's default. */
  gyear: number | null;
  ind: string;
  bysex: boolean;
  /** weights are the profile's what-if pillar weights that differ from the framework's ("PEOPLE:2,ECONOMY:0.5"). */
  weights: string;
  from: number | null;
  to: number | null;
}

export interface Ctx {
  units: Unit[];
  unitByCode: Map<string, Unit>;
  groups: Group[];
  groupByCode: Map<string, Group>;
  frameworks: FrameworkSummary[];
  indicators: Indicator[];
  indicatorById: Map<string, Indicator>;
  snapshot: string;
}

export async function loadContext(): Promise<Ctx> {
  const [units, groups, frameworks, indicators] = await Promise.all([
    get<Unit[]>(apiURL("units", { per_page: 1000 })),
    get<Group[]>(apiURL("groups", { per_page: 1000 })),
    get<FrameworkSummary[]>(apiURL("frameworks")),
    get<Indicator[]>(apiURL("indicators", { per_page: 1000 })),
  ]);
  return {
    units: units.data,
    unitByCode: new Map(units.data.map((u) => [u.code, u])),
    groups: groups.data,
    groupByCode: new Map(groups.data.map((g) => [g.code, g])),
    frameworks: frameworks.data,
    indicators: indicators.data,
    indicatorById: new Map(indicators.data.map((i) => [i.id, i])),
    snapshot: String(units.meta.snapshot ?? ""),
  };
}

export async function framework(id: string): Promise<Framework> {
  return (await get<Framework>(apiURL(`frameworks/${encodeURIComponent(id)}`))).data;
}

/** unitName names a unit or group code. */
export function unitName(ctx: Ctx, code: string): string {
  return ctx.unitByCode.get(code)?.name ?? ctx.groupByCode.get(code)?.name ?? code;
}

/** nodeName names a framework node: its own name, else its indicator's. */
export function nodeName(ctx: Ctx, n: { name?: string; indicator?: string; code: string }): string {
  if (n.name) return n.name;
  if (n.indicator) return ctx.indicatorById.get(n.indicator)?.name ?? n.indicator;
  return n.code;
}

/** root is the framework's top node (the index). */
export function root(fw: Framework): FrameworkNode {
  return fw.nodes.find((n) => !n.parent) ?? fw.nodes[0];
}

/** pillars are the children of the index that have data shipped. */
export function pillars(fw: Framework): FrameworkNode[] {
  const r = root(fw);
  return fw.nodes.filter((n) => n.parent === r.code && !n.no_data_shipped);
}

/** yearOf is the year the scoring views use: the chosen one if the framework has it, else its default. */
export function yearOf(fw: Framework, state: State): number {
  return state.year != null && fw.years.includes(state.year) ? state.year : fw.default_year;
}

/** scored reports whether frameworks score the unit (UN member states). */
export function scored(u: Unit | undefined): boolean {
  return u?.type === "country";
}
