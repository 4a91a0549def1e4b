// Fuzzing tensor ops against a float64 JavaScript reference (issue 12, part 1): random shapes
// (0-d and zero-size dims included), random broadcasting and random views (strided slices,
// permutations, expand) as inputs.
//
// Tolerances. Elementwise ops: |got − want| ≤ 1e-5·|want| + 1e-6, where want is computed in float64
// from the same float32 inputs (float32 rounding of the result alone is 6e-8 relative; the rest is
// room for the kernels' polynomial exp/log/tanh). Sums, means and matmul: 1e-5·Σ|terms| + 1e-6 —
// relative to the sum of the magnitudes of the terms, not to the result, because float32
// accumulation in any order (SIMD lanes, pairwise) errs by about n·2⁻²⁴·Σ|terms| and a result that
// cancels to near zero has no meaningful relative error; n ≤ 125 here, so 1e-5 covers it with
// room. max/min/argmax, views, cat/stack, indexSelect/gather and in-place fill_/copy_ must be exact.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cat, memory, stack, type Tensor, tensor, tidy, zeros } from '../index.js';
import {
  applyLayout,
  broadcastableArb,
  broadcastValues,
  budget,
  firstMismatch,
  fuzzTimeout,
  layoutIndices,
  logicalValues,
  mismatchReport,
  type Operand,
  operandArb,
  shapeArb,
  sizeOf,
} from '../testing/fuzz.js';

const RTOL = 1e-5;
const ATOL = 1e-6;

/** The operand as a tensor: its base, viewed as its layout says. */
function build(o: Operand): Tensor {
  return applyLayout(tensor(Float32Array.from(o.base), { shape: o.layout.baseShape }), o.layout);
}

function expectClose(
  got: Tensor,
  shape: readonly number[],
  want: readonly number[],
  atol: number | number[] = ATOL,
) {
  expect(got.shape).toEqual(shape);
  const values = got.data();
  const at = firstMismatch(values, want, RTOL, atol);
  expect(at, at < 0 ? '' : mismatchReport(values, want, at)).toBe(-1);
}

function expectExact(got: Tensor, shape: readonly number[], want: readonly number[]) {
  expect(got.shape).toEqual(shape);
  expect(Array.from(got.data())).toEqual(want);
}

/** Runs `fn` in a tidy and checks that nothing it created outlives it. */
function leakFree(fn: () => void): void {
  const before = memory();
  tidy(fn);
  const after = memory();
  expect([after.tensors, after.storages, after.bytes]).toEqual([
    before.tensors,
    before.storages,
    before.bytes,
  ]);
}

const UNARY: Record<
  string,
  { f: (t: Tensor) => Tensor; ref: (x: number) => number; min: number; max: number }
> = {
  exp: { f: (t) => t.exp(), ref: Math.exp, min: -20, max: 20 },
  log: { f: (t) => t.log(), ref: Math.log, min: 1e-3, max: 100 },
  tanh: { f: (t) => t.tanh(), ref: Math.tanh, min: -10, max: 10 },
  sigmoid: { f: (t) => t.sigmoid(), ref: (x) => 1 / (1 + Math.exp(-x)), min: -30, max: 30 },
  relu: { f: (t) => t.relu(), ref: (x) => Math.max(0, x), min: -4, max: 4 },
  abs: { f: (t) => t.abs(), ref: Math.abs, min: -4, max: 4 },
  neg: { f: (t) => t.neg(), ref: (x) => -x, min: -4, max: 4 },
  sqrt: { f: (t) => t.sqrt(), ref: Math.sqrt, min: 0, max: 100 },
};

const BINARY: Record<string, { f: (a: Tensor, b: Tensor) => Tensor; ref: (a: number, b: number) => number }> =
  {
    add: { f: (a, b) => a.add(b), ref: (a, b) => a + b },
    sub: { f: (a, b) => a.sub(b), ref: (a, b) => a - b },
    mul: { f: (a, b) => a.mul(b), ref: (a, b) => a * b },
    div: { f: (a, b) => a.div(b), ref: (a, b) => a / b },
    maximum: { f: (a, b) => a.maximum(b), ref: (a, b) => Math.max(a, b) },
  };

/** Row-major iteration helper: calls visit(outIndex, inputIndex) for a reduction over `dims`. */
function reduceGroups(shape: readonly number[], dims: readonly number[]): number[][] {
  const outShape = shape.map((s, d) => (dims.includes(d) ? 1 : s));
  const groups: number[][] = Array.from({ length: sizeOf(outShape) }, () => []);
  const ix = new Array<number>(shape.length).fill(0);
  for (let e = 0; e < sizeOf(shape); e++) {
    let o = 0;
    for (let d = 0; d < shape.length; d++) o = o * outShape[d]! + (dims.includes(d) ? 0 : ix[d]!);
    groups[o]!.push(e);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++ix[d]! < shape[d]!) break;
      ix[d] = 0;
    }
  }
  return groups;
}

