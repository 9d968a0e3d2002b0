#!/usr/bin/python3
"""BlazeFace-128 (short range) converter: MediaPipe face_detection_short_range.tflite -> facenn header.

    /usr/bin/python3 models/blazeface128/convert.py [--calib N] [--eval N] [--quick]

Steps (deterministic; network access only through `npm pack`):
  1. fetch @mediapipe/face_mesh@0.4.1633559619 (npm pack, sha256 pinned), cut face_detection_short_range.tflite
     out of the packed assets (sha256 pinned), read it, fold the fp16 DEQUANTIZE ops;
  2. build the facenn layer graph up to the four raw head convolutions (the RESHAPE / CONCATENATION to 896
     anchors is post-processing), RELU fused into the producing CONV_2D / ADD; validate the float forward against
     the upstream goldens ../shared/peers/refs/blazeface_front (same weights, TFJS layout: 512 + 384 anchors);
  3. calibrate on real photos from ../shared/data/train68 (letterboxed to 128x128; never the LFPW test set),
     quantize, measure int8 vs float on held-out photos (raw heads and decoded detections);
  4. write include/facenn/weights/blazeface128.hpp, golden data and manifest.json.

Input quantization: the model wants x = pixel / 127.5 - 1. No int8 (scale, integer zero point) represents that
exactly (x = 0 falls at pixel 127.5), so the int8 input is q = pixel - 128 with scale 2/255 and zero point 0,
i.e. the real value (q - 0 + 0.5) * scale: the constant half step is folded into the first convolution's int8
bias (exact for every output whose 5x5 window lies inside the image; windows that reach into the padding
see the padding as 1/255 instead of 0).
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
MODEL = "blazeface128"
SOURCE_FILE = "face_detection_short_range.tflite"
INPUT_QUANT = (float(np.float32(2.0 / 255.0)), 0)
INPUT_OFFSET_LSB = 0.5
HEADS = ("classificator_8", "regressor_8", "classificator_16", "regressor_16")   # 16x16x2, 16x16x32, 8x8x6, 8x8x96
HERE = Path(__file__).resolve().parent
REPO = fetch.repo_root()
PEER_REFS = crops.shared_dir() / "peers" / "refs" / "blazeface_front"


def log(msg):
    print(msg, flush=True)


def to_int8(pixels_u8):
    return (pixels_u8.astype(np.int16) - 128).astype(np.int8)


def to_float(pixels_u8):
    return pixels_u8.astype(np.float32) / np.float32(127.5) - np.float32(1.0)


# ---------------------------------------------------------------------------------------------- post-processing
def anchors() -> np.ndarray:
    """896 SSD anchors of the short-range model: (x_center, y_center), size 1 (fixed anchor size)."""
    out = []
    for grid, per_cell in ((16, 2), (8, 6)):
        for y in range(grid):
            for x in range(grid):
                out += [((x + 0.5) / grid, (y + 0.5) / grid)] * per_cell
    return np.array(out, np.float64)


ANCHORS = anchors()


def flat_heads(h: dict):
    """The four raw heads -> (scores [896], regressors [896, 16]) as the TFLite graph's reshape + concat."""
    scores = np.concatenate([h["classificator_8"].reshape(-1), h["classificator_16"].reshape(-1)]).astype(np.float64)
    regs = np.concatenate([h["regressor_8"].reshape(-1, 16), h["regressor_16"].reshape(-1, 16)]).astype(np.float64)
    return scores, regs


def decode(scores, regs, min_score=0.5):
    """Boxes (xmin, ymin, w, h) and keypoints in 128-px input coordinates + sigmoid scores, then MediaPipe's
    weighted NMS (IoU > 0.3 with the highest-scoring remaining box, score-weighted mean)."""
    s = 1.0 / (1.0 + np.exp(-np.clip(scores, -100, 100)))
    c = regs / 128.0
    cx = c[:, 0] + ANCHORS[:, 0]
    cy = c[:, 1] + ANCHORS[:, 1]
    w, h = c[:, 2], c[:, 3]
    kp = c[:, 4:].reshape(-1, 6, 2) + ANCHORS[:, None, :]
    boxes = np.stack([cx - w / 2, cy - h / 2, w, h], 1) * 128.0
    kp = kp * 128.0
    idx = [i for i in np.argsort(-s, kind="stable") if s[i] >= min_score and w[i] > 0 and h[i] > 0]
    dets = []
    while idx:
        top = idx[0]
        ious = np.array([_iou(boxes[top], boxes[i]) for i in idx])
        members = [i for i, v in zip(idx, ious) if v > 0.3]
        wts = s[members] / s[members].sum()
        dets.append(dict(score=float(s[top]), box=(wts[:, None] * boxes[members]).sum(0),
                         keypoints=(wts[:, None, None] * kp[members]).sum(0)))
        idx = [i for i, v in zip(idx, ious) if v <= 0.3]
    return dets


