import { defaultGenerator, Generator, type Tensor, tensor } from '@myelin/tensor';
import {
  checkOptions,
  positive,
  requireBoolean,
  requireInteger,
  requireNumber,
  requireTensor,
} from '../validate.js';

/** What {@link Perceptron.fit} reports. */
export interface PerceptronFitResult {
  /** Whether an epoch passed with no misclassification (the data was separated). */
  converged: boolean;
  /** Epochs run. */
  epochs: number;
  /** Misclassified samples in each epoch. */
  errorsPerEpoch: number[];
}

/**
 * Rosenblatt's perceptron (1958): h(x) = step(w·x + b) with the perceptron learning rule, applied
 * sample by sample: w ← w + α(y − h(x))·x, b ← b + α(y − h(x)). It converges when the classes are
 * linearly separable (AND, OR) and cannot when they are not (XOR) — `fit` reports which.
 *
 * @example
 * const p = new Perceptron(2);
 * const { converged } = p.fit(x, y); // x [4, 2], y [4] of 0/1
 */
export class Perceptron {
  readonly weight: Float64Array;
  bias = 0;

  constructor(
    readonly inFeatures: number,
    readonly options: { learningRate?: number } = {},
  ) {
    requireInteger('Perceptron', 'inFeatures', inFeatures, 1);
    checkOptions('Perceptron', options, ['learningRate']);
    requireNumber('Perceptron', 'learningRate', options.learningRate ?? 1, positive);
    this.weight = new Float64Array(inFeatures);
  }

  private activation(row: ArrayLike<number>, at: number): number {
    let z = this.bias;
    for (let j = 0; j < this.inFeatures; j++) z += this.weight[j]! * row[at + j]!;
    return z > 0 ? 1 : 0;
  }

  /** Applies the learning rule for up to `epochs` passes; stops early once an epoch makes no error. */
  fit(
    x: Tensor,
    y: Tensor,
    options: { epochs?: number; shuffle?: boolean; seed?: number } = {},
  ): PerceptronFitResult {
    checkOptions('Perceptron.fit', options, ['epochs', 'shuffle', 'seed']);
    const { epochs = 100, shuffle = false } = options;
    requireInteger('Perceptron.fit', 'epochs', epochs, 1);
    requireBoolean('Perceptron.fit', 'shuffle', shuffle);
    if (options.seed !== undefined) requireInteger('Perceptron.fit', 'seed', options.seed);
    requireTensor('Perceptron.fit', 'x', x);
    requireTensor('Perceptron.fit', 'y', y);
    if (x.ndim !== 2 || x.shape[1] !== this.inFeatures)
      throw new RangeError(`Perceptron.fit: expected x [N, ${this.inFeatures}], got [${x.shape.join(',')}]`);
    const n = x.shape[0]!;
    if (y.ndim !== 1 || y.shape[0] !== n)
      throw new RangeError(`Perceptron.fit: expected y [${n}], got [${y.shape.join(',')}]`);
    const xs = x.data();
    const ys = y.data();
    for (const [i, v] of ys.entries())
      if (v !== 0 && v !== 1) throw new RangeError(`Perceptron.fit: labels must be 0 or 1, got ${v} at ${i}`);
    const rate = this.options.learningRate ?? 1;
    const generator = options.seed === undefined ? defaultGenerator : new Generator(options.seed);
    const order = Array.from({ length: n }, (_, i) => i);
    const errorsPerEpoch: number[] = [];
    for (let epoch = 0; epoch < epochs; epoch++) {
      if (shuffle) {
        for (let i = n - 1; i > 0; i--) {
          const j = generator.nextInt(0, i + 1);
          [order[i], order[j]] = [order[j]!, order[i]!];
        }
      }
      let errors = 0;
      for (const i of order) {
        const delta = ys[i]! - this.activation(xs, i * this.inFeatures);
        if (delta === 0) continue;
        errors++;
        for (let j = 0; j < this.inFeatures; j++)
          this.weight[j]! += rate * delta * xs[i * this.inFeatures + j]!;
        this.bias += rate * delta;
      }
      errorsPerEpoch.push(errors);
      if (errors === 0) return { converged: true, epochs: epoch + 1, errorsPerEpoch };
    }
    return { converged: false, epochs, errorsPerEpoch };
  }

  /** Predicted classes (int32 0/1) for the rows of `x`. */
  predict(x: Tensor): Tensor {
    requireTensor('Perceptron.predict', 'x', x);
    if (x.ndim !== 2 || x.shape[1] !== this.inFeatures)
      throw new RangeError(
        `Perceptron.predict: expected x [N, ${this.inFeatures}], got [${x.shape.join(',')}]`,
      );
    const xs = x.data();
    return tensor(
      Int32Array.from({ length: x.shape[0]! }, (_, i) => this.activation(xs, i * this.inFeatures)),
    );
  }
}
