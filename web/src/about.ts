// View 6, about the data: every source of the snapshot being served, with
// its publisher, title, vintage, licence, required attribution and link (the
// snapshot's /v1/snapshot joined with datasets/catalog.yaml), and the
// licences of the map shapes and the dashboard's own libraries.
import { type Ctx, type State } from "./context";
import { h, replace, table } from "./dom";
import { loadSources } from "./sources";
import { runner, statusLine, type Nav, type ViewImpl } from "./view";

export function createAboutView(ctx: Ctx, section: HTMLElement, _nav: Nav): ViewImpl {
  const lede = h("p", { class: "lede" });
  const status = statusLine();
  const list = h("div");
  replace(
    section,
    h("div", { class: "view-head" }, h("h2", null, "About the data")),
    lede,
    status,
    list,
    h("h3", null, "Map and software"),
    h(
      "ul",
      { class: "notes" },
      h("li", null, "Map shapes: Natural Earth 1:50m (public domain) via world-atlas 2.0.2 (ISC licence). Boundaries are not an endorsement."),
      h("li", null, "Charts: Apache ECharts (Apache-2.0); projection: d3-geo (ISC); shapes: topojson-client (ISC). Their notices are in ", h("a", { href: new URL(import.meta.url).href + ".LEGAL.txt" }, "the bundle's licence notices"), "."),
      h("li", null, "The API and its documentation: ", h("a", { href: "docs" }, "/docs"), "; every figure the dashboard shows is an API answer, and every view has it as CSV."),
    ),
  );
  const run = runner(section, status);
  return {
    render: (_state: State) =>
      run(async (stale) => {
        const { snapshot, byId } = await loadSources();
        if (stale()) return;
        const all = [...byId.values()];
        const data = all.filter((s) => s.adapter !== "document");
        replace(
          lede,
          `Snapshot ${snapshot.id.slice(0, 12)}, built ${snapshot.created.replace("T", " ").replace("Z", " UTC")}: ${data.length} data files from ` +
            `${new Set(data.map((s) => s.publisher)).size} publishers, ${ctx.indicators.length} indicators. ` +
            "Cite the publisher as its attribution says when you reuse a figure.",
        );
        replace(
          list,
          table(
            { "data-testid": "about-sources" },
            "Sources of this snapshot",
            ["Source", "Publisher", "Vintage", "Licence", "Attribution", "Rows loaded"],
            all.map((s) => ({
              attrs: { "data-source": s.id, id: `source-${s.id}` },
              cells: [
                h(
                  "span",
                  null,
                  s.url ? h("a", { href: s.url, rel: "noopener", target: "_blank" }, s.title || s.id) : s.title || s.id,
                  h("small", { class: "muted block" }, s.id),
                ),
                s.publisher,
                s.vintage,
                s.licence,
                s.attribution || "–",
                s.adapter === "document" ? "document" : s.loaded.toLocaleString("en"),
              ],
            })),
            [false, false, false, false, false, true],
            [false, false, true, false, true, true],
          ),
        );
        section.dataset.sources = String(all.length);
      }),
  };
}
