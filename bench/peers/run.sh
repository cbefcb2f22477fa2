#!/usr/bin/env bash
# Peer benchmark (issue 7): DuckDB and DRI do the same job on the same
# 10-million-row synthetic panel, each timed as a whole process.
#
#   job: read the long file; min-max normalise each indicator within each
#   year (0-100); average per unit and year; rank per year (ties "min").
#
# DuckDB runs through @duckdb/node-api (duckdb_job.mjs, the SQL is there);
# DRI runs `dri score --framework panel.framework.yaml --data FILE --year all`.
# Both write their result as CSV, and the script checks that the two agree
# (index to 1e-9, ranks exactly) before it reports times.
#
# Usage: bench/peers/run.sh [RUNS]   (default 3; the median is reported)
# Environment: PEERS_DIR (default /tmp/dri-peers) holds the panel and outputs;
# DRI (default: go build of ./cmd/dri).
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-3}
dir=${PEERS_DIR:-/tmp/dri-peers}
mkdir -p "$dir"
if [[ ! -x /usr/bin/time ]]; then
  echo "bench-peers: needs GNU time (/usr/bin/time) for peak memory: apt-get install time" >&2
  exit 2
fi
dri=${DRI:-$dir/dri}
if [[ -z ${DRI:-} ]]; then
  go build -o "$dri" ./cmd/dri
fi
if [[ ! -d bench/peers/node_modules/@duckdb/node-api ]]; then
  (cd bench/peers && npm ci --no-audit --no-fund >&2)
fi
if [[ ! -s $dir/panel.csv || ! -s $dir/panel.parquet ]]; then
  echo "bench-peers: writing the 10-million-row panel (5,000 units x 100 indicators x 20 years) to $dir" >&2
  "$dri" synth --units 5000 --indicators 100 --years 20 --seed 1 --out "$dir/panel.csv"
  "$dri" synth --units 5000 --indicators 100 --years 20 --seed 1 --out "$dir/panel.parquet"
fi

# measure NAME CMD...: runs CMD $runs times; prints the median seconds and
# the median peak RSS (MB).
measure() {
  local name=$1
  shift
  local times=() mems=()
  for ((i = 0; i < runs; i++)); do
    /usr/bin/time -f '%e %M' -o "$dir/time.txt" "$@" >/dev/null
    read -r t m <"$dir/time.txt"
    times+=("$t")
    mems+=("$((m / 1024))")
  done
  local t m
  t=$(printf '%s\n' "${times[@]}" | sort -g | sed -n "$(((runs + 1) / 2))p")
  m=$(printf '%s\n' "${mems[@]}" | sort -g | sed -n "$(((runs + 1) / 2))p")
  printf '%-28s %6.2f s %6d MB   (runs: %s)\n' "$name" "$t" "$m" "${times[*]}"
  eval "${name//[^a-z]/_}_t=$t"
}

# Both results first, and check they agree.
node bench/peers/duckdb_job.mjs "$dir/panel.csv" "$dir/duckdb.csv"
"$dri" score --framework "$dir/panel.framework.yaml" --data "$dir/panel.csv" --year all --level 2 --format csv >"$dir/dri.csv" 2>/dev/null
awk -F, '
  NR == FNR { if (FNR > 1) { idx[$1 "," $2] = $3; rank[$1 "," $2] = $4 }; next }
  FNR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
  {
    gsub(/"/, "") # DRI quotes its string cells (docs/EXPORTS.md); the synthetic names have no commas
    k = $col["uCode"] "," $col["year"]; n++
    if (!(k in idx)) { missing++; next }
    d = idx[k] - $col["INDEX"]; if (d < 0) d = -d; if (d > maxd) maxd = d
    if (rank[k] != $col["rank"]) badrank++
  }
  END {
    printf "check: %d unit-years; DuckDB has %d of them; largest index difference %.3g; %d ranks differ\n", n, n - missing, maxd, badrank
    if (missing || badrank || maxd > 1e-9 || n != length(idx)) exit 1
  }' "$dir/duckdb.csv" "$dir/dri.csv"

echo "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); median of $runs runs"
measure "duckdb csv" node bench/peers/duckdb_job.mjs "$dir/panel.csv" "$dir/duckdb.csv"
measure "dri csv" sh -c "'$dri' score --framework '$dir/panel.framework.yaml' --data '$dir/panel.csv' --year all --level 2 --format csv >'$dir/dri.csv'"
measure "duckdb parquet" node bench/peers/duckdb_job.mjs "$dir/panel.parquet" "$dir/duckdb.csv"
measure "dri parquet" sh -c "'$dri' score --framework '$dir/panel.framework.yaml' --data '$dir/panel.parquet' --year all --level 2 --format csv >'$dir/dri.csv'"
awk -v a="$dri_csv_t" -v b="$duckdb_csv_t" -v c="$dri_parquet_t" -v d="$duckdb_parquet_t" 'BEGIN {
  printf "ratio dri/duckdb: csv %.2f (target <= 1.5), parquet %.2f (target < 1)\n", a / b, c / d }'
