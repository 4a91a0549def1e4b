import { type Tensor, tensor } from '@myelin/tensor';
import { type Dataset, Subset } from './dataset.js';
import { generatorFor, positionsByClass, shuffleInPlace } from './shuffle.js';
import { checkOptions, describeValue, requireBoolean, requireTensor } from './validate.js';

/**
 * Splits a dataset into non-overlapping random subsets of the given sizes, or fractions summing to
 * 1 (as torch.utils.data.random_split; leftover samples of fractional splits go round-robin).
 *
 * @example const [train, val] = randomSplit(ds, [0.8, 0.2], { seed: 0 });
 */
export function randomSplit<T>(
  dataset: Dataset<T>,
  lengths: readonly number[],
  options: { seed?: number } = {},
): Subset<T>[] {
  checkOptions('randomSplit', options, ['seed']);
  if (!Array.isArray(lengths) || !lengths.every((l) => typeof l === 'number'))
    throw new TypeError(`randomSplit: lengths must be an array of numbers, got ${describeValue(lengths)}`);
  const n = dataset.length;
  let sizes: number[];
  const fractional =
    lengths.every((l) => l >= 0 && l <= 1) && Math.abs(lengths.reduce((a, b) => a + b, 0) - 1) < 1e-9;
  if (fractional && lengths.reduce((a, b) => a + b, 0) !== n) {
    sizes = lengths.map((f) => Math.floor(f * n));
    let rest = n - sizes.reduce((a, b) => a + b, 0);
    for (let i = 0; rest > 0; i = (i + 1) % sizes.length, rest--) sizes[i]!++;
  } else {
    if (!lengths.every((l) => Number.isInteger(l) && l >= 0) || lengths.reduce((a, b) => a + b, 0) !== n) {
      throw new RangeError(
        `randomSplit: lengths [${lengths.join(', ')}] must be fractions summing to 1 or sizes summing to ${n}`,
      );
    }
    sizes = [...lengths];
  }
  const order = shuffleInPlace(
    Int32Array.from({ length: n }, (_, i) => i),
    generatorFor(options.seed),
  );
  let at = 0;
  return sizes.map((size) => {
    const subset = new Subset(dataset, order.subarray(at, at + size));
    at += size;
    return subset;
  });
}

/** Options of {@link trainTestSplit}. */
export interface SplitOptions {
  /** Fraction (0..1) or number of samples in the test part (default 0.25). */
  testSize?: number;
  /** Keep each class's proportion in both parts (uses the labels `y`; default false). */
  stratify?: boolean;
  /** Shuffle before splitting (default true). */
  shuffle?: boolean;
  seed?: number;
}

/** Rows of `t` at `rows`, as a new tensor. */
function rowsOf(t: Tensor, rows: readonly number[]): Tensor {
  const index = tensor(Int32Array.from(rows));
  const out = t.indexSelect(0, index);
  index.dispose();
  return out;
}

/** Positions of the test part: stratified per class (largest remainders), or a plain prefix. */
function testPositions(
  n: number,
  testCount: number,
  labels: ArrayLike<number> | null,
  shuffle: boolean,
  seed: number | undefined,
): Set<number> {
  const generator = generatorFor(seed);
  if (labels === null) {
    const order = Int32Array.from({ length: n }, (_, i) => i);
    if (shuffle) shuffleInPlace(order, generator);
    return new Set(order.subarray(0, testCount));
  }
  const groups = positionsByClass(labels, shuffle ? generator : undefined);
  const quotas = [...groups.values()].map((g) => (g.length * testCount) / n);
  const counts = quotas.map(Math.floor);
  let rest = testCount - counts.reduce((a, b) => a + b, 0);
  const byRemainder = quotas.map((q, i) => [q - Math.floor(q), i] as const).sort((a, b) => b[0] - a[0]);
  for (const [, i] of byRemainder) {
    if (rest-- <= 0) break;
    counts[i]!++;
  }
  const out = new Set<number>();
  [...groups.values()].forEach((g, i) => {
    for (const p of g.slice(0, counts[i])) out.add(p);
  });
  return out;
}

