// Iris: a small MLP on Fisher's flowers, with a stratified split and standardised features.
//   node examples/dist/iris.js [--epochs 100] [--seed 0]
import { loadIris, StandardScaler, trainTestSplit } from '@myelin/data';
import { crossEntropy, evaluate, F1Score, fit, Linear, ReLU, Sequential } from '@myelin/nn';
import { Adam } from '@myelin/optim';
import { manualSeed } from '@myelin/tensor';
import { isMain, parseArgs } from './args.js';

export const defaults = { epochs: 100, seed: 0, verbose: 1 };

/** Trains a 4-16-3 MLP on Iris; returns test accuracy and macro F1. */
export async function runIris(
  overrides: Partial<typeof defaults> = {},
): Promise<{ accuracy: number; f1: number }> {
  const options = { ...defaults, ...overrides };
  manualSeed(options.seed);
  const { data, target, targetNames } = loadIris();
  const split = trainTestSplit(data, target, { testSize: 0.3, stratify: true, seed: options.seed });
  const scaler = new StandardScaler().fit(split.xTrain);
  const model = new Sequential(new Linear(4, 16), new ReLU(), new Linear(16, 3));
  await fit(model, [scaler.transform(split.xTrain), split.yTrain], {
    optimizer: new Adam(model.parameters(), { lr: 0.01 }),
    loss: crossEntropy,
    epochs: options.epochs,
    batchSize: 16,
    seed: options.seed,
    metrics: ['accuracy'],
    verbose: options.verbose > 0 ? 2 : 0,
  });
  const test = evaluate(model, [scaler.transform(split.xTest), split.yTest], {
    metrics: ['accuracy', new F1Score(3)],
  });
  if (options.verbose > 0)
    console.log(
      `Iris (${targetNames.join(', ')}): test accuracy ${(test['accuracy']! * 100).toFixed(1)}%, macro F1 ${test['f1']!.toFixed(3)}`,
    );
  return { accuracy: test['accuracy']!, f1: test['f1']! };
}

if (isMain(import.meta.url)) await runIris(parseArgs(defaults));
