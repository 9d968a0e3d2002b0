#!/usr/bin/python3
"""FaceMesh-468 converter: MediaPipe face_landmark.tflite -> facenn int8 + float weights header.

    /usr/bin/python3 models/facemesh468/convert.py [--calib N] [--eval N] [--quick]

Steps (deterministic; network access only through `npm pack`):
  1. fetch @mediapipe/face_mesh@0.4.1633559619 (npm pack, sha256 pinned), cut face_landmark.tflite out of the
     packed assets (sha256 pinned), read it (models/common/tflite.py), fold the fp16 DEQUANTIZE ops;
  2. build the facenn layer graph (PReLU fused into the producing CONV_2D / ADD) and validate its float forward
     against the upstream goldens ../shared/peers/refs/facemesh (ONNX Runtime fp32 on the same weights);
  3. calibrate on real face crops from ../shared/data/train68 (HELEN / LFPW *training* faces, never the LFPW
     test set), quantize (int8 per-output-channel symmetric weights, per-tensor asymmetric activations), pick the
     range method that gives the smallest int8-vs-float landmark error on the calibration crops;
  4. measure int8 vs float on held-out crops, write include/facenn/weights/facemesh468.hpp, golden data and
     manifest.json.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from common import crops, emit_header, fetch, int8_ops as Q, net as N, tflite  # noqa: E402

CONVERTER_VERSION = "1"
MODEL = "facemesh468"
SOURCE_FILE = "face_landmark.tflite"
INPUT_QUANT = (float(np.float32(1.0 / 255.0)), -128)   # q = p - 128 <=> real = p / 255 exactly
MESH, FLAG = "conv2d_21", "conv2d_31"
HERE = Path(__file__).resolve().parent
REPO = fetch.repo_root()
PEER_REFS = crops.shared_dir() / "peers" / "refs" / "facemesh"


def log(msg):
    print(msg, flush=True)


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-np.asarray(x, np.float64)))


def to_int8(pixels_u8):
    return (pixels_u8.astype(np.int16) - 128).astype(np.int8)


def to_float(pixels_u8):
    return pixels_u8.astype(np.float32) / np.float32(255.0)


def landmark_errors(mesh_a, mesh_b):
    a, b = mesh_a.reshape(-1, 3), mesh_b.reshape(-1, 3)
    return np.linalg.norm(a[:, :2].astype(np.float64) - b[:, :2], axis=1)


def load_upstream():
    out = []
    for k in range(3):
        x = np.fromfile(PEER_REFS / f"input_{k}.bin", "<f4").reshape(192, 192, 3)
        mesh = np.fromfile(PEER_REFS / f"output_{k}_output_mesh.bin", "<f4")
        flag = np.fromfile(PEER_REFS / f"output_{k}_output_faceflag.bin", "<f4")
        out.append((x, mesh, flag))
    return out


def validate_float(net, upstream):
    inp = net.inputs[0]
    worst_mesh, worst_flag = 0.0, 0.0
    for x, mesh, flag in upstream:
        env = net.forward_float({inp: x}, keep_all=False)
        worst_mesh = max(worst_mesh, float(np.abs(env[MESH].reshape(-1) - mesh).max()))
        worst_flag = max(worst_flag, float(np.abs(sigmoid(env[FLAG].reshape(-1)) - flag).max()))
    log(f"float forward vs upstream (ONNX Runtime fp32): mesh max |diff| {worst_mesh:.3g} px, "
        f"face flag max |diff| {worst_flag:.3g}")
    if worst_mesh > 1e-3 or worst_flag > 1e-4:
        raise SystemExit("float forward does not match the upstream goldens")
    return dict(mesh_max_abs_px=worst_mesh, faceflag_max_abs=worst_flag)


FLAG_RANGE = (-16.0, 16.0)   # logits; sigmoid(16) = 0.9999999
MESH_MARGIN = 0.1


def output_quant(stats):
    """The two outputs are never clipped by a calibration method: the mesh keeps the full range seen on the
    calibration crops plus 10 % on each side (a clipped landmark is an error of many pixels), the flag a fixed
    logit range."""
    lo, hi = stats.lo[MESH], stats.hi[MESH]
    pad = MESH_MARGIN * (hi - lo)
    return {MESH: Q.choose_qparams(lo - pad, hi + pad), FLAG: Q.choose_qparams(*FLAG_RANGE)}


HYBRID_CUTS = ("add_17", "add_23")   # the int8 tensors the hybrid net dequantizes (3x3x128, one per head)


def hybrid_heads(ref_net, qnet, env_q):
    """FaceMesh468HybridNet: int8 up to the 3x3x128 tensor of each head (add_17, add_23), then the rest of the
    head in float with the original weights: conv 1x1 + PReLU, one residual block, the output conv (0.5 M MACs
    of 35 M). Returns the float outputs."""
    env = ref_net.forward_float_from({t: qnet.dequant(t, env_q[t]) for t in HYBRID_CUTS})
    return {MESH: env[MESH], FLAG: env[FLAG]}


def evaluate(net, ref_net, qnet, crops_u8, float_outs=None, score_crops=()):
    """int8 vs float on crops: landmark (x, y) error in px of the 192x192 crop, face-presence score difference
    (on ``crops_u8`` and on ``score_crops``: shifted / off-face crops whose scores are not saturated)."""
    inp = net.inputs[0]
    errs, herrs, flag_d, hflag_d, zerr, flag_pairs = [], [], [], [], [], []
    for i, c in enumerate(crops_u8):
        f = float_outs[i] if float_outs else net.forward_float({inp: to_float(c)}, keep_all=False)
        env = qnet.forward_int8({inp: to_int8(c)})
        mesh_q = qnet.dequant(MESH, env[MESH])
        errs.append(landmark_errors(mesh_q, f[MESH]))
        zerr.append(float(np.abs(mesh_q.reshape(-1, 3)[:, 2] - f[MESH].reshape(-1, 3)[:, 2]).max()))
        p_f = float(sigmoid(f[FLAG].item()))
        flag_d.append(abs(float(sigmoid(qnet.dequant(FLAG, env[FLAG]).item())) - p_f))
        h = hybrid_heads(ref_net, qnet, env)
        herrs.append(landmark_errors(h[MESH], f[MESH]))
        hflag_d.append(abs(float(sigmoid(h[FLAG].item())) - p_f))
    for c in score_crops:
        f = net.forward_float({inp: to_float(c)}, keep_all=False)
        env = qnet.forward_int8({inp: to_int8(c)})
        p_f = float(sigmoid(f[FLAG].item()))
        flag_d.append(abs(float(sigmoid(qnet.dequant(FLAG, env[FLAG]).item())) - p_f))
        hflag_d.append(abs(float(sigmoid(hybrid_heads(ref_net, qnet, env)[FLAG].item())) - p_f))
        flag_pairs.append((p_f, float(sigmoid(qnet.dequant(FLAG, env[FLAG]).item()))))
    e, he = np.array(errs), np.array(herrs)
    return dict(n=len(crops_u8), score_crops=len(crops_u8) + len(score_crops),
                int8=dict(mean_px=float(e.mean()), max_px=float(e.max()), p99_px=float(np.percentile(e, 99)),
                          max_abs_z=float(max(zerr)), faceflag_max_abs=float(max(flag_d)),
                          faceflag_mean_abs=float(np.mean(flag_d)),
                          faceflag_worst=max(flag_pairs, key=lambda t: abs(t[0] - t[1])) if flag_pairs else None),
                hybrid=dict(mean_px=float(he.mean()), max_px=float(he.max()), p99_px=float(np.percentile(he, 99)),
                            faceflag_max_abs=float(max(hflag_d))))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--calib", type=int, default=128, help="calibration crops (train68 faces 0, 4, 8, ...)")
    ap.add_argument("--seq-calib", type=int, default=32, help="crops used by the layer-by-layer calibration")
    ap.add_argument("--eval", type=int, default=100, help="held-out crops (train68 faces 2, 6, 10, ...)")
    ap.add_argument("--quick", action="store_true", help="only the global range methods (no layer-wise search)")
    ap.add_argument("--no-equalize", action="store_true", help="skip cross-layer equalization")
    args = ap.parse_args()
    t0 = time.time()

    path, prov = fetch.mediapipe_face_mesh_file(SOURCE_FILE)
    log(f"{prov['package']}@{prov['version']}: {SOURCE_FILE} sha256 {prov['file_sha256']}")
    g = tflite.read_tflite(path)
    n_deq = g.fold_dequantize()
    src_ops = {}
    for op in g.ops:
        src_ops[op.type] = src_ops.get(op.type, 0) + 1
    net = N.from_tflite(g)
    inp = net.inputs[0]
    log(f"graph: {len(g.ops)} ops after folding {n_deq} DEQUANTIZE -> {len(net.nodes)} facenn layers")

    upstream = load_upstream()
    float_check = validate_float(net, upstream)

    # ---- calibration / evaluation crops (train68, disjoint) ------------------------------------------------
    faces = crops.train68_faces()
    split = crops.calibration_split(faces, n_calib=args.calib, n_eval=args.eval)
    # calibration: jittered face crops, every 4th one moved off the face (0.3 / 0.5 / 0.8 of the side) so the
    # ranges also cover the crops a tracker sees when it loses the face (face-presence score in transition)
    calib = [crops.facemesh_crop(f, np.random.default_rng(i),
                                 shift=((-1) ** (i // 4) * (0.3, 0.5, 0.8)[(i // 4) % 3] if i % 4 == 3 else 0.0, 0.0))
             for i, f in enumerate(split["calib"])]
    evalc = [crops.facemesh_crop(f, np.random.default_rng(100000 + i)) for i, f in enumerate(split["eval"])]
    # face-presence score away from saturation: crops moved by 0.3 / 0.5 / 0.8 of their side (left / right)
    offc = [crops.facemesh_crop(f, np.random.default_rng(200000 + i), shift=((-1) ** i * (0.3, 0.5, 0.8)[i % 3], 0.0))
            for i, f in enumerate(split["eval"])]
    log(f"crops: {len(calib)} calibration, {len(evalc)} evaluation ({time.time() - t0:.0f} s)")

    ref_net = net
    if not args.no_equalize:
        net = N.equalize(ref_net, [{inp: to_float(c)} for c in calib])
        log(f"cross-layer equalization: {len(N.equalization_pairs(net))} producer/consumer pairs")
    stats = N.RangeStats(net)
    for c in calib:
        stats.observe_minmax(net.forward_float({inp: to_float(c)}))
    calib_float = []
    for c in calib:
        env = net.forward_float({inp: to_float(c)})
        stats.observe_hist(env)
        calib_float.append({MESH: env[MESH], FLAG: env[FLAG]})
    log(f"range statistics collected ({time.time() - t0:.0f} s)")
    fixed = output_quant(stats)
    log("output quantization: " + ", ".join(f"{k} scale {v[0]:.4g} zp {v[1]}" for k, v in fixed.items()))

    # ---- candidate quantizations, chosen on the calibration crops --------------------------------------------
    sel = [i for i in range(len(calib)) if i % 4 != 3][:48]
    sel_off = [i for i in range(len(calib)) if i % 4 == 3][:16]
    candidates = {}
    for m in ("minmax", ("percentile", 99.99), ("percentile", 99.9), "mse"):
        candidates[f"global {m}"] = N.quantize(net, stats.ranges(m), {inp: INPUT_QUANT}, fixed_quant=fixed)
    if not args.quick:
        ns = args.seq_calib
        fe = [{inp: to_float(c)} for c in calib[-ns:]]
        qe = [{inp: to_int8(c)} for c in calib[-ns:]]
        for bc in (False, True):
            qn, _ = N.quantize_sequential(net, stats, fe, qe, {inp: INPUT_QUANT}, bias_correction=bc,
                                          fixed_quant=fixed)
            candidates[f"layerwise{' + bias correction' if bc else ''}"] = qn
    scores = {}
    for name, qn in candidates.items():
        r = evaluate(net, ref_net, qn, [calib[i] for i in sel], [calib_float[i] for i in sel],
                     score_crops=[calib[i] for i in sel_off])
        scores[name] = r
        log(f"  {name:34s} calib int8 mean {r['int8']['mean_px']:.3f} max {r['int8']['max_px']:.3f} | "
            f"hybrid mean {r['hybrid']['mean_px']:.3f} max {r['hybrid']['max_px']:.3f} | face score max "
            f"{r['int8']['faceflag_max_abs']:.3f} / {r['hybrid']['faceflag_max_abs']:.3f}")
    best = min(scores, key=lambda k: scores[k]["int8"]["mean_px"] + scores[k]["hybrid"]["mean_px"]
               + 0.1 * (scores[k]["int8"]["max_px"] + scores[k]["hybrid"]["max_px"])
               + 2.0 * (scores[k]["int8"]["faceflag_max_abs"] + scores[k]["hybrid"]["faceflag_max_abs"]))
    qnet = candidates[best]
    log(f"chosen: {best} ({time.time() - t0:.0f} s)")

    # ---- held-out measurement ----------------------------------------------------------------------------------
    result = evaluate(net, ref_net, qnet, evalc, score_crops=offc)
    i8, hy = result["int8"], result["hybrid"]
    log(f"int8 vs float on {result['n']} held-out crops: landmarks mean {i8['mean_px']:.3f} px, max {i8['max_px']:.3f} px, "
        f"face score max |diff| {i8['faceflag_max_abs']:.4f}; hybrid (float head tails): mean {hy['mean_px']:.3f}, "
        f"max {hy['max_px']:.3f}, face score max |diff| {hy['faceflag_max_abs']:.4f}")

    # ---- header, goldens, manifest ----------------------------------------------------------------------------
    for n in net.nodes:
        n.attrs["source"] = describe(n)
    header_path = REPO / "include" / "facenn" / "weights" / f"{MODEL}.hpp"
    comment = header_comment(prov, best)
    emit_header.emit_qnet_header(qnet, header_path, MODEL,
                                 f"Generated by models/{MODEL}/convert.py (converter v{CONVERTER_VERSION}) from "
                                 f"{SOURCE_FILE} sha256 {prov['file_sha256']}. Do not edit.", comment, "fp16")
    log(f"wrote {header_path.relative_to(REPO)} ({header_path.stat().st_size} bytes)")

    goldens = write_goldens(ref_net, qnet, upstream)
    manifest = dict(
        model=MODEL, converter=f"models/{MODEL}/convert.py", converter_version=CONVERTER_VERSION,
        source=prov, license="Apache-2.0 (MediaPipe, Google LLC)",
        input=dict(name=inp, shape=[192, 192, 3], layout="HWC, RGB", float_range="[0, 1] (pixel / 255)",
                   int8=dict(scale=INPUT_QUANT[0], zero_point=INPUT_QUANT[1], mapping="q = pixel - 128 (exact)")),
        outputs=[dict(name=MESH, shape=[1, 1, 1404], meaning="468 landmarks (x, y, z) in pixels of the 192x192 crop",
                      int8=list(qnet.tquant[MESH])),
                 dict(name=FLAG, shape=[1, 1, 1], meaning="face-presence logit; score = sigmoid(logit)",
                      int8=list(qnet.tquant[FLAG]))],
        graph=dict(source_ops=src_ops, folded_dequantize=n_deq, facenn_layers=len(net.nodes),
                   layer_kinds={k: sum(1 for n in net.nodes if n.kind == k) for k in sorted({n.kind for n in net.nodes})}),
        float_validation=dict(reference="../shared/peers/refs/facemesh (ONNX Runtime fp32, same weights), 3 crops",
                              **float_check),
        output_quantization=dict(mesh=f"calibration min/max widened by {MESH_MARGIN:.0%} of the range on each side",
                                 flag=f"fixed logit range {list(FLAG_RANGE)}"),
        calibration=dict(set="../shared/data/train68 (HELEN + LFPW training faces; not the LFPW test set)",
                         faces=f"train.json entries 0, 4, 8, ... (first {len(calib)})",
                         crop="FaceMesh ROI from the 68 labels: eye-line rotation, side 1.5 x box, jitter "
                              "(scale +-10 %, centre +-5 %, roll +-6 deg), 192x192 bilinear; every 4th crop "
                              "moved off the face by 0.3 / 0.5 / 0.8 of its side",
                         crops=len(calib), layerwise_crops=args.seq_calib if not args.quick else 0),
        quantization=dict(weights="int8 symmetric per output channel (scale = max|w| / 127)",
                          activations="int8 asymmetric per tensor",
                          method=best, candidates={k: v["int8"] for k, v in scores.items()},
                          equalization=not args.no_equalize,
                          arithmetic="docs/internal/contract.md (TFLite classic double rounding)"),
        accuracy=dict(set=f"../shared/data/train68 entries 2, 6, 10, ... (first {len(evalc)}), disjoint from calibration; "
                          f"face score also on {len(offc)} crops shifted by 0.3 / 0.5 / 0.8 of the side",
                      metric="int8 vs float landmark (x, y) distance in px of the 192x192 crop; "
                             "face score = sigmoid(flag) difference",
                      **result),
        golden=goldens,
    )
    (HERE / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    log(f"wrote models/{MODEL}/manifest.json, golden/ ({time.time() - t0:.0f} s)")


def describe(n) -> str:
    a = n.attrs
    act = {"none": "", "prelu": " + PRELU", "relu": " + RELU", "relu6": " + RELU6"}[n.act]
    if n.kind in ("conv", "dwconv"):
        kind = "CONV_2D" if n.kind == "conv" else "DEPTHWISE_CONV_2D"
        w = a["w"]
        return f"{kind} {w.shape[1]}x{w.shape[2]}/{a['stride'][0]}{act}"
    if n.kind == "add":
        return f"ADD (main: {n.inputs[0]}, shortcut: {n.inputs[1]}){act}"
    return n.kind


def header_comment(prov, method) -> str:
    return (f"MediaPipe FaceMesh (face_landmark.tflite), {prov['package']}@{prov['version']}, Apache-2.0.\n"
            f"Input 192x192x3 RGB. Float: pixel / 255. Int8: q = pixel - 128 (scale 1/255, zero point -128: exact).\n"
            f"Outputs: {MESH} 1x1x1404 = 468 x (x, y, z) in crop pixels; {FLAG} 1x1x1 = face-presence logit.\n"
            f"Weights: int8 per-output-channel symmetric; activations int8 per tensor (calibration: {method}).\n"
            f"Float reference weights: the model's own fp16 values (lossless).")


def write_goldens(net, qnet, upstream) -> list:
    inp = net.inputs[0]
    entries = []
    for k, (x, mesh_up, flag_up) in enumerate(upstream):
        pixels = np.rint(x.astype(np.float64) * 255.0)
        assert np.array_equal(pixels / 255.0, x.astype(np.float64)) or np.abs(pixels / 255.0 - x).max() < 1e-6
        pixels = pixels.astype(np.uint8)
        assert np.array_equal(to_float(pixels), x), "peer golden input is not pixel / 255"
        q = to_int8(pixels)
        env_q = qnet.forward_int8({inp: q})
        env_f = net.forward_float({inp: x}, keep_all=False)
        hy = hybrid_heads(net, qnet, env_q)
        entries += [
            (f"input_{k}_s8", q, "int8 input (q = pixel - 128); float input = (q + 128) / 255.0f"),
            (f"int8_{k}_mesh_s8", env_q[MESH].reshape(-1), "numpy int8 emulation: conv2d_21 (int8)"),
            (f"int8_{k}_flag_s8", env_q[FLAG].reshape(-1), "numpy int8 emulation: conv2d_31 (int8)"),
            (f"hybrid_{k}_mesh_f32", hy[MESH].reshape(-1), "hybrid (int8 to add_17 / add_23, float after): conv2d_21"),
            (f"hybrid_{k}_flag_f32", hy[FLAG].reshape(-1), "hybrid: conv2d_31 (logit)"),
            (f"float_{k}_mesh_f32", env_f[MESH].reshape(-1), "numpy float reference: conv2d_21"),
            (f"float_{k}_flag_f32", env_f[FLAG].reshape(-1), "numpy float reference: conv2d_31 (logit)"),
            (f"upstream_{k}_mesh_f32", mesh_up, "upstream ONNX Runtime fp32 output_mesh (peers/refs/facemesh)"),
            (f"upstream_{k}_faceflag_f32", flag_up, "upstream output_faceflag = sigmoid(logit)"),
        ]
    emit_header.write_goldens(HERE / "golden", entries)
    return [dict(name=n, note=note) for n, _, note in entries]


if __name__ == "__main__":
    main()
