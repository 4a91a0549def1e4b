// The direct convolution kernels (stride 1; issue 19) and padPlanes against float64 references:
// both builds, widths below, at and between whole vectors, several tile shapes (output channels per
// group 1–7, input channels per group 1–6, kernels 1×1 to 7×7), bias and no bias, misaligned buffers.
import { describe, expect, it } from 'vitest';
import { type DirectConvGeometry, directPlane } from './conv.js';
import { expectClose } from './testing/compare.js';
import { loadAllVariants, put, take } from './testing/harness.js';
import { mulberry32, uniform } from './testing/random.js';

const variants = await loadAllVariants();

interface Case {
  batch: number;
  groups: number;
  /** Input channels per group (default 1). */
  inPerGroup?: number;
  perGroup: number;
  height: number;
  width: number;
  kernel: [number, number];
  padding: [number, number];
}

const cases: [string, Case][] = [
  [
    'LeNet layer 1 (28 wide, 6 channels, 5×5 pad 2)',
    { batch: 2, groups: 1, perGroup: 6, height: 28, width: 28, kernel: [5, 5], padding: [2, 2] },
  ],
  [
    'depthwise 3×3 pad 1, odd width 7',
    { batch: 2, groups: 3, perGroup: 1, height: 6, width: 7, kernel: [3, 3], padding: [1, 1] },
  ],
  [
    'width 2 (below one vector), multiplier 2',
    { batch: 1, groups: 2, perGroup: 2, height: 4, width: 2, kernel: [3, 3], padding: [1, 1] },
  ],
  [
    'width 1, no padding, 1×1 kernel',
    { batch: 3, groups: 2, perGroup: 3, height: 3, width: 1, kernel: [1, 1], padding: [0, 0] },
  ],
  [
    '7 channels (tiles of 3, 3, 1), 7×6 kernel, width 37',
    { batch: 1, groups: 1, perGroup: 7, height: 9, width: 37, kernel: [7, 6], padding: [3, 1] },
  ],
  [
    '5 channels, padding beyond the kernel reach',
    { batch: 2, groups: 2, perGroup: 5, height: 3, width: 5, kernel: [2, 2], padding: [3, 2] },
  ],
  [
    'rectangular 1×5 pad (0, 2), width 17',
    { batch: 1, groups: 1, perGroup: 4, height: 2, width: 17, kernel: [1, 5], padding: [0, 2] },
  ],
  // Several input channels per group (issue 19, LeNet-5's second layer and ResNet-style 3×3s).
  [
    'LeNet layer 2 (6 → 16 channels, 5×5, 10 wide out)',
    {
      batch: 2,
      groups: 1,
      inPerGroup: 6,
      perGroup: 16,
      height: 14,
      width: 14,
      kernel: [5, 5],
      padding: [0, 0],
    },
  ],
  [
    'groups 2, 3 → 3 channels each, 3×3 pad 1, odd width 9',
    { batch: 2, groups: 2, inPerGroup: 3, perGroup: 3, height: 5, width: 9, kernel: [3, 3], padding: [1, 1] },
  ],
  [
    '2 input channels, width 3 (below one vector), padding 2 ≥ kernel/2',
    { batch: 1, groups: 1, inPerGroup: 2, perGroup: 5, height: 4, width: 3, kernel: [3, 3], padding: [2, 2] },
  ],
  [
    'groups 3, 2 → 1 channel each (the transposed depthwise-like form), 4×2 kernel, width 13',
    {
      batch: 3,
      groups: 3,
      inPerGroup: 2,
      perGroup: 1,
      height: 6,
      width: 13,
      kernel: [4, 2],
      padding: [1, 0],
    },
  ],
];

function geometry(c: Case): DirectConvGeometry {
  const outH = c.height + 2 * c.padding[0] - c.kernel[0] + 1;
  const outW = c.width + 2 * c.padding[1] - c.kernel[1] + 1;
  const plane = directPlane(outH, outW, c.kernel[0], c.kernel[1]);
  return {
    batch: c.batch,
    groups: c.groups,
    inPerGroup: c.inPerGroup ?? 1,
    perGroup: c.perGroup,
    ...plane,
    kernelH: c.kernel[0],
    kernelW: c.kernel[1],
    outH,
    outW,
  };
}

/** Input planes of an image: groups · inPerGroup. */
function planesOf(c: Case): number {
  return c.groups * (c.inPerGroup ?? 1);
}

/** x[n, p, y − padH, x − padW] (p: input plane), 0 outside. */
function at(c: Case, x: ArrayLike<number>, n: number, p: number, y: number, xx: number): number {
  const iy = y - c.padding[0];
  const ix = xx - c.padding[1];
  if (iy < 0 || iy >= c.height || ix < 0 || ix >= c.width) return 0;
  return x[((n * planesOf(c) + p) * c.height + iy) * c.width + ix]!;
}

