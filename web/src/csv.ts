// CSV files the dashboard writes itself: the API's rows (the same request as
// the view) with what a file read on its own needs, the framework, the year,
// the unit of the values and the rank interval, in columns. They download
// from a data: URL (readable without a fetch, which the page's
// Content-Security-Policy limits to the API); the API's own CSV stays linked
// beside them.
import { h } from "./dom";

export type Cell = string | number | boolean | null | undefined;

/** csvText writes RFC 4180 CSV: a header, then rows; text is quoted when it needs to be. */
export function csvText(header: string[], rows: Cell[][]): string {
  const cell = (v: Cell) => {
    if (v == null) return "";
    const s = String(v);
    return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return [header, ...rows].map((r) => r.map(cell).join(",")).join("\r\n") + "\r\n";
}

/** csvLink is a download link to a CSV made here. */
export function csvLink(testid: string, filename: string, header: string[], rows: Cell[][], label = "Download CSV"): HTMLAnchorElement {
  const href = "data:text/csv;charset=utf-8," + encodeURIComponent(csvText(header, rows));
  return h("a", { class: "download", href, download: filename, "data-testid": testid }, label);
}

/** Columns of a score CSV that say what the value is on. */
export const SCORE_UNIT = (lo: number, hi: number) => `score ${lo}-${hi}`;

/**
 * rowsLink is the CSV of API rows (objects, columns in the API's order) with
 * leading columns computed per row by lead (framework, unit of the values,
 * ...) and trailing ones by tail (the rank interval, ...).
 */
export function rowsLink<T extends object>(
  testid: string,
  filename: string,
  rows: T[],
  lead: (r: T) => Record<string, Cell>,
  tail: (r: T) => Record<string, Cell> = () => ({}),
  label = "Download CSV",
): HTMLAnchorElement {
  const keys: string[] = [];
  const seen = new Set<string>();
  const add = (k: string) => {
    if (!seen.has(k)) {
      seen.add(k);
      keys.push(k);
    }
  };
  const built = rows.map((r) => ({ l: lead(r), r: r as Record<string, unknown>, t: tail(r) }));
  for (const b of built) Object.keys(b.l).forEach(add);
  for (const b of built) Object.keys(b.r).forEach(add);
  for (const b of built) Object.keys(b.t).forEach(add);
  const value = (b: (typeof built)[number], k: string): Cell => {
    const v = k in b.l ? b.l[k] : k in b.r ? b.r[k] : b.t[k];
    return v != null && typeof v === "object" ? JSON.stringify(v) : (v as Cell);
  };
  return csvLink(testid, filename, keys, built.map((b) => keys.map((k) => value(b, k))), label);
}

/** intervalColumns are the rank interval columns of a unit's index row ("" where there is none). */
export function intervalColumns(iv: { lo: number; hi: number; runs: number } | undefined): Record<string, Cell> {
  return { rank_p5: iv?.lo ?? null, rank_p95: iv?.hi ?? null, rank_runs: iv?.runs ?? null };
}
