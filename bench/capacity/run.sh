#!/usr/bin/env bash
# Capacity of one replica (issue 18 item 5): one `dri serve --rate 0` answering
# the cached score table against nginx serving the same bytes as a static file,
# measured with wrk alternately against both, in one run on this machine.
#
# The request is the dashboard's landing view (web/src/map.ts, main.ts
# defaults: the map of the compass framework's index at its default year):
#   GET /v1/scores/compass?year=Y&node=ROOT&per_page=1000
# with `Accept-Encoding: gzip` (as every browser sends it) for both servers;
# dri answers it from its response cache (gzip bytes cached), nginx from
# gzip_static: the .gz file is the exact body dri sent, and nginx adds the
# same response headers dri sends (CORS, security, Cache-Control, Vary, Link,
# X-Total-Count, X-DRI-Snapshot), with its own ETag.
#
# Logging: dri logs every request (slog text to stderr, here to a file), so
# nginx keeps its access log on (combined format, to a file).
# Both keep connections open for the whole run (nginx: keepalive_requests
# raised from its default 1000, which would make it reconnect), and both use
# both cores (nginx: worker_processes auto; dri: GOMAXPROCS = cores).
#
# Usage: bench/capacity/run.sh [ROUNDS]   (default 3)
# Environment: CAP_DIR (default /tmp/dri-capacity) holds the binary, the files,
# the logs and wrk's output; DRI (default: go build of ./cmd/dri); DURATION
# (default 10s), CONNS (64), THREADS (2), DRI_PORT (18080), NGINX_PORT (18081);
# DRI_B: a second dri binary (e.g. the build before a change), served on
# DRI_B_PORT (18083) and measured as "drib" in every round beside the others;
# DRI_ENV / DRI_B_ENV: environment settings for each (e.g. GOGC=400);
# PIN_SERVER / PIN_WRK: CPU lists for taskset (e.g. 1 and 0) to pin every
# server and wrk to cores.
# bench/capacity/profile.sh takes a CPU profile of the server under the same load.
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-3}
dir=${CAP_DIR:-/tmp/dri-capacity}
duration=${DURATION:-10s}
conns=${CONNS:-64}
threads=${THREADS:-2}
dri_port=${DRI_PORT:-18080}
nginx_port=${NGINX_PORT:-18081}
nginx=/usr/sbin/nginx
for tool in wrk curl "$nginx"; do
  if ! command -v "$tool" >/dev/null; then
    echo "bench-capacity: needs $tool (Debian: apt-get install wrk curl nginx-light)" >&2
    exit 2
  fi
done
mkdir -p "$dir"
rm -rf "$dir/nginx"
mkdir -p "$dir/nginx/html/v1/scores" "$dir/nginx/logs" "$dir/nginx/tmp"
dri=${DRI:-$dir/dri}
if [[ -z ${DRI:-} ]]; then
  go build -o "$dri" ./cmd/dri
fi

pids=()
cleanup() {
  for p in "${pids[@]}"; do
    kill "$p" 2>/dev/null || true
  done
  wait 2>/dev/null || true
}
trap cleanup EXIT

# wait_for URL: until the server answers (60 s at most).
wait_for() {
  for _ in $(seq 600); do
    if curl -fsS -o /dev/null "$1" 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  echo "bench-capacity: $1 did not answer within 60 s" >&2
  exit 1
}

pin_server=()
pin_wrk=()
[[ -n ${PIN_SERVER:-} ]] && pin_server=(taskset -c "$PIN_SERVER")
[[ -n ${PIN_WRK:-} ]] && pin_wrk=(taskset -c "$PIN_WRK")
dri_base="http://127.0.0.1:$dri_port"
echo "starting dri serve --rate 0 on $dri_base (log: $dir/dri.log)" >&2
env ${DRI_ENV:-} "${pin_server[@]}" "$dri" serve --addr "127.0.0.1:$dri_port" --rate 0 2>"$dir/dri.log" &
dri_pid=$!
pids+=("$dri_pid")
wait_for "$dri_base/readyz"
servers=(dri nginx)
if [[ -n ${DRI_B:-} ]]; then
  drib_base="http://127.0.0.1:${DRI_B_PORT:-18083}"
  echo "starting $DRI_B serve --rate 0 on $drib_base (log: $dir/drib.log)" >&2
  env ${DRI_B_ENV:-} "${pin_server[@]}" "$DRI_B" serve --addr "127.0.0.1:${DRI_B_PORT:-18083}" --rate 0 2>"$dir/drib.log" &
  drib_pid=$!
  pids+=("$drib_pid")
  wait_for "$drib_base/readyz"
  servers+=(drib)
