// The dashboard's entry point: loads the reference lists, builds the
// controls and the tabs, keeps the state in the URL fragment
// (#view=profile&unit=KEN&fw=compass&year=2025...) and draws the active view.
import "./style.css";

import { framework, loadContext, scored, VIEWS, type Ctx, type State, type View } from "./context";
import { byId, h, option, replace } from "./dom";
import { createMapView } from "./map";
import { setStatus, type Nav, type ViewImpl } from "./view";

const DEFAULT_COMPARE = ["LDC", "WLD"];

function defaults(ctx: Ctx): State {
  const fw = ctx.frameworks.find((f) => f.id === "compass") ?? ctx.frameworks[0];
  return {
    view: "map",
    unit: "",
    fw: fw?.id ?? "",
    year: null,
    node: "",
    compare: DEFAULT_COMPARE,
    gyear: null,
    ind: ctx.indicatorById.has("itu.internet_use") ? "itu.internet_use" : (ctx.indicators[0]?.id ?? ""),
    bysex: false,
    weights: "",
    from: null,
    to: null,
  };
}

const int = (s: string | null): number | null => (s && /^\d+$/.test(s) ? Number(s) : null);

/** parse reads the state from a URL fragment; unknown or bad values fall back to the defaults. */
function parse(hash: string, ctx: Ctx): State {
  const d = defaults(ctx);
  const q = new URLSearchParams(hash.replace(/^#/, ""));
  const view = q.get("view");
  const unit = (q.get("unit") ?? "").toUpperCase();
  const fw = q.get("fw");
  const compare = q.get("compare");
  return {
    view: VIEWS.some((v) => v.id === view) ? (view as View) : d.view,
    unit: scored(ctx.unitByCode.get(unit)) ? unit : "",
    fw: fw && ctx.frameworks.some((f) => f.id === fw) ? fw : d.fw,
    year: int(q.get("year")),
    node: q.get("node") ?? "",
    compare:
      compare == null
        ? d.compare
        : compare.split(",").filter((c) => c && (ctx.unitByCode.has(c) || ctx.groupByCode.has(c))),
    gyear: int(q.get("gyear")),
    ind: ctx.indicatorById.has(q.get("ind") ?? "") ? q.get("ind")! : d.ind,
    bysex: q.get("sex") === "1",
    weights: /^[A-Za-z0-9._:,-]*$/.test(q.get("w") ?? "") ? (q.get("w") ?? "") : "",
    from: int(q.get("from")),
    to: int(q.get("to")),
  };
}

/** format writes the state as a URL fragment, leaving out what equals the default. */
function format(s: State, ctx: Ctx): string {
  const d = defaults(ctx);
  const q = new URLSearchParams();
  const put = (k: string, v: string, def: string) => {
    if (v !== def) q.set(k, v);
  };
  put("view", s.view, d.view);
  put("unit", s.unit, d.unit);
  put("fw", s.fw, d.fw);
  put("year", s.year == null ? "" : String(s.year), "");
  put("node", s.node, "");
  put("compare", s.compare.join(","), d.compare.join(","));
  put("gyear", s.gyear == null ? "" : String(s.gyear), "");
  put("ind", s.ind, d.ind);
  put("sex", s.bysex ? "1" : "", "");
  put("w", s.weights, "");
  put("from", s.from == null ? "" : String(s.from), "");
  put("to", s.to == null ? "" : String(s.to), "");
  return "#" + q.toString();
}

async function main() {
  const appStatus = byId("app-status");
  let ctx: Ctx;
  try {
    ctx = await loadContext();
  } catch (err) {
    setStatus(appStatus, `The dashboard cannot load its data: ${err instanceof Error ? err.message : String(err)}`, true);
    return;
  }
  setStatus(appStatus, "");
  replace(byId("snapshot"), `Data snapshot ${ctx.snapshot.slice(0, 12)}`);
  byId("snapshot").title = ctx.snapshot;

  let state = parse(location.hash, ctx);

  const unitSelect = byId<HTMLSelectElement>("unit-select");
  const fwSelect = byId<HTMLSelectElement>("framework-select");
  const yearSelect = byId<HTMLSelectElement>("year-select");
  unitSelect.replaceChildren(
    option("", "Choose a country…"),
    ...ctx.units
      .filter(scored)
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((u) => option(u.code, u.name)),
  );
  fwSelect.replaceChildren(...ctx.frameworks.map((f) => option(f.id, f.name)));
  unitSelect.addEventListener("change", () => update({ unit: unitSelect.value }));
  fwSelect.addEventListener("change", () => update({ fw: fwSelect.value, node: "", weights: "" }));
  yearSelect.addEventListener("change", () => update({ year: Number(yearSelect.value) }));

  const nav: Nav = {
    update: (change) => update(change),
    href: (change) => format({ ...state, ...change }, ctx),
  };

  const tabs = byId("tabs");
  const tabButtons = new Map<View, HTMLButtonElement>();
  const views = new Map<View, ViewImpl>();
  // The map is in the first bundle; the other views load when first shown (less script before the first map).
  type Maker = (ctx: Ctx, el: HTMLElement, nav: Nav) => ViewImpl;
  const makers: Record<View, () => Promise<Maker>> = {
    map: async () => createMapView,
    profile: async () => (await import("./profile")).createProfileView,
    ldc: async () => (await import("./ldc")).createLDCView,
    gender: async () => (await import("./gender")).createGenderView,
    leftbehind: async () => (await import("./leftbehind")).createLeftBehindView,
    explorer: async () => (await import("./explorer")).createExplorerView,
    about: async () => (await import("./about")).createAboutView,
  };
  for (const v of VIEWS) {
    const b = h(
      "button",
      { type: "button", role: "tab", id: `tab-${v.id}`, "aria-controls": `view-${v.id}`, "data-testid": `tab-${v.id}` },
      v.label,
    );
    b.addEventListener("click", () => update({ view: v.id }));
    tabButtons.set(v.id, b);
    tabs.appendChild(b);
  }
  // Arrow keys move between tabs (WAI-ARIA tabs pattern, automatic activation).
  tabs.addEventListener("keydown", (e) => {
    const i = VIEWS.findIndex((v) => v.id === state.view);
    const next =
      e.key === "ArrowRight" ? i + 1 : e.key === "ArrowLeft" ? i - 1 : e.key === "Home" ? 0 : e.key === "End" ? VIEWS.length - 1 : null;
    if (next == null) return;
    e.preventDefault();
    const v = VIEWS[(next + VIEWS.length) % VIEWS.length].id;
    update({ view: v });
    tabButtons.get(v)!.focus();
  });

  const rendered = new Map<View, string>();
  async function render() {
    for (const v of VIEWS) {
      const active = v.id === state.view;
      const b = tabButtons.get(v.id)!;
      b.setAttribute("aria-selected", String(active));
      b.tabIndex = active ? 0 : -1;
      byId(`view-${v.id}`).hidden = !active;
    }
    unitSelect.value = state.unit;
    fwSelect.value = state.fw;
    const scoring = state.view === "map" || state.view === "profile" || state.view === "ldc";
    byId("framework-field").hidden = !scoring;
    byId("year-field").hidden = !scoring;
    document.body.dataset.view = state.view;

    // Draw the active view when what it shows has changed (or on first show).
    // The what-if weights matter to the profile only.
    const key = JSON.stringify({ ...state, view: undefined, weights: state.view === "profile" ? state.weights : undefined });
    if (rendered.get(state.view) !== key) {
      rendered.set(state.view, key);
      const shown = state.view;
      let view = views.get(shown);
      if (!view) {
        const section = byId(`view-${shown}`);
        section.setAttribute("aria-busy", "true");
        try {
          view = (await makers[shown]())(ctx, section, nav);
        } catch (err) {
          rendered.delete(shown);
          section.setAttribute("aria-busy", "false");
          setStatus(appStatus, `The ${shown} view cannot load: ${err instanceof Error ? err.message : String(err)}`, true);
          return;
        }
        views.set(shown, view);
      }
      // A newer render may have moved on while the view's script loaded: draw the state as it is now.
      if (state.view === shown) void view.render(state);
    }
    try {
      const fw = await framework(state.fw);
      const year = state.year != null && fw.years.includes(state.year) ? state.year : fw.default_year;
      yearSelect.replaceChildren(...[...fw.years].reverse().map((y) => option(String(y), String(y), y === year)));
    } catch (err) {
      setStatus(appStatus, err instanceof Error ? err.message : String(err), true);
    }
  }

  // A new view or country is a new history entry (Back returns to it); other changes replace the entry.
  function update(change: Partial<State>) {
    const navigates = (change.view != null && change.view !== state.view) || (change.unit != null && change.unit !== state.unit);
    state = { ...state, ...change };
    if (navigates) history.pushState(null, "", format(state, ctx));
    else history.replaceState(null, "", format(state, ctx));
    void render();
  }
  // Back, Forward, links to #... and edits of the address.
  const fromURL = () => {
    const next = parse(location.hash, ctx);
    if (format(next, ctx) === format(state, ctx)) return;
    state = next;
    void render();
  };
  window.addEventListener("popstate", fromURL);
  window.addEventListener("hashchange", fromURL);
  document.body.dataset.ready = "true";
  await render();
}

void main();
