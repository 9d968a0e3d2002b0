#!/usr/bin/python3
"""`facenn pose` end to end: the pose of a photo and of its horizontal mirror image.

    pose_check.py EXE IMAGE WORKDIR --max-abs YAW PITCH ROLL --mirror-tol DEG [--frame-tol DEG]

Checks the JSON shape (one line, faces with box, 468 landmarks and a pose of three finite numbers), that the
largest face's |yaw|, |pitch|, |roll| are at most --max-abs (a near-frontal photo), and that the mirrored image
(written to WORKDIR with OpenCV) gives yaw and roll of the opposite sign and the same pitch, within
--mirror-tol degrees: the sign convention of docs/geometry.md. With --frame-tol, also runs `--pose-frame camera`
and checks that the two frames differ by the direction of the face from the optical axis (default camera,
f = image width): viewer - camera yaw = atan((cx - x) / f), pitch = atan((cy - y) / f) at the box centre. Exit 77 (skipped) without OpenCV's Python module.
"""
import argparse
import json
import math
import os
import subprocess
import sys


def fail(msg):
    print('pose_check: ' + msg, file=sys.stderr)
    sys.exit(1)


def run_pose(exe, image, extra=(), whole=False):
    r = subprocess.run([exe, 'pose', *extra, image], capture_output=True, text=True)
    if r.returncode != 0:
        fail(f'{image}: exit {r.returncode}: {r.stderr}')
    lines = [l for l in r.stdout.split('\n') if l]
    if len(lines) != 1:
        fail(f'{image}: {len(lines)} output lines')
    d = json.loads(lines[0])
    if not d['faces']:
        fail(f'{image}: no face')
    for f in d['faces']:
        if len(f.get('landmarks', [])) != 468:
            fail(f'{image}: a face without 468 landmarks')
        p = f.get('pose')
        if not isinstance(p, dict) or sorted(p) != ['pitch', 'roll', 'yaw']:
            fail(f'{image}: pose must be {{"yaw", "pitch", "roll"}}, got {p}')
        if not all(isinstance(p[k], (int, float)) and math.isfinite(p[k]) for k in p):
            fail(f'{image}: non-finite pose {p}')
    f = max(d['faces'], key=lambda f: f['box'][2] * f['box'][3])
    return f if whole else f['pose']


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('exe')
    ap.add_argument('image')
    ap.add_argument('workdir')
    ap.add_argument('--max-abs', type=float, nargs=3, required=True)
    ap.add_argument('--mirror-tol', type=float, required=True)
    ap.add_argument('--frame-tol', type=float)
    a = ap.parse_args()
    try:
        import cv2
    except ImportError:
        print('pose_check: no cv2, skipped')
        return 77
    p = run_pose(a.exe, a.image)
    print(f'pose_check: {a.image}: {p}')
    for k, lim in zip(('yaw', 'pitch', 'roll'), a.max_abs):
        if abs(p[k]) > lim:
            fail(f'|{k}| = {abs(p[k])} > {lim}')
    img = cv2.imread(a.image, cv2.IMREAD_COLOR)
    if img is None:
        fail(f'cannot read {a.image}')
    os.makedirs(a.workdir, exist_ok=True)
    mirrored = os.path.join(a.workdir, 'pose_mirrored.png')
    cv2.imwrite(mirrored, cv2.flip(img, 1))
    m = run_pose(a.exe, mirrored)
    print(f'pose_check: mirrored: {m}')
    dy, dp, dr = m['yaw'] + p['yaw'], m['pitch'] - p['pitch'], m['roll'] + p['roll']
    print(f'pose_check: yaw + yaw_mirrored = {dy:.3f}, pitch - pitch_mirrored = {dp:.3f}, '
          f'roll + roll_mirrored = {dr:.3f}')
    if max(abs(dy), abs(dp), abs(dr)) > a.mirror_tol:
        fail(f'mirror symmetry off by more than {a.mirror_tol} degrees')
    if a.frame_tol is not None:
        c = run_pose(a.exe, a.image, ['--pose-frame', 'camera'], whole=True)
        h, w = img.shape[:2]
        x, y, bw, bh = c['box']
        want_yaw = math.degrees(math.atan(((w - 1) / 2 - (x + bw / 2)) / w))
        want_pitch = math.degrees(math.atan(((h - 1) / 2 - (y + bh / 2)) / w))
        got_yaw, got_pitch = p['yaw'] - c['pose']['yaw'], p['pitch'] - c['pose']['pitch']
        print(f'pose_check: camera frame: {c["pose"]}; viewer - camera yaw {got_yaw:.3f} (ray {want_yaw:.3f}), '
              f'pitch {got_pitch:.3f} (ray {want_pitch:.3f})')
        if abs(got_yaw - want_yaw) > a.frame_tol or abs(got_pitch - want_pitch) > a.frame_tol:
            fail(f'the frames differ by more than {a.frame_tol} degrees from the ray direction')
    print('pose_check: ok')
    return 0


if __name__ == '__main__':
    sys.exit(main())
