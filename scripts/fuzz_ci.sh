#!/usr/bin/env bash
# CI fuzz stage: builds the three libFuzzer targets (clang 14, ASan + UBSan, docs/security.md) and runs
# each from a copy of its committed seed corpus. Fails (non-zero exit) on any crash, leak, UBSan report,
# timeout (an input running > 30 s) or out-of-memory (> 2 GB), printing the report and the reproducer.
# fuzz/corpus/ is only read.
#
# Two modes:
#  * default (CI): a fixed seed (FACENN_FUZZ_SEED, default 1) and a fixed number of executions per target
#    (~60 s each on this machine), so CI's verdict does not hang on the luck of a random draw (the corpus
#    still evolves slightly differently between runs; a failure always comes with its reproducer). (A 60-second random run found a new
#    stb 2.27 bug on 2026-11-23, fuzz/stb_known_issues.txt: exploration belongs in the second mode.)
#  * FACENN_FUZZ_SECONDS=N: exploratory, a random seed and N seconds per target.
#
# Up to FACENN_JOBS (default: nproc) fuzzers run at once; each is single-threaded, so on 2 cores the
# three runs take two slots of wall time: ~2 x 60 s by run count in the default mode, 2 x N s in the
# timed mode (each a full core when the machine is idle).
# Measured 2026-11-23 on the shared 2-core machine (load average 5-6, under nice -n 10), clean build dir,
# FACENN_FUZZ_SECONDS=60: 227 s wall, 147 s user CPU = ~107 s configure + build (fuzz_pipeline is one
# heavy translation unit: both networks) + 2 x 60 s fuzzing (fuzz_pipeline with fuzz_image_decode, then
# fuzz_json). Each run's final stats line is printed; a failing run also prints its report.
#
# Usage: scripts/fuzz_ci.sh BUILD_DIR
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: scripts/fuzz_ci.sh BUILD_DIR}
seconds=${FACENN_FUZZ_SECONDS:-}
seed=${FACENN_FUZZ_SEED:-1}
# Executions per target in the default mode (~60 s each at the rates of a quiet run: fuzz_pipeline ~120/s,
# fuzz_image_decode ~10,000/s, fuzz_json ~14,000/s).
declare -A runs=([pipeline]=7000 [image_decode]=600000 [json]=800000)
jobs=${FACENN_JOBS:-$(nproc)}
targets="pipeline image_decode json"  # the slowest first, so it never waits for a free core

mkdir -p "$out"
out=$(cd "$out" && pwd)
cmake -S "$root" -B "$out" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
      -DFACENN_BUILD_FUZZERS=ON -DFACENN_BUILD_TESTS=OFF -DFACENN_BUILD_TOOLS=OFF -DFACENN_BUILD_EXAMPLES=OFF \
      > "$out/fuzz-configure.log" 2>&1 || { cat "$out/fuzz-configure.log"; exit 1; }
cmake --build "$out" -j "$jobs" --target $(printf 'fuzz_%s ' $targets)

# One working directory per target: a fresh copy of the seeds (libFuzzer adds new inputs to it), the
# log, crash/leak/timeout reproducers, and the exit status.
run() {
  local t=$1 seeds=$root/fuzz/corpus/${1%_decode} work=$out/fuzz-run/$1
  rm -rf "$work" && mkdir -p "$work/corpus" "$work/artifacts"
  cp "$seeds"/* "$work/corpus/"
  local rc=0
  local budget
  if [ -n "$seconds" ]; then budget=(-max_total_time="$seconds"); else budget=(-seed="$seed" -runs="${runs[$t]}"); fi
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    "$out/fuzz/fuzz_$t" "${budget[@]}" -timeout=30 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$work/artifacts/" "$work/corpus" > "$work/log" 2>&1 || rc=$?
  echo "$rc" > "$work/rc"
}

for t in $targets; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
  if [ -n "$seconds" ]; then echo "== fuzz_$t: ${seconds} s, random seed"; else echo "== fuzz_$t: seed $seed, ${runs[$t]} executions"; fi
  run "$t" &
done
wait

failed=0
for t in $targets; do
  work=$out/fuzz-run/$t
  rc=$(cat "$work/rc")
  # The last status line (#runs, cov, ft, corp, exec/s) and the executed-units / peak-RSS statistics.
  echo "fuzz_$t: exit $rc; $(grep -E '^#[0-9]+' "$work/log" | tail -n 1)"
  { grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$work/log" || true; } | tr '\n' ' '
  echo
  if [ "$rc" != 0 ]; then
    failed=1
    echo "---- fuzz_$t FAILED: report (reproduce with $out/fuzz/fuzz_$t <artifact>)"
    { grep -vE '^#[0-9]+' "$work/log" || true; } | tail -n 60
    ls -l "$work/artifacts"
  fi
done
[ "$failed" = 0 ] && echo "fuzzers: all runs clean"
exit "$failed"
