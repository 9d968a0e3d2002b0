#!/usr/bin/python3
"""fpenet80: train an FPENet-form keypoint net (80x80 grayscale face crop -> 68 heatmaps at 20x20 -> 68 points + a
per-point confidence) on ../shared/data/train68 (HELEN + LFPW training faces, 300-W 68-point labels; research-only
terms), then quantization-aware fine-tuning with facenn's int8 arithmetic as fake quantization.

    /usr/bin/python3 models/fpenet80/train.py [--epochs 60] [--qat-epochs 8] [--stage fp32|qat|ft|all]

Network: a small Recombinator / U-Net-style encoder-decoder (40 -> 20 -> 10 -> 5 and back to 20) built from facenn
ops only; the 2x upsampling is a learned sub-pixel conv (train_utils.up2: two 1x1 convs + Reshape + PadSpatial +
Add). The 68 output channels are heatmap logits; decoding (also in C++, include/facenn/models/fpenet80.hpp) is a
soft-argmax over the 20x20 grid: p = softmax(logits), point = sum p * cell centre, confidence from p.
Training loss: L1 of the soft-argmax points in 80 px input pixels + JS divergence of p to a Gaussian (sigma 1 cell)
at the label (DSNT-style regularization: unimodal heatmaps, so the spread of p is a usable uncertainty).

Deterministic (fixed seeds, torch.set_num_threads(1)); checkpoints in <repo>/.cache/trained/ (git-ignored).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from common import train_utils as T  # noqa: E402

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

NAME = "fpenet80"
SIZE = 80
HM = 20
NPTS = 68
SIGMA = 1.0        # Gaussian target, in heatmap cells
JS_WEIGHT = 1.0


def dwpw(name, cin, cout, stride=1):
    return [T.ConvBN(f"{name}_dw", cin, cin, 3, stride, dw=True), T.ConvBN(f"{name}_pw", cin, cout, 1)]


def block(name, c):
    """x -> ReLU(x + pw(dw(x))): a depthwise-separable residual block."""
    return T.Res(f"{name}_add", T.Seq(T.ConvBN(f"{name}_dw", c, c, 3, dw=True), T.ConvBN(f"{name}_pw", c, c, 1, act="none")),
                 None, act="relu")


def build():
    # 5x5 bottleneck, back up to 10x10 (learned sub-pixel upsampling)
    inner5 = T.Seq(*dwpw("down5", 96, 128, 2), T.ConvBN("conv5", 128, 128, 3), T.up2("up10", 128, 64, 5, 5, k=1))
    merge10 = T.Res("merge10", inner5, T.ConvBN("lat10", 96, 64, 1, act="none"), act="relu")
    # 10x10 stage, back up to 20x20
    inner10 = T.Seq(*dwpw("down10", 64, 96, 2), block("enc10", 96), merge10, block("dec10", 64),
                    T.up2("up20", 64, 48, 10, 10, k=1))
    merge20 = T.Res("merge20", inner10, T.ConvBN("lat20", 64, 48, 1, act="none"), act="relu")
    return T.Seq(
        T.ConvBN("conv1", 1, 16, 3, 2),          # 40x40x16
        *dwpw("enc40", 16, 32),                  # 40x40x32
        *dwpw("down20", 32, 64, 2),              # 20x20x64
        block("enc20", 64),                      # 20x20x64
        merge20,                                 # 20x20x48: encoder 20x20 (lateral 1x1) + decoder from 10x10
        block("dec20", 48),                      # 20x20x48
        T.ConvBN("head_dw", 48, 48, 3, dw=True),
        T.ConvBN("heatmap", 48, NPTS, 1, act="none", bn=False),   # 20x20x68 heatmap logits
    )


GRID = (torch.arange(HM, dtype=torch.float32) + 0.5) / HM        # normalized cell centres


def soft_argmax(logits):
    """(N, K, HM, HM) logits -> (N, K, 2) normalized points, (N, K, HM, HM) probabilities."""
    n, k = logits.shape[:2]
    p = F.softmax(logits.reshape(n, k, -1), dim=-1).reshape(n, k, HM, HM)
    x = (p.sum(2) * GRID).sum(-1)
    y = (p.sum(3) * GRID).sum(-1)
    return torch.stack([x, y], -1), p


def gaussian_targets(uv):
    """(N, K, 2) normalized -> (N, K, HM, HM) normalized Gaussians (sigma in cells) at the points."""
    c = uv * HM - 0.5                                               # cell-centre coordinates
    ax = torch.arange(HM, dtype=torch.float32)
    gx = torch.exp(-0.5 * ((ax[None, None, :] - c[..., 0:1]) / SIGMA) ** 2)
    gy = torch.exp(-0.5 * ((ax[None, None, :] - c[..., 1:2]) / SIGMA) ** 2)
    g = gy[..., :, None] * gx[..., None, :]
    return g / g.sum(dim=(-1, -2), keepdim=True).clamp_min(1e-12)


def loss_fn(logits, uv):
    pts, p = soft_argmax(logits)
    l1 = (pts - uv).abs().mean() * SIZE
    g = gaussian_targets(uv)
    m = 0.5 * (p + g)
    eps = 1e-8
    js = 0.5 * (p * (torch.log(p + eps) - torch.log(m + eps))).sum(dim=(-1, -2)) + \
        0.5 * (g * (torch.log(g + eps) - torch.log(m + eps))).sum(dim=(-1, -2))
    return l1 + JS_WEIGHT * js.mean()


def batch(faces, idx, rng):
    xs, ys = [], []
    for i in idx:
        x, uv, _ = T.sample(faces[i], SIZE, rng, gray=True)
        xs.append(T.to_input(x))
        ys.append(uv)
    x = torch.from_numpy(np.stack(xs)).permute(0, 3, 1, 2).contiguous()
    return x, torch.from_numpy(np.stack(ys).astype(np.float32))


def eval_set(faces):
    xs, rects = [], []
    for f in faces:
        x, _, rect = T.sample(f, SIZE, None, gray=True)
        xs.append(T.to_input(x))
        rects.append(rect)
    return torch.from_numpy(np.stack(xs)).permute(0, 3, 1, 2).contiguous(), rects


def make_val_fn(faces, xs, rects):
    def val(model):
        model.eval()
        with torch.no_grad():
            pts = soft_argmax(model(xs))[0].numpy()
        nme = np.mean([T.nme_percent(T.from_norm(pts[k], rects[k]), f["landmarks"]) for k, f in enumerate(faces)])
        return f"val NME68 {nme:.2f}%"
    return val


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--epochs", type=int, default=60)
    ap.add_argument("--qat-epochs", type=int, default=8)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--stage", default="all", choices=["fp32", "qat", "ft", "all"],
                    help="ft = the control for QAT: the same fine-tuning without fake quantization")
    args = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    cache = T.cache_dir()
    faces, val_faces = T.split_train_val(T.train_faces())
    val_fn = make_val_fn(val_faces, *eval_set(val_faces))
    T.log(f"{NAME}: {len(faces)} training faces, {len(val_faces)} validation faces (train68)")
    info_path = cache / f"{NAME}_train.json"
    info = json.loads(info_path.read_text()) if info_path.exists() else {}

    if args.stage in ("fp32", "all"):
        model = build()
        T.log(f"parameters: {T.param_count(model):,}")
        opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
        secs = T.fit(model, faces, batch, loss_fn, args.epochs, T.cosine_warmup(args.lr), rng, opt, val_fn, 5, "fp32")
        torch.save(model.state_dict(), cache / f"{NAME}_fp32.pt")
        info["fp32"] = dict(epochs=args.epochs, seconds=secs, val=val_fn(model), lr=args.lr, batch=32,
                            train_faces=len(faces))
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
