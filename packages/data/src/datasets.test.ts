import { manualSeed } from '@myelin/tensor';
import { describe, expect, expectTypeOf, it } from 'vitest';
import * as bundled from './generated/bundled.js';
import {
  and,
  circles,
  gaussian,
  gaussianBlobs,
  linearlySeparable,
  loadDigits,
  loadIris,
  moons,
  or,
  plane,
  spiral,
  xor,
} from './index.js';

const counts = (labels: ArrayLike<number>) => {
  const c = new Map<number, number>();
  for (const l of Array.from(labels)) c.set(l, (c.get(l) ?? 0) + 1);
  return [...c.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v);
};

describe('bundled data sets', () => {
  // Issue 16 item 9: the embedded data used to be typed as literals, so dist/generated/bundled.d.ts
  // repeated all of it (360 KB); `pnpm typecheck` checks these types.
  it('are declared as strings, not literal types', () => {
    expectTypeOf(bundled.digitsBase64).toEqualTypeOf<string>();
    expectTypeOf(bundled.irisCsv).toEqualTypeOf<string>();
    expectTypeOf(bundled.genesisText).toEqualTypeOf<string>();
    expectTypeOf(bundled.digitsDescription).toEqualTypeOf<string>();
    expect(bundled.digitsBase64.length).toBeGreaterThan(1000);
  });

  it('digits: 1,797 8×8 images in 0..16, classes as scikit-learn ships them', () => {
    const { data, images, target, description, targetNames } = loadDigits();
    expect(data.shape).toEqual([1797, 64]);
    expect(images.shape).toEqual([1797, 1, 8, 8]);
    expect(target.dtype).toBe('int32');
    expect(counts(target.data())).toEqual([178, 182, 177, 183, 181, 182, 181, 179, 174, 180]);
    expect(Array.from(data.data()).every((v) => Number.isInteger(v) && v >= 0 && v <= 16)).toBe(true);
    expect(Array.from(data.data().subarray(0, 8))).toEqual([0, 0, 5, 13, 9, 1, 0, 0]); // the first row of the file
    expect(target.data()[0]).toBe(0);
    expect(description).toContain('Optical recognition of handwritten digits');
    expect(targetNames.length).toBe(10);
  });

  it('iris: 150 × 4 measurements, 50 of each species', () => {
    const { data, target, targetNames, featureNames } = loadIris();
    expect(data.shape).toEqual([150, 4]);
    expect(counts(target.data())).toEqual([50, 50, 50]);
    expect(targetNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(featureNames[0]).toBe('sepal length (cm)');
    expect((data.toArray() as number[][])[0]!.map((v) => +v.toFixed(1))).toEqual([5.1, 3.5, 1.4, 0.2]);
    const means = data.mean(0).toArray() as number[];
    expect(means.map((v) => +v.toFixed(2))).toEqual([5.84, 3.06, 3.76, 1.2]);
  });
});

describe('synthetic data sets', () => {
  const classification = { circles, moons, xor, spiral, gaussianBlobs, linearlySeparable };
  for (const [name, make] of Object.entries(classification)) {
    it(`${name}: shapes, balanced int32 labels, deterministic under a seed`, () => {
      const a = make(200, { noise: 0.1, seed: 4 });
      const b = make(200, { noise: 0.1, seed: 4 });
      expect(a.x.shape).toEqual([200, 2]);
      expect(a.y.dtype).toBe('int32');
      expect(Array.from(a.x.data())).toEqual(Array.from(b.x.data()));
      expect(Array.from(a.y.data())).toEqual(Array.from(b.y.data()));
      expect(Array.from(make(200, { noise: 0.1, seed: 5 }).x.data())).not.toEqual(Array.from(a.x.data()));
      const c = counts(a.y.data());
      expect(c.length).toBeGreaterThanOrEqual(2);
      // Classes alternate by construction, except where labels come from random positions.
      if (name !== 'linearlySeparable' && name !== 'xor')
        expect(Math.max(...c) - Math.min(...c)).toBeLessThanOrEqual(1);
    });
  }

  it('manualSeed makes unseeded calls reproducible', () => {
    manualSeed(9);
    const a = moons(50).x.data();
    manualSeed(9);
    expect(moons(50).x.data()).toEqual(a);
  });

  it('geometry: circles radii, xor quadrants, separable labels', () => {
    const c = circles(100, { factor: 0.3 });
    const xs = c.x.toArray() as number[][];
    (c.y.toArray() as number[]).forEach((label, i) => {
      expect(Math.hypot(xs[i]![0]!, xs[i]![1]!)).toBeCloseTo(label ? 0.3 : 1, 5);
    });
    const q = xor(100);
    const qx = q.x.toArray() as number[][];
    (q.y.toArray() as number[]).forEach((label, i) => {
      expect(label).toBe(qx[i]![0]! * qx[i]![1]! > 0 ? 1 : 0);
    });
  });

  it('AND and OR are the truth tables', () => {
    expect(and().x.toArray()).toEqual([
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ]);
    expect(Array.from(and().y.data())).toEqual([0, 0, 0, 1]);
    expect(Array.from(or().y.data())).toEqual([0, 1, 1, 1]);
    expect(and(8).x.shape).toEqual([8, 2]);
  });

  it('regression sets: plane is (x1 + x2)/10 without noise; gaussian is a sum of bumps', () => {
    const p = plane(50, { seed: 1 });
    const px = p.x.toArray() as number[][];
    (p.y.toArray() as number[]).forEach((v, i) => {
      expect(v).toBeCloseTo((px[i]![0]! + px[i]![1]!) / 10, 5);
    });
    expect(p.y.dtype).toBe('float32');
    const g = gaussian(300, { seed: 1 });
    expect(Math.max(...(g.y.toArray() as number[]))).toBeLessThanOrEqual(1.1);
    expect(Math.min(...(g.y.toArray() as number[]))).toBeGreaterThanOrEqual(-1.1);
    expect(() => plane(0)).toThrow(/plane: the number of samples must be an integer >= 1/);
    expect(() => circles(10, { noise: -1 })).toThrow(/noise must be >= 0/);
  });
});
