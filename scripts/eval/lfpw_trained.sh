#!/usr/bin/env bash
# End-to-end accuracy of the networks trained here on the shared LFPW test set (../shared/data/landmarks68,
# 224 faces), with facenn's own detector: `facenn landmarks --model landmarks35_60 | fpenet80` (int8) and their
# float references (`_float`) write JSON lines; the shared scorer computes NME (landmarks35_60: the 13 points of
# the 35-point scheme that map to the 68; fpenet80: all 68), landmark_confidence.py the Spearman correlation of
# fpenet80's per-point confidence with its error, detection_recall.py the detector's recall.
#   scripts/eval/lfpw_trained.sh [path/to/facenn] [out-dir]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cli=${1:-$root/_build/gcc/tools/facenn}
out=${2:-$root/out/eval}
shared=${FACENN_SHARED_DIR:-$root/../shared}
manifest=$shared/data/landmarks68/lfpw_test.json
mkdir -p "$out"
for model in landmarks35_60 landmarks35_60_float fpenet80 fpenet80_float; do
  /usr/bin/python3 -c "import json,sys; [print(e['image']) for e in json.load(open(sys.argv[1]))]" "$manifest" \
    | sed "s|^|$shared/data/landmarks68/|" | xargs "$cli" landmarks --model "$model" > "$out/lfpw_$model.jsonl"
  scheme=68
  [[ $model == landmarks35_60* ]] && scheme=35
  echo "== $model"
  /usr/bin/python3 "$shared/eval/score_landmarks.py" "$manifest" "$out/lfpw_$model.jsonl" --scheme $scheme | tail -2
  if [[ $model == fpenet80* ]]; then
    /usr/bin/python3 "$root/scripts/eval/landmark_confidence.py" "$manifest" "$out/lfpw_$model.jsonl"
  fi
done
/usr/bin/python3 "$root/scripts/eval/detection_recall.py" "$manifest" "$out/lfpw_landmarks35_60.jsonl"
