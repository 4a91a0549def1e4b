// k-NN on PCA-compressed digits: how many principal components does a nearest-neighbour
// classifier need? Projects the 64 pixels onto 2, 5, 10, 20 and all 64 components, then classifies
// the test set by its k nearest training digits. No training loop: the linear algebra alone.
//   node examples/dist/knn-pca-digits.js [--k 3] [--seed 0]
import { loadDigits, PCA, trainTestSplit } from '@myelin/data';
import { KNNClassifier } from '@myelin/nn';
import { tidy } from '@myelin/tensor';
import { isMain, parseArgs } from './args.js';

export const defaults = { k: 3, seed: 0, verbose: 1 };

/** One row of the result: components kept, fraction of variance they explain, test accuracy. */
export interface ComponentsResult {
  components: number;
  varianceKept: number;
  accuracy: number;
}

/** Runs k-NN on digits projected onto several numbers of principal components. */
export function runKnnPca(overrides: Partial<typeof defaults> = {}): ComponentsResult[] {
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
  return results;
}

if (isMain(import.meta.url)) runKnnPca(parseArgs(defaults));
