#!/usr/bin/env python3
"""The facenn CLI over a directory of hostile files mixed with valid images (ctest hardening_cli_bad_files).

Writes into WORKDIR: empty, truncated (PNG, PPM), zero-width / zero-height PNG headers, huge-dimension
headers (PNG, PPM, BMP), random bytes (with and without JPEG/PNG magic), a directory, plus valid images:
the astronaut photo, a blank 64x64 PNG, and a copy of the photo under a name with a quote, a newline and a
non-UTF-8 byte. Runs `facenn COMMAND <every entry, sorted>` once and checks: exit status 1; exactly one
stderr line per bad file, naming it; one JSON line per valid image on stdout, in order, each parseable,
with the right (escaped) path; faces on the photo (and 468 landmarks for `landmarks`), none on the blank.

usage: cli_bad_files.py FACENN_EXE WORKDIR ASTRONAUT_PNG [detect|landmarks]
"""
import json
import os
import random
import shutil
import struct
import subprocess
import sys
import zlib


def png(width, height, rows=None, color_type=2):
    def chunk(t, data):
        return struct.pack(">I", len(data)) + t + data + struct.pack(">I", zlib.crc32(t + data))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0)
    raw = rows if rows is not None else b"".join(b"\0" + bytes(3 * width) for _ in range(min(height, 4)))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def bmp_header(width, height):
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 24, 0, 0, 0, 0, 0, 0)
    return b"BM" + struct.pack("<IHHI", 14 + len(info) + 16, 0, 0, 14 + len(info)) + info + bytes(16)


def main():
    exe, work, astronaut = sys.argv[1:4]
    command = sys.argv[4] if len(sys.argv) > 4 else "detect"
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    photo = open(astronaut, "rb").read()
    rng = random.Random(9)
    blank = bytearray(b"".join(b"\0" + bytes([200, 180, 160] * 64) for _ in range(64)))
    bad = {
        b"a_directory.png": None,
        b"empty.jpg": b"",
        b"truncated.png": photo[: len(photo) // 2],
        b"truncated_header.png": photo[:20],
        b"truncated.ppm": b"P6\n64 64\n255\n" + bytes(100),
        b"zero_width.png": png(0, 10),
        b"zero_height.png": png(10, 0),
        b"huge.png": png(100000, 100000),
        b"huge_width.png": png(70000, 8),
        b"huge.ppm": b"P6\n99999 99999\n255\n" + bytes(64),
        b"huge.bmp": bmp_header(40000, 40000),
        b"random.bin": bytes(rng.getrandbits(8) for _ in range(4096)),
        b"random_jpeg_magic.jpg": b"\xff\xd8\xff\xe0" + bytes(rng.getrandbits(8) for _ in range(4096)),
        b"random_png_magic.png": b"\x89PNG\r\n\x1a\n" + bytes(rng.getrandbits(8) for _ in range(4096)),
    }
    good = {
        b"astronaut.png": photo,
        b"blank64.png": png(64, 64, bytes(blank)),
        b'we"ird\nname \xff.png': photo,  # a quote, a newline, a byte that is not UTF-8
    }
    w = work.encode()
    for name, data in {**bad, **good}.items():
        path = os.path.join(w, name)
        if data is None:
            os.makedirs(path)
        else:
            with open(path, "wb") as f:
                f.write(data)
    entries = sorted(os.listdir(w))
    args = [exe.encode(), command.encode()] + (
        [b"--model", b"facemesh468"] if command == "landmarks" else []) + [os.path.join(w, e) for e in entries]
    r = subprocess.run(args, capture_output=True, timeout=600)
    out, err = r.stdout.decode("utf-8"), r.stderr.decode("utf-8", "replace")
    print(f"exit {r.returncode}\n--- stderr\n{err}--- stdout: {len(out.splitlines())} lines")
    failures = []
    if r.returncode != 1:
        failures.append(f"exit status {r.returncode}, expected 1")
    err_lines = err.splitlines()
    if len(err_lines) != len(bad):
        failures.append(f"{len(err_lines)} stderr lines for {len(bad)} bad files")
    for name in bad:
        n = sum(1 for l in err_lines if f"/{name.decode()}: " in l)
        if n != 1:
            failures.append(f"{name.decode()}: {n} stderr lines, expected 1")
    lines = out.splitlines()
    expected = [e for e in entries if e in good]
    if len(lines) != len(expected):
        failures.append(f"{len(lines)} JSON lines for {len(expected)} valid images")
    for name, line in zip(expected, lines):
        doc = json.loads(line)  # the whole line must be JSON (strict=True: no raw control characters)
        want = os.path.join(w, name).decode("utf-8", "replace")  # invalid UTF-8 -> U+FFFD, as the writer does
        if doc["image"] != want:
            failures.append(f"image field {doc['image']!r}, expected {want!r}")
        faces = doc["faces"]
        if name == b"blank64.png":
            if faces:
                failures.append(f"{len(faces)} faces on the blank image")
        else:
            if len(faces) < 1:
                failures.append(f"no face on {name!r}")
            if command == "landmarks" and any(len(f.get("landmarks", [])) != 468 for f in faces):
                failures.append(f"{name!r}: faces without 468 landmarks")
    for f in failures:
        print("FAIL", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
