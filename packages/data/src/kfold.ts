import { generatorFor, positionsByClass, shuffleInPlace } from './shuffle.js';
import { checkOptions, requireBoolean, requireInteger } from './validate.js';

/** One fold of cross-validation: sample positions to train on and to validate on. */
export interface Fold {
  train: Int32Array;
  validation: Int32Array;
}

/** Options of {@link kFold}. */
export interface KFoldOptions {
  shuffle?: boolean;
  /** Class labels: each fold keeps the class proportions (stratified k-fold). */
  stratified?: ArrayLike<number>;
  seed?: number;
}

/**
 * k-fold cross-validation: the n sample positions split into k folds of near-equal size; fold i
 * validates on part i and trains on the rest, so every position is validated exactly once.
 *
 * @example for (const { train, validation } of kFold(150, 5, { shuffle: true, seed: 0 })) { ... }
 */
export function kFold(n: number, k: number, options: KFoldOptions = {}): Fold[] {
  checkOptions('kFold', options, ['shuffle', 'stratified', 'seed']);
  requireInteger('kFold', 'n', n, 2);
  if (options.shuffle !== undefined) requireBoolean('kFold', 'shuffle', options.shuffle);
  if (!Number.isInteger(k) || k < 2 || k > n)
    throw new RangeError(`kFold: k must be an integer in 2..${n}, got ${k}`);
  const generator = generatorFor(options.seed);
  const part = new Int32Array(n); // fold of each position
  if (options.stratified !== undefined) {
    if (options.stratified.length !== n)
      throw new RangeError(`kFold: ${options.stratified.length} labels for ${n} samples`);
    // Deal each class's (shuffled) positions round-robin over the folds, continuing where the
    // previous class stopped, so fold sizes stay within one of each other.
    let next = 0;
    for (const group of positionsByClass(
      options.stratified,
      options.shuffle ? generator : undefined,
    ).values()) {
      for (const p of group) part[p] = next++ % k;
    }
  } else {
    const order = Int32Array.from({ length: n }, (_, i) => i);
    if (options.shuffle) shuffleInPlace(order, generator);
    const base = Math.floor(n / k);
    const extra = n % k;
    let at = 0;
    for (let f = 0; f < k; f++) {
      const size = base + (f < extra ? 1 : 0);
      for (let i = 0; i < size; i++) part[order[at++]!] = f;
    }
  }
  return Array.from({ length: k }, (_, f) => ({
    train: Int32Array.from(part.keys()).filter((p) => part[p] !== f),
    validation: Int32Array.from(part.keys()).filter((p) => part[p] === f),
  }));
}
