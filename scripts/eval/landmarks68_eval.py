#!/usr/bin/python3
"""Helpers of scripts/eval/lfpw_landmarks68.sh (numpy / scipy; run with /usr/bin/python3).

  mesh-to-68 SCHEMES_HPP IN.jsonl OUT.jsonl     FaceMesh 468 predictions -> 68 points through kPoints68Vertex
                                                (read from include/facenn/landmarks/schemes.hpp)
  fit-box MANIFEST FACENN.jsonl HOG.jsonl       (ax, ay, s) mapping facenn (BlazeFace) boxes to dlib HOG boxes:
                                                centre + (ax w, ay h), side s max(w, h); medians over the faces
                                                both detectors found
  stability MANIFEST PRED.jsonl                 does "landmark_disagreement" predict the per-point error?
"""
import json, os, re, sys
import numpy as np
from scipy.stats import spearmanr

sys.path.insert(0, os.environ.get('FACENN_SHARED_EVAL', os.path.join(os.path.dirname(__file__), '../../../shared/eval')))
from common import load_manifest, load_predictions, faces_for, match_face  # noqa: E402


def vertex_table(hpp, name):
    text = open(hpp).read()
    body = re.search(name + r'\s*=\s*\{(.*?)\};', text, re.S).group(1)
    body = re.sub(r'//[^\n]*', '', body)
    return [int(v) for v in re.findall(r'\d+', body)]


def mesh_to_68(hpp, src, dst):
    idx = vertex_table(hpp, 'kPoints68Vertex')
    assert len(idx) == 68
    with open(dst, 'w') as out:
        for line in open(src):
            if not line.startswith('{'):
                continue
            rec = json.loads(line)
            for f in rec['faces']:
                if len(f.get('landmarks', [])) >= 468:
                    f['landmarks'] = [f['landmarks'][v][:2] for v in idx]
            out.write(json.dumps(rec) + '\n')


def fit_box(manifest, facenn_pred, hog_pred):
    a, b = load_predictions(facenn_pred), load_predictions(hog_pred)
    rows = []
    for e in load_manifest(manifest):
        fa, fb = match_face(faces_for(a, e['image']), e['box']), match_face(faces_for(b, e['image']), e['box'])
        if fa is None or fb is None:
            continue
        x, y, w, h = fa['box']
        X, Y, W, H = fb['box']
        rows.append(((X + W / 2 - x - w / 2) / w, (Y + H / 2 - y - h / 2) / h, max(W, H) / max(w, h)))
    r = np.median(np.array(rows), axis=0)
    print(f'{r[0]:.4f} {r[1]:.4f} {r[2]:.4f}')
    print(f'fit-box: {len(rows)} faces found by both detectors', file=sys.stderr)


def stability(manifest, pred):
    preds = load_predictions(pred)
    err, dis, img_nme, img_dis = [], [], [], []
    within = []
    for e in load_manifest(manifest):
        gt = np.array(e['landmarks'], float)
        iod = np.linalg.norm(gt[36] - gt[45])
        f = match_face(faces_for(preds, e['image']), e['box'])
        if f is None or len(f.get('landmark_disagreement', [])) != 68:
            continue
        p = np.array(f['landmarks'], float)[:, :2]
        ei = np.linalg.norm(p - gt, axis=1) / iod * 100
        di = np.array(f['landmark_disagreement'], float) * 100
        err.append(ei); dis.append(di)
        img_nme.append(ei.mean()); img_dis.append(di.mean())
        within.append(spearmanr(di, ei).correlation)
    err, dis = np.array(err), np.array(dis)
    n = len(err)
    rho_all = spearmanr(dis.ravel(), err.ravel()).correlation
    rho_img = spearmanr(img_dis, img_nme).correlation
    rho_idx = spearmanr(dis.mean(0), err.mean(0)).correlation
    print(f'faces {n}, points {err.size}')
    print(f'Spearman rho, all points pooled (disagreement vs point error): {rho_all:.3f}')
    print(f'Spearman rho, within a face (mean over faces): {np.nanmean(within):.3f}')
    print(f'Spearman rho, per face (mean disagreement vs NME): {rho_img:.3f}')
    print(f'Spearman rho, per landmark index (mean over faces): {rho_idx:.3f}')
    d, e = dis.ravel(), err.ravel()
    q = np.quantile(d, [0.5, 0.9])
    print(f'point error by disagreement: lowest half {e[d <= q[0]].mean():.2f} %, top 10 % {e[d > q[1]].mean():.2f} % '
          f'(all {e.mean():.2f} %); points with error > 10 %: {np.mean(e > 10) * 100:.1f} % of all, '
          f'{np.mean(e[d > q[1]] > 10) * 100:.1f} % of the top-10 % disagreement')
    img_nme, img_dis = np.array(img_nme), np.array(img_dis)
    qi = np.quantile(img_dis, 0.9)
    print(f'faces: NME of the 10 % most-disagreeing faces {img_nme[img_dis > qi].mean():.2f} %, '
          f'others {img_nme[img_dis <= qi].mean():.2f} %; mean disagreement {img_dis.mean():.2f} % of eye distance')


if __name__ == '__main__':
    cmd, args = sys.argv[1], sys.argv[2:]
    {'mesh-to-68': mesh_to_68, 'fit-box': fit_box, 'stability': stability}[cmd](*args)
