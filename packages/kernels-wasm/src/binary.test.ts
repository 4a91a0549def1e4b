import { describe, expect, it } from 'vitest';
import { BinaryOp } from './opcodes.js';
import { contiguousStrides, forEachIndex, sizeOf } from './testing/broadcast.js';
import { expectClose, type Tolerance } from './testing/compare.js';
import { loadAllVariants, put, TAIL_SIZES, take } from './testing/harness.js';
import { mulberry32, uniform } from './testing/random.js';

const bool = (c: boolean) => (c ? 1 : 0);

/** C's pow (what PyTorch follows); JS's ** differs for 1 ** NaN and (-1) ** ±Infinity. */
function cPow(a: number, b: number): number {
  if (b === 0 || a === 1 || (a === -1 && (b === Infinity || b === -Infinity))) return 1;
  return a ** b;
}
const CASES: Record<string, { op: BinaryOp; ref: (a: number, b: number) => number; tolerance?: Tolerance }> =
  {
    add: { op: BinaryOp.Add, ref: (a, b) => a + b },
    sub: { op: BinaryOp.Sub, ref: (a, b) => a - b },
    mul: { op: BinaryOp.Mul, ref: (a, b) => a * b },
    div: { op: BinaryOp.Div, ref: (a, b) => a / b },
    // exp(b·ln a): error grows with |b·ln a| (see README); these inputs keep |b·ln a| ≤ ~16.
    pow: { op: BinaryOp.Pow, ref: cPow, tolerance: { rel: 2e-6, abs: 1e-30 } },
    maximum: { op: BinaryOp.Maximum, ref: Math.max },
    minimum: { op: BinaryOp.Minimum, ref: Math.min },
    gt: { op: BinaryOp.Gt, ref: (a, b) => bool(a > b) },
    ge: { op: BinaryOp.Ge, ref: (a, b) => bool(a >= b) },
    lt: { op: BinaryOp.Lt, ref: (a, b) => bool(a < b) },
    le: { op: BinaryOp.Le, ref: (a, b) => bool(a <= b) },
    eq: { op: BinaryOp.Eq, ref: (a, b) => bool(a === b) },
    ne: { op: BinaryOp.Ne, ref: (a, b) => bool(a !== b) },
  };

const SPECIAL = [0, -0, 1, -1, 2, -2, 0.5, Infinity, -Infinity, Number.NaN, 3, -3, 1e-40];

/** Random operands; comparisons get small integers so that ties (a == b) happen often. */
function operands(random: () => number, n: number, op: BinaryOp): [Float32Array, Float32Array] {
  if (op === BinaryOp.Pow) return [uniform(random, n, 0.05, 20), uniform(random, n, -4, 4)];
  if (op >= BinaryOp.Gt) {
    const ints = (m: number) => Float32Array.from({ length: m }, () => Math.floor(random() * 4));
    return [ints(n), ints(n)];
  }
  return [uniform(random, n, -10, 10), uniform(random, n, -10, 10)];
}

const variants = await loadAllVariants();

