"""Training, quantization-aware fine-tuning and export for the networks trained in this repository
(models/landmarks35_60, models/fpenet80). The arithmetic and the export reuse the converter modules:
the trained network becomes a ``net.Net`` (float forward == torch), PTQ / the QAT ranges go through
``net.quantize`` and the bit-exact int8 forward ``QNet.forward_int8`` (== the C++ reference), headers through
``emit_header.emit_qnet_header``.

Data (never copied into the repository; research-only terms, see ../shared/data/README.md)
    load_faces(manifest)             -> [{"image": RGB uint8, "landmarks": (68, 2) px, "name"}]
    train_faces() / lfpw_test_faces() train68 (909 faces) / LFPW test (224 faces, evaluation only)
    to35(lm68)                       68 -> 35 points (OpenVINO facial-landmarks-35-adas order)

Crop rule (what the C++ pipeline reproduces from a face box)
    face_rect(lm)                    square RotatedRect: centre = centre of the tight box of the 68 points,
                                     side = CROP_SCALE (1.25) x max(box width, box height), no rotation
    crop(img, rect, size)            corner-to-corner bilinear crop, replicated border (facenn::crop_rotated_rect)
    to_norm / from_norm              image pixel-centre coordinates <-> normalized crop coordinates in [0, 1]
                                     over the crop's outer edges (facenn::rect_normalized_to_image)
    sample(face, size, rng, gray)    crop + normalized 68 points, with jitter / flip / photometric augmentation

Network modules (torch; the same objects export to net.Net)
    ConvBN, FC, MaxPool, Seq, Res, Reshape, PadSpatial, up2(...) (learned 2x upsampling from Conv + Reshape +
    PadSpatial + Add: facenn has no resize / depth-to-space op), GlobalAvgPool
    fold_bn(model), export_net(model, in_shape) -> net.Net, set_quant_mode(model, "off"|"observe"|"quant")

Quantization study helpers
    calibrate_ranges(net, feeds, method) / ptq(net, ranges, per_tensor=False) / per_tensor_weights(qnet)
    nme(...), region errors, spearman
"""
from __future__ import annotations

import json
import math
import time
from pathlib import Path

import numpy as np

from . import int8_ops as Q
from . import net as N
from .fetch import repo_root

CROP_SCALE = 1.25
INPUT_QUANT = (float(np.float32(1.0 / 255.0)), 0)   # q = pixel - 128, real = (pixel - 128) / 255

# iBUG 68-point mirror map (image x -> W - x)
FLIP68 = np.array(list(range(16, -1, -1)) + list(range(26, 16, -1)) + [27, 28, 29, 30] + [35, 34, 33, 32, 31]
                  + [45, 44, 43, 42, 47, 46, 39, 38, 37, 36, 41, 40]
                  + [54, 53, 52, 51, 50, 49, 48, 59, 58, 57, 56, 55, 64, 63, 62, 61, 60, 67, 66, 65])

# regions for the error breakdown
REGIONS68 = {"eyes": list(range(36, 48)), "brows": list(range(17, 27)), "nose": list(range(27, 36)),
             "mouth": list(range(48, 68)), "contour": list(range(0, 17))}
REGIONS35 = {"eyes": [0, 1, 2, 3], "nose": [4, 5, 6, 7], "mouth": [8, 9, 10, 11], "brows": list(range(12, 18)),
             "contour": list(range(18, 35))}
# the 13 points scored for the 35-point scheme (68-pt index -> 35-pt index), as ../shared/eval/score_landmarks.py
SCORED35 = {39: 0, 36: 1, 42: 2, 45: 3, 30: 4, 33: 5, 31: 6, 35: 7, 48: 8, 54: 9, 51: 10, 57: 11, 8: 26}


# ------------------------------------------------------------------------------------------------ data
def shared_dir() -> Path:
    return repo_root().parent / "shared"


def cache_dir() -> Path:
    d = repo_root() / ".cache" / "trained"
    d.mkdir(parents=True, exist_ok=True)
    return d


def load_faces(manifest: Path) -> list:
    import cv2
    manifest = Path(manifest)
    out = []
    for e in json.loads(manifest.read_text()):
        bgr = cv2.imread(str(manifest.parent / e["image"]), cv2.IMREAD_COLOR)
        if bgr is None:
            raise FileNotFoundError(e["image"])
        out.append(dict(name=e["image"], image=cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB),
                        landmarks=np.asarray(e["landmarks"], np.float64)))
    return out


def train_faces() -> list:
    return load_faces(shared_dir() / "data" / "train68" / "train.json")


def lfpw_test_faces() -> list:
    return load_faces(shared_dir() / "data" / "landmarks68" / "lfpw_test.json")


def split_train_val(faces: list, every: int = 20) -> tuple[list, list]:
    """Every ``every``-th face (offset 7) is held out for validation / model choices (the LFPW test set is only
    used for the final numbers)."""
    val = [f for i, f in enumerate(faces) if i % every == 7]
    tr = [f for i, f in enumerate(faces) if i % every != 7]
    return tr, val


def _resample(poly: np.ndarray, n: int) -> np.ndarray:
    """n points evenly spaced by arc length along a polyline (first and last points kept)."""
    seg = np.linalg.norm(np.diff(poly, axis=0), axis=1)
    s = np.concatenate([[0.0], np.cumsum(seg)])
    t = np.linspace(0.0, s[-1], n)
    return np.stack([np.interp(t, s, poly[:, 0]), np.interp(t, s, poly[:, 1])], axis=1)


