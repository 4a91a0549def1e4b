// The universal approximation theorem (course notes 000_336045b6ca766860.txt §2.1 "Introducing
// Nonlinearities": "a neural network with at least one hidden layer with a finite number of neurons
// can approximate any continuous function to any level of accuracy"; 001_b1d89e8e5c8deb0f.txt §3
// "The Multi-Layer Perceptron"). The target: f(x) = x·sin(3x) on [−π, π] (three bumps up, three
// down), known at 200 points, measured on a grid of 1,000.
// - One hidden tanh layer of 2, 8, 32 and 128 units, all weights trained with full-batch Adam from
//   PyTorch's initialisation, then the output layer set to its least-squares optimum for the trained
//   hidden units (what more steps would converge to; without it the wide networks stall at a
//   training floor, not at what their width allows): the max and mean error fall at every widening.
// - No hidden layer is a line, and no line fits the curve: trained with Adam it lands on the
//   least-squares line (solved in closed form here), whose error stays high.
//
//   node examples/dist/universal-approximation.js [--steps 3000] [--lr 0.03] [--points 200] [--seed 0]
import { Linear, mseLoss, Sequential, Tanh } from '@myelin/nn';
import { Adam, CosineAnnealingLR } from '@myelin/optim';
import { cat, linalg, linspace, manualSeed, noGrad, ones, type Tensor, tensor, tidy } from '@myelin/tensor';
import { isMain, parseArgs } from './args.js';
import { Claims, exitIfFailed } from './claims.js';

export const defaults = { steps: 3000, lr: 0.03, points: 200, seed: 0, verbose: 1 };

/** The hidden widths compared. */
export const widths = [2, 8, 32, 128] as const;

/** One model's error against the target on the grid. */
export interface FitError {
  /** Hidden units (0: no hidden layer, a line). */
  width: number;
  parameters: number;
  maxError: number;
  meanError: number;
}

/** f(x) = x·sin(3x), as a column. */
const target = (x: Tensor) => tensor(Array.from(x.data(), (v) => v * Math.sin(3 * v))).reshape([-1, 1]);

/** Minimum-norm least squares β minimising ‖aβ − y‖ (the pseudo-inverse, via the SVD). */
function leastSquares(a: Tensor, y: Tensor): Tensor {
  const { U, S, Vh } = linalg.svd(a);
  const cutoff = S.max().item() * 1e-6;
  const inverse = S.gt(cutoff).float().div(S.clamp(cutoff));
  return Vh.transpose(0, 1).matmul(
    U.transpose(0, 1)
      .matmul(y)
      .mul(inverse.reshape([-1, 1])),
  );
}

/** Sets `model`'s output layer (its last) to the least-squares solution for its hidden units' outputs on (x, y). */
function solveOutputLayer(model: Sequential, x: Tensor, y: Tensor): void {
  const [hidden, activation, output] = [...model.children()] as [Linear, Tanh, Linear];
  const width = output.inFeatures;
  noGrad(() => {
    const features = activation.forward(hidden.forward(x));
    const beta = leastSquares(cat([features, ones([x.shape[0]!, 1])], 1), y); // [width + 1, 1]: weights, bias
    output.weight.copy_(beta.slice(0, 0, width).reshape([1, width]));
    output.bias!.copy_(beta.slice(0, width, width + 1).reshape([1]));
  });
}

/** Trains every weight of `model` on (x, y) with full-batch Adam and a cosine schedule. */
function train(model: Sequential, x: Tensor, y: Tensor, options: typeof defaults): void {
  const optimizer = new Adam(model.parameters(), { lr: options.lr });
  const schedule = new CosineAnnealingLR(optimizer, { tMax: options.steps });
  for (let step = 0; step < options.steps; step++) {
    tidy(() => mseLoss(model.forward(x), y).backward());
    optimizer.step();
    optimizer.zeroGrad();
    schedule.step();
  }
  optimizer.dispose();
}

/**
 * Fits one-hidden-layer networks of growing width (and lines) to x·sin(3x) and checks the theorem's claims.
 *
 * @example const { errors, claims } = runUniversalApproximation({ verbose: 0 }); errors.at(-1)!.maxError; // < 0.01
 */
