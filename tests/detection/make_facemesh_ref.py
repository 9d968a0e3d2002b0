#!/usr/bin/python3
"""Regenerates tests/detection/data/facemesh_*: the end-to-end FaceMesh reference for
examples/data/astronaut.png, computed independently of the C++ code.

    /usr/bin/python3 tests/detection/make_facemesh_ref.py [--model M.onnx] [--node-modules DIR]

  1. the astronaut detection decoded by make_blazeface_ref.py (from the committed ONNX heads);
  2. ROI as MediaPipe's face_detection_front_detection_to_roi: rotation = -atan2(-(y1 - y0), x1 - x0)
     from keypoint 0 to 1, centre = box centre, side = 1.5 max(w, h);
  3. the 192x192 crop as MediaPipe's CPU path samples it (OpenCV warp onto the tensor corners: tensor pixel
     j samples the rect at u = j / 192), bilinear, replicated border, rounded to uint8 -> facemesh_crop.png;
  4. MediaPipe face_landmark.tflite (ONNX conversion, onnxruntime-node, fp32) on crop / 255;
  5. mesh (x, y in crop pixels, u = x / 192) projected to the image, z * side / 192; score = sigmoid(flag)
     -> facemesh_expected.txt (first line: cx cy side rotation score; then 468 lines x y z).
"""
import argparse
import math
import os
import subprocess
import tempfile

import cv2
import numpy as np

import make_blazeface_ref as bf

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, 'data')
N = 192
SAMPLE_OFFSET = 0.0  # tensor pixel j <-> u = (j + SAMPLE_OFFSET) / N


def crop_u8(img, cx, cy, side, rot):
    h, w, _ = img.shape
    j = np.arange(N, dtype=np.float64)
    u = (j + SAMPLE_OFFSET) / N - 0.5
    uu, vv = np.meshgrid(u, u)               # uu varies along x, vv along y
    c, s = math.cos(rot), math.sin(rot)
    sx = cx + uu * side * c - vv * side * s
    sy = cy + uu * side * s + vv * side * c
    x0 = np.floor(sx).astype(np.int64); fx = (sx - x0)[..., None]
    y0 = np.floor(sy).astype(np.int64); fy = (sy - y0)[..., None]
    xa, xb = np.clip(x0, 0, w - 1), np.clip(x0 + 1, 0, w - 1)
    ya, yb = np.clip(y0, 0, h - 1), np.clip(y0 + 1, 0, h - 1)
    f = img.astype(np.float64)
    top = f[ya, xa] + fx * (f[ya, xb] - f[ya, xa])
    bot = f[yb, xa] + fx * (f[yb, xb] - f[yb, xa])
    v = top + fy * (bot - top)
    return np.clip(np.floor(v + 0.5), 0, 255).astype(np.uint8)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--model', default='/work/peers-work/models/face_landmark_tflite.onnx')
    ap.add_argument('--node-modules', default='/work/peers-work/.cache/node')
    args = ap.parse_args()
    astro = cv2.cvtColor(cv2.imread(os.path.join(bf.ROOT, 'examples', 'data', 'astronaut.png')), cv2.COLOR_BGR2RGB)
    reg = np.fromfile(os.path.join(DATA, 'astronaut_regressors.bin'), '<f4')
    cls = np.fromfile(os.path.join(DATA, 'astronaut_classificators.bin'), '<f4')
    det = bf.to_image(bf.decode(reg, cls)[0], 512, 0.0, 0.0)
    x, y, bw, bh = det['box']
    (x0, y0), (x1, y1) = det['keypoints'][0], det['keypoints'][1]
    rot = 0.0 - math.atan2(-(y1 - y0), x1 - x0)
    rot = rot - 2 * math.pi * math.floor((rot + math.pi) / (2 * math.pi))
    cx, cy, side = x + bw / 2, y + bh / 2, 1.5 * max(bw, bh)
    crop = crop_u8(astro, cx, cy, side, rot)
    cv2.imwrite(os.path.join(DATA, 'facemesh_crop.png'), cv2.cvtColor(crop, cv2.COLOR_RGB2BGR))
    with tempfile.TemporaryDirectory() as tmp:
        inp = os.path.join(tmp, 'crop.bin')
        (crop.astype(np.float32) / np.float32(255.0)).astype(np.float32).tofile(inp)
        subprocess.run(['node', os.path.join(HERE, 'run_onnx.js'), args.model, args.node_modules, str(N), inp,
                        os.path.join(tmp, 'out')], check=True)
        mesh = np.fromfile(os.path.join(tmp, 'out_conv2d_21.bin'), '<f4').astype(np.float64).reshape(468, 3)
        flag = float(np.fromfile(os.path.join(tmp, 'out_conv2d_31.bin'), '<f4')[0])
    c, s = math.cos(rot), math.sin(rot)
    u, v = mesh[:, 0] / N - 0.5, mesh[:, 1] / N - 0.5
    px = cx + (u * c - v * s) * side
    py = cy + (u * s + v * c) * side
    pz = mesh[:, 2] * side / N
    score = 1.0 / (1.0 + math.exp(-flag))
    with open(os.path.join(DATA, 'facemesh_expected.txt'), 'w') as f:
        f.write(f'{cx:.9g} {cy:.9g} {side:.9g} {rot:.9g} {score:.9g}\n')
        for i in range(468):
            f.write(f'{px[i]:.9g} {py[i]:.9g} {pz[i]:.9g}\n')
    print(f'roi centre ({cx:.2f}, {cy:.2f}) side {side:.2f} rotation {math.degrees(rot):.2f} deg, score {score:.4f}')
    print('eye corners 33/263:', (px[33], py[33]), (px[263], py[263]), 'keypoints 0/1:', det['keypoints'][0], det['keypoints'][1])


if __name__ == '__main__':
    main()
