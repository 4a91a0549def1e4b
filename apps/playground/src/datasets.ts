// The data sets, defined as TensorFlow Playground defines them (its src/dataset.ts), so that what a
// student sees here matches what a lesson written for TF Playground describes. Moons, blobs and the
// multi-class sets (k blobs, k-arm spiral) are Myelin's own; DATASET_NOTES says so on the page.
import type { Point } from './protocol.js';
import { type Dataset, isRegression } from './state.js';

/** TF Playground's sample counts: 500 points to classify, 1200 to regress. */
export const sampleCount = (dataset: Dataset) => (isRegression(dataset) ? 1200 : 500);

/** A uniform generator in [0, 1) seeded by a 32-bit integer (mulberry32): the same seed, the same points. */
export function seededRandom(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const uniform = (random: () => number, lo: number, hi: number) => lo + random() * (hi - lo);

/** A normal sample (Marsaglia's polar method). */
function normal(random: () => number, mean: number, variance: number): number {
  let [u, v, s] = [0, 0, 0];
  do {
    u = 2 * random() - 1;
    v = 2 * random() - 1;
    s = u * u + v * v;
  } while (s >= 1 || s === 0);
  return mean + Math.sqrt(variance) * u * Math.sqrt((-2 * Math.log(s)) / s);
}

/** A radius and an angle uniform in their ranges, as a point (TF measures the angle from the y axis). */
function polar(random: () => number, rLo: number, rHi: number): [number, number] {
  const r = uniform(random, rLo, rHi);
  const angle = uniform(random, 0, 2 * Math.PI);
  return [r * Math.sin(angle), r * Math.cos(angle)];
}

/**
 * Labels a point by a rule applied to the point moved by uniform noise in ±`reach`·noise (TF's way for
 * circle, XOR and the regressions: the point stays where it is; near the boundary its label flips).
 */
function noisyLabel(
  random: () => number,
  x: number,
  y: number,
  reach: number,
  noise: number,
  rule: (x: number, y: number) => number,
): number {
  const dx = uniform(random, -reach, reach) * noise;
  const dy = uniform(random, -reach, reach) * noise;
  return rule(x + dx, y + dy);
}

/** A point drawn again until it lies on the plot (inside ±5.8, clear of the edge). */
function onPlot(draw: () => [number, number]): [number, number] {
  let point = draw();
  while (Math.abs(point[0]) > 5.8 || Math.abs(point[1]) > 5.8) point = draw();
  return point;
}

const circleRule = (x: number, y: number) => (Math.hypot(x, y) < 2.5 ? 1 : -1);
const xorRule = (x: number, y: number) => (x * y >= 0 ? 1 : -1);
const planeRule = (x: number, y: number) => (x + y) / 10;
const GAUSSIANS = [
  [-4, 2.5, 1],
  [0, 2.5, -1],
  [4, 2.5, 1],
  [-4, -2.5, -1],
  [0, -2.5, 1],
  [4, -2.5, -1],
] as const;
/** The signed bump (1 at a centre, 0 from distance 2 on) of whichever Gaussian is strongest at (x, y). */
function multiGaussianRule(x: number, y: number): number {
  let label = 0;
  for (const [cx, cy, sign] of GAUSSIANS) {
    const value = sign * Math.max(0, Math.min(1, 1 - Math.hypot(x - cx, y - cy) / 2));
    if (Math.abs(value) > Math.abs(label)) label = value;
  }
  return label;
}

/** The two arms of TF Playground's spiral, generalised to `arms` arms 2π/arms apart (arm c labelled `label(c)`). */
function spiralArms(
  random: () => number,
  perArm: number,
  arms: number,
  noise: number,
  label: (arm: number) => number,
): Point[] {
  const points: Point[] = [];
  for (let c = 0; c < arms; c++) {
    const offset = (2 * Math.PI * c) / arms;
    for (let i = 0; i < perArm; i++) {
      // Out to radius 5 in 1.75 turns; noise moves each point by up to ±noise (TF's definition).
      const r = (i / perArm) * 5;
      const t = ((1.75 * i) / perArm) * 2 * Math.PI + offset;
      const x = r * Math.sin(t) + uniform(random, -1, 1) * noise;
      const y = r * Math.cos(t) + uniform(random, -1, 1) * noise;
      points.push({ x, y, label: label(c) });
    }
  }
  return points;
}

/**
 * `n` points of a data set in [−6, 6]², labelled ±1 (binary classification), with a class 0…k−1
 * (the multi-class sets `kblobs` and `kspiral`, k = `classes`, 3–5) or with a target (regression).
 * `noise` is TF Playground's: the slider's 0–50 divided by 100. Circle, XOR, Gaussian, spiral, plane
 * and multi-Gaussian follow TF Playground's definitions; moons, blobs and the multi-class sets are
 * Myelin's additions (TF Playground has no multi-class set).
 * @example
 * const points = generateDataset('xor', 500, 0.1, seededRandom(0));
 * const fourBlobs = generateDataset('kblobs', 500, 0, seededRandom(0), 4); // labels 0, 1, 2, 3
 */
export function generateDataset(
  dataset: Dataset,
  n: number,
  noise: number,
  random: () => number,
  classes = 3,
): Point[] {
  const points: Point[] = [];
  const half = n / 2;
  const add = (x: number, y: number, label: number) => points.push({ x, y, label });
  switch (dataset) {
    case 'circle':
      // Half inside radius 2.5, half in the ring 3.5–5 (radius uniform, not area-uniform).
      for (const [lo, hi] of [
        [0, 2.5],
        [3.5, 5],
      ] as const) {
        for (let i = 0; i < half; i++) {
          const [x, y] = polar(random, lo, hi);
          add(x, y, noisyLabel(random, x, y, 5, noise, circleRule));
        }
      }
      break;
    case 'xor':
      for (let i = 0; i < n; i++) {
        // Uniform in ±5, pushed 0.3 away from the axes.
        const [x, y] = [uniform(random, -5, 5), uniform(random, -5, 5)].map((v) => v + (v > 0 ? 0.3 : -0.3));
        add(x!, y!, noisyLabel(random, x!, y!, 5, noise, xorRule));
      }
      break;
    case 'gaussian': {
      // Two Gaussians at ±(2, 2) whose variance grows from 0.5 (noise 0) to 4 (noise 0.5).
      const variance = 0.5 + 7 * noise;
      for (const [c, label] of [
        [2, 1],
        [-2, -1],
      ] as const) {
        for (let i = 0; i < half; i++) add(normal(random, c, variance), normal(random, c, variance), label);
      }
      break;
    }
    case 'spiral':
      // Two arms of 1.75 turns out to radius 5 (+1, then −1 half a turn on); noise moves each point.
      points.push(...spiralArms(random, half, 2, noise, (arm) => (arm === 0 ? 1 : -1)));
      break;
    case 'kspiral':
      // TF's spiral with k arms 2π/k apart, one class each (k = 2 would be TF's spiral itself).
      points.push(...spiralArms(random, Math.floor(n / classes), classes, noise, (arm) => arm));
      break;
    case 'kblobs': {
      // k Gaussians (σ 0.8 to 1.8 with noise) evenly on a circle of radius 3.5, one class each.
      const variance = (0.8 + 2 * noise) ** 2;
      for (let c = 0; c < classes; c++) {
        const angle = (2 * Math.PI * c) / classes;
        const [cx, cy] = [3.5 * Math.sin(angle), 3.5 * Math.cos(angle)];
        for (let i = 0; i < Math.floor(n / classes); i++) {
          const [x, y] = onPlot(() => [normal(random, cx, variance), normal(random, cy, variance)]);
          add(x, y, c);
        }
      }
      break;
    }
    case 'plane':
    case 'multigaussian': {
      const rule = dataset === 'plane' ? planeRule : multiGaussianRule;
      for (let i = 0; i < n; i++) {
        const [x, y] = [uniform(random, -6, 6), uniform(random, -6, 6)];
        add(x, y, noisyLabel(random, x, y, 6, noise, rule));
      }
      break;
    }
    case 'moons':
      // Two interleaved half circles of radius 3.5 centred on the plot; noise moves points (σ = 3·noise).
      for (const label of [1, -1]) {
        for (let i = 0; i < half; i++) {
          const [x, y] = onPlot(() => {
            const t = uniform(random, 0, Math.PI);
            const [u, v] = label === 1 ? [Math.cos(t), Math.sin(t)] : [1 - Math.cos(t), 0.5 - Math.sin(t)];
            const sigma = 3 * noise;
            return [
              (u - 0.5) * 3.5 + normal(random, 0, sigma ** 2),
              (v - 0.25) * 3.5 + normal(random, 0, sigma ** 2),
            ];
          });
          add(x, y, label);
        }
      }
      break;
    case 'blobs': {
      // Two overlapping Gaussians off the diagonal; noise widens them (σ 1.2 to 2.2).
      const variance = (1.2 + 2 * noise) ** 2;
      for (const [cx, cy, label] of [
        [2, -1.5, 1],
        [-1.5, 2, -1],
      ] as const) {
        for (let i = 0; i < half; i++) {
          const [x, y] = onPlot(() => [normal(random, cx, variance), normal(random, cy, variance)]);
          add(x, y, label);
        }
      }
      break;
    }
  }
  return points;
}

/** What the page says under the data set: where it departs from TF Playground, or that it does not. */
export const DATASET_NOTES: Record<Dataset, string> = {
  circle: 'As in TensorFlow Playground: noise flips labels near the boundary; points stay put.',
  xor: 'As in TensorFlow Playground: noise flips labels near the axes; points stay put.',
  gaussian: 'As in TensorFlow Playground: noise widens both Gaussians (variance 0.5 to 4).',
  spiral: 'As in TensorFlow Playground: noise moves each point by up to ±0.5.',
  moons:
    'Not in TensorFlow Playground (Myelin adds it): noise moves points (Gaussian, σ up to 1.5); all points stay on the plot.',
  blobs:
    'Not in TensorFlow Playground (Myelin adds it): two overlapping Gaussians; noise widens them; all points stay on the plot.',
  kblobs:
    'Not in TensorFlow Playground (it has no multi-class set): one Gaussian per class around a circle; noise widens them (σ 0.8 to 1.8). Softmax output, cross-entropy loss.',
  kspiral:
    "Not in TensorFlow Playground (it has no multi-class set): its spiral with one arm per class (two arms would be TF's). Softmax output, cross-entropy loss.",
  plane: 'As in TensorFlow Playground: target (X₁ + X₂)/10; noise perturbs the targets.',
  multigaussian: 'As in TensorFlow Playground: six signed bumps; noise perturbs the targets.',
};
