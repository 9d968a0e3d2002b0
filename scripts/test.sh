#!/usr/bin/env bash
# The full test run (what CI does): dependencies, then
#   1. g++ release build of everything + ctest
#   2. install into a prefix and build/run a find_package(facenn) consumer against it
#   3. clang build with AddressSanitizer + UndefinedBehaviorSanitizer + ctest
#   4. the core and kernel suites cross-built for aarch64 and run under qemu-user
#   5. clang + ThreadSanitizer: the thread-related subset (docs/security.md)
#   6. the libFuzzer targets, fixed seed and run count, ~1 min each (scripts/fuzz_ci.sh, docs/security.md)
# (the Cortex-M55 bare-metal image is built and run under QEMU by stage 1's ctest: constrained_* tests)
# Usage: scripts/test.sh [build-root]   (default: ./_build)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/_build}
jobs=${FACENN_JOBS:-$(nproc)}
bash "$root/scripts/install-deps.sh"
stage_start=$SECONDS
stage_done() { echo "-- stage finished in $((SECONDS - stage_start)) s (total $SECONDS s)"; stage_start=$SECONDS; }

echo "== [1/6] g++ release build + tests"
cmake -S "$root" -B "$out/gcc" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=g++ \
      -DCMAKE_INSTALL_PREFIX="$out/prefix" > "$out.gcc-configure.log" 2>&1 || { cat "$out.gcc-configure.log"; exit 1; }
cmake --build "$out/gcc" -j "$jobs"
ctest --test-dir "$out/gcc" -j "$jobs" --output-on-failure
stage_done

echo "== [2/6] install + find_package(facenn) consumer"
cmake --install "$out/gcc" > /dev/null
cmake -S "$root/tests/package/consumer" -B "$out/consumer" -DCMAKE_PREFIX_PATH="$out/prefix" > /dev/null
cmake --build "$out/consumer" -j "$jobs"
"$out/consumer/facenn_consumer"
stage_done

echo "== [3/6] clang + ASan/UBSan build + tests"
# -O1 -gline-tables-only: the sanitizers need line tables for their reports, not full debug info, and the
# suite runs in ~1 min at -O1, so the build's optimizer time is what to save. Whole networks on the widest
# ISA only (the kernel sweeps still run on every ISA): tests/kernels/CMakeLists.txt.
cmake -S "$root" -B "$out/clang-asan" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
      -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only -DNDEBUG" -DFACENN_TEST_NETWORK_ISAS=avx512vnni \
      -DFACENN_SANITIZE=address,undefined -DFACENN_BUILD_TOOLS=ON > "$out.clang-configure.log" 2>&1 || { cat "$out.clang-configure.log"; exit 1; }
cmake --build "$out/clang-asan" -j "$jobs"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --test-dir "$out/clang-asan" -j "$jobs" --output-on-failure
stage_done

echo "== [4/6] aarch64 cross build under qemu-user"
bash "$root/scripts/constrained/aarch64_tests.sh" "$out/aarch64"
stage_done
echo "== [5/6] clang + ThreadSanitizer: threads sharing networks, image decoding, core (docs/security.md)"
# A subset (measured from a clean dir: 73 s wall in the 2026-11-23 18:00 CI run, 265 s on a loaded machine), not the whole
# suite, which would compile every model test a third time. -gline-tables-only: clang 14 crashes
# (salvageDebugInfo) on the AVX-512 conv kernels with -fsanitize=thread and full -g.
tsan_tests="core_network_test hardening_concurrency_test hardening_regression_test image_io_test cli_json_test"
cmake -S "$root" -B "$out/clang-tsan" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
      -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -gline-tables-only -DNDEBUG" -DFACENN_SANITIZE=thread \
      -DFACENN_BUILD_TOOLS=OFF -DFACENN_BUILD_EXAMPLES=OFF > "$out.tsan-configure.log" 2>&1 || { cat "$out.tsan-configure.log"; exit 1; }
cmake --build "$out/clang-tsan" -j "$jobs" --target $tsan_tests
TSAN_OPTIONS=halt_on_error=1 ctest --test-dir "$out/clang-tsan" -j "$jobs" --output-on-failure -R "^(${tsan_tests// /|})\$"
stage_done
echo "== [6/6] libFuzzer targets (image decoding, detect -> FaceMesh, JSON)"
bash "$root/scripts/fuzz_ci.sh" "$out/fuzz"
stage_done
echo "all test stages passed"
