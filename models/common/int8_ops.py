"""Bit-exact numpy emulation of the facenn int8 arithmetic (docs/internal/contract.md §1-2) and the float32
reference forward of the same operators.

Everything here works on single images in NHWC without the batch axis (``x.shape == (H, W, C)``); per-channel
parameters broadcast over the last axis. Integer arithmetic is done in int64 numpy arrays, with exactly the
rounding and saturation the C++ reference kernels use, so ``conv2d_int8(...)`` etc. reproduce them bit for bit.
The matrix products of conv / FC are computed with float64 BLAS: every product is an integer of magnitude
<= 127 * 255 and the sums stay far below 2**53, so float64 accumulation is exact (and much faster than int64).

Fixed-point primitives (scalars or arrays):
    srdhm(a, b), rdbpot(x, e), mbqm(x, m, shift), quantize_multiplier(real) -> (m, shift),
    quantize_multipliers(reals) -> (int32 array, int32 array), round_half_away(x)

Quantization helpers:
    quantize(x, scale, zp), dequantize(q, scale, zp), choose_qparams(lo, hi) -> (scale, zp),
    quantize_weights_per_channel(w, axis) -> (int8 q, float scales), quantize_bias(b, in_scale, w_scales)

int8 operators (int8 arrays in, int8 arrays out; ``p`` = precomputed requantization parameters):
    output_stage, conv2d_int8, depthwise_conv2d_int8, fully_connected_int8, add_int8, prelu_int8,
    max_pool_int8, avg_pool_int8, pad_int8, lut_int8, make_lut

float operators:
    conv2d_float, depthwise_conv2d_float, fully_connected_float, add_float, activation_float,
    max_pool_float, avg_pool_float, pad_float, sigmoid_float

Padding helper:
    same_padding(in_size, k, stride) -> (before, after)    TF 'SAME' (extra pad at the bottom / right)
"""
from __future__ import annotations

import math

import numpy as np

INT32_MIN = -(1 << 31)
INT32_MAX = (1 << 31) - 1
ADD_LEFT_SHIFT = 20


# --------------------------------------------------------------------------------------------------------------
# §1 fixed-point primitives
# --------------------------------------------------------------------------------------------------------------
def round_half_away(x):
    """sign(x) * floor(|x| + 0.5) (NOT numpy's round-half-to-even). Returns float (array) or int (scalar)."""
    if np.isscalar(x):
        return int(math.copysign(math.floor(abs(x) + 0.5), x))
    x = np.asarray(x, np.float64)
    return np.sign(x) * np.floor(np.abs(x) + 0.5)


def srdhm(a, b):
    """SaturatingRoundingDoublingHighMul: round(a * b / 2**31) with TFLite's nudge, division truncating to zero."""
    a = np.asarray(a, np.int64)
    b = np.asarray(b, np.int64)
    ab = a * b                                           # |ab| <= 2**62: fits int64
    s = ab + np.where(ab >= 0, np.int64(1 << 30), np.int64(1 - (1 << 30)))
    q = np.where(s >= 0, s >> 31, -((-s) >> 31))         # C division by 2**31 (toward zero)
    return np.where((a == INT32_MIN) & (b == INT32_MIN), np.int64(INT32_MAX), q)


def rdbpot(x, e):
    """RoundingDivideByPOT: x / 2**e rounded half away from zero, 0 <= e <= 31."""
    x = np.asarray(x, np.int64)
    e = np.asarray(e, np.int64)
    mask = (np.int64(1) << e) - 1
    remainder = x & mask
    threshold = (mask >> 1) + (x < 0)
    return (x >> e) + (remainder > threshold)


def mbqm(x, m, shift):
    """MultiplyByQuantizedMultiplier: x * m * 2**(shift - 31) with double rounding; shift > 0 is a left shift,
    saturated to int32 before the multiply."""
    x = np.asarray(x, np.int64)
    shift = np.asarray(shift, np.int64)
    left = np.maximum(shift, 0)
    right = np.maximum(-shift, 0)
    x2 = np.clip(x << left, INT32_MIN, INT32_MAX)
    return rdbpot(srdhm(x2, m), right)


