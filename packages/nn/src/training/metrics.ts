// Metrics: accumulate over batches (exactly, from counts and sums) and compute at the end of an
// epoch. Classification metrics take logits or probabilities [N, C] (or a single column of logits /
// probabilities for binary problems) and int32 class targets [N].
import type { Tensor } from '@myelin/tensor';
import { checkOptions, requireBoolean, requireInteger, requireTensor } from '../validate.js';

/** A metric that accumulates over the batches of an epoch. */
export interface Metric {
  /** The key in logs and history ('accuracy', 'f1', …; validation values get a 'val' prefix). */
  readonly name: string;
  update(output: Tensor, target: Tensor): void;
  compute(): number;
  reset(): void;
}

/** Predicted class per row: argmax of [N, C] scores, or threshold for a single column (0 for logits, 0.5 for probabilities). */
function predictedClasses(output: Tensor, fromLogits: boolean): Int32Array {
  const values = output.data();
  if (output.ndim === 1 || output.shape[1] === 1)
    return Int32Array.from(values, (v) => (v > (fromLogits ? 0 : 0.5) ? 1 : 0));
  const [n, c] = output.shape as [number, number];
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < c; j++) if (values[i * c + j]! > values[i * c + best]!) best = j;
    out[i] = best;
  }
  return out;
}

/** The class behind each metric name, for error messages. */
const OWNERS = {
  precision: 'Precision',
  recall: 'Recall',
  f1: 'F1Score',
  mae: 'MeanAbsoluteError',
  mse: 'MeanSquaredError',
  r2: 'R2Score',
} as const;

/** Checks a metric's `update(output, target)` arguments: two tensors. */
function checkUpdate(fn: string, output: unknown, target: unknown): void {
  requireTensor(fn, 'output', output);
  requireTensor(fn, 'target', target);
}

function targetClasses(name: string, target: Tensor, n: number): ArrayLike<number> {
  const t = target.data();
  if (t.length !== n) throw new RangeError(`${name}: ${n} predictions but ${t.length} targets`);
  return t;
}

/** Fraction of correct predictions. @example new Accuracy() */
export class Accuracy implements Metric {
  readonly name = 'accuracy';
  private correct = 0;
  private total = 0;

  constructor(private readonly options: { fromLogits?: boolean } = {}) {
    checkOptions('Accuracy', options, ['fromLogits']);
    if (options.fromLogits !== undefined) requireBoolean('Accuracy', 'fromLogits', options.fromLogits);
  }

  update(output: Tensor, target: Tensor): void {
    checkUpdate('Accuracy.update', output, target);
    const predicted = predictedClasses(output, this.options.fromLogits ?? true);
    const t = targetClasses('Accuracy.update', target, predicted.length);
    for (let i = 0; i < predicted.length; i++) if (predicted[i] === t[i]) this.correct++;
    this.total += predicted.length;
  }

  compute(): number {
    return this.total === 0 ? 0 : this.correct / this.total;
  }

  reset(): void {
    this.correct = this.total = 0;
  }
}

/** Fraction of samples whose target is among the k highest scores. @example new TopKAccuracy(3) */
export class TopKAccuracy implements Metric {
  readonly name: string;
  private hits = 0;
  private total = 0;

  constructor(readonly k = 5) {
    requireInteger('TopKAccuracy', 'k', k, 1);
    this.name = `top${k}Accuracy`;
  }

  update(output: Tensor, target: Tensor): void {
    checkUpdate('TopKAccuracy.update', output, target);
    if (output.ndim !== 2)
      throw new RangeError(`TopKAccuracy.update: expected scores [N, C], got [${output.shape.join(',')}]`);
    const values = output.data();
    const [n, c] = output.shape as [number, number];
    const t = targetClasses('TopKAccuracy.update', target, n);
    for (let i = 0; i < n; i++) {
      const score = values[i * c + t[i]!]!;
      let higher = 0;
      for (let j = 0; j < c; j++) if (values[i * c + j]! > score) higher++;
      if (higher < this.k) this.hits++;
    }
    this.total += n;
  }

  compute(): number {
    return this.total === 0 ? 0 : this.hits / this.total;
  }

  reset(): void {
    this.hits = this.total = 0;
  }
}

/**
 * The confusion matrix: rows are true classes, columns predicted ones.
 *
 * @example confusionMatrix(predictedLabels, labels, 10)
 */
export function confusionMatrix(
  predicted: ArrayLike<number>,
  actual: ArrayLike<number>,
  numClasses: number,
): number[][] {
  requireInteger('confusionMatrix', 'numClasses', numClasses, 1);
  if (predicted.length !== actual.length) {
    throw new RangeError(
      `confusionMatrix: ${predicted.length} predicted labels but ${actual.length} actual ones; expected as many`,
    );
  }
  const m = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < actual.length; i++) {
    const [a, p] = [actual[i]!, predicted[i]!];
    if (a < 0 || a >= numClasses || p < 0 || p >= numClasses)
      throw new RangeError(
        `confusionMatrix: class ${a < 0 || a >= numClasses ? a : p} outside 0..${numClasses - 1}`,
      );
    m[a]![p]!++;
  }
  return m;
}

