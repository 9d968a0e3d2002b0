#!/usr/bin/python3
"""fpenet80: trained checkpoints -> facenn net (models/common/net.py) -> PTQ / QAT study -> int8 header, goldens,
float export.

    /usr/bin/python3 models/fpenet80/export.py

Reads <repo>/.cache/trained/fpenet80_{fp32,qat}.pt (models/fpenet80/train.py). Writes
  include/facenn/weights/fpenet80.hpp   int8 weights (the QAT net) + fp16 float reference (exact: the shipped float
                                        weights are rounded to fp16 before quantization)
  models/fpenet80/golden/               synthetic inputs, numpy int8 heatmaps, numpy float / torch float heatmaps,
                                        decoded points + confidences (the C++ decoder must agree)
  models/fpenet80/fpenet80_float.npz    the shipped float weights (facenn layouts) + meta
  models/fpenet80/study.json            the quantization study on the LFPW test set (evaluation only)
  models/fpenet80/manifest.json         provenance, sizes, accuracy

Decoding (numpy here, C++ in include/facenn/models/fpenet80.hpp): per keypoint k, p = softmax over the 20x20 logits
(float, max subtracted); (x, y) = sum p * ((j + 0.5) / 20, (i + 0.5) / 20), normalized to the crop's outer edges;
spread = sqrt(var x + var y) of p in input pixels (80 px crop); confidence = exp(-spread / 4 px) (4 px = one heatmap
cell). The spread was chosen over the peak of p on the validation split (Spearman rho with -error 0.35 vs 0.29).
"""
from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
from common import emit_header, train_utils as T  # noqa: E402
from common import net as N  # noqa: E402
import train as TR  # noqa: E402

import torch  # noqa: E402

NAME = TR.NAME
SIZE = TR.SIZE
HM = TR.HM
K = TR.NPTS
CONVERTER_VERSION = "1"
SPREAD_REF_PX = 4.0     # one heatmap cell


