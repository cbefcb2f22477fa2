// Small DOM helpers. Text always goes in as text nodes, never as HTML, so
// names and notes from the data cannot inject markup; and nothing sets a
// style attribute (the Content-Security-Policy forbids inline styles).

export type Child = Node | string | number | null | undefined | false | Child[];
type AttrValue = string | number | boolean | null | undefined;
export type Attrs = Record<string, AttrValue | EventListener>;

/** h creates an element with attributes, event listeners (onclick, ...) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (typeof value === "function") {
      el.addEventListener(key.slice(2), value);
    } else if (value === true) {
      el.setAttribute(key, "");
    } else if (value !== false && value != null) {
      el.setAttribute(key, String(value));
    }
  }
  append(el, children);
  return el;
}

/** append adds children, flattening arrays and skipping empty ones. */
export function append(el: Node, children: Child[]): void {
  for (const c of children) {
    if (c == null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.appendChild(typeof c === "object" ? c : document.createTextNode(String(c)));
  }
}

/** replace empties el and appends children. */
export function replace(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

/** byId returns the element with this id, or throws: the page template must have it. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`dashboard: no element #${id} in the page`);
  return el as T;
}

/** option builds an <option>. */
export function option(value: string, label: string, selected = false): HTMLOptionElement {
  const o = h("option", { value }, label);
  o.selected = selected;
  return o;
}

/** Row is a table row: its cells, or its cells with attributes for the <tr>. */
export type Row = Child[] | { attrs: Attrs; cells: Child[] };

/**
 * table builds a scrollable <table> with a caption, a header row and body
 * rows; numeric[i] right-aligns column i; optional[i] marks column i as one
 * phones leave out (class "opt"), so the key columns fit without scrolling.
 * The first column stays in view when the table scrolls sideways.
 */
export function table(attrs: Attrs, caption: string, head: string[], rows: Row[], numeric: boolean[] = [], optional: boolean[] = []): HTMLElement {
  const cls = (i: number) => [numeric[i] ? "num" : "", optional[i] ? "opt" : ""].filter(Boolean).join(" ") || null;
  return h(
    "div",
    { class: "table-wrap", tabindex: 0, role: "region", "aria-label": caption },
    h(
      "table",
      attrs,
      h("caption", null, caption),
      h("thead", null, h("tr", null, head.map((t, i) => h("th", { scope: "col", class: cls(i) }, t)))),
      h(
        "tbody",
        null,
        rows.map((r) => {
          const { attrs: ra, cells } = Array.isArray(r) ? { attrs: null, cells: r } : r;
          return h("tr", ra, cells.map((c, i) => h("td", { class: cls(i) }, c)));
        }),
      ),
    ),
  );
}

/** downloadLink is the CSV download of a view: the same request as the view with format=csv. */
export function downloadLink(testid: string, href: string, filename: string, label = "Download CSV"): HTMLAnchorElement {
  return h("a", { class: "download", href, download: filename, "data-testid": testid }, label);
}
