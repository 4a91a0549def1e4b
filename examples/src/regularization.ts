// Over-fitting and three cures: a wide MLP on only 150 digits, trained with no regularisation, an L1
// penalty, an L2 penalty, and dropout; the validation curves show which generalise.
//   node examples/dist/regularization.js [--epochs 150] [--seed 0]
import { loadDigits, StandardScaler, trainTestSplit } from '@myelin/data';
import { crossEntropy, Dropout, fit, Linear, type Module, ReLU, Sequential } from '@myelin/nn';
import { Adam } from '@myelin/optim';
import { manualSeed } from '@myelin/tensor';
import { isMain, parseArgs } from './args.js';

export const defaults = { epochs: 150, seed: 0, train: 150, verbose: 1 };

/** A one-line plot of a series (▁▂▃▄▅▆▇█), for validation curves in a terminal. */
function sparkline(values: number[]): string {
  const [lo, hi] = [Math.min(...values), Math.max(...values)];
  const step = Math.max(1, Math.floor(values.length / 40));
  return values
    .filter((_, i) => i % step === 0)
    .map((v) => '▁▂▃▄▅▆▇█'[Math.min(7, Math.floor(((v - lo) / (hi - lo || 1)) * 8))])
    .join('');
}

type Setting = { name: string; dropout: number; regularization?: { l1?: number; l2?: number } };

/** Trains each setting; returns the final training and validation loss and best validation accuracy per setting. */
export async function runRegularization(
  overrides: Partial<typeof defaults> = {},
): Promise<Record<string, { trainLoss: number; valLoss: number; bestValAccuracy: number }>> {
  const options = { ...defaults, ...overrides };
  const { data, target } = loadDigits();
  const split = trainTestSplit(data, target, {
    testSize: data.shape[0]! - options.train,
    stratify: true,
    seed: options.seed,
  });
  const scaler = new StandardScaler().fit(split.xTrain);
  const train = [scaler.transform(split.xTrain), split.yTrain] as const;
  const validation = [scaler.transform(split.xTest), split.yTest] as const;
  const settings: Setting[] = [
    { name: 'none', dropout: 0 },
    { name: 'L1 (3e-4)', dropout: 0, regularization: { l1: 3e-4 } },
    { name: 'L2 (3e-3)', dropout: 0, regularization: { l2: 3e-3 } },
    { name: 'dropout 0.5', dropout: 0.5 },
  ];
  const results: Record<string, { trainLoss: number; valLoss: number; bestValAccuracy: number }> = {};
  for (const setting of settings) {
    manualSeed(options.seed);
    const layers: Module[] = [new Linear(64, 256), new ReLU()];
    if (setting.dropout > 0) layers.push(new Dropout(setting.dropout));
    layers.push(new Linear(256, 10));
    const model = new Sequential(layers);
    const history = await fit(model, train, {
      optimizer: new Adam(model.parameters(), { lr: 1e-3 }),
      loss: crossEntropy,
      epochs: options.epochs,
      batchSize: 16,
      seed: options.seed,
      validationData: validation,
      metrics: ['accuracy'],
      ...(setting.regularization ? { regularization: setting.regularization } : {}),
      verbose: 0,
    });
    const valLoss = history.get('valLoss');
    results[setting.name] = {
      trainLoss: history.get('loss').at(-1)!,
      valLoss: valLoss.at(-1)!,
      bestValAccuracy: Math.max(...history.get('valAccuracy')),
    };
    if (options.verbose > 0) {
      const r = results[setting.name]!;
      const best = valLoss.indexOf(Math.min(...valLoss));
      // Over-fitting shows as validation loss rising after its minimum while training loss keeps falling.
      console.log(
        `${setting.name.padEnd(12)} train ${r.trainLoss.toFixed(3)}  val ${r.valLoss.toFixed(3)} (min ${valLoss[best]!.toFixed(3)} at epoch ${best + 1}, ` +
          `+${(r.valLoss - valLoss[best]!).toFixed(3)} since)  best val acc ${(r.bestValAccuracy * 100).toFixed(1)}%  ${sparkline(valLoss.slice(5))}`,
      );
    }
  }
  return results;
}

if (isMain(import.meta.url)) await runRegularization(parseArgs(defaults));
