// Pooling kernels against float64 references written from PyTorch's definitions, on both builds:
// odd sizes, padding, stride 2, dilation 2, ceilMode, 1×1 windows, 1-D (height 1).
import { describe, expect, it } from 'vitest';
import { type Conv2dGeometry, type Pool2dOptions, pool2dGeometry } from './conv.js';
import { expectClose } from './testing/compare.js';
import { loadAllVariants, put, putI32, take, takeI32 } from './testing/harness.js';
import { mulberry32, uniform } from './testing/random.js';

const variants = await loadAllVariants();

function planesOf(g: Conv2dGeometry): number {
  return g.batch * g.channels;
}

function referenceMaxPool(g: Conv2dGeometry, x: ArrayLike<number>) {
  const out: number[] = [];
  const indices: number[] = [];
  for (let p = 0; p < planesOf(g); p++) {
    for (let oy = 0; oy < g.outH; oy++) {
      for (let ox = 0; ox < g.outW; ox++) {
        let best = -Infinity;
        let at = -1;
        for (let i = 0; i < g.kernelH; i++) {
          for (let j = 0; j < g.kernelW; j++) {
            const iy = oy * g.strideH - g.padH + i * g.dilationH;
            const ix = ox * g.strideW - g.padW + j * g.dilationW;
            if (iy < 0 || iy >= g.height || ix < 0 || ix >= g.width) continue;
            const v = x[(p * g.height + iy) * g.width + ix]!;
            // PyTorch: strictly greater (the first maximum wins) or NaN; the first tap is the default.
            if (at < 0 || v > best || Number.isNaN(v)) {
              best = v;
              at = iy * g.width + ix;
            }
          }
        }
        out.push(best);
        indices.push(at);
      }
    }
  }
  return { out, indices };
}

/** PyTorch's avg_pool2d: divisor = window cut at the far padding edge, or cut to the input. */
function referenceAvgPool(g: Conv2dGeometry, x: ArrayLike<number>, includePad: boolean, override = 0) {
  const out: number[] = [];
  const windows: { cells: number[]; divisor: number }[] = [];
  for (let p = 0; p < planesOf(g); p++) {
    for (let oy = 0; oy < g.outH; oy++) {
      for (let ox = 0; ox < g.outW; ox++) {
        const y0 = oy * g.strideH - g.padH;
        const x0 = ox * g.strideW - g.padW;
        const y1 = Math.min(y0 + g.kernelH, g.height + g.padH);
        const x1 = Math.min(x0 + g.kernelW, g.width + g.padW);
        const cells: number[] = [];
        for (let iy = Math.max(y0, 0); iy < Math.min(y1, g.height); iy++) {
          for (let ix = Math.max(x0, 0); ix < Math.min(x1, g.width); ix++)
            cells.push((p * g.height + iy) * g.width + ix);
        }
        const divisor = override || (includePad ? (y1 - y0) * (x1 - x0) : cells.length);
        windows.push({ cells, divisor });
        out.push(cells.length === 0 ? 0 : cells.reduce((s, i) => s + x[i]!, 0) / divisor);
      }
    }
  }
  return { out, windows };
}

const shapes: [string, Pool2dOptions][] = [
  ['2×2 (stride = kernel)', { batch: 2, channels: 3, height: 8, width: 6, kernel: 2 }],
  [
    '3×3 stride 2 pad 1, odd sizes',
    { batch: 1, channels: 2, height: 7, width: 9, kernel: 3, stride: 2, padding: 1 },
  ],
  [
    '3×3 stride 2 ceilMode',
    { batch: 1, channels: 2, height: 8, width: 10, kernel: 3, stride: 2, ceilMode: true },
  ],
  [
    '2×2 stride 2 pad 1 ceilMode (last window dropped)',
    { batch: 1, channels: 1, height: 5, width: 7, kernel: 2, stride: 2, padding: 1, ceilMode: true },
  ],
  ['1×1 window', { batch: 1, channels: 2, height: 3, width: 5, kernel: 1 }],
  [
    'rectangular, per-axis stride and padding',
    {
      batch: 2,
      channels: 1,
      height: 9,
      width: 13,
      kernel: [2, 4],
      stride: [1, 3],
      padding: [1, 2],
      ceilMode: true,
    },
  ],
  [
    '1-D (height 1)',
    { batch: 2, channels: 3, height: 1, width: 17, kernel: [1, 3], stride: [1, 2], padding: [0, 1] },
  ],
];

