#!/usr/bin/env bash
# The full test run (what CI does): dependencies, then
#   1. g++ release build of everything + ctest
#   2. install into a prefix and build/run a find_package(facenn) consumer against it
#   3. clang build with AddressSanitizer + UndefinedBehaviorSanitizer + ctest
#   4. the core and kernel suites cross-built for aarch64 and run under qemu-user
# (the Cortex-M55 bare-metal image is built and run under QEMU by stage 1's ctest: constrained_* tests)
# Usage: scripts/test.sh [build-root]   (default: ./_build)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/_build}
jobs=${FACENN_JOBS:-$(nproc)}
bash "$root/scripts/install-deps.sh"

echo "== [1/4] g++ release build + tests"
cmake -S "$root" -B "$out/gcc" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=g++ \
      -DCMAKE_INSTALL_PREFIX="$out/prefix" > "$out.gcc-configure.log" 2>&1 || { cat "$out.gcc-configure.log"; exit 1; }
cmake --build "$out/gcc" -j "$jobs"
ctest --test-dir "$out/gcc" -j "$jobs" --output-on-failure

echo "== [2/4] install + find_package(facenn) consumer"
cmake --install "$out/gcc" > /dev/null
cmake -S "$root/tests/package/consumer" -B "$out/consumer" -DCMAKE_PREFIX_PATH="$out/prefix" > /dev/null
cmake --build "$out/consumer" -j "$jobs"
"$out/consumer/facenn_consumer"

echo "== [3/4] clang + ASan/UBSan build + tests"
cmake -S "$root" -B "$out/clang-asan" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
      -DFACENN_SANITIZE=address,undefined -DFACENN_BUILD_TOOLS=ON > "$out.clang-configure.log" 2>&1 || { cat "$out.clang-configure.log"; exit 1; }
cmake --build "$out/clang-asan" -j "$jobs"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --test-dir "$out/clang-asan" -j "$jobs" --output-on-failure

echo "== [4/4] aarch64 cross build under qemu-user"
bash "$root/scripts/constrained/aarch64_tests.sh" "$out/aarch64"
echo "all test stages passed"
