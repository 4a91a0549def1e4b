// Seeded random numbers: xoshiro128** (integers and uniform floats) and Box–Muller (normals).
// Plain JavaScript integer arithmetic and V8's fdlibm-derived Math.log/cos/sin, so a seed gives
// bit-identical tensors in Node, Deno and Chromium.
import { type CreateOptions, checkDType, fromValues } from './creation.js';
import { describeValue } from './errors.js';
import { checkShape, type Shape, sizeOf } from './shape.js';
import type { Tensor } from './tensor.js';

/**
 * A seeded pseudo-random generator (xoshiro128**, seeded through splitmix32), as torch.Generator:
 * pass it as `{ generator }` to rand/randn/randint/randperm (or Dropout) to draw from a stream of
 * its own, which neither disturbs nor is disturbed by the default one (`manualSeed`).
 *
 * @example const g = new Generator().manualSeed(42); rand([3], { generator: g })
 */
export class Generator {
  private s = new Uint32Array(4);
  private spare: number | null = null;

  constructor(seed = 0) {
    this.seed(seed);
  }

  /**
   * Resets the state from `seed` and returns the generator (torch.Generator.manual_seed).
   *
   * @example const g = new Generator().manualSeed(7); // the same stream as new Generator(7)
   */
  manualSeed(seed: number): this {
    this.seed(seed);
    return this;
  }

  /** Resets the state from `seed` (any finite number; its integer bits are used). */
  seed(seed: number): void {
    if (!Number.isFinite(seed))
      throw new RangeError(`manualSeed: the seed must be a finite number, got ${seed}`);
    let x = (Math.trunc(seed) ^ Math.trunc(seed / 4294967296)) >>> 0;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
    this.spare = null;
  }

  /** The next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1]!, 5), 7), 9) >>> 0;
    const t = s[1]! << 9;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11);
    return result;
  }

  /** Uniform in [0, 1), with 24 random bits (every value exactly representable in float32). */
  nextFloat(): number {
    return (this.nextUint32() >>> 8) / 16777216;
  }

  /** Standard normal (Box–Muller; the second value of each pair is kept for the next call). */
  nextNormal(): number {
    if (this.spare !== null) {
      const value = this.spare;
      this.spare = null;
      return value;
    }
    const u1 = 1 - this.nextFloat(); // (0, 1]
    const u2 = this.nextFloat();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spare = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }

  /** Uniform integer in [low, high). */
  nextInt(low: number, high: number): number {
    return low + Math.floor(this.nextFloat() * (high - low));
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** The generator behind rand/randn/randint/randperm and everything built on them. */
export const defaultGenerator = new Generator(0);

/**
 * Seeds the default generator: the same seed gives the same tensors (and the same initial weights,
 * shuffles and dropout masks) in every runtime. Without a call the seed is 0.
 *
 * @example manualSeed(42); const a = randn([3]); manualSeed(42); randn([3]) // equals a
 */
export function manualSeed(seed: number): void {
  defaultGenerator.seed(seed);
}

function generate(op: string, shape: Shape, next: () => number, options: CreateOptions): Tensor {
  checkShape(op, shape);
  checkDType(op, options.dtype ?? 'float32');
  const values = new Float64Array(sizeOf(shape));
  for (let i = 0; i < values.length; i++) values[i] = next();
  return fromValues(values, shape, options, op);
}

/** Uniform random values in [0, 1). @example rand([2, 3]) */
export function rand(shape: Shape, options: CreateOptions & { generator?: Generator } = {}): Tensor {
  const g = options.generator ?? defaultGenerator;
  return generate('rand', shape, () => g.nextFloat(), options);
}

/** Standard normal random values. @example randn([2, 3]) */
export function randn(shape: Shape, options: CreateOptions & { generator?: Generator } = {}): Tensor {
  const g = options.generator ?? defaultGenerator;
  return generate('randn', shape, () => g.nextNormal(), options);
}

/** Random integers in [low, high), int32. @example randint(0, 10, [5]) */
export function randint(
  low: number,
  high: number,
  shape: Shape,
  options: { generator?: Generator } = {},
): Tensor {
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) {
    throw new RangeError(
      `randint: expected integers low < high, got ${describeValue(low)} and ${describeValue(high)}`,
    );
  }
  // The values are int32, and the generator draws from 24 random bits: wider ranges would wrap or
  // leave values unreachable.
  if (low < -(2 ** 31) || high > 2 ** 31 || high - low > 2 ** 24) {
    throw new RangeError(
      `randint: the range [${low}, ${high}) must lie within int32 and span at most 2^24 values, got ${high - low} values`,
    );
  }
  const g = options.generator ?? defaultGenerator;
  return generate('randint', shape, () => g.nextInt(low, high), { dtype: 'int32' });
}

/** A random permutation of 0..n−1, int32 (Fisher–Yates). @example randperm(5) */
export function randperm(n: number, options: { generator?: Generator } = {}): Tensor {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`randperm: n must be an integer >= 0, got ${n}`);
  const g = options.generator ?? defaultGenerator;
  const values = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = g.nextInt(0, i + 1);
    const tmp = values[i]!;
    values[i] = values[j]!;
    values[j] = tmp;
  }
  return fromValues(values, [n], { dtype: 'int32' });
}

/** Uniform [0, 1) values shaped like `t`. @example randLike(x) */
export function randLike(t: Tensor, options: CreateOptions & { generator?: Generator } = {}): Tensor {
  return rand(t.shape, options);
}

/** Normal values shaped like `t`. @example randnLike(x) */
export function randnLike(t: Tensor, options: CreateOptions & { generator?: Generator } = {}): Tensor {
  return randn(t.shape, options);
}
