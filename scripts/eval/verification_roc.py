#!/usr/bin/python3
"""ROC, AUC, EER and thresholds of `facenn embed` predictions over labelled pairs (docs/verification.md).

usage: verification_roc.py PAIRS.json NAME=PRED.jsonl [NAME=PRED.jsonl ...] [--threshold T] [--png OUT.png]

Each image's embedding is that of its largest face (box area), scaled to unit length; the score of a pair is
the Euclidean distance of the two (lower = same), the quantity facenn's verify compares with its threshold.
This is ../shared/eval/score_verification.py's rule (largest face, missing embedding = answered "different");
that script stays the reference for AUC and cross-validated accuracy, this one adds the EER, the ROC table,
the accuracy at a fixed threshold and the plot. Run with /usr/bin/python3 (numpy; matplotlib for --png)."""
import argparse
import json
import os
import sys

import numpy as np


def load_predictions(path):
    preds = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line:
                d = json.loads(line)
                preds[os.path.normpath(d['image'])] = d['faces']
    return preds


def embedding(preds, image):
    image = os.path.normpath(image)
    for path, faces in preds.items():
        if path == image or path.endswith(os.sep + image):
            faces = [f for f in faces if f.get('embedding')]
            if not faces:
                return None
            f = max(faces, key=lambda f: f['box'][2] * f['box'][3])
            e = np.array(f['embedding'], dtype=float)
            return e / np.linalg.norm(e)
    return None


def roc(dist, same):
    """Thresholds t (same if dist <= t) at every distinct distance: FPR, TPR, accuracy."""
    ts = np.unique(dist[np.isfinite(dist)])
    P, N = same.sum(), (~same).sum()
    tpr = np.array([((dist <= t) & same).sum() / P for t in ts])
    fpr = np.array([((dist <= t) & ~same).sum() / N for t in ts])
    acc = np.array([((dist <= t) == same).mean() for t in ts])
    return ts, fpr, tpr, acc


def auc(dist, same):
    """Probability that a same pair is closer than a different pair (ties half): the Mann-Whitney AUC."""
    d_same, d_diff = dist[same], dist[~same]
    less = (d_same[:, None] < d_diff[None, :]).sum()
    ties = (d_same[:, None] == d_diff[None, :]).sum()
    return (less + 0.5 * ties) / (len(d_same) * len(d_diff))


def eer(ts, fpr, tpr):
    """Equal error rate (FPR = 1 - TPR) by linear interpolation between neighbouring thresholds."""
    fnr = 1.0 - tpr
    d = fpr - fnr  # increasing with the threshold
    k = int(np.argmax(d >= 0))
    if k == 0:
        return fpr[0], ts[0]
    s = -d[k - 1] / (d[k] - d[k - 1])
    return fpr[k - 1] + s * (fpr[k] - fpr[k - 1]), ts[k - 1] + s * (ts[k] - ts[k - 1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('pairs')
    ap.add_argument('predictions', nargs='+', help='NAME=PRED.jsonl')
    ap.add_argument('--threshold', type=float, default=None, help='report accuracy / FPR / TPR at this distance')
    ap.add_argument('--png', help='plot the ROC curves here')
    ap.add_argument('--title', default='')
    a = ap.parse_args()
    with open(a.pairs) as f:
        pairs = json.load(f)
    curves = []
    for spec in a.predictions:
        name, path = spec.split('=', 1)
        preds = load_predictions(path)
        dist, same, missing = [], [], 0
        for p in pairs:
            ea, eb = embedding(preds, p['a']), embedding(preds, p['b'])
            same.append(bool(p['same']))
            if ea is None or eb is None:
                missing += 1
                dist.append(np.inf)
            else:
                dist.append(float(np.linalg.norm(ea - eb)))
        dist, same = np.array(dist), np.array(same)
        ts, fpr, tpr, acc = roc(dist, same)
        k = int(np.argmax(acc))
        best = np.flatnonzero(acc == acc[k])  # thresholds at distinct distances reaching the best accuracy
        lo, hi = ts[best[0]], (ts[best[-1] + 1] if best[-1] + 1 < len(ts) else ts[best[-1]])
        e, t_eer = eer(ts, fpr, tpr)
        print(f'{name}: {len(pairs)} pairs ({same.sum()} same), {missing} without embeddings')
        print(f'  AUC {auc(dist, same):.4f}  EER {e * 100:.2f}% at distance {t_eer:.4f}  '
              f'best accuracy {acc[k] * 100:.2f}% for thresholds in [{lo:.4f}, {hi:.4f})')
        print(f'  same pairs: distance median {np.median(dist[same]):.4f}, max {dist[same].max():.4f}; '
              f'different pairs: median {np.median(dist[~same]):.4f}, min {dist[~same].min():.4f}')
        print('  ROC (distance threshold: FPR, TPR): ' +
              ', '.join(f'{t:.2f}: {((dist <= t) & ~same).sum() / (~same).sum() * 100:.1f}% / '
                        f'{((dist <= t) & same).sum() / same.sum() * 100:.1f}%'
                        for t in (0.30, 0.35, 0.40, 0.45, 0.50, 0.55, 0.60)))
        if a.threshold is not None:
            t = a.threshold
            print(f'  at distance <= {t}: accuracy {((dist <= t) == same).mean() * 100:.2f}%, '
                  f'FPR {((dist <= t) & ~same).sum() / (~same).sum() * 100:.2f}%, '
                  f'TPR {((dist <= t) & same).sum() / same.sum() * 100:.2f}%')
        curves.append((name, np.concatenate([[0], fpr, [1]]), np.concatenate([[0], tpr, [1]])))
    if a.png:
        import matplotlib
        matplotlib.use('Agg')
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots(figsize=(4.2, 4.2), dpi=100)
        for name, fpr, tpr in curves:
            ax.step(fpr, tpr, where='post', label=name)
        ax.set_xlabel('false positive rate (different pairs accepted)')
        ax.set_ylabel('true positive rate (same pairs accepted)')
        ax.set_xlim(-0.01, 1.0)
        ax.set_ylim(0.0, 1.01)
        ax.grid(alpha=0.3)
        ax.legend(loc='lower right', fontsize=8)
        if a.title:
            ax.set_title(a.title, fontsize=9)
        fig.tight_layout()
        fig.savefig(a.png)
    return 0


if __name__ == '__main__':
    sys.exit(main())
