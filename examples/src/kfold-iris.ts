// k-fold cross-validation on Iris, choosing hyper-parameters: `gridSearch` (@myelin/nn) trains a
// fresh MLP for every config of a small grid (learning rate × hidden width) on each of 5 stratified
// folds (`kFold` from @myelin/data), prints the ranked table, then the best config's accuracy on
// each fold and their mean ± std (course notes 004_dd40d634f9b46b7b.txt "Evaluating": k-fold cross
// validation; 002_267a31ebb5518d37.txt §1.3: "try each fold as validation and average the results").
// Each objective disposes its model and optimizer, so memory stays flat over the whole search.
//   node examples/dist/kfold-iris.js [--folds 5] [--epochs 60] [--seed 0]
import { kFold, loadIris, StandardScaler } from '@myelin/data';
import { crossEntropy, evaluate, fit, gridSearch, Linear, ReLU, Sequential } from '@myelin/nn';
import { Adam } from '@myelin/optim';
import { memory, tidy } from '@myelin/tensor';
import { isMain, parseArgs } from './args.js';
import { Claims, exitIfFailed } from './claims.js';

export const defaults = { folds: 5, epochs: 60, seed: 0, verbose: 1 };

/** The grid searched: every learning rate with every hidden width. */
export const space = { lr: [0.01, 0.1], hidden: [4, 16] };

/**
 * Cross-validates every config of {@link space}; returns the best config with its accuracy on each
 * fold, their mean and standard deviation, and the number of tensors left alive by the search.
 *
 * @example const { best, mean } = await runKFold({ verbose: 0 }); // e.g. { lr: 0.01, hidden: 16 }, 0.96
 */
export async function runKFold(overrides: Partial<typeof defaults> = {}): Promise<{
  best: { lr: number; hidden: number };
  accuracies: number[];
  mean: number;
  std: number;
  /**
   * The most live tensors any fit left behind (its objective's end minus its start; 0 or less: memory
   * stays flat — garbage collection of other code's tensors can only lower the count).
   */
  leaked: number;
  claims: Claims;
}> {
  const options = { ...defaults, ...overrides };
  const log = options.verbose > 0 ? console.log : () => {};
  const claims = new Claims(log);
  const { data, target } = loadIris();
  let leaked = Number.NEGATIVE_INFINITY;
  const results = await gridSearch(
    space,
    async ({ lr, hidden }, { fold, train, validation }) => {
      const before = memory().tensors;
      const [x, y] = train as [typeof data, typeof data];
      const scaler = new StandardScaler();
      // fitted on the training folds only; tidy frees the statistics' intermediates
      const [xTrain, xValidation] = tidy(() => {
        scaler.fit(x);
        return [scaler.transform(x), scaler.transform(validation[0]!)];
      });
      const model = new Sequential(new Linear(4, hidden), new ReLU(), new Linear(hidden, 3));
      const optimizer = new Adam(model.parameters(), { lr });
      await fit(model, [xTrain, y], {
        optimizer,
        loss: crossEntropy,
        epochs: options.epochs,
        batchSize: 16,
        seed: options.seed + fold,
        verbose: 0,
      });
      const { accuracy } = evaluate(model, [xValidation, validation[1]!], { metrics: ['accuracy'] });
      for (const t of [xTrain, xValidation]) t.dispose();
      scaler.dispose();
      optimizer.dispose();
      model.dispose();
      leaked = Math.max(leaked, memory().tensors - before);
      return accuracy!;
    },
    {
      data: [data, target],
      folds: kFold(150, options.folds, { shuffle: true, stratified: target.data(), seed: options.seed }),
      metric: 'accuracy',
      seed: options.seed,
    },
  );
  data.dispose();
  target.dispose();
  log(
    `${options.folds}-fold grid search over lr × hidden (${options.epochs} epochs each):\n${results.table()}\n`,
  );
  const { config: best, scores: accuracies, mean, std } = results.best;
  log(`best config: lr ${best.lr}, hidden ${best.hidden}`);
  for (const [i, accuracy] of accuracies.entries())
    log(`fold ${i + 1}/${options.folds}: validation accuracy ${(accuracy * 100).toFixed(1)}%`);
  log(
    `${options.folds}-fold cross-validation accuracy: ${(mean * 100).toFixed(1)}% ± ${(std * 100).toFixed(1)}%`,
  );
  claims.check(
    `the best config classifies unseen folds well: mean validation accuracy ${(mean * 100).toFixed(1)}% ≥ 90%`,
    mean >= 0.9,
  );
  claims.check(
    `memory stays flat: none of the ${results.trials.length * options.folds} fits leaves a tensor alive (at most ${Math.max(0, leaked)})`,
    leaked <= 0,
  );
  return { best, accuracies, mean, std, leaked, claims };
}

if (isMain(import.meta.url)) exitIfFailed((await runKFold(parseArgs(defaults))).claims);
