// Shared pieces of the property-based (fuzz) tests in src/fuzz/ (issue 12): the run budget, shape
// and view arbitraries, and a float64 model of tensor layouts to compute reference values with.
// Test-only: src/testing is excluded from the build. No node: imports (the same tests run in Deno and
// Chromium).
import fc from 'fast-check';
import type { Tensor } from '../index.js';

type Env = Record<string, string | undefined>;
const env: Env = (globalThis as { process?: { env?: Env } }).process?.env ?? {};

function positiveNumber(name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!(value > 0)) throw new Error(`fuzz: ${name} must be a positive number, got '${raw}'`);
  return value;
}

/** Multiplies every property's number of runs (scripts/fuzz-long.sh sets it; default 1). */
export const FUZZ_SCALE = positiveNumber('FUZZ_SCALE', 1);
/** When set, replaces every property's fixed seed (scripts/fuzz-long.sh sets a random one). */
const SEED_OVERRIDE = env['FUZZ_SEED'];

/**
 * fast-check parameters: a fixed seed and a bounded number of runs, both overridable from the
 * environment for the long local run.
 *
 * @example fc.assert(prop, budget(0x5eed, 100))
 */
export function budget(seed: number, numRuns: number): { seed: number; numRuns: number } {
  return {
    seed: SEED_OVERRIDE === undefined || SEED_OVERRIDE === '' ? seed : Number(SEED_OVERRIDE) | 0,
    numRuns: Math.max(1, Math.round(numRuns * FUZZ_SCALE)),
  };
}

/** vitest's per-test timeout for a property, scaled with its budget. */
export const fuzzTimeout = 60_000 * FUZZ_SCALE;

/** A shape with 0..maxDims dimensions of sizes 0..maxSize (zero-size dims rarer than others). */
export function shapeArb(maxDims = 4, maxSize = 5, allowZero = true): fc.Arbitrary<number[]> {
  const size = allowZero
    ? fc.oneof(
        { weight: 1, arbitrary: fc.constant(0) },
        { weight: 8, arbitrary: fc.integer({ min: 1, max: maxSize }) },
      )
    : fc.integer({ min: 1, max: maxSize });
  return fc.array(size, { minLength: 0, maxLength: maxDims });
}

export const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Float32 values in [min, max] (including -0, bounds and subnormals, which fast-check favours). */
export function valuesArb(count: number, min = -4, max = 4): fc.Arbitrary<number[]> {
  return fc.array(fc.float({ min: Math.fround(min), max: Math.fround(max), noNaN: true }), {
    minLength: count,
    maxLength: count,
  });
}

/**
 * How a tensor of a given logical shape is laid out: built contiguous in `baseShape`, then viewed
 * with `steps` (each a view op the library has) into the wanted shape.
 */
export type ViewStep =
  | { op: 'permute'; dims: number[] }
  | { op: 'slice'; dim: number; start: number; end: number; step: number }
  | { op: 'expand'; shape: number[] };

export interface Layout {
  baseShape: number[];
  steps: ViewStep[];
}

/**
 * A random layout giving logical `shape`: optionally a strided slice of a bigger base along each
 * dimension, then a permutation, then (if `expand`) broadcasting of some dimensions from size 1
 * and of new leading dimensions from nothing.
 */
export function layoutArb(shape: readonly number[], expand = false): fc.Arbitrary<Layout> {
  const n = shape.length;
  const perDim = fc.array(
    fc.record({
      step: fc.integer({ min: 1, max: 3 }),
      before: fc.integer({ min: 0, max: 2 }),
      after: fc.integer({ min: 0, max: 2 }),
      expanded: fc.boolean(),
    }),
    { minLength: n, maxLength: n },
  );
  return fc
    .record({
      sliced: fc.boolean(),
      permuted: fc.boolean(),
      order: fc.array(fc.nat(), { minLength: n, maxLength: n }),
      perDim,
      leading: expand ? fc.integer({ min: 0, max: n }) : fc.constant(0),
    })
    .map(({ sliced, permuted, order, perDim, leading }) => {
      // Leading dims of `shape` made by expand from nothing; the rest come from the base.
      const own = shape.slice(leading);
      const expandedDims = own.map((_, i) => expand && perDim[leading + i]!.expanded);
      // Shape before expand: expanded dims have size 1.
      const beforeExpand = own.map((s, i) => (expandedDims[i] ? 1 : s));
      // A permutation q (output dim k of the permute reads base dim q[k]).
      const q = own.map((_, i) => i);
      if (permuted) q.sort((a, b) => order[a]! - order[b]! || a - b);
      // Before the permute the dims are in base order: base dim q[k] has size beforeExpand[k].
      const unpermuted = new Array<number>(own.length);
      q.forEach((b, k) => {
        unpermuted[b] = beforeExpand[k]!;
      });
      const steps: ViewStep[] = [];
      let baseShape = unpermuted;
      if (sliced && own.length > 0) {
        baseShape = unpermuted.map((s, d) => {
          const { step, before, after } = perDim[leading + q.indexOf(d)]!;
          return before + Math.max(0, (s - 1) * step + 1) + after;
        });
        unpermuted.forEach((s, d) => {
          const { step, before } = perDim[leading + q.indexOf(d)]!;
          steps.push({
            op: 'slice',
            dim: d,
            start: before,
            end: before + Math.max(0, (s - 1) * step + 1),
            step,
          });
        });
      }
      if (permuted) steps.push({ op: 'permute', dims: q });
      if (expand && (leading > 0 || expandedDims.some((e) => e)))
        steps.push({ op: 'expand', shape: [...shape] });
      return { baseShape, steps };
    });
}

