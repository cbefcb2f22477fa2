// shapes.mjs prepares the map for build.mjs: world-atlas's Natural Earth
// 1:50m countries, projected (Equal Earth, clipped at the antimeridian),
// simplified to what a 960 px wide map can show and written as a small JSON
// the page draws without any projection work of its own. Countries too small
// to see get their centroid, where the map puts a dot.
//
// Output: { width, height, features: [{ id, name, polygons, dot? }] } where
// id is the ISO 3166-1 numeric code (M49) or "" and polygons is a list of
// polygons, each a list of rings (the first the outline, the rest holes),
// each ring a flat list x0,y0,x1,y1,... in tenths of a pixel with y up.
import { readFile } from "node:fs/promises";
import { feature, merge } from "topojson-client";
import { geoArea, geoCentroid, geoEqualEarth } from "d3-geo";

/** Shapes smaller than this (steradians; about 4,900 km²) cover a pixel or two: they get a dot. */
const SMALL_AREA = 1.2e-4;
const ANTARCTICA = "010";
/** Points closer than this (pixels at 960 px wide) to the last one kept are dropped. */
const TOLERANCE = 1.5;

export async function buildShapes(atlasFile) {
  const topo = JSON.parse(await readFile(atlasFile, "utf8"));
  const countries = topo.objects.countries;
  const projection = geoEqualEarth(); // d3's defaults: 960 × about 470 px
  // Atlas features sharing a code (Australia and the Ashmore and Cartier Islands) become one.
  const groups = new Map();
  for (const g of countries.geometries) {
    if (g.id === ANTARCTICA) continue;
    const name = g.properties?.name ?? "";
    const key = g.id != null ? `id:${g.id}` : `name:${name}`;
    if (!groups.has(key)) groups.set(key, { id: g.id != null ? String(g.id) : "", name, geoms: [] });
    groups.get(key).geoms.push(g);
  }
  let minY = Infinity;
  let maxY = -Infinity;
  const features = [];
  for (const { id, name, geoms } of groups.values()) {
    const f = geoms.length === 1 ? feature(topo, geoms[0]) : { type: "Feature", properties: {}, geometry: merge(topo, geoms) };
    const rings = project(projection, f);
    const out = { id, name, polygons: nest(rings) };
    // A country whose outline simplifies away is small: it is drawn as a dot too.
    if (geoArea(f) < SMALL_AREA || out.polygons.length === 0) {
      const p = projection(geoCentroid(f));
      out.dot = [Math.round(p[0] * 10), Math.round(-p[1] * 10)];
    }
    for (const r of rings) for (let i = 1; i < r.length; i += 2) (minY = Math.min(minY, r[i])), (maxY = Math.max(maxY, r[i]));
    features.push(out);
  }
  return { width: 960, height: Math.round((maxY - minY) / 10), features };
}

/** project streams a feature through the projection (which clips it) and collects its rings, simplified. */
function project(projection, f) {
  const rings = [];
  let ring = null;
  let lastX = 0;
  let lastY = 0;
  const sink = {
    point(x, y) {
      if (ring.length >= 2 && Math.hypot(x - lastX, y - lastY) < TOLERANCE) return;
      ring.push(Math.round(x * 10), Math.round(-y * 10));
      lastX = x;
      lastY = y;
    },
    lineStart() {
      ring = [];
    },
    lineEnd() {
      if (ring.length >= 6) rings.push(ring);
      ring = null;
    },
    polygonStart() {},
    polygonEnd() {},
    sphere() {},
  };
  const stream = projection.stream(sink);
  const walk = (g) => {
    if (g.type === "Polygon") polygon(g.coordinates);
    else if (g.type === "MultiPolygon") g.coordinates.forEach(polygon);
  };
  const polygon = (coords) => {
    stream.polygonStart();
    for (const r of coords) {
      stream.lineStart();
      for (const p of r) stream.point(p[0], p[1]);
      stream.lineEnd();
    }
    stream.polygonEnd();
  };
  walk(f.geometry);
  return rings;
}

/** signedArea of a flat ring (y up): positive when counter-clockwise. */
function signedArea(r) {
  let a = 0;
  for (let i = 0, n = r.length; i < n; i += 2) {
    const j = (i + 2) % n;
    a += r[i] * r[j + 1] - r[j] * r[i + 1];
  }
  return a / 2;
}

function inside(x, y, r) {
  let c = false;
  for (let i = 0, j = r.length - 2; i < r.length; j = i, i += 2) {
    const yi = r[i + 1];
    const yj = r[j + 1];
    if (yi > y !== yj > y && x < ((r[j] - r[i]) * (y - yi)) / (yj - yi) + r[i]) c = !c;
  }
  return c;
}

/**
 * nest sorts rings into polygons: outlines run clockwise (d3's convention for
 * spherical polygons, kept by the projection with y up); holes turn the other
 * way and go into the outline that holds them.
 */
function nest(rings) {
  const outer = rings.filter((r) => signedArea(r) < 0).map((r) => [r]);
  for (const r of rings) {
    if (signedArea(r) < 0) continue;
    const home = outer.find((p) => inside(r[0], r[1], p[0]));
    if (home) home.push(r);
  }
  return outer;
}
