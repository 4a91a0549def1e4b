import { describe, expect, it } from 'vitest';
import { UnaryOp } from './opcodes.js';
import { expectClose, maxRelativeError, type Tolerance } from './testing/compare.js';
import { loadAllVariants, put, TAIL_SIZES, take } from './testing/harness.js';
import { mulberry32, uniform } from './testing/random.js';

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;
const ALPHA = Math.fround(0.2);

interface UnaryCase {
  op: UnaryOp;
  ref: (x: number) => number;
  /** Range of the random inputs. */
  range: [number, number];
  tolerance?: Tolerance;
  /** Largest relative error allowed over a dense sweep of `range` (approximated ops only). */
  sweepError?: number;
}

// Tolerances of the approximated functions: the measured maximum relative error over a dense sweep
// (see the "accuracy" tests below and the package README), rounded up; `abs` covers subnormal results.
const TINY = 3e-45;
const CASES: Record<string, UnaryCase> = {
  neg: { op: UnaryOp.Neg, ref: (x) => -x, range: [-10, 10] },
  abs: { op: UnaryOp.Abs, ref: Math.abs, range: [-10, 10] },
  sign: { op: UnaryOp.Sign, ref: Math.sign, range: [-2, 2] },
  exp: {
    op: UnaryOp.Exp,
    ref: Math.exp,
    range: [-104, 89],
    tolerance: { rel: 2e-7, abs: TINY },
    sweepError: 2e-7,
  },
  log: { op: UnaryOp.Log, ref: Math.log, range: [0, 1e4], tolerance: { rel: 2e-7 }, sweepError: 2e-7 },
  sqrt: { op: UnaryOp.Sqrt, ref: Math.sqrt, range: [0, 1e4] },
  reciprocal: { op: UnaryOp.Reciprocal, ref: (x) => 1 / x, range: [-10, 10] },
  sigmoid: {
    op: UnaryOp.Sigmoid,
    ref: (x) => 1 / (1 + Math.exp(-x)),
    range: [-100, 100],
    tolerance: { rel: 3e-7, abs: TINY },
    sweepError: 3e-7,
  },
  tanh: { op: UnaryOp.Tanh, ref: Math.tanh, range: [-12, 12], tolerance: { rel: 3e-7 }, sweepError: 3e-7 },
  relu: { op: UnaryOp.Relu, ref: (x) => Math.max(x, 0), range: [-10, 10] }, // Math.max keeps NaN, as relu does
  leakyRelu: { op: UnaryOp.LeakyRelu, ref: (x) => (x < 0 ? ALPHA * x : x), range: [-10, 10] },
  elu: {
    op: UnaryOp.Elu,
    ref: (x) => (x > 0 ? x : ALPHA * Math.expm1(x)),
    range: [-20, 5],
    tolerance: { rel: 3e-7, abs: TINY },
  },
  selu: {
    op: UnaryOp.Selu,
    ref: (x) => SELU_SCALE * (x > 0 ? x : SELU_ALPHA * Math.expm1(x)),
    range: [-20, 5],
    tolerance: { rel: 4e-7, abs: TINY },
  },
  softsign: {
    op: UnaryOp.Softsign,
    ref: (x) => x / (1 + Math.abs(x)),
    range: [-50, 50],
    tolerance: { rel: 1.2e-7 },
  },
  step: { op: UnaryOp.Step, ref: (x) => (Number.isNaN(x) ? x : x > ALPHA ? 1 : 0), range: [-2, 2] },
  square: { op: UnaryOp.Square, ref: (x) => x * x, range: [-100, 100] },
  expm1: {
    op: UnaryOp.Expm1,
    ref: Math.expm1,
    range: [-20, 20],
    tolerance: { rel: 3e-7, abs: TINY },
    sweepError: 3e-7,
  },
  log1p: {
    op: UnaryOp.Log1p,
    ref: Math.log1p,
    range: [-0.999, 1e3],
    tolerance: { rel: 3e-7 },
    sweepError: 3e-7,
  },
};

const SPECIAL = [
  0,
  -0,
  1,
  -1,
  0.5,
  -0.5,
  2,
  Infinity,
  -Infinity,
  Number.NaN,
  1e-45,
  -1e-45,
  1e-40,
  1.2e-38,
  3e38,
  -3e38,
  88.5,
  88.72,
  88.73,
  89,
  -87.3,
  -87.4,
  -100,
  -103.9,
  -104,
  -110,
  1e-8,
  -1e-8,
  1e-4,
  -1e-4,
  0.35,
  -0.35,
  0.6249,
  0.6251,
  16,
  -16,
  20,
];

