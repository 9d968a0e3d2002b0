#!/usr/bin/python3
"""Detection recall on a landmark manifest: the fraction of labelled faces that some predicted box
overlaps with IoU >= threshold (the labelled box is the extent of the 68 points).

  detection_recall.py MANIFEST PRED.jsonl [--iou 0.3]
Prediction lines are the facenn CLI's JSON lines; images are matched by path suffix.
"""
import argparse, json, os


def iou(a, b):
    ax0, ay0, aw, ah = a
    bx0, by0, bw, bh = b
    ix = max(0.0, min(ax0 + aw, bx0 + bw) - max(ax0, bx0))
    iy = max(0.0, min(ay0 + ah, by0 + bh) - max(ay0, by0))
    inter = ix * iy
    union = aw * ah + bw * bh - inter
    return inter / union if union > 0 else 0.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("manifest")
    ap.add_argument("pred")
    ap.add_argument("--iou", type=float, default=0.3)
    args = ap.parse_args()
    labels = json.load(open(args.manifest))
    preds = {}
    for line in open(args.pred):
        line = line.strip()
        if line:
            rec = json.loads(line)
            preds[os.path.normpath(rec["image"])] = rec.get("faces", [])
    found, best_ious = 0, []
    for e in labels:
        xs = [p[0] for p in e["landmarks"]]
        ys = [p[1] for p in e["landmarks"]]
        box = [min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)]
        faces = next((v for k, v in preds.items() if k.endswith(os.path.normpath(e["image"]))), [])
        best = max([iou(box, f["box"]) for f in faces] or [0.0])
        best_ious.append(best)
        found += best >= args.iou
    n = len(labels)
    print(f"images {n}  detected (IoU >= {args.iou}) {found}  recall {100.0 * found / n:.2f}%  "
          f"mean best IoU {sum(best_ious) / n:.3f}")


if __name__ == "__main__":
    main()
