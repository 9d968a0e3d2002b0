#!/usr/bin/python3
"""Validates `facenn landmarks --model landmarks35 | landmarks68*` output (JSON lines) for the CLI tests.

    check_landmarks.py OUT.jsonl --points 35|68 [--lines N] [--disagreement]

Every face: N finite [x, y] points around its box, in their scheme's order (image-left eye left of the
image-right eye, eyes above the nose tip above the mouth above the chin); --disagreement: 68
"landmark_disagreement" values in [0, 1) with a small mean (a frontal photo).
"""
import argparse
import json
import math
import sys

# (image-left outer eye corner, image-right outer eye corner, nose tip, lower lip centre, chin) per scheme
ORDER = {35: (1, 3, 4, 11, 26), 68: (36, 45, 30, 57, 8)}


def fail(msg):
    print('check_landmarks: ' + msg, file=sys.stderr)
    sys.exit(1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('path')
    ap.add_argument('--points', type=int, required=True, choices=sorted(ORDER))
    ap.add_argument('--lines', type=int)
    ap.add_argument('--disagreement', action='store_true')
    a = ap.parse_args()
    lines = [l for l in open(a.path, encoding='utf-8').read().split('\n') if l]
    if a.lines is not None and len(lines) != a.lines:
        fail(f'{len(lines)} lines, expected {a.lines}')
    faces = 0
    for l in lines:
        for face in json.loads(l)['faces']:
            faces += 1
            lm, box = face.get('landmarks'), face['box']
            if lm is None or len(lm) != a.points or any(len(p) != 2 for p in lm):
                fail(f'expected {a.points} [x, y] landmarks')
            if not all(math.isfinite(v) for p in lm for v in p):
                fail('non-finite landmark')
            cx = sum(p[0] for p in lm) / len(lm)
            cy = sum(p[1] for p in lm) / len(lm)
            if not (box[0] < cx < box[0] + box[2] and box[1] < cy < box[1] + 1.5 * box[3]):
                fail(f'landmark centroid ({cx:.1f}, {cy:.1f}) not in the face box {box}')
            le, re, nose, lip, chin = (lm[i] for i in ORDER[a.points])
            if not (le[0] < nose[0] < re[0]):
                fail('nose tip not between the eyes / eyes swapped')
            if not (max(le[1], re[1]) < nose[1] < lip[1] < chin[1]):
                fail('eyes, nose, lower lip and chin are not in top-to-bottom order')
            if a.disagreement:
                d = face.get('landmark_disagreement')
                if d is None or len(d) != a.points or not all(0 <= v < 1 for v in d):
                    fail('expected landmark_disagreement: 68 values in [0, 1)')
                if not 0 < sum(d) / len(d) < 0.1:
                    fail(f'mean landmark_disagreement {sum(d) / len(d):.4f} on a frontal photo')
            elif 'landmark_disagreement' in face:
                fail('unexpected landmark_disagreement')
    if faces == 0:
        fail('no face')
    print(f'check_landmarks: {len(lines)} lines, {faces} faces ok')


if __name__ == '__main__':
    main()
