// im2col / col2im against float64 references, im2col + SGEMM against a direct convolution (with
// groups), and the batch-norm kernels. Both builds, odd sizes, padding, stride 2, dilation 2, 1×1.
import { describe, expect, it } from 'vitest';
import { type Conv2dGeometry, type Conv2dOptions, colsLength, conv2dGeometry } from './conv.js';
import { expectClose } from './testing/compare.js';
import { loadAllVariants, put, take } from './testing/harness.js';
import { mulberry32, uniform } from './testing/random.js';

const variants = await loadAllVariants();

/** The value im2col must write at (n, row, oy, ox), or 0 in the padding. */
function tapOffset(g: Conv2dGeometry, n: number, row: number, oy: number, ox: number): number {
  const j = row % g.kernelW;
  const i = Math.floor(row / g.kernelW) % g.kernelH;
  const c = Math.floor(row / (g.kernelW * g.kernelH));
  const iy = oy * g.strideH - g.padH + i * g.dilationH;
  const ix = ox * g.strideW - g.padW + j * g.dilationW;
  if (iy < 0 || iy >= g.height || ix < 0 || ix >= g.width) return -1;
  return ((n * g.channels + c) * g.height + iy) * g.width + ix;
}

function referenceIm2col(g: Conv2dGeometry, x: ArrayLike<number>): Float64Array {
  const rows = g.channels * g.kernelH * g.kernelW;
  const out = new Float64Array(colsLength(g));
  let t = 0;
  for (let n = 0; n < g.batch; n++) {
    for (let r = 0; r < rows; r++) {
      for (let oy = 0; oy < g.outH; oy++) {
        for (let ox = 0; ox < g.outW; ox++) {
          const at = tapOffset(g, n, r, oy, ox);
          out[t++] = at < 0 ? 0 : x[at]!;
        }
      }
    }
  }
  return out;
}

function referenceCol2im(g: Conv2dGeometry, cols: ArrayLike<number>, base: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(base);
  const rows = g.channels * g.kernelH * g.kernelW;
  let t = 0;
  for (let n = 0; n < g.batch; n++) {
    for (let r = 0; r < rows; r++) {
      for (let oy = 0; oy < g.outH; oy++) {
        for (let ox = 0; ox < g.outW; ox++) {
          const at = tapOffset(g, n, r, oy, ox);
          if (at >= 0) out[at]! += cols[t]!;
          t++;
        }
      }
    }
  }
  return out;
}

/** Direct grouped convolution y[n, co, oy, ox] = Σ w[co, ci, i, j]·x[n, g·Cin/G + ci, ...]. */
function referenceConv(
  g: Conv2dGeometry,
  x: ArrayLike<number>,
  w: ArrayLike<number>,
  cout: number,
  groups: number,
): Float64Array {
  const cinG = g.channels / groups;
  const coutG = cout / groups;
  const y = new Float64Array(g.batch * cout * g.outH * g.outW);
  for (let n = 0; n < g.batch; n++) {
    for (let co = 0; co < cout; co++) {
      const grp = Math.floor(co / coutG);
      for (let oy = 0; oy < g.outH; oy++) {
        for (let ox = 0; ox < g.outW; ox++) {
          let s = 0;
          for (let ci = 0; ci < cinG; ci++) {
            for (let i = 0; i < g.kernelH; i++) {
              for (let j = 0; j < g.kernelW; j++) {
                const iy = oy * g.strideH - g.padH + i * g.dilationH;
                const ix = ox * g.strideW - g.padW + j * g.dilationW;
                if (iy < 0 || iy >= g.height || ix < 0 || ix >= g.width) continue;
                const xv = x[((n * g.channels + grp * cinG + ci) * g.height + iy) * g.width + ix]!;
                s += w[((co * cinG + ci) * g.kernelH + i) * g.kernelW + j]! * xv;
              }
            }
          }
          y[((n * cout + co) * g.outH + oy) * g.outW + ox] = s;
        }
      }
    }
  }
  return y;
}

