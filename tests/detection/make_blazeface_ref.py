#!/usr/bin/python3
"""Regenerates tests/detection/data/: raw BlazeFace short-range heads for real inputs, and the
detections an independent numpy implementation of MediaPipe's post-processing decodes from them.

    /usr/bin/python3 tests/detection/make_blazeface_ref.py [--model M.onnx] [--node-modules DIR]

Cases are built from examples/data/astronaut.png (public domain) only. For each case:
  1. letterbox to 128x128: the image centred in a max(W, H) square (zero border), corner-to-corner
     bilinear sampling, rounded to uint8 (written as <case>_input.png);
  2. x = p / 127.5 - 1 -> BlazeFace (MediaPipe face_detection_short_range.tflite converted to ONNX,
     run in onnxruntime-node by run_onnx.js) -> <case>_regressors.bin (896x16 float32 LE)
     and <case>_classificators.bin (896x1);
  3. decode (anchors, sigmoid with clip 100, score >= 0.5, negative sizes dropped), weighted NMS
     (IoU > 0.3 with the top box; score-weighted mean of corners and keypoints; top score kept),
     letterbox removal to image pixels (pixel-centre convention) -> <case>.json and, as plain
     numbers for the C++ test, <case>_expected.txt.
This script shares no code with the C++ implementation; it is written from the MediaPipe calculators'
documented behaviour.
"""
import argparse
import json
import os
import subprocess
import tempfile

import cv2
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, '..', '..'))
DATA = os.path.join(HERE, 'data')


def letterbox_u8(img, n=128):
    h, w, _ = img.shape
    s = max(w, h)
    pad_x, pad_y = (s - w) / 2.0, (s - h) / 2.0
    j = np.arange(n, dtype=np.float64)
    sx = (j + 0.5) * s / n - pad_x - 0.5          # source pixel-centre coordinate of column j
    sy = (j + 0.5) * s / n - pad_y - 0.5
    padded = np.zeros((h + 4, w + 4, 3), np.float64)  # 2 zero pixels around: constant border
    padded[2:-2, 2:-2] = img
    x0 = np.floor(sx).astype(np.int64); fx = sx - x0
    y0 = np.floor(sy).astype(np.int64); fy = sy - y0
    x0c = np.clip(x0, -2, w) + 2
    y0c = np.clip(y0, -2, h) + 2
    a = padded[y0c][:, x0c]; b = padded[y0c][:, x0c + 1]
    c = padded[y0c + 1][:, x0c]; d = padded[y0c + 1][:, x0c + 1]
    fx = fx[None, :, None]; fy = fy[:, None, None]
    top = a + fx * (b - a); bot = c + fx * (d - c)
    v = top + fy * (bot - top)
    return np.clip(np.floor(v + 0.5), 0, 255).astype(np.uint8), (s, pad_x, pad_y)


def anchors():
    out = []
    for grid, per_cell in ((16, 2), (8, 6)):
        for y in range(grid):
            for x in range(grid):
                for _ in range(per_cell):
                    out.append(((x + 0.5) / grid, (y + 0.5) / grid))
    return np.array(out, np.float64)


def decode(reg, cls, min_score=0.5, iou_thr=0.3):
    reg = reg.reshape(896, 16).astype(np.float64)
    logits = np.clip(cls.reshape(896).astype(np.float64), -100, 100)
    scores = 1.0 / (1.0 + np.exp(-logits))
    anc = anchors()
    dets = []
    for i in range(896):
        if scores[i] < min_score:
            continue
        ax, ay = anc[i]
        r = reg[i] / 128.0
        xc, yc, w, h = r[0] + ax, r[1] + ay, r[2], r[3]
        if w < 0 or h < 0:
            continue
        kps = np.stack([r[4::2] + ax, r[5::2] + ay], axis=1)
        dets.append({'anchor': i, 'score': scores[i],
                     'box': np.array([xc - w / 2, yc - h / 2, xc + w / 2, yc + h / 2]), 'kps': kps})
    order = sorted(range(len(dets)), key=lambda k: (-dets[k]['score'], dets[k]['anchor']))

    def iou(p, q):
        ix = min(p[2], q[2]) - max(p[0], q[0])
        iy = min(p[3], q[3]) - max(p[1], q[1])
        if ix <= 0 or iy <= 0:
            return 0.0
        inter = ix * iy
        union = (p[2] - p[0]) * (p[3] - p[1]) + (q[2] - q[0]) * (q[3] - q[1]) - inter
        return inter / union if union > 0 else 0.0

    out = []
    while order:
        top = dets[order[0]]
        group = [k for k in order if iou(dets[k]['box'], top['box']) > iou_thr]
        rest = [k for k in order if k not in group and k != order[0]]
        wts = np.array([dets[k]['score'] for k in group])
        box = sum(dets[k]['box'] * dets[k]['score'] for k in group) / wts.sum()
        kps = sum(dets[k]['kps'] * dets[k]['score'] for k in group) / wts.sum()
        out.append({'score': top['score'], 'box': box, 'kps': kps, 'merged': len(group)})
        order = rest
    return out