fi

# The dashboard's landing request: compass, its default year, its root node.
read -r year root < <(curl -fsS "$dri_base/v1/frameworks/compass" | python3 -c '
import json, sys
d = json.load(sys.stdin)["data"]
roots = [n["code"] for n in d["nodes"] if not n.get("parent")]
print(d["default_year"], roots[0])')
path="/v1/scores/compass?year=$year&node=$root&per_page=1000"
echo "request: GET $path (Accept-Encoding: gzip)" >&2

# The exact bytes dri sends (gzip), and the identity body nginx's gzip_static
# needs beside it; both checked to be one document.
curl -fsS -H 'Accept-Encoding: gzip' -D "$dir/dri.headers" -o "$dir/nginx/html/v1/scores/compass.json.gz" "$dri_base$path"
curl -fsS -o "$dir/nginx/html/v1/scores/compass.json" "$dri_base$path"
grep -qi '^content-encoding: gzip' "$dir/dri.headers" || { echo "bench-capacity: dri did not gzip the table" >&2; exit 1; }
gzip -dc "$dir/nginx/html/v1/scores/compass.json.gz" | cmp - "$dir/nginx/html/v1/scores/compass.json"
header() { grep -i "^$1:" "$dir/dri.headers" | head -1 | cut -d' ' -f2- | tr -d '\r'; }
# nginx's config names its files relative to the prefix; $dri's headers are
# copied so that both responses carry the same header set.
cat >"$dir/nginx/nginx.conf" <<EOF
worker_processes auto;
pid logs/nginx.pid;
error_log logs/error.log;
events { worker_connections 1024; }
http {
  sendfile on;
  tcp_nopush on;
  keepalive_timeout 120s;
  keepalive_requests 10000000;
  access_log logs/access.log;
  client_body_temp_path tmp/body;
  proxy_temp_path tmp/proxy;
  fastcgi_temp_path tmp/fastcgi;
  uwsgi_temp_path tmp/uwsgi;
  scgi_temp_path tmp/scgi;
  server {
    listen 127.0.0.1:$nginx_port;
    root html;
    etag on;
    gzip_static on;
    location = /v1/scores/compass {
      default_type application/json;
      try_files /v1/scores/compass.json =404;
      add_header Access-Control-Allow-Origin "*";
      add_header Access-Control-Expose-Headers "$(header Access-Control-Expose-Headers)";
      add_header Cache-Control "$(header Cache-Control)";
      add_header Vary "$(header Vary)";
      add_header X-Content-Type-Options nosniff;
      add_header X-Frame-Options DENY;
      add_header Referrer-Policy no-referrer;
      add_header Cross-Origin-Resource-Policy cross-origin;
      add_header Link '$(header Link)';
      add_header X-Total-Count "$(header X-Total-Count)";
      add_header X-DRI-Snapshot "$(header X-Dri-Snapshot)";
    }
  }
}
EOF
echo "starting nginx on 127.0.0.1:$nginx_port (prefix $dir/nginx, access log on)" >&2
"${pin_server[@]}" "$nginx" -p "$dir/nginx" -c "$dir/nginx/nginx.conf" -g 'daemon off;' 2>"$dir/nginx/logs/stderr.log" &
nginx_pid=$!
pids+=("$nginx_pid")
nginx_base="http://127.0.0.1:$nginx_port"
wait_for "$nginx_base$path"
curl -fsS -H 'Accept-Encoding: gzip' -o "$dir/nginx.body" "$nginx_base$path"
cmp "$dir/nginx.body" "$dir/nginx/html/v1/scores/compass.json.gz" || { echo "bench-capacity: nginx sends other bytes than dri" >&2; exit 1; }
echo "body: $(wc -c <"$dir/nginx.body") bytes gzip ($(wc -c <"$dir/nginx/html/v1/scores/compass.json") identity), the same bytes from both" >&2

# cpu_ticks PID: user and system clock ticks of the process and its
# children so far (nginx: master and workers).
cpu_ticks() {
  local u=0 s=0 q a b
  for q in $1 $(pgrep -P "$1" || true); do
    [[ -r /proc/$q/stat ]] || continue
    read -r a b < <(awk '{print $14, $15}' "/proc/$q/stat")
    u=$((u + a))
    s=$((s + b))
  done
  echo "$u $s"
}
hz=$(getconf CLK_TCK)

# ms VALUE: wrk's latency (us, ms or s) in milliseconds.
ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.3f", n }'; }

# bench NAME BASE PID ROUND: one wrk run; appends "name rps p50 p99 cpu_us_per_req" to results.
bench() {
  local name=$1 base=$2 pid=$3 round=$4 out="$dir/wrk-$1-$4.txt"
  local u0 s0 u1 s1
  read -r u0 s0 < <(cpu_ticks "$pid")
  "${pin_wrk[@]}" wrk -t"$threads" -c"$conns" -d"$duration" --latency -H 'Accept-Encoding: gzip' "$base$path" >"$out"
  read -r u1 s1 < <(cpu_ticks "$pid")
  if grep -q 'Non-2xx\|Socket errors' "$out"; then
    echo "bench-capacity: $name round $round had errors:" >&2
    grep 'Non-2xx\|Socket errors' "$out" >&2
    exit 1
  fi
  local rps p50 p99 reqs
  rps=$(awk '/^Requests\/sec/ {print $2}' "$out")
  reqs=$(awk '/requests in/ {print $1}' "$out")
  p50=$(ms "$(awk '$1 == "50%" {print $2}' "$out")")
  p99=$(ms "$(awk '$1 == "99%" {print $2}' "$out")")
  local cpu user sys
  user=$(awk -v t=$((u1 - u0)) -v hz="$hz" -v n="$reqs" 'BEGIN { printf "%.1f", t / hz * 1e6 / n }')
  sys=$(awk -v t=$((s1 - s0)) -v hz="$hz" -v n="$reqs" 'BEGIN { printf "%.1f", t / hz * 1e6 / n }')
  cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.1f", u + s }')
  printf '%-6s round %d  %9.0f req/s  p50 %7.3f ms  p99 %7.3f ms  server CPU %6.1f us/req (user %5.1f, system %5.1f)\n' \
    "$name" "$round" "$rps" "$p50" "$p99" "$cpu" "$user" "$sys"
  echo "$name $rps $p50 $p99 $cpu $user $sys" >>"$dir/results.txt"
}

: >"$dir/results.txt"
echo "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); wrk -t$threads -c$conns -d$duration --latency; $rounds rounds, alternating"
echo "before: $(uptime)"
for ((r = 1; r <= rounds; r++)); do
  # Alternate which goes first, so neither always runs on a warmer machine.
  order=("${servers[@]}")
  if ((r % 2 == 0)); then
    order=()
    for ((i = ${#servers[@]} - 1; i >= 0; i--)); do order+=("${servers[i]}"); done
  fi
  for name in "${order[@]}"; do
    base=${name}_base pid=${name}_pid
    bench "$name" "${!base}" "${!pid}" "$r"
  done
done
echo "after: $(uptime)"
# dri's own latency histogram (the handler's time, from its first byte read
# to its reply flushed), to compare with wrk's (which adds the queueing).
curl -fsS "$dri_base/metrics" | grep '^dri_http_request_duration_seconds_bucket{route="/v1/scores/:framework"' >"$dir/dri.latency" || true
awk '{ match($0, /le="[^"]+"/); l[++k] = substr($0, RSTART + 4, RLENGTH - 5); n[k] = $NF } END {
  t = n[k]; if (t == 0) exit
  for (j = 1; j <= k; j++) if (n[j] >= 0.99 * t) { p = l[j]; break }
  printf "dri, its own histogram (%d requests): %.1f %% within 1 ms, p99 <= %s s\n", t, 100 * n[2] / t, p }' "$dir/dri.latency" || true
# The summary takes the median of the rounds: on a shared machine one round's
# p99 can be ten times another's, and a mean would follow the outlier.
median() { grep "^$1 " "$dir/results.txt" | awk -v c="$2" '{print $c}' | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
for s in "${servers[@]}"; do
  printf '%-6s median %9.0f req/s  p50 %7.3f ms  p99 %7.3f ms  server CPU %6.1f us/req (user %5.1f, system %5.1f)\n' \
    "$s" "$(median $s 2)" "$(median $s 3)" "$(median $s 4)" "$(median $s 5)" "$(median $s 6)" "$(median $s 7)"
done
awk -v r1="$(median dri 2)" -v r2="$(median nginx 2)" -v p1="$(median dri 4)" -v p2="$(median nginx 4)" -v c1="$(median dri 5)" -v c2="$(median nginx 5)" 'BEGIN {
  printf "dri/nginx (medians): throughput %.2fx (goal >= 0.6), p99 %.2fx (goal <= 1.5), server CPU per request %.2fx\n", r1 / r2, p1 / p2, c1 / c2
}'