describe('tensor ops against a float64 reference (fuzz, issue 12)', () => {
  it(
    'unary ops on random views',
    () => {
      const arb = fc.constantFrom(...Object.keys(UNARY)).chain((name) =>
        shapeArb().chain((shape) =>
          operandArb(shape, { expand: true, min: UNARY[name]!.min, max: UNARY[name]!.max }).map((x) => ({
            name,
            x,
          })),
        ),
      );
      fc.assert(
        fc.property(arb, ({ name, x }) =>
          leakFree(() => {
            const op = UNARY[name]!;
            expectClose(op.f(build(x)), x.shape, logicalValues(x).map(op.ref));
          }),
        ),
        budget(0x12_0001, 1000),
      );
    },
    fuzzTimeout,
  );

  it(
    'binary ops with broadcasting on random views',
    () => {
      const arb = fc
        .record({ name: fc.constantFrom(...Object.keys(BINARY)), out: shapeArb() })
        .chain(({ name, out }) =>
          fc
            .tuple(broadcastableArb(out), broadcastableArb(out), fc.boolean())
            .chain(([sa, sb, swap]) =>
              fc.record({
                a: operandArb(swap ? sb : sa, { expand: true }),
                // Divisors stay away from zero: the reference and the kernel would both give ±Infinity,
                // but the sign of a zero is not what this property is about.
                b: operandArb(
                  swap ? sa : sb,
                  name === 'div' ? { expand: true, min: 0.25, max: 4 } : { expand: true },
                ),
              }),
            )
            .map(({ a, b }) => ({ name, a, b })),
        );
      fc.assert(
        fc.property(arb, ({ name, a, b }) =>
          leakFree(() => {
            const op = BINARY[name]!;
            const shape = broadcastShape(a.shape, b.shape);
            const av = broadcastValues(logicalValues(a), a.shape, shape);
            const bv = broadcastValues(logicalValues(b), b.shape, shape);
            expectClose(
              op.f(build(a), build(b)),
              shape,
              av.map((v, i) => op.ref(v, bv[i]!)),
            );
          }),
        ),
        budget(0x12_0002, 1000),
      );
    },
    fuzzTimeout,
  );

  it(
    'sum, mean, max, min over random dims with keepDim, and argmax',
    () => {
      const arb = shapeArb().chain((shape) =>
        fc.record({
          x: operandArb(shape, { expand: true }),
          dims: fc.subarray(shape.map((_, d) => d)),
          negative: fc.boolean(),
          all: fc.boolean(),
          keepDim: fc.boolean(),
          op: fc.constantFrom('sum', 'mean', 'max', 'min', 'argmax'),
        }),
      );
      fc.assert(
        fc.property(arb, ({ x, dims, negative, all, keepDim, op }) =>
          leakFree(() => {
            const t = build(x);
            const values = logicalValues(x);
            const n = x.shape.length;
            if (op === 'argmax') {
              // One dim (or the flattened tensor), first maximum wins.
              const dim = all || n === 0 ? undefined : (dims[0] ?? 0);
              const reduced = dim === undefined ? x.shape.map((_, d) => d) : [dim];
              if (values.length === 0) {
                expect(() => t.argmax(dim, keepDim)).toThrow(/^argmax: /);
                return;
              }
              const got = t.argmax(dim === undefined || !negative ? dim : dim - n, keepDim);
              const groups = reduceGroups(x.shape, reduced);
              const want = groups.map((g) => {
                let best = 0;
                g.forEach((e, k) => {
                  if (values[e]! > values[g[best]!]!) best = k;
                });
                return best;
              });
              const shape =
                dim === undefined
                  ? keepDim
                    ? x.shape.map(() => 1)
                    : []
                  : x.shape.flatMap((s, d) => (d === dim ? (keepDim ? [1] : []) : [s]));
              expectExact(got, shape, want);
              return;
            }
            const reduced = all ? x.shape.map((_, d) => d) : dims;
            const dimArg = all ? undefined : negative ? dims.map((d) => d - n) : dims;
            const shape = x.shape.flatMap((s, d) => (reduced.includes(d) ? (keepDim ? [1] : []) : [s]));
            const groups = reduceGroups(x.shape, reduced);
            if (op === 'max' || op === 'min') {
              if (reduced.some((d) => x.shape[d] === 0) || values.length === 0) {
                expect(() => t[op](dimArg, keepDim)).toThrow(new RegExp(`^${op}: `));
                return;
              }
              const pick = op === 'max' ? Math.max : Math.min;
              expectExact(
                t[op](dimArg, keepDim),
                shape,
                groups.map((g) => pick(...g.map((e) => values[e]!))),
              );
              return;
            }
            const sums = groups.map((g) => g.reduce((s, e) => s + values[e]!, 0));
            const magnitudes = groups.map((g) => g.reduce((s, e) => s + Math.abs(values[e]!), 0));
            const count = reduced.reduce((c, d) => c * x.shape[d]!, 1);
            const want = op === 'sum' ? sums : sums.map((s) => s / count);
            const atol = magnitudes.map((m) => RTOL * (op === 'sum' ? m : m / count) + ATOL);
            expectClose(op === 'sum' ? t.sum(dimArg, keepDim) : t.mean(dimArg, keepDim), shape, want, atol);
          }),
        ),
        budget(0x12_0003, 1000),
      );
    },
    fuzzTimeout,
  );

  it(
    'matmul: small shapes, transposed operands, batch broadcasting, 1-D operands',
    () => {
      const dim = fc.integer({ min: 0, max: 5 });
      const arb = fc
        .record({
          m: dim,
          k: dim,
          p: dim,
          batch: shapeArb(2, 3),
          aBatch: fc.boolean(),
          bBatch: fc.boolean(),
          aVector: fc.boolean(),
          bVector: fc.boolean(),
        })
        .chain((c) => {
          const aShape = c.aVector ? [c.k] : [...(c.aBatch ? c.batch : []), c.m, c.k];
          const bShape = c.bVector ? [c.k] : [...(c.bBatch ? c.batch.slice(1) : []), c.k, c.p];
          return fc.record({
            a: operandArb(aShape, { expand: true }),
            b: operandArb(bShape, { expand: true }),
          });
        });
      fc.assert(
        fc.property(arb, ({ a, b }) =>
          leakFree(() => {
            // Reference: promote 1-D operands, broadcast the batch dims, multiply, drop promoted dims.
            const a2 = a.shape.length === 1 ? [1, ...a.shape] : a.shape;
            const b2 = b.shape.length === 1 ? [...b.shape, 1] : b.shape;
            const [m, k] = a2.slice(-2) as [number, number];
            const p = b2[b2.length - 1]!;
            const batch = broadcastShape(a2.slice(0, -2), b2.slice(0, -2));
            const av = broadcastValues(logicalValues(a), a2, [...batch, m, k]);
            const bv = broadcastValues(logicalValues(b), b2, [...batch, k, p]);
            const want: number[] = [];
            const atol: number[] = [];
            for (let n = 0; n < sizeOf(batch); n++) {
              for (let i = 0; i < m; i++) {
                for (let j = 0; j < p; j++) {
                  let s = 0;
                  let mag = 0;
                  for (let q = 0; q < k; q++) {
                    const term = av[(n * m + i) * k + q]! * bv[(n * k + q) * p + j]!;
                    s += term;
                    mag += Math.abs(term);
                  }
                  want.push(s);
                  atol.push(RTOL * mag + ATOL);
                }
              }
            }
            const shape = [
              ...batch,
              ...(a.shape.length === 1 ? [] : [m]),
              ...(b.shape.length === 1 ? [] : [p]),
            ];
            expectClose(build(a).matmul(build(b)), shape, want, atol);
          }),
        ),
        budget(0x12_0004, 1000),
      );
    },
    fuzzTimeout,
  );

  it(
    'reshape (with -1) and contiguous keep the row-major order',
    () => {
      const arb = shapeArb().chain((shape) =>
        fc.record({
          x: operandArb(shape, { expand: true }),
          // A new shape for the same elements: a random regrouping of the shape's prime factors.
          split: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 8 }),
          infer: fc.boolean(),
        }),
      );
      fc.assert(
        fc.property(arb, ({ x, split, infer }) =>
          leakFree(() => {
            const size = sizeOf(x.shape);
            const target = regroup(size, split);
            const t = build(x);
            const values = logicalValues(x);
            expectExact(t.contiguous(), x.shape, values);
            expect(t.contiguous().isContiguous).toBe(true);
            const arg = infer && size > 0 && target.length > 0 ? [...target.slice(0, -1), -1] : target;
            expectExact(t.reshape(arg), target, values);
          }),
        ),
        budget(0x12_0005, 1000),
      );
    },
    fuzzTimeout,
  );

  it(
    'cat and stack of random views',
    () => {
      const arb = fc
        .record({ shape: shapeArb(3, 4), count: fc.integer({ min: 1, max: 4 }), dimSeed: fc.nat() })
        .chain(({ shape, count, dimSeed }) => {
          const catDim = shape.length === 0 ? 0 : dimSeed % shape.length;
          return fc.record({
            shape: fc.constant(shape),
            stackDim: fc.integer({ min: 0, max: shape.length }),
            catDim: fc.constant(catDim),
            // For cat, each tensor may have its own size along catDim.
            catSizes: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: count, maxLength: count }),
            parts: fc.array(operandArb(shape, { expand: true }), { minLength: count, maxLength: count }),
          });
        })
        .chain((c) =>
          fc
            .tuple(
              ...c.catSizes.map((s) =>
                operandArb(c.shape.length === 0 ? [s] : c.shape.map((x, d) => (d === c.catDim ? s : x)), {
                  expand: true,
                }),
              ),
            )
            .map((catParts) => ({ ...c, catParts })),
        );
      fc.assert(
        fc.property(arb, ({ shape, stackDim, catDim, parts, catParts }) =>
          leakFree(() => {
            // stack: out[..., i, ...] = parts[i]; reference by interleaving blocks.
            const outer = sizeOf(shape.slice(0, stackDim));
            const inner = sizeOf(shape.slice(stackDim));
            const stacked: number[] = [];
            const partValues = parts.map(logicalValues);
            for (let o = 0; o < outer; o++)
              for (const v of partValues) stacked.push(...v.slice(o * inner, (o + 1) * inner));
            const stackShape = [...shape.slice(0, stackDim), parts.length, ...shape.slice(stackDim)];
            expectExact(stack(parts.map(build), stackDim), stackShape, stacked);

            const catValues = catParts.map(logicalValues);
            const catShape0 = catParts[0]!.shape;
            const catOuter = sizeOf(catShape0.slice(0, catDim));
            const joined: number[] = [];
            for (let o = 0; o < catOuter; o++) {
              catParts.forEach((part, i) => {
                const block = sizeOf(part.shape.slice(catDim));
                joined.push(...catValues[i]!.slice(o * block, (o + 1) * block));
              });
            }
            const catShape = [...catShape0];
            catShape[catDim] = catParts.reduce((s, part) => s + part.shape[catDim]!, 0);
            expectExact(cat(catParts.map(build), catDim), catShape, joined);
          }),
        ),
        budget(0x12_0006, 1000),
      );
    },
    fuzzTimeout,
  );

  it(
    'indexSelect and gather with valid indices',
    () => {
      const arb = shapeArb(3, 4)
        .filter((s) => s.length > 0)
        .chain((shape) =>
          fc.record({
            x: operandArb(shape, { expand: true }),
            dim: fc.integer({ min: 0, max: shape.length - 1 }),
            count: fc.integer({ min: 0, max: 5 }),
            picks: fc.array(fc.nat(), { minLength: 64, maxLength: 64 }),
            indexShape: fc.array(fc.integer({ min: 0, max: 4 }), {
              minLength: shape.length,
              maxLength: shape.length,
            }),
          }),
        );
      fc.assert(
        fc.property(arb, ({ x, dim, count, picks, indexShape }) =>
          leakFree(() => {
            const t = build(x);
            const values = logicalValues(x);
            const size = x.shape[dim]!;
            const outer = sizeOf(x.shape.slice(0, dim));
            const inner = sizeOf(x.shape.slice(dim + 1));
            // indexSelect: any number of positions, repeats allowed.
            const positions = size === 0 ? [] : Array.from({ length: count }, (_, i) => picks[i]! % size);
            const selected: number[] = [];
            for (let o = 0; o < outer; o++)
              for (const p of positions)
                selected.push(...values.slice((o * size + p) * inner, (o * size + p + 1) * inner));
            const selShape = [...x.shape];
            selShape[dim] = positions.length;
            expectExact(t.indexSelect(dim, tensor(positions, { dtype: 'int32' })), selShape, selected);

            // gather: an index no bigger than x outside dim, any size along dim.
            const gShape = indexShape.map((s, d) => (d === dim ? s : Math.min(s, x.shape[d]!)));
            if (size === 0 && sizeOf(gShape) > 0) gShape[dim] = 0;
            const gIndex = Array.from(
              { length: sizeOf(gShape) },
              (_, i) => picks[i % 64]! % Math.max(size, 1),
            );
            const gathered: number[] = [];
            const ix = new Array<number>(gShape.length).fill(0);
            for (let e = 0; e < gIndex.length; e++) {
              let flat = 0;
              for (let d = 0; d < gShape.length; d++)
                flat = flat * x.shape[d]! + (d === dim ? gIndex[e]! : ix[d]!);
              gathered.push(values[flat]!);
              for (let d = gShape.length - 1; d >= 0; d--) {
                if (++ix[d]! < gShape[d]!) break;
                ix[d] = 0;
              }
            }
            const index = tensor(Int32Array.from(gIndex), { shape: gShape });
            expectExact(t.gather(dim, index), gShape, gathered);
          }),
        ),
        budget(0x12_0007, 1000),
      );
    },
    fuzzTimeout,
  );

  it(
    'add_, mul_, fill_, copy_ on random (non-expanded) views write through to the base, and only there',
    () => {
      // Zero-size targets are checked separately below.
      const arb = shapeArb(4, 5, false).chain((shape) =>
        fc.record({
          x: operandArb(shape),
          op: fc.constantFrom('add_', 'mul_', 'fill_', 'copy_'),
          value: fc.float({ min: -4, max: 4, noNaN: true }),
          operand: broadcastableArb(shape).chain((s) => operandArb(s, { expand: true })),
          scalar: fc.boolean(),
        }),
      );
      fc.assert(
        fc.property(arb, ({ x, op, value, operand, scalar }) =>
          leakFree(() => {
            const base = tensor(Float32Array.from(x.base), { shape: x.layout.baseShape });
            const view = applyLayout(base, x.layout);
            const want = Float32Array.from(x.base);
            const where = layoutIndices(x.layout);
            const other = broadcastValues(logicalValues(operand), operand.shape, x.shape);
            const useScalar = scalar && op !== 'copy_';
            const o = (i: number) => (useScalar || op === 'fill_' ? value : other[i]!);
            where.forEach((b, i) => {
              if (op === 'add_') want[b] = want[b]! + o(i);
              else if (op === 'mul_') want[b] = want[b]! * o(i);
              else want[b] = o(i);
            });
            const arg = useScalar ? value : build(operand);
            if (op === 'fill_') view.fill_(value);
            else if (op === 'copy_') view.copy_(arg as Tensor);
            else view[op](arg);
            // Elements outside the view are untouched bit for bit; inside, one float32 rounding.
            expectExact(base, x.layout.baseShape, Array.from(want));
            expectExact(
              view,
              x.shape,
              where.map((b) => want[b]!),
            );
          }),
        ),
        budget(0x12_0008, 1000),
      );
    },
    fuzzTimeout,
  );

  // Found by the property above (issue 12 fuzz finding): a contiguous zero-size tensor such as
  // zeros([2, 0]) has stride 0 in its first dimension (the product of the later sizes), and the
  // in-place ops' "expanded view" guard (size > 1 && stride 0) mistakes it for one. Minimal
  // counterexample: zeros([2, 0]).add_(zeros([2, 0])) throws "add_: the tensor (shape [2,0]) is an
  // expanded view…"; PyTorch accepts it (nothing to write). Same for mul_, fill_, copy_.
  it('in-place ops accept a contiguous zero-size tensor (was refused as an expanded view)', () => {
    for (const op of ['add_', 'mul_', 'fill_', 'copy_'] as const) {
      leakFree(() => {
        const x = zeros([2, 0]);
        if (op === 'fill_') x.fill_(1);
        else if (op === 'copy_') x.copy_(zeros([2, 0]));
        else x[op](zeros([2, 0]));
        expect(x.shape).toEqual([2, 0]);
      });
    }
  });
});

function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  return Array.from({ length: n }, (_, i) => {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    return x === 1 ? y : x;
  });
}

/** A shape with `size` elements made from its prime factors grouped as `split` says. */
function regroup(size: number, split: readonly number[]): number[] {
  if (size === 0) return split.length > 0 ? [0, ...split.slice(0, 2).map((s) => s + 1)] : [0];
  const factors: number[] = [];
  let rest = size;
  for (let f = 2; rest > 1; f++) {
    while (rest % f === 0) {
      factors.push(f);
      rest /= f;
    }
  }
  const groups: number[] = [];
  factors.forEach((f, i) => {
    if (groups.length === 0 || (split[i] ?? 0) === 0) groups.push(f);
    else groups[groups.length - 1]! *= f;
  });
  // Sprinkle size-1 dims (and keep 0-d for a single element sometimes).
  if ((split[0] ?? 0) === 3) groups.splice(0, 0, 1);
  return groups;
}
