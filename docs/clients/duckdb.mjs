// DuckDB reads DRI's tables straight from the server (docs/CLIENTS.md).
//
//   node duckdb.mjs [BASE_URL]        (default http://127.0.0.1:8080)
//
// Kenya's and Uganda's internet use, every year, as unit,year,value lines.
// With DuckDB's httpfs extension (INSTALL httpfs; once, online) read_parquet
// reads the URL itself, fetching only the byte ranges it needs (the server
// answers Range requests). Where httpfs cannot be installed (offline, as on
// DRI's CI machine), the recipe fetches the file first and reads it locally:
// the same query, the same rows.
import { DuckDBInstance } from '@duckdb/node-api';
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const base = process.argv[2] ?? 'http://127.0.0.1:8080';
const url = `${base}/v1/export/observations.parquet`;
const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();

let source = `'${url}'`;
let dir;
try {
  await con.run('LOAD httpfs');
} catch {
  dir = await mkdtemp(join(tmpdir(), 'dri-'));
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: ${res.status}`);
  const file = join(dir, 'observations.parquet');
  await writeFile(file, Buffer.from(await res.arrayBuffer()));
  source = `'${file}'`;
}
// The country's own figure: every breakdown at its total (_T).
const result = await con.runAndReadAll(`
  SELECT unit, year, value
  FROM read_parquet(${source})
  WHERE indicator = 'itu.internet_use' AND unit IN ('KEN', 'UGA')
    AND sex = '_T' AND area = '_T' AND age = '_T' AND income = '_T' AND education = '_T' AND labour = '_T'
  ORDER BY unit, year`);
for (const [unit, year, value] of result.getRows()) {
  console.log(`${unit},${year},${value}`);
}
if (dir) await rm(dir, { recursive: true });
