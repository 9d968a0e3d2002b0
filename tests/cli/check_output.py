#!/usr/bin/python3
"""Validates facenn CLI output (JSON lines) for the CLI tests.

    check_output.py OUT.jsonl [--lines N] [--min-faces N] [--landmarks N] [--width W --height H] [--pose]
                    [--embedding N]
"""
import argparse
import json
import math
import sys


def fail(msg):
    print('check_output: ' + msg, file=sys.stderr)
    sys.exit(1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('path')
    ap.add_argument('--lines', type=int)
    ap.add_argument('--min-faces', type=int, default=0)
    ap.add_argument('--landmarks', type=int)
    ap.add_argument('--width', type=float)
    ap.add_argument('--height', type=float)
    ap.add_argument('--pose', action='store_true', help='every face has "pose": {yaw, pitch, roll} (degrees)')
    ap.add_argument('--embedding', type=int, help='every face has a unit-length "embedding" of N numbers')
    a = ap.parse_args()
    with open(a.path, 'rb') as f:
        raw = f.read().decode('utf-8')  # must be valid UTF-8
    lines = [l for l in raw.split('\n') if l]
    if a.lines is not None and len(lines) != a.lines:
        fail(f'{len(lines)} lines, expected {a.lines}')
    for l in lines:
        d = json.loads(l)
        if not isinstance(d.get('image'), str) or not isinstance(d.get('faces'), list):
            fail('line without "image" string / "faces" list')
        if len(d['faces']) < a.min_faces:
            fail(f"{d['image']}: {len(d['faces'])} faces, expected >= {a.min_faces}")
        for face in d['faces']:
            box = face['box']
            if len(box) != 4 or not all(isinstance(v, (int, float)) and math.isfinite(v) for v in box):
                fail(f'bad box {box}')
            if box[2] <= 0 or box[3] <= 0:
                fail(f'empty box {box}')
            if not 0 < face['score'] <= 1:
                fail(f"score {face['score']}")
            if len(face['keypoints']) != 6 or any(len(k) != 2 for k in face['keypoints']):
                fail('keypoints must be 6 [x, y] pairs')
            if a.width is not None:
                cx, cy = box[0] + box[2] / 2, box[1] + box[3] / 2
                if not (0 <= cx < a.width and 0 <= cy < a.height):
                    fail(f'box centre ({cx}, {cy}) outside the image')
            if a.landmarks is not None:
                lm = face.get('landmarks')
                if lm is None or len(lm) != a.landmarks or any(len(p) != 3 for p in lm):
                    fail(f'expected {a.landmarks} [x, y, z] landmarks')
                xs = [p[0] for p in lm]
                ys = [p[1] for p in lm]
                # The mesh must lie around the detected box.
                if not (box[0] - box[2] < sum(xs) / len(xs) < box[0] + 2 * box[2] and
                        box[1] - box[3] < sum(ys) / len(ys) < box[1] + 2 * box[3]):
                    fail('landmarks are not around the face box')
            if a.pose:
                p = face.get('pose')
                if not isinstance(p, dict) or sorted(p) != ['pitch', 'roll', 'yaw'] or \
                        not all(isinstance(v, (int, float)) and -180 <= v <= 180 for v in p.values()):
                    fail(f'bad pose {p}')
            if a.embedding is not None:
                e = face.get('embedding')
                if not isinstance(e, list) or len(e) != a.embedding or \
                        not all(isinstance(v, (int, float)) and math.isfinite(v) for v in e):
                    fail(f'expected an embedding of {a.embedding} finite numbers')
                if abs(math.sqrt(sum(v * v for v in e)) - 1.0) > 1e-4:
                    fail('the embedding is not unit length')
    print(f'check_output: {len(lines)} lines ok')


if __name__ == '__main__':
    main()
