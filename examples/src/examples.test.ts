// Every example still runs (a few epochs each), and the README's main job reaches its promised
// accuracy. These run in Node, Deno and Chromium like the package tests.
import { describe, expect, it } from 'vitest';
import { trainDigits } from './digits.js';
import { runIris } from './iris.js';
import { runKFold } from './kfold-iris.js';
import { runKnnPca } from './knn-pca-digits.js';
import { runRegression } from './regression.js';
import { runRegularization } from './regularization.js';
import { runXor } from './xor.js';

describe('examples', () => {
  it('the main job: the digits MLP reaches >= 97% test accuracy with its defaults', async () => {
    const { testAccuracy } = await trainDigits({ verbose: 0, out: '' });
    expect(testAccuracy).toBeGreaterThanOrEqual(0.97);
  });

  it('xor: the perceptron fails, the MLP solves it', async () => {
    const result = await runXor({ verbose: 0 });
    expect(result.perceptronConverged).toBe(false);
    expect(result.mlp).toBe(1);
  });

  it('iris, regression, k-fold and regularisation run (few epochs)', async () => {
    expect((await runIris({ verbose: 0, epochs: 20 })).accuracy).toBeGreaterThan(0.8);
    expect((await runRegression({ verbose: 0, epochs: 20 })).r2).toBeGreaterThan(0);
    const folds = await runKFold({ verbose: 0, epochs: 10, folds: 3 });
    expect(folds.accuracies.length).toBe(3);
    expect(folds.mean).toBeGreaterThan(0.6);
    const settings = await runRegularization({ verbose: 0, epochs: 3 });
    expect(Object.keys(settings)).toEqual(['none', 'L1 (3e-4)', 'L2 (3e-3)', 'dropout 0.5']);
  });

  it('k-NN on PCA-compressed digits: 20 components keep ~90% of the variance and almost all the accuracy', () => {
    const results = runKnnPca({ verbose: 0 });
    expect(results.map((r) => r.components)).toEqual([2, 5, 10, 20, 64]);
    const [two, , , twenty, all] = results;
    expect(all!.varianceKept).toBeCloseTo(1, 5);
    expect(twenty!.varianceKept).toBeGreaterThan(0.85);
    expect(twenty!.accuracy).toBeGreaterThan(0.95);
    expect(all!.accuracy).toBeGreaterThan(0.95);
    expect(two!.accuracy).toBeLessThan(twenty!.accuracy);
  });
});
