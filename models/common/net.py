"""facenn layer graph: the network as the C++ library sees it (after fusing activations into the producing
conv / add), with a float32 forward, int8 post-training quantization and a bit-exact int8 forward.

    net = from_tflite(graph)                     # or build Net(...) by hand (face-api converters)
    y = net.forward_float({"input": x})          # dict tensor name -> float32 (H, W, C)
    stats = RangeStats(net); stats.update(net.forward_float(...)) ...   # calibration statistics
    qnet = quantize(net, stats.ranges("mse"), input_quant=(1/255, -128))
    yq = qnet.forward_int8({"input": q})         # dict tensor name -> int8

Node kinds and attributes (tensors are (H, W, C) without batch; ``inputs`` / ``output`` are tensor names):

    conv      w [O,KH,KW,I], b [O], stride (sh, sw), pads (top, bottom, left, right), act, alpha
    dwconv    w [1,KH,KW,C], b [C], stride, pads, act, alpha
    fc        w [O, I], b [O], act, alpha
    add       inputs = (main path, shortcut), act, alpha
    prelu     alpha [C]
    relu / relu6
    maxpool / avgpool   window (kh, kw), stride, pads
    pad       pads (top, bottom, left, right), channels_after
    reshape   shape (h, w, c)
    sigmoid
    act = "none" | "relu" | "relu6" | "prelu"

The node ``name`` is the weights-struct name in the generated header; the output tensor of every requantizing
node has its own quant struct ``q_<name>``; pool / pad / reshape outputs share their input's quantization.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from . import int8_ops as Q

WEIGHTED = ("conv", "dwconv", "fc")
REQUANTIZING = ("conv", "dwconv", "fc", "add", "prelu", "sigmoid")
PASSTHROUGH = ("maxpool", "avgpool", "pad", "reshape", "relu", "relu6")


def sanitize(name: str) -> str:
    s = re.sub(r"[^0-9A-Za-z_]", "_", name)
    s = re.sub(r"__xeno_compat__\d*$", "", s)
    s = re.sub(r"_+$", "", s)
    return s if not s[0].isdigit() else "t_" + s


@dataclass
class Node:
    kind: str
    name: str
    inputs: list
    output: str
    attrs: dict = field(default_factory=dict)

    @property
    def act(self) -> str:
        return self.attrs.get("act", "none")


@dataclass
class Net:
    nodes: list
    inputs: list                 # input tensor names
    outputs: list                # output tensor names
    shapes: dict                 # tensor name -> (H, W, C)

    def node(self, name: str) -> Node:
        for n in self.nodes:
            if n.name == name:
                return n
        raise KeyError(name)

    def producer(self, tensor: str):
        for n in self.nodes:
            if n.output == tensor:
                return n
        return None

    def consumers(self, tensor: str):
        return [n for n in self.nodes if tensor in n.inputs]

    # ---------------------------------------------------------------------------------------------- float forward
    def forward_float(self, feeds: dict, keep_all: bool = True) -> dict:
        env = {k: np.asarray(v, np.float32) for k, v in feeds.items()}
        for n in self.nodes:
            env[n.output] = _float_node(n, [env[i] for i in n.inputs])
        return env if keep_all else {k: env[k] for k in self.outputs}

    def forward_float_from(self, seeds: dict) -> dict:
        """Float forward of every node reachable from the tensors in ``seeds`` alone (e.g. dequantized int8
        tensors at a cut: the float tail of a mixed int8 / float network)."""
        env = {k: np.asarray(v, np.float32) for k, v in seeds.items()}
        for n in self.nodes:
            if n.output not in env and all(i in env for i in n.inputs):
                env[n.output] = _float_node(n, [env[i] for i in n.inputs])
        return env

    def summary(self) -> str:
        out = []
        for n in self.nodes:
            a = n.attrs
            extra = []
            if "w" in a:
                extra.append("w" + "x".join(map(str, a["w"].shape)))
            for k in ("stride", "pads", "window", "channels_after"):
                if k in a:
                    extra.append(f"{k}={a[k]}")
            if n.act != "none":
                extra.append(n.act)
            out.append(f"{n.kind:8s} {n.name:24s} {str(self.shapes[n.output]):16s} <- {', '.join(n.inputs)}  {' '.join(extra)}")
        return "\n".join(out)


def _float_node(n: Node, xs: list) -> np.ndarray:
    a = n.attrs
    k = n.kind
    if k == "conv":
        return Q.conv2d_float(xs[0], a["w"], a["b"], a["stride"], a["pads"], n.act, a.get("alpha"))
    if k == "dwconv":
        return Q.depthwise_conv2d_float(xs[0], a["w"], a["b"], a["stride"], a["pads"], n.act, a.get("alpha"))
    if k == "fc":
        return Q.fully_connected_float(xs[0], a["w"], a["b"], n.act, a.get("alpha")).reshape(1, 1, -1)
    if k == "add":
        return Q.add_float(xs[0], xs[1], n.act, a.get("alpha"))
    if k == "prelu":
        return Q.activation_float(xs[0], "prelu", a["alpha"]).astype(np.float32)
    if k in ("relu", "relu6"):
        return Q.activation_float(xs[0], k).astype(np.float32)
    if k == "maxpool":
        return Q.max_pool_float(xs[0], a["window"], a["stride"], a["pads"])
    if k == "avgpool":
        return Q.avg_pool_float(xs[0], a["window"], a["stride"], a["pads"])
    if k == "pad":
        return Q.pad_float(xs[0], a["pads"], a.get("channels_after", 0))
    if k == "reshape":
        return xs[0].reshape(a["shape"])
    if k == "sigmoid":
        return Q.sigmoid_float(xs[0])
    raise ValueError(f"unsupported node kind {k}")


# ------------------------------------------------------------------------------------------------ TFLite import
def from_tflite(g, stop_at: tuple = ()) -> Net:
    """Build a Net from a tflite Graph (DEQUANTIZE already folded). PRELU / RELU / RELU6 are fused into the
    preceding CONV_2D / DEPTHWISE_CONV_2D / ADD / FULLY_CONNECTED when that op's output has no other consumer.
    ``stop_at``: tflite op types to leave out (e.g. RESHAPE / CONCATENATION post-processing)."""
    T = g.tensors
    name_of = {}            # tflite tensor index -> Net tensor name
    shapes = {}
    nodes: list[Node] = []
    producer_node = {}      # tflite tensor index -> Node

    def hwc(shape):
        s = tuple(int(v) for v in shape)
        if len(s) == 4:
            assert s[0] == 1, s
            return s[1:]
        if len(s) == 2:
            return (1, 1, s[1])
        return (1,) * (3 - len(s[1:])) + tuple(s[1:])

    for t in g.inputs:
        name_of[t] = sanitize(T[t].name)
        shapes[name_of[t]] = hwc(T[t].shape)

    outputs_set = set(g.outputs)
    for op in g.ops:
        if op.type in stop_at:
            continue
        o = op.outputs[0]
        opt = op.options
        ins = [i for i in op.inputs if i >= 0]
        x_name = name_of.get(ins[0]) if ins else None
        in_shape = shapes.get(x_name)
        fused_act = {"NONE": "none", "RELU": "relu", "RELU6": "relu6"}.get(opt.get("activation", "NONE"))
        if fused_act is None:
            raise ValueError(f"{op.type}: unsupported fused activation {opt.get('activation')}")

        if op.type in ("PRELU", "RELU", "RELU6"):
            prev = producer_node.get(ins[0])
            kind = {"PRELU": "prelu", "RELU": "relu", "RELU6": "relu6"}[op.type]
            fusable = (prev is not None and prev.kind in ("conv", "dwconv", "fc", "add") and prev.act == "none"
                       and len(g.consumers(ins[0])) == 1 and ins[0] not in outputs_set)
            if fusable:
                prev.attrs["act"] = kind
                if kind == "prelu":
                    prev.attrs["alpha"] = g.const(ins[1]).astype(np.float32).reshape(-1)
                name_of[o] = prev.output
                producer_node[o] = prev
                continue
            attrs = {"alpha": g.const(ins[1]).astype(np.float32).reshape(-1)} if kind == "prelu" else {}
            n = Node(kind, sanitize(T[o].name), [x_name], sanitize(T[o].name), attrs)
        elif op.type in ("CONV_2D", "DEPTHWISE_CONV_2D"):
            w = g.const(ins[1]).astype(np.float32)
            b = g.const(ins[2]).astype(np.float32) if len(ins) > 2 else np.zeros(w.shape[0 if op.type == "CONV_2D" else 3], np.float32)
            if opt.get("dilation_h", 1) != 1 or opt.get("dilation_w", 1) != 1:
                raise ValueError("dilated convolutions are not supported")
            if op.type == "DEPTHWISE_CONV_2D" and w.shape[3] != in_shape[2]:
                raise ValueError("depth multiplier != 1 is not supported")
            stride = (opt["stride_h"], opt["stride_w"])
            kh, kw = w.shape[1], w.shape[2]
            pads = _pads(opt["padding"], in_shape, (kh, kw), stride)
            n = Node("conv" if op.type == "CONV_2D" else "dwconv", sanitize(T[o].name), [x_name], sanitize(T[o].name),
                     dict(w=w, b=b, stride=stride, pads=pads, act=fused_act))
        elif op.type == "FULLY_CONNECTED":
            w = g.const(ins[1]).astype(np.float32)
            b = g.const(ins[2]).astype(np.float32) if len(ins) > 2 else np.zeros(w.shape[0], np.float32)
            n = Node("fc", sanitize(T[o].name), [x_name], sanitize(T[o].name), dict(w=w, b=b, act=fused_act))
        elif op.type == "ADD":
            # input order is fixed after the whole graph is known (main path first, see _order_add_inputs)
            n = Node("add", sanitize(T[o].name), [name_of[i] for i in ins], sanitize(T[o].name), dict(act=fused_act))
        elif op.type in ("MAX_POOL_2D", "AVERAGE_POOL_2D"):
            stride = (opt["stride_h"], opt["stride_w"])
            window = (opt["filter_h"], opt["filter_w"])
            n = Node("maxpool" if op.type == "MAX_POOL_2D" else "avgpool", sanitize(T[o].name), [x_name], sanitize(T[o].name),
                     dict(window=window, stride=stride, pads=_pads(opt["padding"], in_shape, window, stride)))
            if fused_act != "none":
                raise ValueError("fused activation on a pool")
        elif op.type == "PAD":
            p = g.const(ins[1]).astype(int)
            if p[0].any() or p[3][0] != 0:
                raise ValueError(f"unsupported paddings {p.tolist()}")
            n = Node("pad", sanitize(T[o].name), [x_name], sanitize(T[o].name),
                     dict(pads=(int(p[1][0]), int(p[1][1]), int(p[2][0]), int(p[2][1])), channels_after=int(p[3][1])))
        elif op.type == "RESHAPE":
            n = Node("reshape", sanitize(T[o].name), [x_name], sanitize(T[o].name), dict(shape=hwc(T[o].shape)))
        elif op.type == "LOGISTIC":
            n = Node("sigmoid", sanitize(T[o].name), [x_name], sanitize(T[o].name), {})
        else:
            raise ValueError(f"unsupported op {op.type}")
        if n.kind != "add" and fused_act != "none" and n.kind not in ("conv", "dwconv", "fc"):
            raise ValueError(f"fused activation on {op.type}")
        nodes.append(n)
        name_of[o] = n.output
        shapes[n.output] = hwc(T[o].shape)
        producer_node[o] = n

    outs = [name_of[t] for t in g.outputs if t in name_of]
    net = Net(nodes, [name_of[t] for t in g.inputs], outs, shapes)
    _order_add_inputs(net)
    _check_shapes(net)
    return net


def _order_add_inputs(net: Net):
    """Residual adds take (main path, shortcut). The shortcut is the input that forks (it has other consumers:
    the body reads it too) or that comes from a data-free op (max pool / channel pad of the block input)."""
    for n in net.nodes:
        if n.kind != "add":
            continue

        def is_shortcut(t):
            p = net.producer(t)
            return p is None or p.kind in PASSTHROUGH or len(net.consumers(t)) > 1

        a, b = n.inputs
        if is_shortcut(a) and not is_shortcut(b):
            n.inputs = [b, a]


def _pads(padding: str, in_shape, window, stride):
    if padding == "VALID":
        return (0, 0, 0, 0)
    t, b = Q.same_padding(in_shape[0], window[0], stride[0])
    l, r = Q.same_padding(in_shape[1], window[1], stride[1])
    return (t, b, l, r)


def _check_shapes(net: Net):
    """Shape inference agrees with the shapes stored in the source file."""
    for n in net.nodes:
        a = n.attrs
        h, w, c = net.shapes[n.inputs[0]]
        if n.kind in ("conv", "dwconv", "maxpool", "avgpool"):
            kh, kw = (a["w"].shape[1], a["w"].shape[2]) if "w" in a else a["window"]
            oh = Q.out_size(h, kh, a["stride"][0], a["pads"][0], a["pads"][1])
            ow = Q.out_size(w, kw, a["stride"][1], a["pads"][2], a["pads"][3])
            oc = a["w"].shape[0] if n.kind == "conv" else c
            exp = (oh, ow, oc)
        elif n.kind == "pad":
            exp = (h + a["pads"][0] + a["pads"][1], w + a["pads"][2] + a["pads"][3], c + a["channels_after"])
        else:
            continue
        if tuple(net.shapes[n.output]) != exp:
            raise ValueError(f"{n.name}: shape {net.shapes[n.output]} != inferred {exp}")


# ------------------------------------------------------------------------------------------------ equalization
def equalization_pairs(net: Net) -> list:
    """(producer, consumer) pairs whose channel scales can be traded without changing the float function:
    the producer is a conv / depthwise with a positively homogeneous activation (none, relu, prelu) whose
    output is read by exactly one node, a conv / depthwise / FC, and by nothing else (not a network output)."""
    pairs = []
    for p in net.nodes:
        if p.kind not in ("conv", "dwconv") or p.act not in ("none", "relu", "prelu") or p.output in net.outputs:
            continue
        cons = net.consumers(p.output)
        if len(cons) == 1 and cons[0].kind in ("conv", "dwconv", "fc") and cons[0].inputs == [p.output]:
            pairs.append((p, cons[0]))
    return pairs


def channel_absmax(net: Net, feeds: list, tensors: list) -> dict:
    """Per-channel max |activation| of ``tensors`` over the float forward of ``feeds``."""
    out = {}
    for f in feeds:
        env = net.forward_float(f)
        for t in tensors:
            a = np.abs(env[t]).reshape(-1, env[t].shape[-1]).max(axis=0)
            out[t] = np.maximum(out.get(t, 0), a)
    return out


def equalize(net: Net, feeds: list, max_factor: float = 16.0, log=None) -> Net:
    """Cross-layer equalization for per-tensor activation quantization: a float-equivalent copy of ``net`` in
    which each equalizable pair (see equalization_pairs) has producer output channel c divided by s_c and the
    consumer's input channel c multiplied by s_c, with s_c = sqrt(act_range_c / w_range_c) (normalized to
    geometric mean 1, clamped to [1/max_factor, max_factor]): the activation ranges of the channels and the
    consumer's weight ranges meet halfway. The original weights stay in attrs ``w_ref`` / ``b_ref`` (the float
    reference the header keeps); ``w`` / ``b`` become the equalized ones used for quantization."""
    import copy
    eq = copy.deepcopy(net)
    pairs = equalization_pairs(eq)
    ranges = channel_absmax(eq, feeds, [p.output for p, _ in pairs])
    for n in eq.nodes:
        if "w" in n.attrs:
            n.attrs.setdefault("w_ref", n.attrs["w"])
            n.attrs.setdefault("b_ref", n.attrs["b"])
    for p, c in pairs:
        r_act = np.maximum(ranges[p.output].astype(np.float64), 1e-6)
        wc = c.attrs["w"].astype(np.float64)
        if c.kind == "conv":
            r_w = np.abs(wc).max(axis=(0, 1, 2))
        elif c.kind == "dwconv":
            r_w = np.abs(wc).max(axis=(0, 1, 2))
        else:
            ch = eq.shapes[p.output][2]
            r_w = np.abs(wc).reshape(wc.shape[0], -1, ch).max(axis=(0, 1))
        r_w = np.maximum(r_w, 1e-12)
        s = np.sqrt(r_act / r_w)
        s = s / np.exp(np.mean(np.log(s)))
        s = np.clip(s, 1.0 / max_factor, max_factor)
        pw = p.attrs["w"].astype(np.float64)
        if p.kind == "conv":
            p.attrs["w"] = (pw / s[:, None, None, None]).astype(np.float32)
        else:
            p.attrs["w"] = (pw / s[None, None, None, :]).astype(np.float32)
        p.attrs["b"] = (p.attrs["b"].astype(np.float64) / s).astype(np.float32)
        if c.kind in ("conv", "dwconv"):
            c.attrs["w"] = (wc * s[None, None, None, :]).astype(np.float32)
        else:
            ch = eq.shapes[p.output][2]
            c.attrs["w"] = (wc.reshape(wc.shape[0], -1, ch) * s[None, None, :]).reshape(wc.shape).astype(np.float32)
        if log:
            log(f"  equalize {p.name} -> {c.name}: s in [{s.min():.3g}, {s.max():.3g}]")
    return eq


# ------------------------------------------------------------------------------------------------ calibration
class RangeStats:
    """Activation statistics for the requantizing tensors of a net: exact min/max plus a histogram (built in a
    second pass once min/max are known, ``bins`` bins over [min, max]).

        st = RangeStats(net)
        for x in calib: st.observe_minmax(net.forward_float(x))
        for x in calib: st.observe_hist(net.forward_float(x))
        ranges = st.ranges("minmax" | ("percentile", 99.99) | "mse")
    """

    def __init__(self, net: Net, bins: int = 4096):
        self.tensors = [n.output for n in net.nodes if n.kind in REQUANTIZING]
        self.bins = bins
        self.lo = {t: np.inf for t in self.tensors}
        self.hi = {t: -np.inf for t in self.tensors}
        self.hist = {}

    def observe_minmax(self, env: dict):
        for t in self.tensors:
            v = env[t]
            self.lo[t] = min(self.lo[t], float(v.min()))
            self.hi[t] = max(self.hi[t], float(v.max()))

    def observe_hist(self, env: dict):
        for t in self.tensors:
            lo, hi = min(self.lo[t], 0.0), max(self.hi[t], 0.0)
            h, _ = np.histogram(env[t], bins=self.bins, range=(lo, hi if hi > lo else lo + 1e-6))
            self.hist[t] = self.hist.get(t, 0) + h

    def _edges(self, t):
        lo, hi = min(self.lo[t], 0.0), max(self.hi[t], 0.0)
        return np.linspace(lo, hi if hi > lo else lo + 1e-6, self.bins + 1)

    def range_for(self, t: str, method) -> tuple[float, float]:
        if method == "minmax" or t not in self.hist:
            return self.lo[t], self.hi[t]
        h = self.hist[t].astype(np.float64)
        e = self._edges(t)
        centres = 0.5 * (e[:-1] + e[1:])
        if isinstance(method, tuple) and method[0] == "percentile":
            p = method[1] / 100.0
            c = np.cumsum(h) / h.sum()
            lo = e[np.searchsorted(c, 1 - p)] if self.lo[t] < 0 else self.lo[t]
            hi = e[min(np.searchsorted(c, p) + 1, self.bins)]
            return min(float(lo), 0.0), max(float(hi), 0.0)
        if method == "mse":
            return _mse_range(h, centres, self.lo[t], self.hi[t])
        raise ValueError(method)

    def ranges(self, method) -> dict:
        return {t: self.range_for(t, method) for t in self.tensors}


def _mse_range(h, centres, lo0, hi0):
    """Clipping range minimizing the expected squared int8 quantization error (rounding + clipping) under the
    histogram, searched over a grid of shrink factors for each side."""
    lo0, hi0 = min(lo0, 0.0), max(hi0, 0.0)
    best, best_err = (lo0, hi0), np.inf
    fr = np.concatenate([np.linspace(0.3, 0.9, 13), np.linspace(0.91, 1.0, 10)])
    nz = h > 0
    h, centres = h[nz], centres[nz]
    for fl in (fr if lo0 < 0 else [1.0]):
        for fh in (fr if hi0 > 0 else [1.0]):
            lo, hi = lo0 * fl, hi0 * fh
            scale, zp = Q.choose_qparams(lo, hi)
            q = np.clip(np.floor((centres / scale) + zp + 0.5), -128, 127)
            err = np.sum(h * (centres - (q - zp) * scale) ** 2)
            if err < best_err:
                best, best_err = (lo, hi), err
    return best


# ------------------------------------------------------------------------------------------------ quantization
@dataclass
class QNet:
    """A quantized Net: tensor quant params, per-node int8 data, and the int8 forward."""
    net: Net
    tquant: dict          # tensor name -> (scale, zp)
    qdata: dict           # node name -> dict of int8/int32 arrays and multipliers
    input_offset: dict = field(default_factory=dict)

    def forward_int8(self, feeds: dict, keep_all: bool = True) -> dict:
        env = {k: np.asarray(v, np.int8) for k, v in feeds.items()}
        for n in self.net.nodes:
            env[n.output] = self._node(n, [env[i] for i in n.inputs])
        return env if keep_all else {k: env[k] for k in self.net.outputs}

    def dequant(self, tensor: str, q) -> np.ndarray:
        s, zp = self.tquant[tensor]
        return Q.dequantize(q, s, zp)

    def _node(self, n: Node, xs: list) -> np.ndarray:
        d = self.qdata.get(n.name, {})
        a = n.attrs
        zp_in = self.tquant[n.inputs[0]][1]
        k = n.kind
        if k == "conv":
            return Q.conv2d_int8(xs[0], zp_in, d["filter"], d["bias"], a["stride"], a["pads"], d)
        if k == "dwconv":
            return Q.depthwise_conv2d_int8(xs[0], zp_in, d["filter"], d["bias"], a["stride"], a["pads"], d)
        if k == "fc":
            return Q.fully_connected_int8(xs[0], zp_in, d["filter"], d["bias"], d).reshape(1, 1, -1)
        if k == "add":
            return Q.add_int8(xs[0], zp_in, xs[1], self.tquant[n.inputs[1]][1], d)
        if k == "prelu":
            return Q.prelu_int8(xs[0], zp_in, d)
        if k == "relu":
            return np.maximum(xs[0], np.int8(zp_in))
        if k == "relu6":
            s, zp = self.tquant[n.inputs[0]]
            return np.clip(xs[0], zp_in, min(127, zp + Q.round_half_away(6.0 / s))).astype(np.int8)
        if k == "maxpool":
            return Q.max_pool_int8(xs[0], a["window"], a["stride"], a["pads"])
        if k == "avgpool":
            return Q.avg_pool_int8(xs[0], a["window"], a["stride"], a["pads"])
        if k == "pad":
            return Q.pad_int8(xs[0], zp_in, a["pads"], a.get("channels_after", 0))
        if k == "reshape":
            return xs[0].reshape(a["shape"])
        if k == "sigmoid":
            return Q.lut_int8(xs[0], d["table"])
        raise ValueError(k)


def _act_bounds(act: str, scale: float, zp: int) -> tuple[int, int]:
    lo, hi = -128, 127
    if act in ("relu", "relu6"):
        lo = max(-128, zp)
    if act == "relu6":
        hi = min(127, zp + Q.round_half_away(6.0 / scale))
    return lo, hi


def _quantize_node(n: Node, tq: dict, out_quant: tuple, input_offset_lsb: dict, bias: np.ndarray | None = None) -> dict:
    """int8 data of one requantizing node, given the input quantization (in ``tq``) and its output quant."""
    a = n.attrs
    s_out, zp_out = out_quant
    s_in, zp_in = tq[n.inputs[0]]
    act_min, act_max = _act_bounds(n.act, s_out, zp_out)
    d = dict(out_zp=zp_out, act_min=act_min, act_max=act_max)
    if n.kind in WEIGHTED:
        axis = 3 if n.kind == "dwconv" else 0
        wq, ws = Q.quantize_weights_per_channel(a["w"], axis)
        b = a["b"] if bias is None else bias
        bias_real = np.asarray(b, np.float64) / (np.float64(s_in) * ws.astype(np.float64))
        off = input_offset_lsb.get(n.inputs[0], 0.0)
        if off:
            red = tuple(i for i in range(wq.ndim) if i != axis)
            bias_real = bias_real + off * wq.astype(np.float64).sum(axis=red)
        d["filter"] = wq
        d["w_scale"] = ws
        d["bias"] = np.clip(Q.round_half_away(bias_real), Q.INT32_MIN, Q.INT32_MAX).astype(np.int32)
        real = np.float64(s_in) * ws.astype(np.float64) / np.float64(s_out)
        d["multiplier"], d["shift"] = Q.quantize_multipliers(real)
        if n.act == "prelu":
            d["neg_multiplier"], d["neg_shift"] = Q.quantize_multipliers(real * a["alpha"].astype(np.float64))
    elif n.kind == "add":
        s1, s2 = tq[n.inputs[0]][0], tq[n.inputs[1]][0]
        twice_max = 2.0 * max(s1, s2)
        d["input1_multiplier"], d["input1_shift"] = Q.quantize_multiplier(s1 / twice_max)
        d["input2_multiplier"], d["input2_shift"] = Q.quantize_multiplier(s2 / twice_max)
        out_real = twice_max / ((1 << Q.ADD_LEFT_SHIFT) * s_out)
        d["output_multiplier"], d["output_shift"] = Q.quantize_multiplier(out_real)
        if n.act == "prelu":
            d["neg_multiplier"], d["neg_shift"] = Q.quantize_multipliers(out_real * a["alpha"].astype(np.float64))
    elif n.kind == "prelu":
        d["pos_multiplier"], d["pos_shift"] = Q.quantize_multiplier(s_in / s_out)
        d["neg_multiplier"], d["neg_shift"] = Q.quantize_multipliers(s_in * a["alpha"].astype(np.float64) / s_out)
    elif n.kind == "sigmoid":
        d["table"] = Q.make_lut(lambda v: 1.0 / (1.0 + np.exp(-v)), s_in, zp_in, s_out, zp_out)
    if "bias" in d and bias is not None:
        d["bias_corrected"] = True
    return d


def quantize(net: Net, ranges: dict, input_quant: dict, input_offset_lsb: dict | None = None,
             fixed_quant: dict | None = None, biases: dict | None = None) -> QNet:
    """Post-training quantization with given ranges.

    ranges:        tensor -> (lo, hi) for every requantizing tensor (from RangeStats.ranges)
    input_quant:   input tensor -> (scale, zp) (chosen so that the caller's pixels map exactly)
    input_offset_lsb: input tensor -> constant c: the int8 input q stands for the real value (q - zp + c) * scale
                   (e.g. 0.5 when [-1, 1] inputs are fed as q = p - 128 with scale 2/255, zp 0); the constant is
                   folded into the bias of the convs reading that input (exact except for taps in the padding)
    fixed_quant:   tensor -> (scale, zp) overriding the calibrated range (e.g. sigmoid outputs 1/256, -128)
    biases:        node -> float bias used for the int8 bias instead of the original (bias correction)
    """
    input_offset_lsb = input_offset_lsb or {}
    fixed_quant = fixed_quant or {}
    biases = biases or {}
    tq = dict(input_quant)
    qd = {}
    for n in net.nodes:
        if n.kind in PASSTHROUGH:
            tq[n.output] = tq[n.inputs[0]]
            continue
        tq[n.output] = fixed_quant.get(n.output) or Q.choose_qparams(*ranges[n.output])
        qd[n.name] = _quantize_node(n, tq, tq[n.output], input_offset_lsb, biases.get(n.name))
    return QNet(net, tq, qd, dict(input_offset_lsb))


def _pre_activation_float(n: Node, x: np.ndarray, w, b) -> np.ndarray:
    a = n.attrs
    if n.kind == "conv":
        return Q._conv_acc(x.astype(np.float64), np.asarray(w, np.float64), a["stride"], a["pads"]) + np.asarray(b, np.float64)
    if n.kind == "dwconv":
        return Q._dw_acc(x.astype(np.float64), np.asarray(w, np.float64), a["stride"], a["pads"], np.float64) + np.asarray(b, np.float64)
    return (np.asarray(w, np.float64) @ x.reshape(-1).astype(np.float64) + np.asarray(b, np.float64)).reshape(1, 1, -1)


def quantize_sequential(net: Net, stats: RangeStats, float_feeds: list, int8_feeds: list, input_quant: dict,
                        candidates=("minmax", ("percentile", 99.99), ("percentile", 99.9), "mse"),
                        bias_correction: bool = True, input_offset_lsb: dict | None = None,
                        fixed_quant: dict | None = None, log=None) -> tuple[QNet, dict]:
    """Layer-by-layer PTQ over a calibration batch, in graph order, seeing the int8 net's real (already
    quantized) inputs at every layer:

    * empirical bias correction: for conv / depthwise / FC, the per-channel mean of
      (pre-activation with int8 weights and int8 inputs) - (float pre-activation) is removed from the int8 bias;
    * range choice: each requantizing tensor takes, among ``candidates`` (RangeStats methods), the range whose
      int8 output is closest (MSE) to the float output.

    The float reference weights and biases are not changed. Returns (QNet, report dict).
    """
    input_offset_lsb = input_offset_lsb or {}
    fixed_quant = fixed_quant or {}
    tq = dict(input_quant)
    qd, biases, report = {}, {}, {}
    F = [{k: np.asarray(v, np.float32) for k, v in f.items()} for f in float_feeds]
    I = [{k: np.asarray(v, np.int8) for k, v in q.items()} for q in int8_feeds]
    last = {}
    for k, n in enumerate(net.nodes):
        for t in n.inputs:
            last[t] = k
    keep = set(net.outputs)
    qn = QNet(net, tq, qd, dict(input_offset_lsb))

    def deq(t, q):
        s, zp = tq[t]
        return (q.astype(np.float64) - zp + input_offset_lsb.get(t, 0.0)) * s

    for k, n in enumerate(net.nodes):
        yf = [_float_node(n, [env[i] for i in n.inputs]) for env in F]
        if n.kind in PASSTHROUGH:
            tq[n.output] = tq[n.inputs[0]]
        else:
            bias = None
            if bias_correction and n.kind in WEIGHTED:
                a = n.attrs
                axis = 3 if n.kind == "dwconv" else 0
                wq, ws = Q.quantize_weights_per_channel(a["w"], axis)
                shp = [1] * wq.ndim
                shp[axis] = -1
                w_deq = wq.astype(np.float64) * ws.astype(np.float64).reshape(shp)
                diff = 0.0
                for env_f, env_q in zip(F, I):
                    pq = _pre_activation_float(n, deq(n.inputs[0], env_q[n.inputs[0]]), w_deq, a["b"])
                    pf = _pre_activation_float(n, env_f[n.inputs[0]], a["w"], a["b"])
                    diff = diff + (pq - pf).reshape(-1, pq.shape[-1]).mean(axis=0)
                delta = diff / len(F)
                bias = (np.asarray(a["b"], np.float64) - delta).astype(np.float64)
                biases[n.name] = bias
            if n.output in fixed_quant:
                options = [("fixed", fixed_quant[n.output])]
            else:
                options = []
                for m in candidates:
                    qp = Q.choose_qparams(*stats.range_for(n.output, m))
                    if all(qp != o[1] for o in options):
                        options.append((m, qp))
            best = None
            for m, qp in options:
                tq[n.output] = qp
                d = _quantize_node(n, tq, qp, input_offset_lsb, bias)
                qd[n.name] = d
                outs = [qn._node(n, [env[i] for i in n.inputs]) for env in I]
                err = sum(float(np.mean((deq(n.output, o) - f) ** 2)) for o, f in zip(outs, yf))
                if best is None or err < best[0]:
                    best = (err, m, qp, d, outs)
            err, m, qp, d, outs = best
            tq[n.output], qd[n.name] = qp, d
            report[n.output] = dict(method=str(m), scale=qp[0], zero_point=qp[1], mse=err / len(F))
            if log:
                log(f"  {n.name:24s} {str(m):22s} scale {qp[0]:.6g} zp {qp[1]:4d} mse {err / len(F):.3g}")
            for env, o in zip(I, outs):
                env[n.output] = o
        if n.kind in PASSTHROUGH:
            for env in I:
                env[n.output] = qn._node(n, [env[i] for i in n.inputs])
        for env, f in zip(F, yf):
            env[n.output] = f
        for t in n.inputs:
            if last.get(t) == k and t not in keep:
                for env in F:
                    env.pop(t, None)
                for env in I:
                    env.pop(t, None)
    return qn, dict(ranges=report, biases=biases)