def quantize_multiplier(real: float) -> tuple[int, int]:
    """real -> (m, shift) with real ~= m * 2**(shift - 31), |m| in [2**30, 2**31); real may be negative."""
    real = float(real)
    if real == 0.0:
        return 0, 0
    q, shift = math.frexp(real)                          # q in [0.5, 1) or (-1, -0.5]
    m = round_half_away(q * float(1 << 31))
    if abs(m) == (1 << 31):
        m = int(m / 2)                                   # toward zero (exact: m is +-2**31)
        shift += 1
    if shift < -31:
        return 0, 0
    if shift > 30:
        return (INT32_MAX if m > 0 else -INT32_MAX), 30
    return int(m), int(shift)


def quantize_multipliers(reals) -> tuple[np.ndarray, np.ndarray]:
    pairs = [quantize_multiplier(r) for r in np.asarray(reals, np.float64).ravel()]
    return (np.array([p[0] for p in pairs], np.int32).reshape(np.shape(reals)),
            np.array([p[1] for p in pairs], np.int32).reshape(np.shape(reals)))


# --------------------------------------------------------------------------------------------------------------
# quantization helpers (converter side)
# --------------------------------------------------------------------------------------------------------------
def quantize(x, scale: float, zp: int) -> np.ndarray:
    """Quantize: clamp(round_half_away(x / scale) + zp, -128, 127) (x / scale in float64 here; C++ Quantize<Q>
    computes it in float - they agree except on exact ties)."""
    return np.clip(round_half_away(np.asarray(x, np.float64) / scale) + zp, -128, 127).astype(np.int8)


def dequantize(q, scale: float, zp: int) -> np.ndarray:
    return ((np.asarray(q, np.int32) - zp) * np.float32(scale)).astype(np.float32)


def choose_qparams(lo: float, hi: float) -> tuple[float, int]:
    """Asymmetric int8 params for the real range [lo, hi] (extended to contain 0, so 0 is exactly representable:
    the zero point is an integer in [-128, 127]). The scale is rounded to float32 (what the header stores)."""
    lo, hi = min(float(lo), 0.0), max(float(hi), 0.0)
    if hi - lo < 1e-8:
        hi = lo + 1e-8
    scale = float(np.float32((hi - lo) / 255.0))
    zp = int(np.clip(round_half_away(-128 - lo / scale), -128, 127))
    return scale, zp


