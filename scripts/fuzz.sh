#!/usr/bin/env bash
# Runs each libFuzzer target for a bounded time: scripts/fuzz.sh <build-dir> <seconds-each> <target>...
# Each starts from its seed corpus (tests/fuzz/corpus/<target>/) and its regressions, grows a scratch
# corpus in <build-dir>/corpus/<target>/, and on a crash leaves the input in
# <build-dir>/artifacts/<target>/ (add it to tests/fuzz/regressions/<target>/ once fixed).
set -uo pipefail
cd "$(dirname "$0")/.."
build_dir=$1 seconds=$2
shift 2
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/.ci/lsan.supp}

failed=()
for target in "$@"; do
  scratch="$build_dir/corpus/$target" artifacts="$build_dir/artifacts/$target"
  mkdir -p "$scratch" "$artifacts"
  seeds=(tests/fuzz/corpus/"$target")
  [ -d tests/fuzz/regressions/"$target" ] && seeds+=(tests/fuzz/regressions/"$target")
  echo "== fuzz $target for ${seconds}s"
  start=$(date +%s)
  # -timeout: an input that runs 10 s is a hang; -rss_limit_mb: one that needs 2 GB is a memory bomb.
  if "$build_dir/fuzz/fuzz_$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$artifacts/" "$scratch" "${seeds[@]}" \
      >"$build_dir/fuzz-$target.log" 2>&1; then
    echo "   ok in $(( $(date +%s) - start ))s: $(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$build_dir/fuzz-$target.log" | grep -Eo '[0-9]+$') runs, corpus $(ls "$scratch" | wc -l) files"
  else
    echo "   FAILED: see $build_dir/fuzz-$target.log, input in $artifacts/" >&2
    tail -n 40 "$build_dir/fuzz-$target.log" >&2
    failed+=("$target")
  fi
done
[ ${#failed[@]} -eq 0 ] || { echo "fuzz: crashes in ${failed[*]}" >&2; exit 1; }
