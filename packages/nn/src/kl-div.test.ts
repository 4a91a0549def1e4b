import { gradcheck, tensor } from '@myelin/tensor';
import { describe, expect, it } from 'vitest';
import { functional as F, klDiv } from './index.js';

const Q = [
  [0.2, 0.3, 0.5],
  [0.1, 0.6, 0.3],
];
const P = [
  [0.1, 0.9, 0],
  [0.25, 0.25, 0.5],
];
// By hand: p·(ln p − ln q), and 0 where p = 0.
const HAND = P.map((row, i) => row.map((p, j) => (p === 0 ? 0 : p * (Math.log(p) - Math.log(Q[i]![j]!)))));
const SUM = HAND.flat().reduce((a, b) => a + b, 0);

describe('klDiv (torch.nn.functional.kl_div)', () => {
  const input = tensor(Q).log();
  const target = tensor(P);

  it('per element p·(log p − input), 0 where p = 0, and every reduction', () => {
    const none = klDiv(input, target, { reduction: 'none' }).toArray() as number[][];
    none.flat().forEach((v, k) => {
      expect(v).toBeCloseTo(HAND.flat()[k]!, 6);
    });
    expect(klDiv(input, target, { reduction: 'sum' }).item()).toBeCloseTo(SUM, 6);
    expect(klDiv(input, target).item()).toBeCloseTo(SUM / 6, 6); // 'mean' (default): over all 6 elements
    expect(klDiv(input, target, { reduction: 'batchmean' }).item()).toBeCloseTo(SUM / 2, 6); // per sample
    // PyTorch 1.13 (float64): sum 1.1850546522583634, batchmean 0.5925273261291817
    expect(klDiv(input, target, { reduction: 'sum' }).item()).toBeCloseTo(1.1850546522583634, 5);
    expect(F.klDiv(input, target, { reduction: 'batchmean' }).item()).toBeCloseTo(0.5925273261291817, 5);
  });

  it('logTarget takes log p: the same divergence', () => {
    const p = tensor([
      [0.1, 0.9],
      [0.25, 0.75],
    ]);
    const q = tensor([
      [0.5, 0.5],
      [0.4, 0.6],
    ]).log();
    const direct = klDiv(q, p, { reduction: 'sum' }).item();
    expect(klDiv(q, p.log(), { reduction: 'sum', logTarget: true }).item()).toBeCloseTo(direct, 6);
    const hand =
      0.1 * Math.log(0.1 / 0.5) +
      0.9 * Math.log(0.9 / 0.5) +
      0.25 * Math.log(0.25 / 0.4) +
      0.75 * Math.log(0.75 / 0.6);
    expect(direct).toBeCloseTo(hand, 6);
  });

  it('is 0 for identical distributions and positive otherwise (Gibbs)', () => {
    expect(klDiv(tensor(P[1]!).log(), tensor(P[1]!), { reduction: 'sum' }).item()).toBeCloseTo(0, 7);
    expect(klDiv(input, target, { reduction: 'batchmean' }).item()).toBeGreaterThan(0);
  });

  it('gradients pass gradcheck (input through logSoftmax, and target, with both target modes)', () => {
    const logits = tensor(
      [
        [0.3, -1.2, 0.8],
        [1.5, 0.1, -0.4],
      ],
      { requiresGrad: true },
    );
    const p = tensor(
      [
        [0.2, 0.5, 0.3],
        [0.6, 0.1, 0.3],
      ],
      { requiresGrad: true },
    );
    gradcheck((x, t) => klDiv(F.logSoftmax(x, 1), t, { reduction: 'batchmean' }), [logits, p]);
    gradcheck((x, t) => klDiv(F.logSoftmax(x, 1), t, { reduction: 'none', logTarget: true }), [logits, p]);
    // d/d input of batchmean is −p / N (PyTorch: [[-0.05, -0.45, 0], ...] for P above)
    const x = tensor(Q).log().requiresGrad_();
    klDiv(x, target, { reduction: 'batchmean' }).backward();
    expect(Array.from(x.grad!.data()).map((v) => +v.toFixed(6))).toEqual([
      -0.05, -0.45, 0, -0.125, -0.125, -0.25,
    ]);
  });

  it('names itself in errors', () => {
    expect(() => klDiv(input, tensor([1, 2]))).toThrow(/^klDiv: /);
    expect(() => klDiv(input, target, { reduction: 'avg' as never })).toThrow(/^klDiv: reduction must be/);
    expect(() => klDiv(input, target, { logTarget: 1 as never })).toThrow(/^klDiv: logTarget/);
    expect(() => klDiv(tensor(0.1).log(), tensor(0.2), { reduction: 'batchmean' })).toThrow(
      /klDiv: reduction 'batchmean' needs a batch/,
    );
  });
});
