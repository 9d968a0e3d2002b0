#!/usr/bin/python3
"""Does a model's per-landmark confidence predict its error? Spearman rho(confidence, -error) on a 68-point
landmark manifest, from `facenn landmarks --model fpenet80` JSON lines ("landmark_confidence" per point).

    scripts/eval/landmark_confidence.py MANIFEST PREDICTIONS.jsonl

Faces are matched as ../shared/eval/score_landmarks.py does (best box IoU > 0.1). Error = point distance /
outer-eye-corner distance. Prints rho over all (face, point) pairs and per face (mean confidence vs -NME)."""
import argparse
import json
import sys
from pathlib import Path

import numpy as np
from scipy.stats import spearmanr

SHARED = Path(__file__).resolve().parents[2].parent / "shared"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("manifest")
    ap.add_argument("predictions")
    a = ap.parse_args()
    sys.path.insert(0, str(SHARED / "eval"))
    from common import faces_for, load_predictions, match_face
    preds = load_predictions(a.predictions)
    conf, err, face_conf, face_nme, missing = [], [], [], [], 0
    for e in json.load(open(a.manifest)):
        gt = np.asarray(e["landmarks"], float)
        f = match_face(faces_for(preds, e["image"]), e["box"])
        if f is None or len(f.get("landmarks", [])) != 68 or len(f.get("landmark_confidence", [])) != 68:
            missing += 1
            continue
        p = np.asarray(f["landmarks"], float)[:, :2]
        c = np.asarray(f["landmark_confidence"], float)
        d = np.linalg.norm(p - gt, axis=1) / np.linalg.norm(gt[36] - gt[45])
        conf.append(c)
        err.append(d)
        face_conf.append(c.mean())
        face_nme.append(d.mean())
    c, d = np.concatenate(conf), np.concatenate(err)
    rho = spearmanr(c, -d).correlation
    rho_face = spearmanr(face_conf, -np.asarray(face_nme)).correlation
    print(f"faces {len(conf)} (missing {missing}), pairs {len(c)}: Spearman rho(confidence, -error) {rho:.3f}; "
          f"per face (mean confidence vs -NME) {rho_face:.3f}")


if __name__ == "__main__":
    main()
