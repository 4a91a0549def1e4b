// XOR: the problem a single perceptron cannot solve and a small MLP can.
//   node examples/dist/xor.js [--epochs 300] [--seed 0]
import { xor } from '@myelin/data';
import {
  binaryCrossEntropyWithLogits,
  evaluate,
  fit,
  Linear,
  Perceptron,
  Sequential,
  Tanh,
} from '@myelin/nn';
import { Adam } from '@myelin/optim';
import { manualSeed, tensor } from '@myelin/tensor';
import { isMain, parseArgs } from './args.js';

export const defaults = { epochs: 300, seed: 0, verbose: 1 };

/** Trains a perceptron and a 2-8-1 tanh MLP on the XOR truth table; returns both accuracies. */
export async function runXor(
  overrides: Partial<typeof defaults> = {},
): Promise<{ perceptron: number; mlp: number; perceptronConverged: boolean }> {
  const options = { ...defaults, ...overrides };
  const log = options.verbose > 0 ? console.log : () => {};
  manualSeed(options.seed);
  const x = tensor([
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ]);
  const labels = tensor([0, 1, 1, 0], { dtype: 'int32' });

  const perceptron = new Perceptron(2);
  const result = perceptron.fit(x, labels, { epochs: 100 });
  const perceptronAccuracy =
    Array.from(perceptron.predict(x).data()).filter((v, i) => v === labels.data()[i]).length / 4;
  log(
    `Perceptron: converged ${result.converged} after ${result.epochs} epochs, accuracy ${perceptronAccuracy * 100}% (XOR is not linearly separable)`,
  );

  const model = new Sequential(new Linear(2, 8), new Tanh(), new Linear(8, 1));
  const targets = labels.float().reshape([4, 1]);
  await fit(model, [x, targets], {
    optimizer: new Adam(model.parameters(), { lr: 0.05 }),
    loss: binaryCrossEntropyWithLogits,
    epochs: options.epochs,
    batchSize: 4,
    verbose: 0,
  });
  const { accuracy } = evaluate(model, [x, labels], { metrics: ['accuracy'] });
  log(
    `MLP 2-8-1 (tanh): accuracy ${accuracy! * 100}% after ${options.epochs} epochs — a hidden layer bends the decision boundary`,
  );
  // A noisy XOR cloud, to see the same network generalise.
  const cloud = xor(400, { noise: 0.3, seed: options.seed });
  log(`(see also: xor(400, { noise }) in @myelin/data — ${cloud.x.shape[0]} points for the playground)`);
  return { perceptron: perceptronAccuracy, mlp: accuracy!, perceptronConverged: result.converged };
}

if (isMain(import.meta.url)) await runXor(parseArgs(defaults));
