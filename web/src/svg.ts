// ECharts' SVG renderer, loaded on demand for chart exports (charts.ts).
import { install as SVGRenderer } from "echarts/lib/renderer/installSVGRenderer.js";

export function register(echarts: { use(ext: never): void }): void {
  echarts.use([SVGRenderer] as never);
}