const variants = await loadAllVariants();

describe.each(variants.map((k) => [k.variant, k] as const))('unary kernels (%s build)', (_, kernels) => {
  for (const [name, c] of Object.entries(CASES)) {
    const alpha = c.op === UnaryOp.Step || c.op === UnaryOp.LeakyRelu || c.op === UnaryOp.Elu ? ALPHA : 0;
    const check = (label: string, x: Float32Array, misalign: number) => {
      const ptr = put(kernels, x, misalign);
      const out = put(kernels, new Float32Array(x.length), (misalign + 1) % 4);
      kernels.unary(c.op, ptr, out, x.length, alpha);
      const want = Float64Array.from(x, c.ref);
      expectClose(`${name} ${label}`, take(kernels, out, x.length), want, c.tolerance, [x]);
    };

    it(`${name}: random inputs at every tail size and alignment`, () => {
      const random = mulberry32(7);
      for (const n of TAIL_SIZES) {
        for (const misalign of [0, 1, 3])
          check(`n=${n}`, uniform(random, n, c.range[0], c.range[1]), misalign);
      }
    });

    it(`${name}: special values (±0, ±inf, NaN, subnormals, overflow edges)`, () => {
      check('special', Float32Array.from(SPECIAL), 0);
      // The same values in the tail lanes must give the same results as in the body.
      check('special, shifted into the tail', Float32Array.from([1, 2, 3, 4, 5, ...SPECIAL]), 0);
    });

    it(`${name}: in place (out = x)`, () => {
      const x = uniform(mulberry32(3), 37, c.range[0], c.range[1]);
      const ptr = put(kernels, x);
      kernels.unary(c.op, ptr, ptr, x.length, alpha);
      expectClose(`${name} in place`, take(kernels, ptr, x.length), Float64Array.from(x, c.ref), c.tolerance);
    });

    if (c.sweepError !== undefined) {
      it(`${name}: accuracy over a dense sweep stays within ${c.sweepError} relative error`, () => {
        const n = 200_000;
        const x = new Float32Array(n);
        for (let i = 0; i < n; i++) x[i] = c.range[0] + ((c.range[1] - c.range[0]) * i) / (n - 1);
        const ptr = put(kernels, x);
        kernels.unary(c.op, ptr, ptr, n, alpha);
        const error = maxRelativeError(take(kernels, ptr, n), Float64Array.from(x, c.ref));
        expect(error).toBeLessThanOrEqual(c.sweepError!);
      });
    }
  }

  it('log is accurate over the whole positive float range, subnormals included', () => {
    const n = 100_000;
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = 1e-45 * 2 ** ((i / (n - 1)) * 253);
    const ptr = put(kernels, x);
    kernels.unary(UnaryOp.Log, ptr, ptr, n);
    expect(maxRelativeError(take(kernels, ptr, n), Float64Array.from(x, Math.log))).toBeLessThanOrEqual(2e-7);
  });

  it('exp is accurate near 0 and for subnormal results', () => {
    const x = uniform(mulberry32(11), 10_000, -1e-3, 1e-3);
    const ptr = put(kernels, x);
    kernels.unary(UnaryOp.Exp, ptr, ptr, x.length);
    expectClose('exp near 0', take(kernels, ptr, x.length), Float64Array.from(x, Math.exp), { rel: 1.2e-7 });
    const deep = uniform(mulberry32(12), 1000, -103.9, -87.4);
    const out = put(kernels, deep);
    kernels.unary(UnaryOp.Exp, out, out, deep.length);
    expectClose('exp subnormal', take(kernels, out, deep.length), Float64Array.from(deep, Math.exp), {
      rel: 2e-7,
      abs: TINY,
    });
  });
});

interface GradCase {
  /** The op, whose gradient kernel takes the same code (issue 11: one UnaryOp for both). */
  op: UnaryOp;
  derivative: (x: number) => number;
  range: [number, number];
  rel: number;
}

