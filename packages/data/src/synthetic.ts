// Seeded synthetic data sets: the 2-D problems of TensorFlow Playground and of an introductory
// course. Classification sets give int32 labels; regression sets give float32 targets. `noise` is
// the standard deviation of Gaussian noise added to the inputs (to the target for regression).
import type { Generator, Tensor } from '@myelin/tensor';
import { tensor } from '@myelin/tensor';
import { generatorFor } from './shuffle.js';
import { checkOptions } from './validate.js';

/** Inputs `x` [n, 2] (float32) and labels or targets `y` [n]. */
export interface SyntheticData {
  x: Tensor;
  y: Tensor;
}

/** Options shared by the synthetic data sets. */
export interface SyntheticOptions {
  /** Standard deviation of Gaussian noise (default 0). */
  noise?: number;
  /** Seed (default: the global generator, which `manualSeed` sets). */
  seed?: number;
}

/** Draws n samples with `sample`, then adds the noise, all from the one generator `g`. */
function build(
  name: string,
  n: number,
  options: SyntheticOptions,
  g: Generator,
  sample: (g: Generator, i: number) => [number, number, number],
  labelsAreClasses = true,
): SyntheticData {
  if (!Number.isInteger(n) || n < 1)
    throw new RangeError(`${name}: the number of samples must be an integer >= 1, got ${n}`);
  const { noise = 0 } = options;
  if (!(noise >= 0)) throw new RangeError(`${name}: noise must be >= 0, got ${noise}`);
  const x = new Float32Array(2 * n);
  const y = labelsAreClasses ? new Int32Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const [a, b, label] = sample(g, i);
    x[2 * i] = a + (labelsAreClasses ? noise * g.nextNormal() : 0);
    x[2 * i + 1] = b + (labelsAreClasses ? noise * g.nextNormal() : 0);
    y[i] = labelsAreClasses ? label : label + noise * g.nextNormal();
  }
  return { x: tensor(x, { shape: [n, 2] }), y: tensor(y) };
}

const uniform = (g: Generator, lo: number, hi: number) => lo + (hi - lo) * g.nextFloat();

/**
 * Two concentric circles (scikit-learn's make_circles): outer radius 1 is class 0, inner radius
 * `factor` class 1 — separable by a circle, not by a line.
 *
 * @example const { x, y } = circles(200, { noise: 0.05, seed: 0 });
 */
export function circles(n: number, options: SyntheticOptions & { factor?: number } = {}): SyntheticData {
  checkOptions('circles', options, ['noise', 'seed', 'factor']);
  const { factor = 0.5 } = options;
  return build('circles', n, options, generatorFor(options.seed), (g, i) => {
    const inner = i % 2;
    const t = uniform(g, 0, 2 * Math.PI);
    const r = inner ? factor : 1;
    return [r * Math.cos(t), r * Math.sin(t), inner];
  });
}

/**
 * Two interleaving half circles (scikit-learn's make_moons).
 *
 * @example const { x, y } = moons(200, { noise: 0.1, seed: 0 });
 */
export function moons(n: number, options: SyntheticOptions = {}): SyntheticData {
  checkOptions('moons', options, ['noise', 'seed']);
  return build('moons', n, options, generatorFor(options.seed), (g, i) => {
    const t = uniform(g, 0, Math.PI);
    return i % 2 === 0 ? [Math.cos(t), Math.sin(t), 0] : [1 - Math.cos(t), 0.5 - Math.sin(t), 1];
  });
}

/**
 * XOR quadrants (TensorFlow Playground): points uniform in [−5, 5]², kept 0.3 away from the axes;
 * class 1 where x₁·x₂ > 0 (first and third quadrants).
 *
 * @example const { x, y } = xor(400, { noise: 0.2, seed: 0 });
 */
export function xor(n: number, options: SyntheticOptions = {}): SyntheticData {
  checkOptions('xor', options, ['noise', 'seed']);
  return build('xor', n, options, generatorFor(options.seed), (g) => {
    const side = () => {
      const v = uniform(g, 0.3, 5);
      return g.nextFloat() < 0.5 ? -v : v;
    };
    const [a, b] = [side(), side()];
    return [a, b, a * b > 0 ? 1 : 0];
  });
}

function booleanTable(
  name: string,
  truth: (a: number, b: number) => boolean,
  n: number,
  options: SyntheticOptions,
): SyntheticData {
  checkOptions(name, options, ['noise', 'seed']);
  return build(name, n, options, generatorFor(options.seed), (_g, i) => {
    const a = (i >> 1) & 1;
    const b = i & 1;
    return [a, b, truth(a, b) ? 1 : 0];
  });
}

/**
 * The AND truth table: inputs (0,0), (0,1), (1,0), (1,1) repeated to n samples (default 4), class 1
 * only for (1,1). Linearly separable: a perceptron learns it.
 *
 * @example const { x, y } = and();
 */
export function and(n = 4, options: SyntheticOptions = {}): SyntheticData {
  return booleanTable('and', (a, b) => a === 1 && b === 1, n, options);
}

/**
 * The OR truth table (see {@link and}): class 1 unless both inputs are 0.
 *
 * @example const { x, y } = or();
 */
