import { arange, tensor } from '@myelin/tensor';
import { describe, expect, it } from 'vitest';
import {
  kFold,
  loadIris,
  randomSplit,
  TensorDataset,
  trainTestSplit,
  trainValidationTestSplit,
} from './index.js';

const counts = (labels: ArrayLike<number>) => {
  const c = new Map<number, number>();
  for (const l of Array.from(labels)) c.set(l, (c.get(l) ?? 0) + 1);
  return [...c.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v);
};

describe('splits', () => {
  it('randomSplit by fractions or sizes: disjoint, complete, deterministic under a seed', () => {
    const ds = new TensorDataset(arange(10));
    const [a, b] = randomSplit(ds, [0.7, 0.3], { seed: 3 });
    expect([a!.length, b!.length]).toEqual([7, 3]);
    expect([...a!.indices, ...b!.indices].sort((p, q) => p - q)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const [c] = randomSplit(ds, [7, 3], { seed: 3 });
    expect(Array.from(c!.indices)).toEqual(Array.from(a!.indices));
    expect(randomSplit(ds, [0.34, 0.33, 0.33]).map((s) => s.length)).toEqual([4, 3, 3]);
    expect(() => randomSplit(ds, [5, 6])).toThrow(/must be fractions summing to 1 or sizes summing to 10/);
  });

  it('trainTestSplit stratified keeps the class proportions of Iris exactly', () => {
    const { data, target } = loadIris();
    const { xTrain, xTest, yTrain, yTest } = trainTestSplit(data, target, {
      testSize: 0.2,
      stratify: true,
      seed: 0,
    });
    expect(xTrain.shape).toEqual([120, 4]);
    expect(xTest.shape).toEqual([30, 4]);
    expect(counts(yTest.data())).toEqual([10, 10, 10]);
    expect(counts(yTrain.data())).toEqual([40, 40, 40]);
  });

  it('trainTestSplit without stratification: sizes, rows kept together, errors', () => {
    const x = arange(20).reshape(10, 2);
    const y = arange(10);
    const { xTrain, yTrain, xTest } = trainTestSplit(x, y, { testSize: 3, seed: 1 });
    expect(xTest.shape).toEqual([3, 2]);
    const rows = xTrain.toArray() as number[][];
    (yTrain.toArray() as number[]).forEach((label, i) => {
      expect(rows[i]).toEqual([2 * label, 2 * label + 1]);
    });
    expect(() => trainTestSplit(x, arange(9))).toThrow(/x has 10 rows but y has 9/);
    expect(() => trainTestSplit(x, y, { testSize: 1.5 })).toThrow(/leaves no samples/);
  });

  it('trainValidationTestSplit gives three disjoint stratified parts', () => {
    const { data, target } = loadIris();
    const s = trainValidationTestSplit(data, target, {
      validationSize: 0.2,
      testSize: 0.2,
      stratify: true,
      seed: 0,
    });
    expect([s.xTrain.shape[0], s.xValidation.shape[0], s.xTest.shape[0]]).toEqual([90, 30, 30]);
    for (const part of [s.yValidation, s.yTest]) expect(counts(part.data())).toEqual([10, 10, 10]);
    const key = (t: typeof s.xTrain) => (t.toArray() as number[][]).map((r) => r.join(','));
    const all = [...key(s.xTrain), ...key(s.xValidation), ...key(s.xTest)];
    expect(all.length).toBe(150);
  });
});

describe('kFold', () => {
  it('validates every index exactly once; train is the complement', () => {
    for (const [n, k] of [
      [10, 3],
      [150, 5],
      [7, 7],
    ] as const) {
      const folds = kFold(n, k, { shuffle: true, seed: 2 });
      expect(folds.length).toBe(k);
      const validated = folds.flatMap((f) => Array.from(f.validation)).sort((a, b) => a - b);
      expect(validated).toEqual(Array.from({ length: n }, (_, i) => i));
      for (const f of folds) {
        expect(f.train.length + f.validation.length).toBe(n);
        expect(new Set([...f.train, ...f.validation]).size).toBe(n);
        expect(Math.abs(f.validation.length - n / k)).toBeLessThan(1);
      }
    }
    expect(() => kFold(5, 1)).toThrow(/k must be an integer in 2..5/);
  });

  it('stratified folds keep the class proportions', () => {
    const labels = Int32Array.from({ length: 150 }, (_, i) => Math.floor(i / 50));
    for (const f of kFold(150, 5, { stratified: labels, shuffle: true, seed: 0 })) {
      expect(counts(Array.from(f.validation, (p) => labels[p]!))).toEqual([10, 10, 10]);
    }
    expect(() => kFold(10, 2, { stratified: tensor([1]).data() })).toThrow(/1 labels for 10 samples/);
  });
});
