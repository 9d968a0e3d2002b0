#!/usr/bin/python3
"""Generate include/facenn/geometry/canonical_face.hpp from MediaPipe's canonical face model.

Source: npm @mediapipe/face_mesh@0.4.1633559619 (Apache-2.0), file
face_mesh_solution_packed_assets.data, entry .../face_geometry/data/geometry_pipeline_metadata_landmarks.binarypb
(a serialized mediapipe.face_geometry.GeometryPipelineMetadata).

Steps (all checked, any mismatch aborts with a message and exit code 1):
  1. `npm pack` the package into <repo>/.cache/npm/ (git-ignored) unless the tarball is already there;
     verify the tarball's sha256 (pinned below).
  2. Read the packed-assets loader (face_mesh_solution_packed_assets_loader.js) for the byte range of the
     .binarypb inside face_mesh_solution_packed_assets.data; cut it out and verify its sha256 (pinned).
  3. Parse the protobuf wire format with the small reader below (no protobuf package needed):
       GeometryPipelineMetadata { Mesh3d canonical_mesh = 1; repeated WeightedLandmarkRef procrustes_landmark_basis = 2;
                                  InputSource input_source = 3; }
       Mesh3d { VertexType vertex_type = 1; PrimitiveType primitive_type = 2;
                repeated float vertex_buffer = 3; repeated uint32 index_buffer = 4; }
       WeightedLandmarkRef { uint32 landmark_id = 1; float weight = 2; }
     vertex_type must be VERTEX_PT (0): 5 floats per vertex (x, y, z, u, v); primitive_type TRIANGLE (0).
  4. Optionally cross-check against a 468x5 float32 dump (--check PATH; by default
     ../shared/peers/refs/canonical_face/canonical_mesh.bin next to the repo, if present).
  5. Write the header (exact float32 values, printed with 9 significant digits, which round-trips).

usage: /usr/bin/python3 models/canonical_face/convert.py [--out HEADER] [--check BIN | --no-check]
"""
import argparse, hashlib, io, json, os, re, struct, subprocess, sys, tarfile

CONVERTER_VERSION = 1
PACKAGE = '@mediapipe/face_mesh@0.4.1633559619'
TARBALL = 'mediapipe-face_mesh-0.4.1633559619.tgz'
TARBALL_SHA256 = 'a65c9a7509560f29e574c026dc6a667d2154617eb3ba0c287db02350de0c116f'
DATA_MEMBER = 'package/face_mesh_solution_packed_assets.data'
LOADER_MEMBER = 'package/face_mesh_solution_packed_assets_loader.js'
ASSET_SUFFIX = '/face_geometry/data/geometry_pipeline_metadata_landmarks.binarypb'
ASSET_SHA256 = 'bdbcda96dfcb7da883da124aaa2c55dee49770d934f0fcc71747f8c21bdc75b4'
NUM_VERTICES = 468

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def fail(msg):
    print('convert.py: error: ' + msg, file=sys.stderr)
    sys.exit(1)


def sha256(data):
    return hashlib.sha256(data).hexdigest()