export function or(n = 4, options: SyntheticOptions = {}): SyntheticData {
  return booleanTable('or', (a, b) => a === 1 || b === 1, n, options);
}

/**
 * Two interleaved spirals (TensorFlow Playground): the radius grows to 5 over 1.75 turns, and the
 * second spiral is the first rotated by π.
 *
 * @example const { x, y } = spiral(400, { noise: 0.1, seed: 0 });
 */
export function spiral(n: number, options: SyntheticOptions = {}): SyntheticData {
  checkOptions('spiral', options, ['noise', 'seed']);
  const half = Math.ceil(n / 2);
  return build('spiral', n, options, generatorFor(options.seed), (_g, i) => {
    const label = i % 2;
    const k = Math.floor(i / 2);
    const r = (k / half) * 5;
    const t = ((1.75 * k) / half) * 2 * Math.PI + label * Math.PI;
    return [r * Math.sin(t), r * Math.cos(t), label];
  });
}

/**
 * Isotropic Gaussian blobs (scikit-learn's make_blobs): `centers` points (or that many random
 * centers in [−5, 5]²), each sample drawn around its class's center with standard deviation `std`.
 *
 * @example const { x, y } = gaussianBlobs(300, { centers: 3, std: 0.8, seed: 0 });
 */
export function gaussianBlobs(
  n: number,
  options: SyntheticOptions & { centers?: number | [number, number][]; std?: number } = {},
): SyntheticData {
  checkOptions('gaussianBlobs', options, ['noise', 'seed', 'centers', 'std']);
  const { std = 1 } = options;
  const g = generatorFor(options.seed);
  const centers =
    typeof options.centers === 'object'
      ? options.centers
      : Array.from(
          { length: options.centers ?? 2 },
          () => [uniform(g, -5, 5), uniform(g, -5, 5)] as [number, number],
        );
  if (centers.length < 1) throw new RangeError('gaussianBlobs: need at least one center');
  return build('gaussianBlobs', n, options, g, (_g, i) => {
    const c = centers[i % centers.length]!;
    return [c[0] + std * g.nextNormal(), c[1] + std * g.nextNormal(), i % centers.length];
  });
}

/**
 * A linearly separable set in 2-D: a random line through the origin, points uniform in [−1, 1]²
 * at least `margin` from it, class 1 on its positive side. With noise it may stop being separable.
 *
 * @example const { x, y } = linearlySeparable(100, { margin: 0.1, seed: 0 });
 */
export function linearlySeparable(
  n: number,
  options: SyntheticOptions & { margin?: number } = {},
): SyntheticData {
  checkOptions('linearlySeparable', options, ['noise', 'seed', 'margin']);
  const { margin = 0.1 } = options;
  const g = generatorFor(options.seed);
  const angle = uniform(g, 0, 2 * Math.PI);
  const [w1, w2] = [Math.cos(angle), Math.sin(angle)];
  return build('linearlySeparable', n, options, g, () => {
    for (;;) {
      const [a, b] = [uniform(g, -1, 1), uniform(g, -1, 1)];
      const d = w1 * a + w2 * b;
      if (Math.abs(d) >= margin) return [a, b, d > 0 ? 1 : 0];
    }
  });
}

/**
 * Regression on a plane (TensorFlow Playground): x uniform in [−5, 5]², target (x₁ + x₂)/10 in
 * [−1, 1], plus noise on the target.
 *
 * @example const { x, y } = plane(200, { noise: 0.05, seed: 0 });
 */
export function plane(n: number, options: SyntheticOptions = {}): SyntheticData {
  checkOptions('plane', options, ['noise', 'seed']);
  const g = generatorFor(options.seed);
  return build(
    'plane',
    n,
    options,
    g,
    () => {
      const [a, b] = [uniform(g, -5, 5), uniform(g, -5, 5)];
      return [a, b, (a + b) / 10];
    },
    false,
  );
}

const BUMPS: [number, number, number][] = [
  [-4, 2.5, 1],
  [0, 2.5, -1],
  [4, 2.5, 1],
  [-4, -2.5, -1],
  [0, -2.5, 1],
  [4, -2.5, -1],
];

/**
 * Regression on a sum of Gaussian bumps (TensorFlow Playground's "multi-Gaussian"): six bumps of
 * alternating sign on a 3×2 grid, target Σ ±exp(−‖x − c‖²/2) for x uniform in [−6, 6]².
 *
 * @example const { x, y } = gaussian(300, { seed: 0 });
 */
export function gaussian(n: number, options: SyntheticOptions = {}): SyntheticData {
  checkOptions('gaussian', options, ['noise', 'seed']);
  const g = generatorFor(options.seed);
  return build(
    'gaussian',
    n,
    options,
    g,
    () => {
      const [a, b] = [uniform(g, -6, 6), uniform(g, -6, 6)];
      const value = BUMPS.reduce(
        (s, [cx, cy, sign]) => s + sign * Math.exp(-((a - cx) ** 2 + (b - cy) ** 2) / 2),
        0,
      );
      return [a, b, value];
    },
    false,
  );
}