const dilatedShapes: [string, Pool2dOptions][] = [
  [
    'dilation 2',
    { batch: 1, channels: 2, height: 9, width: 11, kernel: 3, stride: 1, padding: 1, dilation: 2 },
  ],
  [
    'dilation 2, stride 2, ceilMode',
    {
      batch: 1,
      channels: 1,
      height: 10,
      width: 8,
      kernel: 2,
      stride: 2,
      padding: 1,
      dilation: 2,
      ceilMode: true,
    },
  ],
];

describe.each(variants.map((k) => [k.variant, k] as const))('pooling kernels (%s build)', (_, kernels) => {
  for (const [name, options] of [...shapes, ...dilatedShapes]) {
    it(`maxPool2d forward and backward: ${name}`, () => {
      const g = pool2dGeometry(options);
      const n = planesOf(g) * g.height * g.width;
      const m = planesOf(g) * g.outH * g.outW;
      // Few distinct values, so that ties occur and the first maximum must win.
      const x = uniform(mulberry32(n), n, 0, 6).map(Math.floor);
      const out = put(kernels, new Float32Array(m), 1);
      const indices = putI32(kernels, new Int32Array(m).fill(-7));
      const px = put(kernels, x, 2);
      kernels.maxPool2d(px, out, indices, g);
      const want = referenceMaxPool(g, x);
      expectClose(`values ${name}`, take(kernels, out, m), want.out);
      expect(Array.from(takeI32(kernels, indices, m))).toEqual(want.indices);

      const gy = uniform(mulberry32(n + 1), m, -1, 1);
      const wantGx = new Float64Array(n);
      const base = uniform(mulberry32(n + 2), n, -1, 1);
      const wantAcc = Float64Array.from(base);
      for (let o = 0; o < m; o++) {
        const plane = Math.floor(o / (g.outH * g.outW));
        wantGx[plane * g.height * g.width + want.indices[o]!]! += gy[o]!;
        wantAcc[plane * g.height * g.width + want.indices[o]!]! += gy[o]!;
      }
      const pgy = put(kernels, gy);
      const gx = put(kernels, new Float32Array(n).fill(Number.NaN), 3);
      kernels.maxPool2dBackward(pgy, indices, gx, g);
      expectClose(`gx ${name}`, take(kernels, gx, n), wantGx, { abs: 1e-6 });
      const acc = put(kernels, base);
      kernels.maxPool2dBackward(pgy, indices, acc, g, true);
      expectClose(`gx accumulate ${name}`, take(kernels, acc, n), wantAcc, { abs: 1e-6 });
    });
  }

  it('maxPool2d 2×2 / stride 2 (the SIMD path): ties, NaNs and ±∞ in every tap position, odd sizes, ceilMode', () => {
    for (const [height, width, ceilMode] of [
      [8, 16, false],
      [9, 19, false],
      [7, 23, true],
      [4, 8, true],
    ] as const) {
      const g = pool2dGeometry({ batch: 2, channels: 3, height, width, kernel: 2, stride: 2, ceilMode });
      const n = planesOf(g) * height * width;
      const m = planesOf(g) * g.outH * g.outW;
      const special = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
      const random = mulberry32(n + width);
      const x = Array.from({ length: n }, () => {
        const r = random();
        return r < 0.08 ? special[Math.floor(random() * 3)]! : Math.floor(r * 5);
      });
      const out = put(kernels, new Float32Array(m), 1);
      const indices = putI32(kernels, new Int32Array(m).fill(-7));
      kernels.maxPool2d(put(kernels, x, 2), out, indices, g);
      const want = referenceMaxPool(g, x);
      expect(Array.from(take(kernels, out, m))).toEqual(want.out.map((v) => Math.fround(v)));
      expect(Array.from(takeI32(kernels, indices, m))).toEqual(want.indices);
    }
  });

  // Issue 19: the 2×2 fast path takes the first maximum with a pmax tree and finds its index by
  // equality, falls back to the tap-by-tap rule for vectors with NaN or ∞ − ∞, covers a row's tail
  // with a last vector overlapping the one before, and rows of 1–3 outputs with a scalar loop.
  it('maxPool2d 2×2 / stride 2 fast path: −0 before +0 keeps its sign, ±∞ without NaN, every row width', () => {
    for (const width of [2, 4, 6, 8, 10, 12, 14, 22, 28, 30]) {
      const g = pool2dGeometry({ batch: 1, channels: 3, height: 6, width, kernel: 2, stride: 2 });
      const n = planesOf(g) * g.height * width;
      const m = planesOf(g) * g.outH * g.outW;
      const random = mulberry32(width);
      const values = [-0, 0, -1, 1, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
      // Plane 0: only ±0 and ±1 (ties of zeros of both signs); planes 1–2 add ±∞ (∞ − ∞ vectors).
      const x = Array.from({ length: n }, (_, i) => {
        const choices = i < g.height * width ? 4 : 6;
        return values[Math.floor(random() * choices)]!;
      });
      const out = put(kernels, new Float32Array(m), 1);
      const indices = putI32(kernels, new Int32Array(m).fill(-7));
      kernels.maxPool2d(put(kernels, x, 2), out, indices, g);
      const want = referenceMaxPool(g, x);
      const got = Array.from(take(kernels, out, m));
      expect(got.map((v) => (Object.is(v, -0) ? '-0' : v))).toEqual(
        want.out.map((v) => (Object.is(v, -0) ? '-0' : v)),
      );
      expect(Array.from(takeI32(kernels, indices, m))).toEqual(want.indices);
    }
  });

  it('maxPool2d propagates NaN (the last NaN of a window) and treats padding as −∞', () => {
    const g = pool2dGeometry({ channels: 1, height: 2, width: 4, kernel: 2, padding: 1 });
    // Windows (pad 1, stride 2) cover rows [-1,1) and [1,3), columns [-1,1), [1,3), [3,5).
    const x = [-5, Number.NaN, -3, -2, -1, -4, Number.NaN, -6];
    const out = put(kernels, new Float32Array(6));
    const indices = putI32(kernels, new Int32Array(6));
    kernels.maxPool2d(put(kernels, x), out, indices, g);
    expect(Array.from(take(kernels, out, 6))).toEqual([-5, Number.NaN, -2, -1, Number.NaN, -6]);
    expect(Array.from(takeI32(kernels, indices, 6))).toEqual([0, 1, 3, 4, 6, 7]);
  });

  for (const [name, options] of shapes) {
    for (const includePad of [true, false]) {
      it(`avgPool2d forward and backward (countIncludePad ${includePad}): ${name}`, () => {
        const g = pool2dGeometry(options, 'avgPool2d');
        const n = planesOf(g) * g.height * g.width;
        const m = planesOf(g) * g.outH * g.outW;
        const x = uniform(mulberry32(n + 5), n, -1, 1);
        const out = put(kernels, new Float32Array(m).fill(Number.NaN), 1);
        kernels.avgPool2d(put(kernels, x, 3), out, g, { countIncludePad: includePad });
        const want = referenceAvgPool(g, x, includePad);
        // Means of at most kh·kw floats of size ≤ 1.
        const tolerance = { rel: 1e-6, abs: 1e-6 };
        expectClose(`avg ${name}`, take(kernels, out, m), want.out, tolerance);

        const gy = uniform(mulberry32(n + 6), m, -1, 1);
        const wantGx = new Float64Array(n);
        want.windows.forEach(({ cells, divisor }, o) => {
          for (const i of cells) wantGx[i]! += gy[o]! / divisor;
        });
        const gx = put(kernels, new Float32Array(n).fill(Number.NaN), 2);
        kernels.avgPool2dBackward(put(kernels, gy), gx, g, { countIncludePad: includePad });
        expectClose(`avg gx ${name}`, take(kernels, gx, n), wantGx, tolerance);
      });
    }
  }

  it('avgPool2d divisors: ceilMode windows are cut at the padded edge, divisorOverride replaces them', () => {
    // A row 1..5, kernel 2, stride 2, ceilMode: windows [0,2), [2,4), [4,6) cut to [4,5) with divisor 1
    // whether or not padding is counted (PyTorch cuts at width + padding before counting).
    const g = pool2dGeometry(
      { channels: 1, height: 1, width: 5, kernel: [1, 2], ceilMode: true },
      'avgPool2d',
    );
    expect(g.outW).toBe(3);
    const x = put(kernels, [1, 2, 3, 4, 5]);
    const out = put(kernels, new Float32Array(3));
    kernels.avgPool2d(x, out, g);
    expect(Array.from(take(kernels, out, 3))).toEqual([1.5, 3.5, 5]);
    kernels.avgPool2d(x, out, g, { divisorOverride: 4 });
    expect(Array.from(take(kernels, out, 3))).toEqual([0.75, 1.75, 1.25]);
    // Padding 1: the first window [-1,1) counts its padded cell only with countIncludePad.
    const padded = pool2dGeometry(
      { channels: 1, height: 1, width: 5, kernel: [1, 2], padding: [0, 1] },
      'avgPool2d',
    );
    kernels.avgPool2d(x, out, padded);
    expect(Array.from(take(kernels, out, 3))).toEqual([0.5, 2.5, 4.5]);
    kernels.avgPool2d(x, out, padded, { countIncludePad: false });
    expect(Array.from(take(kernels, out, 3))).toEqual([1, 2.5, 4.5]);
  });

  it('avgPool2d refuses a dilated geometry and a bad divisorOverride', () => {
    const g = pool2dGeometry({ channels: 1, height: 5, width: 5, kernel: 2, dilation: 2 });
    expect(() => kernels.avgPool2d(0, 0, g)).toThrow(/avgPool2d: average pooling has no dilation, got 2×2/);
    const plain = pool2dGeometry({ channels: 1, height: 5, width: 5, kernel: 2 });
    expect(() => kernels.avgPool2d(0, 0, plain, { divisorOverride: 0 })).toThrow(
      /divisorOverride must be a positive integer, got 0/,
    );
  });

  const adaptive: [number, number, number, number][] = [
    [7, 7, 1, 1],
    [10, 7, 3, 4],
    [5, 9, 5, 9],
    [4, 6, 7, 8],
    [1, 13, 1, 5],
  ];
  for (const [h, w, oh, ow] of adaptive) {
    it(`adaptiveAvgPool2d forward and backward ${h}×${w} → ${oh}×${ow}`, () => {
      const planes = 3;
      const n = planes * h * w;
      const m = planes * oh * ow;
      const x = uniform(mulberry32(n + oh), n, -1, 1);
      const gy = uniform(mulberry32(m + 1), m, -1, 1);
      const wantY = new Float64Array(m);
      const wantGx = new Float64Array(n);
      let o = 0;
      for (let p = 0; p < planes; p++) {
        for (let oy = 0; oy < oh; oy++) {
          const y0 = Math.floor((oy * h) / oh);
          const y1 = Math.ceil(((oy + 1) * h) / oh);
          for (let ox = 0; ox < ow; ox++) {
            const x0 = Math.floor((ox * w) / ow);
            const x1 = Math.ceil(((ox + 1) * w) / ow);
            const count = (y1 - y0) * (x1 - x0);
            for (let iy = y0; iy < y1; iy++) {
              for (let ix = x0; ix < x1; ix++) {
                wantY[o]! += x[(p * h + iy) * w + ix]! / count;
                wantGx[(p * h + iy) * w + ix]! += gy[o]! / count;
              }
            }
            o++;
          }
        }
      }
      const out = put(kernels, new Float32Array(m), 1);
      kernels.adaptiveAvgPool2d(put(kernels, x, 2), out, planes, h, w, oh, ow);
      const tolerance = { rel: 1e-6, abs: 1e-6 };
      expectClose('adaptive y', take(kernels, out, m), wantY, tolerance);
      const gx = put(kernels, new Float32Array(n).fill(Number.NaN));
      kernels.adaptiveAvgPool2dBackward(put(kernels, gy), gx, planes, h, w, oh, ow);
      expectClose('adaptive gx', take(kernels, gx, n), wantGx, tolerance);
    });
  }

  it('adaptiveAvgPool2d refuses an empty output', () => {
    expect(() => kernels.adaptiveAvgPool2d(0, 0, 1, 4, 4, 0, 2)).toThrow(
      /adaptiveAvgPool2d: sizes must be positive, got input 4×4, output 0×2/,
    );
  });
});

describe('pool2dGeometry', () => {
  it('follows PyTorch: stride defaults to the kernel, ceilMode drops a window starting in the right padding', () => {
    expect(pool2dGeometry({ channels: 1, height: 28, width: 28, kernel: 2 })).toMatchObject({
      strideH: 2,
      outH: 14,
    });
    // 5 + 2·1 − 2 = 5 → ⌈5/2⌉ + 1 = 4, but window 3 would start at 6 − 1 = 5 ≥ 5: 3.
    expect(
      pool2dGeometry({ channels: 1, height: 5, width: 5, kernel: 2, padding: 1, ceilMode: true }),
    ).toMatchObject({ outH: 3, outW: 3 });
    expect(
      pool2dGeometry({ channels: 1, height: 6, width: 6, kernel: 3, stride: 2, ceilMode: true }),
    ).toMatchObject({ outH: 3 });
    expect(pool2dGeometry({ channels: 1, height: 6, width: 6, kernel: 3, stride: 2 })).toMatchObject({
      outH: 2,
    });
  });

  it('rejects padding over half the kernel and inputs too small', () => {
    expect(() => pool2dGeometry({ channels: 1, height: 8, width: 8, kernel: 2, padding: 2 })).toThrow(
      /maxPool2d: padding 2×2 exceeds half the kernel size 2×2/,
    );
    expect(() => pool2dGeometry({ channels: 1, height: 1, width: 8, kernel: 2 }, 'avgPool2d')).toThrow(
      /avgPool2d: input 1×8 is too small: output would be 0×4/,
    );
  });
});