/** Applies a layout's view ops to a contiguous base tensor. */
export function applyLayout(base: Tensor, layout: Layout): Tensor {
  let t = base;
  for (const s of layout.steps) {
    if (s.op === 'permute') t = t.permute(s.dims);
    else if (s.op === 'slice') t = t.slice(s.dim, s.start, s.end, s.step);
    else t = t.expand(s.shape);
  }
  return t;
}

/**
 * The float64 model of the same views: for each logical element (row-major) of the final view,
 * its index in the base's row-major data. Written independently of the library's stride code.
 */
export function layoutIndices(layout: Layout): number[] {
  let shape = [...layout.baseShape];
  // indexOf maps a logical multi-index to a base index.
  let indexOf = (ix: number[]): number => {
    let flat = 0;
    for (let d = 0; d < layout.baseShape.length; d++) flat = flat * layout.baseShape[d]! + ix[d]!;
    return flat;
  };
  for (const s of layout.steps) {
    const inner = indexOf;
    if (s.op === 'permute') {
      const from = shape;
      shape = s.dims.map((d) => from[d]!);
      indexOf = (ix) => {
        const src = new Array<number>(ix.length);
        s.dims.forEach((d, k) => {
          src[d] = ix[k]!;
        });
        return inner(src);
      };
    } else if (s.op === 'slice') {
      shape = [...shape];
      shape[s.dim] = Math.ceil((s.end - s.start) / s.step);
      indexOf = (ix) => {
        const src = [...ix];
        src[s.dim] = s.start + ix[s.dim]! * s.step;
        return inner(src);
      };
    } else {
      const from = shape;
      const lead = s.shape.length - from.length;
      shape = [...s.shape];
      indexOf = (ix) => inner(from.map((size, d) => (size === 1 ? 0 : ix[lead + d]!)));
    }
  }
  const out: number[] = [];
  const ix = new Array<number>(shape.length).fill(0);
  const total = sizeOf(shape);
  for (let e = 0; e < total; e++) {
    out.push(indexOf(ix));
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++ix[d]! < shape[d]!) break;
      ix[d] = 0;
    }
  }
  return out;
}

/** A logical shape with random layout and float32 values for its base. */
export interface Operand {
  shape: number[];
  layout: Layout;
  /** Row-major values of the contiguous base (float32-representable). */
  base: number[];
}

export function operandArb(
  shape: readonly number[],
  { expand = false, min = -4, max = 4 }: { expand?: boolean; min?: number; max?: number } = {},
): fc.Arbitrary<Operand> {
  return layoutArb(shape, expand).chain((layout) =>
    valuesArb(sizeOf(layout.baseShape), min, max).map((base) => ({ shape: [...shape], layout, base })),
  );
}

/** The operand's logical (row-major) values, from the float64 model. */
export function logicalValues(o: Operand): number[] {
  return layoutIndices(o.layout).map((i) => o.base[i]!);
}

/** Shapes that broadcast to `shape`: leading dims dropped, some dims set to 1. */
export function broadcastableArb(shape: readonly number[]): fc.Arbitrary<number[]> {
  return fc
    .record({
      drop: fc.integer({ min: 0, max: shape.length }),
      ones: fc.array(fc.boolean(), { minLength: shape.length, maxLength: shape.length }),
    })
    .map(({ drop, ones }) => shape.slice(drop).map((s, i) => (ones[drop + i] ? 1 : s)));
}

/** Row-major values of `values` (shape `from`) broadcast to `to`. */
export function broadcastValues(
  values: readonly number[],
  from: readonly number[],
  to: readonly number[],
): number[] {
  const lead = to.length - from.length;
  const out: number[] = [];
  const ix = new Array<number>(to.length).fill(0);
  for (let e = 0; e < sizeOf(to); e++) {
    let flat = 0;
    for (let d = 0; d < from.length; d++) flat = flat * from[d]! + (from[d] === 1 ? 0 : ix[lead + d]!);
    out.push(values[flat]!);
    for (let d = to.length - 1; d >= 0; d--) {
      if (++ix[d]! < to[d]!) break;
      ix[d] = 0;
    }
  }
  return out;
}

/**
 * Index of the first element where `got` and `want` differ by more than `rtol·|want| + atol`
 * (NaN matches NaN, infinities must match), or -1.
 */
export function firstMismatch(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  rtol: number,
  atol: number | ArrayLike<number>,
): number {
  if (got.length !== want.length) return Math.min(got.length, want.length);
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!;
    const w = want[i]!;
    if (Number.isNaN(w) ? Number.isNaN(g) : g === w) continue;
    const tol = rtol * Math.abs(w) + (typeof atol === 'number' ? atol : atol[i]!);
    if (!(Math.abs(g - w) <= tol)) return i;
  }
  return -1;
}

/** A readable report of the first mismatch, for assertion messages. */
export function mismatchReport(got: ArrayLike<number>, want: ArrayLike<number>, at: number): string {
  return `element ${at}: got ${got[at]}, expected ${want[at]} (lengths ${got.length} and ${want.length})`;
}
