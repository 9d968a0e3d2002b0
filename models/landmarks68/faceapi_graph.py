"""A nested graph IR for the face-api networks (landmark68, landmark68 tiny, recognition).

The IR mirrors facenn's C++ composition one to one (``Sequential`` = a Python list, ``Residual(body, shortcut,
add)``), so the model headers are a transcription of the same structure. ``to_net`` flattens it into the shared
``models/common/net.py`` graph, whose float forward, calibration, quantization and bit-exact int8 forward the
converters use (no second implementation of the arithmetic here).

Nodes
    Conv(name, kind, w, b, stride, pads, act)   kind = "conv" (w OHWI) | "dw" (w [1,kh,kw,C]) | "fc" (w [out,in])
    Relu()                                      standalone ReLU (int8: max(q, zp), quantization passes through)
    MaxPool / AvgPool(window, stride, pads)     quantization passes through
    GlobalAvgPool()                             mean over H x W (== AvgPool over the whole map)
    PadSpatial(top, bottom, left, right)        fill 0 / zero point
    PadChannels(extra)                          zero channels appended after the existing ones
    Residual(body, shortcut, add)               out = Add(body(x), shortcut(x)); shortcut [] = identity
    Add(name, act)

Tensors that get their own quantization: the network input, every Conv/FC output, every Add output.
"""
from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from common import int8_ops as Q  # noqa: E402


# ------------------------------------------------------------------------------------------------------------
# IR
# ------------------------------------------------------------------------------------------------------------
@dataclasses.dataclass
class Conv:
    name: str
    kind: str                      # "conv" | "dw" | "fc"
    w: np.ndarray                  # float64, folded (what the float path computes with)
    b: np.ndarray                  # float64, folded
    stride: Tuple[int, int] = (1, 1)
    pads: Tuple[int, int, int, int] = (0, 0, 0, 0)   # top, bottom, left, right
    act: str = "none"              # "none" | "relu"
    # storage of the float reference (filled by the converter): see store_float in the converters
    src: dict = dataclasses.field(default_factory=dict)
    comment: str = ""

    @property
    def out_channels(self) -> int:
        return self.w.shape[-1] if self.kind == "dw" else self.w.shape[0]


@dataclasses.dataclass
class Relu:
    pass


@dataclasses.dataclass
class MaxPool:
    window: Tuple[int, int]
    stride: Tuple[int, int]
    pads: Tuple[int, int, int, int] = (0, 0, 0, 0)


@dataclasses.dataclass
class AvgPool:
    window: Tuple[int, int]
    stride: Tuple[int, int]
    pads: Tuple[int, int, int, int] = (0, 0, 0, 0)


@dataclasses.dataclass
class GlobalAvgPool:
    pass


@dataclasses.dataclass
class PadSpatial:
    pads: Tuple[int, int, int, int]


@dataclasses.dataclass
class PadChannels:
    extra: int


@dataclasses.dataclass
class Add:
    name: str
    act: str = "none"


@dataclasses.dataclass
class Residual:
    body: list
    shortcut: list
    add: Add
    comment: str = ""


def walk(nodes):
    """All nodes in execution order (body before shortcut before add), depth first."""
    for n in nodes:
        if isinstance(n, Residual):
            yield from walk(n.body)
            yield from walk(n.shortcut)
            yield n.add
        else:
            yield n


def weighted(nodes) -> List[Conv]:
    return [n for n in walk(nodes) if isinstance(n, Conv)]


def param_count(nodes) -> int:
    return sum(c.w.size + c.b.size for c in weighted(nodes))


def macs(nodes, in_shape) -> int:
    total = 0

    def run(ns, shape):
        nonlocal total
        for n in ns:
            shape, m = _shape_macs(n, shape, run)
            total += m
        return shape

    run(nodes, in_shape)
    return total