def decode_all(out):
    """(HM, HM, K) logits -> (K, 2) normalized points, dict of per-point confidences."""
    l = np.asarray(out, np.float32).reshape(HM * HM, K).T.astype(np.float64)      # (K, 400)
    e = np.exp(l - l.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    c = (np.arange(HM) + 0.5) / HM
    px = p.reshape(K, HM, HM).sum(axis=1)          # marginal over rows -> per column
    py = p.reshape(K, HM, HM).sum(axis=2)
    x = px @ c
    y = py @ c
    var = px @ (c ** 2) - x ** 2 + py @ (c ** 2) - y ** 2
    spread_px = np.sqrt(np.maximum(var, 0.0)) * SIZE
    return np.stack([x, y], 1), dict(peak=p.max(axis=1), neg_spread=-spread_px,
                                     confidence=np.exp(-spread_px / SPREAD_REF_PX))


def decode(out):
    """The shipped decoding: points and confidence = exp(-spread / 4 px) (chosen on the validation split)."""
    uv, conf = decode_all(out)
    return uv, conf["confidence"]


def gt_uv(face, rect):
    return T.to_norm(face["landmarks"], rect)


def load(stage):
    model = TR.build()
    if stage == "fp32":
        model.load_state_dict(torch.load(T.cache_dir() / f"{NAME}_fp32.pt"))
        T.fold_bn(model)
    else:
        T.fold_bn(model)
        model.load_state_dict(torch.load(T.cache_dir() / f"{NAME}_{stage}.pt"))
    model.eval()
    T.set_quant_mode(model, "off", weights=False)
    return model


def torch_out(model, x_u8):
    with torch.no_grad():
        x = torch.from_numpy(T.to_input(x_u8)).permute(2, 0, 1)[None]
        return model(x)[0].permute(1, 2, 0).numpy()      # HWC like facenn


def confidence_study(forward, faces, inputs) -> dict:
    """Spearman rho(confidence, -error) over all (face, point) pairs for each confidence candidate."""
    confs, errs = {}, []
    for f, (x, rect) in zip(faces, inputs):
        uv, c = decode_all(forward(x))
        iod = np.linalg.norm(f["landmarks"][36] - f["landmarks"][45])
        errs.append(np.linalg.norm(T.from_norm(uv, rect) - f["landmarks"], axis=1) / iod)
        for k, v in c.items():
            confs.setdefault(k, []).append(v)
    e = np.concatenate(errs)
    return {k: T.spearman(np.concatenate(v), -e) for k, v in confs.items()}


def main():
    torch.set_num_threads(1)
    timer = T.Timer()
    all_train = T.train_faces()
    train_faces, val_faces = T.split_train_val(all_train)
    test = T.lfpw_test_faces()
    test_in = T.eval_inputs(test, SIZE, True)
    val_in = T.eval_inputs(val_faces, SIZE, True)
    calib = T.calibration_inputs(train_faces, SIZE, True)

    fp32 = load("fp32")
    net32, _ = T.export_net(fp32, (SIZE, SIZE, 1))
    rel = max(float(np.abs(T.float_forward(net32)(x) - torch_out(fp32, x)).max()) for x, _ in test_in[:8])
    T.log(f"{NAME}: {len(net32.nodes)} nodes, {T.net_params(net32):,} parameters, {T.net_macs(net32):,} MACs; "
          f"torch vs net.py float max |diff| {rel:.2e}")
    conf_val = confidence_study(T.float_forward(net32), val_faces, val_in)
    T.log(f"confidence candidates on the validation split (fp32): {conf_val}")

    qat = load("qat")
    T.fp16_round_(qat)
    netq, mods = T.export_net(qat, (SIZE, SIZE, 1))
    ranges = T.qat_ranges(mods)
    qnet = N.quantize(netq, ranges, {netq.inputs[0]: T.INPUT_QUANT})

    ev = dict(faces=test, inputs=test_in, size=SIZE, decode=decode, scheme="68", regions=T.REGIONS68, gt_uv=gt_uv)
    rows = []

    def add(label, kind, fwd):
        r = T.evaluate(fwd, **ev)
        r.update(label=label, kind=kind)
        rows.append(r)
        T.log(f"  {label:70s} NME68 {r['nme_mean']:.3f}%  fail8 {r['fail8']:.2f}%  "
              f"rho {r['spearman_conf_vs_neg_error_points']:.3f}  ({timer():.0f} s)")

    add("fp32 (trained, BN folded)", "float", T.float_forward(net32))
    for label, qn in T.ptq_variants(net32, calib).items():
        add(label, "int8", T.int8_forward(qn))
    if (T.cache_dir() / f"{NAME}_ft.pt").exists():     # the control: same fine-tuning without fake quant
        netft, _ = T.export_net(load("ft"), (SIZE, SIZE, 1))
        add("control: fp32 + the QAT schedule without fake quant", "float", T.float_forward(netft))
        for label, qn in T.ptq_variants(netft, calib).items():
            if "per-channel" in label:
                add("control + " + label, "int8", T.int8_forward(qn))
    add("QAT float weights (fp16, the header's float reference)", "float", T.float_forward(netq))
    add("QAT int8 (per-channel weights, QAT ranges) - shipped", "int8", T.int8_forward(qnet))
    conf_test = confidence_study(T.int8_forward(qnet), test, test_in)
    T.log(f"confidence candidates on LFPW test (shipped int8): {conf_test}")

    scorer = T.shared_scorer(test, T.int8_forward(qnet), test_in, decode, "68", T.cache_dir() / f"{NAME}_lfpw_int8.jsonl")
    T.log(f"shared scorer on the shipped int8 predictions: {scorer}")
    for r in rows:       # relative change of the mean NME vs fp32, 95 % paired bootstrap interval over faces
        r["vs_fp32"] = T.paired_relative_change(rows[0]["nme_per_face"], r["nme_per_face"])

    # ---- header
    sha = hashlib.sha256((T.cache_dir() / f"{NAME}_qat.pt").read_bytes()).hexdigest()
    shipped = rows[-1]
    comment = (f"fpenet80: 80x80 grayscale face crop -> 20x20x68 heatmap logits (soft-argmax -> 68 points).\n"
               f"Trained in this repository (models/{NAME}/train.py) on train68 (HELEN + LFPW training faces, 300-W\n"
               f"68-point labels: research / non-commercial use only). QAT int8 checkpoint sha256 {sha[:16]}.\n"
               f"{T.net_params(netq):,} parameters, {T.net_macs(netq):,} MACs. LFPW test NME (68 points): fp32 "
               f"{rows[0]['nme_mean']:.2f}%, int8 {shipped['nme_mean']:.2f}%.")
    emit_header.emit_qnet_header(qnet, T.repo_root() / "include" / "facenn" / "weights" / f"{NAME}.hpp", NAME,
                                 f"Generated by models/{NAME}/export.py (converter v{CONVERTER_VERSION}). Do not edit.",
                                 comment, float_encoding="fp16")

    # ---- goldens (synthetic inputs, never a photo)
    inp, out = netq.inputs[0], netq.outputs[0]
    entries = []
    for k, x in enumerate(T.synthetic_inputs(train_faces, SIZE, True)):
        q = T.to_int8(x)
        yq = qnet.forward_int8({inp: q}, keep_all=False)[out]
        yf = netq.forward_float({inp: T.to_input(x)}, keep_all=False)[out]
        yt = torch_out(qat, x)
        uv, cands = decode_all(qnet.dequant(out, yq))
        conf = np.stack([cands["confidence"], -cands["neg_spread"]], 1)
        entries += [(f"input_{k}_s8", q, "int8 input q = pixel - 128 (scale 1/255, zero point 0); float = q / 255"),
                    (f"int8_{k}_s8", yq.reshape(-1), f"numpy int8 emulation: {out} (int8, HWC 20x20x68)"),
                    (f"float_{k}_f32", yf.reshape(-1).astype(np.float32), "numpy float forward (fp16 weights), HWC"),
                    (f"torch_{k}_f32", yt.reshape(-1).astype(np.float32), "torch float32 forward (same weights), HWC"),
                    (f"decoded_{k}_f32", np.concatenate([uv, conf], 1).reshape(-1).astype(np.float32),
                     "decode of the int8 heatmaps: 68 x (x, y, confidence, spread px), x / y normalized to the crop")]
        T.log(f"golden {k}: torch vs numpy float max |diff| {np.abs(yt - yf).max():.2e} (max |logit| {np.abs(yt).max():.1f})")
    emit_header.write_goldens(HERE / "golden", entries)

    meta = dict(model=NAME, input="80x80x1 grey (cv2 RGB2GRAY), (pixel - 128) / 255",
                output="20x20x68 heatmap logits (HWC), soft-argmax decoding", crop_scale=T.CROP_SCALE,
                layouts="conv OHWI, depthwise [1][kh][kw][c]", activation_ranges=ranges)
    T.save_float_npz(netq, HERE / f"{NAME}_float.npz", meta)
    info = json.loads((T.cache_dir() / f"{NAME}_train.json").read_text())
    study = dict(model=NAME, shared_scorer_int8=scorer, params=T.net_params(netq), macs=T.net_macs(netq),
                 int8_weight_bytes=T.int8_weight_bytes(netq), float_weight_bytes=4 * T.net_params(netq),
                 train=info, eval_set="LFPW test (224 faces), crop from the labelled points' box",
                 confidence_candidates_val_fp32=conf_val, confidence_candidates_test_int8=conf_test,
                 rows=[{k: v for k, v in r.items() if k != "nme_per_face"} for r in rows])
    (HERE / "study.json").write_text(json.dumps(study, indent=1) + "\n")
    manifest = dict(model=NAME, converter_version=CONVERTER_VERSION, checkpoint_sha256=sha,
                    params=study["params"], macs=study["macs"], int8_weight_bytes=study["int8_weight_bytes"],
                    lfpw_test=dict(fp32=rows[0]["nme_mean"], int8=shipped["nme_mean"], fail8_int8=shipped["fail8"],
                                   spearman_conf=shipped["spearman_conf_vs_neg_error_points"]),
                    training_data="../shared/data/train68 (HELEN train + LFPW train, 300-W labels), research-only")
    (HERE / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    T.log(f"done ({timer():.0f} s)")


if __name__ == "__main__":
    main()
