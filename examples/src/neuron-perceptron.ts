// The neuron and the perceptron (notes 001_b1d89e8e5c8deb0f.txt §1 "The McCulloch-Pitts Neuron
// model", 004_dd40d634f9b46b7b.txt "Neuron" and "Perceptron", 000_336045b6ca766860.txt §1.3 "The
// Perceptron and XOR"): a threshold neuron with hand-set weights computes AND and OR; the perceptron
// learning rule w ← w + α(y − h(x))·x finds such weights itself on any linearly separable data and
// stops with no error. (XOR, which it cannot learn, is examples/src/xor.ts.)
//   node examples/dist/neuron-perceptron.js [--points 200] [--seed 0]
import { and, linearlySeparable, or } from '@myelin/data';
import { Perceptron, Step } from '@myelin/nn';
import { type Tensor, tensor } from '@myelin/tensor';
import { isMain, parseArgs } from './args.js';
import { Claims, exitIfFailed } from './claims.js';

export const defaults = { points: 200, seed: 0, verbose: 1 };

const accuracy = (predicted: Tensor, labels: Tensor) =>
  Array.from(predicted.data()).filter((v, i) => v === labels.data()[i]).length / labels.size;

/** Runs the hand-set neuron and the perceptron rule; returns the accuracies and epochs to converge. */
export function runNeuronPerceptron(overrides: Partial<typeof defaults> = {}): {
  epochs: Record<string, number>;
  claims: Claims;
} {
  const options = { ...defaults, ...overrides };
  const log = options.verbose > 0 ? console.log : () => {};
  const claims = new Claims(log);
  const inputs = tensor([
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ]);
  // McCulloch–Pitts: fire when w·x reaches the threshold (weights 1, 1; threshold 2 for AND, 1 for OR).
  // Step fires where its input is > 0, so "w·x ≥ θ" is step(w·x − θ + ½) on these integer sums.
  const fire = (threshold: number) => new Step().forward(inputs.sum(1).sub(threshold - 0.5));
  const [andOut, orOut] = [fire(2), fire(1)];
  log(`threshold neuron, weights (1, 1): AND ${Array.from(andOut.data())}, OR ${Array.from(orOut.data())}`);
  claims.check(
    'a threshold neuron computes AND (θ = 2) and OR (θ = 1)',
    accuracy(andOut, tensor([0, 0, 0, 1])) === 1 && accuracy(orOut, tensor([0, 1, 1, 1])) === 1,
  );

  const epochs: Record<string, number> = {};
  const problems = {
    AND: and(),
    OR: or(),
    [`${options.points} linearly separable points`]: linearlySeparable(options.points, {
      seed: options.seed,
    }),
  };
  let allLearned = true;
  for (const [name, { x, y }] of Object.entries(problems)) {
    const perceptron = new Perceptron(2);
    const result = perceptron.fit(x, y, { epochs: 1000, shuffle: true, seed: options.seed });
    const score = accuracy(perceptron.predict(x), y);
    epochs[name] = result.epochs;
    log(
      `perceptron rule on ${name}: converged ${result.converged} after ${result.epochs} epoch(s), accuracy ${score * 100}%, w = (${Array.from(perceptron.weight, (v) => v.toFixed(2)).join(', ')}), b = ${perceptron.bias.toFixed(2)}`,
    );
    allLearned &&= result.converged && score === 1;
  }
  claims.check(
    'the perceptron rule converges with no error on linearly separable data (AND, OR, a separable cloud)',
    allLearned,
  );
  return { epochs, claims };
}

if (isMain(import.meta.url)) exitIfFailed(runNeuronPerceptron(parseArgs(defaults)).claims);
