import { tensor } from '@myelin/tensor';
import { describe, expect, it } from 'vitest';
import {
  Accuracy,
  confusionMatrix,
  F1Score,
  MeanAbsoluteError,
  MeanSquaredError,
  Precision,
  precisionRecallF1,
  R2Score,
  Recall,
  TopKAccuracy,
} from './index.js';

const labels = (v: number[]) => tensor(v, { dtype: 'int32' });

describe('metrics (against hand-computed values)', () => {
  it('accuracy from logits, probabilities and single-column binary outputs, accumulated over batches', () => {
    const acc = new Accuracy();
    acc.update(
      tensor([
        [2, 1],
        [0, 3],
      ]),
      labels([0, 0]),
    ); // 1 of 2
    acc.update(tensor([[0.1, 0.9, 0]]), labels([1])); // 1 of 1
    expect(acc.compute()).toBeCloseTo(2 / 3, 12);
    acc.reset();
    acc.update(tensor([[-2], [0.5], [3]]), labels([0, 0, 1])); // logits > 0 → 1: [0, 1, 1]
    expect(acc.compute()).toBeCloseTo(2 / 3, 12);
    const probabilities = new Accuracy({ fromLogits: false });
    probabilities.update(tensor([0.2, 0.7, 0.4]), labels([0, 1, 1]));
    expect(probabilities.compute()).toBeCloseTo(2 / 3, 12);
  });

  it('top-k accuracy', () => {
    const top2 = new TopKAccuracy(2);
    top2.update(
      tensor([
        [0.1, 0.5, 0.4],
        [0.7, 0.2, 0.1],
        [0.3, 0.3, 0.4],
      ]),
      labels([2, 2, 0]),
    );
    // sample 0: class 2 is 2nd → hit; sample 1: class 2 is 3rd → miss; sample 2: class 0 ties 2nd (one higher) → hit
    expect(top2.compute()).toBeCloseTo(2 / 3, 12);
  });

  it('confusion matrix and macro precision / recall / F1', () => {
    const m = confusionMatrix([0, 1, 1, 2, 2, 2], [0, 1, 2, 2, 2, 0], 3);
    expect(m).toEqual([
      [1, 0, 1],
      [0, 1, 0],
      [0, 1, 2],
    ]);
    // precision per class: 1/1, 1/2, 2/3; recall: 1/2, 1/1, 2/3
    const { precision, recall, f1 } = precisionRecallF1(m);
    expect(precision).toBeCloseTo((1 + 0.5 + 2 / 3) / 3, 12);
    expect(recall).toBeCloseTo((0.5 + 1 + 2 / 3) / 3, 12);
    const f = (p: number, r: number) => (2 * p * r) / (p + r);
    expect(f1).toBeCloseTo((f(1, 0.5) + f(0.5, 1) + f(2 / 3, 2 / 3)) / 3, 12);
    const logits = tensor([
      [9, 0, 0],
      [0, 9, 0],
      [0, 9, 0],
      [0, 0, 9],
      [0, 0, 9],
      [0, 0, 9],
    ]);
    const y = labels([0, 1, 2, 2, 2, 0]);
    for (const [metric, want] of [
      [new Precision(3), precision],
      [new Recall(3), recall],
      [new F1Score(3), f1],
    ] as const) {
      metric.update(logits, y);
      expect(metric.compute()).toBeCloseTo(want, 12);
    }
    expect(() => confusionMatrix([3], [0], 3)).toThrow(/class 3 outside 0..2/);
  });

  it('MAE, MSE and R²', () => {
    const pred = tensor([2.5, 0, 2, 8]);
    const y = tensor([3, -0.5, 2, 7]);
    const mae = new MeanAbsoluteError();
    const mse = new MeanSquaredError();
    const r2 = new R2Score();
    for (const m of [mae, mse, r2]) m.update(pred, y);
    expect(mae.compute()).toBeCloseTo(0.5, 12);
    expect(mse.compute()).toBeCloseTo(0.375, 12);
    expect(r2.compute()).toBeCloseTo(0.9486081370449679, 6); // scikit-learn's r2_score on this example
  });
});
