// The data sets against TensorFlow Playground's definitions (src/dataset.ts of tensorflow/playground):
// issue 17 #10 (noise moved points at twice TF's strength, circle was two rings, blobs ran off the plot).
import { describe, expect, it } from 'vitest';
import { DATASET_NOTES, generateDataset, sampleCount, seededRandom } from './datasets.js';
import { DATASETS, type Dataset, decodeHash, encodeHash, outputCount } from './state.js';

const make = (dataset: Dataset, noise: number, seed = 1) =>
  generateDataset(dataset, sampleCount(dataset), noise, seededRandom(seed));
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const variance = (values: number[]) => {
  const m = mean(values);
  return mean(values.map((v) => (v - m) ** 2));
};
const radius = (p: { x: number; y: number }) => Math.hypot(p.x, p.y);
/** Within `tolerance` (chosen as about 4 standard errors of the statistic). */
const expectNear = (value: number, expected: number, tolerance: number) =>
  expect(Math.abs(value - expected)).toBeLessThan(tolerance);

describe('playground data sets (TF Playground definitions)', () => {
  it('uses TF Playground sample counts: 500 to classify, 1200 to regress', () => {
    expect(make('circle', 0)).toHaveLength(500);
    expect(make('plane', 0)).toHaveLength(1200);
  });

  it('circle: one disc of radius 2.5 (+1) and a ring 3.5–5 (−1), radius uniform', () => {
    const points = make('circle', 0);
    const inner = points.filter((p) => p.label === 1).map(radius);
    const outer = points.filter((p) => p.label === -1).map(radius);
    expect([inner.length, outer.length]).toEqual([250, 250]);
    expect(Math.max(...inner)).toBeLessThan(2.5);
    expect(Math.min(...outer)).toBeGreaterThanOrEqual(3.5);
    expect(Math.max(...outer)).toBeLessThanOrEqual(5);
    // Radius uniform (TF's definition), so mean radii 1.25 and 4.25 (standard errors ~0.05; an
    // area-uniform disc would average 1.67).
    expectNear(mean(inner), 1.25, 0.2);
    expectNear(mean(outer), 4.25, 0.12);
  });

  it('circle and XOR: noise flips labels near the boundary but never moves a point (was: moved at 2× TF)', () => {
    const circle = make('circle', 0.5);
    expect(Math.max(...circle.map(radius))).toBeLessThanOrEqual(5);
    const flipped = circle.filter((p) => p.label !== (radius(p) < 2.5 ? 1 : -1)).length / circle.length;
    expect(flipped).toBeGreaterThan(0.05);
    expect(flipped).toBeLessThan(0.45);
    const xor = make('xor', 0.5);
    for (const p of xor) {
      expect(Math.abs(p.x)).toBeGreaterThanOrEqual(0.3);
      expect(Math.abs(p.x)).toBeLessThanOrEqual(5.3);
      expect(Math.abs(p.y)).toBeLessThanOrEqual(5.3);
    }
    expect(xor.some((p) => p.label !== (p.x * p.y >= 0 ? 1 : -1))).toBe(true);
  });

  it('XOR without noise: uniform in ±5 pushed 0.3 off the axes, labelled by the sign of x·y', () => {
    const points = make('xor', 0);
    for (const p of points) expect(p.label).toBe(p.x * p.y >= 0 ? 1 : -1);
    expect(Math.min(...points.map((p) => Math.abs(p.y)))).toBeGreaterThanOrEqual(0.3);
    expectNear(mean(points.map((p) => Math.abs(p.x))), 2.8, 0.26);
  });

  it('Gaussian: centres ±(2, 2), variance 0.5 at noise 0 growing to 4 at noise 0.5', () => {
    for (const [noise, expected] of [
      [0, 0.5],
      [0.5, 4],
    ] as const) {
      const points = make('gaussian', noise);
      for (const label of [1, -1]) {
        const xs = points.filter((p) => p.label === label).map((p) => p.x);
        expectNear(mean(xs), 2 * label, 4 * Math.sqrt(expected / 250));
        expectNear(variance(xs) / expected, 1, 0.36);
      }
    }
  });

  it('spiral: two arms out to radius 5 (point i at radius 5i/250); noise moves a point by at most ±noise', () => {
    const clean = make('spiral', 0);
    clean.slice(0, 250).forEach((p, i) => {
      expect(radius(p)).toBeCloseTo((i / 250) * 5, 9);
    });
    expect(clean.slice(250).every((p) => p.label === -1)).toBe(true);
    const noisy = make('spiral', 0.5);
    noisy.forEach((p, i) => {
      expect(Math.abs(p.x - clean[i]!.x)).toBeLessThanOrEqual(0.5);
      expect(Math.abs(p.y - clean[i]!.y)).toBeLessThanOrEqual(0.5);
    });
  });

  it('plane: target (x + y)/10 over the whole plot; multi-Gaussian: signed bumps of radius 2', () => {
    const plane = make('plane', 0);
    for (const p of plane) expect(p.label).toBeCloseTo((p.x + p.y) / 10, 12);
    expect(Math.max(...plane.map((p) => Math.abs(p.x)))).toBeGreaterThan(5.9);
    const bumps = make('multigaussian', 0);
    for (const p of bumps) expect(Math.abs(p.label)).toBeLessThanOrEqual(1);
    const near = bumps.filter((p) => Math.hypot(p.x + 4, p.y - 2.5) < 0.5);
    expect(near.length).toBeGreaterThan(0);
    for (const p of near) expect(p.label).toBeGreaterThan(0.74); // the +1 bump at (−4, 2.5)
    const far = bumps.filter((p) => Math.abs(p.y) > 4.6 || Math.abs(p.y) < 0.4);
    for (const p of far) expect(p.label).toBe(0);
  });

  it("moons and blobs (Myelin's) stay on the plot at full noise (blobs ran off it)", () => {
    for (const dataset of ['moons', 'blobs'] as const) {
      for (const p of make(dataset, 0.5)) {
        expect(Math.abs(p.x)).toBeLessThanOrEqual(6);
        expect(Math.abs(p.y)).toBeLessThanOrEqual(6);
      }
    }
  });

  it('the same seed gives the same points, another seed others; every data set has a note', () => {
    expect(make('circle', 0.2, 3)).toEqual(make('circle', 0.2, 3));
    expect(make('circle', 0.2, 3)).not.toEqual(make('circle', 0.2, 4));
    for (const d of DATASETS) expect(DATASET_NOTES[d].length).toBeGreaterThan(10);
  });
});

