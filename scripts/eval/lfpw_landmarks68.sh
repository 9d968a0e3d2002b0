#!/usr/bin/env bash
# 68-point landmarks on the shared LFPW test set (../shared/data/landmarks68, 224 faces), one run, facenn's own
# detector (BlazeFace int8, via the facenn CLI) in front of every facenn model; dlib's shape predictor on the
# same images, started from the same BlazeFace boxes (mapped to dlib's HOG box convention with a map fitted on
# ../shared/data/train68) and, for reference, from dlib's own HOG detector.
#   scripts/eval/lfpw_landmarks68.sh [path/to/facenn] [out-dir]
# Needs (evaluation only, see docs/models/landmarks68.md): Debian libdlib-dev libdlib-data libblas-dev liblapack-dev
# libpng-dev libjpeg-dev, /usr/bin/python3 with numpy and scipy.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cli=${1:-$root/_build/gcc/tools/facenn}
out=${2:-$root/out/eval68}
shared=${FACENN_SHARED_DIR:-$root/../shared}
manifest=$shared/data/landmarks68/lfpw_test.json
train=$shared/data/train68/train.json
py=/usr/bin/python3
helper=$root/scripts/eval/landmarks68_eval.py
export FACENN_SHARED_EVAL=$shared/eval
mkdir -p "$out"
list() { $py -c "import json,sys; [print(e['image']) for e in json.load(open(sys.argv[1]))]" "$1" | sed "s|^|$(dirname "$1")/|"; }

# facenn: every model on the same images
for m in landmarks68 landmarks68_float landmarks68_tiny landmarks68_tiny_float facemesh468 landmarks35; do
  list "$manifest" | xargs "$cli" landmarks --model "$m" > "$out/lfpw_$m.jsonl"
done
$py "$helper" mesh-to-68 "$root/include/facenn/landmarks/schemes.hpp" "$out/lfpw_facemesh468.jsonl" "$out/lfpw_facemesh468_68.jsonl"

# dlib: its predictor on the BlazeFace boxes (map fitted on train68) and on its own HOG detections
dlib=$out/dlib_landmarks68
[ -x "$dlib" ] || g++ -O2 -std=c++17 -o "$dlib" "$root/scripts/eval/dlib_landmarks68.cpp" -ldlib -lpng -ljpeg -lblas -llapack
model=/usr/share/dlib/shape_predictor_68_face_landmarks.dat
if [ ! -s "$out/train68_hog.jsonl" ]; then  # every 4th train68 image (228; dlib's HOG takes ~1 s per image)
  list "$train" | awk 'NR % 4 == 2' | xargs "$cli" detect > "$out/train68_facenn.jsonl"
  "$dlib" "$model" hog < "$out/train68_facenn.jsonl" > "$out/train68_hog.jsonl"
fi
map=$($py "$helper" fit-box "$train" "$out/train68_facenn.jsonl" "$out/train68_hog.jsonl")
echo "dlib start box from the BlazeFace box (centre + (ax w, ay h), side s max(w, h)): $map"
"$dlib" "$model" facenn "$map" < "$out/lfpw_landmarks68.jsonl" > "$out/lfpw_dlib_facenn_box.jsonl"
"$dlib" "$model" hog < "$out/lfpw_landmarks68.jsonl" > "$out/lfpw_dlib_hog.jsonl"

score() { printf '%-28s ' "$1"; $py "$shared/eval/score_landmarks.py" "$manifest" "$2" --scheme "$3" | sed -n 2p; }
echo "== NME, LFPW test, % of the outer-eye-corner distance"
score "landmarks68 int8" "$out/lfpw_landmarks68.jsonl" 68
score "landmarks68 float" "$out/lfpw_landmarks68_float.jsonl" 68
score "landmarks68_tiny int8" "$out/lfpw_landmarks68_tiny.jsonl" 68
score "landmarks68_tiny float" "$out/lfpw_landmarks68_tiny_float.jsonl" 68
score "facemesh468 -> 68 map" "$out/lfpw_facemesh468_68.jsonl" 68
score "dlib, BlazeFace box" "$out/lfpw_dlib_facenn_box.jsonl" 68
score "dlib, own HOG detector" "$out/lfpw_dlib_hog.jsonl" 68
$py "$shared/eval/score_landmarks.py" "$manifest" "$out/lfpw_dlib_hog.jsonl" --scheme 68 | sed -n 1p
score "facemesh468 (13 points)" "$out/lfpw_facemesh468.jsonl" 468
score "landmarks35 (13 points)" "$out/lfpw_landmarks35.jsonl" 35
echo "== landmark_disagreement vs error (landmarks68 int8, then landmarks68_tiny int8)"
$py "$helper" stability "$manifest" "$out/lfpw_landmarks68.jsonl"
$py "$helper" stability "$manifest" "$out/lfpw_landmarks68_tiny.jsonl"