def to35(lm: np.ndarray) -> np.ndarray:
    """68 -> 35 points, OpenVINO facial-landmarks-35-adas order (image directions):
    p0/p1 inner/outer corner of the image-left eye (39, 36), p2/p3 inner/outer of the image-right eye (42, 45),
    p4 nose tip (30), p5 septum (33), p6/p7 nose wings (31, 35), p8/p9 mouth corners (48, 54), p10/p11 outer lip
    centres (51, 57), p12-p14 image-left brow outer -> inner (17, 19, 21), p15-p17 image-right brow inner -> outer
    (22, 24, 26), p18-p34 contour: the jaw 0..8 and 8..16 each resampled to 9 points evenly by arc length
    (p26 = chin = 8)."""
    lm = np.asarray(lm, np.float64)
    fixed = lm[[39, 36, 42, 45, 30, 33, 31, 35, 48, 54, 51, 57, 17, 19, 21, 22, 24, 26]]
    left = _resample(lm[0:9], 9)
    right = _resample(lm[8:17], 9)
    return np.concatenate([fixed, left, right[1:]], axis=0)


# ------------------------------------------------------------------------------------------------ crops
def face_rect(lm: np.ndarray, scale: float = CROP_SCALE) -> tuple:
    """(cx, cy, side, rotation): the square around the tight box of the 68 labelled points."""
    x0, y0 = lm.min(0)
    x1, y1 = lm.max(0)
    return ((x0 + x1) / 2.0, (y0 + y1) / 2.0, scale * max(x1 - x0, y1 - y0), 0.0)


def norm_to_image_matrix(rect) -> np.ndarray:
    """2x3: normalized (u, v) in [0, 1] -> image pixel-centre coordinates (facenn::rect_normalized_to_image)."""
    cx, cy, side, r = rect
    c, s = math.cos(r), math.sin(r)
    return np.array([[side * c, -side * s, cx - 0.5 * side * c + 0.5 * side * s],
                     [side * s, side * c, cy - 0.5 * side * s - 0.5 * side * c]], np.float64)


def from_norm(uv: np.ndarray, rect) -> np.ndarray:
    m = norm_to_image_matrix(rect)
    uv = np.asarray(uv, np.float64).reshape(-1, 2)
    return uv @ m[:, :2].T + m[:, 2]


def to_norm(p: np.ndarray, rect) -> np.ndarray:
    m = norm_to_image_matrix(rect)
    return (np.asarray(p, np.float64).reshape(-1, 2) - m[:, 2]) @ np.linalg.inv(m[:, :2]).T


def crop(img: np.ndarray, rect, size: int) -> np.ndarray:
    """Corner-to-corner bilinear crop (destination pixel j samples normalized (j + 0.5) / size), replicated
    border: facenn::crop_rotated_rect up to cv2's 1/32-pixel interpolation weights."""
    import cv2
    m = norm_to_image_matrix(rect)
    a = m[:, :2] / size
    t = m[:, 2] + a @ np.array([0.5, 0.5])
    return cv2.warpAffine(img, np.hstack([a, t[:, None]]), (size, size), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                          borderMode=cv2.BORDER_REPLICATE)


def to_gray(rgb: np.ndarray) -> np.ndarray:
    """uint8 luma (cv2 RGB2GRAY: 0.299 R + 0.587 G + 0.114 B, fixed-point rounding), shape (H, W, 1)."""
    import cv2
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)[:, :, None]


