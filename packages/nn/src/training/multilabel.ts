// Multi-label classification metrics: each of L labels is an independent yes/no decision (one
// sigmoid per label, trained with binaryCrossEntropyWithLogits), so a sample may have several.
// Outputs and targets are [N, L]; a label is predicted when its probability exceeds `threshold`.
import type { Tensor } from '@myelin/tensor';
import { checkOptions, requireBoolean, requireChoice, requireNumber, requireTensor } from '../validate.js';
import type { Metric } from './metrics.js';

/** Options shared by the multi-label metrics. */
export interface MultilabelOptions {
  /** Probability above which a label is predicted (default 0.5). */
  threshold?: number;
  /** Outputs are logits (default true, as fit's outputs with binaryCrossEntropyWithLogits); false for probabilities. */
  fromLogits?: boolean;
}

/** Precision, recall and F1 of one label or one average. */
export interface PrecisionRecallF1 {
  precision: number;
  recall: number;
  f1: number;
}

/** Everything {@link multilabelReport} computes. */
export interface MultilabelReport {
  /** One entry per label, with `support` = how many samples truly have the label. */
  perLabel: (PrecisionRecallF1 & { support: number })[];
  /** From the counts pooled over all labels. */
  micro: PrecisionRecallF1;
  /** The unweighted mean of the per-label values. */
  macro: PrecisionRecallF1;
  /** Fraction of (sample, label) decisions that are wrong. */
  hammingLoss: number;
  /** Fraction of samples with every label right (exact match). */
  subsetAccuracy: number;
}

const scores = (tp: number, fp: number, fn: number): PrecisionRecallF1 => {
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
};

/** Per-label true/false positive/negative counts and exact matches, accumulated over batches. */
class MultilabelCounts {
  tp: number[] = [];
  fp: number[] = [];
  fn: number[] = [];
  exact = 0;
  samples = 0;
  private readonly cut: number;
  private readonly updateName: string;

  constructor(
    owner: string,
    options: MultilabelOptions,
    valid: readonly string[] = ['threshold', 'fromLogits'],
  ) {
    this.updateName = owner === 'multilabelReport' ? owner : `${owner}.update`;
    checkOptions(owner, options, valid);
    const threshold = options.threshold ?? 0.5;
    requireNumber(owner, 'threshold', threshold);
    if (!(threshold > 0 && threshold < 1))
      throw new RangeError(`${owner}: threshold must be a probability in (0, 1), got ${threshold}`);
    if (options.fromLogits !== undefined) requireBoolean(owner, 'fromLogits', options.fromLogits);
    // sigmoid(z) > t  ⇔  z > log(t / (1 − t)): compare logits directly.
    this.cut = (options.fromLogits ?? true) ? Math.log(threshold / (1 - threshold)) : threshold;
  }

  update(output: Tensor, target: Tensor): void {
    const fn = this.updateName;
    requireTensor(fn, 'output', output);
    requireTensor(fn, 'target', target);
    if (output.ndim !== 2 || target.ndim !== 2 || output.shape.join() !== target.shape.join())
      throw new RangeError(
        `${fn}: expected output and target of the same shape [N, labels], got [${output.shape.join(',')}] and [${target.shape.join(',')}]`,
      );
    const [n, labels] = output.shape as [number, number];
    if (this.tp.length === 0) {
      this.tp = new Array<number>(labels).fill(0);
      this.fp = new Array<number>(labels).fill(0);
      this.fn = new Array<number>(labels).fill(0);
    } else if (this.tp.length !== labels)
      throw new RangeError(`${fn}: got ${labels} labels after batches with ${this.tp.length}`);
    const o = output.data();
    const t = target.data();
    for (let i = 0; i < n; i++) {
      let allRight = true;
      for (let j = 0; j < labels; j++) {
        const predicted = o[i * labels + j]! > this.cut;
        const actual = t[i * labels + j]! > 0.5;
        if (predicted && actual) this.tp[j]!++;
        else if (predicted) this.fp[j]!++;
        else if (actual) this.fn[j]!++;
        if (predicted !== actual) allRight = false;
      }
      if (allRight) this.exact++;
    }
    this.samples += n;
  }

  report(): MultilabelReport {
    const labels = this.tp.length;
    const perLabel = this.tp.map((tp, j) => ({
      ...scores(tp, this.fp[j]!, this.fn[j]!),
      support: tp + this.fn[j]!,
    }));
    const sum = (xs: readonly number[]) => xs.reduce((s, v) => s + v, 0);
    const mean = (key: keyof PrecisionRecallF1) =>
      labels === 0 ? 0 : sum(perLabel.map((p) => p[key])) / labels;
    const wrong = sum(this.fp) + sum(this.fn);
    return {
      perLabel,
      micro: scores(sum(this.tp), sum(this.fp), sum(this.fn)),
      macro: { precision: mean('precision'), recall: mean('recall'), f1: mean('f1') },
      hammingLoss: this.samples === 0 ? 0 : wrong / (this.samples * labels),
      subsetAccuracy: this.samples === 0 ? 0 : this.exact / this.samples,
    };
  }

