// k-fold cross-validation on Iris: train a fresh MLP on each of 5 stratified folds, report mean ± std.
//   node examples/dist/kfold-iris.js [--folds 5] [--epochs 60] [--seed 0]
import { kFold, loadIris, StandardScaler } from '@myelin/data';
import { crossEntropy, evaluate, fit, Linear, ReLU, Sequential } from '@myelin/nn';
import { Adam } from '@myelin/optim';
import { manualSeed, type Tensor, tensor } from '@myelin/tensor';
import { isMain, parseArgs } from './args.js';

export const defaults = { folds: 5, epochs: 60, seed: 0, verbose: 1 };

const rows = (t: Tensor, indices: Int32Array) => t.indexSelect(0, tensor(indices));

/** Returns each fold's validation accuracy with their mean and standard deviation. */
export async function runKFold(
  overrides: Partial<typeof defaults> = {},
): Promise<{ accuracies: number[]; mean: number; std: number }> {
  const options = { ...defaults, ...overrides };
  manualSeed(options.seed);
  const { data, target } = loadIris();
  const accuracies: number[] = [];
  for (const [i, fold] of kFold(150, options.folds, {
    shuffle: true,
    stratified: target.data(),
    seed: options.seed,
  }).entries()) {
    const scaler = new StandardScaler().fit(rows(data, fold.train));
    const model = new Sequential(new Linear(4, 16), new ReLU(), new Linear(16, 3));
    await fit(model, [scaler.transform(rows(data, fold.train)), rows(target, fold.train)], {
      optimizer: new Adam(model.parameters(), { lr: 0.01 }),
      loss: crossEntropy,
      epochs: options.epochs,
      batchSize: 16,
      seed: options.seed + i,
      verbose: 0,
    });
    const { accuracy } = evaluate(
      model,
      [scaler.transform(rows(data, fold.validation)), rows(target, fold.validation)],
      { metrics: ['accuracy'] },
    );
    accuracies.push(accuracy!);
    if (options.verbose > 0)
      console.log(`fold ${i + 1}/${options.folds}: validation accuracy ${(accuracy! * 100).toFixed(1)}%`);
  }
  const mean = accuracies.reduce((a, b) => a + b, 0) / accuracies.length;
  const std = Math.sqrt(accuracies.reduce((a, b) => a + (b - mean) ** 2, 0) / accuracies.length);
  if (options.verbose > 0)
    console.log(
      `${options.folds}-fold cross-validation accuracy: ${(mean * 100).toFixed(1)}% ± ${(std * 100).toFixed(1)}%`,
    );
  return { accuracies, mean, std };
}

if (isMain(import.meta.url)) await runKFold(parseArgs(defaults));
