// Declarations for imports that are not TypeScript: the ECharts data tool the
// LDC view uses (ECharts ships it untyped), the map shapes and the stylesheet.

// The ECharts data tool.
declare module "echarts/extension/dataTool/prepareBoxplotData.js" {
  /** prepareBoxplotData computes, for each sample, [low whisker, Q1, median, Q3, high whisker] (whiskers at 1.5 IQR unless boundIQR says otherwise). */
  export default function prepareBoxplotData(
    samples: number[][],
    opt?: { boundIQR?: number | "none"; layout?: "horizontal" | "vertical" },
  ): { boxData: number[][]; outliers: number[][]; axisData: string[] };
}

// The map shapes are bundled as a file; importing one gives its URL (esbuild's file loader).
declare module "*.json" {
  const url: string;
  export default url;
}

// Stylesheets are bundled by esbuild; importing one only includes it.
declare module "*.css";

// The URL of the data catalogue's JSON (build.mjs writes it beside the bundle).
declare const __CATALOGUE_URL__: string;

// The URL of the map shapes (shapes.mjs: projected, simplified; build.mjs writes them beside the bundle).
declare const __SHAPES_URL__: string;

// ECharts' installers, imported one by one (charts.ts, plots.ts) so that the
// bundle splits between the map and the other views.
declare module "echarts/lib/*.js" {
  export function install(registers: unknown): void;
  export function installScatterJitter(registers: unknown): void;
}