def to_image(det, s, pad_x, pad_y):
    x0, y0, x1, y1 = det['box']
    return {'box': [x0 * s - pad_x - 0.5, y0 * s - pad_y - 0.5, (x1 - x0) * s, (y1 - y0) * s],
            'keypoints': [[k[0] * s - pad_x - 0.5, k[1] * s - pad_y - 0.5] for k in det['kps']]}


def cases(astro):
    yield 'astronaut', astro
    # Two faces and a letterbox: the face region twice (second one mirrored), side by side.
    face = astro[0:300, 60:360]
    yield 'pair', np.ascontiguousarray(np.concatenate([face, face[:, ::-1]], axis=1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--model', default='/work/peers-work/models/face_detection_short_range_tflite.onnx')
    ap.add_argument('--node-modules', default='/work/peers-work/.cache/node')
    args = ap.parse_args()
    astro = cv2.cvtColor(cv2.imread(os.path.join(ROOT, 'examples', 'data', 'astronaut.png')), cv2.COLOR_BGR2RGB)
    os.makedirs(DATA, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        built = []
        for name, img in cases(astro):
            lb, geo = letterbox_u8(img)
            cv2.imwrite(os.path.join(DATA, f'{name}_input.png'), cv2.cvtColor(lb, cv2.COLOR_RGB2BGR))
            x = (lb.astype(np.float32) / np.float32(127.5) - np.float32(1.0)).astype(np.float32)
            inp = os.path.join(tmp, f'{name}.bin')
            x.tofile(inp)
            built.append((name, img, geo, inp))
        cmd = ['node', os.path.join(HERE, 'run_onnx.js'), args.model, args.node_modules, '128']
        for name, _, _, inp in built:
            cmd += [inp, os.path.join(DATA, name)]
        subprocess.run(cmd, check=True)
        for name, img, (s, pad_x, pad_y), _ in built:
            reg = np.fromfile(os.path.join(DATA, f'{name}_regressors.bin'), '<f4')
            cls = np.fromfile(os.path.join(DATA, f'{name}_classificators.bin'), '<f4')
            dets = decode(reg, cls)
            res = {'image_width': img.shape[1], 'image_height': img.shape[0], 'side': s,
                   'pad_x': pad_x, 'pad_y': pad_y, 'detections': []}
            for d in dets:
                e = {'score': d['score'], 'merged': d['merged'],
                     'normalized': {'box': [d['box'][0], d['box'][1], d['box'][2] - d['box'][0], d['box'][3] - d['box'][1]],
                                    'keypoints': d['kps'].tolist()},
                     'image': to_image(d, s, pad_x, pad_y)}
                res['detections'].append(e)
            with open(os.path.join(DATA, f'{name}.json'), 'w') as f:
                json.dump(res, f, indent=1)
                f.write('\n')
            # The same numbers for the C++ test, one detection per line:
            # score, normalized box (x, y, w, h), 6 normalized keypoints (x, y), image box, 6 image keypoints.
            with open(os.path.join(DATA, f'{name}_expected.txt'), 'w') as f:
                f.write(f"{img.shape[1]} {img.shape[0]} {len(res['detections'])}\n")
                for e in res['detections']:
                    vals = [e['score']] + e['normalized']['box'] + sum(e['normalized']['keypoints'], []) + \
                        e['image']['box'] + sum(e['image']['keypoints'], [])
                    f.write(' '.join(f'{v:.9g}' for v in vals) + '\n')
            print(name, img.shape, [(round(d['score'], 4), d['merged']) for d in dets])


if __name__ == '__main__':
    main()