/**
 * Splits features `x` and labels `y` (rows) into train and test parts, optionally stratified so that
 * both keep the class proportions of `y` (as scikit-learn's train_test_split).
 *
 * @example const { xTrain, xTest, yTrain, yTest } = trainTestSplit(x, y, { testSize: 0.2, stratify: true, seed: 0 });
 */
export function trainTestSplit(
  x: Tensor,
  y: Tensor,
  options: SplitOptions = {},
): { xTrain: Tensor; xTest: Tensor; yTrain: Tensor; yTest: Tensor } {
  checkOptions('trainTestSplit', options, ['testSize', 'stratify', 'shuffle', 'seed']);
  requireTensor('trainTestSplit', 'x', x);
  requireTensor('trainTestSplit', 'y', y);
  const { testSize = 0.25, stratify = false, shuffle = true, seed } = options;
  if (typeof testSize !== 'number')
    throw new TypeError(`trainTestSplit: testSize must be a number, got ${describeValue(testSize)}`);
  requireBoolean('trainTestSplit', 'stratify', stratify);
  requireBoolean('trainTestSplit', 'shuffle', shuffle);
  const n = x.shape[0] ?? 0;
  if (y.shape[0] !== n) throw new RangeError(`trainTestSplit: x has ${n} rows but y has ${y.shape[0]}`);
  const testCount = testSize < 1 ? Math.round(testSize * n) : testSize;
  if (!(testSize > 0) || !Number.isInteger(testCount) || testCount < 1 || testCount >= n) {
    throw new RangeError(`trainTestSplit: testSize ${testSize} leaves no samples in one part (n = ${n})`);
  }
  if (stratify && !shuffle) throw new RangeError('trainTestSplit: stratify requires shuffle');
  const labels = stratify ? (y.ndim === 1 ? y.data() : null) : null;
  if (stratify && labels === null)
    throw new RangeError(
      `trainTestSplit: stratify needs 1-D class labels, got y of shape [${y.shape.join(',')}]`,
    );
  const test = testPositions(n, testCount, labels, shuffle, seed);
  const testRows = [...test].sort((a, b) => a - b);
  const trainRows = Array.from({ length: n }, (_, i) => i).filter((i) => !test.has(i));
  return {
    xTrain: rowsOf(x, trainRows),
    xTest: rowsOf(x, testRows),
    yTrain: rowsOf(y, trainRows),
    yTest: rowsOf(y, testRows),
  };
}

/**
 * Train / validation / test split in one call (validation for model selection and early stopping,
 * test touched once at the end, as the course notes teach). Sizes are fractions of the whole.
 *
 * @example const s = trainValidationTestSplit(x, y, { validationSize: 0.15, testSize: 0.15, stratify: true, seed: 0 });
 */
export function trainValidationTestSplit(
  x: Tensor,
  y: Tensor,
  options: SplitOptions & { validationSize?: number } = {},
): {
  xTrain: Tensor;
  xValidation: Tensor;
  xTest: Tensor;
  yTrain: Tensor;
  yValidation: Tensor;
  yTest: Tensor;
} {
  checkOptions('trainValidationTestSplit', options, [
    'validationSize',
    'testSize',
    'stratify',
    'shuffle',
    'seed',
  ]);
  const { validationSize = 0.15, testSize = 0.15, ...rest } = options;
  if (
    typeof validationSize !== 'number' ||
    typeof testSize !== 'number' ||
    !(validationSize > 0 && testSize > 0 && validationSize + testSize < 1)
  ) {
    throw new RangeError(
      `trainValidationTestSplit: validationSize ${validationSize} and testSize ${testSize} must be fractions summing below 1`,
    );
  }
  const outer = trainTestSplit(x, y, { ...rest, testSize });
  const inner = trainTestSplit(outer.xTrain, outer.yTrain, {
    ...rest,
    testSize: validationSize / (1 - testSize),
    seed: rest.seed === undefined ? undefined : rest.seed + 1,
  });
  outer.xTrain.dispose();
  outer.yTrain.dispose();
  return {
    xTrain: inner.xTrain,
    xValidation: inner.xTest,
    xTest: outer.xTest,
    yTrain: inner.yTrain,
    yValidation: inner.yTest,
    yTest: outer.yTest,
  };
}