/** Macro-averaged precision, recall and F1 from a confusion matrix (classes never predicted or present count as 0). */
export function precisionRecallF1(matrix: readonly (readonly number[])[]): {
  precision: number;
  recall: number;
  f1: number;
} {
  const c = matrix.length;
  let precision = 0;
  let recall = 0;
  let f1 = 0;
  for (let k = 0; k < c; k++) {
    const tp = matrix[k]![k]!;
    const predicted = matrix.reduce((s, row) => s + row[k]!, 0);
    const actual = matrix[k]!.reduce((s, v) => s + v, 0);
    const p = predicted === 0 ? 0 : tp / predicted;
    const r = actual === 0 ? 0 : tp / actual;
    precision += p;
    recall += r;
    f1 += p + r === 0 ? 0 : (2 * p * r) / (p + r);
  }
  return { precision: precision / c, recall: recall / c, f1: f1 / c };
}

/** Accumulates a confusion matrix; `compute()` gives the macro precision, recall or F1. */
class ConfusionMetric implements Metric {
  private matrix: number[][];

  constructor(
    readonly name: 'precision' | 'recall' | 'f1',
    private readonly numClasses: number,
  ) {
    requireInteger(OWNERS[name], 'numClasses', numClasses, 1);
    this.matrix = confusionMatrix([], [], numClasses);
  }

  update(output: Tensor, target: Tensor): void {
    checkUpdate(`${OWNERS[this.name]}.update`, output, target);
    const predicted = predictedClasses(output, true);
    const t = targetClasses(`${OWNERS[this.name]}.update`, target, predicted.length);
    const batch = confusionMatrix(predicted, t, this.numClasses);
    for (let i = 0; i < this.numClasses; i++)
      for (let j = 0; j < this.numClasses; j++) this.matrix[i]![j]! += batch[i]![j]!;
  }

  compute(): number {
    return precisionRecallF1(this.matrix)[this.name];
  }

  reset(): void {
    this.matrix = confusionMatrix([], [], this.numClasses);
  }
}

/** Macro-averaged precision over `numClasses` classes. @example new Precision(10) */
export class Precision extends ConfusionMetric {
  constructor(numClasses: number) {
    super('precision', numClasses);
  }
}

/** Macro-averaged recall. @example new Recall(10) */
export class Recall extends ConfusionMetric {
  constructor(numClasses: number) {
    super('recall', numClasses);
  }
}

/** Macro-averaged F1 (the mean of per-class F1). @example new F1Score(10) */
export class F1Score extends ConfusionMetric {
  constructor(numClasses: number) {
    super('f1', numClasses);
  }
}

/** Regression metrics from running sums: mean absolute error, mean squared error, R². */
class RegressionMetric implements Metric {
  private n = 0;
  private absError = 0;
  private sqError = 0;
  private sumY = 0;
  private sumY2 = 0;

  constructor(readonly name: 'mae' | 'mse' | 'r2') {}

  update(output: Tensor, target: Tensor): void {
    checkUpdate(`${OWNERS[this.name]}.update`, output, target);
    const p = output.data();
    const t = target.data();
    if (p.length !== t.length)
      throw new RangeError(`${OWNERS[this.name]}.update: ${p.length} predictions but ${t.length} targets`);
    for (let i = 0; i < p.length; i++) {
      const e = p[i]! - t[i]!;
      this.absError += Math.abs(e);
      this.sqError += e * e;
      this.sumY += t[i]!;
      this.sumY2 += t[i]! * t[i]!;
    }
    this.n += p.length;
  }

  compute(): number {
    if (this.n === 0) return 0;
    if (this.name === 'mae') return this.absError / this.n;
    if (this.name === 'mse') return this.sqError / this.n;
    const total = this.sumY2 - (this.sumY * this.sumY) / this.n;
    return total === 0 ? 0 : 1 - this.sqError / total;
  }

  reset(): void {
    this.n = this.absError = this.sqError = this.sumY = this.sumY2 = 0;
  }
}

/** Mean absolute error. @example new MeanAbsoluteError() */
export class MeanAbsoluteError extends RegressionMetric {
  constructor() {
    super('mae');
  }
}

/** Mean squared error. @example new MeanSquaredError() */
export class MeanSquaredError extends RegressionMetric {
  constructor() {
    super('mse');
  }
}

/** Coefficient of determination R² = 1 − SS_res/SS_tot. @example new R2Score() */
export class R2Score extends RegressionMetric {
  constructor() {
    super('r2');
  }
}

/** A metric by name: 'accuracy', 'mae', 'mse' or 'r2' (others need a class count; construct them). */
export function metricByName(name: string): Metric {
  switch (name) {
    case 'accuracy':
      return new Accuracy();
    case 'mae':
      return new MeanAbsoluteError();
    case 'mse':
      return new MeanSquaredError();
    case 'r2':
      return new R2Score();
    default:
      throw new RangeError(
        `metrics: unknown metric '${name}' (use 'accuracy', 'mae', 'mse', 'r2' or pass a Metric such as new F1Score(numClasses))`,
      );
  }
}