def _iou(a, b):
    x0, y0 = max(a[0], b[0]), max(a[1], b[1])
    x1, y1 = min(a[0] + a[2], b[0] + b[2]), min(a[1] + a[3], b[1] + b[3])
    if x1 <= x0 or y1 <= y0:
        return 0.0
    inter = (x1 - x0) * (y1 - y0)
    return inter / (a[2] * a[3] + b[2] * b[3] - inter)


# ---------------------------------------------------------------------------------------------- checks
def load_upstream():
    out = []
    for k in range(3):
        x = np.fromfile(PEER_REFS / f"input_{k}.bin", "<f4").reshape(128, 128, 3)
        ref = {n: np.fromfile(PEER_REFS / f"output_{k}_{n}.bin", "<f4") for n in
               ("classificators_1", "regressors_1", "classificators_2", "regressors_2")}
        out.append((x, ref))
    return out


def validate_float(net, upstream):
    inp = net.inputs[0]
    worst = {}
    for x, ref in upstream:
        env = net.forward_float({inp: x}, keep_all=False)
        pairs = (("classificator_8", "classificators_1"), ("regressor_8", "regressors_1"),
                 ("classificator_16", "classificators_2"), ("regressor_16", "regressors_2"))
        for ours, theirs in pairs:
            d = float(np.abs(env[ours].reshape(-1) - ref[theirs]).max())
            worst[ours] = max(worst.get(ours, 0.0), d)
    log("float forward vs upstream (ONNX Runtime fp32): max |diff| " + ", ".join(f"{k} {v:.3g}" for k, v in worst.items()))
    if max(worst.values()) > 1e-3:
        raise SystemExit("float forward does not match the upstream goldens")
    return {f"{k}_max_abs": v for k, v in worst.items()}


def evaluate(net, qnet, images):
    """int8 vs float on photos: raw head differences (real units); per-anchor score differences where the
    float score is > 0.1; decoded detections matched by IoU > 0.5: box corner and keypoint distances in
    128-px input pixels, score differences, and the detections only one side has (near the 0.5 threshold)."""
    inp = net.inputs[0]
    raw = {h: 0.0 for h in HEADS}
    anchor_score_err, box_err, kp_err, score_err = [], [], [], []
    only_float, only_int8, n_dets, borderline = 0, 0, 0, []
    for img in images:
        f = net.forward_float({inp: to_float(img)}, keep_all=False)
        q = qnet.forward_int8({inp: to_int8(img)}, keep_all=False)
        dq = {h: qnet.dequant(h, q[h]) for h in HEADS}
        for h in HEADS:
            raw[h] = max(raw[h], float(np.abs(dq[h] - f[h]).max()))
        sf, rf = flat_heads(f)
        sq, rq = flat_heads(dq)
        pf, pq = 1 / (1 + np.exp(-np.clip(sf, -100, 100))), 1 / (1 + np.exp(-np.clip(sq, -100, 100)))
        keep = pf > 0.1
        if keep.any():
            anchor_score_err.append(float(np.abs(pq[keep] - pf[keep]).max()))
        df, dqd = decode(sf, rf), decode(sq, rq)
        n_dets += len(df)
        unmatched = list(range(len(dqd)))
        for a in df:
            best = max(unmatched, key=lambda j: _iou(a["box"], dqd[j]["box"]), default=None)
            if best is None or _iou(a["box"], dqd[best]["box"]) <= 0.5:
                only_float += 1
                borderline.append(a["score"])
                continue
            unmatched.remove(best)
            b = dqd[best]
            ca = np.array([a["box"][0], a["box"][1], a["box"][0] + a["box"][2], a["box"][1] + a["box"][3]])
            cb = np.array([b["box"][0], b["box"][1], b["box"][0] + b["box"][2], b["box"][1] + b["box"][3]])
            box_err.append(float(np.abs(ca - cb).max()))
            kp_err.append(float(np.linalg.norm(a["keypoints"] - b["keypoints"], axis=1).max()))
            score_err.append(abs(a["score"] - b["score"]))
        only_int8 += len(unmatched)
        borderline += [dqd[j]["score"] for j in unmatched]
    be, ke = np.array(box_err or [0.0]), np.array(kp_err or [0.0])
    return dict(images=len(images), detections_float=n_dets, matched=len(box_err),
                unmatched_float_only=only_float, unmatched_int8_only=only_int8,
                unmatched_scores=[round(v, 3) for v in borderline],
                box_corner_mean_px=float(be.mean()), box_corner_max_px=float(be.max()),
                keypoint_mean_px=float(ke.mean()), keypoint_max_px=float(ke.max()),
                score_mean_abs=float(np.mean(score_err or [0.0])), score_max_abs=float(max(score_err or [0.0])),
                anchor_score_max_abs=float(max(anchor_score_err or [0.0])),
                raw_head_max_abs={h: v for h, v in raw.items()})


