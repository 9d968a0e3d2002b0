#!/usr/bin/python3
"""BlazeFace detection -> the face square the trained networks (landmarks35_60, fpenet80) expect.

The nets were trained on the square around the tight box of the 68 labelled points (train_utils.face_rect: centre
of that box, side 1.25 x its longer side, no rotation). A BlazeFace box is a different box (brows to mouth, about
the width of the cheeks), so this fits a linear map from the detection, in the detection's own frame, to that square
on the *training* set (../shared/data/train68, never the LFPW test set):

    s = max(box w, box h), c = box centre, f = [(k_i - c) / s for the 6 keypoints (x, y)] + [1]   (13 values)
    cx = c.x + s * clamp(f . A[0], +-0.25), cy = c.y + s * clamp(f . A[1], +-0.25)
    side = s * clamp(exp(f . A[2]), 0.9, 1.7), rotation 0

i.e. a ridge least-squares fit (lambda 1e-3) of the centre offset and the log side ratio on the keypoints' positions
inside the box. The clamps keep an unusual detection (profile, partial face) from extrapolating far beyond the range
seen on train68 (offsets within +-0.17, side ratio 0.96..1.62 there). C++: include/facenn/models/trained_crop.hpp.

    cd ../shared/data/train68 && /usr/bin/python3 -c "import json; [print(e['image']) for e in json.load(open('train.json'))]" \\
      | xargs <build>/tools/facenn detect > /tmp/train68_detect.jsonl
    /usr/bin/python3 models/common/detector_crop.py /tmp/train68_detect.jsonl

writes models/common/detector_crop.json (coefficients, 5-fold cross-validated residuals on train68, and synthetic test
cases), models/common/golden/detector_crop_cases_f64.bin (the cases for the C++ test) and prints the C++ table.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
LAMBDA = 1e-3
OFFSET_CLAMP = 0.25
SIDE_CLAMP = (0.9, 1.7)
CROP_SCALE = 1.25       # train_utils.CROP_SCALE


def features(det: dict) -> np.ndarray:
    x, y, w, h = det["box"]
    s = max(w, h)
    c = np.array([x + w / 2.0, y + h / 2.0])
    k = (np.asarray(det["keypoints"], np.float64)[:, :2] - c) / s
    return np.concatenate([k.ravel(), [1.0]])


def apply(coef: np.ndarray, det: dict) -> tuple:
    """(cx, cy, side, rotation) of the crop for a detection {"box": [x, y, w, h], "keypoints": 6 x [x, y]}."""
    x, y, w, h = det["box"]
    s = max(w, h)
    f = features(det)
    dx = float(np.clip(f @ coef[0], -OFFSET_CLAMP, OFFSET_CLAMP))
    dy = float(np.clip(f @ coef[1], -OFFSET_CLAMP, OFFSET_CLAMP))
    r = float(np.clip(math.exp(f @ coef[2]), *SIDE_CLAMP))
    return (x + w / 2.0 + s * dx, y + h / 2.0 + s * dy, s * r, 0.0)


def target(det: dict, lm: np.ndarray) -> np.ndarray:
    x, y, w, h = det["box"]
    s = max(w, h)
    x0, y0 = lm.min(0)
    x1, y1 = lm.max(0)
    return np.array([((x0 + x1) / 2 - (x + w / 2)) / s, ((y0 + y1) / 2 - (y + h / 2)) / s,
                     math.log(CROP_SCALE * max(x1 - x0, y1 - y0) / s)])


def fit(F: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """3 x 13 coefficients (rows: dx, dy, log side ratio)."""
    return np.linalg.solve(F.T @ F + LAMBDA * np.eye(F.shape[1]), F.T @ Y).T


def residuals(rects: np.ndarray, truth: np.ndarray) -> dict:
    """Centre error as a fraction of the true side, |log side ratio| (training jitter: centre +-8 %, side x0.85..1.15)."""
    ce = np.linalg.norm(rects[:, :2] - truth[:, :2], axis=1) / truth[:, 2]
    se = np.abs(np.log(rects[:, 2] / truth[:, 2]))
    return {"centre_err_mean": float(ce.mean()), "centre_err_p95": float(np.percentile(ce, 95)),
            "abs_log_side_mean": float(se.mean()), "abs_log_side_p95": float(np.percentile(se, 95))}


def load_pairs(detections: Path) -> list:
    sys.path.insert(0, str(HERE.parents[1].parent / "shared" / "eval"))
    from common import faces_for, load_predictions, match_face   # the scorers' matching rule
    manifest = HERE.parents[1].parent / "shared" / "data" / "train68" / "train.json"
    preds = load_predictions(str(detections))
    pairs = []
    for e in json.loads(manifest.read_text()):
        f = match_face(faces_for(preds, e["image"]), e["box"])
        if f is not None:
            pairs.append((f, np.asarray(e["landmarks"], np.float64)))
    return pairs


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("detections", help="facenn detect JSON lines over ../shared/data/train68 (paths relative to it)")
    ap.add_argument("--out", default=str(HERE / "detector_crop.json"))
    a = ap.parse_args()
    pairs = load_pairs(Path(a.detections))
    F = np.stack([features(d) for d, _ in pairs])
    Y = np.stack([target(d, lm) for d, lm in pairs])

    def rects_of(coef, idx):
        return np.array([apply(coef, pairs[i][0])[:3] for i in idx])

    def truth_of(idx):
        out = []
        for i in idx:
            d, lm = pairs[i]
            x0, y0 = lm.min(0)
            x1, y1 = lm.max(0)
            out.append([(x0 + x1) / 2, (y0 + y1) / 2, CROP_SCALE * max(x1 - x0, y1 - y0)])
        return np.array(out)

    # 5-fold cross-validation (folds by index), against the baseline "mean offset and mean side ratio"
    folds = np.arange(len(pairs)) % 5
    cv, base = [], []
    for k in range(5):
        tr, te = np.where(folds != k)[0], np.where(folds == k)[0]
        cv.append(rects_of(fit(F[tr], Y[tr]), te))
        mean = np.zeros((3, F.shape[1]))
        mean[:, -1] = Y[tr].mean(0)
        base.append(rects_of(mean, te))
    order = np.concatenate([np.where(folds == k)[0] for k in range(5)])
    truth = truth_of(order)
    coef = fit(F, Y)
    rep = {"faces": len(pairs), "cv_linear": residuals(np.concatenate(cv), truth),
           "cv_mean_offset": residuals(np.concatenate(base), truth),
           "train_linear": residuals(rects_of(coef, range(len(pairs))), truth_of(range(len(pairs))))}

    # test cases for the C++ implementation: synthetic detections (no photo data), including clamped ones
    rng = np.random.default_rng(0)
    cases = []
    for i in range(12):
        s = float(rng.uniform(20, 300))
        x, y = float(rng.uniform(-50, 400)), float(rng.uniform(-50, 400))
        base_kp = np.array([[0.27, 0.22], [0.72, 0.22], [0.5, 0.45], [0.5, 0.72], [0.02, 0.35], [0.98, 0.35]])
        jitter = 0.03 if i < 8 else 0.4       # the last four leave the training range (clamps)
        kp = (base_kp + rng.normal(0, jitter, base_kp.shape)) * s + [x, y]
        det = {"box": [x, y, s, s * float(rng.uniform(0.97, 1.03))], "keypoints": kp.tolist()}
        cases.append({"detection": det, "rect": list(apply(coef, det))})
    out = {"doc": "models/common/detector_crop.py: BlazeFace detection -> trained nets' crop, fit on train68",
           "lambda": LAMBDA, "offset_clamp": OFFSET_CLAMP, "side_clamp": list(SIDE_CLAMP), "crop_scale": CROP_SCALE,
           "coef": coef.tolist(), "report": rep, "cases": cases}
    Path(a.out).write_text(json.dumps(out, indent=1) + "\n")
    # the same cases as raw little-endian float64 for tests/trained/trained_crop_test.cpp:
    # per case x, y, w, h, 6 x (kx, ky), then cx, cy, side, rotation (20 values)
    rows = [c["detection"]["box"] + sum(c["detection"]["keypoints"], []) + c["rect"] for c in cases]
    (HERE / "golden").mkdir(exist_ok=True)
    np.asarray(rows, "<f8").tofile(HERE / "golden" / "detector_crop_cases_f64.bin")
    print(json.dumps(rep, indent=1))
    names = ["kDx", "kDy", "kLogSide"]
    for n, row in zip(names, coef):
        print(f"inline constexpr double {n}[13] = {{" + ", ".join(f"{v:.9g}" for v in row) + "};")


if __name__ == "__main__":
    main()