def photometric(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Colour / blur / noise jitter on a uint8 crop."""
    import cv2
    y = x.astype(np.float32)
    if rng.random() < 0.8:
        y = y * rng.uniform(0.6, 1.4) + rng.uniform(-40, 40)                       # contrast, brightness
    if y.shape[2] == 3 and rng.random() < 0.5:
        y = y * rng.uniform(0.85, 1.15, size=3)                                    # white balance
    if y.shape[2] == 3 and rng.random() < 0.15:
        y[:] = (y @ np.array([0.299, 0.587, 0.114], np.float32))[:, :, None]       # grey
    y = np.clip(y, 0, 255)
    if rng.random() < 0.3:
        g = rng.uniform(0.7, 1.5)
        y = 255.0 * (y / 255.0) ** g
    if rng.random() < 0.25:
        k = int(rng.choice([3, 5]))
        y = cv2.GaussianBlur(y, (k, k), rng.uniform(0.5, 1.3))
        if y.ndim == 2:
            y = y[:, :, None]
    if rng.random() < 0.3:
        y = y + rng.normal(0, rng.uniform(2, 8), size=y.shape)
    if rng.random() < 0.15:                                                      # occluding block
        h, w = y.shape[:2]
        bh, bw = int(rng.uniform(0.15, 0.4) * h), int(rng.uniform(0.15, 0.4) * w)
        y0, x0 = int(rng.uniform(0, h - bh)), int(rng.uniform(0, w - bw))
        y[y0:y0 + bh, x0:x0 + bw] = rng.uniform(0, 255, size=y.shape[2])
    return np.clip(np.floor(y + 0.5), 0, 255).astype(np.uint8)


def sample(face: dict, size: int, rng: np.random.Generator | None = None, gray: bool = False,
           max_rot_deg: float = 25.0) -> tuple[np.ndarray, np.ndarray, tuple]:
    """(uint8 crop (size, size, 3 | 1), 68 points normalized to the crop, rect). ``rng`` = training jitter:
    side x U(0.85, 1.15), centre +-8 % of the side, rotation +-max_rot_deg, horizontal flip, photometric."""
    lm = face["landmarks"]
    cx, cy, side, r = face_rect(lm)
    flip = False
    if rng is not None:
        side *= rng.uniform(0.85, 1.15)
        cx += rng.uniform(-0.08, 0.08) * side
        cy += rng.uniform(-0.08, 0.08) * side
        r = math.radians(rng.uniform(-max_rot_deg, max_rot_deg))
        flip = rng.random() < 0.5
    rect = (cx, cy, side, r)
    x = crop(face["image"], rect, size)
    uv = to_norm(lm, rect)
    if flip:
        x = x[:, ::-1].copy()
        uv = uv[FLIP68].copy()
        uv[:, 0] = 1.0 - uv[:, 0]
    if gray:
        x = to_gray(x)
    if rng is not None:
        x = photometric(x, rng)
    return x, uv, rect


def to_input(x_u8: np.ndarray) -> np.ndarray:
    """uint8 (H, W, C) -> the float network input (pixel - 128) / 255, float32 (H, W, C)."""
    return ((x_u8.astype(np.float32) - 128.0) / 255.0).astype(np.float32)


def to_int8(x_u8: np.ndarray) -> np.ndarray:
    """uint8 -> the int8 network input q = pixel - 128 (scale 1/255, zero point 0: exact)."""
    return (x_u8.astype(np.int16) - 128).astype(np.int8)


# ------------------------------------------------------------------------------------------------ metrics
def nme_percent(pred_img: np.ndarray, lm68: np.ndarray, scheme: str = "68") -> float:
    """score_landmarks.py's NME: mean point distance / outer-eye-corner distance x 100 (68-pt 36, 45)."""
    iod = np.linalg.norm(lm68[36] - lm68[45])
    if scheme == "68":
        d = np.linalg.norm(pred_img - lm68, axis=1)
    else:
        src = np.array(sorted(SCORED35))
        dst = np.array([SCORED35[i] for i in src])
        d = np.linalg.norm(pred_img[dst] - lm68[src], axis=1)
    return float(d.mean() / iod * 100.0)


def summarize(nmes) -> dict:
    e = np.asarray(nmes, np.float64)
    ts = np.linspace(0, 8, 801)
    ced = np.array([(e <= t).mean() for t in ts])
    auc = float(((ced[1:] + ced[:-1]) / 2 * np.diff(ts)).sum() / 8)
    return dict(nme_mean=float(e.mean()), nme_median=float(np.median(e)), fail8=float((e > 8).mean() * 100),
                fail10=float((e > 10).mean() * 100), auc8=auc, faces=int(e.size))


def spearman(a, b) -> float:
    from scipy.stats import spearmanr
    return float(spearmanr(np.asarray(a).ravel(), np.asarray(b).ravel()).correlation)


# ------------------------------------------------------------------------------------------------ torch modules
try:  # torch only for training / QAT / export; the rest of this module is numpy
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except ImportError:  # pragma: no cover
    torch = None


def define_modules():
    """Kept for callers written against the lazy version: the modules are defined at import time."""
    if torch is None:
        raise ImportError("torch is needed for the network modules (apt-get install python3-torch)")


if torch is not None:

    def rha(v):
        return torch.sign(v) * torch.floor(v.abs() + 0.5)

    class _ActQ(nn.Module):
        """Per-tensor asymmetric int8 fake quantization with exactly net.quantize's parameters:
        (scale, zp) = int8_ops.choose_qparams(lo, hi); q = clamp(round_half_away(x / scale) + zp, -128, 127).
        Modes: off (identity), observe (running min / max, or EMA with ``momentum``), quant (fake-quantize with the
        stored range; observe_in_quant keeps updating it by EMA), STE gradient inside the range."""

        def __init__(self):
            super().__init__()
            self.register_buffer("lo", torch.tensor(float("inf")))
            self.register_buffer("hi", torch.tensor(float("-inf")))
            self.mode = "off"
            self.momentum = None
            self.observe_in_quant = False

        def reset(self):
            self.lo.fill_(float("inf"))
            self.hi.fill_(float("-inf"))

        def _observe(self, x):
            lo, hi = x.detach().min(), x.detach().max()
            if self.momentum is None or not torch.isfinite(self.lo):
                self.lo.copy_(torch.minimum(self.lo, lo))
                self.hi.copy_(torch.maximum(self.hi, hi))
            else:
                m = self.momentum
                self.lo.mul_(m).add_((1 - m) * lo)
                self.hi.mul_(m).add_((1 - m) * hi)

        def qparams(self):
            return Q.choose_qparams(float(self.lo), float(self.hi))

        def forward(self, x):
            if self.mode == "off":
                return x
            if self.mode == "observe" or (self.training and self.observe_in_quant):
                self._observe(x)
            if self.mode == "observe":
                return x
            s, zp = self.qparams()
            lo_q, hi_q = (-128 - zp) * s, (127 - zp) * s
            xc = torch.clamp(x, lo_q, hi_q)
            q = torch.clamp(rha(xc / s) + zp, -128, 127)
            return xc + ((q - zp) * s - xc).detach()

    def fake_quant_weight(w, axis):
        """Symmetric per-output-channel int8 (int8_ops.quantize_weights_per_channel), STE."""
        red = tuple(i for i in range(w.dim()) if i != axis)
        amax = w.detach().abs().amax(dim=red, keepdim=True)
        s = torch.where(amax > 0, amax / 127.0, torch.ones_like(amax))
        q = torch.clamp(rha(w / s), -127, 127)
        return w + (q * s - w).detach()

    def tf_same_pads(n, k, s):
        return Q.same_padding(n, k, s)

    class _Layer(nn.Module):
        def export(self, ctx, x: str) -> str:
            raise NotImplementedError

    class _ConvBN(_Layer):
        """Conv / depthwise conv with TF-SAME or VALID padding, optional BatchNorm (folded before export), act
        relu | none."""

        def __init__(self, name, cin, cout, k=3, stride=1, act="relu", dw=False, bn=True, padding="same"):
            super().__init__()
            self.name, self.k, self.stride, self.act, self.dw, self.padding = name, k, stride, act, dw, padding
            if dw:
                assert cin == cout
            self.conv = nn.Conv2d(cin, cout, k, stride, 0, groups=cin if dw else 1, bias=not bn)
            self.bn = nn.BatchNorm2d(cout) if bn else None
            self.aq = _ActQ()
            self.wq = False

        def pads(self, h, w):
            if self.padding == "valid":
                return (0, 0, 0, 0)
            t, b = tf_same_pads(h, self.k, self.stride)
            l, r = tf_same_pads(w, self.k, self.stride)
            return (t, b, l, r)

        def forward(self, x):
            t, b, l, r = self.pads(x.shape[2], x.shape[3])
            if t or b or l or r:
                x = F.pad(x, (l, r, t, b))
            wt = fake_quant_weight(self.conv.weight, 0) if self.wq else self.conv.weight
            y = F.conv2d(x, wt, self.conv.bias, self.stride, 0, 1, self.conv.groups)
            if self.bn is not None:
                y = self.bn(y)
            if self.act == "relu":
                y = F.relu(y)
            return self.aq(y)

        def fold(self):
            if self.bn is None:
                return
            bn = self.bn
            s = bn.weight.detach() / torch.sqrt(bn.running_var + bn.eps)
            w = self.conv.weight.detach() * s.reshape(-1, 1, 1, 1)
            b = bn.bias.detach() - bn.running_mean * s
            if self.conv.bias is not None:
                b = b + self.conv.bias.detach() * s
            conv = nn.Conv2d(self.conv.in_channels, self.conv.out_channels, self.k, self.stride, 0,
                             groups=self.conv.groups, bias=True)
            conv.weight.data.copy_(w)
            conv.bias.data.copy_(b)
            self.conv, self.bn = conv, None

        def export(self, ctx, x):
            h, w_, c = ctx.shapes[x]
            w = self.conv.weight.detach().double().numpy()
            b = (self.conv.bias.detach().double().numpy() if self.conv.bias is not None
                 else np.zeros(w.shape[0]))
            pads = self.pads(h, w_)
            if self.dw:
                wn = np.transpose(w, (1, 2, 3, 0))            # [C,1,KH,KW] -> [1,KH,KW,C]
                kind = "dwconv"
            else:
                wn = np.transpose(w, (0, 2, 3, 1))            # OIHW -> OHWI
                kind = "conv"
            node = N.Node(kind, self.name, [x], self.name,
                          dict(w=wn.astype(np.float32), b=b.astype(np.float32), stride=(self.stride, self.stride),
                               pads=pads, act=self.act))
            oh = Q.out_size(h, self.k, self.stride, pads[0], pads[1])
            ow = Q.out_size(w_, self.k, self.stride, pads[2], pads[3])
            return ctx.add(node, (oh, ow, self.conv.out_channels), self)

    class _FC(_Layer):
        """FullyConnected on the NHWC-flattened input (torch side: permute to NHWC, then flatten)."""

        def __init__(self, name, cin, cout, act="relu", bn=False):
            super().__init__()
            self.name, self.act = name, act
            self.fc = nn.Linear(cin, cout, bias=not bn)
            self.bn = nn.BatchNorm1d(cout) if bn else None
            self.aq = _ActQ()
            self.wq = False

        def forward(self, x):
            if x.dim() == 4:
                x = x.permute(0, 2, 3, 1).reshape(x.shape[0], -1)
            wt = fake_quant_weight(self.fc.weight, 0) if self.wq else self.fc.weight
            y = F.linear(x, wt, self.fc.bias)
            if self.bn is not None:
                y = self.bn(y)
            if self.act == "relu":
                y = F.relu(y)
            return self.aq(y)

        def fold(self):
            if self.bn is None:
                return
            bn = self.bn
            s = bn.weight.detach() / torch.sqrt(bn.running_var + bn.eps)
            fc = nn.Linear(self.fc.in_features, self.fc.out_features, bias=True)
            fc.weight.data.copy_(self.fc.weight.detach() * s[:, None])
            b = bn.bias.detach() - bn.running_mean * s
            if self.fc.bias is not None:
                b = b + self.fc.bias.detach() * s
            fc.bias.data.copy_(b)
            self.fc, self.bn = fc, None

        def export(self, ctx, x):
            w = self.fc.weight.detach().double().numpy()
            b = self.fc.bias.detach().double().numpy() if self.fc.bias is not None else np.zeros(w.shape[0])
            node = N.Node("fc", self.name, [x], self.name, dict(w=w.astype(np.float32), b=b.astype(np.float32),
                                                                   act=self.act))
            return ctx.add(node, (1, 1, w.shape[0]), self)

    class _MaxPool(_Layer):
        def __init__(self, k=2, stride=2, padding="same"):
            super().__init__()
            self.k, self.stride, self.padding = k, stride, padding

        def pads(self, h, w):
            if self.padding == "valid":
                return (0, 0, 0, 0)
            t, b = tf_same_pads(h, self.k, self.stride)
            l, r = tf_same_pads(w, self.k, self.stride)
            return (t, b, l, r)

        def forward(self, x):
            t, b, l, r = self.pads(x.shape[2], x.shape[3])
            if t or b or l or r:
                x = F.pad(x, (l, r, t, b), value=float("-inf"))
            return F.max_pool2d(x, self.k, self.stride)

        def export(self, ctx, x):
            h, w, c = ctx.shapes[x]
            pads = self.pads(h, w)
            name = ctx.fresh("maxpool")
            node = N.Node("maxpool", name, [x], name, dict(window=(self.k, self.k), stride=(self.stride, self.stride),
                                                          pads=pads))
            oh = Q.out_size(h, self.k, self.stride, pads[0], pads[1])
            ow = Q.out_size(w, self.k, self.stride, pads[2], pads[3])
            return ctx.add(node, (oh, ow, c))

    class _GlobalAvgPool(_Layer):
        def forward(self, x):
            return x.mean(dim=(2, 3), keepdim=True)

        def export(self, ctx, x):
            h, w, c = ctx.shapes[x]
            name = ctx.fresh("gap")
            node = N.Node("avgpool", name, [x], name, dict(window=(h, w), stride=(1, 1), pads=(0, 0, 0, 0)))
            return ctx.add(node, (1, 1, c))

    class _Reshape(_Layer):
        """NHWC reshape (facenn Reshape): torch side permutes to NHWC, reshapes, permutes back."""

        def __init__(self, h, w, c):
            super().__init__()
            self.shape = (h, w, c)

        def forward(self, x):
            h, w, c = self.shape
            y = x.permute(0, 2, 3, 1).reshape(x.shape[0], h, w, c)
            return y.permute(0, 3, 1, 2)

        def export(self, ctx, x):
            name = ctx.fresh("reshape")
            return ctx.add(N.Node("reshape", name, [x], name, dict(shape=self.shape)), self.shape)

    class _PadSpatial(_Layer):
        def __init__(self, top, bottom, left, right):
            super().__init__()
            self.pads = (top, bottom, left, right)

        def forward(self, x):
            t, b, l, r = self.pads
            return F.pad(x, (l, r, t, b))

        def export(self, ctx, x):
            h, w, c = ctx.shapes[x]
            t, b, l, r = self.pads
            name = ctx.fresh("pad")
            return ctx.add(N.Node("pad", name, [x], name, dict(pads=self.pads, channels_after=0)), (h + t + b, w + l + r, c))

    class _Seq(_Layer):
        def __init__(self, *layers):
            super().__init__()
            self.layers = nn.ModuleList(layers)

        def forward(self, x):
            for m in self.layers:
                x = m(x)
            return x

        def export(self, ctx, x):
            for m in self.layers:
                x = m.export(ctx, x)
            return x

    class _Res(_Layer):
        """Add(body(x), shortcut(x)) (shortcut None = identity), fused act, like facenn Residual<Body, Shortcut,
        Add>."""

        def __init__(self, name, body, shortcut=None, act="none"):
            super().__init__()
            self.name, self.body, self.shortcut, self.act = name, body, shortcut, act
            self.aq = _ActQ()

        def forward(self, x):
            y = self.body(x) + (self.shortcut(x) if self.shortcut is not None else x)
            if self.act == "relu":
                y = F.relu(y)
            return self.aq(y)

        def export(self, ctx, x):
            a = self.body.export(ctx, x)
            b = self.shortcut.export(ctx, x) if self.shortcut is not None else x
            if tuple(ctx.shapes[a]) != tuple(ctx.shapes[b]):
                raise ValueError(f"{self.name}: {ctx.shapes[a]} vs {ctx.shapes[b]}")
            return ctx.add(N.Node("add", self.name, [a, b], self.name, dict(act=self.act)), ctx.shapes[a], self)


    ConvBN, FC, MaxPool, Seq, Res, Reshape, PadSpatial, GlobalAvgPool, ActQ = (
        _ConvBN, _FC, _MaxPool, _Seq, _Res, _Reshape, _PadSpatial, _GlobalAvgPool, _ActQ)


def up2(name: str, cin: int, cout: int, h: int, w: int, k: int = 3):
    """Learned 2x upsampling (sub-pixel convolution) from facenn ops only, h x w x cin -> 2h x 2w x cout:

        a = Conv_k(x) -> h x w x 2cout   (the even output rows: channel j * cout + c is column 2x + j)
        b = Conv_k(x) -> h x w x 2cout   (the odd output rows)
        a, b: Reshape -> h x 2w x cout (NHWC order: pairs of channel blocks become neighbouring columns)
        Add(PadSpatial(a, right = 2w), PadSpatial(b, left = 2w)) -> h x 4w x cout  (= [a | b] side by side)
        Reshape -> 2h x 2w x cout (row y of the wide tensor = output rows 2y and 2y + 1)

    In float the Add adds zeros (exact); in int8 the padding is the zero point (contributes exactly 0)."""
    define_modules()
    a = Seq(ConvBN(f"{name}_even", cin, 2 * cout, k, act="relu"), Reshape(h, 2 * w, cout), PadSpatial(0, 0, 0, 2 * w))
    b = Seq(ConvBN(f"{name}_odd", cin, 2 * cout, k, act="relu"), Reshape(h, 2 * w, cout), PadSpatial(0, 0, 2 * w, 0))
    return Seq(Res(name, a, b, act="none"), Reshape(2 * h, 2 * w, cout))


class _ExportCtx:
    def __init__(self, input_name, in_shape):
        self.nodes = []
        self.shapes = {input_name: tuple(in_shape)}
        self.counter = {}
        self.modules = {}     # tensor name -> module owning its ActQ

    def fresh(self, kind):
        self.counter[kind] = self.counter.get(kind, 0) + 1
        return f"{kind}{self.counter[kind]}"

    def add(self, node, shape, module=None):
        self.nodes.append(node)
        self.shapes[node.output] = tuple(int(v) for v in shape)
        if module is not None:
            self.modules[node.output] = module
        return node.output


def export_net(model, in_shape, input_name: str = "input") -> tuple:
    """(net.Net, {tensor name: module}) of a (BN-folded) model. The output is the last tensor."""
    ctx = _ExportCtx(input_name, in_shape)
    out = model.export(ctx, input_name)
    net = N.Net(ctx.nodes, [input_name], [out], ctx.shapes)
    N._check_shapes(net)
    return net, ctx.modules


def fold_bn(model):
    for m in model.modules():
        if hasattr(m, "fold"):
            m.fold()
    return model


def set_quant_mode(model, mode: str, weights: bool | None = None, momentum=None, observe_in_quant=False):
    define_modules()
    for m in model.modules():
        if isinstance(m, ActQ):
            m.mode = mode
            m.momentum = momentum
            m.observe_in_quant = observe_in_quant
        if weights is not None and hasattr(m, "wq"):
            m.wq = weights


def reset_observers(model):
    define_modules()
    for m in model.modules():
        if isinstance(m, ActQ):
            m.reset()


def qat_ranges(modules: dict) -> dict:
    """tensor -> (lo, hi) from the ActQ observers (what the fake quantization used)."""
    return {t: (float(m.aq.lo), float(m.aq.hi)) for t, m in modules.items()}


def set_ranges(modules: dict, ranges: dict):
    import torch
    for t, m in modules.items():
        lo, hi = ranges[t]
        m.aq.lo.copy_(torch.tensor(float(lo)))
        m.aq.hi.copy_(torch.tensor(float(hi)))


def param_count(model) -> int:
    return int(sum(p.numel() for p in model.parameters()))


def net_macs(net: N.Net) -> int:
    total = 0
    for n in net.nodes:
        a = n.attrs
        oh, ow, oc = net.shapes[n.output]
        if n.kind == "conv":
            total += oh * ow * oc * a["w"][0].size
        elif n.kind == "dwconv":
            total += oh * ow * oc * a["w"].shape[1] * a["w"].shape[2]
        elif n.kind == "fc":
            total += a["w"].size
    return int(total)


def net_params(net: N.Net) -> int:
    return int(sum(n.attrs["w"].size + n.attrs["b"].size for n in net.nodes if n.kind in N.WEIGHTED))


def int8_weight_bytes(net: N.Net) -> int:
    """int8 filters + int32 bias / multiplier / shift per output channel (what the int8 net reads)."""
    tot = 0
    for n in net.nodes:
        if n.kind in N.WEIGHTED:
            oc = n.attrs["b"].size
            tot += n.attrs["w"].size + 12 * oc
    return int(tot)


def save_float_npz(net: N.Net, path: Path, meta: dict):
    """Compact float export: every weighted node's w / b (float32, facenn layouts) + the graph summary."""
    arrays = {}
    for n in net.nodes:
        if n.kind in N.WEIGHTED:
            arrays[f"{n.name}.w"] = n.attrs["w"].astype(np.float32)
            arrays[f"{n.name}.b"] = n.attrs["b"].astype(np.float32)
    arrays["meta.json"] = np.frombuffer(json.dumps(meta, indent=1).encode(), np.uint8)
    np.savez_compressed(path, **arrays)


def fp16_round_(model):
    """Round every weight / bias of a folded model to fp16 (the header's float reference stores fp16 exactly)."""
    import torch
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(p.half().float())


# ------------------------------------------------------------------------------------------------ PTQ helpers
def calibration_stats(net: N.Net, feeds: list) -> N.RangeStats:
    st = N.RangeStats(net)
    inp = net.inputs[0]
    for x in feeds:
        st.observe_minmax(net.forward_float({inp: x}))
    for x in feeds:
        st.observe_hist(net.forward_float({inp: x}))
    return st


def per_tensor_weights(qnet: N.QNet) -> N.QNet:
    """The same QNet with per-tensor symmetric weights (one scale = max|w| / 127 for the whole filter), expressed
    in facenn's per-channel format (all channels' multipliers equal)."""
    net = qnet.net
    for n in net.nodes:
        if n.kind not in N.WEIGHTED:
            continue
        a, d = n.attrs, qnet.qdata[n.name]
        axis = 3 if n.kind == "dwconv" else 0
        w = np.asarray(a["w"], np.float64)
        amax = float(np.abs(w).max())
        s = np.float32(amax / 127.0 if amax > 0 else 1.0)
        oc = w.shape[axis]
        ws = np.full(oc, s, np.float32)
        d["filter"] = np.clip(Q.round_half_away(w / np.float64(s)), -127, 127).astype(np.int8)
        d["w_scale"] = ws
        s_in = qnet.tquant[n.inputs[0]][0]
        s_out = qnet.tquant[n.output][0]
        d["bias"] = Q.quantize_bias(a["b"], s_in, ws)
        real = np.float64(s_in) * ws.astype(np.float64) / np.float64(s_out)
        d["multiplier"], d["shift"] = Q.quantize_multipliers(real)
        if n.act == "prelu":
            d["neg_multiplier"], d["neg_shift"] = Q.quantize_multipliers(real * a["alpha"].astype(np.float64))
    return qnet


def ptq(net: N.Net, ranges: dict, per_tensor: bool = False) -> N.QNet:
    qn = N.quantize(net, ranges, {net.inputs[0]: INPUT_QUANT})
    return per_tensor_weights(qn) if per_tensor else qn


class Timer:
    def __init__(self):
        self.t0 = time.time()

    def __call__(self) -> float:
        return time.time() - self.t0


def log(msg: str):
    print(msg, flush=True)


# ------------------------------------------------------------------------------------------------ training loops
def fit(model, faces: list, make_batch, loss_fn, epochs: int, sched, rng: np.random.Generator, opt,
        val_fn=None, log_every: int = 10, tag: str = "fp32", bs: int = 32) -> float:
    """Plain epoch loop: a fresh permutation per epoch, ``make_batch(faces, idx, rng) -> (x, y)``,
    ``sched(t in [0, 1)) -> lr``; ``val_fn(model) -> str`` every ``log_every`` epochs. Returns seconds."""
    n = len(faces)
    steps = n // bs
    total = epochs * steps
    step = 0
    timer = Timer()
    for ep in range(epochs):
        model.train()
        perm = rng.permutation(n)
        tot = 0.0
        for s in range(steps):
            for g in opt.param_groups:
                g["lr"] = sched(step / total)
            x, y = make_batch(faces, perm[s * bs:(s + 1) * bs], rng)
            loss = loss_fn(model(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot += float(loss)
            step += 1
        msg = f"{tag} epoch {ep + 1}/{epochs} loss {tot / steps:.4f}  ({timer():.0f} s)"
        if val_fn is not None and ((ep + 1) % log_every == 0 or ep + 1 == epochs):
            msg += "  " + val_fn(model)
        log(msg)
    return timer()


def cosine_warmup(lr: float, warm: float = 0.03):
    return lambda t: lr * (t / warm if t < warm else 0.5 * (1 + math.cos(math.pi * (t - warm) / (1 - warm))))


def qat_finetune(model, faces: list, make_batch, loss_fn, epochs: int, lr: float, rng: np.random.Generator,
                 val_fn=None, calib_batches: int = 16, bs: int = 32, fake_quant: bool = True) -> float:
    """QAT of a BN-folded model: activation ranges initialised to the min / max over ``calib_batches`` augmented
    training batches, then fake quantization of weights (per channel, symmetric) and activations (per tensor,
    asymmetric, net.quantize's parameters); the first half of the epochs tracks the ranges by EMA (0.99), the
    second half freezes them. Returns seconds.
    ``fake_quant=False``: the control experiment - the same fine-tuning schedule of the folded float model without
    any fake quantization (separates the effect of QAT from the effect of training longer)."""
    tag = "qat" if fake_quant else "float fine-tune"
    if fake_quant:
        set_quant_mode(model, "observe")
        model.eval()
        crng = np.random.default_rng(1)
        with torch.no_grad():
            for _ in range(calib_batches):
                model(make_batch(faces, crng.integers(0, len(faces), bs), crng)[0])
        set_quant_mode(model, "quant", weights=True, momentum=0.99, observe_in_quant=True)
        if val_fn is not None:
            log("fake-quant before QAT: " + val_fn(model))
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.0)
    half = epochs // 2
    secs = fit(model, faces, make_batch, loss_fn, half, lambda t: lr * 0.5 * (1 + math.cos(math.pi * t)), rng, opt,
               val_fn, half, f"{tag} (ranges EMA)" if fake_quant else tag, bs)
    if fake_quant:
        set_quant_mode(model, "quant", weights=True, observe_in_quant=False)
    secs += fit(model, faces, make_batch, loss_fn, epochs - half, lambda t: lr * 0.25 * (1 + math.cos(math.pi * t)),
                rng, opt, val_fn, epochs - half, f"{tag} (ranges frozen)" if fake_quant else tag, bs)
    return secs


# ------------------------------------------------------------------------------------------------ evaluation
def eval_inputs(faces: list, size: int, gray: bool) -> list:
    """(uint8 crop, rect) per face: the crop rule without jitter (face_rect of the labelled points)."""
    out = []
    for f in faces:
        x, _, rect = sample(f, size, None, gray=gray)
        out.append((x, rect))
    return out


def float_forward(net: N.Net):
    inp, out = net.inputs[0], net.outputs[0]
    return lambda x_u8: net.forward_float({inp: to_input(x_u8)}, keep_all=False)[out]


def int8_forward(qnet: N.QNet):
    inp, out = qnet.net.inputs[0], qnet.net.outputs[0]
    return lambda x_u8: qnet.dequant(out, qnet.forward_int8({inp: to_int8(x_u8)}, keep_all=False)[out])


def evaluate(forward, faces: list, inputs: list, size: int, decode, scheme: str, regions: dict, gt_uv) -> dict:
    """NME summary (score_landmarks.py's definition, ``scheme`` "68" or "35"), mean error per region in input
    pixels (against ``gt_uv(face, rect)`` normalized labels of the predicted scheme) and, when ``decode`` returns a
    confidence, Spearman rho(confidence, -error) over all (face, point) pairs, error normalized by the face's IOD."""
    nmes, reg, confs, errs = [], {k: [] for k in regions}, [], []
    per_face = []
    for f, (x, rect) in zip(faces, inputs):
        uv, conf = decode(forward(x))
        pts = from_norm(uv, rect)
        nmes.append(nme_percent(pts, f["landmarks"], scheme))
        d_px = np.linalg.norm((uv - gt_uv(f, rect)) * size, axis=1)
        for k, idx in regions.items():
            reg[k].append(d_px[idx].mean())
        if conf is not None:
            iod = np.linalg.norm(f["landmarks"][36] - f["landmarks"][45])
            e = np.linalg.norm(pts - f["landmarks"], axis=1) / iod
            confs.append(conf)
            errs.append(e)
            per_face.append((float(np.mean(conf)), nmes[-1]))
    r = summarize(nmes)
    r["region_px"] = {k: float(np.mean(v)) for k, v in reg.items()}
    r["all_px"] = float(np.mean([np.mean(v) for v in zip(*reg.values())])) if reg else None
    if confs:
        r["spearman_conf_vs_neg_error_points"] = spearman(np.concatenate(confs), -np.concatenate(errs))
        pf = np.array(per_face)
        r["spearman_meanconf_vs_neg_nme_faces"] = spearman(pf[:, 0], -pf[:, 1])
    r["nme_per_face"] = [float(v) for v in nmes]
    return r


def ptq_variants(net: N.Net, calib_u8: list) -> dict:
    """The PTQ grid of the study: {per-tensor, per-channel} weights x {minmax, percentile 99.99} activation
    ranges (calibrated on ``calib_u8``), plus the converters' layer-wise choice (net.quantize_sequential: range
    candidates compared per layer on the int8 net's real inputs, empirical bias correction)."""
    inp = net.inputs[0]
    feeds = [to_input(x) for x in calib_u8]
    st = calibration_stats(net, feeds)
    out = {}
    for gran in ("per-tensor", "per-channel"):
        for meth, m in (("minmax", "minmax"), ("percentile 99.99", ("percentile", 99.99))):
            out[f"PTQ {gran} weights, {meth}"] = ptq(net, st.ranges(m), per_tensor=(gran == "per-tensor"))
    sub = calib_u8[::max(1, len(calib_u8) // 32)][:32]
    qn, _ = N.quantize_sequential(net, st, [{inp: to_input(x)} for x in sub], [{inp: to_int8(x)} for x in sub],
                                  {inp: INPUT_QUANT})
    out["PTQ per-channel weights, layer-wise range choice + bias correction"] = qn
    return out


def calibration_inputs(faces: list, size: int, gray: bool, n: int = 128, seed: int = 1) -> list:
    """Calibration crops from the *training* faces: n faces (every 4th), each plain and once jittered."""
    rng = np.random.default_rng(seed)
    out = []
    for f in faces[0::4][:n]:
        out.append(sample(f, size, None, gray=gray)[0])
        out.append(sample(f, size, rng, gray=gray)[0])
    return out


def synthetic_inputs(faces: list, size: int, gray: bool) -> list:
    """Golden inputs that are not anybody's photo: the mean of all training crops (an average face), the same
    mirrored with lower contrast and a deterministic noise pattern, and smoothed noise."""
    import cv2
    acc = np.zeros((size, size, 1 if gray else 3), np.float64)
    for f in faces:
        acc += sample(f, size, None, gray=gray)[0]
    mean = acc / len(faces)
    rng = np.random.default_rng(123)
    a = np.clip(np.floor(mean + 0.5), 0, 255).astype(np.uint8)
    b = np.clip(np.floor((mean[:, ::-1] - 128) * 0.7 + 128 + rng.normal(0, 6, mean.shape) + 0.5), 0, 255).astype(np.uint8)
    c = cv2.GaussianBlur(rng.uniform(0, 255, mean.shape).astype(np.float32), (7, 7), 2.0)
    c = np.clip(np.floor(c.reshape(mean.shape) + 0.5), 0, 255).astype(np.uint8)
    return [a, b, c]


def md_table(rows: list, cols: list) -> str:
    out = ["| " + " | ".join(c[0] for c in cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    for r in rows:
        out.append("| " + " | ".join(c[1](r) for c in cols) + " |")
    return "\n".join(out)


def paired_relative_change(base, other, n: int = 2000, seed: int = 0) -> dict:
    """Relative change of the mean per-face NME, (mean(other) - mean(base)) / mean(base), with a 95 % paired
    bootstrap interval over the faces (the same resampled faces for both)."""
    a, b = np.asarray(base, np.float64), np.asarray(other, np.float64)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, a.size, size=(n, a.size))
    ma, mb = a[idx].mean(axis=1), b[idx].mean(axis=1)
    rel = (mb - ma) / ma
    return dict(rel=float((b.mean() - a.mean()) / a.mean()), lo=float(np.percentile(rel, 2.5)),
                hi=float(np.percentile(rel, 97.5)))


def shared_scorer(faces: list, forward, inputs: list, decode, scheme: str, out_jsonl: Path) -> str:
    """Cross-check with ../shared/eval/score_landmarks.py: writes the predictions as the facenn CLI's JSON lines
    (box = the crop's source box: the tight box of the labelled points) and returns the scorer's last line."""
    import subprocess
    with open(out_jsonl, "w") as fh:
        for f, (x, rect) in zip(faces, inputs):
            uv = decode(forward(x))[0]
            pts = from_norm(uv, rect)
            lm = f["landmarks"]
            x0, y0 = lm.min(0)
            x1, y1 = lm.max(0)
            fh.write(json.dumps({"image": f["name"], "faces": [{"box": [x0, y0, x1 - x0, y1 - y0], "score": 1.0,
                                                                 "landmarks": pts.tolist()}]}) + "\n")
    r = subprocess.run(["/usr/bin/python3", str(shared_dir() / "eval" / "score_landmarks.py"),
                        str(shared_dir() / "data" / "landmarks68" / "lfpw_test.json"), str(out_jsonl),
                        "--scheme", scheme], capture_output=True, text=True, check=True)
    return r.stdout.strip().splitlines()[-1]