export function runUniversalApproximation(overrides: Partial<typeof defaults> = {}): {
  /** One per width: trained with Adam, then the output layer solved by least squares. */
  errors: FitError[];
  /** The least-squares line. */
  line: FitError;
  /** A line (no hidden layer) trained with Adam. */
  trainedLine: FitError;
  claims: Claims;
} {
  const options = { ...defaults, ...overrides };
  const log = options.verbose > 0 ? console.log : () => {};
  const claims = new Claims(log);
  manualSeed(options.seed);
  const x = linspace(-Math.PI, Math.PI, options.points).reshape([-1, 1]);
  const y = target(x);
  const grid = linspace(-Math.PI, Math.PI, 1000).reshape([-1, 1]);
  const truth = target(grid);
  const measure = (width: number, model: Sequential): FitError => {
    const [maxError, meanError] = tidy(() =>
      noGrad(() => {
        const error = model.forward(grid).sub(truth).abs();
        return [error.max().item(), error.mean().item()];
      }),
    ) as [number, number];
    const result = { width, parameters: model.numParameters(), maxError, meanError };
    model.dispose();
    return result;
  };
  const row = (label: string, e: FitError) =>
    log(
      `${label.padEnd(48)}  ${String(e.parameters).padStart(10)}  ${e.maxError.toFixed(4).padStart(11)}  ${e.meanError.toFixed(4).padStart(12)}`,
    );
  log(
    `Fitting f(x) = x·sin(3x) on [−π, π] from ${options.points} points; error on 1,000 grid points:
` + `${'model'.padEnd(48)}  parameters  max |error|  mean |error|`,
  );

  const linear = new Linear(1, 1);
  noGrad(() => {
    const beta = leastSquares(cat([x, ones([options.points, 1])], 1), y);
    linear.weight.copy_(beta.slice(0, 0, 1).reshape([1, 1]));
    linear.bias!.copy_(beta.slice(0, 1, 2).reshape([1]));
  });
  const line = measure(0, new Sequential(linear));
  row('no hidden layer: the least-squares line', line);
  manualSeed(options.seed);
  const adamLine = new Sequential(new Linear(1, 1));
  train(adamLine, x, y, options);
  const trainedLine = measure(0, adamLine);
  row(`no hidden layer, trained (Adam, ${options.steps} steps)`, trainedLine);
  const errors = widths.map((width) => {
    manualSeed(options.seed);
    const model = new Sequential(new Linear(1, width), new Tanh(), new Linear(width, 1));
    train(model, x, y, options);
    solveOutputLayer(model, x, y);
    const e = measure(width, model);
    row(`${width} tanh units (Adam, then output layer solved)`, e);
    return e;
  });
  for (const t of [x, y, grid, truth]) t.dispose();

  const falls = (key: 'maxError' | 'meanError') =>
    errors.every((e, i) => i === 0 || e[key] < errors[i - 1]![key]);
  const trail = (key: 'maxError' | 'meanError') => errors.map((e) => e[key].toPrecision(2)).join(' → ');
  claims.check(`the max |error| falls as the hidden layer widens (${trail('maxError')})`, falls('maxError'));
  claims.check(
    `the mean |error| falls as the hidden layer widens (${trail('meanError')})`,
    falls('meanError'),
  );
  const widest = errors.at(-1)!;
  claims.check(
    `${widest.width} hidden units fit the curve to within 0.01 everywhere (max |error| ${widest.maxError.toPrecision(2)}; the curve spans ±2.8)`,
    widest.maxError < 0.01,
  );
  claims.check(
    `no line fits it: the least-squares line's mean |error| is ${line.meanError.toFixed(2)}, and Adam lands on the same line (${trainedLine.meanError.toFixed(2)})`,
    line.meanError > 0.5 && Math.abs(trainedLine.meanError - line.meanError) < 0.01,
  );
  claims.check(
    `the widest network's mean |error| is > 100× below the line's (${(line.meanError / widest.meanError).toExponential(1)}×)`,
    widest.meanError * 100 < line.meanError,
  );
  return { errors, line, trainedLine, claims };
}

if (isMain(import.meta.url)) exitIfFailed(runUniversalApproximation(parseArgs(defaults)).claims);