/** Gradients of {@link referenceConv} given gy: the weight's and the input's. */
function referenceConvGrads(
  g: Conv2dGeometry,
  x: ArrayLike<number>,
  w: ArrayLike<number>,
  gy: ArrayLike<number>,
  cout: number,
  groups: number,
) {
  const cinG = g.channels / groups;
  const coutG = cout / groups;
  const gw = new Float64Array(w.length);
  const gx = new Float64Array(x.length);
  for (let n = 0; n < g.batch; n++) {
    for (let co = 0; co < cout; co++) {
      const grp = Math.floor(co / coutG);
      for (let oy = 0; oy < g.outH; oy++) {
        for (let ox = 0; ox < g.outW; ox++) {
          const gv = gy[((n * cout + co) * g.outH + oy) * g.outW + ox]!;
          for (let ci = 0; ci < cinG; ci++) {
            for (let i = 0; i < g.kernelH; i++) {
              for (let j = 0; j < g.kernelW; j++) {
                const iy = oy * g.strideH - g.padH + i * g.dilationH;
                const ix = ox * g.strideW - g.padW + j * g.dilationW;
                if (iy < 0 || iy >= g.height || ix < 0 || ix >= g.width) continue;
                const xi = ((n * g.channels + grp * cinG + ci) * g.height + iy) * g.width + ix;
                const wi = ((co * cinG + ci) * g.kernelH + i) * g.kernelW + j;
                gw[wi]! += gv * x[xi]!;
                gx[xi]! += gv * w[wi]!;
              }
            }
          }
        }
      }
    }
  }
  return { gw, gx };
}

/** Shapes covering odd sizes, padding, stride 2, dilation 2, 1×1 kernels and rows shorter/longer than a vector. */
const shapes: [string, Conv2dOptions][] = [
  ['3×3 pad 1 (stride 1 fast path)', { batch: 2, channels: 3, height: 7, width: 9, kernel: 3, padding: 1 }],
  ['5×5 pad 2 (LeNet-like)', { batch: 1, channels: 1, height: 13, width: 11, kernel: 5, padding: 2 }],
  [
    'stride 2, pad 1, odd sizes',
    { batch: 2, channels: 2, height: 9, width: 11, kernel: 3, stride: 2, padding: 1 },
  ],
  ['dilation 2, pad 2', { batch: 1, channels: 3, height: 10, width: 13, kernel: 3, padding: 2, dilation: 2 }],
  ['1×1 kernel (an identity copy)', { batch: 3, channels: 5, height: 4, width: 5, kernel: 1 }],
  ['1×1 kernel, stride 2', { batch: 1, channels: 2, height: 7, width: 7, kernel: 1, stride: 2 }],
  [
    'rectangular kernel, per-axis stride/pad/dilation',
    {
      batch: 2,
      channels: 2,
      height: 11,
      width: 17,
      kernel: [2, 4],
      stride: [1, 3],
      padding: [1, 2],
      dilation: [3, 1],
    },
  ],
  [
    'padding larger than the kernel reach',
    { batch: 1, channels: 1, height: 3, width: 5, kernel: 2, padding: 3 },
  ],
  [
    'wide rows (vector body plus tail)',
    { batch: 1, channels: 2, height: 3, width: 37, kernel: [1, 3], padding: [0, 1] },
  ],
];

