"""A small reader for TensorFlow Lite flatbuffers (``.tflite``), producing a graph IR for the facenn converters.

Only the ``flatbuffers`` runtime is used (Debian ``python3-flatbuffers``); the schema knowledge needed here is a
handful of field slots of ``tensorflow/lite/schema/schema.fbs``, written down in ``_F`` below.

IR::

    g = read_tflite(path)          # Graph
    g.tensors[i]  -> Tensor(index, name, shape, dtype, data, quant)    data: numpy array for constants, else None
    g.ops         -> [Op(index, type, inputs, outputs, options)]         type: "CONV_2D", "PRELU", ...
    g.inputs / g.outputs -> tensor indices
    g.fold_dequantize()            # fp16 constants behind DEQUANTIZE become fp32 constants, the op disappears
    g.producer(t), g.consumers(t)  # graph navigation

Options are plain dicts with TFLite's field names, e.g. CONV_2D -> {padding: "SAME", stride_h, stride_w,
dilation_h, dilation_w, activation: "NONE"|"RELU"|"RELU6"|...}.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from flatbuffers import number_types as NT
from flatbuffers.table import Table

# builtin operator codes (schema.fbs enum BuiltinOperator) used by face networks
BUILTIN_OPS = {
    0: "ADD", 1: "AVERAGE_POOL_2D", 2: "CONCATENATION", 3: "CONV_2D", 4: "DEPTHWISE_CONV_2D", 6: "DEQUANTIZE",
    9: "FULLY_CONNECTED", 14: "LOGISTIC", 17: "MAX_POOL_2D", 18: "MUL", 19: "RELU", 21: "RELU6", 22: "RESHAPE",
    23: "RESIZE_BILINEAR", 25: "SOFTMAX", 28: "TANH", 32: "CUSTOM", 34: "PAD", 39: "TRANSPOSE", 40: "MEAN",
    41: "SUB", 54: "PRELU", 114: "QUANTIZE",
}
# enum TensorType -> numpy dtype
TENSOR_TYPES = {0: np.float32, 1: np.float16, 2: np.int32, 3: np.uint8, 4: np.int64, 7: np.int16, 9: np.int8}
ACTIVATIONS = {0: "NONE", 1: "RELU", 2: "RELU_N1_TO_1", 3: "RELU6", 4: "TANH", 5: "SIGN_BIT"}
PADDINGS = {0: "SAME", 1: "VALID"}

# field slots (declaration order in schema.fbs)
_F = dict(
    model_operator_codes=1, model_subgraphs=2, model_buffers=4,
    opcode_deprecated_builtin=0, opcode_custom=1, opcode_builtin=3,
    subgraph_tensors=0, subgraph_inputs=1, subgraph_outputs=2, subgraph_operators=3,
    tensor_shape=0, tensor_type=1, tensor_buffer=2, tensor_name=3, tensor_quant=4,
    quant_min=0, quant_max=1, quant_scale=2, quant_zero_point=3, quant_dim=6,
    buffer_data=0, buffer_offset=1, buffer_size=2,
    op_opcode=0, op_inputs=1, op_outputs=2, op_options=4,
)


class TfliteFormatError(ValueError):
    """A malformed or truncated .tflite file (every structural error of :func:`read_tflite` becomes one)."""


class _Tab:
    """Thin accessor over a flatbuffers table: fields are addressed by their slot number. Vectors are
    bounds-checked against the buffer before they are walked (a corrupt length would otherwise make the
    reader loop for billions of elements)."""

    def __init__(self, buf: bytearray, pos: int):
        self._t = Table(buf, pos)

    def _field(self, slot: int) -> int:
        return self._t.Offset(4 + 2 * slot)

    def has(self, slot: int) -> bool:
        return self._field(slot) != 0

    def get(self, slot: int, flags, default=0):
        o = self._field(slot)
        return self._t.Get(flags, self._t.Pos + o) if o else default

    def sub(self, slot: int):
        o = self._field(slot)
        return _Tab(self._t.Bytes, self._t.Indirect(self._t.Pos + o)) if o else None

    def _vector(self, slot: int, elem_size: int):
        o = self._field(slot)
        if not o:
            return 0, 0
        start, n = self._t.Vector(o), self._t.VectorLen(o)
        if start < 0 or start + n * elem_size > len(self._t.Bytes):
            raise TfliteFormatError(f"vector of {n} elements at byte {start} runs past the end of the file")
        return start, n

    def tables(self, slot: int):
        start, n = self._vector(slot, 4)
        if not n:
            return []
        return [_Tab(self._t.Bytes, self._t.Indirect(start + 4 * k)) for k in range(n)]

    def array(self, slot: int, fmt: str):
        """A vector of scalars as a tuple (``fmt`` is a struct code: 'i', 'f', 'q', 'B')."""
        start, n = self._vector(slot, struct.calcsize(f"<{fmt}"))
        if not n:
            return ()
        return struct.unpack_from(f"<{n}{fmt}", self._t.Bytes, start)

    def raw(self, slot: int) -> memoryview:
        start, n = self._vector(slot, 1)
        if not n:
            return memoryview(b"")
        return memoryview(self._t.Bytes)[start:start + n]

    def string(self, slot: int):
        o = self._field(slot)
        return self._t.String(self._t.Pos + o).decode() if o else None


@dataclass
class Tensor:
    index: int
    name: str
    shape: tuple
    dtype: type
    data: np.ndarray | None = None          # constant tensors only
    quant: dict | None = None               # {scale, zero_point, dim} when the file carries quantization

    @property
    def is_const(self) -> bool:
        return self.data is not None


@dataclass
class Op:
    index: int
    type: str
    inputs: list
    outputs: list
    options: dict = field(default_factory=dict)


@dataclass
class Graph:
    tensors: list
    ops: list
    inputs: list
    outputs: list
    source: str = ""

    def producer(self, t: int):
        for op in self.ops:
            if t in op.outputs:
                return op
        return None

    def consumers(self, t: int):
        return [op for op in self.ops if t in op.inputs]

    def const(self, t: int) -> np.ndarray:
        d = self.tensors[t].data
        if d is None:
            raise ValueError(f"tensor {self.tensors[t].name} is not a constant")
        return d

    def fold_dequantize(self) -> int:
        """Replace every DEQUANTIZE of a constant fp16/int8 tensor by an fp32 constant; returns how many were folded."""
        kept, n = [], 0
        for op in self.ops:
            if op.type == "DEQUANTIZE" and self.tensors[op.inputs[0]].is_const:
                src, dst = self.tensors[op.inputs[0]], self.tensors[op.outputs[0]]
                if src.dtype == np.float16:
                    dst.data = src.data.astype(np.float32)
                elif src.quant is not None:
                    scale = np.asarray(src.quant["scale"], np.float64)
                    zp = np.asarray(src.quant["zero_point"], np.float64)
                    if scale.size > 1:  # per-axis
                        shp = [1] * src.data.ndim
                        shp[src.quant["dim"]] = -1
                        scale, zp = scale.reshape(shp), zp.reshape(shp)
                    dst.data = ((src.data.astype(np.float64) - zp) * scale).astype(np.float32)
                else:
                    raise ValueError(f"DEQUANTIZE of {src.name}: unsupported dtype {src.dtype}")
                dst.dtype = np.float32
                n += 1
            else:
                kept.append(op)
        self.ops = kept
        return n

    def summary(self) -> str:
        lines = []
        for op in self.ops:
            ins = ", ".join(f"{self.tensors[i].name}{list(self.tensors[i].shape)}{'*' if self.tensors[i].is_const else ''}"
                            for i in op.inputs if i >= 0)
            outs = ", ".join(f"{self.tensors[i].name}{list(self.tensors[i].shape)}" for i in op.outputs)
            lines.append(f"{op.index:3d} {op.type:18s} {outs} <- {ins} {op.options or ''}")
        return "\n".join(lines)


def _options(kind: str, t: _Tab | None) -> dict:
    """Decode the builtin options table of the ops facenn supports (slot numbers from schema.fbs)."""
    def act(slot):
        return ACTIVATIONS[t.get(slot, NT.Int8Flags)] if t else "NONE"

    if kind == "CONV_2D":      # Conv2DOptions: padding, stride_w, stride_h, fused_activation_function, dilation_w, dilation_h
        return dict(padding=PADDINGS[t.get(0, NT.Int8Flags)], stride_w=t.get(1, NT.Int32Flags), stride_h=t.get(2, NT.Int32Flags),
                    activation=act(3), dilation_w=t.get(4, NT.Int32Flags, 1), dilation_h=t.get(5, NT.Int32Flags, 1))
    if kind == "DEPTHWISE_CONV_2D":  # padding, stride_w, stride_h, depth_multiplier, activation, dilation_w, dilation_h
        return dict(padding=PADDINGS[t.get(0, NT.Int8Flags)], stride_w=t.get(1, NT.Int32Flags), stride_h=t.get(2, NT.Int32Flags),
                    depth_multiplier=t.get(3, NT.Int32Flags, 1), activation=act(4),
                    dilation_w=t.get(5, NT.Int32Flags, 1), dilation_h=t.get(6, NT.Int32Flags, 1))
    if kind in ("MAX_POOL_2D", "AVERAGE_POOL_2D"):  # Pool2DOptions: padding, stride_w, stride_h, filter_w, filter_h, act
        return dict(padding=PADDINGS[t.get(0, NT.Int8Flags)], stride_w=t.get(1, NT.Int32Flags), stride_h=t.get(2, NT.Int32Flags),
                    filter_w=t.get(3, NT.Int32Flags), filter_h=t.get(4, NT.Int32Flags), activation=act(5))
    if kind in ("ADD", "MUL", "SUB", "FULLY_CONNECTED"):  # fused_activation_function first
        return dict(activation=act(0))
    if kind == "CONCATENATION":  # axis, fused_activation_function
        return dict(axis=t.get(0, NT.Int32Flags) if t else 0, activation=act(1))
    if kind == "RESHAPE":  # new_shape
        return dict(new_shape=list(t.array(0, "i"))) if t else {}
    return {}


def read_tflite(path: str | Path) -> Graph:
    """Parse the first subgraph of a .tflite file into a :class:`Graph` (constants decoded to numpy arrays).

    A malformed file raises :class:`TfliteFormatError` (a ValueError); weights are trusted input, but a
    truncated or corrupted download must fail cleanly rather than with an IndexError deep in the parser."""
    buf = bytearray(Path(path).read_bytes())
    try:
        return _read_tflite(path, buf)
    except (struct.error, IndexError, KeyError, TypeError, OverflowError, AttributeError, UnicodeDecodeError) as e:
        raise TfliteFormatError(f"{path}: malformed TFLite file ({type(e).__name__}: {e})") from e
    except ValueError as e:
        if isinstance(e, TfliteFormatError):
            raise
        raise TfliteFormatError(f"{path}: malformed TFLite file ({e})") from e


def _read_tflite(path, buf: bytearray) -> Graph:
    if len(buf) < 8 or buf[4:8] != b"TFL3":
        raise TfliteFormatError(f"{path}: not a TFLite flatbuffer (identifier {bytes(buf[4:8])!r})")
    model = _Tab(buf, struct.unpack_from("<I", buf, 0)[0])

    opcodes = []
    for oc in model.tables(_F["model_operator_codes"]):
        code = max(oc.get(_F["opcode_deprecated_builtin"], NT.Int8Flags), oc.get(_F["opcode_builtin"], NT.Int32Flags))
        name = BUILTIN_OPS.get(code, f"BUILTIN_{code}")
        if name == "CUSTOM":
            name = f"CUSTOM:{oc.string(_F['opcode_custom'])}"
        opcodes.append(name)

    buffers = model.tables(_F["model_buffers"])
    subgraphs = model.tables(_F["model_subgraphs"])
    if len(subgraphs) != 1:
        raise TfliteFormatError(f"{path}: {len(subgraphs)} subgraphs, expected 1")
    sg = subgraphs[0]

    tensors = []
    for i, t in enumerate(sg.tables(_F["subgraph_tensors"])):
        dtype = TENSOR_TYPES.get(t.get(_F["tensor_type"], NT.Int8Flags))
        shape = tuple(t.array(_F["tensor_shape"], "i"))
        data = None
        b = t.get(_F["tensor_buffer"], NT.Uint32Flags)
        if b and b < len(buffers):
            buffer = buffers[b]
            raw = buffer.raw(_F["buffer_data"])
            if len(raw) == 0 and buffer.get(_F["buffer_offset"], NT.Uint64Flags) > 1:  # large-model external buffer
                off, size = buffer.get(_F["buffer_offset"], NT.Uint64Flags), buffer.get(_F["buffer_size"], NT.Uint64Flags)
                raw = memoryview(buf)[off:off + size]
            if len(raw):
                if dtype is None:
                    raise TfliteFormatError(f"{path}: constant tensor {i} has an unknown type")
                data = np.frombuffer(bytes(raw), dtype=np.dtype(dtype).newbyteorder("<")).astype(dtype).reshape(shape)
        quant = None
        q = t.sub(_F["tensor_quant"])
        if q is not None and q.has(_F["quant_scale"]):
            quant = dict(scale=list(q.array(_F["quant_scale"], "f")), zero_point=list(q.array(_F["quant_zero_point"], "q")),
                         dim=q.get(_F["quant_dim"], NT.Int32Flags))
        tensors.append(Tensor(i, t.string(_F["tensor_name"]) or f"t{i}", shape, dtype, data, quant))

    ops = []
    for i, o in enumerate(sg.tables(_F["subgraph_operators"])):
        kind = opcodes[o.get(_F["op_opcode"], NT.Uint32Flags)]
        ops.append(Op(i, kind, list(o.array(_F["op_inputs"], "i")), list(o.array(_F["op_outputs"], "i")),
                      _options(kind, o.sub(_F["op_options"]))))
    inputs, outputs = list(sg.array(_F["subgraph_inputs"], "i")), list(sg.array(_F["subgraph_outputs"], "i"))
    # Every tensor reference must name a tensor (-1: an omitted optional input), so graph code can index freely.
    for where, refs in [("graph inputs", inputs), ("graph outputs", outputs)] + \
                       [(f"op {op.index} ({op.type})", op.inputs + op.outputs) for op in ops]:
        if any(r < -1 or r >= len(tensors) for r in refs):
            raise TfliteFormatError(f"{path}: {where} name a tensor outside 0..{len(tensors) - 1}")
    for op in ops:
        if not op.outputs or (op.type == "DEQUANTIZE" and (not op.inputs or op.inputs[0] < 0)):
            raise TfliteFormatError(f"{path}: op {op.index} ({op.type}) lacks its tensors")
    return Graph(tensors, ops, inputs, outputs, source=str(path))


if __name__ == "__main__":
    import sys
    g = read_tflite(sys.argv[1])
    print(f"folded {g.fold_dequantize()} DEQUANTIZE")
    print(g.summary())
    print("inputs", [g.tensors[i].name for i in g.inputs], "outputs", [g.tensors[i].name for i in g.outputs])
