#!/usr/bin/env bash
# A CPU profile of the API server under run.sh's load: the api package's test
# binary serves the embedded data as `dri serve --rate 0` does (TestProfileServe:
# same handler chain, every request logged as slog text to a file) and
# `go test -cpuprofile` writes the profile; wrk sends the dashboard's score
# request (gzip) for DURATION. No profiling endpoint is built into `dri`.
#
# Usage: bench/capacity/profile.sh   (prints pprof -top; the profile and the
# test binary stay in CAP_DIR for `go tool pprof`)
# Environment: CAP_DIR (default /tmp/dri-capacity), DURATION (10s), CONNS (64),
# THREADS (2), PROFILE_PORT (18082).
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=${CAP_DIR:-/tmp/dri-capacity}
duration=${DURATION:-10s}
conns=${CONNS:-64}
threads=${THREADS:-2}
port=${PROFILE_PORT:-18082}
mkdir -p "$dir"
go test -c -o "$dir/api.test" ./api
path="/v1/scores/compass?year=2025&node=DRI&per_page=1000" # api/capacity_test.go's dashboardScores
secs=$((${duration%s} + 15))
DRI_CAPACITY_ADDR=127.0.0.1:$port DRI_CAPACITY_SECONDS=$secs DRI_CAPACITY_LOG=$dir/profile.log \
  "$dir/api.test" -test.run '^TestProfileServe$' -test.count=1 -test.cpuprofile "$dir/cpu.prof" >"$dir/profile.out" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 600); do
  curl -fsS -o /dev/null "http://127.0.0.1:$port/readyz" 2>/dev/null && break
  sleep 0.1
done
curl -fsS -o /dev/null -H 'Accept-Encoding: gzip' "http://127.0.0.1:$port$path" # fills the cache
wrk -t"$threads" -c"$conns" -d"$duration" --latency -H 'Accept-Encoding: gzip' "http://127.0.0.1:$port$path"
wait "$pid" || { cat "$dir/profile.out" >&2; exit 1; }
trap - EXIT
go tool pprof -top -nodecount=45 "$dir/api.test" "$dir/cpu.prof" 2>/dev/null
