#!/usr/bin/python3
"""face-api FaceRecognitionNet (dlib's ResNet-34-like face descriptor) -> facenn face embedder.

    /usr/bin/python3 models/face_embedder/convert.py [--quick]

Steps (deterministic; network access only through `npm pack`):
  1. fetch @vladmandic/face-api@1.7.15 (npm pack; tarball and model files sha256-pinned), read the TFJS weights
     manifest, build the graph as face-api's src/faceRecognitionNet defines it; the scale layer after every conv
     (x * scale + shift) and the input normalisation (x - mean) / 255 are folded into the convs (the first conv
     is VALID, so folding the mean is exact);
  2. validate the float forward against the original TFJS model (tfjs-backend-wasm) on the golden inputs and
     against ../shared/peers/refs/recognition (target: relative error <= 1e-3);
  3. calibrate on face crops from ../shared/data/train68 (never the LFPW test set or the verification photos),
     quantize, measure cosine(int8, float) on the verification photos (Haar face box x 1.2) and on held-out
     train68 faces;
  4. write include/facenn/weights/face_embedder.hpp (structs; the two weight blobs go to
     models/face_embedder/weights/face_embedder_weights.tar.xz and become a header at build time:
     face_embedder.cmake), golden data and manifest.json.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "landmarks68"))
import faceapi_convert as C  # noqa: E402  (puts models/ on sys.path)
import faceapi_data as D  # noqa: E402
import faceapi_graph as G  # noqa: E402
import faceapi_models as FM  # noqa: E402
from common import crops, int8_ops as Q, net as N  # noqa: E402

CONVERTER_VERSION = "1"
MODEL = "face_embedder"
STEM = "face_recognition_model"
INPUT_QUANT = (1.0, -128)
SIZE = 150
HERE = Path(__file__).resolve().parent
PEER_REFS = crops.shared_dir() / "peers" / "refs" / "recognition"
BLOB_HEADER = "facenn/weights/face_embedder_blobs.hpp"


def rel_err(a, b) -> float:
    return float(np.abs(np.asarray(a, np.float64) - b).max() / np.abs(b).max())


def cos(a, b) -> float:
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def embeddings(net, qnet, images):
    inp, out = net.inputs[0], net.outputs[0]
    ef, eq = [], []
    for x in images:
        ef.append(net.forward_float({inp: x.astype(np.float32)}, keep_all=False)[out].ravel())
        eq.append(qnet.dequant(out, qnet.forward_int8({inp: C.to_int8(x)}, keep_all=False)[out]).ravel())
    return np.array(ef), np.array(eq)


def cos_stats(ef, eq) -> dict:
    c = np.array([cos(a, b) for a, b in zip(eq, ef)])
    rel_l2 = np.linalg.norm(eq - ef, axis=1) / np.linalg.norm(ef, axis=1)
    return dict(n=int(len(c)), cosine_min=float(c.min()), cosine_mean=float(c.mean()),
                relative_l2_max=float(rel_l2.max()))


def pair_auc(emb: dict, pairs: list) -> tuple:
    """AUC and best-threshold accuracy of cosine similarity over the labelled pairs (photos with a face only)."""
    s, y = [], []
    for p in pairs:
        if p["a"] in emb and p["b"] in emb:
            s.append(cos(emb[p["a"]], emb[p["b"]]))
            y.append(bool(p["same"]))
    s, y = np.array(s), np.array(y)
    pos, neg = s[y], s[~y]
    auc = float(np.mean([(p > neg).mean() + 0.5 * (p == neg).mean() for p in pos]))
    acc = max(float(((s >= t) == y).mean()) for t in np.unique(s))
    return auc, acc, int(len(s))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--calib", type=int, default=128)
    ap.add_argument("--eval", type=int, default=128)
    ap.add_argument("--seq-calib", type=int, default=32)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    t0 = time.time()
    log = C.log

    pkg = C.fetch_faceapi()
    m, prov = C.load_model(pkg, STEM)
    log(f"{prov['package']}@{prov['version']}: {STEM} ({prov['manifest_params']} parameters)")
    ir = FM.build_recognition(m)
    net = G.to_net(ir, (SIZE, SIZE, 3))
    inp, out = net.inputs[0], net.outputs[0]
    log(f"graph: {len(net.nodes)} layers, {G.macs(ir, (SIZE, SIZE, 3)):,} MACs")

    # ---- float validation
    gins = []
    for k in range(3):
        x = np.fromfile(PEER_REFS / f"input_{k}.bin", "<f4").reshape(SIZE, SIZE, 3)
        gins.append((x, np.fromfile(PEER_REFS / f"tfjs_{k}_descriptor.bin", "<f4")))
    gold_u8 = [C.to_u8(x) for x, _ in gins]
    tj, tj_info = C.tfjs_outputs("faceRecognitionNet", pkg, SIZE, gold_u8)
    fl_gold = [net.forward_float({inp: x.astype(np.float32)}, keep_all=False)[out].ravel() for x in gold_u8]
    fr = [net.forward_float({inp: x}, keep_all=False)[out].ravel() for x, _ in gins]
    check = dict(tfjs_on_golden_inputs_rel_max=max(rel_err(a, b) for a, b in zip(fl_gold, tj)),
                 tfjs_on_golden_inputs_abs_max=max(float(np.abs(a - b).max()) for a, b in zip(fl_gold, tj)),
                 shared_refs_tfjs_rel_max=max(rel_err(a, t) for a, (_, t) in zip(fr, gins)),
                 tfjs=tj_info["runtime"])
    log("float vs TFJS: " + ", ".join(f"{k} {v:.3g}" if isinstance(v, float) else f"{k} {v}" for k, v in check.items()))
    if check["tfjs_on_golden_inputs_rel_max"] > 1e-3:
        raise SystemExit("float forward does not match TFJS")

    # ---- data
    faces = D.train68_faces()
    split = D.calibration_split(faces, n_calib=args.calib, n_eval=args.eval)
    rng = np.random.default_rng(2)
    calib = [C.to_u8(D.descriptor_input(f, rng)) for f in split["calib"]]
    calib += [x[:, ::-1].copy() for x in calib[: len(calib) // 2]]
    evali = [C.to_u8(D.descriptor_input(f)) for f in split["eval"]]
    ver_paths, ver = [], []
    for p in D.verification_photos():
        x = D.haar_descriptor_input(p)
        if x is not None:
            ver_paths.append(p)
            ver.append(C.to_u8(x))
    log(f"calibration {len(calib)} crops, eval {len(evali)} train68 faces, verification {len(ver)} photos with a "
        f"Haar face ({time.time() - t0:.0f} s)")

    # ---- quantization candidates
    feeds = [x.astype(np.float32) for x in calib]
    candidates = {}
    for eq in ([False] if args.quick else [False, True]):
        qn_net = N.equalize(net, [{inp: x} for x in feeds[::4]]) if eq else net
        st = C.calibrate(qn_net, feeds)
        tag = " + equalization" if eq else ""
        for method in (("percentile", 99.999), "mse", "minmax"):
            rg = st.ranges(method)
            rg[out] = st.ranges("minmax")[out]
            candidates[f"global {method}{tag}"] = N.quantize(qn_net, rg, {inp: INPUT_QUANT},
                                                             fixed_quant=C.degenerate_quant(st))
        if not args.quick:
            sel = calib[-args.seq_calib:]
            fixed = {out: Q.choose_qparams(*st.ranges("minmax")[out]), **C.degenerate_quant(st)}
            qn, _ = N.quantize_sequential(qn_net, st, [{inp: x.astype(np.float32)} for x in sel],
                                          [{inp: C.to_int8(x)} for x in sel], {inp: INPUT_QUANT},
                                          candidates=("minmax", ("percentile", 99.999), ("percentile", 99.99), "mse"),
                                          bias_correction=True, fixed_quant=fixed)
            candidates[f"layerwise + bias correction{tag}"] = qn
    probe = calib[: 48]
    scores = {}
    for name, qn in candidates.items():
        s = cos_stats(*embeddings(net, qn, probe))
        scores[name] = s
        log(f"  {name:44s} cosine min {s['cosine_min']:.5f} mean {s['cosine_mean']:.5f}")
    best = max(scores, key=lambda k: scores[k]["cosine_min"] + scores[k]["cosine_mean"])
    qnet = candidates[best]
    log(f"chosen: {best} ({time.time() - t0:.0f} s)")

    ef_v, eq_v = embeddings(net, qnet, ver)
    ef_e, eq_e = embeddings(net, qnet, evali)
    acc_ver, acc_eval = cos_stats(ef_v, eq_v), cos_stats(ef_e, eq_e)
    pairs = json.loads((crops.shared_dir() / "data" / "verification" / "pairs.json").read_text())
    root = crops.shared_dir() / "data" / "verification"
    names = [str(Path(p).relative_to(root)) for p in ver_paths]
    auc_f = pair_auc(dict(zip(names, ef_v)), pairs)
    auc_q = pair_auc(dict(zip(names, eq_v)), pairs)
    log(f"int8 vs float: verification photos cosine min {acc_ver['cosine_min']:.5f} mean {acc_ver['cosine_mean']:.5f}; "
        f"held-out train68 cosine min {acc_eval['cosine_min']:.5f} mean {acc_eval['cosine_mean']:.5f}")
    log(f"verification pairs (Haar crops, cosine): float AUC {auc_f[0]:.4f} acc {auc_f[1]:.4f}; int8 AUC {auc_q[0]:.4f} "
        f"acc {auc_q[1]:.4f} over {auc_f[2]} pairs")

    # ---- outputs
    header = C.REPO / "include" / "facenn" / "weights" / f"{MODEL}.hpp"
    first = (f"Generated by models/{MODEL}/convert.py (converter v{CONVERTER_VERSION}) from "
             + ", ".join(f"{k.split('/')[-1]} sha256 {s}" for k, s in prov["files"].items()) + ". Do not edit.")
    comment = (f"face-api FaceRecognitionNet, {prov['package']}@{prov['version']} (MIT; weights from dlib's "
               f"dlib_face_recognition_resnet_model_v1, see docs/models/face_embedder.md).\n"
               f"Model header: <facenn/models/face_embedder.hpp>. Input 150x150x3 RGB. Float: pixels 0..255. "
               f"Int8: q = pixel - 128 (scale 1, zero point -128).\n"
               f"(x - mean) / 255 and every scale layer are folded into the convs. Output: 128-d descriptor "
               f"(not normalised). Calibration: {best}.\n"
               f"Float reference weights: the manifest's bytes (affine uint8 / float32), lossless, times the folded "
               f"per-channel factors (ChannelScaled).")
    info = C.emit_weights(qnet, ir, header, MODEL, first, comment, blob_header=BLOB_HEADER, blob_dir=HERE / "weights")
    log(f"wrote {header.relative_to(C.REPO)} ({info['header_bytes']:,} bytes), weights/ int8 {info['int8_bytes']:,} "
        f"+ float {info['float_bytes']:,} bytes")

    entries = []
    for k, x in enumerate(gold_u8):
        q = C.to_int8(x)
        yq = qnet.forward_int8({inp: q}, keep_all=False)[out].reshape(-1)
        entries += [(f"input_{k}_s8", q, "int8 input q = pixel - 128 (float input: pixel = q + 128)"),
                    (f"int8_{k}_descriptor_s8", yq, f"numpy int8 emulation, output quant {qnet.tquant[out]}"),
                    (f"float_{k}_descriptor_f32", fl_gold[k], "numpy float reference (same graph, original weights)"),
                    (f"tfjs_{k}_descriptor_f32", tj[k], f"original TFJS model ({tj_info['runtime']}) on the same pixels")]
    goldens = C.write_goldens(HERE / "golden", entries)

    manifest = dict(
        model=MODEL, converter=f"models/{MODEL}/convert.py", converter_version=CONVERTER_VERSION, source=prov,
        license="MIT (@vladmandic/face-api, Vladimir Mandic; face-api.js by Vincent Muehler). The weights were "
                "ported by face-api.js from dlib's dlib_face_recognition_resnet_model_v1 (Davis King; face-api "
                "TUTORIAL.md: 'The weights have been trained by davisking'), which the davisking/dlib-models README "
                "releases into the public domain (trained on FaceScrub, VGG-Face and scraped images); see "
                "docs/models/face_embedder.md",
        input=dict(shape=[SIZE, SIZE, 3], layout="HWC, RGB", float="pixels 0..255 (normalised inside)",
                   int8=dict(scale=INPUT_QUANT[0], zero_point=INPUT_QUANT[1], mapping="q = pixel - 128")),
        output=dict(shape=[128], meaning="face descriptor (un-normalised; compare by cosine or L2 after "
                                         "normalising)", int8=list(qnet.tquant[out])),
        graph=dict(layers=len(net.nodes), macs=G.macs(ir, (SIZE, SIZE, 3)),
                   kinds={k: sum(1 for n in net.nodes if n.kind == k) for k in sorted({n.kind for n in net.nodes})}),
        float_validation=check,
        calibration=dict(set="../shared/data/train68 (HELEN + LFPW training faces; not LFPW test, not verification)",
                         faces=f"train.json entries 0, 4, 8, ... (first {len(split['calib'])}), face-api descriptor "
                               f"crops (68-point box + 20 %, jittered), half of them also mirrored",
                         method=best, candidates=scores),
        quantization=dict(weights="int8 symmetric per output channel", activations="int8 asymmetric per tensor",
                          arithmetic="docs/internal/contract.md (TFLite classic double rounding)",
                          global_mean="depthwise conv 1/(H*W) with its own output scale"),
        accuracy=dict(verification_photos=dict(set="../shared/data/verification/deepface/*.jpg, largest Haar face x 1.2",
                                               **acc_ver),
                      train68_heldout=dict(set=f"../shared/data/train68 entries 2, 6, 10, ... (first {len(evali)})",
                                           **acc_eval),
                      verification_pairs=dict(note="pairs.json with Haar crops (not dlib alignment): cosine similarity",
                                              pairs=auc_f[2], float_auc=auc_f[0], float_best_accuracy=auc_f[1],
                                              int8_auc=auc_q[0], int8_best_accuracy=auc_q[1])),
        weights=dict(info, blob_header=BLOB_HEADER, blobs="models/face_embedder/weights/face_embedder_weights.tar.xz (face_embedder_int8.bin = kInt8Blob, face_embedder_float.bin = kFloatBlob)"),
        golden=goldens,
    )
    (HERE / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    log(f"wrote models/{MODEL}/manifest.json, golden/ ({time.time() - t0:.0f} s)")


if __name__ == "__main__":
    main()
