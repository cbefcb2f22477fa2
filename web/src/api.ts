// The API client: URL builders (relative to the page, so the dashboard works
// behind a path prefix), a fetch with an in-memory cache, and the row types of
// the routes the dashboard reads. Shapes follow /openapi.json.

export type Meta = Record<string, unknown> & { total?: number; snapshot?: string };
export interface Envelope<T> {
  meta: Meta;
  data: T;
}

/** ApiError is a problem+json answer (or a network failure) in readable form. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message);
  }
}

export type Params = Record<string, string | number | null | undefined>;

/** apiURL builds "v1/PATH?k=v..." leaving out empty parameters, keys in the given order. */
export function apiURL(path: string, params: Params = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v != null && v !== "") q.set(k, String(v));
  }
  const s = q.toString();
  return `v1/${path}${s ? "?" + s : ""}`;
}

/** csvURL is the same request answered as CSV. */
export function csvURL(url: string): string {
  return url + (url.includes("?") ? "&" : "?") + "format=csv";
}

const cache = new Map<string, Promise<Envelope<unknown>>>();

/** get fetches a JSON envelope; answers are cached for the life of the page (the snapshot is immutable). */
export function get<T>(url: string): Promise<Envelope<T>> {
  let p = cache.get(url);
  if (!p) {
    p = fetchJSON(url);
    cache.set(url, p);
    p.catch(() => cache.delete(url));
  }
  return p as Promise<Envelope<T>>;
}

async function fetchJSON(url: string): Promise<Envelope<unknown>> {
  let res: Response;
  try {
    res = await fetch(url, { headers: { Accept: "application/json" } });
  } catch (err) {
    throw new ApiError(`cannot reach the DRI server (${String(err)})`, 0, "network");
  }
  if (!res.ok) {
    let detail = `${res.status} ${res.statusText}`;
    let code = "http_" + res.status;
    try {
      const p = (await res.json()) as { detail?: string; title?: string; code?: string };
      detail = p.detail || p.title || detail;
      code = p.code || code;
    } catch {
      // not problem+json: keep the status line
    }
    throw new ApiError(detail, res.status, code);
  }
  return (await res.json()) as Envelope<unknown>;
}

export interface Unit {
  code: string;
  iso2: string;
  m49: string;
  name: string;
  type: "country" | "territory" | "subnational";
  un_member: boolean;
  region: string;
  sub_region: string;
  intermediate_region: string;
  income_group: string;
  wb_region: string;
  ldc: boolean;
  lldc: boolean;
  sids: boolean;
  /** parent is a sub-national unit's country (ISO3). */
  parent?: string;
}

export interface Group {
  code: string;
  name: string;
  kind: string;
  definition: string;
  /** members is the count in /v1/groups and the list of unit codes in /v1/groups/{code}. */
  members: string[] | number;
  /** periods, for a group whose membership changes (LDC): the years each state is a member (0 = open). */
  periods?: { unit: string; from: number; to: number }[];
}

export interface FrameworkSummary {
  id: string;
  name: string;
  kind: string;
  levels: number;
  indicators: number;
  scale_lo: number;
  scale_hi: number;
  tiers: string;
  first_year: number;
  last_year: number;
  default_year: number;
}

export interface FrameworkNode {
  code: string;
  name: string;
  level: number;
  parent?: string;
  indicator?: string;
  weight: number;
  no_data_shipped: boolean;
  children?: string[];
}

export interface Framework {
  id: string;
  name: string;
  kind: string;
  description: string;
  source?: string;
  departures?: string;
  scale: { lo: number; hi: number };
  tiers: { scheme: string; names: string[] };
  years: number[];
  default_year: number;
  nodes: FrameworkNode[];
}

export interface ScoreRow {
  unit: string;
  unit_name: string;
  type: string;
  year: number;
  node: string;
  level: number;
  value: number | null;
  rank: number | null;
  tier: string;
  coverage: number | null;
  note: string;
  /** Group rows: members with a value and members in the year (the group rule's counts). */
  members_with_data?: number | null;
  members?: number | null;
}

export interface ProfileNode {
  code: string;
  name: string;
  level: number;
  parent?: string;
  value: number | null;
  rank: number | null;
  of?: number;
  tier?: string;
  class?: string;
  coverage?: number;
  weight?: number;
  no_data_shipped?: boolean;
  excluded?: boolean;
  indicator?: string;
  raw?: number | null;
  year?: number;
  source?: string;
  status?: string;
  note?: string;
  imputed?: boolean;
  female?: number | null;
  male?: number | null;
  parity_score?: number | null;
  /** Aggregates: the children the score rests on ("3/5"); partial when fewer than all. */
  rests_on?: string;
  partial?: boolean;
  /** The publisher's own score for this node (compass: UNDP's ddc.*), with DRI minus it. */
  published?: { indicator: string; value: number; year: number; source: string; difference: number | null };
}

export interface Comparison {
  node: string;
  group: string;
  group_name: string;
  value: number | null;
  group_value: number | null;
  difference: number | null;
  ratio: number | null;
  percentile: number | null;
  rank: number | null;
  of: number | null;
  members_with_data: number;
  members: number;
  withheld?: boolean;
}

export interface Profile {
  unit: {
    code: string;
    name: string;
    type: string;
    region?: string;
    sub_region?: string;
    income_group?: string;
    ldc?: boolean;
    lldc?: boolean;
    sids?: boolean;
    groups?: string[];
  };
  framework: string;
  framework_name: string;
  year: number;
  scale: { lo: number; hi: number };
  tiers: { scheme: string; names: string[] };
  nodes: ProfileNode[];
  trend: { year: number; value: number | null; rank: number | null; tier: string }[];
  comparisons: Comparison[];
  notes: string[] | null;
}

export interface GenderRow {
  unit: string;
  unit_name: string;
  type: string;
  indicator: string;
  year: number;
  female: number | null;
  male: number | null;
  parity_score: number | null;
  parity: string;
  gap_points: number | null;
  gap_relative: number | null;
  weight: number | null;
  note: string;
}

export interface Indicator {
  id: string;
  name: string;
  unit: string;
  polarity: number;
  disaggregations: string;
  sources: string;
  observations: number;
  first_year: number;
  last_year: number;
}

export interface DataRow {
  unit: string;
  unit_name: string;
  type: string;
  year: number;
  indicator: string;
  sex: string;
  area: string;
  age: string;
  value: number | null;
  status: string;
  source: string;
  note: string;
}

/** GapRow is a row of GET /v1/gaps: one unit's or group's inclusion gap on one indicator. */
export interface GapRow {
  unit: string;
  unit_name: string;
  type: string;
  indicator: string;
  dimension: string;
  focus: string;
  reference: string;
  year: number;
  focus_value: number | null;
  reference_value: number | null;
  parity_index: number | null;
  parity: string;
  gap_points: number | null;
  gap_relative: number | null;
  note: string;
  /** Group rows: the group rule's provenance of the figure. */
  members_with_data?: number | null;
  members?: number | null;
  population_share?: number | null;
  years?: string;
  method?: string;
  imputed_share?: number | null;
}
