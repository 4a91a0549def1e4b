import { eye, manualSeed, memory, randn, type Tensor, tensor } from '@myelin/tensor';
import { describe, expect, it } from 'vitest';
import { loadIris, PCA } from './index.js';

const rows = (t: Tensor) => t.toArray() as number[][];
const maxAbsDiff = (a: Tensor, b: Tensor) => a.sub(b).abs().max().item();

describe('PCA', () => {
  it('iris: explained variance ratio as scikit-learn reports it', () => {
    // scikit-learn's "PCA of IRIS dataset" example prints [0.92461872 0.05306648] for two components;
    // all four: [0.92461872, 0.05306648, 0.01710261, 0.00521218]; variances [4.2282, 0.2427, 0.0782, 0.0238].
    const { data } = loadIris();
    const pca = new PCA().fit(data);
    const ratio = Array.from(pca.explainedVarianceRatio!.data());
    [0.92461872, 0.05306648, 0.01710261, 0.00521218].forEach((want, i) => {
      expect(Math.abs(ratio[i]! - want)).toBeLessThan(1e-5);
    });
    const variance = Array.from(pca.explainedVariance!.data());
    [4.22824171, 0.24267075, 0.0782095, 0.02383509].forEach((want, i) => {
      expect(Math.abs(variance[i]! - want)).toBeLessThan(1e-4 * want + 1e-6);
    });
    // The first axis of iris (petal length dominates), with the sign convention applied.
    const first = rows(pca.components!)[0]!;
    [0.36138659, -0.08452251, 0.85667061, 0.3582892].forEach((want, j) => {
      expect(Math.abs(first[j]! - want)).toBeLessThan(1e-4);
    });
  });

  it('projections are uncorrelated with the explained variances; all components reconstruct the data', () => {
    manualSeed(3);
    const x = randn([200, 5])
      .matmul(randn([5, 5]))
      .add(tensor([1, -2, 3, 0, 5]));
    const pca = new PCA();
    const z = pca.fitTransform(x);
    expect(z.shape).toEqual([200, 5]);
    const c = pca.components!;
    expect(maxAbsDiff(c.matmul(c.transpose()), eye(5))).toBeLessThan(1e-5);
    const covariance = z.transpose().matmul(z).div(199);
    const variance = pca.explainedVariance!;
    expect(maxAbsDiff(covariance, eye(5).mul(variance))).toBeLessThan(1e-3 * variance.max().item());
    expect(maxAbsDiff(pca.inverseTransform(z), x)).toBeLessThan(1e-4 * x.abs().max().item());
    // Variances are descending.
    const v = Array.from(variance.data());
    for (let i = 1; i < v.length; i++) expect(v[i]!).toBeLessThanOrEqual(v[i - 1]!);
  });

  it('nComponents as a count or a variance fraction; whitening gives unit variance', () => {
    const { data } = loadIris();
    expect(new PCA({ nComponents: 2 }).fitTransform(data).shape).toEqual([150, 2]);
    expect(new PCA({ nComponents: 0.95 }).fit(data).components!.shape).toEqual([2, 4]); // 0.9246 < 0.95 ≤ 0.9777
    expect(new PCA({ nComponents: 0.9 }).fit(data).components!.shape).toEqual([1, 4]);
    const white = new PCA({ nComponents: 3, whiten: true });
    const z = white.fitTransform(data);
    const std = Array.from(z.std(0).data());
    for (const s of std) expect(Math.abs(s - 1)).toBeLessThan(1e-4);
    const plain = new PCA({ nComponents: 3 });
    const unwhitened = plain.inverseTransform(plain.fitTransform(data));
    expect(maxAbsDiff(white.inverseTransform(z), unwhitened)).toBeLessThan(1e-4);
  });

  it('bad input gets clear errors; refitting and dispose do not leak', () => {
    expect(() => new PCA({ nComponents: 1.5 })).toThrow(
      /nComponents must be a positive integer or a fraction/,
    );
    expect(() => new PCA().transform(tensor([[1, 2]]))).toThrow('PCA: call fit() before transform()');
    expect(() => new PCA().fit(tensor([1, 2, 3]))).toThrow(
      'PCA: expected a [samples, features] matrix, got shape [3]',
    );
    expect(() => new PCA({ nComponents: 5 }).fit(loadIris().data)).toThrow(
      'PCA: nComponents 5 exceeds min(samples, features) = 4',
    );
    const pca = new PCA({ nComponents: 2 }).fit(loadIris().data);
    expect(() => pca.transform(tensor([[1, 2, 3]]))).toThrow('PCA: fitted on 4 features, got shape [1,3]');
    const x = loadIris().data;
    pca.fit(x);
    const before = memory().tensors;
    for (let i = 0; i < 10; i++) pca.fit(x);
    expect(memory().tensors).toBe(before);
    pca.dispose();
    expect(memory().tensors).toBe(before - 5);
  });
});
