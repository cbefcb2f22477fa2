// Where the values come from: the sources of the snapshot being served
// (GET /v1/snapshot: publisher, vintage, licence, file, rows loaded) joined
// with the data catalogue built into the dashboard (datasets/catalog.yaml:
// title, required attribution, link). A source uploaded after the build has
// no catalogue entry and shows what the snapshot says.
import { apiURL, get, type Indicator } from "./api";
import { h } from "./dom";

export interface Source {
  id: string;
  publisher: string;
  title: string;
  vintage: string;
  licence: string;
  attribution: string;
  url: string;
  notes: string;
  file: string;
  adapter: string;
  loaded: number;
}

interface SnapshotSource {
  id: string;
  file: string;
  adapter: string;
  publisher: string;
  vintage: string;
  licence: string;
  loaded: number;
}

export interface Snapshot {
  id: string;
  created: string;
  sources: SnapshotSource[];
}

type CatalogueEntry = Partial<Record<"id" | "publisher" | "title" | "vintage" | "licence" | "attribution" | "url" | "notes", string>>;

let sources: Promise<{ snapshot: Snapshot; byId: Map<string, Source> }> | undefined;

/** loadSources fetches the snapshot's sources and the catalogue once. */
export function loadSources() {
  sources ??= (async () => {
    const [snap, cat] = await Promise.all([
      get<Snapshot>(apiURL("snapshot")),
      fetch(__CATALOGUE_URL__).then((r) => (r.ok ? (r.json() as Promise<CatalogueEntry[]>) : [])),
    ]);
    const entries = new Map(cat.map((c) => [c.id ?? "", c]));
    const byId = new Map<string, Source>();
    for (const s of snap.data.sources) {
      const c = entries.get(s.id) ?? {};
      byId.set(s.id, {
        id: s.id,
        publisher: s.publisher || c.publisher || "",
        title: c.title ?? "",
        vintage: s.vintage || c.vintage || "",
        licence: s.licence || c.licence || "",
        attribution: c.attribution ?? "",
        url: c.url ?? "",
        notes: c.notes ?? "",
        file: s.file,
        adapter: s.adapter,
        loaded: s.loaded,
      });
    }
    return { snapshot: snap.data, byId };
  })();
  sources.catch(() => (sources = undefined));
  return sources;
}

/**
 * shortPublisher is a publisher's name as a table cell can hold it: an
 * acronym in brackets stands for the name before it, and what follows the
 * first comma (the division, the database) is left out:
 * "International Telecommunication Union (ITU), ICT DataHub" is "ITU".
 */
export function shortPublisher(publisher: string): string {
  const short = publisher.replace(/^[^(,]*\(([A-Z][A-Za-z]{1,9})\)/, "$1");
  return short.split(",")[0].trim() || publisher;
}

/** sourceLabel is "Publisher (vintage)" for a source id, the publisher shortened unless full. */
export function sourceLabel(src: Source | undefined, id: string, full = false): string {
  if (!src) return id;
  return `${full ? src.publisher : shortPublisher(src.publisher)}${src.vintage ? ` (${src.vintage})` : ""}`;
}

/** sourceLink shows a source by publisher and vintage, titled with its publisher, title, licence and id, linked to the original. */
export function sourceLink(src: Source | undefined, id: string, full = false): HTMLElement {
  const label = sourceLabel(src, id, full);
  const title = src ? [src.publisher, src.title, `licence: ${src.licence}`, `source id: ${id}`].filter(Boolean).join(" · ") : id;
  return src?.url
    ? h("a", { href: src.url, title, rel: "noopener", target: "_blank", class: "source", "data-source": id }, label)
    : h("span", { title, class: "source", "data-source": id }, label);
}

/** IndicatorDetail is GET /v1/indicators/{id}: the registry entry with its definition. */
export interface IndicatorDetail extends Omit<Indicator, "sources" | "disaggregations"> {
  definition?: string;
  sources: string[];
  disaggregations: string[];
  measure?: { id: string; name: string };
  years?: number[];
}

export async function indicatorDetail(id: string): Promise<IndicatorDetail> {
  return (await get<IndicatorDetail>(apiURL(`indicators/${encodeURIComponent(id)}`))).data;
}
