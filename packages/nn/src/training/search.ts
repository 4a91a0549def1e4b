// Hyper-parameter search (issue 18 item 3): grid search and seeded random search over a config
// space, each config scored on hold-out data or by k-fold cross-validation, results ranked and
// printable. The course notes: "Anything that is not learned and is set by the user is a
// hyper-parameter ... find, guess or tune" (004_dd40d634f9b46b7b.txt "Training"), k-fold cross
// validation (004 "Evaluating"), "choose parameters that work best on validation and evaluate on
// test" and "try each fold as validation and average the results" (002_267a31ebb5518d37.txt §1.3).
// It lives in nn beside fit/evaluate; the folds come from @myelin/data's kFold, which nn does not
// import: any array of { train, validation } positions will do.
import { Generator, manualSeed, type Tensor, tensor } from '@myelin/tensor';
import {
  checkOptions,
  describeValue,
  requireChoice,
  requireInteger,
  requireNumber,
  requireTensor,
} from '../validate.js';

/** A distribution to sample a hyper-parameter from in {@link randomSearch}. */
export type Distribution =
  /** Uniform in [low, high). */
  | { uniform: readonly [number, number] }
  /** Log-uniform in [low, high): as likely in [1e-4, 1e-3) as in [1e-2, 1e-1) (learning rates). */
  | { logUniform: readonly [number, number] }
  /** An integer in low..high, both included, all equally likely. */
  | { int: readonly [number, number] };

/** Grid: the values to try for each hyper-parameter, e.g. `{ lr: [0.1, 0.01], hidden: [8, 16] }`. */
export type GridSpace = Record<string, readonly unknown[]>;

/** Random search: for each hyper-parameter, values to choose among (uniformly) or a {@link Distribution}. */
export type RandomSpace = Record<string, readonly unknown[] | Distribution>;

/** The config a space produces: one value per hyper-parameter. */
export type ConfigOf<S> = { [K in keyof S]: S[K] extends readonly (infer V)[] ? V : number };

/** What the objective is given besides the config: the data of one fold (empty without `data`). */
export interface SearchSplit {
  /** Index of the fold (0 for a hold-out split or without data). */
  fold: number;
  /** `data`'s tensors restricted to this fold's training positions (or `data` itself for hold-out). */
  train: Tensor[];
  /** The fold's validation rows of `data`'s tensors (or `validationData`). */
  validation: Tensor[];
}

/** Scores a config on a split: trains a fresh model and returns its validation metric. */
export type Objective<C> = (config: C, split: SearchSplit) => number | Promise<number>;

/** Options of {@link gridSearch} and {@link randomSearch}. */
export interface SearchOptions {
  /** Tensors whose first dimension indexes samples (e.g. `[x, y]`), split by `folds` or used with `validationData`. */
  data?: readonly Tensor[];
  /** Cross-validation folds: positions of `data`'s rows, e.g. `kFold(n, 5, { stratified })` from @myelin/data. */
  folds?: readonly { train: ArrayLike<number>; validation: ArrayLike<number> }[];
  /** Hold-out validation tensors (with `data` as the training set): one evaluation per config. */
  validationData?: readonly Tensor[];
  /** 'max' (default): a higher score is better (accuracy); 'min': lower is better (loss, error). */
  mode?: 'max' | 'min';
  /** The score's name in the table (default 'score'). */
  metric?: string;
  /**
   * Seeds the default generator (`manualSeed(seed + fold)`) before every evaluation, so every config
   * starts from the same initial weights and the results do not depend on the order of the trials.
   * In {@link randomSearch} it also seeds the sampling of configs (default 0 there).
   */
  seed?: number;
  /** 0 silent (default); 1 one line per config as it finishes. */
  verbose?: 0 | 1;
}

/** Options of {@link randomSearch}: {@link SearchOptions} and the number of configs to sample. */
export interface RandomSearchOptions extends SearchOptions {
  trials: number;
}

/** One config's result: its score on every fold, their mean and (population) standard deviation. */
export interface SearchTrial<C> {
  config: C;
  scores: number[];
  mean: number;
  std: number;
  /** 1 for the best config. */
  rank: number;
}

/**
 * The configs of a search, best first (NaN means rank last); `table()` prints them with the metric's
 * mean ± std over the folds.
 *
 * @example console.log((await gridSearch(space, objective, options)).table());
 */