describe.each(variants.map((k) => [k.variant, k] as const))(
  'convolution kernels (%s build)',
  (_, kernels) => {
    for (const [name, options] of shapes) {
      it(`im2col and col2im: ${name}`, () => {
        const g = conv2dGeometry(options);
        const n = g.batch * g.channels * g.height * g.width;
        const x = uniform(mulberry32(n), n, -1, 1);
        const cols = put(kernels, new Float32Array(colsLength(g)).fill(Number.NaN), 1);
        kernels.im2col(put(kernels, x, 3), cols, g);
        // Exact: im2col only moves floats and writes zeros.
        expectClose(`im2col ${name}`, take(kernels, cols, colsLength(g)), referenceIm2col(g, x));

        const c = uniform(mulberry32(n + 1), colsLength(g), -1, 1);
        const gx = put(kernels, new Float32Array(n).fill(Number.NaN), 2);
        kernels.col2im(put(kernels, c, 1), gx, g);
        // Sums of at most kh·kw terms of size ≤ 1 in float32.
        const tolerance = { abs: 1e-6 * g.kernelH * g.kernelW };
        expectClose(
          `col2im ${name}`,
          take(kernels, gx, n),
          referenceCol2im(g, c, new Float64Array(n)),
          tolerance,
        );
        const base = uniform(mulberry32(n + 2), n, -1, 1);
        const acc = put(kernels, base);
        kernels.col2im(put(kernels, c), acc, g, true);
        expectClose(
          `col2im accumulate ${name}`,
          take(kernels, acc, n),
          referenceCol2im(g, c, base),
          tolerance,
        );
      });
    }

    it('im2col leaves the floats after cols untouched', () => {
      const g = conv2dGeometry({ channels: 2, height: 5, width: 6, kernel: 3, stride: 2, padding: 1 });
      const length = colsLength(g);
      const cols = put(kernels, new Float32Array(length + 8).fill(7));
      kernels.im2col(put(kernels, new Float32Array(60).fill(1)), cols, g);
      expect(Array.from(take(kernels, cols + 4 * length, 8))).toEqual([7, 7, 7, 7, 7, 7, 7, 7]);
    });

    const convCases: [string, Conv2dOptions, number, number][] = [
      ['3×3 pad 1, 2 images', { batch: 2, channels: 4, height: 9, width: 7, kernel: 3, padding: 1 }, 5, 1],
      [
        'grouped (2 groups), stride 2, dilation 2',
        { batch: 2, channels: 4, height: 11, width: 10, kernel: 3, stride: 2, padding: 2, dilation: 2 },
        6,
        2,
      ],
      [
        'depthwise (groups = channels) 5×5',
        { batch: 1, channels: 3, height: 8, width: 8, kernel: 5, padding: 2 },
        3,
        3,
      ],
      ['1×1', { batch: 3, channels: 6, height: 5, width: 3, kernel: 1 }, 4, 1],
    ];
    for (const [name, options, cout, groups] of convCases) {
      it(`im2col + sgemm equals a direct convolution: ${name}`, () => {
        const g = conv2dGeometry(options);
        const cinG = g.channels / groups;
        const coutG = cout / groups;
        const depth = cinG * g.kernelH * g.kernelW;
        const hw = g.outH * g.outW;
        const n = g.batch * g.channels * g.height * g.width;
        const x = uniform(mulberry32(11), n, -1, 1);
        const w = uniform(mulberry32(12), cout * depth, -1, 1);
        const cols = kernels.allocate(4 * colsLength(g));
        const y = kernels.allocate(4 * g.batch * cout * hw);
        const pw = put(kernels, w);
        kernels.im2col(put(kernels, x), cols, g);
        // Group p: weight rows p·coutG.., cols rows p·depth.., output channels p·coutG..; batched over images.
        for (let p = 0; p < groups; p++) {
          kernels.sgemm({
            m: coutG,
            n: hw,
            k: depth,
            a: pw + 4 * p * coutG * depth,
            b: cols + 4 * p * depth * hw,
            c: y + 4 * p * coutG * hw,
            batch: g.batch,
            strideA: 0,
            strideB: g.channels * g.kernelH * g.kernelW * hw,
            strideC: cout * hw,
          });
        }
        const want = referenceConv(g, x, w, cout, groups);
        // Dot products of `depth` terms of size ≤ 1: float32 error ≲ depth·2⁻²⁴ relative to Σ|terms|.
        expectClose(name, take(kernels, y, want.length), want, { abs: 1e-6 * depth });
      });
    }

    it('conv2d gradients through the same layout: gW = gy·colsᵀ, gx = col2im(Wᵀ·gy), with 2 groups', () => {
      const g = conv2dGeometry({
        batch: 2,
        channels: 4,
        height: 9,
        width: 7,
        kernel: 3,
        stride: 2,
        padding: 1,
        dilation: [1, 2],
      });
      const cout = 6;
      const groups = 2;
      const cinG = g.channels / groups;
      const coutG = cout / groups;
      const depth = cinG * g.kernelH * g.kernelW;
      const hw = g.outH * g.outW;
      const rows = g.channels * g.kernelH * g.kernelW;
      const x = uniform(mulberry32(21), g.batch * g.channels * g.height * g.width, -1, 1);
      const w = uniform(mulberry32(22), cout * depth, -1, 1);
      const gy = uniform(mulberry32(23), g.batch * cout * hw, -1, 1);
      const cols = kernels.allocate(4 * colsLength(g));
      kernels.im2col(put(kernels, x), cols, g);
      const pw = put(kernels, w);
      const pgy = put(kernels, gy);
      const gw = put(kernels, new Float32Array(w.length));
      const gradCols = kernels.allocate(4 * colsLength(g));
      for (let p = 0; p < groups; p++) {
        for (let n = 0; n < g.batch; n++) {
          // gW[group] += gy[n, group] · cols[n, group]ᵀ (beta 1 after the first image).
          kernels.sgemm({
            m: coutG,
            n: depth,
            k: hw,
            transB: true,
            a: pgy + 4 * (n * cout + p * coutG) * hw,
            b: cols + 4 * (n * rows + p * depth) * hw,
            c: gw + 4 * p * coutG * depth,
            beta: n === 0 ? 0 : 1,
          });
        }
        // gradCols[n, group] = W[group]ᵀ · gy[n, group], batched over images.
        kernels.sgemm({
          m: depth,
          n: hw,
          k: coutG,
          transA: true,
          a: pw + 4 * p * coutG * depth,
          b: pgy + 4 * p * coutG * hw,
          c: gradCols + 4 * p * depth * hw,
          batch: g.batch,
          strideA: 0,
          strideB: cout * hw,
          strideC: rows * hw,
        });
      }
      const gx = put(kernels, new Float32Array(x.length).fill(Number.NaN));
      kernels.col2im(gradCols, gx, g);
      const want = referenceConvGrads(g, x, w, gy, cout, groups);
      expectClose('gW', take(kernels, gw, w.length), want.gw, { abs: 1e-6 * g.batch * hw });
      expectClose('gx', take(kernels, gx, x.length), want.gx, { abs: 1e-6 * cout * g.kernelH * g.kernelW });
    });

    // Batch norm: float64 references.
    function stats(x: ArrayLike<number>, batch: number, channels: number, plane: number) {
      const mean = new Float64Array(channels);
      const variance = new Float64Array(channels);
      for (let c = 0; c < channels; c++) {
        let s = 0;
        for (let n = 0; n < batch; n++)
          for (let t = 0; t < plane; t++) s += x[(n * channels + c) * plane + t]!;
        const m = s / (batch * plane);
        let q = 0;
        for (let n = 0; n < batch; n++)
          for (let t = 0; t < plane; t++) q += (x[(n * channels + c) * plane + t]! - m) ** 2;
        mean[c] = m;
        variance[c] = q / (batch * plane);
      }
      return { mean, variance };
    }

    const bnShapes: [number, number, number][] = [
      [2, 3, 1],
      [3, 2, 7],
      [4, 5, 17],
      [1, 2, 300],
      [5, 1, 64],
    ];
    for (const [batch, channels, plane] of bnShapes) {
      it(`channelMeanVar and batch norm forward/backward [${batch}, ${channels}, ${plane}]`, () => {
        const size = batch * channels * plane;
        const x = uniform(mulberry32(size), size, -2, 3);
        const gy = uniform(mulberry32(size + 1), size, -1, 1);
        const gamma = uniform(mulberry32(size + 2), channels, 0.5, 1.5);
        const beta = uniform(mulberry32(size + 3), channels, -1, 1);
        const eps = 1e-5;
        const { mean, variance } = stats(x, batch, channels, plane);
        const px = put(kernels, x, 1);
        const pm = put(kernels, new Float32Array(channels));
        const pv = put(kernels, new Float32Array(channels));
        kernels.channelMeanVar(px, pm, pv, batch, channels, plane);
        expectClose('mean', take(kernels, pm, channels), mean, { rel: 1e-6, abs: 1e-6 });
        expectClose('variance', take(kernels, pv, channels), variance, { rel: 1e-5, abs: 1e-6 });
        // Forward and backward use the reference statistics, so only their own error is measured.
        kernels.f32.set(mean, pm / 4);
        kernels.f32.set(variance, pv / 4);
        const pg = put(kernels, gamma);
        const args = {
          x: px,
          mean: pm,
          variance: pv,
          gamma: pg,
          beta: put(kernels, beta),
          eps,
          batch,
          channels,
          plane,
        };
        const y = put(kernels, new Float32Array(size), 3);
        kernels.batchNorm2dForward(args, y);
        const wantY = new Float64Array(size);
        const wantGx = new Float64Array(size);
        const wantGxEval = new Float64Array(size);
        const wantGGamma = new Float64Array(channels);
        const wantGBeta = new Float64Array(channels);
        const m = batch * plane;
        for (let c = 0; c < channels; c++) {
          const invstd = 1 / Math.sqrt(Math.fround(variance[c]!) + eps);
          const mc = Math.fround(mean[c]!);
          let sg = 0;
          let sgx = 0;
          for (let n = 0; n < batch; n++) {
            for (let t = 0; t < plane; t++) {
              const i = (n * channels + c) * plane + t;
              const xhat = (x[i]! - mc) * invstd;
              wantY[i] = xhat * gamma[c]! + beta[c]!;
              sg += gy[i]!;
              sgx += gy[i]! * xhat;
            }
          }
          wantGBeta[c] = sg;
          wantGGamma[c] = sgx;
          for (let n = 0; n < batch; n++) {
            for (let t = 0; t < plane; t++) {
              const i = (n * channels + c) * plane + t;
              const xhat = (x[i]! - mc) * invstd;
              wantGx[i] = ((gamma[c]! * invstd) / m) * (m * gy[i]! - sg - xhat * sgx);
              wantGxEval[i] = gy[i]! * gamma[c]! * invstd;
            }
          }
        }
        expectClose('batchNorm2dForward', take(kernels, y, size), wantY, { rel: 1e-5, abs: 1e-5 });
        const gx = put(kernels, new Float32Array(size), 2);
        const gGamma = put(kernels, new Float32Array(channels));
        const gBeta = put(kernels, new Float32Array(channels));
        kernels.batchNorm2dBackward(args, put(kernels, gy), gx, gGamma, gBeta);
        // Sums of up to `m` terms: float32 partial sums carried in float64.
        expectClose('gradBeta', take(kernels, gBeta, channels), wantGBeta, { rel: 1e-5, abs: 1e-5 });
        expectClose('gradGamma', take(kernels, gGamma, channels), wantGGamma, { rel: 1e-5, abs: 1e-5 });
        expectClose('gx (training)', take(kernels, gx, size), wantGx, { rel: 1e-4, abs: 1e-5 });
        kernels.batchNorm2dBackward(args, put(kernels, gy), gx, 0, 0, false);
        expectClose('gx (evaluation)', take(kernels, gx, size), wantGxEval, { rel: 1e-5, abs: 1e-6 });
      });
    }

    it('channelMeanVar keeps the variance of data with a large mean (no cancellation)', () => {
      // 1000 + small noise: a plain Σx² − (Σx)²/n in float32 would lose the variance entirely.
      const x = uniform(mulberry32(5), 2 * 333, -0.01, 0.01).map((v) => v + 1000);
      const { mean, variance } = stats(x, 2, 1, 333);
      const pm = put(kernels, [0]);
      const pv = put(kernels, [0]);
      kernels.channelMeanVar(put(kernels, x), pm, pv, 2, 1, 333);
      expectClose('mean', take(kernels, pm, 1), mean, { rel: 1e-7 });
      expectClose('variance', take(kernels, pv, 1), variance, { rel: 1e-4 });
    });

    it('batch norm without gamma and beta is plain normalisation', () => {
      const x = [1, 2, 3, 4];
      const pm = put(kernels, [2.5]);
      const pv = put(kernels, [1.25]);
      const y = put(kernels, new Float32Array(4));
      kernels.batchNorm2dForward(
        { x: put(kernels, x), mean: pm, variance: pv, eps: 0, batch: 1, channels: 1, plane: 4 },
        y,
      );
      const s = Math.sqrt(1.25);
      expectClose('y', take(kernels, y, 4), [-1.5 / s, -0.5 / s, 0.5 / s, 1.5 / s], { rel: 1e-6 });
    });
  },
);

describe('conv2dGeometry', () => {
  it('computes PyTorch output sizes and rejects kernels larger than the padded input', () => {
    expect(conv2dGeometry({ channels: 1, height: 28, width: 28, kernel: 5, padding: 2 })).toMatchObject({
      outH: 28,
      outW: 28,
    });
    expect(
      conv2dGeometry({ channels: 1, height: 10, width: 9, kernel: 3, stride: 2, dilation: 2 }),
    ).toMatchObject({ outH: 3, outW: 3 });
    expect(() => conv2dGeometry({ channels: 1, height: 2, width: 2, kernel: 3 })).toThrow(
      /conv2d: input 2×2 .* smaller than the dilated kernel 3×3/,
    );
    expect(() => conv2dGeometry({ channels: 1, height: 5, width: 5, kernel: 3, stride: 0 })).toThrow(
      /conv2d: strides must be positive integers, got 0/,
    );
  });
});