def quantize_weights_per_channel(w: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric int8 per output channel: scale[c] = max|w[c]| / 127 (float32), q = round_half_away(w / scale)."""
    w = np.asarray(w, np.float64)
    red = tuple(i for i in range(w.ndim) if i != axis % w.ndim)
    amax = np.max(np.abs(w), axis=red)
    scale = np.where(amax > 0, amax / 127.0, 1.0).astype(np.float32)
    shp = [1] * w.ndim
    shp[axis] = -1
    q = np.clip(round_half_away(w / scale.astype(np.float64).reshape(shp)), -127, 127).astype(np.int8)
    return q, scale


def quantize_bias(b: np.ndarray, in_scale: float, w_scales: np.ndarray) -> np.ndarray:
    """bias_q[c] = round_half_away(b[c] / (in_scale * w_scale[c])), saturated to int32."""
    bs = np.float64(in_scale) * np.asarray(w_scales, np.float64)
    return np.clip(round_half_away(np.asarray(b, np.float64) / bs), INT32_MIN, INT32_MAX).astype(np.int32)


def same_padding(in_size: int, k: int, stride: int, dilation: int = 1) -> tuple[int, int]:
    """TF 'SAME': out = ceil(in / stride), total pad = max((out-1)*stride + k_eff - in, 0), extra pad after."""
    out = -(-in_size // stride)
    k_eff = (k - 1) * dilation + 1
    total = max((out - 1) * stride + k_eff - in_size, 0)
    return total // 2, total - total // 2


def out_size(in_size: int, k: int, stride: int, pad_before: int, pad_after: int) -> int:
    return (in_size + pad_before + pad_after - k) // stride + 1


# --------------------------------------------------------------------------------------------------------------
# windows (shared by int8 and float paths)
# --------------------------------------------------------------------------------------------------------------
def _pad_hw(x: np.ndarray, pads, value) -> np.ndarray:
    top, bottom, left, right = pads
    if not any(pads):
        return x
    return np.pad(x, ((top, bottom), (left, right), (0, 0)), constant_values=value)


def _windows(xp: np.ndarray, kh: int, kw: int, sh: int, sw: int) -> np.ndarray:
    """(H, W, C) padded input -> (OH, OW, KH, KW, C) strided view."""
    v = np.lib.stride_tricks.sliding_window_view(xp, (kh, kw), axis=(0, 1))  # (H-kh+1, W-kw+1, C, kh, kw)
    v = v[::sh, ::sw]
    return np.moveaxis(v, 2, -1)


def _conv_acc(xs: np.ndarray, w: np.ndarray, stride, pads, dtype=np.float64) -> np.ndarray:
    """sum over taps of w[o, ky, kx, i] * xs[...]; xs already zero-centred, padded with zeros (== skipped taps)."""
    o, kh, kw, i = w.shape
    xp = _pad_hw(xs, pads, 0)
    win = _windows(xp, kh, kw, stride[0], stride[1])                  # (OH, OW, KH, KW, I)
    oh, ow = win.shape[:2]
    cols = np.ascontiguousarray(win, dtype=dtype).reshape(oh * ow, kh * kw * i)
    return (cols @ w.reshape(o, -1).T.astype(dtype)).reshape(oh, ow, o)


def _dw_acc(xs: np.ndarray, w: np.ndarray, stride, pads, dtype) -> np.ndarray:
    """depthwise: w is [1, kh, kw, C]; returns (OH, OW, C) sums in ``dtype``."""
    _, kh, kw, c = w.shape
    xp = _pad_hw(xs, pads, 0).astype(dtype, copy=False)
    sh, sw = stride
    oh = (xp.shape[0] - kh) // sh + 1
    ow = (xp.shape[1] - kw) // sw + 1
    acc = np.zeros((oh, ow, c), dtype)
    wd = w.astype(dtype)
    for ky in range(kh):
        for kx in range(kw):
            acc += xp[ky:ky + (oh - 1) * sh + 1:sh, kx:kx + (ow - 1) * sw + 1:sw, :] * wd[0, ky, kx]
    return acc


def _check_int32(acc: np.ndarray, what: str) -> np.ndarray:
    if acc.size and (acc.min() < INT32_MIN or acc.max() > INT32_MAX):
        raise OverflowError(f"{what}: int32 accumulator overflow")
    return acc


# --------------------------------------------------------------------------------------------------------------
# §2 int8 operators
# --------------------------------------------------------------------------------------------------------------
def output_stage(acc, multiplier, shift, out_zp: int, act_min: int, act_max: int,
                 neg_multiplier=None, neg_shift=None) -> np.ndarray:
    """The requantizing tail of every op: MBQM (neg_* when acc < 0 for PRelu), + zero point, clamp -> int8."""
    acc = np.asarray(acc, np.int64)
    v = mbqm(acc, multiplier, shift)
    if neg_multiplier is not None:
        v = np.where(acc < 0, mbqm(acc, neg_multiplier, neg_shift), v)
    return np.clip(v + out_zp, act_min, act_max).astype(np.int8)


def conv2d_int8(x: np.ndarray, in_zp: int, filt: np.ndarray, bias: np.ndarray, stride, pads, p: dict) -> np.ndarray:
    """Conv2D. filt int8 OHWI, bias int32, pads = (top, bottom, left, right); p = {multiplier, shift, out_zp,
    act_min, act_max[, neg_multiplier, neg_shift]}."""
    xs = x.astype(np.int32) - in_zp
    acc = np.rint(_conv_acc(xs, filt, stride, pads)).astype(np.int64) + bias.astype(np.int64)
    return output_stage(_check_int32(acc, "conv"), p["multiplier"], p["shift"], p["out_zp"], p["act_min"],
                        p["act_max"], p.get("neg_multiplier"), p.get("neg_shift"))


def depthwise_conv2d_int8(x, in_zp, filt, bias, stride, pads, p) -> np.ndarray:
    """DepthwiseConv2D, depth multiplier 1, filt int8 [1, kh, kw, C]."""
    xs = x.astype(np.int64) - in_zp
    acc = _dw_acc(xs, filt.astype(np.int64), stride, pads, np.int64) + bias.astype(np.int64)
    return output_stage(_check_int32(acc, "depthwise"), p["multiplier"], p["shift"], p["out_zp"], p["act_min"],
                        p["act_max"], p.get("neg_multiplier"), p.get("neg_shift"))


def fully_connected_int8(x, in_zp, w, bias, p) -> np.ndarray:
    """FullyConnected on the flattened input, w int8 [out][in]; returns shape (out,)."""
    xs = x.reshape(-1).astype(np.float64) - in_zp
    acc = np.rint(w.astype(np.float64) @ xs).astype(np.int64) + bias.astype(np.int64)
    return output_stage(_check_int32(acc, "fc"), p["multiplier"], p["shift"], p["out_zp"], p["act_min"],
                        p["act_max"], p.get("neg_multiplier"), p.get("neg_shift"))


def add_int8(x1, zp1: int, x2, zp2: int, p: dict) -> np.ndarray:
    """Residual Add (x1 = main path, x2 = shortcut); p = {input1_multiplier, input1_shift, input2_multiplier,
    input2_shift, output_multiplier, output_shift, out_zp, act_min, act_max[, neg_multiplier, neg_shift]}."""
    a = mbqm((x1.astype(np.int64) - zp1) << ADD_LEFT_SHIFT, p["input1_multiplier"], p["input1_shift"])
    b = mbqm((x2.astype(np.int64) - zp2) << ADD_LEFT_SHIFT, p["input2_multiplier"], p["input2_shift"])
    acc = a + b
    return output_stage(acc, p["output_multiplier"], p["output_shift"], p["out_zp"], p["act_min"], p["act_max"],
                        p.get("neg_multiplier"), p.get("neg_shift"))


def prelu_int8(x, in_zp: int, p: dict) -> np.ndarray:
    """Standalone PRelu: p = {pos_multiplier, pos_shift, neg_multiplier[c], neg_shift[c], out_zp}."""
    xs = x.astype(np.int64) - in_zp
    v = np.where(xs >= 0, mbqm(xs, p["pos_multiplier"], p["pos_shift"]), mbqm(xs, p["neg_multiplier"], p["neg_shift"]))
    return np.clip(v + p["out_zp"], -128, 127).astype(np.int8)


def max_pool_int8(x, window, stride, pads) -> np.ndarray:
    """Max over the taps inside the input (padding never wins); quantization passes through."""
    xp = _pad_hw(x.astype(np.int16), pads, np.int16(-32768))
    return _windows(xp, window[0], window[1], stride[0], stride[1]).max(axis=(2, 3)).astype(np.int8)


def _tap_counts(h, w, window, stride, pads):
    ones = _pad_hw(np.ones((h, w, 1), np.int64), pads, 0)
    return _windows(ones, window[0], window[1], stride[0], stride[1]).sum(axis=(2, 3))


def avg_pool_int8(x, window, stride, pads) -> np.ndarray:
    """sum / n over the taps inside the input, rounded half away from zero (C truncating division of sum +- n/2)."""
    xp = _pad_hw(x.astype(np.int64), pads, 0)
    s = _windows(xp, window[0], window[1], stride[0], stride[1]).sum(axis=(2, 3))
    n = _tap_counts(x.shape[0], x.shape[1], window, stride, pads)
    num = np.where(s >= 0, s + n // 2, s - n // 2)
    q = np.where(num >= 0, num // n, -((-num) // n))
    return np.clip(q, -128, 127).astype(np.int8)


def pad_int8(x, zp: int, pads, channels_after: int = 0) -> np.ndarray:
    """Spatial (top, bottom, left, right) and/or channel padding, filled with the zero point."""
    y = _pad_hw(x, pads, zp)
    if channels_after:
        y = np.pad(y, ((0, 0), (0, 0), (0, channels_after)), constant_values=zp)
    return y.astype(np.int8)


def make_lut(fn, in_scale: float, in_zp: int, out_scale: float, out_zp: int) -> np.ndarray:
    """int8 -> int8 table for an elementwise function: table[q + 128] = Q_out(fn(D_in(q)))."""
    q = np.arange(-128, 128)
    real = fn((q - in_zp).astype(np.float64) * in_scale)
    return np.clip(round_half_away(real / out_scale) + out_zp, -128, 127).astype(np.int8)


def lut_int8(x, table) -> np.ndarray:
    return np.asarray(table, np.int8)[x.astype(np.int32) + 128]


# --------------------------------------------------------------------------------------------------------------
# float reference operators (float64 accumulation, float32 tensors)
# --------------------------------------------------------------------------------------------------------------
def activation_float(v, act: str = "none", alpha=None):
    if act == "none":
        return v
    if act == "relu":
        return np.maximum(v, 0)
    if act == "relu6":
        return np.clip(v, 0, 6).astype(v.dtype)
    if act == "prelu":
        return np.where(v >= 0, v, v * np.asarray(alpha, v.dtype)).astype(v.dtype)
    raise ValueError(act)


def conv2d_float(x, w, b, stride, pads, act="none", alpha=None) -> np.ndarray:
    """Like the C++ reference: accumulate in double, round to float32, then the activation in float32."""
    acc = _conv_acc(x.astype(np.float64), np.asarray(w, np.float64), stride, pads) + np.asarray(b, np.float64)
    return activation_float(acc.astype(np.float32), act, alpha)


def depthwise_conv2d_float(x, w, b, stride, pads, act="none", alpha=None) -> np.ndarray:
    acc = _dw_acc(x.astype(np.float64), np.asarray(w, np.float64), stride, pads, np.float64) + np.asarray(b, np.float64)
    return activation_float(acc.astype(np.float32), act, alpha)


def fully_connected_float(x, w, b, act="none", alpha=None) -> np.ndarray:
    acc = np.asarray(w, np.float64) @ x.reshape(-1).astype(np.float64) + np.asarray(b, np.float64)
    return activation_float(acc.astype(np.float32), act, alpha)


def add_float(x1, x2, act="none", alpha=None) -> np.ndarray:
    """float32 sum, then the activation in float32 (as the C++ reference)."""
    return activation_float(np.asarray(x1, np.float32) + np.asarray(x2, np.float32), act, alpha)


def max_pool_float(x, window, stride, pads) -> np.ndarray:
    xp = _pad_hw(x, pads, -np.inf)
    return _windows(xp, window[0], window[1], stride[0], stride[1]).max(axis=(2, 3)).astype(np.float32)


def avg_pool_float(x, window, stride, pads) -> np.ndarray:
    xp = _pad_hw(x.astype(np.float64), pads, 0)
    s = _windows(xp, window[0], window[1], stride[0], stride[1]).sum(axis=(2, 3))
    return (s / _tap_counts(x.shape[0], x.shape[1], window, stride, pads)).astype(np.float32)


def pad_float(x, pads, channels_after: int = 0) -> np.ndarray:
    y = _pad_hw(x, pads, 0)
    if channels_after:
        y = np.pad(y, ((0, 0), (0, 0), (0, channels_after)))
    return y.astype(np.float32)


def sigmoid_float(x) -> np.ndarray:
    return (1.0 / (1.0 + np.exp(-np.asarray(x, np.float64)))).astype(np.float32)