  reset(): void {
    this.tp = [];
    this.fp = [];
    this.fn = [];
    this.exact = this.samples = 0;
  }
}

/**
 * Per-label and micro/macro precision, recall and F1, Hamming loss and subset accuracy of
 * multi-label predictions `output` [N, L] (logits by default) against 0/1 `target` [N, L].
 * A label with no predicted (or no true) positives has precision (recall) 0.
 *
 * @example
 * const r = multilabelReport(model.forward(x), y, { threshold: 0.5 });
 * r.micro.f1; r.perLabel[0].recall; r.hammingLoss;
 */
export function multilabelReport(
  output: Tensor,
  target: Tensor,
  options: MultilabelOptions = {},
): MultilabelReport {
  const counts = new MultilabelCounts('multilabelReport', options);
  counts.update(output, target);
  return counts.report();
}

/** Base of the multi-label metrics for `fit`: accumulates counts, computes one number. */
abstract class MultilabelMetric implements Metric {
  abstract readonly name: string;
  protected readonly counts: MultilabelCounts;

  constructor(
    owner: string,
    options: MultilabelOptions & { average?: 'micro' | 'macro' },
    averaged: boolean,
  ) {
    this.counts = new MultilabelCounts(
      owner,
      options,
      averaged ? ['threshold', 'fromLogits', 'average'] : ['threshold', 'fromLogits'],
    );
    if (averaged && options.average !== undefined)
      requireChoice(owner, 'average', options.average, ['micro', 'macro']);
  }

  update(output: Tensor, target: Tensor): void {
    this.counts.update(output, target);
  }

  abstract compute(): number;

  reset(): void {
    this.counts.reset();
  }
}

/** Averaged multi-label precision, recall or F1 (micro by default). */
class AveragedMetric extends MultilabelMetric {
  readonly name: string;
  private readonly average: 'micro' | 'macro';

  constructor(
    owner: string,
    private readonly key: keyof PrecisionRecallF1,
    options: MultilabelOptions & { average?: 'micro' | 'macro' },
  ) {
    super(owner, options, true);
    this.average = options.average ?? 'micro';
    this.name = `${this.average}${key === 'f1' ? 'F1' : key[0]!.toUpperCase() + key.slice(1)}`;
  }

  compute(): number {
    return this.counts.report()[this.average][this.key];
  }
}

/** Multi-label precision for `fit`, logged as 'microPrecision' or 'macroPrecision'. @example new MultilabelPrecision({ average: 'macro' }) */
export class MultilabelPrecision extends AveragedMetric {
  constructor(options: MultilabelOptions & { average?: 'micro' | 'macro' } = {}) {
    super('MultilabelPrecision', 'precision', options);
  }
}

/** Multi-label recall for `fit`, logged as 'microRecall' or 'macroRecall'. @example new MultilabelRecall() */
export class MultilabelRecall extends AveragedMetric {
  constructor(options: MultilabelOptions & { average?: 'micro' | 'macro' } = {}) {
    super('MultilabelRecall', 'recall', options);
  }
}

/** Multi-label F1 for `fit`, logged as 'microF1' or 'macroF1'. @example new MultilabelF1({ threshold: 0.4 }) */
export class MultilabelF1 extends AveragedMetric {
  constructor(options: MultilabelOptions & { average?: 'micro' | 'macro' } = {}) {
    super('MultilabelF1', 'f1', options);
  }
}

/** Fraction of wrong (sample, label) decisions, for `fit` ('hammingLoss'). @example new HammingLoss() */
export class HammingLoss extends MultilabelMetric {
  readonly name = 'hammingLoss';
  constructor(options: MultilabelOptions = {}) {
    super('HammingLoss', options, false);
  }
  compute(): number {
    return this.counts.report().hammingLoss;
  }
}

/** Fraction of samples with all labels right, for `fit` ('subsetAccuracy'). @example new SubsetAccuracy() */
export class SubsetAccuracy extends MultilabelMetric {
  readonly name = 'subsetAccuracy';
  constructor(options: MultilabelOptions = {}) {
    super('SubsetAccuracy', options, false);
  }
  compute(): number {
    return this.counts.report().subsetAccuracy;
  }
}
