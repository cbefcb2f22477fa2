// ECharts, tree-shaken to the charts and components the dashboard draws, and
// the colour scales: viridis (sequential, colour-blind safe, prints in grey)
// for values, Okabe-Ito (Okabe & Ito 2008, "Color Universal Design") for
// categories.
import * as echarts from "echarts/core";
// The map's parts only: the other views' charts (bars, lines, box plots on
// axes) are registered by plots.ts, which loads with those views, so the
// first screen compiles less script.
import { install as MapChart } from "echarts/lib/chart/map/install.js";
import { install as ScatterChart } from "echarts/lib/chart/scatter/install.js";
import { install as AriaComponent } from "echarts/lib/component/aria/install.js";
import { install as GeoComponent } from "echarts/lib/component/geo/install.js";
import { install as TooltipComponent } from "echarts/lib/component/tooltip/install.js";
import { install as VisualMapContinuousComponent } from "echarts/lib/component/visualMap/installVisualMapContinuous.js";
import { install as CanvasRenderer } from "echarts/lib/renderer/installCanvasRenderer.js";
import { install as SVGRenderer } from "echarts/lib/renderer/installSVGRenderer.js";

import { h } from "./dom";

echarts.use([MapChart, ScatterChart, AriaComponent, GeoComponent, TooltipComponent, VisualMapContinuousComponent, CanvasRenderer, SVGRenderer] as never);

export { echarts };

/** viridis sampled at ten stops (matplotlib's _viridis_data). */
export const VIRIDIS = [
  "#440154", "#482878", "#3e4989", "#31688e", "#26828e",
  "#1f9e89", "#35b779", "#6ece58", "#b5de2b", "#fde725",
];

/** Okabe-Ito, in the order the dashboard hands colours out. */
export const OKABE_ITO = {
  blue: "#0072B2",
  orange: "#E69F00",
  green: "#009E73",
  purple: "#CC79A7",
  vermillion: "#D55E00",
  sky: "#56B4E9",
  yellow: "#F0E442",
  black: "#000000",
};
export const CATEGORICAL = [
  OKABE_ITO.blue,
  OKABE_ITO.orange,
  OKABE_ITO.green,
  OKABE_ITO.purple,
  OKABE_ITO.vermillion,
  OKABE_ITO.sky,
  OKABE_ITO.black,
  OKABE_ITO.yellow,
];
/** Marker shapes that go with the colours, so series differ without colour too (legend() draws the same shapes). */
export const SYMBOLS = ["circle", "diamond", "triangle", "rect", "emptyCircle", "emptyDiamond", "emptyTriangle", "emptyRect"];

export const NO_DATA_COLOUR = "#d4d4d4";
export const TEXT = "#1f2328";
export const MUTED = "#59636e";

export const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;

/** base is the option every chart starts from. */
export function base(): echarts.EChartsCoreOption {
  return {
    animation: !reducedMotion,
    animationDuration: 300,
    textStyle: { fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", color: TEXT },
    aria: { enabled: true },
    color: CATEGORICAL,
  };
}

export interface LegendItem {
  label: string;
  colour: string;
  /** symbol is one of SYMBOLS (a marker) or "bar"; line draws a line sample instead. */
  symbol?: string;
  line?: "solid" | "dashed";
}

/**
 * legend is an HTML legend for a chart. It wraps on narrow screens, where an
 * ECharts legend would overlap the plot or hide items behind paging, and
 * screen readers read it as a list. Colours go in through a CSS custom
 * property set with the CSSOM, which the Content-Security-Policy allows.
 */
export function legend(items: LegendItem[]): HTMLElement {
  return h(
    "ul",
    { class: "chart-legend" },
    items.map((it) => {
      const key = h("span", { class: `key ${it.line ? `line ${it.line}` : (it.symbol ?? "bar")}`, "aria-hidden": "true" });
      key.style.setProperty("--c", it.colour);
      return h("li", null, key, it.label);
    }),
  );
}

const charts = new WeakMap<HTMLElement, echarts.ECharts>();
const observer = new ResizeObserver((entries) => {
  // The observer also reports each element once when it starts watching: a chart already at that size is not drawn again.
  for (const e of entries) {
    const el = e.target as HTMLElement;
    const c = charts.get(el);
    if (c && (c.getWidth() !== el.clientWidth || c.getHeight() !== el.clientHeight)) c.resize();
  }
});

/**
 * chart returns the chart drawn in el, creating it on first use. When a
 * drawing ends the element gets data-rendered="true" (the browser test waits
 * for it); setOption clears it first.
 */
export function chart(el: HTMLElement): echarts.ECharts {
  let c = charts.get(el);
  if (!c) {
    c = echarts.init(el, null, { renderer: "canvas" });
    c.on("finished", () => el.setAttribute("data-rendered", "true"));
    charts.set(el, c);
    observer.observe(el);
  }
  return c;
}

// The browser test (and anyone in the console) reaches a chart through
// window.driChart(element): to find where a country is drawn, or to export it.
(window as unknown as { driChart: (el: Element) => echarts.ECharts | undefined }).driChart = (el) => charts.get(el as HTMLElement);

/** draw replaces a chart's option; the first draw puts the PNG and SVG export links under the chart. */
export function draw(el: HTMLElement, opt: echarts.EChartsCoreOption, lazy = false): echarts.ECharts {
  const c = chart(el);
  el.setAttribute("data-rendered", "false");
  // lazy: the option is taken now and drawn at the next frame, two tasks instead of one.
  c.setOption({ ...base(), ...opt }, { notMerge: true, lazyUpdate: lazy });
  if (!el.nextElementSibling?.classList.contains("exports") && el.parentNode) el.after(exportLinks(el));
  return c;
}

/**
 * exportLinks are "PNG" and "SVG" downloads of the chart in el. The file is
 * made when the link is clicked (or focused, so a keyboard user's Enter gets
 * it too): a PNG at twice the screen's resolution on white, and an SVG drawn
 * by ECharts' SVG renderer from the same option.
 */
export function exportLinks(el: HTMLElement): HTMLElement {
  const name = `dri-${el.dataset.testid ?? "chart"}`;
  const png = h("a", { class: "export", href: "#", download: `${name}.png`, "data-testid": `export-png-${el.dataset.testid}` }, "PNG");
  const svg = h("a", { class: "export", href: "#", download: `${name}.svg`, "data-testid": `export-svg-${el.dataset.testid}` }, "SVG");
  const fillPNG = () => {
    const c = charts.get(el);
    if (c) png.href = c.getDataURL({ type: "png", pixelRatio: 2, backgroundColor: "#ffffff" });
  };
  const fillSVG = () => {
    const c = charts.get(el);
    if (c) svg.href = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(toSVG(c, el));
  };
  png.addEventListener("click", fillPNG);
  png.addEventListener("focus", fillPNG);
  svg.addEventListener("click", fillSVG);
  svg.addEventListener("focus", fillSVG);
  return h("p", { class: "exports" }, "Save the chart: ", png, " ", svg);
}

/** toSVG draws a chart's current option again with the SVG renderer, off screen, at the chart's size. */
function toSVG(c: echarts.ECharts, el: HTMLElement): string {
  const opt = c.getOption() as Record<string, unknown>;
  // Tooltips need a page to live in; an exported image has none.
  opt.tooltip = [];
  opt.animation = false;
  const ssr = echarts.init(null, null, { renderer: "svg", ssr: true, width: el.clientWidth || 800, height: el.clientHeight || 400 });
  try {
    ssr.setOption(opt);
    return ssr.renderToSVGString();
  } finally {
    ssr.dispose();
  }
}
