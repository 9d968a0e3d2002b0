#!/usr/bin/python3
"""Validates `facenn landmarks --model landmarks35_60 | fpenet80` output (JSON lines) for the CLI tests: the
landmarks are [x, y] pairs in the model's scheme, and they sit on the face BlazeFace found — each eye's landmarks
around the detector's eye keypoint and the mouth's around its mouth keypoint (within --tolerance x box width),
which catches a wrong crop mapping, a mirrored or transposed output or a wrong dequantization.

    check_trained.py OUT.jsonl --scheme 35|68 [--lines N] [--min-faces N] [--confidence] [--tolerance T]
"""
import argparse
import json
import math
import sys

# landmark indices of: the image-left eye (BlazeFace keypoint 0, the subject's right eye), the image-right eye
# (keypoint 1), the mouth (keypoint 3)
PARTS = {'35': ([0, 1], [2, 3], [8, 9, 10, 11]),
         '68': (list(range(36, 42)), list(range(42, 48)), list(range(48, 68)))}


def fail(msg):
    print('check_trained: ' + msg, file=sys.stderr)
    sys.exit(1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('path')
    ap.add_argument('--scheme', choices=sorted(PARTS), required=True)
    ap.add_argument('--lines', type=int)
    ap.add_argument('--min-faces', type=int, default=1)
    ap.add_argument('--confidence', action='store_true', help='every face has one "landmark_confidence" in (0, 1] per point')
    ap.add_argument('--tolerance', type=float, default=0.12)
    a = ap.parse_args()
    n = int(a.scheme)
    lines = [l for l in open(a.path, encoding='utf-8').read().split('\n') if l]
    if a.lines is not None and len(lines) != a.lines:
        fail(f'{len(lines)} lines, expected {a.lines}')
    worst = 0.0
    for l in lines:
        d = json.loads(l)
        if len(d['faces']) < a.min_faces:
            fail(f"{d['image']}: {len(d['faces'])} faces, expected >= {a.min_faces}")
        for face in d['faces']:
            lm = face.get('landmarks')
            if lm is None or len(lm) != n or any(len(p) != 2 for p in lm):
                fail(f'expected {n} [x, y] landmarks')
            if not all(math.isfinite(v) for p in lm for v in p):
                fail('non-finite landmark')
            w = face['box'][2]
            for part, k in zip(PARTS[a.scheme], (0, 1, 3)):
                cx = sum(lm[i][0] for i in part) / len(part)
                cy = sum(lm[i][1] for i in part) / len(part)
                kx, ky = face['keypoints'][k]
                dist = math.hypot(cx - kx, cy - ky) / w
                worst = max(worst, dist)
                if dist > a.tolerance:
                    fail(f'landmarks of part {part[0]}.. are {dist:.3f} box widths from keypoint {k}')
            c = face.get('landmark_confidence')
            if a.confidence:
                if not isinstance(c, list) or len(c) != n or not all(isinstance(v, (int, float)) and 0 < v <= 1 for v in c):
                    fail(f'expected {n} confidences in (0, 1]')
            elif c is not None:
                fail('unexpected "landmark_confidence"')
    print(f'check_trained: {len(lines)} lines ok (largest part-to-keypoint distance {worst:.3f} box widths)')


if __name__ == '__main__':
    main()
