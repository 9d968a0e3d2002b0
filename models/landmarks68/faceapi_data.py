"""Real-face inputs for the face-api converters (calibration, int8-vs-float accuracy), made on the fly from the
shared research sets (never copied into the repository):

* landmark crops: face-api's own crop path (square box, floor, clip at the image border, centred zero padding to a
  square, ``tf.image.resizeBilinear`` without corner alignment / half-pixel centres) to 112 x 112,
* recognition inputs: face-api.js's descriptor path (box of the 68 points + 20 %, padded to a square, 150 x 150)
  from labelled points, or a Haar-cascade face box x 1.2 for photos without labels (verification photos).

The face box for a labelled face is the tight box of its 68 points; ``landmark_box`` turns it into a square box
of side 1.3 x max(w, h) around the same centre (float NME on held-out train68 faces: 4.6 %, as face-api reaches
on LFPW from BlazeFace boxes), with optional jitter for calibration.
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from common.crops import _read_rgb, calibration_split, shared_dir, train68_faces  # noqa: F401  (re-exported)


def resize_bilinear_tf(img: np.ndarray, out_h: int, out_w: int) -> np.ndarray:
    """``tf.image.resizeBilinear(x, [out_h, out_w], alignCorners=false, halfPixelCenters=false)``:
    src = dst * in / out, neighbours clamped to the border; float32 result."""
    img = np.asarray(img, np.float32)
    in_h, in_w = img.shape[:2]
    sy, sx = in_h / out_h, in_w / out_w
    ys = np.arange(out_h, dtype=np.float64) * sy
    xs = np.arange(out_w, dtype=np.float64) * sx
    y0 = np.floor(ys).astype(int)
    x0 = np.floor(xs).astype(int)
    y1 = np.minimum(y0 + 1, in_h - 1)
    x1 = np.minimum(x0 + 1, in_w - 1)
    dy = (ys - y0).astype(np.float32)[:, None, None]
    dx = (xs - x0).astype(np.float32)[None, :, None]
    top = img[y0][:, x0] + (img[y0][:, x1] - img[y0][:, x0]) * dx
    bot = img[y1][:, x0] + (img[y1][:, x1] - img[y1][:, x0]) * dx
    return (top + (bot - top) * dy).astype(np.float32)


def faceapi_crop(img: np.ndarray, box, size: int) -> tuple[np.ndarray, dict]:
    """face-api's crop of ``box`` = (x, y, w, h): floor + clip to the image, centred zero padding to a square,
    bilinear resize to ``size``. Returns (float32 HWC 0..255, geometry to map the net's 0..1 points back)."""
    h_img, w_img = img.shape[:2]
    x, y, w, h = box
    x0, y0 = max(int(math.floor(x)), 0), max(int(math.floor(y)), 0)
    x1, y1 = min(int(math.floor(x + w)), w_img), min(int(math.floor(y + h)), h_img)
    patch = img[y0:y1, x0:x1].astype(np.float32)
    ph, pw = patch.shape[:2]
    side = max(ph, pw)
    diff = abs(ph - pw)
    # padToSquare(isCenterImage=true): round(diff/2) zeros after, the rest before
    after = int(round(diff * 0.5))
    before = diff - after
    if ph > pw:
        patch = np.pad(patch, ((0, 0), (before, after), (0, 0)))
        off = (before, 0)
    elif pw > ph:
        patch = np.pad(patch, ((before, after), (0, 0), (0, 0)))
        off = (0, before)
    else:
        off = (0, 0)
    out = resize_bilinear_tf(patch, size, size) if side != size else patch
    return out, dict(x0=x0, y0=y0, side=side, pad_x=off[0], pad_y=off[1])


def points_from_net(pred01: np.ndarray, geo: dict) -> np.ndarray:
    """136 net outputs (0..1 of the padded square crop) -> 68 x 2 image points."""
    p = np.asarray(pred01, np.float64).reshape(68, 2) * geo["side"]
    p[:, 0] += geo["x0"] - geo["pad_x"]
    p[:, 1] += geo["y0"] - geo["pad_y"]
    return p


def landmark_box(lm: np.ndarray, rng: np.random.Generator | None = None, scale: float = 1.3,
                 up: float = 0.0) -> tuple:
    x0, y0 = lm.min(0)
    x1, y1 = lm.max(0)
    side = scale * max(x1 - x0, y1 - y0)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2 - up * side
    if rng is not None:
        side *= rng.uniform(0.9, 1.1)
        cx += rng.uniform(-0.06, 0.06) * side
        cy += rng.uniform(-0.06, 0.06) * side
    return (cx - side / 2, cy - side / 2, side, side)


def landmark_input(face: dict, rng: np.random.Generator | None = None, size: int = 112):
    """(float32 112x112x3 crop, geometry) of a labelled face."""
    img = _read_rgb(face["path"])
    return faceapi_crop(img, landmark_box(face["landmarks"], rng), size)


def descriptor_input(face: dict, rng: np.random.Generator | None = None, size: int = 150) -> np.ndarray:
    """face-api.js descriptor crop from 68 labelled points: their box + 20 % (optional jitter), square, 150."""
    img = _read_rgb(face["path"])
    lm = face["landmarks"]
    x0, y0 = lm.min(0)
    x1, y1 = lm.max(0)
    w, h = x1 - x0, y1 - y0
    pad_w, pad_h = 0.2 * w, 0.2 * h
    if rng is not None:
        pad_w *= rng.uniform(0.5, 1.5)
        pad_h *= rng.uniform(0.5, 1.5)
    box = (x0 - pad_w / 2, y0 - pad_h / 2, w + pad_w, h + pad_h)
    return faceapi_crop(img, box, size)[0]


_HAAR = None


def haar_faces(img: np.ndarray):
    """Haar-cascade (OpenCV frontal default) face boxes (x, y, w, h), largest first."""
    global _HAAR
    import cv2
    if _HAAR is None:
        cands = [Path("/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml")]
        if hasattr(cv2, "data"):
            cands.insert(0, Path(cv2.data.haarcascades) / "haarcascade_frontalface_default.xml")
        path = next((p for p in cands if p.exists()), None)
        if path is None:
            raise FileNotFoundError("haarcascade_frontalface_default.xml")
        _HAAR = cv2.CascadeClassifier(str(path))
    gray = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)
    boxes = _HAAR.detectMultiScale(gray, scaleFactor=1.1, minNeighbors=5, minSize=(40, 40))
    return sorted([tuple(int(v) for v in b) for b in boxes], key=lambda b: -b[2] * b[3])


def haar_descriptor_input(path: str, size: int = 150):
    """Largest Haar face x 1.2 (centred) -> face-api crop at ``size``; None when no face is found."""
    img = _read_rgb(path)
    boxes = haar_faces(img)
    if not boxes:
        return None
    x, y, w, h = boxes[0]
    s = 1.2 * max(w, h)
    cx, cy = x + w / 2, y + h / 2
    return faceapi_crop(img, (cx - s / 2, cy - s / 2, s, s), size)[0]


def verification_photos() -> list:
    return sorted(str(p) for p in (shared_dir() / "data" / "verification" / "deepface").glob("*.jpg"))