def _shape_macs(n, shape, run):
    h, w, c = shape
    if isinstance(n, Conv):
        if n.kind == "fc":
            return (n.w.shape[0],), n.w.size
        kh, kw = (n.w.shape[1], n.w.shape[2])
        t, b, l, r = n.pads
        oh = Q.out_size(h, kh, n.stride[0], t, b)
        ow = Q.out_size(w, kw, n.stride[1], l, r)
        oc = n.out_channels
        per = kh * kw * (1 if n.kind == "dw" else c)
        return (oh, ow, oc), oh * ow * oc * per
    if isinstance(n, (MaxPool, AvgPool)):
        t, b, l, r = n.pads
        return (Q.out_size(h, n.window[0], n.stride[0], t, b), Q.out_size(w, n.window[1], n.stride[1], l, r), c), 0
    if isinstance(n, GlobalAvgPool):
        return (1, 1, c), 0
    if isinstance(n, PadSpatial):
        t, b, l, r = n.pads
        return (h + t + b, w + l + r, c), 0
    if isinstance(n, PadChannels):
        return (h, w, c + n.extra), 0
    if isinstance(n, Relu):
        return shape, 0
    if isinstance(n, Residual):
        s1 = run(n.body, shape)
        s2 = run(n.shortcut, shape)
        if tuple(s1) != tuple(s2):
            raise ValueError(f"{n.add.name}: body {s1} vs shortcut {s2}")
        return s1, 0
    raise TypeError(n)


def shapes(nodes, in_shape) -> Dict[str, tuple]:
    """Output shape of every Conv / Add by name."""
    out = {}

    def run(ns, shape):
        for n in ns:
            new, _ = _shape_macs(n, shape, run)
            if isinstance(n, Conv):
                out[n.name] = new
            if isinstance(n, Residual):
                out[n.add.name] = new
            shape = new
        return shape

    run(nodes, in_shape)
    return out


# ------------------------------------------------------------------------------------------------------------
# flattening into models/common/net.py
# ------------------------------------------------------------------------------------------------------------
def to_net(nodes, in_shape, input_name: str = "input"):
    """The nested IR as a flat ``common.net.Net`` (add inputs ordered (main path, shortcut))."""
    from common import net as N

    flat: list = []
    shp: Dict[str, tuple] = {input_name: tuple(in_shape)}
    counter = {"relu": 0, "pool": 0, "pad": 0}

    def fresh(kind, hint):
        counter[kind] += 1
        return f"{hint}_{kind}{counter[kind]}"

    def emit(node, x):
        shape = shp[x]
        new, _ = _shape_macs(node, shape, lambda ns, s: None)
        if isinstance(node, Conv):
            kind = {"conv": "conv", "dw": "dwconv", "fc": "fc"}[node.kind]
            attrs = dict(w=node.w.astype(np.float32), b=node.b.astype(np.float32), act=node.act)
            if node.kind != "fc":
                attrs.update(stride=tuple(node.stride), pads=tuple(node.pads))
            else:
                new = (1, 1, node.w.shape[0])
            name = node.name
            flat.append(N.Node(kind, name, [x], name, attrs))
        elif isinstance(node, Relu):
            name = fresh("relu", x)
            flat.append(N.Node("relu", name, [x], name, {}))
        elif isinstance(node, (MaxPool, AvgPool, GlobalAvgPool)):
            name = fresh("pool", x)
            if isinstance(node, GlobalAvgPool):
                attrs = dict(window=(shape[0], shape[1]), stride=(1, 1), pads=(0, 0, 0, 0))
            else:
                attrs = dict(window=tuple(node.window), stride=tuple(node.stride), pads=tuple(node.pads))
            flat.append(N.Node("maxpool" if isinstance(node, MaxPool) else "avgpool", name, [x], name, attrs))
        elif isinstance(node, PadSpatial):
            name = fresh("pad", x)
            flat.append(N.Node("pad", name, [x], name, dict(pads=tuple(node.pads), channels_after=0)))
        elif isinstance(node, PadChannels):
            name = fresh("pad", x)
            flat.append(N.Node("pad", name, [x], name, dict(pads=(0, 0, 0, 0), channels_after=node.extra)))
        else:
            raise TypeError(node)
        shp[name] = tuple(new)
        return name

    def run(ns, x):
        for n in ns:
            if isinstance(n, Residual):
                a = run(n.body, x)
                b = run(n.shortcut, x)
                if shp[a] != shp[b]:
                    raise ValueError(f"{n.add.name}: {shp[a]} vs {shp[b]}")
                flat.append(N.Node("add", n.add.name, [a, b], n.add.name, dict(act=n.add.act)))
                shp[n.add.name] = shp[a]
                x = n.add.name
            else:
                x = emit(n, x)
        return x

    out = run(nodes, input_name)
    return N.Net(flat, [input_name], [out], shp)
