#!/usr/bin/env bash
# Valgrind memcheck on the facenn CLI (detect + FaceMesh landmarks) over LFPW test images (../shared).
# Valgrind has no AVX-512, so the CLI is built portable (FACENN_CLI_NATIVE=OFF: reference kernels) with -g.
# Usage: scripts/valgrind_cli.sh [N images (default 5)] [build dir (default ./_build-valgrind)]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-5}
out=${2:-$root/_build-valgrind}
data=$root/../shared/data/landmarks68/lfpw_test
cmake -S "$root" -B "$out" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFACENN_CLI_NATIVE=OFF -DFACENN_BUILD_TESTS=OFF \
      -DFACENN_BUILD_EXAMPLES=OFF > "$out.configure.log" 2>&1 || { cat "$out.configure.log"; exit 1; }
cmake --build "$out" --target facenn_cli -j "${FACENN_JOBS:-2}"
mapfile -t images < <(ls "$data"/*.jpg | head -n "$n")
valgrind --tool=memcheck --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect \
         --errors-for-leak-kinds=definite,indirect \
         "$out/tools/facenn" landmarks --model facemesh468 "${images[@]}" > "$out/valgrind.jsonl"
echo "valgrind: ${#images[@]} images, $(wc -l < "$out/valgrind.jsonl") JSON lines, no memcheck errors"
