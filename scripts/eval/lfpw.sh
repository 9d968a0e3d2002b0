#!/usr/bin/env bash
# End-to-end accuracy on the shared LFPW test set (../shared/data/landmarks68, 224 faces): the facenn CLI
# (BlazeFace -> FaceMesh) writes JSON lines, the shared scorer computes NME, and detection_recall.py the
# detector's recall at IoU >= 0.3.
#   scripts/eval/lfpw.sh [path/to/facenn] [out-dir]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cli=${1:-$root/_build/gcc/tools/facenn}
out=${2:-$root/out/eval}
shared=${FACENN_SHARED_DIR:-$root/../shared}
manifest=$shared/data/landmarks68/lfpw_test.json
mkdir -p "$out"
/usr/bin/python3 -c "import json,sys; [print(e['image']) for e in json.load(open(sys.argv[1]))]" "$manifest" \
  | sed "s|^|$shared/data/landmarks68/|" | xargs "$cli" landmarks --model facemesh468 > "$out/lfpw_facemesh468.jsonl"
/usr/bin/python3 "$shared/eval/score_landmarks.py" "$manifest" "$out/lfpw_facemesh468.jsonl" --scheme 468 | tail -2
/usr/bin/python3 "$root/scripts/eval/detection_recall.py" "$manifest" "$out/lfpw_facemesh468.jsonl"