const GRADS: Record<string, GradCase> = {
  neg: { op: UnaryOp.Neg, derivative: () => -1, range: [-5, 5], rel: 0 },
  abs: { op: UnaryOp.Abs, derivative: Math.sign, range: [-5, 5], rel: 0 },
  exp: { op: UnaryOp.Exp, derivative: Math.exp, range: [-20, 20], rel: 5e-7 },
  log: { op: UnaryOp.Log, derivative: (x) => 1 / x, range: [0.01, 100], rel: 2e-7 },
  sqrt: {
    op: UnaryOp.Sqrt,
    derivative: (x) => 0.5 / Math.sqrt(x),
    range: [0.01, 100],
    rel: 4e-7,
  },
  reciprocal: {
    op: UnaryOp.Reciprocal,
    derivative: (x) => -1 / (x * x),
    range: [0.1, 10],
    rel: 6e-7,
  },
  sigmoid: {
    op: UnaryOp.Sigmoid,
    derivative: (x) => {
      const s = 1 / (1 + Math.exp(-x));
      return s * (1 - s);
    },
    range: [-8, 8],
    rel: 3e-6,
  },
  tanh: {
    op: UnaryOp.Tanh,
    derivative: (x) => 1 - Math.tanh(x) ** 2,
    range: [-4, 4],
    rel: 1e-5,
  },
  relu: {
    op: UnaryOp.Relu,
    derivative: (x) => (x > 0 ? 1 : 0),
    range: [-5, 5],
    rel: 0,
  },
  leakyRelu: {
    op: UnaryOp.LeakyRelu,
    derivative: (x) => (x > 0 ? 1 : ALPHA),
    range: [-5, 5],
    rel: 1e-7,
  },
  elu: {
    op: UnaryOp.Elu,
    derivative: (x) => (x > 0 ? 1 : ALPHA * Math.exp(x)),
    range: [-5, 5],
    rel: 1e-6,
  },
  selu: {
    op: UnaryOp.Selu,
    derivative: (x) => SELU_SCALE * (x > 0 ? 1 : SELU_ALPHA * Math.exp(x)),
    range: [-5, 5],
    rel: 1e-6,
  },
  softsign: {
    op: UnaryOp.Softsign,
    derivative: (x) => 1 / (1 + Math.abs(x)) ** 2,
    range: [-5, 5],
    rel: 4e-7,
  },
  square: {
    op: UnaryOp.Square,
    derivative: (x) => 2 * x,
    range: [-5, 5],
    rel: 1.2e-7,
  },
  expm1: { op: UnaryOp.Expm1, derivative: Math.exp, range: [-5, 5], rel: 5e-7 },
  log1p: {
    op: UnaryOp.Log1p,
    derivative: (x) => 1 / (1 + x),
    range: [-0.9, 10],
    rel: 2e-7,
  },
};

describe.each(variants.map((k) => [k.variant, k] as const))(
  'unary gradient kernels (%s build)',
  (_, kernels) => {
    for (const [name, c] of Object.entries(GRADS)) {
      it(`${name}: gx = gy · f'(x) at every tail size`, () => {
        const random = mulberry32(5);
        const alpha = c.op === UnaryOp.LeakyRelu || c.op === UnaryOp.Elu ? ALPHA : 0;
        for (const n of TAIL_SIZES) {
          const x = uniform(random, n, c.range[0], c.range[1]);
          const gy = uniform(random, n, -2, 2);
          const px = put(kernels, x);
          const py = put(kernels, new Float32Array(n));
          kernels.unary(c.op, px, py, n, alpha);
          const pgy = put(kernels, gy, 1);
          const pgx = put(kernels, new Float32Array(n), 2);
          kernels.unaryGrad(c.op, px, py, pgy, pgx, n, alpha);
          const want = Float64Array.from(x, (v, i) => gy[i]! * c.derivative(v));
          // Absolute slack for products near zero: relative to |gy|·|f'| scale rather than the result.
          expectClose(`${name} grad n=${n}`, take(kernels, pgx, n), want, { rel: c.rel, abs: c.rel * 2 }, [
            x,
            gy,
          ]);
        }
      });
    }

    // Issue 11 item 2: with one UnaryOp, every code reaches unaryGrad; Sign and Step used to trap.
    it('sign and step: the gradient is zeros, even where gy is NaN or infinite', () => {
      const x = [-2, -0, 0, 0.5, 3, Number.NaN, 1];
      const gy = [1, 2, Number.NaN, Number.POSITIVE_INFINITY, -1, 4, 5];
      for (const op of [UnaryOp.Sign, UnaryOp.Step]) {
        const px = put(kernels, x);
        const py = put(kernels, new Float32Array(x.length));
        kernels.unary(op, px, py, x.length);
        const pgy = put(kernels, gy);
        kernels.unaryGrad(op, px, py, pgy, pgy, x.length); // gx aliasing gy
        expect(Array.from(take(kernels, pgy, x.length))).toEqual(x.map(() => 0));
      }
    });
  },
);
