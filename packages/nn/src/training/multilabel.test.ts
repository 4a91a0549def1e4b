// Issue 18 item 3: multi-label classification, as 004_dd40d634f9b46b7b.txt "Classification"
// teaches it ("multi-label: sigmoid, 0s and 1s, binary cross entropy" — a molecule can be
// odourless and flammable at the same time).
import { Adam } from '@myelin/optim';
import { manualSeed, randn, stack, tensor } from '@myelin/tensor';
import { describe, expect, it } from 'vitest';
import {
  binaryCrossEntropyWithLogits,
  fit,
  HammingLoss,
  Linear,
  MultilabelF1,
  MultilabelPrecision,
  MultilabelRecall,
  multilabelReport,
  SubsetAccuracy,
} from '../index.js';

describe('multi-label metrics (004_dd40d634f9b46b7b.txt, "Classification")', () => {
  // 4 samples × 3 labels, probabilities; threshold 0.5.
  const probs = tensor([
    [0.9, 0.2, 0.7], // predicts {0, 2}
    [0.6, 0.8, 0.1], // predicts {0, 1}
    [0.3, 0.4, 0.9], // predicts {2}
    [0.2, 0.7, 0.4], // predicts {1}
  ]);
  const truth = tensor([
    [1, 0, 1], // exact match
    [0, 1, 0], // label 0 is a false positive
    [1, 0, 1], // label 0 is a false negative
    [0, 1, 1], // label 2 is a false negative
  ]);

  it('per-label, micro and macro precision/recall/F1, Hamming loss and subset accuracy, by hand', () => {
    const r = multilabelReport(probs, truth, { fromLogits: false });
    // label 0: tp 1, fp 1, fn 1 → P = R = F1 = 1/2; label 1: tp 2 → 1, 1, 1; label 2: tp 2, fn 1 → 1, 2/3, 0.8
    expect(r.perLabel.map((p) => p.support)).toEqual([2, 2, 3]);
    expect(r.perLabel[0]).toEqual({ precision: 0.5, recall: 0.5, f1: 0.5, support: 2 });
    expect(r.perLabel[1]).toEqual({ precision: 1, recall: 1, f1: 1, support: 2 });
    expect(r.perLabel[2]!.recall).toBeCloseTo(2 / 3, 12);
    expect(r.perLabel[2]!.f1).toBeCloseTo(0.8, 12);
    // micro: tp 5, fp 1, fn 2
    expect(r.micro.precision).toBeCloseTo(5 / 6, 12);
    expect(r.micro.recall).toBeCloseTo(5 / 7, 12);
    expect(r.micro.f1).toBeCloseTo(10 / 13, 12);
    expect(r.macro.f1).toBeCloseTo((0.5 + 1 + 0.8) / 3, 12);
    expect(r.hammingLoss).toBeCloseTo(3 / 12, 12); // 3 wrong decisions out of 12
    expect(r.subsetAccuracy).toBe(0.25); // only the first row is exactly right
  });

  it('the threshold moves the decision; logits (the default) give the same result as their probabilities', () => {
    const logits = probs.div(probs.neg().add(1)).log();
    expect(multilabelReport(logits, truth)).toEqual(multilabelReport(probs, truth, { fromLogits: false }));
    // At 0.65, row 1 predicts only label 1 (0.6 drops out): the false positive is gone.
    const high = multilabelReport(probs, truth, { fromLogits: false, threshold: 0.65 });
    expect(high.perLabel[0]).toEqual({ precision: 1, recall: 0.5, f1: 2 / 3, support: 2 });
  });

  it('the Metric classes accumulate exactly over batches', () => {
    const f1 = new MultilabelF1({ fromLogits: false });
    const macro = new MultilabelF1({ fromLogits: false, average: 'macro' });
    const hamming = new HammingLoss({ fromLogits: false });
    for (const m of [f1, macro, hamming]) {
      m.update(probs.slice(0, 0, 2), truth.slice(0, 0, 2));
      m.update(probs.slice(0, 2, 4), truth.slice(0, 2, 4));
    }
    expect(f1.name).toBe('microF1');
    expect(macro.name).toBe('macroF1');
    expect(f1.compute()).toBeCloseTo(10 / 13, 6);
    expect(macro.compute()).toBeCloseTo(2.3 / 3, 6);
    expect(hamming.compute()).toBeCloseTo(0.25, 12);
    f1.reset();
    expect(f1.compute()).toBe(0);
  });

  it('errors name the metric and say what was found', () => {
    expect(() => multilabelReport(probs, truth.slice(0, 0, 2))).toThrow(
      /^multilabelReport: expected output and target of the same shape \[N, labels\], got \[4,3\] and \[2,3\]/,
    );
    expect(() => new MultilabelF1({ threshold: 1.5 })).toThrow(
      /^MultilabelF1: threshold must be a probability in \(0, 1\), got 1.5/,
    );
    expect(() => new MultilabelRecall({ average: 'weighted' as never })).toThrow(
      /^MultilabelRecall: average must be one of 'micro', 'macro'/,
    );
    expect(() => new SubsetAccuracy({ average: 'micro' } as never)).toThrow(
      /^SubsetAccuracy: unknown option 'average'/,
    );
    const p = new MultilabelPrecision();
    p.update(probs, truth);
    expect(() => p.update(probs.slice(1, 0, 2), truth.slice(1, 0, 2))).toThrow(
      /^MultilabelPrecision.update: got 2 labels after batches with 3/,
    );
  });

  it('fit: one sigmoid per label + binaryCrossEntropyWithLogits learns a synthetic 3-label set', async () => {
    manualSeed(3);
    // Labels are linearly separable functions of x: x0 > 0, x1 + x2 > 0, x3 − x0 > 0 (several may hold).
    const x = randn([400, 4]);
    const col = (i: number) => x.select(1, i);
    const y = stack([col(0).gt(0), col(1).add(col(2)).gt(0), col(3).sub(col(0)).gt(0)], 1);
    const model = new Linear(4, 3);
    const history = await fit(model, [x.slice(0, 0, 300), y.slice(0, 0, 300)], {
      optimizer: new Adam(model.parameters(), { lr: 0.05 }),
      loss: (out, t) => binaryCrossEntropyWithLogits(out, t),
      epochs: 40,
      batchSize: 50,
      seed: 1,
      verbose: 0,
      validationData: [x.slice(0, 300), y.slice(0, 300)],
      metrics: [
        new MultilabelF1(),
        new MultilabelF1({ average: 'macro' }),
        new HammingLoss(),
        new SubsetAccuracy(),
      ],
    });
    const last = (key: string) => history.get(key).at(-1)!;
    expect(last('valMicroF1')).toBeGreaterThan(0.93);
    expect(last('valMacroF1')).toBeGreaterThan(0.9);
    expect(last('valHammingLoss')).toBeLessThan(0.07);
    expect(last('valSubsetAccuracy')).toBeGreaterThan(0.8);
    // Training improved the metrics (a model that learned nothing would not pass these).
    expect(history.get('microF1')[0]!).toBeLessThan(last('microF1'));
  });
});
