#!/usr/bin/env bash
# The README's first command: build the facenn CLI and run it on the bundled sample photo.
#   out/astronaut.jsonl   one JSON line: face box, score, 6 keypoints, 468 landmarks (image pixels)
#   out/astronaut.png     the photo with the detection and the landmarks drawn
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${FACENN_BUILD_DIR:-$root/_build/demo}
bash "$root/scripts/install-deps.sh"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DFACENN_BUILD_TESTS=OFF -DFACENN_BUILD_EXAMPLES=OFF \
      -DFACENN_BUILD_TOOLS=ON > /dev/null
cmake --build "$build" -j "$(nproc)" --target facenn_cli
mkdir -p "$root/out"
"$build/tools/facenn" landmarks --model facemesh468 "$root/examples/data/astronaut.png" \
    --draw "$root/out/astronaut.png" | tee "$root/out/astronaut.jsonl"
echo "wrote out/astronaut.jsonl and out/astronaut.png"
