// Double descent (notes 001_b1d89e8e5c8deb0f.txt §13.3.1 "Additional Reading - Double descent"):
// test error against model width first falls, then rises to a peak where the model can just
// interpolate the training set (width = number of training samples), then falls again as the model
// grows further. The model: random ReLU features of the input (a fixed random first layer of `width`
// units) and a least-squares readout, fitted with the minimum-norm solution (the pseudo-inverse, via
// linalg.svd) — the limit gradient descent from zero reaches — averaged over several feature draws.
//   node examples/dist/double-descent.js [--train 40] [--draws 8] [--seed 0]
import { linalg, manualSeed, noGrad, randn, type Tensor, tidy } from '@myelin/tensor';
import { isMain, parseArgs } from './args.js';
import { Claims, exitIfFailed } from './claims.js';

export const defaults = { train: 40, test: 500, inputs: 10, noise: 0.2, draws: 8, seed: 0, verbose: 1 };

/** The widths tried, as multiples of the number of training samples. */
const RATIOS = [0.1, 0.25, 0.5, 0.75, 0.9, 1, 1.1, 1.25, 1.5, 2, 4, 8, 16];

/** Minimum-norm least squares: β = V·diag(1/s)·Uᵀ·y over the singular values above a cutoff. */
function minimumNormSolve(a: Tensor, y: Tensor): Tensor {
  const { U, S, Vh } = linalg.svd(a);
  const cutoff = S.max().item() * 1e-6;
  const inverse = S.gt(cutoff).float().div(S.clamp(cutoff));
  return Vh.transpose(0, 1).matmul(
    U.transpose(0, 1)
      .matmul(y)
      .mul(inverse.reshape([-1, 1])),
  );
}

/** Returns the mean test and training error (MSE) at each width. */
export function runDoubleDescent(overrides: Partial<typeof defaults> = {}): {
  widths: number[];
  testError: number[];
  trainError: number[];
  claims: Claims;
} {
  const options = { ...defaults, ...overrides };
  const log = options.verbose > 0 ? console.log : () => {};
  const claims = new Claims(log);
  manualSeed(options.seed);
  const n = options.train;
  const widths = RATIOS.map((r) => Math.max(1, Math.round(r * n)));
  const testError = widths.map(() => 0);
  const trainError = widths.map(() => 0);
  noGrad(() =>
    tidy(() => {
      // a smooth teacher: y = tanh(x·t) + noise on the training targets
      const teacher = randn([options.inputs, 1]).div(Math.sqrt(options.inputs));
      const xTrain = randn([n, options.inputs]);
      const xTest = randn([options.test, options.inputs]);
      const yTrain = xTrain
        .matmul(teacher)
        .tanh()
        .add(randn([n, 1]).mul(options.noise));
      const yTest = xTest.matmul(teacher).tanh();
      for (let draw = 0; draw < options.draws; draw++) {
        widths.forEach((width, i) => {
          tidy(() => {
            const v = randn([options.inputs, width]).div(Math.sqrt(options.inputs));
            const features = (x: Tensor) => x.matmul(v).relu();
            const beta = minimumNormSolve(features(xTrain), yTrain);
            testError[i]! += features(xTest).matmul(beta).sub(yTest).square().mean().item() / options.draws;
            trainError[i]! +=
              features(xTrain).matmul(beta).sub(yTrain).square().mean().item() / options.draws;
          });
        });
      }
    }),
  );
  log(`random ReLU features, ${n} training samples, mean over ${options.draws} draws of the features:`);
  log('width   train MSE   test MSE');
  for (const [i, w] of widths.entries()) {
    const mark = w === n ? '   ← interpolation threshold' : '';
    log(
      `${String(w).padStart(5)}   ${trainError[i]!.toFixed(4).padStart(9)}   ${testError[i]!.toFixed(4).padStart(8)}${mark}`,
    );
  }
  const peak = widths[testError.indexOf(Math.max(...testError))]!;
  const best = (ws: (w: number) => boolean) => Math.min(...testError.filter((_, i) => ws(widths[i]!)));
  claims.check(
    `the test error peaks near the interpolation threshold (peak at width ${peak}, within ${n}·[0.75, 1.25])`,
    peak >= 0.75 * n && peak <= 1.25 * n,
  );
  claims.check(
    'first descent: the best small model (width < n/2) beats the peak by 2×',
    best((w) => w < n / 2) < Math.max(...testError) / 2,
  );
  claims.check(
    'second descent: the widest model beats the peak by 5×, with zero training error',
    testError.at(-1)! < Math.max(...testError) / 5 && trainError.at(-1)! < 1e-3,
  );
  return { widths, testError, trainError, claims };
}

if (isMain(import.meta.url)) exitIfFailed(runDoubleDescent(parseArgs(defaults)).claims);
