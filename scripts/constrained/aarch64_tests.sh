#!/usr/bin/env bash
# The core and kernel test suites cross-built for aarch64 Linux and run under qemu-user.
#   scripts/constrained/aarch64_tests.sh [build-dir]          (default: ./_build/aarch64)
# Needs: g++-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user (scripts/constrained/packages.txt).
# Env: FACENN_JOBS (default 2), FACENN_AARCH64_TESTS (ctest regex of the tests to build and run, default
# '^(core|kernels)_': the core suite incl. the reference kernels, and the SIMD kernel tests, which run the
# NEON kernels (kernels::Simd = neon64, asserted by kernels_simd_native_test) against the reference bit for
# bit, kernel sweeps and whole FaceMesh / BlazeFace networks; '^core_' for the core suite alone).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$root/_build/aarch64}
jobs=${FACENN_JOBS:-2}
regex=${FACENN_AARCH64_TESTS:-'^(core|kernels)_'}
sysroot=/usr/aarch64-linux-gnu

for tool in aarch64-linux-gnu-g++ qemu-aarch64; do
  command -v "$tool" > /dev/null || { echo "aarch64_tests: $tool not found (apt-get install $(tr '\n' ' ' < "$root/scripts/constrained/packages.txt" | sed 's/#[^ ]*//g'))" >&2; exit 1; }
done
start=$(date +%s)

echo "== aarch64: configure ($out)"
cmake -S "$root" -B "$out" -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_TOOLCHAIN_FILE="$root/cmake/toolchains/aarch64-linux-gnu.cmake" \
      "-DCMAKE_CROSSCOMPILING_EMULATOR=$(command -v qemu-aarch64);-L;$sysroot" \
      -DFACENN_BUILD_TOOLS=OFF -DFACENN_BUILD_EXAMPLES=OFF > "$out.configure.log" 2>&1 \
  || { cat "$out.configure.log"; exit 1; }

# Build only the executables behind the selected tests (compile-fail tests have none: they run the
# cross compiler itself).
mapfile -t tests < <(ctest --test-dir "$out" -N -R "$regex" | sed -n 's/^ *Test *#[0-9]*: *//p')
[ ${#tests[@]} -gt 0 ] || { echo "aarch64_tests: no test matches $regex" >&2; exit 1; }
mapfile -t all_targets < <(cmake --build "$out" --target help | sed -n 's/^\.\.\. \([^ ]*\).*/\1/p')
targets=()
for t in "${tests[@]}"; do
  for a in "${all_targets[@]}"; do [ "$t" = "$a" ] && targets+=("$t"); done
done
echo "== aarch64: build ${#targets[@]} test executables: ${targets[*]}"
cmake --build "$out" -j "$jobs" --target "${targets[@]}"
built=$(date +%s)

echo "== aarch64: run ${#tests[@]} tests under qemu-aarch64 -L $sysroot"
file "$out/tests/core/core_kernels_test" 2>/dev/null | sed 's/, BuildID.*//' || true
ctest --test-dir "$out" -R "$regex" -j "$jobs" --output-on-failure
done_=$(date +%s)
echo "aarch64: build $((built - start)) s, tests $((done_ - built)) s"
