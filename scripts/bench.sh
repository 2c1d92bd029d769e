#!/usr/bin/env bash
# scripts/bench.sh BUILD_DIR: runs the benchmarks (bench/, issue 8) and prints one Markdown table.
# Also writes it to BUILD_DIR/bench-results.md. Exits non-zero only when the harness itself failed.
# Extra arguments go to sluice_bench (e.g. --quick, --only producer,worker).
set -euo pipefail
build="${1:-build}"
shift || true
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$build/bin/sluice_bench"
if [[ ! -x "$bin" ]]; then
  # A build configured with -DSLUICE_BUILD_BENCH=OFF: turn the benchmarks on and build just them.
  cmake -S "$root" -B "$build" -DSLUICE_BUILD_BENCH=ON >/dev/null
  cmake --build "$build" --target sluice_bench
fi
echo "sluice bench: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)" >&2
status=0
"$bin" "$@" | tee "$build/bench-results.md" || status=$?
# The REST load rows (bench/rest_load.sh, wrk against a worker on loopback); SLUICE_BENCH_REST=0 skips them.
if [[ "${SLUICE_BENCH_REST:-1}" != 0 ]]; then
  [[ " $* " == *" --quick "* ]] && export DURATION="${DURATION:-3}"
  { echo; echo "| # | benchmark | unit | median | min | max | runs | target | met | notes |"
    echo "|---|---|---|---:|---:|---:|---:|---|---|---|"
    "$root/bench/rest_load.sh" "$build"; } | tee -a "$build/bench-results.md" || status=$?
fi
exit "$status"
