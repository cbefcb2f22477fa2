// build.mjs bundles the dashboard into dist/ (npm run build; make web).
//
// dist/index.html   the page, from src/index.html with the hashed asset names
// dist/assets/      main-HASH.js, main-HASH.css, countries-50m-equal-earth-HASH.json
//                   (world-atlas's shapes projected and simplified by shapes.mjs,
//                   fetched by the map), catalogue-HASH.json
//                   (datasets/catalog.yaml's sources: titles, licences, links),
//                   the bundles' licence notices (*.LEGAL.txt), and a .gz copy of each
//
// dist/placeholder.html is kept: it is the page Go serves when this build has
// not run (see web.go).
import * as esbuild from "esbuild";
import { readFile, readdir, rm, writeFile, mkdir, stat } from "node:fs/promises";
import { gzipSync, constants } from "node:zlib";
import { createHash } from "node:crypto";
import { parse as parseYAML } from "yaml";
import { buildShapes } from "./shapes.mjs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(root, "dist");
const assets = path.join(dist, "assets");

for (const name of await readdir(dist).catch(() => [])) {
  if (name !== "placeholder.html") await rm(path.join(dist, name), { recursive: true, force: true });
}
await mkdir(assets, { recursive: true });

// The data catalogue (datasets/catalog.yaml): each source's title, publisher,
// vintage, licence, required attribution and link, for the "About the data"
// view and the sources shown beside values. The API's /v1/snapshot lists the
// sources actually loaded; this adds what the snapshot does not carry.
const catalogueFile = path.join(root, "..", "datasets", "catalog.yaml");
const catalogue = parseYAML(await readFile(catalogueFile, "utf8"));
if (!Array.isArray(catalogue?.sources)) throw new Error(`build: ${catalogueFile}: no "sources:" list`);
const fields = ["id", "publisher", "title", "vintage", "licence", "attribution", "url", "notes"];
const entries = catalogue.sources.map((src, i) => {
  if (typeof src?.id !== "string" || src.id === "") throw new Error(`build: ${catalogueFile}: sources[${i}] has no id`);
  return Object.fromEntries(fields.filter((f) => src[f] != null).map((f) => [f, String(src[f])]));
});
const catalogueJSON = JSON.stringify(entries);
const hashed = (stem, body) => `${stem}-${createHash("sha256").update(body).digest("hex").slice(0, 8).toUpperCase()}.json`;

// The map: Natural Earth 1:50m from world-atlas, projected and simplified here
// (shapes.mjs) so the page only draws it.
const shapesJSON = JSON.stringify(await buildShapes(path.join(root, "node_modules", "world-atlas", "countries-50m.json")));
const shapesName = hashed("countries-50m-equal-earth", shapesJSON);
await writeFile(path.join(assets, shapesName), shapesJSON);
const catalogueName = hashed("catalogue", catalogueJSON);
await writeFile(path.join(assets, catalogueName), catalogueJSON);

const result = await esbuild.build({
  absWorkingDir: root,
  entryPoints: ["src/main.ts"],
  bundle: true,
  format: "esm",
  target: ["es2020", "chrome90", "firefox90", "safari15"],
  minify: true,
  sourcemap: false,
  legalComments: "linked",
  outdir: assets,
  entryNames: "[name]-[hash]",
  // The views other than the map are imported on demand: their code (and the
  // ECharts charts only they draw) are chunks loaded when first shown.
  splitting: true,
  chunkNames: "[name]-[hash]",
  assetNames: "[name]-[hash]",
  metafile: true,
  define: { __CATALOGUE_URL__: JSON.stringify(`assets/${catalogueName}`), __SHAPES_URL__: JSON.stringify(`assets/${shapesName}`) },
  logLevel: "warning",
});

let js, css;
for (const [out, meta] of Object.entries(result.metafile.outputs)) {
  if (meta.entryPoint === "src/main.ts") {
    js = path.basename(out);
    if (meta.cssBundle) css = path.basename(meta.cssBundle);
  }
}
if (!js || !css) throw new Error("build: esbuild wrote no main bundle or no CSS bundle");

const template = await readFile(path.join(root, "src/index.html"), "utf8");
const page = template.replaceAll("{{css}}", `assets/${css}`).replaceAll("{{js}}", `assets/${js}`);
if (page.includes("{{")) throw new Error("build: src/index.html has an unknown {{placeholder}}");
await writeFile(path.join(dist, "index.html"), page);

let total = 0;
let wire = 0;
for (const name of (await readdir(assets)).sort()) {
  const file = path.join(assets, name);
  const body = await readFile(file);
  const gz = gzipSync(body, { level: constants.Z_BEST_COMPRESSION });
  total += body.length;
  if (gz.length < body.length * 0.9) {
    await writeFile(file + ".gz", gz);
    wire += gz.length;
  } else {
    wire += body.length;
  }
  console.log(`${name.padEnd(44)} ${String(body.length).padStart(9)} bytes, gzip ${gz.length}`);
}
const size = (await stat(path.join(dist, "index.html"))).size;
console.log(`dist/index.html ${size} bytes; assets ${total} bytes (${wire} over the wire with gzip)`);
