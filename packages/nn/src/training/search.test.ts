// Issue 18 item 3: hyper-parameter search — grid and seeded random search, with k-fold
// cross-validation (stratified folds from @myelin/data), a ranked printable table, memory flat.
// Notes: 004_dd40d634f9b46b7b.txt "Training" (hyper-parameters are found, guessed or tuned) and
// "Evaluating" (k-fold cross validation); 002_267a31ebb5518d37.txt §1.3 trivia 4 and 6 (choose the
// parameters that work best on validation; try each fold as validation and average the results).
import { kFold, loadIris, StandardScaler } from '@myelin/data';
import { Adam } from '@myelin/optim';
import { liveTensorSites, setDebug, type Tensor } from '@myelin/tensor';
import { describe, expect, it } from 'vitest';
import { crossEntropy, evaluate, fit, gridSearch, Linear, ReLU, randomSearch, Sequential } from '../index.js';

const iris = loadIris();
const x = new StandardScaler().fitTransform(iris.data);
const y = iris.target;
const folds = kFold(150, 3, { shuffle: true, stratified: y.data(), seed: 0 });

/** Trains a 4-hidden-3 MLP on the fold's rows and returns its validation accuracy; frees everything it made. */
async function irisAccuracy(
  { lr, hidden }: { lr: number; hidden: number },
  { train, validation }: { train: Tensor[]; validation: Tensor[] },
): Promise<number> {
  const model = new Sequential(new Linear(4, hidden), new ReLU(), new Linear(hidden, 3));
  const optimizer = new Adam(model.parameters(), { lr });
  await fit(model, [train[0]!, train[1]!], {
    optimizer,
    loss: crossEntropy,
    epochs: 15,
    batchSize: 16,
    seed: 0,
    verbose: 0,
  });
  const { accuracy } = evaluate(model, [validation[0]!, validation[1]!], { metrics: ['accuracy'] });
  optimizer.dispose();
  model.dispose();
  return accuracy!;
}

describe('gridSearch', () => {
  it('3-fold cross-validation on iris ranks a working learning rate above a far too small one', async () => {
    const results = await gridSearch({ lr: [1e-5, 0.05], hidden: [8, 16] }, irisAccuracy, {
      data: [x, y],
      folds,
      metric: 'accuracy',
      seed: 0,
    });
    expect(results.trials).toHaveLength(4);
    expect(results.trials.map((t) => t.rank)).toEqual([1, 2, 3, 4]);
    // lr 1e-5 barely moves the initial weights in 15 epochs; lr 0.05 learns iris (> 85% per fold)
    expect(results.trials.slice(0, 2).map((t) => t.config.lr)).toEqual([0.05, 0.05]);
    expect(results.best.mean).toBeGreaterThan(0.85);
    expect(results.best.mean).toBeGreaterThan(results.trials[3]!.mean + 0.2);
    for (const t of results.trials) {
      expect(t.scores).toHaveLength(3);
      expect(t.mean).toBeCloseTo((t.scores[0]! + t.scores[1]! + t.scores[2]!) / 3, 12);
      const variance = t.scores.reduce((s, v) => s + (v - t.mean) ** 2, 0) / 3; // population, as sklearn
      expect(t.std).toBeCloseTo(Math.sqrt(variance), 12);
    }
    const lines = results.table().split('\n');
    expect(lines[0]).toMatch(/^rank {2}lr +hidden {2}accuracy \(3 folds\)$/);
    expect(lines).toHaveLength(5);
    expect(lines[1]).toMatch(/^1 +0\.05 +(8|16) +0\.\d+ ± 0\.\d+$/);
    expect(String(results)).toBe(results.table());
  });

  it('the same seed gives the same scores whatever the order of the grid (every config starts alike)', async () => {
    const options = { data: [x, y], folds: folds.slice(0, 1), seed: 3 };
    const forward = await gridSearch({ lr: [0.05, 0.01], hidden: [8] }, irisAccuracy, options);
    const backward = await gridSearch({ lr: [0.01, 0.05], hidden: [8] }, irisAccuracy, options);
    const byLr = (r: typeof forward) => Object.fromEntries(r.trials.map((t) => [t.config.lr, t.mean]));
    expect(byLr(backward)).toEqual(byLr(forward));
  });

  it('memory stays flat over repeated searches (fold tensors are freed; the objective frees its model)', async () => {
    const search = () =>
      gridSearch({ lr: [0.05], hidden: [4, 8] }, irisAccuracy, { data: [x, y], folds, seed: 0 });
    await search();
    // Debug mode records every tensor created from here on (and holds it, so the finalizer backstop
    // cannot hide a leak): none may outlive the searches. Counting memory().tensors instead once
    // failed in CI with fewer tensors after than before — the backstop had freed unrelated garbage.
    setDebug(true);
    try {
      await search();
      await search();
      expect(liveTensorSites()).toEqual([]);
    } finally {
      setDebug(false);
    }
  });

  it('hold-out validation: the objective gets data and validationData; a one-split table has no ±', async () => {
    const train = [x.slice(0, 0, 100), y.slice(0, 0, 100)];
    const validation = [x.slice(0, 100, 150), y.slice(0, 100, 150)];
    const seen: number[][] = [];
    const results = await gridSearch(
      { k: [1, 2, 3] },
      ({ k }, split) => {
        seen.push([split.fold, split.train[0]!.shape[0]!, split.validation[0]!.shape[0]!]);
        return (k - 2) ** 2;
      },
      { data: train, validationData: validation, mode: 'min', metric: 'error' },
    );
    expect(seen).toEqual([
      [0, 100, 50],
      [0, 100, 50],
      [0, 100, 50],
    ]);
    expect(results.trials.map((t) => t.config.k)).toEqual([2, 1, 3]); // ties keep the grid's order
    expect(results.table().split('\n')).toEqual([
      'rank  k  error (1 fold)',
      '1     2  0',
      '2     1  1',
      '3     3  1',
    ]);
  });

  it('without data the objective scores configs on its own; NaN (a diverged run) ranks last', async () => {
    const results = await gridSearch({ lr: [10, 0.1, 1], act: ['relu', 'tanh'] }, ({ lr, act }) =>
      lr === 10 ? Number.NaN : lr + (act === 'tanh' ? 0.5 : 0),
    );
    expect(results.trials.map((t) => [t.config.lr, t.config.act])).toEqual([
      [1, 'tanh'],
      [1, 'relu'],
      [0.1, 'tanh'],
      [0.1, 'relu'],
      [10, 'relu'],
      [10, 'tanh'],
    ]);
    expect(results.table().split('\n')[5]).toBe('5     10   relu  NaN');
  });

  it('errors name gridSearch and say what was expected', async () => {
    const score = () => 1;
    await expect(gridSearch({}, score)).rejects.toThrow(
      /^gridSearch: space must be an object mapping each hyper-parameter to its values, got/,
    );
    await expect(gridSearch({ lr: [] }, score)).rejects.toThrow(
      /^gridSearch: space\.lr has no values; give at least one$/,
    );
    await expect(gridSearch({ lr: [1] }, score, { data: [x, y] })).rejects.toThrow(
      /^gridSearch: with data give exactly one of folds \(cross-validation\) or validationData \(hold-out\)$/,
    );
    await expect(gridSearch({ lr: [1] }, score, { folds })).rejects.toThrow(/^gridSearch: folds needs data/);
    await expect(
      gridSearch({ lr: [1] }, score, { data: [x, y], folds: [{ train: [0, 1], validation: [150] }] }),
    ).rejects.toThrow(/^gridSearch: folds\[0\]\.validation holds position 150, but data has 150 rows$/);
    await expect(gridSearch({ lr: [1] }, () => '0.9' as unknown as number)).rejects.toThrow(
      /^gridSearch: the objective must return a number \(the score\), got the string '0\.9' for config \{"lr":1\}$/,
    );
    await expect(gridSearch({ lr: [1] }, score, { mode: 'maximum' as 'max' })).rejects.toThrow(
      /^gridSearch: mode must be one of 'max', 'min'/,
    );
  });
});

