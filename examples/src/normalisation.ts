// Batch normalisation speeds training (notes 000_336045b6ca766860.txt §4.2 "Batch Normalization":
// "batchnorm helps greatly with a network's convergence"; 001_b1d89e8e5c8deb0f.txt §23.3 "Benefits
// of Batch Normalization": better gradient flow, higher learning rates). The same deep sigmoid MLP on
// the digits, from the same seed, with plain SGD at the same learning rate — with and without a
// BatchNorm1d before every activation.
//   node examples/dist/normalisation.js [--epochs 3] [--depth 6] [--seed 0]
import { loadDigits, StandardScaler, trainTestSplit } from '@myelin/data';
import {
  BatchNorm1d,
  crossEntropy,
  evaluate,
  fit,
  Linear,
  type Module,
  Sequential,
  Sigmoid,
} from '@myelin/nn';
import { SGD } from '@myelin/optim';
import { manualSeed } from '@myelin/tensor';
import { isMain, parseArgs } from './args.js';
import { Claims, exitIfFailed } from './claims.js';

export const defaults = { epochs: 3, depth: 6, width: 64, lr: 0.1, seed: 0, verbose: 1 };

/** Trains both networks; returns each one's training loss per epoch and final test accuracy. */
export async function runNormalisation(overrides: Partial<typeof defaults> = {}): Promise<{
  plain: { loss: number[]; accuracy: number };
  batchNorm: { loss: number[]; accuracy: number };
  claims: Claims;
}> {
  const options = { ...defaults, ...overrides };
  const log = options.verbose > 0 ? console.log : () => {};
  const claims = new Claims(log);
  const { data, target } = loadDigits();
  const split = trainTestSplit(data, target, { testSize: 0.2, stratify: true, seed: options.seed });
  const scaler = new StandardScaler().fit(split.xTrain);
  const train = [scaler.transform(split.xTrain), split.yTrain] as const;
  const test = [scaler.transform(split.xTest), split.yTest] as const;

  const run = async (batchNorm: boolean) => {
    manualSeed(options.seed);
    const layers: Module[] = [];
    let inputs = 64;
    for (let i = 0; i < options.depth; i++) {
      layers.push(new Linear(inputs, options.width));
      if (batchNorm) layers.push(new BatchNorm1d(options.width));
      layers.push(new Sigmoid());
      inputs = options.width;
    }
    const model = new Sequential(...layers, new Linear(inputs, 10));
    const history = await fit(model, [...train], {
      optimizer: new SGD(model.parameters(), { lr: options.lr }),
      loss: crossEntropy,
      epochs: options.epochs,
      batchSize: 32,
      seed: options.seed,
      verbose: 0,
    });
    const { accuracy } = evaluate(model, [...test], { metrics: ['accuracy'] });
    model.dispose();
    return { loss: history.get('loss'), accuracy: accuracy! };
  };
  const plain = await run(false);
  const batchNorm = await run(true);
  log(`${options.depth} sigmoid layers of ${options.width}, SGD lr ${options.lr}, ${options.epochs} epochs:`);
  for (const [name, r] of [
    ['without BatchNorm', plain],
    ['with BatchNorm   ', batchNorm],
  ] as const)
    log(
      `${name}  training loss per epoch ${r.loss.map((v) => v.toFixed(3)).join(' → ')}, test accuracy ${(r.accuracy * 100).toFixed(1)}%`,
    );
  claims.check(
    'with batch norm the training loss after the first epoch is lower than without it after the last',
    batchNorm.loss[0]! < plain.loss.at(-1)!,
  );
  claims.check(
    'with batch norm the test accuracy is at least 30 points higher after the same epochs',
    batchNorm.accuracy > plain.accuracy + 0.3,
  );
  return { plain, batchNorm, claims };
}

if (isMain(import.meta.url)) exitIfFailed((await runNormalisation(parseArgs(defaults))).claims);
