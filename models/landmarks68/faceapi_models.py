"""The face-api networks as ``faceapi_graph`` IR, built from their TFJS weight manifests.

Architecture as defined by @vladmandic/face-api 1.7.15 ``src/`` (read, re-expressed here):

landmark68 (FaceLandmark68Net) / landmark68 tiny (FaceLandmark68TinyNet), input 112x112 RGB 0..255:
    normalise (x - [122.782, 117.001, 104.298]) / 255
    dense block k (4 blocks of 4 convs; tiny: 3 blocks of 3 convs), each halving H and W:
        out1 = relu(conv0(x))            block 0: conv 3x3 s2 SAME + bias; others: separable conv s2
        out2 = sep1(out1)                separable conv = depthwise 3x3 SAME (no bias) -> pointwise 1x1 + bias
        out3 = sep2(relu(out1 + out2))
        out4 = sep3(relu(out1 + out2 + out3))              (full only)
        y    = relu(out1 + out2 + out3 [+ out4])
    avgPool 7x7 (tiny 14x14) stride 2 VALID == mean over the final map -> FC (256 | 128) -> 136
    The additive skips are expressed as a chain of residuals: s2 = out1 + sep1(out1);
    s3 = s2 + sep2(relu(s2)); s4 = s3 + sep3(relu(s3)); y = relu(last sum).

recognition (FaceRecognitionNet, ResNet-34-like from dlib), input 150x150 RGB 0..255:
    conv(x) = (conv2d(x) + bias) * scale + shift      (scale layer folded into the conv here)
    conv32_down 7x7 s2 VALID + relu -> maxPool 3x3 s2 VALID
    residual:      relu(conv2(relu(conv1(x))) + x)                 conv 3x3 s1 SAME
    residualDown:  conv1 3x3 s2 VALID + relu -> conv2 3x3 s1 SAME; shortcut avgPool 2x2 s2 VALID,
                   zero channels appended when the width doubles; if the main path is smaller than the
                   shortcut it gets one zero row at the bottom and one zero column at the right.
    mean over H, W -> matMul 256x128 (no bias)
"""
from __future__ import annotations

from typing import List

import numpy as np

from faceapi_graph import Add, AvgPool, Conv, MaxPool, PadChannels, PadSpatial, Relu, Residual, walk

MEAN_RGB = np.array([122.782, 117.001, 104.298], np.float64)
INPUT_DIV = 255.0


