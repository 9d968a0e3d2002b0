"""Self-test of models/common: the vectorized fixed-point primitives against a literal scalar transcription of
docs/internal/contract.md §1, plus small operator checks. Run: /usr/bin/python3 models/common/selftest.py"""
import math
import random
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from common import int8_ops as Q  # noqa: E402

I32_MIN, I32_MAX = -(1 << 31), (1 << 31) - 1


def c_div(a, b):  # C integer division (truncates toward zero)
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def srdhm_ref(a, b):
    if a == b == I32_MIN:
        return I32_MAX
    ab = a * b
    nudge = (1 << 30) if ab >= 0 else (1 - (1 << 30))
    return c_div(ab + nudge, 1 << 31)


def rdbpot_ref(x, e):
    mask = (1 << e) - 1
    remainder = x & mask
    threshold = (mask >> 1) + (1 if x < 0 else 0)
    return (x >> e) + (1 if remainder > threshold else 0)


def mbqm_ref(x, m, shift):
    left, right = max(shift, 0), max(-shift, 0)
    x2 = min(max(x << left, I32_MIN), I32_MAX)
    return rdbpot_ref(srdhm_ref(x2, m), right)


def main():
    rng = random.Random(1)
    specials = [0, 1, -1, 2, -2, I32_MIN, I32_MAX, I32_MIN + 1, 1 << 30, -(1 << 30), (1 << 30) + 1, 12345, -12345]
    vals = specials + [rng.randint(I32_MIN, I32_MAX) for _ in range(3000)] + [rng.randint(-70000, 70000) for _ in range(2000)]
    ms = specials + [rng.randint(I32_MIN, I32_MAX) for _ in range(200)]
    a = np.array([rng.choice(vals) for _ in range(20000)], np.int64)
    b = np.array([rng.choice(ms) for _ in range(20000)], np.int64)
    got = Q.srdhm(a, b)
    assert all(int(g) == srdhm_ref(int(x), int(y)) for g, x, y in zip(got, a, b)), "srdhm"
    e = np.array([rng.randint(0, 31) for _ in range(20000)], np.int64)
    got = Q.rdbpot(a, e)
    assert all(int(g) == rdbpot_ref(int(x), int(k)) for g, x, k in zip(got, a, e)), "rdbpot"
    sh = np.array([rng.randint(-31, 30) for _ in range(20000)], np.int64)
    got = Q.mbqm(a, b, sh)
    assert all(int(g) == mbqm_ref(int(x), int(m), int(s)) for g, x, m, s in zip(got, a, b, sh)), "mbqm"
    # quantize_multiplier: |m| in [2^30, 2^31), value within 2^-31 relative
    for real in [1.0, 0.5, 0.999999999, 1.9999999999, 2 ** -31, 2 ** -32, 2 ** -40, 1e-12, -0.25, -1.5, 3e9, 0.0,
                 0.00390625, 1 / 255, 2 / 255] + [rng.uniform(-4, 4) for _ in range(2000)]:
        m, s = Q.quantize_multiplier(real)
        if real == 0 or (m == 0 and s == 0):
            assert real == 0 or abs(real) < 2 ** -31, real
            continue
        assert -31 <= s <= 30 and (1 << 30) <= abs(m) <= I32_MAX, (real, m, s)
        if s < 30:
            assert abs(m * 2.0 ** (s - 31) - real) <= abs(real) * 2 ** -30, (real, m, s)
    assert Q.quantize_multiplier(0.999999999999) == (1 << 30, 1)
    assert Q.round_half_away(2.5) == 3 and Q.round_half_away(-2.5) == -3 and Q.round_half_away(0.49999) == 0
    assert list(Q.round_half_away(np.array([0.5, 1.5, -0.5, -1.5]))) == [1, 2, -1, -2]
    # MBQM with the real multiplier ~ identity on small values
    m, s = Q.quantize_multiplier(1.0)
    assert int(Q.mbqm(np.int64(1234567), m, s)) == 1234567
    # avg pool rounding: (sum + n/2)/n for sum >= 0, (sum - n/2)/n else (C division)
    x = np.array([[[1], [2]], [[2], [2]]], np.int8)
    assert int(Q.avg_pool_int8(x, (2, 2), (2, 2), (0, 0, 0, 0))[0, 0, 0]) == 2   # 7/4 = 1.75 -> 2
    x = -x
    assert int(Q.avg_pool_int8(x, (2, 2), (2, 2), (0, 0, 0, 0))[0, 0, 0]) == -2
    x = np.array([[[1], [2]], [[1], [2]]], np.int8)                               # 6/4 = 1.5 -> 2, -1.5 -> -2
    assert int(Q.avg_pool_int8(x, (2, 2), (2, 2), (0, 0, 0, 0))[0, 0, 0]) == 2
    assert int(Q.avg_pool_int8(-x, (2, 2), (2, 2), (0, 0, 0, 0))[0, 0, 0]) == -2
    # conv int8 vs a literal loop
    nrng = np.random.default_rng(0)
    xin = nrng.integers(-128, 128, (7, 6, 3)).astype(np.int8)
    w = nrng.integers(-127, 128, (4, 3, 3, 3)).astype(np.int8)
    bias = nrng.integers(-5000, 5000, 4).astype(np.int32)
    mult, shift = Q.quantize_multipliers(nrng.uniform(0.0005, 0.004, 4))
    nm, ns = Q.quantize_multipliers(nrng.uniform(-0.001, 0.001, 4))
    p = dict(multiplier=mult, shift=shift, neg_multiplier=nm, neg_shift=ns, out_zp=-3, act_min=-128, act_max=127)
    pads = Q.same_padding(7, 3, 2) + Q.same_padding(6, 3, 2)
    y = Q.conv2d_int8(xin, 5, w, bias, (2, 2), pads, p)
    for oy in range(y.shape[0]):
        for ox in range(y.shape[1]):
            for oc in range(4):
                acc = int(bias[oc])
                for ky in range(3):
                    for kx in range(3):
                        iy, ix = oy * 2 - pads[0] + ky, ox * 2 - pads[2] + kx
                        if 0 <= iy < 7 and 0 <= ix < 6:
                            for ic in range(3):
                                acc += int(w[oc, ky, kx, ic]) * (int(xin[iy, ix, ic]) - 5)
                v = mbqm_ref(acc, int(nm[oc]), int(ns[oc])) if acc < 0 else mbqm_ref(acc, int(mult[oc]), int(shift[oc]))
                assert int(y[oy, ox, oc]) == min(max(v - 3, -128), 127), (oy, ox, oc)
    print("models/common selftest: OK")


if __name__ == "__main__":
    main()
