# Fits the short exp polynomial used for softmax (assembly/simd/math.ts expNonPositive): a
# relative-error near-minimax fit (Lawson iterations) of e^r = 1 + r + r^2*q(r) on [-ln2/2, ln2/2], and its
# maximum relative error when evaluated in float32. Needs numpy. Run: python3 scripts/fit-exp.py
import numpy as np
h = np.log(2)/2
r = np.cos(np.linspace(0, np.pi, 20001)) * h  # Chebyshev-distributed points
f = np.exp(r)
# e^r - 1 - r = r^2 * q(r); fit q with weights so the *relative* error of e^r is minimised.
best = None
w = np.ones_like(r)
for it in range(60):  # iteratively reweighted least squares toward minimax (Lawson)
    A = np.stack([r**2 * r**k for k in range(4)], axis=1) / f[:, None]
    b = (f - 1 - r) / f
    sw = np.sqrt(w)
    c, *_ = np.linalg.lstsq(A * sw[:, None], b * sw, rcond=None)
    err = np.abs(A @ c - b)
    w = w * err; w /= w.sum()
    m = err.max()
    if best is None or m < best[0]: best = (m, c)
m, c = best
print("max rel err (exact arithmetic):", m, "coeffs:", [repr(float(np.float32(x))) for x in c])
# simulate float32 evaluation: p = c5*r + c4; p = p*r + c3; p = p*r + c2; y = p*r^2 + r + 1
c32 = [np.float32(x) for x in c]
rr = np.float32(np.linspace(-h, h, 2000001)).astype(np.float32)
p = c32[3]*rr + c32[2]; p = (p*rr + c32[1]).astype(np.float32); p = (p*rr + c32[0]).astype(np.float32)
y = (p*(rr*rr) + rr + np.float32(1)).astype(np.float32)
print("float32 evaluation max rel err:", np.max(np.abs(y.astype(np.float64) - np.exp(rr.astype(np.float64))) / np.exp(rr.astype(np.float64))))
