// Number and label formatting shared by the views.

/**
 * scoreDecimals is how many decimals a score on the scale lo..hi is shown
 * with: 3 on 0-1 scales (EGDI is published with 4; 3 tells ranks apart),
 * 2 on 0-5 (the Compass), 1 on 0-100.
 */
export function scoreDecimals(hi: number): number {
  if (hi <= 1) return 3;
  if (hi <= 10) return 2;
  return 1;
}

export const NO_DATA = "–";

/** fixed formats a number with d decimals, or the no-data mark. */
export function fixed(v: number | null | undefined, d: number): string {
  return v == null || !Number.isFinite(v) ? NO_DATA : v.toFixed(d);
}

const general = new Intl.NumberFormat("en", { maximumFractionDigits: 2 });
const small = new Intl.NumberFormat("en", { maximumSignificantDigits: 3 });

/** num formats a raw value readably: 2 decimals, or 3 significant digits below 1. */
export function num(v: number | null | undefined): string {
  if (v == null || !Number.isFinite(v)) return NO_DATA;
  return Math.abs(v) < 1 && v !== 0 ? small.format(v) : general.format(v);
}

/** pct formats a share 0-1 as a whole percentage. */
export function pct(v: number | null | undefined): string {
  return v == null || !Number.isFinite(v) ? NO_DATA : `${Math.round(v * 100)}%`;
}

/** signed formats a difference with its sign. */
export function signed(v: number | null | undefined, d: number): string {
  if (v == null || !Number.isFinite(v)) return NO_DATA;
  return (v > 0 ? "+" : v < 0 ? "−" : "±") + Math.abs(v).toFixed(d);
}

/** full is the exact value as the API sent it, for title attributes. */
export function full(v: number | null | undefined): string {
  return v == null ? "no data" : String(v);
}

const unitSuffix: Record<string, string> = {
  percent: "%",
  percent_gni: "% of GNI p.c.",
  per100: " per 100",
  usd: " US$",
  persons: "",
  index: "",
  rank: "",
  score_ddc: "",
};

/** withUnit formats a raw indicator value with the registry unit. */
export function withUnit(v: number | null | undefined, unit: string | undefined): string {
  const s = num(v);
  if (s === NO_DATA || !unit) return s;
  return s + (unitSuffix[unit] ?? ` ${unit}`);
}

/** statusLabel turns the observation status code into words. */
export function statusLabel(code: string | undefined, imputed?: boolean): string {
  if (imputed) return "imputed";
  switch (code) {
    case "A":
      return "observed";
    case "E":
      return "estimate";
    case "I":
      return "imputed";
    case undefined:
    case "":
      return "";
  }
  return code;
}

const sexNames: Record<string, string> = { _T: "Total", F: "Women", M: "Men" };
export function sexLabel(code: string): string {
  return sexNames[code] ?? code;
}
