#!/usr/bin/python3
"""face-api 68-point landmark nets -> facenn headers (FaceLandmark68Net; FaceLandmark68TinyNet through
models/landmarks68_tiny/convert.py).

    /usr/bin/python3 models/landmarks68/convert.py [--quick]

Steps (deterministic; network access only through `npm pack`):
  1. fetch @vladmandic/face-api@1.7.15 (npm pack; tarball and model files sha256-pinned), read the TFJS weights
     manifest (affine uint8 weights), build the graph as face-api's src/ defines it (faceapi_models.py);
  2. validate the float forward against the original TFJS model (tfjs-backend-wasm) on the golden inputs, and for
     the full net also against ../shared/peers/refs/landmark68 (target: relative error <= 1e-3);
  3. calibrate on real face crops from ../shared/data/train68 (never the LFPW test set or the verification
     photos), quantize (int8 per-channel weights, per-tensor activations; candidates compared on calibration
     crops), measure int8 vs float on held-out train68 faces (px at 112, NME);
  4. write include/facenn/weights/<model>.hpp, models/<model>/golden/ and models/<model>/manifest.json.

Input: RGB 0..255. The net normalises (x - [122.782, 117.001, 104.298]) / 255 before a SAME-padded stride-2 conv,
so the normalisation cannot be folded into that conv exactly (its bottom row / right column would see the padding
as pixel 0 instead of the mean colour: measured 3.5e-3 relative output error). It is therefore the first layer,
a 1x1 depthwise conv (exact in float). Int8 input: q = pixel - 128 (scale 1, zero point -128: exact).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import faceapi_convert as C  # noqa: E402  (puts models/ on sys.path)
import faceapi_data as D  # noqa: E402
import faceapi_graph as G  # noqa: E402
import faceapi_models as FM  # noqa: E402
from common import crops, int8_ops as Q, net as N  # noqa: E402

CONVERTER_VERSION = "1"
INPUT_QUANT = (1.0, -128)
SIZE = 112

VARIANTS = {
    "landmarks68": dict(stem="face_landmark_68_model", tfjs_net="faceLandmark68Net", blocks=4, convs=4,
                        cxx="Landmarks68Net", title="face-api FaceLandmark68Net"),
    "landmarks68_tiny": dict(stem="face_landmark_68_tiny_model", tfjs_net="faceLandmark68TinyNet", blocks=3, convs=3,
                             cxx="Landmarks68TinyNet", title="face-api FaceLandmark68TinyNet"),
}
PEER_REFS = crops.shared_dir() / "peers" / "refs" / "landmark68"


def rel_err(a, b) -> float:
    return float(np.abs(np.asarray(a, np.float64) - b).max() / np.abs(b).max())


def golden_inputs():
    """The peers' three 112x112 face crops of face-api's demo photos (MIT, from the package), rounded to pixels,
    plus the float originals (for the shared TFJS refs)."""
    out = []
    for k in range(3):
        x = np.fromfile(PEER_REFS / f"input_{k}.bin", "<f4").reshape(SIZE, SIZE, 3)
        tj = np.fromfile(PEER_REFS / f"tfjs_{k}_landmarks.bin", "<f4")
        out.append((x, tj))
    return out


def px_errors(net, qnet, images):
    """int8 vs float landmark distance at 112 px, per point."""
    inp, out = net.inputs[0], net.outputs[0]
    d = []
    for x in images:
        yf = net.forward_float({inp: x.astype(np.float32)}, keep_all=False)[out].ravel()
        yq = qnet.dequant(out, qnet.forward_int8({inp: C.to_int8(x)}, keep_all=False)[out]).ravel()
        d.append(np.linalg.norm((yq - yf).reshape(68, 2), axis=1) * SIZE)
    return np.array(d)


def nme_eval(net, qnet, faces):
    inp, out = net.inputs[0], net.outputs[0]
    nf, nq, d = [], [], []
    for f in faces:
        x, geo = D.landmark_input(f)
        x = C.to_u8(x)
        yf = net.forward_float({inp: x.astype(np.float32)}, keep_all=False)[out].ravel()
        yq = qnet.dequant(out, qnet.forward_int8({inp: C.to_int8(x)}, keep_all=False)[out]).ravel()
        gt = f["landmarks"]
        iod = np.linalg.norm(gt[36] - gt[45])
        nf.append(np.linalg.norm(D.points_from_net(yf, geo) - gt, axis=1).mean() / iod)
        nq.append(np.linalg.norm(D.points_from_net(yq, geo) - gt, axis=1).mean() / iod)
        d.append(np.linalg.norm((yq - yf).reshape(68, 2), axis=1) * SIZE)
    d = np.array(d)
    return dict(faces=len(faces), px112_mean=float(d.mean()), px112_p99=float(np.percentile(d, 99)),
                px112_max=float(d.max()), per_face_mean_px112_max=float(d.mean(axis=1).max()),
                nme_float_percent=100 * float(np.mean(nf)), nme_int8_percent=100 * float(np.mean(nq)),
                nme_float_median_percent=100 * float(np.median(nf)), nme_int8_median_percent=100 * float(np.median(nq)))


def main(variant: str = "landmarks68"):
    v = VARIANTS[variant]
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--calib", type=int, default=128, help="calibration faces (each also mirrored)")
    ap.add_argument("--eval", type=int, default=128, help="held-out evaluation faces")
    ap.add_argument("--seq-calib", type=int, default=32, help="images for layer-wise range choice / bias correction")
    ap.add_argument("--quick", action="store_true", help="fewer quantization candidates")
    args = ap.parse_args()
    t0 = time.time()
    here = C.REPO / "models" / variant

    pkg = C.fetch_faceapi()
    m, prov = C.load_model(pkg, v["stem"])
    log = C.log
    log(f"{prov['package']}@{prov['version']}: {v['stem']} ({prov['manifest_params']} parameters)")
    ir = FM.build_landmarks(m, v["blocks"], v["convs"])
    net = G.to_net(ir, (SIZE, SIZE, 3))
    inp, out = net.inputs[0], net.outputs[0]
    log(f"graph: {len(net.nodes)} layers, {G.macs(ir, (SIZE, SIZE, 3)):,} MACs")

    # ---- float validation
    gins = golden_inputs()
    gold_u8 = [C.to_u8(x) for x, _ in gins]
    tj, tj_info = C.tfjs_outputs(v["tfjs_net"], pkg, SIZE, gold_u8)
    fl_gold = [net.forward_float({inp: x.astype(np.float32)}, keep_all=False)[out].ravel() for x in gold_u8]
    check = dict(tfjs_on_golden_inputs_rel_max=max(rel_err(a, b) for a, b in zip(fl_gold, tj)),
                 tfjs_on_golden_inputs_abs_max=max(float(np.abs(a - b).max()) for a, b in zip(fl_gold, tj)),
                 tfjs=tj_info["runtime"])
    if variant == "landmarks68":
        fr = [net.forward_float({inp: x}, keep_all=False)[out].ravel() for x, _ in gins]
        check["shared_refs_tfjs_rel_max"] = max(rel_err(a, t) for a, (_, t) in zip(fr, gins))
    log("float vs TFJS: " + ", ".join(f"{k} {val:.3g}" if isinstance(val, float) else f"{k} {val}" for k, val in check.items()))
    if check["tfjs_on_golden_inputs_rel_max"] > 1e-3:
        raise SystemExit("float forward does not match TFJS")

    # ---- calibration data
    faces = D.train68_faces()
    split = D.calibration_split(faces, n_calib=args.calib, n_eval=args.eval)
    rng = np.random.default_rng(1)
    calib = []
    for f in split["calib"]:
        x = C.to_u8(D.landmark_input(f, rng)[0])
        calib += [x, x[:, ::-1].copy()]
    log(f"calibration: {len(calib)} crops ({len(split['calib'])} faces + mirrors), eval {len(split['eval'])} faces "
        f"({time.time() - t0:.0f} s)")

    # ---- quantization candidates
    feeds = [x.astype(np.float32) for x in calib]
    candidates = {}
    for eq in ([False] if args.quick else [False, True]):
        qn_net = N.equalize(net, [{inp: x} for x in feeds[::4]]) if eq else net
        st = C.calibrate(qn_net, feeds)
        norm = qn_net.node("input_norm")
        fixed = {"input_norm": Q.choose_qparams(*C.affine_dw_range(norm)), **C.degenerate_quant(st)}
        if len(fixed) > 1:
            log(f"constant-zero tensors (fixed scale): {sorted(set(fixed) - {'input_norm'})}")
        tag = " + equalization" if eq else ""
        for method in (("percentile", 99.999), "mse"):
            rg = st.ranges(method)
            rg[out] = st.ranges("minmax")[out]    # never clip landmark coordinates
            candidates[f"global {method}{tag}"] = N.quantize(qn_net, rg, {inp: INPUT_QUANT}, fixed_quant=fixed)
        if not args.quick:
            sel = calib[-args.seq_calib:]
            fixed[out] = Q.choose_qparams(*st.ranges("minmax")[out])
            qn, _ = N.quantize_sequential(qn_net, st, [{inp: x.astype(np.float32)} for x in sel],
                                          [{inp: C.to_int8(x)} for x in sel], {inp: INPUT_QUANT},
                                          candidates=("minmax", ("percentile", 99.999), ("percentile", 99.99), "mse"),
                                          bias_correction=True, fixed_quant=fixed)
            candidates[f"layerwise + bias correction{tag}"] = qn
    scores = {}
    probe = calib[1:96:2]       # mirrored calibration crops
    for name, qn in candidates.items():
        d = px_errors(net, qn, probe)
        scores[name] = dict(px112_mean=float(d.mean()), px112_max=float(d.max()))
        log(f"  {name:44s} px@112 mean {d.mean():.3f} max {d.max():.3f}")
    best = min(scores, key=lambda k: scores[k]["px112_mean"] + 0.05 * scores[k]["px112_max"])
    qnet = candidates[best]
    log(f"chosen: {best} ({time.time() - t0:.0f} s)")

    acc = nme_eval(net, qnet, split["eval"])
    log(f"int8 vs float on {acc['faces']} held-out faces: {acc['px112_mean']:.3f} px mean, {acc['px112_max']:.3f} px "
        f"max at 112; NME float {acc['nme_float_percent']:.3f} % int8 {acc['nme_int8_percent']:.3f} %")

    # ---- outputs
    header = C.REPO / "include" / "facenn" / "weights" / f"{variant}.hpp"
    sha = {k: s for k, s in prov["files"].items()}
    first = (f"Generated by models/{variant}/convert.py (converter v{CONVERTER_VERSION}) from "
             + ", ".join(f"{k.split('/')[-1]} sha256 {s}" for k, s in sha.items()) + ". Do not edit.")
    comment = (f"{v['title']}, {prov['package']}@{prov['version']} (MIT). Model header: <facenn/models/{variant}.hpp>.\n"
               f"Input 112x112x3 RGB. Float: pixels 0..255. Int8: q = pixel - 128 (q_input: scale 1, zero point -128).\n"
               f"input_norm computes (x - [122.782, 117.001, 104.298]) / 255 (a 1x1 depthwise conv).\n"
               f"Output: 136 = 68 (x, y) in 0..1 of the input crop. Calibration: {best}.\n"
               f"Float reference weights: the manifest's affine uint8 bytes (AffineU8Array), lossless.")
    info = C.emit_weights(qnet, ir, header, variant, first, comment)
    log(f"wrote {header.relative_to(C.REPO)} ({info['header_bytes']:,} bytes)")

    entries = []
    for k, x in enumerate(gold_u8):
        q = C.to_int8(x)
        yq = qnet.forward_int8({inp: q}, keep_all=False)[out].reshape(-1)
        entries += [(f"input_{k}_s8", q, "int8 input q = pixel - 128 (float input: pixel = q + 128)"),
                    (f"int8_{k}_landmarks_s8", yq, f"numpy int8 emulation, output quant {qnet.tquant[out]}"),
                    (f"float_{k}_landmarks_f32", fl_gold[k], "numpy float reference (same graph, original weights)"),
                    (f"tfjs_{k}_landmarks_f32", tj[k], f"original TFJS model ({tj_info['runtime']}) on the same pixels")]
    goldens = C.write_goldens(here / "golden", entries)

    manifest = dict(
        model=variant, converter=f"models/{variant}/convert.py", converter_version=CONVERTER_VERSION,
        source=prov, license="MIT (@vladmandic/face-api, Vladimir Mandic; original face-api.js by Vincent Muehler)",
        input=dict(shape=[SIZE, SIZE, 3], layout="HWC, RGB", float="pixels 0..255 (normalised inside)",
                   int8=dict(scale=INPUT_QUANT[0], zero_point=INPUT_QUANT[1], mapping="q = pixel - 128"),
                   crop="face-api: square box, zero padding to a square, tf.image.resizeBilinear to 112"),
        output=dict(shape=[136], meaning="68 (x, y) interleaved, 0..1 of the crop", int8=list(qnet.tquant[out])),
        graph=dict(layers=len(net.nodes), macs=G.macs(ir, (SIZE, SIZE, 3)),
                   kinds={k: sum(1 for n in net.nodes if n.kind == k) for k in sorted({n.kind for n in net.nodes})}),
        float_validation=check,
        calibration=dict(set="../shared/data/train68 (HELEN + LFPW training faces; not LFPW test, not verification)",
                         faces=f"train.json entries 0, 4, 8, ... (first {len(split['calib'])}), face-api crops with "
                               f"jitter, each also mirrored", method=best, candidates=scores),
        quantization=dict(weights="int8 symmetric per output channel", activations="int8 asymmetric per tensor",
                          arithmetic="docs/internal/contract.md (TFLite classic double rounding)",
                          global_mean="depthwise conv 1/(H*W) with its own output scale (see faceapi_models.py)"),
        accuracy=dict(set=f"../shared/data/train68 entries 2, 6, 10, ... (first {acc['faces']}), disjoint from calibration",
                      **acc),
        weights=info, golden=goldens,
    )
    (here / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    log(f"wrote models/{variant}/manifest.json, golden/ ({time.time() - t0:.0f} s)")


if __name__ == "__main__":
    main("landmarks68")