// Issue 17 beyond #6: multi-class data sets (TF Playground has none).
describe('playground multi-class data sets', () => {
  const makeK = (dataset: 'kblobs' | 'kspiral', classes: number, noise = 0, seed = 1) =>
    generateDataset(dataset, 500, noise, seededRandom(seed), classes);

  it('k blobs and k-arm spiral: labels 0…k−1, an equal share per class, k = 3, 4, 5', () => {
    for (const dataset of ['kblobs', 'kspiral'] as const) {
      for (const k of [3, 4, 5]) {
        const points = makeK(dataset, k);
        const counts = Array.from({ length: k }, (_, c) => points.filter((p) => p.label === c).length);
        expect(counts).toEqual(Array(k).fill(Math.floor(500 / k)));
      }
    }
  });

  it('k blobs: class c centred at radius 3.5, angle 2πc/k from the y axis; all on the plot at full noise', () => {
    const points = makeK('kblobs', 4);
    for (let c = 0; c < 4; c++) {
      const own = points.filter((p) => p.label === c);
      const angle = (2 * Math.PI * c) / 4;
      // σ = 0.8 over 125 points: standard error ~0.07.
      expectNear(mean(own.map((p) => p.x)), 3.5 * Math.sin(angle), 0.3);
      expectNear(mean(own.map((p) => p.y)), 3.5 * Math.cos(angle), 0.3);
    }
    for (const p of makeK('kblobs', 5, 0.5)) {
      expect(Math.abs(p.x)).toBeLessThanOrEqual(6);
      expect(Math.abs(p.y)).toBeLessThanOrEqual(6);
    }
  });

  it("k-arm spiral: with two arms it is TF Playground's spiral point for point; arms 2π/k apart", () => {
    const two = generateDataset('kspiral', 500, 0.3, seededRandom(2), 2);
    const tf = generateDataset('spiral', 500, 0.3, seededRandom(2));
    expect(two.map((p) => [p.x, p.y])).toEqual(tf.map((p) => [p.x, p.y]));
    expect(two.map((p) => (p.label === 0 ? 1 : -1))).toEqual(tf.map((p) => p.label));
    const three = makeK('kspiral', 3);
    // Point i of each arm at radius 5i/166, the arms' angles a third of a turn apart.
    const [a, b] = [three[100]!, three[166 + 100]!];
    expectNear(radius(a), radius(b), 1e-9);
    const turn = Math.atan2(a.x, a.y) - Math.atan2(b.x, b.y);
    expectNear(Math.abs(Math.cos(turn) - Math.cos((2 * Math.PI) / 3)), 0, 1e-9);
  });

  it('the class count is seeded and reproducible', () => {
    expect(makeK('kspiral', 4, 0.2, 3)).toEqual(makeK('kspiral', 4, 0.2, 3));
    expect(makeK('kblobs', 4, 0.2, 3)).not.toEqual(makeK('kblobs', 4, 0.2, 4));
  });
});

describe('playground state: the class count in the URL hash', () => {
  it('round-trips classes, clamps it to 3–5 and defaults to 3', () => {
    const state = { ...decodeHash(''), dataset: 'kspiral' as const, classes: 5 };
    expect(decodeHash(`#${encodeHash(state)}`)).toEqual(state);
    expect(decodeHash('#dataset=kblobs&classes=9').classes).toBe(5);
    expect(decodeHash('#dataset=kblobs&classes=1').classes).toBe(3);
    expect(decodeHash('#dataset=kblobs').classes).toBe(3);
  });

  it('a multi-class set has one output node per class; the others keep one', () => {
    expect(outputCount({ dataset: 'kblobs', classes: 4 })).toBe(4);
    expect(outputCount({ dataset: 'xor', classes: 4 })).toBe(1);
    expect(outputCount({ dataset: 'plane', classes: 5 })).toBe(1);
  });
});
