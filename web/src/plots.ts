// The charts on axes (bars, lines, box plots, beeswarms, marks) the profile,
// LDC, gender and explorer views draw, registered with ECharts when the first
// of those views loads (main.ts imports the views on demand). They come from
// ECharts' own modules, not its "echarts/charts" index, so that the bundler
// keeps them out of the map's first bundle.
import { install as BarChart } from "echarts/lib/chart/bar/install.js";
import { install as BoxplotChart } from "echarts/lib/chart/boxplot/install.js";
import { install as LineChart } from "echarts/lib/chart/line/install.js";
import { installScatterJitter as ScatterJitter } from "echarts/lib/chart/scatter/install.js";
import { install as GridComponent } from "echarts/lib/component/grid/install.js";
import { install as MarkAreaComponent } from "echarts/lib/component/marker/installMarkArea.js";
import { install as MarkLineComponent } from "echarts/lib/component/marker/installMarkLine.js";
import { install as MarkPointComponent } from "echarts/lib/component/marker/installMarkPoint.js";

import { echarts } from "./charts";

echarts.use([BarChart, BoxplotChart, LineChart, GridComponent, MarkAreaComponent, MarkLineComponent, MarkPointComponent, ScatterJitter] as never);
