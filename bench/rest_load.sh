#!/usr/bin/env bash
# bench/rest_load.sh BUILD_DIR: REST load rows for `make bench`, measured with wrk (Debian's wrk 4.1)
# against a worker on loopback. Prints Markdown rows in the bench table's columns:
#   1. keep-alive GET /connectors/{c}/status p99 at about 1,000 requests/s (10 connections, paced by a wrk script)
#   2. requests/s at 64 keep-alive connections
#   3. p99 for other clients while 256 slowloris connections trickle headers
#   4. 10,000 concurrent connections: requests/s, wrk's errors, and whether the worker still answers
# Each row runs once (wrk runs for DURATION seconds, default 10); rows are measurements, not assertions.
set -euo pipefail
build="${1:-build}"
duration="${DURATION:-10}"
bin="$build/bin/sluice"
command -v wrk >/dev/null || { echo "rest_load: wrk is not installed (scripts/install-deps.sh)" >&2; exit 1; }
[[ -x "$bin" ]] || { echo "rest_load: $bin not built" >&2; exit 1; }

work="$(mktemp -d)"
worker_pid=""
cleanup() {
  [[ -n "$worker_pid" ]] && kill "$worker_pid" 2>/dev/null && wait "$worker_pid" 2>/dev/null
  [[ -n "${trickle_pid:-}" ]] && kill "$trickle_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# Both wrk and the worker need more descriptors than the usual 1024 for 10,000 connections.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

cat >"$work/worker.yaml" <<EOF
listeners: http://127.0.0.1:0
bootstrap.servers: embedded
config.storage.file.filename: $work/connectors.json
offset.storage.file.filename: $work/offsets.json
EOF
"$bin" worker "$work/worker.yaml" 2>"$work/worker.log" >&2 &
worker_pid=$!
port=""
for _ in $(seq 1 300); do
  port="$(grep -oE 'REST API listening on http://[^:]+:[0-9]+' "$work/worker.log" 2>/dev/null | grep -oE '[0-9]+$' || true)"
  [[ -n "$port" ]] && break
  sleep 0.1
done
[[ -n "$port" ]] || { echo "rest_load: the worker did not start: $(cat "$work/worker.log")" >&2; exit 1; }
base="http://127.0.0.1:$port"
curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' "$base/connectors" \
  -d '{"name":"bench","config":{"connector.class":"DatagenConnector","kafka.topic":"bench","quickstart":"users","tasks.max":"1"},"initial_state":"STOPPED"}' \
  || { echo "rest_load: could not create the connector" >&2; exit 1; }
url="$base/connectors/bench/status"

# wrk --latency prints "99%  1.23ms"; in ms.
p_ms() {  # percentile label, e.g. 50% or 99%
  awk -v label="$1" '$1 == label { v = $2; if (v ~ /us$/) { sub(/us$/, "", v); print v / 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v); print v + 0 } else if (v ~ /s$/) { sub(/s$/, "", v); print v * 1000 } }'
}
p99_ms() { p_ms 99%; }
rps() { awk '$1 == "Requests/sec:" { print $2 + 0 }'; }
errors() { awk '/Socket errors:/ { sub(/.*Socket errors: */, ""); print } /Non-2xx/ { print }' | paste -sd ';' -; }
row() {  # index name unit value target met notes
  printf '| %s | %s | %s | %s | %s | %s | 1 | %s | %s | %s |\n' "$1" "$2" "$3" "$4" "$4" "$4" "$5" "$6" "$7"
}
# A run wrk could not measure is a failed row, never a met target.
met() { [[ -n "$1" ]] || { echo "no (wrk measured nothing)"; return; }; awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN { ok = (op == "<=") ? (v <= t) : (v >= t); print ok ? "yes" : "no" }'; }

# 1. Paced: each of 10 connections waits 10 ms between requests, about 1,000 requests/s in all.
cat >"$work/paced.lua" <<'EOF'
function delay() return 10 end
EOF
out1="$(wrk -t1 -c10 -d"${duration}s" --latency -s "$work/paced.lua" "$url")"
p1="$(p99_ms <<<"$out1")"
r1="$(rps <<<"$out1")"
row R1 "rest: keep-alive GET status p99, ~1,000 req/s" ms "$p1" "<= 2" "$(met "$p1" "<=" 2)" "$r1 req/s over 10 connections, p50 $(p_ms 50% <<<"$out1") ms"

# 2. Throughput at 64 connections.
out2="$(wrk -t2 -c64 -d"${duration}s" --latency "$url")"
r2="$(rps <<<"$out2")"
row R2 "rest: GET status at 64 connections" req/s "$r2" ">= 20000" "$(met "$r2" ">=" 20000)" "p99 $(p99_ms <<<"$out2") ms"

# 3. 256 slowloris connections: each sends a request line, then one header byte a second, never ending.
slow_fds=()
for _ in $(seq 1 256); do
  exec {fd}<>"/dev/tcp/127.0.0.1/$port"
  printf 'GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ' >&"$fd"
  slow_fds+=("$fd")
done
(
  while true; do
    for fd in "${slow_fds[@]}"; do printf 'a' >&"$fd" 2>/dev/null || true; done
    sleep 1
  done
) &
trickle_pid=$!
out3="$(wrk -t1 -c16 -d"${duration}s" --latency "$url" 2>&1 || true)"
echo "$out3" >"${REST_LOAD_LOG:-/dev/null}"
kill "$trickle_pid" 2>/dev/null; wait "$trickle_pid" 2>/dev/null || true
trickle_pid=""
for fd in "${slow_fds[@]}"; do exec {fd}>&-; done
p3="$(p99_ms <<<"$out3")"
row R3 "rest: p99 of others while 256 slowloris connections are open" ms "$p3" "<= 50" "$(met "$p3" "<=" 50)" \
  "$(rps <<<"$out3") req/s over 16 connections"

# 4. 10,000 connections at once.
out4="$(wrk -t2 -c10000 -d"${duration}s" --timeout 10s "$url" 2>&1 || true)"
r4="$(rps <<<"$out4")"
alive="no"
kill -0 "$worker_pid" 2>/dev/null && curl -sf -o /dev/null --max-time 30 "$url" && alive="yes"
row R4 "rest: 10,000 concurrent connections" req/s "${r4:-0}" "worker answers after" "$alive" \
  "errors: $(errors <<<"$out4" | tr '|' '/' | sed 's/^$/none/')"
