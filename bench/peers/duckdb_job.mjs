// The peer job (issue 7): read the synthetic long panel, min-max normalise
// each indicator within each year to 0-100, average per unit and year, rank
// per year (1 = highest, ties share the lowest rank). Usage:
//   node duckdb_job.mjs FILE.csv|FILE.parquet [OUT.csv]
import { DuckDBInstance } from '@duckdb/node-api';

const [file, out] = process.argv.slice(2);
if (!file) {
  console.error('usage: node duckdb_job.mjs FILE.csv|FILE.parquet [OUT.csv]');
  process.exit(2);
}
const source = file.endsWith('.parquet') ? `read_parquet('${file}')` : `read_csv('${file}', header = true)`;
const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
const sql = `
  WITH obs AS (SELECT unit, year, indicator, value FROM ${source}),
  bounds AS (SELECT indicator, year, min(value) AS lo, max(value) AS hi FROM obs GROUP BY indicator, year),
  norm AS (
    SELECT o.unit, o.year, (o.value - b.lo) / (b.hi - b.lo) * 100 AS score
    FROM obs o JOIN bounds b USING (indicator, year) WHERE b.hi > b.lo),
  idx AS (SELECT unit, year, avg(score) AS idx FROM norm GROUP BY unit, year)
  SELECT unit, year, idx, rank() OVER (PARTITION BY year ORDER BY idx DESC) AS rank FROM idx`;
if (out) {
  await con.run(`COPY (${sql} ORDER BY year, unit) TO '${out}' (HEADER, DELIMITER ',')`);
} else {
  const reader = await con.runAndReadAll(`SELECT count(*) AS rows, max(rank) AS worst FROM (${sql})`);
  console.log(JSON.stringify(reader.getRowObjects(), (_, v) => typeof v === 'bigint' ? Number(v) : v));
}
