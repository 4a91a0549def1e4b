// Regression: an MLP fits TensorFlow Playground's "multi-Gaussian" surface (six bumps of ± sign).
//   node examples/dist/regression.js [--epochs 200] [--seed 0]
import { gaussian } from '@myelin/data';
import { evaluate, fit, Linear, mseLoss, R2Score, Sequential, Tanh } from '@myelin/nn';
import { Adam } from '@myelin/optim';
import { manualSeed } from '@myelin/tensor';
import { isMain, parseArgs } from './args.js';

export const defaults = { epochs: 200, seed: 0, verbose: 1 };

/** Fits a 2-32-32-1 tanh MLP to noisy samples of the surface; returns the held-out R² and MSE. */
export async function runRegression(
  overrides: Partial<typeof defaults> = {},
): Promise<{ r2: number; mse: number }> {
  const options = { ...defaults, ...overrides };
  manualSeed(options.seed);
  const train = gaussian(800, { noise: 0.05, seed: options.seed });
  const test = gaussian(200, { seed: options.seed + 1 });
  const column = (t: typeof train.y) => t.reshape([-1, 1]);
  const model = new Sequential(
    new Linear(2, 32),
    new Tanh(),
    new Linear(32, 32),
    new Tanh(),
    new Linear(32, 1),
  );
  await fit(model, [train.x.div(6), column(train.y)], {
    optimizer: new Adam(model.parameters(), { lr: 0.01 }),
    loss: mseLoss,
    epochs: options.epochs,
    batchSize: 32,
    seed: options.seed,
    verbose: options.verbose > 0 ? 2 : 0,
  });
  const result = evaluate(model, [test.x.div(6), column(test.y)], {
    loss: mseLoss,
    metrics: [new R2Score()],
  });
  if (options.verbose > 0)
    console.log(
      `Multi-Gaussian regression: held-out R² ${result['r2']!.toFixed(3)}, MSE ${result['loss']!.toFixed(4)}`,
    );
  return { r2: result['r2']!, mse: result['loss']! };
}

if (isMain(import.meta.url)) await runRegression(parseArgs(defaults));
