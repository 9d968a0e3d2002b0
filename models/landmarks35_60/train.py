#!/usr/bin/python3
"""landmarks35_60: train the OpenVINO facial-landmarks-35-adas form (60x60 RGB face crop -> 35 (x, y) normalized to
the crop) on ../shared/data/train68 (HELEN + LFPW training faces, 300-W 68-point labels; research-only terms),
then quantization-aware fine-tuning (QAT) of the BN-folded net with facenn's int8 arithmetic as fake quantization.

    /usr/bin/python3 models/landmarks35_60/train.py [--epochs 100] [--qat-epochs 10] [--stage fp32|qat|ft|all]

Deterministic (fixed seeds, torch.set_num_threads(1)); checkpoints in <repo>/.cache/trained/ (git-ignored):
landmarks35_60_fp32.pt (BN not folded), landmarks35_60_qat.pt (folded, with the QAT activation ranges),
landmarks35_60_ft.pt (the control: the same fine-tuning of the folded net without fake quantization).
Export, PTQ / QAT study, header and goldens: models/landmarks35_60/export.py.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from common import train_utils as T  # noqa: E402

import torch  # noqa: E402

NAME = "landmarks35_60"
SIZE = 60
NPTS = 35


def build():
    """Plain conv stack + FC: 4 x (conv 3x3 + ReLU, max pool 2x2), conv 3x3, FC 256, FC 70."""
    return T.Seq(
        T.ConvBN("conv1", 3, 16), T.MaxPool(),        # 60x60x16 -> 30x30
        T.ConvBN("conv2", 16, 24), T.MaxPool(),       # 30x30x24 -> 15x15
        T.ConvBN("conv3", 24, 48), T.MaxPool(),       # 15x15x48 -> 8x8 (SAME pool)
        T.ConvBN("conv4", 48, 64), T.MaxPool(),       # 8x8x64 -> 4x4
        T.ConvBN("conv5", 64, 128),                   # 4x4x128
        T.FC("fc1", 4 * 4 * 128, 256, act="relu", bn=True),
        T.FC("fc2", 256, 2 * NPTS, act="none"),       # 35 x (x, y) normalized to the crop
    )


def batch(faces, idx, rng):
    xs, ys = [], []
    for i in idx:
        x, uv, _ = T.sample(faces[i], SIZE, rng)
        xs.append(T.to_input(x))
        ys.append(T.to35(uv))
    x = torch.from_numpy(np.stack(xs)).permute(0, 3, 1, 2).contiguous()
    return x, torch.from_numpy(np.stack(ys).reshape(len(idx), -1).astype(np.float32))


def eval_set(faces):
    xs, rects = [], []
    for f in faces:
        x, _, rect = T.sample(f, SIZE, None)
        xs.append(T.to_input(x))
        rects.append(rect)
    return torch.from_numpy(np.stack(xs)).permute(0, 3, 1, 2).contiguous(), rects


def nme_of(model, faces, xs, rects):
    model.eval()
    with torch.no_grad():
        y = model(xs).numpy().reshape(len(faces), NPTS, 2)
    return float(np.mean([T.nme_percent(T.from_norm(y[k], rects[k]), f["landmarks"], "35") for k, f in enumerate(faces)]))


def loss_fn(pred, target):
    # L1 in crop pixels (the 60 px input)
    return (pred - target).abs().mean() * SIZE


def make_val_fn(faces, xs, rects):
    return lambda model: f"val NME13 {nme_of(model, faces, xs, rects):.2f}%"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--epochs", type=int, default=100)
    ap.add_argument("--qat-epochs", type=int, default=10)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--stage", default="all", choices=["fp32", "qat", "ft", "all"],
                    help="ft = the control for QAT: the same fine-tuning without fake quantization")
    args = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    cache = T.cache_dir()
    faces, val_faces = T.split_train_val(T.train_faces())
    xv, rv = eval_set(val_faces)
    val_fn = make_val_fn(val_faces, xv, rv)
    T.log(f"{NAME}: {len(faces)} training faces, {len(val_faces)} validation faces (train68)")
    info_path = cache / f"{NAME}_train.json"
    info = json.loads(info_path.read_text()) if info_path.exists() else {}

    if args.stage in ("fp32", "all"):
        model = build()
        T.log(f"parameters: {T.param_count(model):,}")
        with torch.no_grad():   # start from the mean shape
            mean = np.mean([T.to35(T.to_norm(f["landmarks"], T.face_rect(f["landmarks"]))) for f in faces], axis=0)
            model.layers[-1].fc.bias.copy_(torch.from_numpy(mean.reshape(-1).astype(np.float32)))
        opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
        secs = T.fit(model, faces, batch, loss_fn, args.epochs, T.cosine_warmup(args.lr), rng, opt, val_fn, 10, "fp32")
        torch.save(model.state_dict(), cache / f"{NAME}_fp32.pt")
        info["fp32"] = dict(epochs=args.epochs, seconds=secs, val_nme13=nme_of(model, val_faces, xv, rv), lr=args.lr,
                            batch=32, train_faces=len(faces))
        info_path.write_text(json.dumps(info, indent=1))

    for stage, fq in (("qat", True), ("ft", False)):
        if args.stage not in (stage, "all"):
            continue
        model = build()
        model.load_state_dict(torch.load(cache / f"{NAME}_fp32.pt"))
        T.fold_bn(model)
        T.log("folded fp32: " + val_fn(model))
        lr = args.lr * 0.1
        secs = T.qat_finetune(model, faces, batch, loss_fn, args.qat_epochs, lr, rng, val_fn, fake_quant=fq)
        torch.save(model.state_dict(), cache / f"{NAME}_{stage}.pt")
        info[stage] = dict(epochs=args.qat_epochs, seconds=secs, val=val_fn(model), lr=lr, fake_quant=fq)
        info_path.write_text(json.dumps(info, indent=1))


if __name__ == "__main__":
    main()
