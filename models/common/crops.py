"""Real-face model inputs for calibration and accuracy measurement, made on the fly from the shared research set
``<repo>/../shared/data/train68`` (HELEN + LFPW *training* faces with 68-point labels; never the LFPW test set).
Nothing produced here is written into the repository except derived numeric goldens.

    faces = train68_faces()                       # list of dicts {image, landmarks (68x2), box}
    split = calibration_split(faces)              # {"calib": [...], "eval": [...]} disjoint, deterministic
    facemesh_crop(face, rng) -> uint8 (192, 192, 3) RGB      FaceMesh-style rotated ROI crop
    blazeface_input(face) -> uint8 (128, 128, 3) RGB         whole photo, letterboxed to 128x128

Crops are deterministic (cv2 bilinear, fixed seeds).
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from .fetch import repo_root


def shared_dir() -> Path:
    return repo_root().parent / "shared"


def train68_faces() -> list:
    root = shared_dir() / "data" / "train68"
    faces = json.loads((root / "train.json").read_text())
    for f in faces:
        f["path"] = str(root / f["image"])
        f["landmarks"] = np.asarray(f["landmarks"], np.float64)
    return faces


def calibration_split(faces: list, n_calib: int = 128, n_eval: int = 128) -> dict:
    """Every 4th face (offset 0) for calibration, every 4th (offset 2) for evaluation: disjoint photos' faces."""
    return {"calib": faces[0::4][:n_calib], "eval": faces[2::4][:n_eval]}


def _read_rgb(path: str) -> np.ndarray:
    import cv2
    bgr = cv2.imread(path, cv2.IMREAD_COLOR)
    if bgr is None:
        raise FileNotFoundError(path)
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def rotated_rect_crop(img: np.ndarray, cx: float, cy: float, side: float, angle: float, size: int) -> np.ndarray:
    """Crop the square of ``side`` px centred at (cx, cy), rotated by ``angle`` radians (counter-clockwise in image
    coordinates), mapped corner to corner onto ``size`` x ``size`` (bilinear, border replicated)."""
    import cv2
    c, s = math.cos(angle), math.sin(angle)
    half = side / 2.0

    def corner(u, v):  # u, v in {-1, +1}
        return (cx + half * (u * c - v * s), cy + half * (u * s + v * c))

    src = np.float32([corner(-1, -1), corner(1, -1), corner(-1, 1)])
    dst = np.float32([[0, 0], [size, 0], [0, size]])
    m = cv2.getAffineTransform(src, dst)
    return cv2.warpAffine(img, m, (size, size), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def facemesh_crop(face: dict, rng: np.random.Generator | None = None, size: int = 192,
                  shift: tuple = (0.0, 0.0)) -> np.ndarray:
    """FaceMesh ROI as the BlazeFace -> FaceMesh pipeline makes it (rotation from the eye line, side 1.5 x the
    face box), with the face box taken from the 68 labelled points; ``rng`` adds a little jitter (scale +-10 %,
    centre +-5 %, roll +-6 deg) so the calibration sees the spread a detector produces. ``shift`` moves the
    centre by that fraction of the side (off-face crops, for the face-presence score)."""
    lm = face["landmarks"]
    img = _read_rgb(face["path"])
    x0, y0 = lm.min(0)
    x1, y1 = lm.max(0)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    side = 1.5 * max(x1 - x0, y1 - y0)
    le, re = lm[36:42].mean(0), lm[42:48].mean(0)
    angle = math.atan2(re[1] - le[1], re[0] - le[0])
    if rng is not None:
        side *= rng.uniform(0.9, 1.1)
        cx += rng.uniform(-0.05, 0.05) * side
        cy += rng.uniform(-0.05, 0.05) * side
        angle += math.radians(rng.uniform(-6, 6))
    cx += shift[0] * side
    cy += shift[1] * side
    return rotated_rect_crop(img, cx, cy, side, angle, size)


def blazeface_input(face: dict, size: int = 128) -> np.ndarray:
    """The whole photo centred in a max(W, H) square (zero border) and resized corner to corner to size x size."""
    import cv2
    img = _read_rgb(face["path"])
    h, w = img.shape[:2]
    s = max(h, w)
    sq = np.zeros((s, s, 3), np.uint8)
    sq[(s - h) // 2:(s - h) // 2 + h, (s - w) // 2:(s - w) // 2 + w] = img
    return cv2.resize(sq, (size, size), interpolation=cv2.INTER_LINEAR)
