// The "compare with" control of the gender view and the explorer: the units
// shown beside the focus country, as removable chips and an add list of
// groups, countries and territories. Both views share the list (state.compare).
import { unitName, type Ctx, type State } from "./context";
import { h, option, replace } from "./dom";
import type { Nav } from "./view";

const kindLabels: [string, string][] = [
  ["world", "World"],
  ["un-list", "UN country lists"],
  ["income", "World Bank income groups"],
  ["m49-region", "Regions (M49)"],
  ["m49-sub-region", "Sub-regions (M49)"],
  ["m49-intermediate-region", "Intermediate regions (M49)"],
  ["wb-region", "World Bank regions"],
];

export function unitPicker(ctx: Ctx, nav: Nav, id: string) {
  const chips = h("ul", { class: "chips", "aria-label": "Units compared" });
  const add = h("select", { id: `${id}-add`, "data-testid": `${id}-add` });
  const button = h("button", { type: "button" }, "Add");
  let current: State | undefined;
  button.addEventListener("click", () => {
    if (!current || !add.value) return;
    nav.update({ compare: [...current.compare.filter((c) => c !== add.value), add.value] });
  });
  const el = h(
    "div",
    { class: "picker" },
    h("span", { class: "picker-label" }, "Compared with"),
    chips,
    h("label", { class: "field inline" }, h("span", { class: "visually-hidden" }, "Add a unit"), add),
    button,
  );

  function update(state: State) {
    current = state;
    const taken = new Set([state.unit, ...state.compare]);
    replace(
      chips,
      state.compare.map((code) =>
        h(
          "li",
          null,
          h(
            "button",
            {
              type: "button",
              class: "chip",
              "aria-label": `Remove ${unitName(ctx, code)}`,
              onclick: () => nav.update({ compare: state.compare.filter((c) => c !== code) }),
            },
            unitName(ctx, code),
            h("span", { "aria-hidden": "true" }, " ×"),
          ),
        ),
      ),
      state.compare.length === 0 && h("li", { class: "muted" }, "nothing yet"),
    );
    const groups = kindLabels.map(([kind, label]) =>
      h(
        "optgroup",
        { label },
        ctx.groups.filter((g) => g.kind === kind && !taken.has(g.code)).map((g) => option(g.code, g.name)),
      ),
    );
    const units = (type: string, label: string) =>
      h(
        "optgroup",
        { label },
        ctx.units
          .filter((u) => u.type === type && !taken.has(u.code))
          .sort((a, b) => a.name.localeCompare(b.name))
          .map((u) => option(u.code, u.name)),
      );
    add.replaceChildren(option("", "Add a group or country…"), ...groups, units("country", "Countries"), units("territory", "Territories"));
  }
  return { el, update };
}