describe.each(variants.map((k) => [k.variant, k] as const))('binary kernels (%s build)', (_, kernels) => {
  for (const [name, c] of Object.entries(CASES)) {
    it(`${name}: contiguous operands at every tail size and alignment`, () => {
      const random = mulberry32(21);
      for (const n of TAIL_SIZES) {
        for (const misalign of [0, 1, 2]) {
          const [a, b] = operands(random, n, c.op);
          const pa = put(kernels, a, misalign);
          const pb = put(kernels, b, (misalign + 1) % 4);
          const out = put(kernels, new Float32Array(n), (misalign + 3) % 4);
          kernels.binary(c.op, pa, pb, out, n);
          expectClose(
            `${name} n=${n}`,
            take(kernels, out, n),
            Float64Array.from(a, (x, i) => c.ref(x, b[i]!)),
            c.tolerance,
            [a, b],
          );
        }
      }
    });

    it(`${name}: every pair of special values`, () => {
      const a = Float32Array.from(SPECIAL.flatMap((x) => SPECIAL.map(() => x)));
      const b = Float32Array.from(SPECIAL.flatMap(() => SPECIAL));
      const out = put(kernels, new Float32Array(a.length));
      kernels.binary(c.op, put(kernels, a), put(kernels, b), out, a.length);
      // |b·ln a| reaches ~92·3 here (a = 1e-40), so pow's relative error bound grows accordingly.
      const tolerance = c.op === BinaryOp.Pow ? { rel: 3e-5 } : c.tolerance;
      expectClose(
        `${name} special`,
        take(kernels, out, a.length),
        Float64Array.from(a, (x, i) => c.ref(x, b[i]!)),
        tolerance,
        [a, b],
      );
    });

    it(`${name}: with a scalar operand on either side`, () => {
      const random = mulberry32(22);
      for (const n of [0, 1, 3, 4, 17, 100]) {
        const [a, b] = operands(random, n + 1, c.op);
        const x = a.subarray(0, n);
        const s = b[n]!;
        const pa = put(kernels, x, 1);
        const ps = put(kernels, [s]);
        const out = put(kernels, new Float32Array(n));
        kernels.binaryScalar(c.op, pa, ps, out, n, false);
        expectClose(
          `${name}(x, s)`,
          take(kernels, out, n),
          Float64Array.from(x, (v) => c.ref(v, s)),
          c.tolerance,
          [x],
        );
        if (c.op !== BinaryOp.Pow) {
          kernels.binaryScalar(c.op, pa, ps, out, n, true);
          expectClose(
            `${name}(s, x)`,
            take(kernels, out, n),
            Float64Array.from(x, (v) => c.ref(s, v)),
            c.tolerance,
            [x],
          );
        }
      }
    });
  }

  it('pow(s, x) with the scalar as base', () => {
    const x = uniform(mulberry32(2), 50, -3, 3);
    const out = put(kernels, new Float32Array(50));
    kernels.binaryScalar(BinaryOp.Pow, put(kernels, x), put(kernels, [2.5]), out, 50, true);
    expectClose(
      '2.5^x',
      take(kernels, out, 50),
      Float64Array.from(x, (v) => cPow(Math.fround(2.5), v)),
      { rel: 2e-6 },
    );
  });

  it('pow with a small integer exponent multiplies exactly instead of using exp·log', () => {
    const x = Float32Array.from([
      -3,
      -2,
      -1.5,
      -1,
      -0.5,
      0,
      0.5,
      1,
      1.5,
      2,
      3,
      1000,
      -1000,
      Number.NaN,
      Infinity,
      -Infinity,
    ]);
    const px = put(kernels, x);
    const out = put(kernels, new Float32Array(x.length));
    for (const e of [0, 1, 2, 3, -1, -2, 5, 64, -64]) {
      kernels.binaryScalar(BinaryOp.Pow, px, put(kernels, [e]), out, x.length);
      // Repeated squaring rounds after each product: at most ~log2(e) roundings.
      expectClose(
        `x^${e}`,
        take(kernels, out, x.length),
        Float64Array.from(x, (v) => v ** e),
        { rel: 1e-6 },
        [x],
      );
    }
    kernels.binaryScalar(BinaryOp.Pow, px, put(kernels, [2]), out, x.length);
    expect(take(kernels, out, 4)).toEqual(Float32Array.from([9, 4, 2.25, 1])); // exact
  });

  it('pow follows C for negative bases and zero: NaN for fractional exponents, signs for odd ones', () => {
    const a = Float32Array.from([-2, -2, -2, 0, 0, 0, -0, 1, Number.NaN, -8, -1, -0, -Infinity, -Infinity]);
    const b = Float32Array.from([3, 2, 0.5, 2, -1, 0, 0, Number.NaN, 0, 1 / 3, Infinity, -1, 0.5, 3]);
    const out = put(kernels, new Float32Array(a.length));
    kernels.binary(BinaryOp.Pow, put(kernels, a), put(kernels, b), out, a.length);
    expectClose(
      'pow special',
      take(kernels, out, a.length),
      [-8, 4, Number.NaN, 0, Infinity, 1, 1, 1, 1, Number.NaN, 1, -Infinity, Infinity, -Infinity],
      { rel: 1e-6 },
    );
  });

  const SHAPES: [number[], number[]][] = [
    [
      [3, 1, 5],
      [1, 4, 5],
    ],
    [[2, 3, 7], [7]],
    [
      [6, 1],
      [1, 9],
    ],
    [
      [4, 33],
      [4, 1],
    ],
    [[1], [5, 3]],
    [
      [2, 1, 3, 1],
      [1, 5, 1, 6],
    ],
    [
      [0, 3],
      [1, 3],
    ],
    [[17], [17]],
  ];

  for (const [shapeA, shapeB] of SHAPES) {
    it(`broadcasting ${JSON.stringify(shapeA)} with ${JSON.stringify(shapeB)} for every op`, () => {
      const ndim = Math.max(shapeA.length, shapeB.length);
      const padA = [...new Array(ndim - shapeA.length).fill(1), ...shapeA];
      const padB = [...new Array(ndim - shapeB.length).fill(1), ...shapeB];
      const shape = padA.map((d, i) => (d === 1 ? padB[i]! : d));
      const strideOf = (pad: number[]) => contiguousStrides(pad).map((s, i) => (pad[i] === 1 ? 0 : s));
      const stridesA = strideOf(padA);
      const stridesB = strideOf(padB);
      const random = mulberry32(31);
      for (const [name, c] of Object.entries(CASES)) {
        const [a] = operands(random, sizeOf(shapeA), c.op);
        const [, b] = operands(random, sizeOf(shapeB), c.op);
        const out = put(kernels, new Float32Array(sizeOf(shape)));
        kernels.binaryStrided(c.op, put(kernels, a), stridesA, put(kernels, b), stridesB, out, shape);
        const want = new Float64Array(sizeOf(shape));
        forEachIndex(shape, stridesA, stridesB, (i, oa, ob) => {
          want[i] = c.ref(a[oa]!, b[ob]!);
        });
        expectClose(`${name} ${JSON.stringify(shape)}`, take(kernels, out, want.length), want, c.tolerance);
      }
    });
  }

  it('strided operands that are transposed views (gathering path)', () => {
    const random = mulberry32(41);
    const rows = 7;
    const cols = 9;
    const a = uniform(random, rows * cols, -5, 5); // stored [cols, rows], read as its transpose
    const b = uniform(random, rows * cols, -5, 5);
    const out = put(kernels, new Float32Array(rows * cols));
    kernels.binaryStrided(BinaryOp.Sub, put(kernels, a), [1, rows], put(kernels, b), [cols, 1], out, [
      rows,
      cols,
    ]);
    const want = new Float64Array(rows * cols);
    forEachIndex([rows, cols], [1, rows], [cols, 1], (i, oa, ob) => {
      want[i] = a[oa]! - b[ob]!;
    });
    expectClose('transposed sub', take(kernels, out, want.length), want);
  });

  it('where picks a where cond is nonzero (NaN counts as true), b elsewhere', () => {
    for (const n of TAIL_SIZES) {
      const random = mulberry32(n);
      const cond = Float32Array.from({ length: n }, (_, i) =>
        i % 7 === 3 ? Number.NaN : random() < 0.5 ? 0 : random() * 4 - 2,
      );
      const a = uniform(random, n, -1, 1);
      const b = uniform(random, n, -1, 1);
      const out = put(kernels, new Float32Array(n), 2);
      kernels.where(put(kernels, cond, 1), put(kernels, a), put(kernels, b, 3), out, n);
      expectClose(
        `where n=${n}`,
        take(kernels, out, n),
        Float64Array.from(cond, (c, i) => (c !== 0 ? a[i]! : b[i]!)),
      );
    }
  });

  it('rejects more dimensions than it supports, and mismatched strides', () => {
    const p = put(kernels, [1]);
    expect(() =>
      kernels.binaryStrided(
        BinaryOp.Add,
        p,
        new Array(17).fill(0),
        p,
        new Array(17).fill(0),
        p,
        new Array(17).fill(1),
      ),
    ).toThrow(/17 dimensions \(at most 16\)/);
    expect(() => kernels.binaryStrided(BinaryOp.Add, p, [0], p, [0, 0], p, [1, 1])).toThrow(
      /strides have 1 and 2/,
    );
  });
});
