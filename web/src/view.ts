// The contract between main.ts and the views.
import { h } from "./dom";
import type { State } from "./context";

export interface Nav {
  /** update changes the state (and the URL) and redraws the active view. */
  update(change: Partial<State>): void;
  /** href is the link to the state with these changes. */
  href(change: Partial<State>): string;
}

export interface ViewImpl {
  render(state: State): Promise<void>;
}

/**
 * runner serialises a view's renders: a render that a newer one has
 * overtaken stops drawing (stale() turns true), and the section is
 * aria-busy while the newest runs. Errors go to the status line.
 */
export function runner(section: HTMLElement, status: HTMLElement) {
  let seq = 0;
  return async (work: (stale: () => boolean) => Promise<void>) => {
    const mine = ++seq;
    const stale = () => mine !== seq;
    section.setAttribute("aria-busy", "true");
    setStatus(status, "Loading…");
    try {
      await work(stale);
      if (!stale()) setStatus(status, "");
    } catch (err) {
      if (!stale()) setStatus(status, err instanceof Error ? err.message : String(err), true);
    } finally {
      if (!stale()) section.setAttribute("aria-busy", "false");
    }
  };
}

export function setStatus(el: HTMLElement, text: string, error = false): void {
  el.textContent = text;
  el.classList.toggle("error", error);
  el.hidden = text === "";
}

export function statusLine(): HTMLElement {
  const p = h("p", { class: "status", role: "status", "aria-live": "polite" });
  p.hidden = true;
  return p;
}