/** Forward, weight and bias gradients in float64. */
function reference(
  c: Case,
  d: DirectConvGeometry,
  x: ArrayLike<number>,
  w: ArrayLike<number>,
  b: ArrayLike<number>,
  gy: ArrayLike<number>,
) {
  const cout = c.groups * c.perGroup;
  const cin = c.inPerGroup ?? 1;
  const [kh, kw] = c.kernel;
  const y = new Float64Array(c.batch * cout * d.outH * d.outW);
  const gw = new Float64Array(w.length);
  const gb = new Float64Array(cout);
  for (let n = 0; n < c.batch; n++) {
    for (let o = 0; o < cout; o++) {
      const g = Math.floor(o / c.perGroup);
      for (let oy = 0; oy < d.outH; oy++) {
        for (let ox = 0; ox < d.outW; ox++) {
          const t = ((n * cout + o) * d.outH + oy) * d.outW + ox;
          let s = b[o]!;
          for (let k = 0; k < cin; k++) {
            for (let i = 0; i < kh; i++) {
              for (let j = 0; j < kw; j++) {
                const v = at(c, x, n, g * cin + k, oy + i, ox + j);
                const tap = ((o * cin + k) * kh + i) * kw + j;
                s += w[tap]! * v;
                gw[tap]! += gy[t]! * v;
              }
            }
          }
          y[t] = s;
          gb[o]! += gy[t]!;
        }
      }
    }
  }
  return { y, gw, gb };
}

describe.each(variants.map((k) => [k.variant, k] as const))(
  'direct convolution kernels (%s build)',
  (_, kernels) => {
    for (const [name, c] of cases) {
      it(name, () => {
        const d = geometry(c);
        const cout = c.groups * c.perGroup;
        const taps = (c.inPerGroup ?? 1) * c.kernel[0] * c.kernel[1];
        const planes = c.batch * planesOf(c);
        const x = uniform(mulberry32(1), planes * c.height * c.width, -1, 1);
        const w = uniform(mulberry32(2), cout * taps, -1, 1);
        const b = uniform(mulberry32(3), cout, -1, 1);
        const gy = uniform(mulberry32(4), c.batch * cout * d.outH * d.outW, -1, 1);
        const want = reference(c, d, x, w, b, gy);
        const planeFloats = d.planeH * d.planeW;
        const xpad = put(kernels, new Float32Array(planes * planeFloats).fill(Number.NaN), 1);
        kernels.padPlanes(
          put(kernels, x, 2),
          xpad,
          planes,
          c.height,
          c.width,
          c.padding[0],
          c.padding[1],
          d.planeH,
          d.planeW,
        );
        // The padded planes: zeros around the input, exactly.
        const padded = take(kernels, xpad, planes * planeFloats);
        for (let p = 0; p < planes; p++) {
          for (let r = 0; r < d.planeH; r++) {
            for (let col = 0; col < d.planeW; col++) {
              const v = at(c, x, Math.floor(p / planesOf(c)), p % planesOf(c), r, col);
              if (padded[p * planeFloats + r * d.planeW + col] !== Math.fround(v))
                throw new Error(`padPlanes ${name}: plane ${p} [${r}, ${col}]`);
            }
          }
        }
        const outFloats = want.y.length;
        // One float past the output: the partial stores of a row's last vector must not reach it.
        const y = put(kernels, new Float32Array(outFloats + 1).fill(Number.NaN), 3);
        const tolerance = { abs: 2e-6 * (taps + 1) };
        kernels.convDirectForward(xpad, put(kernels, w), put(kernels, b, 1), y, d);
        expectClose(`forward ${name}`, take(kernels, y, outFloats), want.y, tolerance);
        expect(Number.isNaN(take(kernels, y + 4 * outFloats, 1)[0])).toBe(true);
        kernels.convDirectForward(xpad, put(kernels, w, 2), 0, y, d);
        const noBias = want.y.map((v, t) => v - b[Math.floor(t / (d.outH * d.outW)) % cout]!);
        expectClose(`forward without bias ${name}`, take(kernels, y, outFloats), noBias, tolerance);

        const gw = put(kernels, new Float32Array(w.length).fill(Number.NaN), 1);
        const gb = put(kernels, new Float32Array(cout).fill(Number.NaN), 2);
        kernels.convDirectWeightGrad(xpad, put(kernels, gy, 3), gw, gb, d);
        // Sums of batch·outH·outW products of size ≤ 1.
        const sums = { abs: 2e-6 * c.batch * d.outH * d.outW };
        expectClose(`weight gradient ${name}`, take(kernels, gw, w.length), want.gw, sums);
        expectClose(`bias gradient ${name}`, take(kernels, gb, cout), want.gb, sums);
      });
    }

    it('the weight gradient ignores an Inf beyond the reach of a tap (no 0·Inf in the last vector)', () => {
      // Width 5, 1×3 kernel, no padding: outW 3, so x[·, 3] and x[·, 4] lie in the last vector's
      // spare lanes of tap 0; PyTorch's gradient of tap 0 does not involve them.
      const c: Case = {
        batch: 1,
        groups: 1,
        perGroup: 1,
        height: 1,
        width: 5,
        kernel: [1, 3],
        padding: [0, 0],
      };
      const d = geometry(c);
      const xpad = put(kernels, new Float32Array(d.planeH * d.planeW));
      kernels.padPlanes(
        put(kernels, [1, 2, 3, Number.POSITIVE_INFINITY, 5]),
        xpad,
        1,
        1,
        5,
        0,
        0,
        d.planeH,
        d.planeW,
      );
      const gw = kernels.allocate(12);
      kernels.convDirectWeightGrad(xpad, put(kernels, [1, 1, 1]), gw, 0, d);
      expect(Array.from(take(kernels, gw, 3))).toEqual([
        6,
        Number.POSITIVE_INFINITY,
        Number.POSITIVE_INFINITY,
      ]);
    });

    it('rejects padded planes smaller than the kernels read', () => {
      const d = { ...geometry(cases[0]![1]), planeW: 31 };
      expect(() => kernels.convDirectForward(0, 0, 0, 0, d)).toThrow(
        /^kernels-wasm convDirectForward: padded planes 32×31 are too small/,
      );
    });
  },
);