def _same(size: int, k: int, s: int):
    out = -(-size // s)
    total = max((out - 1) * s + k - size, 0)
    return total // 2, total - total // 2, -(-size // s)


def _src(m, name):
    w = m[name]
    return dict(tensor=name, stored=w.stored, raw=w.raw, qmin=w.qmin, qscale=w.qscale, shape=w.shape)


def fold_input(w_ohwi: np.ndarray, b: np.ndarray):
    """conv(W, (x - mean) / 255) + b == conv(W / 255, x) + (b - sum W * mean / 255): exact for taps inside the
    image (VALID convs: everywhere)."""
    w2 = w_ohwi / INPUT_DIV
    b2 = b - np.einsum("ohwi,i->o", w_ohwi, MEAN_RGB) / INPUT_DIV
    return w2, b2


def _hwio_to_ohwi(w):
    return np.transpose(np.asarray(w, np.float64), (3, 0, 1, 2))


# ------------------------------------------------------------------------------------------------------------
# landmark68 / tiny
# ------------------------------------------------------------------------------------------------------------
def _separable(m, prefix: str, size: int, stride: int, used: list):
    """depthwise 3x3 SAME (no bias) + pointwise 1x1 with bias -> two Conv nodes; returns (nodes, out size)."""
    dwn, pwn, bn = f"{prefix}/depthwise_filter", f"{prefix}/pointwise_filter", f"{prefix}/bias"
    used += [dwn, pwn, bn]
    dw = np.asarray(m.value(dwn), np.float64)            # [3, 3, C, 1]
    c = dw.shape[2]
    t, b_, osz = _same(size, 3, stride)
    base = prefix.replace("/", "_")
    n_dw = Conv(base + "_dw", "dw", dw[:, :, :, 0][None], np.zeros(c), (stride, stride), (t, b_, t, b_),
                "none", src=dict(filter=_src(m, dwn)), comment=f"{prefix} depthwise 3x3 s{stride}")
    pw = _hwio_to_ohwi(m.value(pwn))
    n_pw = Conv(base + "_pw", "conv", pw, np.asarray(m.value(bn), np.float64), (1, 1), (0, 0, 0, 0), "none",
                src=dict(filter=_src(m, pwn), bias=_src(m, bn)), comment=f"{prefix} pointwise 1x1 + bias")
    return [n_dw, n_pw], osz


def requantizing_mean(size: int, channels: int) -> Conv:
    """Mean over a size x size map as a depthwise conv (VALID, weights 1 / size^2, no bias). Unlike an average pool
    (whose int8 output keeps the input's quantization) the conv gets its own output scale: the mean of a ReLU map is
    ~10x smaller than its maximum, and keeping the input scale costs half of the int8 landmark accuracy."""
    return Conv("global_mean", "dw", np.full((1, size, size, channels), 1.0 / (size * size)), np.zeros(channels),
                src=dict(constant=1.0 / (size * size)), comment=f"mean over the {size}x{size} map (face-api: avgPool {size}x{size} VALID / mean), own int8 scale")


def input_normalization() -> Conv:
    """(x - mean[c]) / 255 as a 1x1 depthwise conv: the exact form when the first conv pads (SAME), because the
    padding must be 0 *after* normalisation (folding the mean into a SAME conv's bias is wrong at the border)."""
    return Conv("input_norm", "dw", np.full((1, 1, 1, 3), 1.0 / INPUT_DIV), -MEAN_RGB / INPUT_DIV,
                comment="input normalisation (x - [122.782, 117.001, 104.298]) / 255, per channel")


def input_norm_range():
    """Exact real range of the normalised image for pixels in [0, 255] (all channels)."""
    return float((0.0 - MEAN_RGB.max()) / INPUT_DIV), float((255.0 - MEAN_RGB.min()) / INPUT_DIV)


def build_landmarks(m, n_blocks: int, convs_per_block: int, pixels: bool = True, size: int = 112) -> List:
    """FaceLandmark68Net (4 blocks x 4 convs) or FaceLandmark68TinyNet (3 x 3). ``pixels``: the network takes
    RGB 0..255 and starts with the normalisation (else it takes the normalised image)."""
    used: list = []
    nodes: list = [input_normalization()] if pixels else []
    for k in range(n_blocks):
        p = f"dense{k}"
        if k == 0:
            fn, bn = f"{p}/conv0/filters", f"{p}/conv0/bias"
            used += [fn, bn]
            w = _hwio_to_ohwi(m.value(fn))
            b = np.asarray(m.value(bn), np.float64)
            t, b_, osz = _same(size, 3, 2)
            nodes.append(Conv(f"{p}_conv0", "conv", w, b, (2, 2), (t, b_, t, b_), "relu",
                              src=dict(filter=_src(m, fn), bias=_src(m, bn)),
                              comment=f"{p}/conv0: conv 3x3 s2 + bias + relu"))
        else:
            sep, osz = _separable(m, f"{p}/conv0", size, 2, used)
            sep[1].act = "relu"
            nodes += sep
        size = osz
        for j in range(1, convs_per_block):
            body = ([] if j == 1 else [Relu()]) + _separable(m, f"{p}/conv{j}", size, 1, used)[0]
            last = j == convs_per_block - 1
            nodes.append(Residual(body, [], Add(f"{p}_add{j}", "relu" if last else "none"),
                                  comment=f"{p}: sum += conv{j}({'' if j == 1 else 'relu(sum)'})"))
    nodes.append(requantizing_mean(size, _channels(nodes)))
    wn, bn = "fc/weights", "fc/bias"
    used += [wn, bn]
    nodes.append(Conv("fc", "fc", np.asarray(m.value(wn), np.float64).T.copy(), np.asarray(m.value(bn), np.float64),
                      src=dict(filter=_src(m, wn), bias=_src(m, bn), transposed=True),
                      comment="fc: 136 = 68 interleaved (x, y) in 0..1 of the input crop"))
    m.check_all_used(used)
    return nodes


def _channels(nodes) -> int:
    return [n for n in walk(nodes) if isinstance(n, Conv)][-1].out_channels


# ------------------------------------------------------------------------------------------------------------
# recognition
# ------------------------------------------------------------------------------------------------------------
def _rconv(m, prefix: str, stride: int, pads, act: str, used: list, fold: bool = False, comment: str = ""):
    names = [f"{prefix}/conv/filters", f"{prefix}/conv/bias", f"{prefix}/scale/weights", f"{prefix}/scale/biases"]
    used += names
    w = _hwio_to_ohwi(m.value(names[0]))
    b = np.asarray(m.value(names[1]), np.float64)
    s = np.asarray(m.value(names[2]), np.float64)
    t = np.asarray(m.value(names[3]), np.float64)
    if fold:
        w, b = fold_input(w, b)
    wf = w * s[:, None, None, None]
    bf = b * s + t
    return Conv(prefix.replace("/", "_"), "conv", wf, bf, (stride, stride), pads, act,
                src=dict(filter=_src(m, names[0]), channel_scale=s / INPUT_DIV if fold else s, folded_input=fold),
                comment=comment)


def build_recognition(m, fold: bool = True, size: int = 150) -> List:
    used: list = []
    nodes: list = [
        _rconv(m, "conv32_down", 2, (0, 0, 0, 0), "relu", used, fold, "conv32_down: conv 7x7 s2 VALID, 3 -> 32"),
        MaxPool((3, 3), (2, 2)),
    ]
    size = (size - 7) // 2 + 1
    size = (size - 3) // 2 + 1
    ch = 32
    same = (1, 1, 1, 1)

    def residual(name):
        return Residual([_rconv(m, f"{name}/conv1", 1, same, "relu", used, comment=f"{name}/conv1 3x3 + relu"),
                         _rconv(m, f"{name}/conv2", 1, same, "none", used, comment=f"{name}/conv2 3x3")],
                        [], Add(f"{name}_add", "relu"), comment=f"{name}: relu(x + conv2(conv1(x)))")

    def residual_down(name, cout):
        nonlocal size, ch
        main_size = (size - 3) // 2 + 1
        pool_size = size // 2
        body = [_rconv(m, f"{name}/conv1", 2, (0, 0, 0, 0), "relu", used, comment=f"{name}/conv1 3x3 s2 VALID + relu"),
                _rconv(m, f"{name}/conv2", 1, same, "none", used, comment=f"{name}/conv2 3x3")]
        if main_size != pool_size:
            assert pool_size == main_size + 1
            body.append(PadSpatial((0, 1, 0, 1)))
        shortcut: list = [AvgPool((2, 2), (2, 2))]
        if cout != ch:
            shortcut.append(PadChannels(cout - ch))
        size, ch = pool_size, cout
        return Residual(body, shortcut, Add(f"{name}_add", "relu"),
                        comment=f"{name}: relu(main + avgpool2(x) zero-padded to {cout} ch)")

    for k in (1, 2, 3):
        nodes.append(residual(f"conv32_{k}"))
    nodes.append(residual_down("conv64_down", 64))
    for k in (1, 2, 3):
        nodes.append(residual(f"conv64_{k}"))
    nodes.append(residual_down("conv128_down", 128))
    for k in (1, 2):
        nodes.append(residual(f"conv128_{k}"))
    nodes.append(residual_down("conv256_down", 256))
    for k in (1, 2):
        nodes.append(residual(f"conv256_{k}"))
    nodes.append(residual_down("conv256_down_out", 256))
    nodes.append(requantizing_mean(size, ch))
    used.append("fc")
    fc = np.asarray(m.value("fc"), np.float64)          # [256, 128] (in, out)
    nodes.append(Conv("fc", "fc", fc.T.copy(), np.zeros(fc.shape[1]), src=dict(filter=_src(m, "fc"), transposed=True),
                      comment="fc: 256 -> 128 descriptor (no bias)"))
    m.check_all_used(used)
    return nodes
