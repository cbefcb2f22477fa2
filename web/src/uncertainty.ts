// Rank uncertainty: GET /v1/sensitivity/{framework} runs a seeded Monte Carlo
// analysis (weights drawn within +-25 % of the framework's, 1,000 runs) and
// gives each unit's 5th and 95th percentile rank. The map (tooltip, card and
// ranked table; index only), the country profile and the CSVs with a rank
// show that interval next to the rank.

import { apiURL, get, type Framework } from "./api";

/** RankInterval is a unit's 90 % rank interval (lo = better rank) over the runs. */
export interface RankInterval {
  lo: number;
  hi: number;
  runs: number;
}

interface SensitivityRow {
  unit: string;
  p5_rank: number;
  p95_rank: number;
  runs: number;
}

/** SENSITIVITY_RUNS is the number of Monte Carlo runs the dashboard asks for. */
export const SENSITIVITY_RUNS = 1000;

/**
 * rankIntervals fetches the intervals of a framework's index for a year, by
 * unit code. A framework that cannot be analysed (not a composite) or a
 * failed request gives an empty map: the views then show no interval.
 */
export async function rankIntervals(fw: Framework, year: number | undefined): Promise<Map<string, RankInterval>> {
  // Gender-gap frameworks rank no composite index.
  if (fw.kind !== "" && fw.kind !== "composite") return new Map();
  const url = apiURL(`sensitivity/${encodeURIComponent(fw.id)}`, { year, runs: SENSITIVITY_RUNS, per_page: 1000 });
  try {
    const res = await get<SensitivityRow[]>(url);
    return new Map(
      res.data.map((r) => [r.unit, { lo: Math.round(r.p5_rank), hi: Math.round(r.p95_rank), runs: r.runs }]),
    );
  } catch {
    return new Map();
  }
}

/** rankIntervalText describes an interval, or is "" when there is none. */
export function rankIntervalText(iv: RankInterval | undefined): string {
  if (!iv) return "";
  return iv.lo === iv.hi
    ? `Rank ${iv.lo} in 90 % of ${iv.runs} runs with weights varied by ±25 %`
    : `Rank ${iv.lo} to ${iv.hi} in 90 % of ${iv.runs} runs with weights varied by ±25 %`;
}
