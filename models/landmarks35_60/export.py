#!/usr/bin/python3
"""landmarks35_60: trained checkpoints -> facenn net (models/common/net.py) -> PTQ / QAT study -> int8 header,
goldens, float export.

    /usr/bin/python3 models/landmarks35_60/export.py

Reads <repo>/.cache/trained/landmarks35_60_{fp32,qat}.pt (models/landmarks35_60/train.py). Writes
  include/facenn/weights/landmarks35_60.hpp   int8 weights (the QAT net) + fp16 float reference (exact: the shipped
                                              float weights are rounded to fp16 before quantization)
  models/landmarks35_60/golden/               synthetic inputs (mean training face, variations, smoothed noise),
                                              numpy int8 outputs, numpy float and torch float outputs
  models/landmarks35_60/landmarks35_60_float.npz   the shipped float weights (facenn layouts) + meta
  models/landmarks35_60/study.json            the quantization study on the LFPW test set (evaluation only)
  models/landmarks35_60/manifest.json         provenance, sizes, accuracy
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
CONVERTER_VERSION = "1"


def decode(out):
    return np.asarray(out, np.float64).reshape(TR.NPTS, 2), None


def gt_uv(face, rect):
    return T.to35(T.to_norm(face["landmarks"], rect))


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
        return model(x)[0].numpy()


def main():
    torch.set_num_threads(1)
    timer = T.Timer()
    train_faces, _ = T.split_train_val(T.train_faces())
    test = T.lfpw_test_faces()
    test_in = T.eval_inputs(test, SIZE, False)
    calib = T.calibration_inputs(train_faces, SIZE, False)

    fp32 = load("fp32")
    net32, _ = T.export_net(fp32, (SIZE, SIZE, 3))
    # float equivalence torch <-> net.py
    rel = max(float(np.abs(T.float_forward(net32)(x).ravel() - torch_out(fp32, x)).max()) for x, _ in test_in[:8])
    T.log(f"{NAME}: {len(net32.nodes)} nodes, {T.net_params(net32):,} parameters, {T.net_macs(net32):,} MACs; "
          f"torch vs net.py float max |diff| {rel:.2e}")

    qat = load("qat")
    T.fp16_round_(qat)      # the shipped float reference is stored as fp16 (exact)
    netq, mods = T.export_net(qat, (SIZE, SIZE, 3))
    ranges = T.qat_ranges(mods)
    qnet = N.quantize(netq, ranges, {netq.inputs[0]: T.INPUT_QUANT})

    ev = dict(faces=test, inputs=test_in, size=SIZE, decode=decode, scheme="35", regions=T.REGIONS35, gt_uv=gt_uv)
    rows = []

    def add(label, kind, fwd, qn=None):
        r = T.evaluate(fwd, **ev)
        r.update(label=label, kind=kind)
        rows.append(r)
        T.log(f"  {label:70s} NME13 {r['nme_mean']:.3f}%  fail8 {r['fail8']:.2f}%  ({timer():.0f} s)")

    add("fp32 (trained, BN folded)", "float", T.float_forward(net32))
    for label, qn in T.ptq_variants(net32, calib).items():
        add(label, "int8", T.int8_forward(qn))
    if (T.cache_dir() / f"{NAME}_ft.pt").exists():     # the control: same fine-tuning without fake quant
        netft, _ = T.export_net(load("ft"), (SIZE, SIZE, 3))
        add("control: fp32 + the QAT schedule without fake quant", "float", T.float_forward(netft))
        for label, qn in T.ptq_variants(netft, calib).items():
            if "per-channel" in label:
                add("control + " + label, "int8", T.int8_forward(qn))
    add("QAT float weights (fp16, the header's float reference)", "float", T.float_forward(netq))
    add("QAT int8 (per-channel weights, QAT ranges) - shipped", "int8", T.int8_forward(qnet))

    scorer = T.shared_scorer(test, T.int8_forward(qnet), test_in, decode, "35", T.cache_dir() / f"{NAME}_lfpw_int8.jsonl")
    T.log(f"shared scorer on the shipped int8 predictions: {scorer}")
    for r in rows:       # relative change of the mean NME vs fp32, 95 % paired bootstrap interval over faces
        r["vs_fp32"] = T.paired_relative_change(rows[0]["nme_per_face"], r["nme_per_face"])

    # ---- header
    sha = hashlib.sha256((T.cache_dir() / f"{NAME}_qat.pt").read_bytes()).hexdigest()
    fp32_nme = rows[0]["nme_mean"]
    shipped = rows[-1]
    comment = (f"landmarks35_60: 60x60 RGB face crop -> 35 landmarks (x, y) normalized to the crop.\n"
               f"Trained in this repository (models/{NAME}/train.py) on train68 (HELEN + LFPW training faces, 300-W\n"
               f"68-point labels: research / non-commercial use only). QAT int8 checkpoint sha256 {sha[:16]}.\n"
               f"{T.net_params(netq):,} parameters, {T.net_macs(netq):,} MACs. LFPW test NME (13 points): fp32 "
               f"{fp32_nme:.2f}%, int8 {shipped['nme_mean']:.2f}%.")
    emit_header.emit_qnet_header(qnet, T.repo_root() / "include" / "facenn" / "weights" / f"{NAME}.hpp", NAME,
                                 f"Generated by models/{NAME}/export.py (converter v{CONVERTER_VERSION}). Do not edit.",
                                 comment, float_encoding="fp16")

    # ---- goldens (synthetic inputs, never a photo)
    inp, out = netq.inputs[0], netq.outputs[0]
    entries = []
    for k, x in enumerate(T.synthetic_inputs(train_faces, SIZE, False)):
        q = T.to_int8(x)
        yq = qnet.forward_int8({inp: q}, keep_all=False)[out]
        yf = netq.forward_float({inp: T.to_input(x)}, keep_all=False)[out]
        yt = torch_out(qat, x)
        entries += [(f"input_{k}_s8", q, "int8 input q = pixel - 128 (scale 1/255, zero point 0); float = q / 255"),
                    (f"int8_{k}_s8", yq.reshape(-1), f"numpy int8 emulation: {out} (int8)"),
                    (f"float_{k}_f32", yf.reshape(-1).astype(np.float32), "numpy float forward (fp16 weights)"),
                    (f"torch_{k}_f32", yt.reshape(-1).astype(np.float32), "torch float32 forward (same weights)")]
        T.log(f"golden {k}: torch vs numpy float max |diff| {np.abs(yt.ravel() - yf.ravel()).max():.2e}")
    emit_header.write_goldens(HERE / "golden", entries)

    # ---- float export, study, manifest
    meta = dict(model=NAME, input="60x60x3 RGB, (pixel - 128) / 255", output="35 x (x, y) normalized to the crop",
                layouts="conv OHWI, fc [out][in] on the HWC-flattened input", crop_scale=T.CROP_SCALE,
                activation_ranges=ranges)
    T.save_float_npz(netq, HERE / f"{NAME}_float.npz", meta)
    info = json.loads((T.cache_dir() / f"{NAME}_train.json").read_text())
    study = dict(model=NAME, shared_scorer_int8=scorer, params=T.net_params(netq), macs=T.net_macs(netq),
                 int8_weight_bytes=T.int8_weight_bytes(netq), float_weight_bytes=4 * T.net_params(netq),
                 train=info, eval_set="LFPW test (224 faces), crop from the labelled points' box",
                 rows=[{k: v for k, v in r.items() if k != "nme_per_face"} for r in rows])
    (HERE / "study.json").write_text(json.dumps(study, indent=1) + "\n")
    manifest = dict(model=NAME, converter_version=CONVERTER_VERSION, checkpoint_sha256=sha,
                    params=study["params"], macs=study["macs"], int8_weight_bytes=study["int8_weight_bytes"],
                    lfpw_test=dict(fp32=rows[0]["nme_mean"], int8=shipped["nme_mean"], fail8_int8=shipped["fail8"]),
                    training_data="../shared/data/train68 (HELEN train + LFPW train, 300-W labels), research-only")
    (HERE / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    T.log(f"done ({timer():.0f} s)")


if __name__ == "__main__":
    main()
