"""Reader for TensorFlow.js weights manifests (``*-weights_manifest.json`` / ``model.json`` ``weightsManifest``).

A manifest is a list of *groups*; each group names its shard files (``paths``, concatenated in order) and lists
its ``weights`` in storage order: ``{"name", "shape", "dtype", ["quantization"]}``. Every entry occupies
``prod(shape) * bytes(stored dtype)`` consecutive bytes of the group's concatenated shards.

Stored dtypes handled here:

* plain ``float32`` / ``int32`` / ``bool`` (little endian),
* ``quantization: {"dtype": "uint8"|"uint16", "min": m, "scale": s}``  (affine: ``value = q * s + m``),
* ``quantization: {"dtype": "uint8"|"uint16", "scale": s, "dtype"...}`` without ``min`` is rejected by TFJS
  for uint8/uint16; we accept ``min`` missing only when ``scale`` is present and treat it as 0 (documented
  deviation, never seen in the face-api manifests),
* ``quantization: {"dtype": "float16"}`` (IEEE half, little endian).

Dequantisation matches ``tfjs-core`` ``io_utils.decodeWeight`` bit for bit: the product ``q * scale + min`` is
evaluated in double precision (JavaScript numbers) and the result is stored as float32.

For the affine-u8 case the raw bytes and ``(min, scale)`` are kept (``TfjsWeight.raw``, ``.qmin``, ``.qscale``)
so a float reference can be stored losslessly as facenn's ``AffineU8Array`` instead of float32.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
from typing import Dict, Iterable, List, Optional

import numpy as np

__all__ = ["TfjsWeight", "TfjsManifest", "TfjsFormatError", "load_manifest", "decode_affine"]


class TfjsFormatError(ValueError):
    """A malformed manifest or shard set (every structural error of :func:`load_manifest` becomes one)."""

_PLAIN = {"float32": np.dtype("<f4"), "int32": np.dtype("<i4"), "bool": np.dtype("u1")}
_QUANT = {"uint8": np.dtype("u1"), "uint16": np.dtype("<u2"), "float16": np.dtype("<f2")}


def decode_affine(q: np.ndarray, qmin: float, qscale: float) -> np.ndarray:
    """``float32(double(q) * scale + min)``: exactly what tfjs-core computes for uint8/uint16 weights."""
    with np.errstate(over="ignore", invalid="ignore"):  # overflow to inf is reported by TfjsWeight.value
        return (q.astype(np.float64) * float(qscale) + float(qmin)).astype(np.float32)


@dataclasses.dataclass
class TfjsWeight:
    name: str
    shape: tuple
    dtype: str                      # logical dtype of the tensor ("float32", "int32", ...)
    stored: str                     # stored dtype: "float32", "uint8", "uint16", "float16", ...
    group: int                      # index of the manifest group
    offset: int                     # byte offset inside the group's concatenated shards
    nbytes: int
    raw: np.ndarray                 # the stored values, flat, in stored dtype (a copy)
    qmin: Optional[float] = None    # affine quantisation parameters (uint8 / uint16 only)
    qscale: Optional[float] = None

    @property
    def size(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64)) if self.shape else 1

    @property
    def is_affine(self) -> bool:
        return self.qscale is not None

    @property
    def value(self) -> np.ndarray:
        """The dequantised tensor as TFJS materialises it (float32 for float32 weights)."""
        if self.is_affine:
            v = decode_affine(self.raw, self.qmin, self.qscale)
            if self.dtype == "int32":   # tfjs: Math.round(q * scale + min); not used by float nets
                v = np.floor(self.raw.astype(np.float64) * self.qscale + self.qmin + 0.5).astype(np.int32)
        elif self.stored == "float16":
            v = self.raw.astype(np.float32)
        else:
            v = self.raw.astype(_PLAIN[self.dtype]) if self.dtype in _PLAIN else self.raw
        # A trained network has finite weights: inf / NaN means a corrupt shard or absurd quantization
        # parameters (a finite but huge scale overflows float32), and would poison every output downstream.
        if v.dtype.kind == "f" and not np.isfinite(v).all():
            raise TfjsFormatError(f"{self.name}: non-finite weight values (corrupt shard or quantization parameters)")
        return v.reshape(self.shape)


@dataclasses.dataclass
class TfjsManifest:
    path: str
    groups: List[dict]
    weights: Dict[str, TfjsWeight]
    shard_sha256: Dict[str, str]     # shard file name -> sha256 of its bytes
    manifest_sha256: str

    def __getitem__(self, name: str) -> TfjsWeight:
        return self.weights[name]

    def __contains__(self, name: str) -> bool:
        return name in self.weights

    def names(self) -> List[str]:
        return list(self.weights)

    def value(self, name: str) -> np.ndarray:
        return self.weights[name].value

    def param_count(self) -> int:
        return sum(w.size for w in self.weights.values())

    def check_all_used(self, used: Iterable[str]) -> None:
        """Raise if a converter ignored a tensor of the manifest (a silent architecture mismatch)."""
        left = set(self.weights) - set(used)
        if left:
            raise ValueError(f"{self.path}: unused weights {sorted(left)}")


def _sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def load_manifest(path: str, shard_dir: Optional[str] = None) -> TfjsManifest:
    """Read a weights manifest (a list of groups) or a TFJS ``model.json`` (its ``weightsManifest``).

    Shards are looked up next to the manifest unless ``shard_dir`` is given. Sizes are checked: every group's
    shards must be consumed exactly. A malformed manifest (wrong JSON types, missing keys, negative or absurd
    shapes, shard names outside ``shard_dir``, missing shards) raises :class:`TfjsFormatError` (a ValueError).
    """
    try:
        return _load_manifest(path, shard_dir)
    except TfjsFormatError:
        raise
    except (KeyError, TypeError, IndexError, AttributeError, OverflowError, ValueError) as e:
        raise TfjsFormatError(f"{path}: malformed TFJS manifest ({type(e).__name__}: {e})") from e


def _load_manifest(path: str, shard_dir: Optional[str]) -> TfjsManifest:
    with open(path, "rb") as f:
        text = f.read()
    doc = json.loads(text)
    groups = doc["weightsManifest"] if isinstance(doc, dict) else doc
    if not isinstance(groups, list):
        raise TfjsFormatError(f"{path}: not a TFJS weights manifest")
    shard_dir = shard_dir or os.path.dirname(os.path.abspath(path))
    root = os.path.realpath(shard_dir)

    weights: Dict[str, TfjsWeight] = {}
    shard_sha: Dict[str, str] = {}
    for gi, group in enumerate(groups):
        blobs = []
        if not isinstance(group, dict) or not isinstance(group["paths"], list) or not isinstance(group["weights"], list):
            raise TfjsFormatError(f"{path}: group {gi} is not {{paths: [...], weights: [...]}}")
        for p in group["paths"]:
            if not isinstance(p, str):
                raise TfjsFormatError(f"{path}: group {gi}: shard path {p!r} is not a string")
            fp = os.path.join(shard_dir, p)
            if os.path.commonpath([root, os.path.realpath(fp)]) != root:
                raise TfjsFormatError(f"{path}: shard {p!r} lies outside {shard_dir}")
            try:
                with open(fp, "rb") as f:
                    blobs.append(f.read())
            except OSError as e:
                raise TfjsFormatError(f"{path}: cannot read shard {p!r} ({e.strerror})") from e
            shard_sha[p] = _sha256(fp)
        data = b"".join(blobs)
        off = 0
        for spec in group["weights"]:
            name, shape, dtype = spec["name"], tuple(int(d) for d in spec["shape"]), spec["dtype"]
            if not isinstance(name, str) or not isinstance(dtype, str) or any(d < 0 for d in shape):
                raise TfjsFormatError(f"{path}: bad weight entry {spec!r:.200}")
            n = math.prod(shape)  # Python ints: an absurd shape cannot wrap around to a small size
            q = spec.get("quantization")
            qmin = qscale = None
            if q is not None:
                stored = q["dtype"]
                if stored not in _QUANT:
                    raise ValueError(f"{name}: unsupported quantization dtype {stored!r}")
                if stored in ("uint8", "uint16"):
                    if "scale" not in q:
                        raise ValueError(f"{name}: {stored} quantization without scale")
                    qscale = float(q["scale"])
                    qmin = float(q.get("min", 0.0))
                elif dtype != "float32":
                    raise ValueError(f"{name}: float16 quantization of a {dtype} tensor")
                sdt = _QUANT[stored]
            else:
                if dtype not in _PLAIN:
                    raise ValueError(f"{name}: unsupported dtype {dtype!r}")
                stored, sdt = dtype, _PLAIN[dtype]
            nbytes = n * sdt.itemsize
            if off + nbytes > len(data):
                raise ValueError(f"{path}: group {gi} shards too short for {name}")
            raw = np.frombuffer(data, dtype=sdt, count=n, offset=off).copy()
            if name in weights:
                raise ValueError(f"{path}: duplicate weight {name}")
            weights[name] = TfjsWeight(name, shape, dtype, stored, gi, off, nbytes, raw, qmin, qscale)
            off += nbytes
        if off != len(data):
            raise ValueError(f"{path}: group {gi} has {len(data) - off} trailing bytes")
    return TfjsManifest(path, groups, weights, shard_sha, hashlib.sha256(text).hexdigest())


if __name__ == "__main__":  # quick inspection: python3 tfjs.py manifest.json
    import sys

    m = load_manifest(sys.argv[1])
    for w in m.weights.values():
        extra = f" u8 min={w.qmin:.6g} scale={w.qscale:.6g}" if w.is_affine else ""
        print(f"{w.name:50s} {str(w.shape):18s} {w.stored:8s}{extra}")
    print(f"{len(m.weights)} tensors, {m.param_count()} values, shards {m.shard_sha256}")