SCORE_RANGE = (-10.0, 10.0)     # logits: sigmoid(-10) = 4.5e-5, sigmoid(10) = 0.99995
RELEVANT_LOGIT = -3.0           # anchors whose regressors matter: score > 0.047
REGRESSOR_MARGIN = 1.25


def head_quant(net, calib):
    """Output quantization of the four heads. The raw heads span huge ranges on background anchors (logits to
    -3000, regressors to +-1500) that post-processing never looks at; a per-tensor int8 scale over those would
    leave ~3.5 logit units per step. Scores get a fixed logit range; regressors the range seen on anchors that
    could become detections (float logit > -3), widened by 25 %."""
    inp = net.inputs[0]
    lo = {"regressor_8": 0.0, "regressor_16": 0.0}
    hi = {"regressor_8": 0.0, "regressor_16": 0.0}
    for c in calib:
        f = net.forward_float({inp: to_float(c)}, keep_all=False)
        for cls, reg in (("classificator_8", "regressor_8"), ("classificator_16", "regressor_16")):
            m = f[cls].reshape(-1) > RELEVANT_LOGIT
            if m.any():
                r = f[reg].reshape(-1, 16)[m]
                lo[reg], hi[reg] = min(lo[reg], float(r.min())), max(hi[reg], float(r.max()))
    fixed = {"classificator_8": Q.choose_qparams(*SCORE_RANGE), "classificator_16": Q.choose_qparams(*SCORE_RANGE)}
    for reg in lo:
        fixed[reg] = Q.choose_qparams(lo[reg] * REGRESSOR_MARGIN, hi[reg] * REGRESSOR_MARGIN)
    return fixed, {k: [lo[k], hi[k]] for k in lo}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--calib", type=int, default=128)
    ap.add_argument("--seq-calib", type=int, default=32)
    ap.add_argument("--eval", type=int, default=100)
    ap.add_argument("--quick", action="store_true")
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
    net = N.from_tflite(g, stop_at=("RESHAPE", "CONCATENATION"))
    net.outputs = list(HEADS)
    inp = net.inputs[0]
    log(f"graph: {len(g.ops)} ops after folding {n_deq} DEQUANTIZE -> {len(net.nodes)} facenn layers")
    float_check = validate_float(net, load_upstream())

    faces = crops.train68_faces()
    split = crops.calibration_split(faces, n_calib=args.calib, n_eval=args.eval)
    calib = [crops.blazeface_input(f) for f in split["calib"]]
    evali = [crops.blazeface_input(f) for f in split["eval"]]
    ref_net = net
    if not args.no_equalize:
        net = N.equalize(ref_net, [{inp: to_float(c)} for c in calib])
        log(f"cross-layer equalization: {len(N.equalization_pairs(net))} depthwise/pointwise pairs")
    stats = N.RangeStats(net)
    for c in calib:
        stats.observe_minmax(net.forward_float({inp: to_float(c)}))
    for c in calib:
        stats.observe_hist(net.forward_float({inp: to_float(c)}))
    log(f"calibration: {len(calib)} photos, evaluation: {len(evali)} photos ({time.time() - t0:.0f} s)")

    iq = {inp: INPUT_QUANT}
    off = {inp: INPUT_OFFSET_LSB}
    fixed, reg_ranges = head_quant(net, calib)
    log("head quantization: " + ", ".join(f"{k} scale {v[0]:.4g} zp {v[1]}" for k, v in fixed.items()))
    candidates = {}
    for m in ("minmax", ("percentile", 99.99), ("percentile", 99.9), "mse"):
        candidates[f"global {m}"] = N.quantize(net, stats.ranges(m), iq, input_offset_lsb=off, fixed_quant=fixed)
    if not args.quick:
        ns = args.seq_calib
        fe = [{inp: to_float(c)} for c in calib[-ns:]]
        qe = [{inp: to_int8(c)} for c in calib[-ns:]]
        for bc in (False, True):
            qn, _ = N.quantize_sequential(net, stats, fe, qe, iq, bias_correction=bc, input_offset_lsb=off,
                                            fixed_quant=fixed)
            candidates[f"layerwise{' + bias correction' if bc else ''}"] = qn
    scores = {}
    for name, qn in candidates.items():
        r = evaluate(net, qn, calib[:48])
        scores[name] = r
        log(f"  {name:34s} box corner mean {r['box_corner_mean_px']:.3f} max {r['box_corner_max_px']:.3f} px, "
            f"keypoints mean {r['keypoint_mean_px']:.3f} max {r['keypoint_max_px']:.3f}, score max {r['score_max_abs']:.4f}, "
            f"unmatched {r['unmatched_float_only'] + r['unmatched_int8_only']}")
    best = min(scores, key=lambda k: scores[k]["box_corner_mean_px"] + 0.2 * scores[k]["keypoint_mean_px"]
               + 2 * scores[k]["score_max_abs"] + 5 * (scores[k]["unmatched_float_only"] + scores[k]["unmatched_int8_only"]))
    qnet = candidates[best]
    log(f"chosen: {best} ({time.time() - t0:.0f} s)")

    result = evaluate(net, qnet, evali)
    r = result
    log(f"int8 vs float on {len(evali)} held-out photos ({r['detections_float']} float detections, {r['matched']} matched): "
        f"box corners mean {r['box_corner_mean_px']:.3f} px, max {r['box_corner_max_px']:.3f} px; keypoints mean "
        f"{r['keypoint_mean_px']:.3f}, max {r['keypoint_max_px']:.3f} px; score mean |diff| {r['score_mean_abs']:.4f}, "
        f"max {r['score_max_abs']:.4f}; anchor scores (float > 0.1) max |diff| {r['anchor_score_max_abs']:.4f}; "
        f"unmatched float-only {r['unmatched_float_only']}, int8-only {r['unmatched_int8_only']} "
        f"(scores {r['unmatched_scores']})")

    for n in net.nodes:
        n.attrs["source"] = describe(n)
    header_path = REPO / "include" / "facenn" / "weights" / f"{MODEL}.hpp"
    emit_header.emit_qnet_header(
        qnet, header_path, MODEL,
        f"Generated by models/{MODEL}/convert.py (converter v{CONVERTER_VERSION}) from {SOURCE_FILE} sha256 "
        f"{prov['file_sha256']}. Do not edit.", header_comment(prov, best), "fp16")
    log(f"wrote {header_path.relative_to(REPO)} ({header_path.stat().st_size} bytes)")

    goldens = write_goldens(ref_net, qnet, load_upstream())
    manifest = dict(
        model=MODEL, converter=f"models/{MODEL}/convert.py", converter_version=CONVERTER_VERSION,
        source=prov, license="Apache-2.0 (MediaPipe, Google LLC)",
        input=dict(name=inp, shape=[128, 128, 3], layout="HWC, RGB", float_range="[-1, 1] (pixel / 127.5 - 1)",
                   int8=dict(scale=INPUT_QUANT[0], zero_point=INPUT_QUANT[1], mapping="q = pixel - 128",
                             note="q stands for (q + 0.5) * scale = pixel / 127.5 - 1; the half step is folded "
                                  "into conv2d's int8 bias (exact inside the image)")),
        outputs=[dict(name=h, shape=list(net.shapes[h]), int8=list(qnet.tquant[h])) for h in HEADS],
        postprocessing="reshape + concat to 896 anchors (512 from the 16x16 heads, 384 from the 8x8 heads), "
                       "anchor decoding, sigmoid scores, weighted NMS: include/facenn/detection/blazeface.hpp",
        graph=dict(source_ops=src_ops, folded_dequantize=n_deq, facenn_layers=len(net.nodes),
                   layer_kinds={k: sum(1 for n in net.nodes if n.kind == k) for k in sorted({n.kind for n in net.nodes})}),
        float_validation=dict(reference="../shared/peers/refs/blazeface_front (ONNX Runtime fp32, same weights)",
                              **float_check),
        calibration=dict(set="../shared/data/train68 (HELEN + LFPW training faces; not the LFPW test set)",
                         images=f"train.json entries 0, 4, 8, ... (first {len(calib)}), whole photo letterboxed to 128x128",
                         layerwise_images=args.seq_calib if not args.quick else 0,
                         head_outputs=dict(scores=f"fixed logit range {list(SCORE_RANGE)}",
                                           regressors="range over anchors with float logit > -3, x1.25",
                                           regressor_ranges_seen=reg_ranges)),
        quantization=dict(weights="int8 symmetric per output channel", activations="int8 asymmetric per tensor",
                          method=best, candidates=scores,
                          equalization=not args.no_equalize,
                          arithmetic="docs/internal/contract.md (TFLite classic double rounding)"),
        accuracy=dict(set=f"../shared/data/train68 entries 2, 6, 10, ... (first {len(evali)}), disjoint from calibration",
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
    return (f"MediaPipe BlazeFace short range (face_detection_short_range.tflite), {prov['package']}@{prov['version']}, "
            f"Apache-2.0.\n"
            f"Input 128x128x3 RGB. Float: pixel / 127.5 - 1. Int8: q = pixel - 128 with scale 2/255, zero point 0;\n"
            f"q stands for (q + 0.5) * scale, the half step is folded into conv2d's int8 bias.\n"
            f"Outputs (raw heads): classificator_8 16x16x2, regressor_8 16x16x32, classificator_16 8x8x6, "
            f"regressor_16 8x8x96.\n"
            f"Weights: int8 per-output-channel symmetric; activations int8 per tensor (calibration: {method}).\n"
            f"Float reference weights: the model's own fp16 values (lossless).")


def write_goldens(net, qnet, upstream) -> list:
    inp = net.inputs[0]
    entries = []
    for k, (x, ref) in enumerate(upstream):
        pixels = np.rint((x.astype(np.float64) + 1.0) * 127.5).astype(np.uint8)
        assert np.array_equal(to_float(pixels), x), "peer golden input is not pixel / 127.5 - 1"
        q = to_int8(pixels)
        env_q = qnet.forward_int8({inp: q}, keep_all=False)
        env_f = net.forward_float({inp: x}, keep_all=False)
        entries.append((f"input_{k}_s8", q, "int8 input (q = pixel - 128); float input = (q + 128) / 127.5f - 1.0f"))
        for h in HEADS:
            entries.append((f"int8_{k}_{h}_s8", env_q[h].reshape(-1), f"numpy int8 emulation: {h} (int8)"))
        for h in HEADS:
            entries.append((f"float_{k}_{h}_f32", env_f[h].reshape(-1), f"numpy float reference: {h}"))
        for name in ("classificators_1", "regressors_1", "classificators_2", "regressors_2"):
            entries.append((f"upstream_{k}_{name}_f32", ref[name],
                            f"upstream ONNX Runtime fp32 {name} (peers/refs/blazeface_front; _1 = 16x16 heads, "
                            f"_2 = 8x8 heads, anchor-major)"))
    emit_header.write_goldens(HERE / "golden", entries)
    return [dict(name=n, note=note) for n, _, note in entries]


if __name__ == "__main__":
    main()
