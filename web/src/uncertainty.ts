// The place where rank uncertainty will show. GET /v1/sensitivity/{framework}
// (not served yet) will give each unit's rank interval over the runs of the
// sensitivity analysis; the map tooltip and the profile call rankIntervalText
// for the unit they show. Until the dashboard reads that route, rankIntervals
// stays empty and they show nothing.

/** RankInterval is a unit's rank range (lo best) over the sensitivity runs. */
export interface RankInterval {
  lo: number;
  hi: number;
  runs: number;
}

/** rankIntervals holds the intervals of the framework and year on show, by unit code. */
export const rankIntervals = new Map<string, RankInterval>();

/** rankIntervalText describes an interval, or is "" when there is none. */
export function rankIntervalText(iv: RankInterval | undefined): string {
  if (!iv) return "";
  return iv.lo === iv.hi
    ? `Rank ${iv.lo} in all ${iv.runs} sensitivity runs`
    : `Rank between ${iv.lo} and ${iv.hi} in ${iv.runs} sensitivity runs`;
}