export class SearchResults<C> {
  constructor(
    /** Every config tried, best first. */
    readonly trials: SearchTrial<C>[],
    readonly metric: string,
    readonly mode: 'max' | 'min',
    readonly folds: number,
  ) {}

  /** The best config's trial. */
  get best(): SearchTrial<C> {
    return this.trials[0]!;
  }

  /**
   * A plain-text table: rank, the hyper-parameters, and `metric mean ± std` (over the folds).
   *
   * @example
   * // rank  lr    hidden  accuracy (5 folds)
   * // 1     0.01  16      0.9667 ± 0.0211
   */
  table(): string {
    const keys = Object.keys((this.trials[0]?.config ?? {}) as object);
    const header = ['rank', ...keys, `${this.metric} (${this.folds} fold${this.folds === 1 ? '' : 's'})`];
    const rows = this.trials.map((t) => [
      String(t.rank),
      ...keys.map((k) => formatValue((t.config as Record<string, unknown>)[k])),
      this.folds === 1 ? formatValue(t.mean) : `${formatValue(t.mean)} ± ${formatValue(t.std)}`,
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    return [header, ...rows]
      .map((r) =>
        r
          .map((c, i) => c.padEnd(widths[i]!))
          .join('  ')
          .trimEnd(),
      )
      .join('\n');
  }

  toString(): string {
    return this.table();
  }
}

/** Numbers to 4 significant digits (0.001, 0.9667, 128), everything else as JSON. */
function formatValue(value: unknown): string {
  if (typeof value === 'number')
    return Number.isFinite(value) ? String(Number(value.toPrecision(4))) : String(value);
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * Grid search: scores every combination of the space's values (the last hyper-parameter varies
 * fastest) with `objective`, by k-fold cross-validation when `folds` are given, and returns them
 * ranked by mean score. The objective owns what it creates: dispose the model (and optimizer) before
 * returning, and memory stays flat over any number of configs; the fold tensors the search makes are
 * freed after each evaluation.
 *
 * @example
 * const { data, target } = loadIris(); // from @myelin/data, with kFold
 * const results = await gridSearch({ lr: [0.1, 0.01], hidden: [4, 16] }, async ({ lr, hidden }, { train, validation }) => {
 *   const model = new Sequential(new Linear(4, hidden), new ReLU(), new Linear(hidden, 3));
 *   await fit(model, [train[0]!, train[1]!], { optimizer: new Adam(model.parameters(), { lr }), loss: crossEntropy, epochs: 30, verbose: 0 });
 *   const { accuracy } = evaluate(model, [validation[0]!, validation[1]!], { metrics: ['accuracy'] });
 *   model.dispose();
 *   return accuracy!;
 * }, { data: [data, target], folds: kFold(150, 5, { shuffle: true, stratified: target.data(), seed: 0 }), metric: 'accuracy', seed: 0 });
 * console.log(results.table()); results.best.config; // { lr: 0.01, hidden: 16 }
 */
export async function gridSearch<S extends GridSpace>(
  space: S,
  objective: Objective<ConfigOf<S>>,
  options: SearchOptions = {},
): Promise<SearchResults<ConfigOf<S>>> {
  const fn = 'gridSearch';
  checkSearchOptions(fn, options, []);
  const keys = checkSpace(fn, space, false);
  let configs: Record<string, unknown>[] = [{}];
  for (const key of keys) {
    configs = configs.flatMap((config) =>
      (space[key] as readonly unknown[]).map((v) => ({ ...config, [key]: v })),
    );
  }
  return runSearch(fn, configs as ConfigOf<S>[], objective, options);
}

/**
 * Random search (Bergstra & Bengio 2012): scores `trials` configs drawn from the space — each value
 * chosen uniformly from a list, or sampled from a {@link Distribution} — with a generator seeded by
 * `seed` (default 0), so the same seed gives the same configs; otherwise as {@link gridSearch}.
 * With few trials it explores more values of each hyper-parameter than a grid of the same size.
 *
 * @example
 * const results = await randomSearch(
 *   { lr: { logUniform: [1e-3, 1e-1] }, hidden: { int: [4, 32] }, activation: ['relu', 'tanh'] },
 *   objective, // as in gridSearch's example
 *   { trials: 10, data: [x, y], folds: kFold(150, 3, { stratified: y.data() }), metric: 'accuracy', seed: 0 },
 * );
 * console.log(results.table());
 */
export async function randomSearch<S extends RandomSpace>(
  space: S,
  objective: Objective<ConfigOf<S>>,
  options: RandomSearchOptions,
): Promise<SearchResults<ConfigOf<S>>> {
  const fn = 'randomSearch';
  if (options === null || typeof options !== 'object')
    throw new TypeError(`${fn}: options must be an object with trials, got ${describeValue(options)}`);
  checkSearchOptions(fn, options, ['trials']);
  requireInteger(fn, 'trials', options.trials, 1);
  const keys = checkSpace(fn, space, true);
  const generator = new Generator(options.seed ?? 0);
  const configs = Array.from({ length: options.trials }, () =>
    Object.fromEntries(keys.map((key) => [key, sample(space[key]!, generator)])),
  );
  return runSearch(fn, configs as ConfigOf<S>[], objective, options);
}

function sample(entry: readonly unknown[] | Distribution, generator: Generator): unknown {
  if (Array.isArray(entry)) return entry[generator.nextInt(0, entry.length)];
  const d = entry as Partial<Record<'uniform' | 'logUniform' | 'int', readonly [number, number]>>;
  if (d.uniform) return d.uniform[0] + generator.nextFloat() * (d.uniform[1] - d.uniform[0]);
  if (d.logUniform) {
    const [low, high] = d.logUniform.map(Math.log) as [number, number];
    return Math.exp(low + generator.nextFloat() * (high - low));
  }
  return generator.nextInt(d.int![0], d.int![1] + 1);
}

/** Checks the space (a non-empty object of non-empty lists, or distributions) and returns its keys. */
function checkSpace(fn: string, space: unknown, distributions: boolean): string[] {
  if (space === null || typeof space !== 'object' || Array.isArray(space) || Object.keys(space).length === 0)
    throw new TypeError(
      `${fn}: space must be an object mapping each hyper-parameter to ${distributions ? 'its values or a distribution' : 'its values'}, got ${describeValue(space)}`,
    );
  for (const [key, entry] of Object.entries(space)) {
    if (Array.isArray(entry)) {
      if (entry.length === 0) throw new RangeError(`${fn}: space.${key} has no values; give at least one`);
      continue;
    }
    const expected = distributions
      ? 'a non-empty array of values or { uniform | logUniform | int: [low, high] }'
      : 'a non-empty array of values';
    const kinds = entry !== null && typeof entry === 'object' ? Object.keys(entry) : [];
    const kind = kinds[0];
    const range = kind === undefined ? undefined : (entry as Record<string, unknown>)[kind];
    const ok =
      distributions &&
      kinds.length === 1 &&
      (kind === 'uniform' || kind === 'logUniform' || kind === 'int') &&
      Array.isArray(range) &&
      range.length === 2 &&
      range.every(Number.isFinite) &&
      (kind === 'int' ? range.every(Number.isInteger) && range[0] <= range[1] : range[0] < range[1]) &&
      (kind !== 'logUniform' || range[0] > 0);
    if (!ok) throw new TypeError(`${fn}: space.${key} must be ${expected}, got ${describeValue(entry)}`);
  }
  return Object.keys(space);
}

function checkSearchOptions(fn: string, options: SearchOptions, extra: readonly string[]): void {
  checkOptions(fn, options, [
    'data',
    'folds',
    'validationData',
    'mode',
    'metric',
    'seed',
    'verbose',
    ...extra,
  ]);
  const { data, folds, validationData } = options;
  if (options.mode !== undefined) requireChoice(fn, 'mode', options.mode, ['max', 'min']);
  if (options.metric !== undefined && typeof options.metric !== 'string')
    throw new TypeError(
      `${fn}: metric must be a string (the score's name), got ${describeValue(options.metric)}`,
    );
  if (options.seed !== undefined) requireNumber(fn, 'seed', options.seed);
  if (options.verbose !== undefined) requireChoice(fn, 'verbose', options.verbose, [0, 1]);
  const tensors = (name: string, list: unknown) => {
    if (!Array.isArray(list) || list.length === 0)
      throw new TypeError(`${fn}: ${name} must be a non-empty array of tensors, got ${describeValue(list)}`);
    for (const [i, t] of list.entries()) requireTensor(fn, `${name}[${i}]`, t);
  };
  if (data !== undefined) tensors('data', data);
  if (validationData !== undefined) tensors('validationData', validationData);
  if ((folds !== undefined || validationData !== undefined) && data === undefined)
    throw new TypeError(
      `${fn}: ${folds !== undefined ? 'folds' : 'validationData'} needs data (the tensors to train on)`,
    );
  if (data !== undefined && (folds === undefined) === (validationData === undefined))
    throw new TypeError(
      `${fn}: with data give exactly one of folds (cross-validation) or validationData (hold-out)`,
    );
  if (folds !== undefined) {
    if (!Array.isArray(folds) || folds.length === 0)
      throw new TypeError(
        `${fn}: folds must be a non-empty array of { train, validation }, got ${describeValue(folds)}`,
      );
    const n = data![0]!.shape[0] ?? 0;
    for (const t of data!)
      if (t.shape[0] !== n)
        throw new RangeError(
          `${fn}: data's tensors must have the same number of rows, got ${data!.map((d) => d.shape[0]).join(' and ')}`,
        );
    folds.forEach((fold, i) => {
      for (const part of ['train', 'validation'] as const) {
        const positions = (fold as Partial<Record<string, ArrayLike<number>>>)?.[part];
        if (positions === undefined || typeof positions.length !== 'number' || positions.length === 0)
          throw new TypeError(
            `${fn}: folds[${i}].${part} must be a non-empty array of row positions, got ${describeValue(positions)}`,
          );
        for (let j = 0; j < positions.length; j++) {
          const p = positions[j]!;
          if (!Number.isInteger(p) || p < 0 || p >= n)
            throw new RangeError(`${fn}: folds[${i}].${part} holds position ${p}, but data has ${n} rows`);
        }
      }
    });
  }
}

async function runSearch<C>(
  fn: string,
  configs: C[],
  objective: Objective<C>,
  options: SearchOptions,
): Promise<SearchResults<C>> {
  if (typeof objective !== 'function')
    throw new TypeError(
      `${fn}: objective must be a function (config, split) => score, got ${describeValue(objective)}`,
    );
  const { data, folds, validationData, mode = 'max', metric = 'score', seed, verbose = 0 } = options;
  const splits = folds?.length ?? 1;
  const trials: SearchTrial<C>[] = [];
  for (const [index, config] of configs.entries()) {
    const scores: number[] = [];
    for (let fold = 0; fold < splits; fold++) {
      if (seed !== undefined) manualSeed(seed + fold);
      const owned: Tensor[] = [];
      const rows = (positions: ArrayLike<number>) => {
        const at = tensor(Int32Array.from(positions), { dtype: 'int32' });
        const picked = data!.map((t) => t.indexSelect(0, at));
        at.dispose();
        owned.push(...picked);
        return picked;
      };
      const split: SearchSplit =
        folds !== undefined
          ? { fold, train: rows(folds[fold]!.train), validation: rows(folds[fold]!.validation) }
          : {
              fold,
              train: data === undefined ? [] : [...data],
              validation: validationData === undefined ? [] : [...validationData],
            };
      let score: unknown;
      try {
        score = await objective(config, split);
      } finally {
        for (const t of owned) t.dispose();
      }
      if (typeof score !== 'number')
        throw new TypeError(
          `${fn}: the objective must return a number (the score), got ${describeValue(score)} for config ${JSON.stringify(config)}`,
        );
      scores.push(score);
    }
    const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
    const std = Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / scores.length);
    trials.push({ config, scores, mean, std, rank: 0 });
    if (verbose === 1)
      console.log(
        `${fn}: config ${index + 1}/${configs.length} ${JSON.stringify(config)}: ${metric} ${formatValue(mean)}${splits > 1 ? ` ± ${formatValue(std)}` : ''}`,
      );
  }
  const key = (t: SearchTrial<C>) =>
    Number.isNaN(t.mean) ? Number.NEGATIVE_INFINITY : mode === 'max' ? t.mean : -t.mean;
  trials.sort((a, b) => key(b) - key(a) || 0); // stable: ties keep the order they were tried in
  trials.forEach((t, i) => {
    t.rank = i + 1;
  });
  return new SearchResults(trials, metric, mode, splits);
}
