#!/usr/bin/env python3
"""Mutation test of the converters' model readers (models/common/tflite.py, models/common/tfjs.py).

Weights are trusted input (docs/security.md), but a truncated download or a corrupted cache must fail with a
clean Python exception, not hang, crash the interpreter or raise an IndexError from deep inside a parser.
Each case mutates a real file -- truncation, flipped bytes, 32-bit words overwritten with 0 / -1 / INT_MAX
(flatbuffer offsets and vector lengths), JSON edits (wrong types, negative / absurd shapes, missing keys,
shard paths outside the directory) -- and asserts that the reader either succeeds or raises a ValueError
(TfliteFormatError / TfjsFormatError / json.JSONDecodeError), within a time limit per case.

Inputs: the MediaPipe .tflite files and face-api manifests in <repo>/.cache (models/common/fetch.py puts them
there); a small synthetic TFJS manifest is always tested too. Missing cached files are skipped (reported).

usage: /usr/bin/python3 scripts/mutate_model_readers.py [--cases N] [--seed S]
exit status 0: every case behaved; 1: a case raised something else or took too long.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import signal
import struct
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "models" / "common"))
import tfjs  # noqa: E402

try:
    import tflite  # noqa: E402  (needs Debian python3-flatbuffers)
except ImportError as e:
    tflite = None
    print(f"skip TFLite cases: {e}")

TFLITE = [ROOT / ".cache/assets/mediapipe-face_mesh-0.4.1633559619/face_detection_short_range.tflite"]
TFJS = [ROOT / ".cache/npm/vladmandic-face-api-1.7.15/model/face_landmark_68_tiny_model-weights_manifest.json"]
CASE_SECONDS = 20


class Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise Timeout()


def mutate_bytes(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    b = bytearray(data)
    kind = rng.choice(["truncate", "flip", "word", "word", "zero_run"])
    if kind == "truncate":
        n = rng.choice([0, 1, 4, 8, 16, rng.randrange(len(b))])
        return f"truncate to {n}", bytes(b[:n])
    if kind == "flip":
        k = rng.randint(1, 8)
        for _ in range(k):
            i = rng.randrange(len(b))
            b[i] ^= 1 << rng.randrange(8)
        return f"flip {k} bits", bytes(b)
    if kind == "word":
        # Flatbuffer structure (root offset, vtables, vector lengths) lives mostly outside the big weight
        # buffers: bias towards the first and last 4 KiB.
        region = rng.choice(["head", "tail", "any"])
        i = rng.randrange(min(4096, len(b) - 4)) if region == "head" else \
            len(b) - 4 - rng.randrange(min(4096, len(b) - 4)) if region == "tail" else rng.randrange(len(b) - 4)
        v = rng.choice([0, 0xFFFFFFFF, 0x7FFFFFFF, 0x80000000, len(b), len(b) + 4, rng.getrandbits(32)])
        struct.pack_into("<I", b, i, v)
        return f"word {v:#x} at {i}", bytes(b)
    i = rng.randrange(len(b))
    n = rng.randint(1, 256)
    b[i:i + n] = bytes(len(b[i:i + n]))
    return f"zero {n} bytes at {i}", bytes(b)


def mutate_manifest(rng: random.Random, doc) -> tuple[str, str]:
    """A JSON-level mutation of a weights manifest (list of groups); returns the text."""
    d = json.loads(json.dumps(doc))
    g = rng.randrange(len(d))
    group = d[g]
    w = group["weights"][rng.randrange(len(group["weights"]))] if group["weights"] else {}
    kind = rng.randrange(14)
    desc = ""
    if kind == 0:
        w["shape"] = [-1] + list(w.get("shape", []))[1:]; desc = "negative dim"
    elif kind == 1:
        w["shape"] = [2 ** 40, 2 ** 40]; desc = "absurd shape"
    elif kind == 2:
        w["shape"] = "3x3"; desc = "shape is a string"
    elif kind == 3:
        w.pop(rng.choice(["name", "shape", "dtype"]), None); desc = "missing key"
    elif kind == 4:
        w["dtype"] = rng.choice(["float64", "string", 7, None]); desc = "bad dtype"
    elif kind == 5:
        w["quantization"] = rng.choice([{"dtype": "uint8"}, {"dtype": "int4", "scale": 1}, {"dtype": "uint8", "scale": "x"},
                                        {"dtype": "float16"}, [], None, {"dtype": "uint16", "scale": 1e308, "min": -1e308}])
        desc = "bad quantization"
    elif kind == 6:
        group["paths"] = rng.choice([["../../../etc/passwd"], ["/etc/passwd"], ["no_such_shard.bin"], [3], "x.bin", []])
        desc = "bad paths"
    elif kind == 7:
        d[g] = rng.choice([[], "group", 3, None, {}]); desc = "group not an object"
    elif kind == 8:
        group["weights"] = group["weights"] + group["weights"][:1]; desc = "duplicate weight"
    elif kind == 9:
        group["weights"] = group["weights"][:-1]; desc = "weight removed (trailing bytes)"
    elif kind == 10:
        return "not a list", json.dumps({"weightsManifest": 5})
    elif kind == 11:
        w["name"] = rng.choice([None, 5, ["a"]]); desc = "name not a string"
    elif kind == 12:
        w["shape"] = [1.5, "2"]; desc = "shape of non-integers"
    else:
        text = json.dumps(d)
        cut = rng.randrange(len(text))
        return f"JSON truncated at {cut}", text[:cut]
    return desc, json.dumps(d)


def run_case(label: str, fn) -> str | None:
    """None if the case behaved (success or ValueError), else a description of the failure."""
    signal.alarm(CASE_SECONDS)
    try:
        fn()
        return None
    except Timeout:
        return f"{label}: no answer after {CASE_SECONDS} s"
    except ValueError:
        return None
    except MemoryError:
        return f"{label}: MemoryError"
    except Exception as e:  # noqa: BLE001 -- the point of the test
        return f"{label}: {type(e).__name__}: {e}"
    finally:
        signal.alarm(0)


def synthetic_tfjs(tmp: Path) -> Path:
    """A 3-tensor manifest (float32, affine uint8, float16) with its shard."""
    import numpy as np
    a = np.arange(12, dtype="<f4").tobytes()
    b = bytes(range(16))
    c = np.arange(6, dtype="<f2").tobytes()
    (tmp / "syn.bin").write_bytes(a + b + c)
    manifest = [{"paths": ["syn.bin"], "weights": [
        {"name": "conv/filters", "shape": [3, 4], "dtype": "float32"},
        {"name": "conv/bias", "shape": [4, 4], "dtype": "float32", "quantization": {"dtype": "uint8", "min": -1.0, "scale": 0.01}},
        {"name": "fc/w", "shape": [2, 3], "dtype": "float32", "quantization": {"dtype": "float16"}}]}]
    p = tmp / "syn-weights_manifest.json"
    p.write_text(json.dumps(manifest))
    loaded = tfjs.load_manifest(str(p))  # the unmutated file must load
    for name in loaded.names():
        loaded.value(name)
    # A finite but huge quantization scale overflows float32: it must be refused, not loaded as inf weights.
    manifest[0]["weights"][1]["quantization"]["scale"] = 1e308
    bad = tmp / "syn-huge-scale-weights_manifest.json"
    bad.write_text(json.dumps(manifest))
    try:
        tfjs.load_manifest(str(bad)).value("conv/bias")
    except tfjs.TfjsFormatError:
        pass
    else:
        raise AssertionError("a 1e308 quantization scale loaded as non-finite weights instead of being refused")
    return p


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=150, help="mutations per input file")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    signal.signal(signal.SIGALRM, _alarm)
    rng = random.Random(args.seed)
    failures, counts = [], {}
    t0 = time.time()
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        for src in TFLITE if tflite is not None else []:
            if not src.exists():
                print(f"skip (not cached): {src}")
                continue
            data = src.read_bytes()
            tflite.read_tflite(src)  # the unmutated file must parse
            outcome = {"ok": 0, "ValueError": 0}
            for k in range(args.cases):
                desc, mutated = mutate_bytes(rng, data)
                p = tmp / "m.tflite"
                p.write_bytes(mutated)
                err = run_case(f"{src.name} case {k} ({desc})", lambda: tflite.read_tflite(p).fold_dequantize())
                if err:
                    failures.append(err)
                try:
                    tflite.read_tflite(p)
                    outcome["ok"] += 1
                except Exception:  # noqa: BLE001
                    outcome["ValueError"] += 1
            counts[src.name] = outcome
        manifests = [m for m in TFJS if m.exists()] + [synthetic_tfjs(tmp)]
        for m in TFJS:
            if not m.exists():
                print(f"skip (not cached): {m}")
        for src in manifests:
            doc = json.loads(src.read_text())
            shard = src.parent / doc[0]["paths"][0]
            outcome = {"ok": 0, "ValueError": 0}
            for k in range(args.cases):
                work = tmp / f"w{k % 2}"
                work.mkdir(exist_ok=True)
                if rng.random() < 0.3:  # damage the shard instead of the manifest
                    desc, blob = mutate_bytes(rng, shard.read_bytes())
                    text = json.dumps(doc)
                else:
                    desc, text = mutate_manifest(rng, doc)
                    blob = shard.read_bytes()
                for g in doc:
                    for p in g["paths"]:
                        (work / p).write_bytes(blob if p == doc[0]["paths"][0] else (src.parent / p).read_bytes())
                mp = work / "manifest.json"
                mp.write_text(text)

                def load():
                    m = tfjs.load_manifest(str(mp))
                    for name in m.names():
                        m.value(name)
                err = run_case(f"{src.name} case {k} ({desc})", load)
                if err:
                    failures.append(err)
                outcome["ok" if err is None and _loads(mp) else "ValueError"] += 1
            counts[src.name] = outcome
    for name, c in counts.items():
        print(f"{name}: {args.cases} mutations: {c['ok']} still load, {c['ValueError']} refused with ValueError")
    print(f"{time.time() - t0:.1f} s")
    for f in failures:
        print("FAIL", f)
    return 1 if failures else 0


def _loads(mp: Path) -> bool:
    try:
        m = tfjs.load_manifest(str(mp))
        for name in m.names():
            m.value(name)
        return True
    except Exception:  # noqa: BLE001
        return False


if __name__ == "__main__":
    sys.exit(main())