# --- 1. the npm tarball -----------------------------------------------------------------------------
def fetch_tarball():
    cache = os.path.join(REPO, '.cache', 'npm')
    path = os.path.join(cache, TARBALL)
    if not os.path.exists(path):
        os.makedirs(cache, exist_ok=True)
        print(f'npm pack {PACKAGE} -> {cache}', file=sys.stderr)
        r = subprocess.run(['npm', 'pack', '--silent', '--pack-destination', cache, PACKAGE],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0 or not os.path.exists(path):
            fail(f'npm pack failed ({r.returncode}): {r.stderr.strip()}')
    data = open(path, 'rb').read()
    if sha256(data) != TARBALL_SHA256:
        fail(f'{path}: sha256 {sha256(data)} != pinned {TARBALL_SHA256}')
    return data


# --- 2. cut the .binarypb out of the packed assets ----------------------------------------------------
def extract_asset(tarball):
    with tarfile.open(fileobj=io.BytesIO(tarball), mode='r:gz') as tar:
        loader = tar.extractfile(LOADER_MEMBER).read().decode('utf-8')
        packed = tar.extractfile(DATA_MEMBER).read()
    # The loader ends in `loadPackage({"files": [{"filename": ..., "start": ..., "end": ...}, ...], ...})`.
    m = re.search(r'loadPackage\((\{"files":.*?\})\);', loader, re.S)
    if not m:
        fail('no loadPackage({...}) metadata in ' + LOADER_MEMBER)
    meta = json.loads(m.group(1))
    entries = [f for f in meta['files'] if f['filename'].endswith(ASSET_SUFFIX)]
    if len(entries) != 1:
        fail(f'expected one *{ASSET_SUFFIX} entry in the loader metadata, found {len(entries)}')
    e = entries[0]
    if meta.get('remote_package_size') != len(packed) or not 0 <= e['start'] < e['end'] <= len(packed):
        fail('packed asset offsets do not fit the data file')
    blob = packed[e['start']:e['end']]
    if sha256(blob) != ASSET_SHA256:
        fail(f'{e["filename"]}: sha256 {sha256(blob)} != pinned {ASSET_SHA256}')
    return blob, e['filename']


# --- 3. protobuf wire format ------------------------------------------------------------------------------
class Reader:
    """Just enough of the protobuf wire format: varint (0), 64-bit (1), length-delimited (2), 32-bit (5)."""

    def __init__(self, data):
        self.data, self.pos = data, 0

    def varint(self):
        result = shift = 0
        while True:
            if self.pos >= len(self.data) or shift > 63:
                fail('truncated or overlong varint')
            b = self.data[self.pos]
            self.pos += 1
            result |= (b & 0x7F) << shift
            shift += 7
            if b < 0x80:
                return result

    def take(self, n):
        if self.pos + n > len(self.data):
            fail('truncated field')
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def fields(self):
        """Yield (field_number, wire_type, value); value is int (0), bytes (1, 2, 5)."""
        while self.pos < len(self.data):
            key = self.varint()
            num, wt = key >> 3, key & 7
            if wt == 0:
                yield num, wt, self.varint()
            elif wt == 1:
                yield num, wt, self.take(8)
            elif wt == 2:
                yield num, wt, self.take(self.varint())
            elif wt == 5:
                yield num, wt, self.take(4)
            else:
                fail(f'unsupported wire type {wt} (field {num})')


def floats(num, wt, value):
    """A repeated float field, packed (wire type 2) or not (5)."""
    if wt == 5:
        return [struct.unpack('<f', value)[0]]
    if wt == 2 and len(value) % 4 == 0:
        return list(struct.unpack(f'<{len(value) // 4}f', value))
    fail(f'field {num}: not a float')


def uints(num, wt, value):
    """A repeated uint32 field, packed (2) or not (0)."""
    if wt == 0:
        return [value]
    if wt == 2:
        r, out = Reader(value), []
        while r.pos < len(value):
            out.append(r.varint())
        return out
    fail(f'field {num}: not a varint')


def parse(blob):
    mesh, basis = None, []
    for num, wt, value in Reader(blob).fields():
        if num == 1 and wt == 2:
            mesh = value
        elif num == 2 and wt == 2:
            ref = {'landmark_id': 0, 'weight': 0.0}
            for n2, w2, v2 in Reader(value).fields():
                if n2 == 1:
                    ref['landmark_id'] = uints(n2, w2, v2)[0]
                elif n2 == 2:
                    ref['weight'] = floats(n2, w2, v2)[0]
            basis.append(ref)
    if mesh is None:
        fail('no canonical_mesh (field 1)')
    vertex_type = primitive_type = 0
    vb, ib = [], []
    for num, wt, value in Reader(mesh).fields():
        if num == 1:
            vertex_type = value
        elif num == 2:
            primitive_type = value
        elif num == 3:
            vb += floats(num, wt, value)
        elif num == 4:
            ib += uints(num, wt, value)
    if vertex_type != 0 or primitive_type != 0:
        fail(f'expected VERTEX_PT / TRIANGLE, got {vertex_type} / {primitive_type}')
    if len(vb) != NUM_VERTICES * 5:
        fail(f'vertex buffer has {len(vb)} floats, expected {NUM_VERTICES} x 5')
    if len(ib) % 3 or any(i >= NUM_VERTICES for i in ib):
        fail('index buffer is not a list of triangles over the vertices')
    if any(not 0 <= b['landmark_id'] < NUM_VERTICES for b in basis):
        fail('procrustes basis refers to a vertex that does not exist')
    vertices = [vb[5 * i:5 * i + 5] for i in range(NUM_VERTICES)]
    triangles = [ib[3 * i:3 * i + 3] for i in range(len(ib) // 3)]
    return vertices, triangles, basis


# --- 4. cross-check -------------------------------------------------------------------------------------
def check(vertices, path):
    data = open(path, 'rb').read()
    if len(data) != NUM_VERTICES * 5 * 4:
        fail(f'{path}: {len(data)} bytes, expected {NUM_VERTICES * 5 * 4}')
    ref = struct.unpack(f'<{NUM_VERTICES * 5}f', data)
    mine = [c for v in vertices for c in v]
    diff = max(abs(a - b) for a, b in zip(mine, ref))
    if diff != 0.0:
        fail(f'{path}: max abs difference {diff} (expected identical float32 values)')
    print(f'cross-check: identical to {path}', file=sys.stderr)


# --- 5. header ------------------------------------------------------------------------------------------
def f32(x):
    # float32 value (exact), 9 significant digits round-trip; always a float literal
    s = '%.9g' % struct.unpack('<f', struct.pack('<f', x))[0]
    if 'e' not in s and '.' not in s:
        s += '.0'
    return s + 'f'


def emit(vertices, triangles, basis, asset_name):
    out = []
    w = out.append
    w(f'// Generated by models/canonical_face/convert.py (converter v{CONVERTER_VERSION}) from {PACKAGE}')
    w(f'// {asset_name}')
    w(f'// sha256 {ASSET_SHA256} (npm tarball sha256 {TARBALL_SHA256}).')
    w('// MediaPipe canonical face model, Apache-2.0 (Copyright The MediaPipe Authors). Do not edit.')
    w('#pragma once')
    w('')
    w('#include <cstdint>')
    w('')
    w('namespace facenn::geometry::canonical_face {')
    w('')
    w(f'inline constexpr int kNumVertices = {len(vertices)};')
    w(f'inline constexpr int kNumTriangles = {len(triangles)};')
    w(f'inline constexpr int kNumProcrustesPoints = {len(basis)};')
    w('')
    w('// Vertex positions in centimetres, MediaPipe\'s model frame: x to the subject\'s left (image right for a')
    w('// frontal face), y up, z out of the face towards the viewer; origin inside the head.')
    w('inline constexpr float kVertices[kNumVertices][3] = {')
    for i, v in enumerate(vertices):
        w(f'    {{{f32(v[0])}, {f32(v[1])}, {f32(v[2])}}},  // {i}')
    w('};')
    w('')
    w('// Texture coordinates (u, v) in [0, 1] of MediaPipe\'s canonical face texture.')
    w('inline constexpr float kUV[kNumVertices][2] = {')
    for i in range(0, len(vertices), 4):
        w('    ' + ' '.join(f'{{{f32(v[3])}, {f32(v[4])}}},' for v in vertices[i:i + 4]))
    w('};')
    w('')
    w('// Triangles (vertex indices), counter-clockwise seen from in front of the face (from +z).')
    w('inline constexpr std::uint16_t kTriangles[kNumTriangles][3] = {')
    for i in range(0, len(triangles), 8):
        w('    ' + ' '.join(f'{{{a}, {b}, {c}}},' for a, b, c in triangles[i:i + 8]))
    w('};')
    w('')
    w('// MediaPipe\'s procrustes landmark basis: the vertices (and weights) its geometry pipeline uses to fit')
    w('// the canonical face rigidly to a predicted mesh.')
    w('struct WeightedVertex {')
    w('  std::uint16_t vertex;')
    w('  float weight;')
    w('};')
    w('inline constexpr WeightedVertex kProcrustesBasis[kNumProcrustesPoints] = {')
    for i in range(0, len(basis), 4):
        w('    ' + ' '.join(f'{{{b["landmark_id"]}, {f32(b["weight"])}}},' for b in basis[i:i + 4]))
    w('};')
    w('')
    w('}  // namespace facenn::geometry::canonical_face')
    return '\n'.join(out) + '\n'


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--out', default=os.path.join(REPO, 'include', 'facenn', 'geometry', 'canonical_face.hpp'))
    default_ref = os.path.join(os.path.dirname(REPO), 'shared', 'peers', 'refs', 'canonical_face', 'canonical_mesh.bin')
    ap.add_argument('--check', default=default_ref, help='468x5 float32 reference dump (skipped if absent)')
    ap.add_argument('--no-check', action='store_true')
    a = ap.parse_args()
    blob, name = extract_asset(fetch_tarball())
    vertices, triangles, basis = parse(blob)
    if not a.no_check:
        if os.path.exists(a.check):
            check(vertices, a.check)
        else:
            print(f'cross-check skipped: {a.check} not found', file=sys.stderr)
    text = emit(vertices, triangles, basis, name)
    with open(a.out, 'w') as f:
        f.write(text)
    print(f'wrote {a.out}: {len(vertices)} vertices, {len(triangles)} triangles, '
          f'{len(basis)} procrustes points', file=sys.stderr)


if __name__ == '__main__':
    main()
