"""Shared driver of the face-api converters (landmarks68, landmarks68_tiny, face_embedder).

    pkg = fetch_faceapi()                              # npm pack + sha256 pins (tarball and every model file)
    m, prov = load_model(pkg, "face_landmark_68_model")
    ... build the IR (faceapi_models), flatten (faceapi_graph.to_net), calibrate and quantize (common.net) ...
    emit_weights(...)                                  # include/facenn/weights/<model>.hpp (+ optional blobs)
    tfjs_outputs(...)                                  # the original TFJS runtime on golden inputs

The float reference weights in the headers are the manifest's own bytes (TFJS affine uint8: value = q * scale +
min, lossless), permuted into facenn's filter layouts; float32 manifest entries stay float32. Layers that fold
something into a filter (the recognition net's per-channel scale, the /255 of the input) keep the original
bytes and carry the per-output-channel factor (``ChannelScaled``), so nothing is rounded twice.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from common import emit_header as E  # noqa: E402
from common import fetch, int8_ops as Q, net as N, tfjs  # noqa: E402

import faceapi_graph as G  # noqa: E402

HERE = Path(__file__).resolve().parent
REPO = fetch.repo_root()

FACE_API = dict(
    name="@vladmandic/face-api",
    version="1.7.15",
    tarball_sha256="0d77fffeef362ef9c0939cf6c567f3a2e8e177f114fa257a3270cbd2e509b031",
    license="MIT",
    files={
        "model/face_landmark_68_model-weights_manifest.json": "ca4886639f86e99b39fed0c155f81b63317225773bd9616716e887b0153389c9",
        "model/face_landmark_68_model.bin": "4611ef65c87d836d03d684b30eec4d195d8b219fa1dd58fc58945831c6b9299b",
        "model/face_landmark_68_tiny_model-weights_manifest.json": "9a1a5dd19fd814fd5095c3cb58f8e0d3193b8c5b9a6715b30a69d559aea31ad4",
        "model/face_landmark_68_tiny_model.bin": "b98e9f2f7da76f8a6dda9741a36ed485b224b889d552de2b2c1bb16217f67bfc",
        "model/face_recognition_model-weights_manifest.json": "cbaffa501b0b9275a12b63357a6843e7e30c054e1c9151e1a5f879b26e32986b",
        "model/face_recognition_model.bin": "b413e420d6840b2775fba32008db6f3cddb07d485967fb42cfcf379c16a8c589",
    },
)


def log(msg):
    print(msg, flush=True)


def fetch_faceapi() -> Path:
    p = FACE_API
    pkg = fetch.npm_package(p["name"], p["version"], p["tarball_sha256"])
    for rel, sha in p["files"].items():
        got = fetch.sha256_file(pkg / rel)
        if got != sha:
            raise SystemExit(f"{rel}: sha256 {got}, expected {sha}")
    return pkg


def load_model(pkg: Path, stem: str):
    """(TfjsManifest, provenance dict) of model/<stem>-weights_manifest.json + its shard."""
    mpath = pkg / "model" / f"{stem}-weights_manifest.json"
    m = tfjs.load_manifest(str(mpath))
    p = FACE_API
    files = {f"model/{stem}-weights_manifest.json": p["files"][f"model/{stem}-weights_manifest.json"]}
    for shard, sha in m.shard_sha256.items():
        key = f"model/{shard}"
        if p["files"].get(key) != sha:
            raise SystemExit(f"{key}: sha256 {sha} is not the pinned one")
        files[key] = sha
    prov = dict(package=p["name"], version=p["version"], tarball=f"vladmandic-face-api-{p['version']}.tgz",
                tarball_sha256=p["tarball_sha256"], license=p["license"], files=files,
                manifest_params=m.param_count())
    return m, prov


def to_u8(x) -> np.ndarray:
    return np.clip(np.floor(np.asarray(x, np.float64) + 0.5), 0, 255).astype(np.uint8)


def to_int8(pixels_u8) -> np.ndarray:
    return (pixels_u8.astype(np.int16) - 128).astype(np.int8)


# ------------------------------------------------------------------------------------------------ TFJS runtime
def node_dir() -> Path | None:
    for d in (os.environ.get("FACENN_NODE_DIR"), REPO / ".cache" / "node", REPO.parent / "peers-work" / ".cache" / "node"):
        if d and (Path(d) / "node_modules" / "@vladmandic" / "face-api").exists():
            return Path(d)
    return None


def tfjs_outputs(net_name: str, pkg: Path, size: int, inputs_u8: list) -> list:
    """Run the original face-api net (TFJS 4.22 wasm backend, 1 thread) on uint8 HWC inputs."""
    nd = node_dir()
    if nd is None or shutil.which("node") is None:
        raise SystemExit("the TFJS reference needs node and FACENN_NODE_DIR with @tensorflow/tfjs@4.22.0, "
                         "@tensorflow/tfjs-backend-wasm@4.22.0 and @vladmandic/face-api@1.7.15 (see tfjs_ref.js)")
    tmp = REPO / ".cache" / "faceapi_tfjs" / net_name
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    files = []
    for k, x in enumerate(inputs_u8):
        f = tmp / f"in_{k}.bin"
        f.write_bytes(np.ascontiguousarray(x, np.uint8).tobytes())
        files.append(str(f))
    env = dict(os.environ, FACENN_NODE_DIR=str(nd))
    out = subprocess.run(["node", str(HERE / "tfjs_ref.js"), net_name, str(pkg / "model"), str(size), str(tmp)] + files,
                         check=True, capture_output=True, text=True, env=env).stdout
    meta = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    res = [np.fromfile(tmp / f"in_{k}.tfjs.f32", "<f4") for k in range(len(files))]
    return res, dict(runtime=f"tfjs {meta[0]['tfjs']} ({meta[0]['backend']} backend, 1 thread)", node_modules=str(nd))


# ------------------------------------------------------------------------------------------------ quantization
def calibrate(net, feeds_f32: list) -> N.RangeStats:
    st = N.RangeStats(net)
    inp = net.inputs[0]
    for x in feeds_f32:
        st.observe_minmax(net.forward_float({inp: x}))
    for x in feeds_f32:
        st.observe_hist(net.forward_float({inp: x}))
    return st


def degenerate_quant(st: N.RangeStats) -> dict:
    """Fixed quantization for tensors that are constant zero on the whole calibration set (the tiny landmark
    net's dense0/conv2 has all-zero depthwise and pointwise filters). choose_qparams would give such a tensor a
    ~1e-11 scale, and the bias of the conv reading it (bias / (in_scale * w_scale)) would saturate int32;
    any ordinary scale represents 0 exactly."""
    return {t: Q.choose_qparams(0.0, 1.0) for t in st.tensors if max(abs(st.lo[t]), abs(st.hi[t])) < 1e-6}


def affine_dw_range(node) -> tuple:
    """Real output range of a 1x1 depthwise conv over inputs in [0, 255] (the input normalization)."""
    w = node.attrs["w"].reshape(-1).astype(np.float64)
    b = node.attrs["b"].astype(np.float64)
    lo = b + np.minimum(0.0, 255.0 * w)
    hi = b + np.maximum(0.0, 255.0 * w)
    return float(lo.min()), float(hi.max())


# ------------------------------------------------------------------------------------------------ header
ACT = {"none": "None", "relu": "Relu"}

SUPPORT_TYPES = """// Float filter views used by this header besides facenn's Fp16Array / AffineU8Array / F32Array:
//   ChannelScaled<A>  A's value times a per-output-channel factor (a scale layer or the input's 1/255 folded into
//                     the filter without re-rounding the stored bytes): value[i] = float(double(A[i]) * scale[i / n])
//   ConstantArray     every value equal (the 1/(H*W) taps of a mean)
template <class A>
struct ChannelScaled {
  A base;
  const float* scale;
  std::size_t per_channel;
  constexpr float operator[](std::size_t i) const noexcept {
    return static_cast<float>(static_cast<double>(base[i]) * static_cast<double>(scale[i / per_channel]));
  }
  constexpr std::size_t size() const noexcept { return base.size(); }
};

struct ConstantArray {
  float value;
  std::size_t count;
  constexpr float operator[](std::size_t) const noexcept { return value; }
  constexpr std::size_t size() const noexcept { return count; }
};
"""


def _permute_raw(raw: np.ndarray, shape: tuple, kind: str, transposed: bool) -> np.ndarray:
    """Stored TFJS bytes (HWIO conv / [kh,kw,C,1] depthwise / [in,out] matmul) -> facenn layout order."""
    a = raw.reshape(shape)
    if kind == "conv":
        return np.ascontiguousarray(np.transpose(a, (3, 0, 1, 2))).ravel()
    if kind == "dw":
        return np.ascontiguousarray(a[:, :, :, 0]).ravel()
    if kind == "fc":
        return np.ascontiguousarray(a.T if transposed else a).ravel()
    raise ValueError(kind)


def float_filter_expr(h: E.HeaderWriter, c: G.Conv, check: np.ndarray) -> tuple[str, list]:
    """(C++ initializer of filter_float, extra field lines). ``check``: the float filter the net computes with
    (facenn layout); the stored form must reproduce it to float32 rounding."""
    extra = []
    n = int(check.size)
    if c.src.get("constant") is not None:
        v = float(np.float32(c.src["constant"]))
        expr = f"ConstantArray{{{E.cfloat(v)}, {n}}}"
        got = np.full(n, np.float32(v))
    elif "filter" in c.src:
        s = c.src["filter"]
        data = _permute_raw(s["raw"], s["shape"], c.kind, c.src.get("transposed", False))
        if s["stored"] == "uint8":
            off = h.float_blob(data.astype(np.uint8).tobytes())
            base = f"AffineU8Array{{kFloatBlob + {off}, {n}, {s['qmin']!r}, {s['qscale']!r}}}"
            base_val = tfjs.decode_affine(data, s["qmin"], s["qscale"])
        elif s["stored"] == "float32":
            off = h.float_blob(data.astype("<f4").tobytes())
            base = f"F32Array{{kFloatBlob + {off}, {n}}}"
            base_val = data.astype(np.float32)
        else:
            raise ValueError(s["stored"])
        ch_scale = c.src.get("channel_scale")
        if ch_scale is None:
            expr, got = base, base_val
        else:
            ch_scale = np.asarray(ch_scale, np.float32)
            extra.append(E.array_field("float", "filter_scale_float", ch_scale, E.cfloat))
            per = n // ch_scale.size
            btype = base.split("{", 1)[0]
            expr = f"ChannelScaled<{btype}>{{{base}, filter_scale_float, {per}}}"
            got = (base_val.astype(np.float64) * np.repeat(ch_scale.astype(np.float64), per)).astype(np.float32)
    else:   # computed filters (input normalization): float32
        off = h.float_blob(check.astype("<f4").tobytes())
        expr, got = f"F32Array{{kFloatBlob + {off}, {n}}}", check.astype(np.float32)
    err = float(np.abs(got.astype(np.float64) - check.astype(np.float64)).max() / max(np.abs(check).max(), 1e-30))
    if err > 1e-6:
        raise SystemExit(f"{c.name}: stored float filter differs from the graph's ({err:.3g})")
    return expr, extra


def emit_weights(qnet, ir_nodes, path: Path, namespace: str, first_line: str, comment: str,
                 blob_header: str | None = None, blob_dir: Path | None = None) -> dict:
    """The generated weights header (contract.md §3). With ``blob_header`` the two blobs are not written into
    the header: they go to ``blob_dir`` as ``<namespace>_weights.tar.xz`` (raw blobs) and the header includes
    ``blob_header`` (generated from them at build time)."""
    net = qnet.net
    conv_by_name = {c.name: c for c in G.weighted(ir_nodes)}
    h = E.HeaderWriter(namespace, first_line)
    if comment:
        h.comment(comment)
    root = {t: t for t in net.inputs}
    for n in net.nodes:
        root[n.output] = root[n.inputs[0]] if n.kind in N.PASSTHROUGH else n.output
    for t in list(net.inputs) + [n.output for n in net.nodes if n.kind not in N.PASSTHROUGH]:
        s, zp = qnet.tquant[t]
        p = net.producer(t)
        h.quant(E.quant_name(t), s, zp, "network input" if p is None else f"{p.kind} output")
    for n in net.nodes:
        if n.kind in N.PASSTHROUGH:
            continue
        d = qnet.qdata[n.name]
        a = n.attrs
        if n.kind in N.WEIGHTED:
            c = conv_by_name[n.name]
            w = a["w"]
            if n.kind == "conv":
                kh, kw, cin, cout = w.shape[1], w.shape[2], w.shape[3], w.shape[0]
            elif n.kind == "dwconv":
                kh, kw, cin, cout = w.shape[1], w.shape[2], w.shape[3], w.shape[3]
            else:
                kh, kw, cin, cout = 1, 1, w.shape[1], w.shape[0]
            stride = a.get("stride", (1, 1))
            pads = a.get("pads", (0, 0, 0, 0))
            foff = h.int8_blob(d["filter"])
            layout = {"conv": "OHWI", "dwconv": "[1][kh][kw][c]", "fc": "[out][in]"}[n.kind]
            expr, extra = float_filter_expr(h, c, np.asarray(a.get("w_ref", w), np.float32).ravel())
            f = [f"  static constexpr int kernel_h = {kh}, kernel_w = {kw}, in_channels = {cin}, out_channels = {cout};",
                 f"  static constexpr int stride_h = {stride[0]}, stride_w = {stride[1]};",
                 f"  static constexpr int pad_top = {pads[0]}, pad_left = {pads[2]}, pad_bottom = {pads[1]}, pad_right = {pads[3]};",
                 f"  static constexpr Activation activation = Activation::{ACT[n.act]};",
                 f"  using input_quant = {E.quant_name(root[n.inputs[0]])};",
                 f"  using output_quant = {E.quant_name(n.output)};",
                 f"  static constexpr const std::int8_t* filter = kInt8Blob + {foff};  // {layout}, {d['filter'].size} values",
                 E.array_field("std::int32_t", "bias", d["bias"]),
                 E.array_field("std::int32_t", "multiplier", d["multiplier"]),
                 E.array_field("std::int32_t", "shift", d["shift"]),
                 f"  static constexpr std::int32_t act_min = {d['act_min']}, act_max = {d['act_max']};"]
            f += extra
            f.append(f"  static constexpr auto filter_float = {expr};")
            f.append(E.array_field("float", "bias_float", a.get("b_ref", a["b"]), E.cfloat))
            h.struct(n.name, f, c.comment)
        elif n.kind == "add":
            f = [f"  static constexpr int channels = {net.shapes[n.output][2]};",
                 f"  static constexpr Activation activation = Activation::{ACT[n.act]};",
                 f"  using input1_quant = {E.quant_name(root[n.inputs[0]])};  // main path",
                 f"  using input2_quant = {E.quant_name(root[n.inputs[1]])};  // shortcut",
                 f"  using output_quant = {E.quant_name(n.output)};",
                 "  static constexpr int left_shift = 20;",
                 f"  static constexpr std::int32_t input1_multiplier = {E.cint(d['input1_multiplier'])}, input1_shift = {d['input1_shift']};",
                 f"  static constexpr std::int32_t input2_multiplier = {E.cint(d['input2_multiplier'])}, input2_shift = {d['input2_shift']};",
                 f"  static constexpr std::int32_t output_multiplier = {E.cint(d['output_multiplier'])}, output_shift = {d['output_shift']};",
                 f"  static constexpr std::int32_t act_min = {d['act_min']}, act_max = {d['act_max']};"]
            h.struct(n.name, f)
        else:
            raise ValueError(f"no header format for {n.kind}")

    text = h.text()
    # the float filter views this header needs, right after the includes
    text = text.replace("#include <cstdint>\n", "#include <cstddef>\n#include <cstdint>\n", 1)
    ns_open = f"namespace facenn::weights::{namespace} {{\n\n"
    text = text.replace(ns_open, ns_open + SUPPORT_TYPES + "\n", 1)
    info = dict(int8_bytes=len(h.i8), float_bytes=len(h.f))
    if blob_header:
        start = text.index("// int8 filters (")
        end = text.index("// activation quantization")
        inc = (f"// int8 filters ({len(h.i8)} bytes) and float reference weights ({len(h.f)} bytes): kInt8Blob, kFloatBlob\n"
               f"// are generated at build time from models/{namespace}/weights/{namespace}_weights.tar.xz (see docs/models/{namespace}.md).\n"
               f"#if __has_include(<{blob_header}>)\n#include <{blob_header}>\n#else\n"
               f"#error \"<{blob_header}> not found: it is generated by the facenn build (CMake) from "
               f"models/{namespace}/weights/{namespace}_weights.tar.xz; use the installed package or link facenn::{namespace}_weights\"\n#endif\n\n")
        text = text[:start] + text[end:]
        ns = f"namespace facenn::weights::{namespace} {{\n"
        text = text.replace(ns, inc + ns, 1)     # the blob header opens the namespace itself
        write_blob_archive(blob_dir / f"{namespace}_weights.tar.xz",
                           {f"{namespace}_int8.bin": bytes(h.i8), f"{namespace}_float.bin": bytes(h.f)})
        info.update(int8_sha256=hashlib.sha256(bytes(h.i8)).hexdigest(),
                    float_sha256=hashlib.sha256(bytes(h.f)).hexdigest())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    info["header_bytes"] = path.stat().st_size
    return info


def write_blob_archive(path: Path, files: dict) -> None:
    """A reproducible .tar.xz (fixed mtime / owner / order, xz preset 9e) of raw blobs: CMake extracts it at
    build time (file(ARCHIVE_EXTRACT), models/face_embedder/bin2header.cmake)."""
    import io
    import lzma
    import tarfile
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as tf:
        for name in sorted(files):
            data = files[name]
            ti = tarfile.TarInfo(name)
            ti.size, ti.mtime, ti.mode, ti.uid, ti.gid, ti.uname, ti.gname = len(data), 0, 0o644, 0, 0, "", ""
            tf.addfile(ti, io.BytesIO(data))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(lzma.compress(buf.getvalue(), format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC64,
                                   preset=9 | lzma.PRESET_EXTREME))


def write_goldens(directory: Path, entries: list) -> list:
    E.write_goldens(directory, entries)
    return [dict(name=n, note=note) for n, _, note in entries]