describe('randomSearch', () => {
  const space = {
    lr: { logUniform: [1e-4, 1e-1] },
    hidden: { int: [4, 6] },
    dropout: { uniform: [0, 0.5] },
    activation: ['relu', 'tanh'],
  } as const;
  // a cheap objective: best at lr = 1e-2 (no training needed to test the search itself)
  const score = ({ lr }: { lr: number }) => (Math.log10(lr) + 2) ** 2;

  it('is seeded: the same seed samples the same configs, another seed others; values stay in range', async () => {
    const a = await randomSearch(space, score, { trials: 40, seed: 1, mode: 'min' });
    const b = await randomSearch(space, score, { trials: 40, seed: 1, mode: 'min' });
    const c = await randomSearch(space, score, { trials: 40, seed: 2, mode: 'min' });
    expect(b.trials).toEqual(a.trials);
    expect(c.trials.map((t) => t.config)).not.toEqual(a.trials.map((t) => t.config));
    const configs = a.trials.map((t) => t.config);
    expect(configs.every((k) => k.lr >= 1e-4 && k.lr < 1e-1)).toBe(true);
    expect(new Set(configs.map((k) => k.hidden))).toEqual(new Set([4, 5, 6])); // both ends included
    expect(configs.every((k) => k.dropout >= 0 && k.dropout < 0.5)).toBe(true);
    expect(new Set(configs.map((k) => k.activation))).toEqual(new Set(['relu', 'tanh']));
    // log-uniform: about a third of the draws in each decade
    const firstDecade = configs.filter((k) => k.lr < 1e-3).length;
    expect(firstDecade).toBeGreaterThan(4);
    expect(firstDecade).toBeLessThan(24);
    // mode 'min': the best trial is the one closest to lr = 1e-2
    expect(a.best.mean).toBe(Math.min(...a.trials.map((t) => t.mean)));
    expect(Math.abs(Math.log10(a.best.config.lr) + 2)).toBeLessThan(0.2);
  });

  it('cross-validates each sampled config on iris like gridSearch', async () => {
    const results = await randomSearch({ lr: { logUniform: [0.01, 0.1] }, hidden: [8] }, irisAccuracy, {
      trials: 2,
      data: [x, y],
      folds,
      metric: 'accuracy',
      seed: 0,
    });
    expect(results.trials.every((t) => t.scores.length === 3)).toBe(true);
    expect(results.best.mean).toBeGreaterThan(0.8);
  });

  it('rejects bad distributions and trial counts in its own name', async () => {
    await expect(randomSearch({ lr: { logUniform: [0, 1] } }, score, { trials: 1 })).rejects.toThrow(
      /^randomSearch: space\.lr must be a non-empty array of values or \{ uniform \| logUniform \| int: \[low, high\] \}, got/,
    );
    await expect(randomSearch({ n: { int: [2.5, 4] } }, () => 0, { trials: 1 })).rejects.toThrow(
      /^randomSearch: space\.n must be/,
    );
    await expect(randomSearch({ lr: [0.1] }, score, { trials: 0 })).rejects.toThrow(
      /^randomSearch: trials must be an integer >= 1, got 0$/,
    );
    await expect(randomSearch({ lr: [0.1] }, score, undefined as never)).rejects.toThrow(
      /^randomSearch: options must be an object with trials/,
    );
  });
});
