// k-NN on PCA-compressed digits: how many principal components does a nearest-neighbour
// classifier need? Projects the 64 pixels onto 2, 5, 10, 20 and all 64 components, then classifies
// the test set by its k nearest training digits. No training loop: the linear algebra alone. Then
// checks the claims (✓/✗; a failed one makes the program exit non-zero): 20 components keep ≥ 85% of
// the variance, k-NN (002_267a31ebb5518d37.txt §1.3 "Classification in a Machine Learning Context")
// reaches ≥ 95% on them as on all 64 pixels, and 2 components are too few.
//   node examples/dist/knn-pca-digits.js [--k 3] [--seed 0]
import { loadDigits, PCA, trainTestSplit } from '@myelin/data';
import { KNNClassifier } from '@myelin/nn';
import { tidy } from '@myelin/tensor';
import { isMain, parseArgs } from './args.js';
import { Claims, exitIfFailed } from './claims.js';

export const defaults = { k: 3, seed: 0, verbose: 1 };

/** One row of the result: components kept, fraction of variance they explain, test accuracy. */
export interface ComponentsResult {
  components: number;
  varianceKept: number;
  accuracy: number;
}

/**
 * Runs k-NN on digits projected onto several numbers of principal components and checks the claims.
 *
 * @example const { results, claims } = runKnnPca({ verbose: 0 }); results[3]!.varianceKept; // ≈ 0.89 (20 components)
 */
export function runKnnPca(overrides: Partial<typeof defaults> = {}): {
  results: ComponentsResult[];
  claims: Claims;
} {
  const options = { ...defaults, ...overrides };
  const { data, target } = loadDigits();
  const split = trainTestSplit(data, target, { testSize: 0.25, stratify: true, seed: options.seed });
  const results = [2, 5, 10, 20, 64].map((components) =>
    tidy(() => {
      const pca = new PCA({ nComponents: components }).fit(split.xTrain);
      const knn = new KNNClassifier({ k: options.k }).fit(pca.transform(split.xTrain), split.yTrain);
      const predicted = knn.predict(pca.transform(split.xTest));
      const varianceKept = pca.explainedVarianceRatio!.sum().item();
      pca.dispose();
      return { components, varianceKept, accuracy: predicted.float().eq(split.yTest.float()).mean().item() };
    }),
  );
  if (options.verbose > 0) {
    console.log(`k-NN (k = ${options.k}) on ${split.xTest.shape[0]} test digits after PCA:`);
    console.log('components  variance kept  test accuracy');
    for (const r of results)
      console.log(
        `${String(r.components).padStart(10)}  ${(r.varianceKept * 100).toFixed(1).padStart(12)}%  ${(r.accuracy * 100).toFixed(2).padStart(12)}%`,
      );
  }
  const claims = new Claims(options.verbose > 0 ? console.log : () => {});
  const [two, , , twenty, all] = results as [ComponentsResult, ...ComponentsResult[]];
  const percent = (r: ComponentsResult, key: 'varianceKept' | 'accuracy') => `${(r[key] * 100).toFixed(1)}%`;
  claims.check(
    `20 components keep ≥ 85% of the variance (${percent(twenty!, 'varianceKept')})`,
    twenty!.varianceKept >= 0.85,
  );
  claims.check(
    `k-NN on 20 components: ≥ 95% test accuracy (${percent(twenty!, 'accuracy')})`,
    twenty!.accuracy >= 0.95,
  );
  claims.check(
    `k-NN on all 64 pixels: ≥ 95% test accuracy (${percent(all!, 'accuracy')})`,
    all!.accuracy >= 0.95,
  );
  claims.check(
    `2 components are too few: ${percent(two, 'accuracy')}, more than 10 points below 20 components`,
    two.accuracy < twenty!.accuracy - 0.1,
  );
  return { results, claims };
}

if (isMain(import.meta.url)) exitIfFailed(runKnnPca(parseArgs(defaults)).claims);
