import { gradcheck, manualSeed, rand, randn, type Tensor, tensor } from '@myelin/tensor';
import { describe, expect, it } from 'vitest';
import {
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  crossEntropy,
  huberLoss,
  l1Loss,
  mseLoss,
  multiMarginLoss,
  nllLoss,
} from './index.js';

const labels = (v: number[]) => tensor(v, { dtype: 'int32' });
const logSoftmaxRow = (row: number[]) => {
  const m = Math.max(...row);
  const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
  return row.map((v) => v - lse);
};

describe('regression losses', () => {
  const x = tensor([1, 2, 3, -1]);
  const y = tensor([1.5, 2, 0, 1]);

  it('mse, l1 and huber with every reduction (float64 references)', () => {
    expect(mseLoss(x, y).item()).toBeCloseTo((0.25 + 0 + 9 + 4) / 4, 6);
    expect(mseLoss(x, y, { reduction: 'sum' }).item()).toBeCloseTo(13.25, 5);
    expect(mseLoss(x, y, { reduction: 'none' }).toArray()).toEqual([0.25, 0, 9, 4]);
    expect(l1Loss(x, y).item()).toBeCloseTo((0.5 + 0 + 3 + 2) / 4, 6);
    // huber, delta 1: 0.5·0.25 = 0.125, 0, 1·(3 − 0.5) = 2.5, 1·(2 − 0.5) = 1.5
    expect(huberLoss(x, y, { reduction: 'none' }).toArray()).toEqual([0.125, 0, 2.5, 1.5]);
    expect(huberLoss(x, y, { delta: 2, reduction: 'sum' }).item()).toBeCloseTo(
      0.125 + 0 + 2 * (3 - 1) + 2,
      5,
    );
    expect(() => mseLoss(x, tensor([1]))).toThrow('mseLoss: input shape [4] and target shape [1] differ');
    expect(() => mseLoss(x, y, { reduction: 'avg' as never })).toThrow(/reduction must be/);
  });

  it('gradients', () => {
    manualSeed(1);
    const t = randn([6]);
    for (const loss of [mseLoss, l1Loss, huberLoss]) {
      expect(gradcheck((a) => loss(a!, t), [randn([6], { requiresGrad: true })]).ok).toBe(true);
    }
  });
});

describe('binary cross-entropy', () => {
  it('on probabilities and on logits agree, against float64', () => {
    const logits = tensor([-2, 0.5, 3]);
    const target = tensor([0, 1, 1]);
    const p = [-2, 0.5, 3].map((v) => 1 / (1 + Math.exp(-v)));
    const want = [0, 1, 1].map((t, i) => -(t * Math.log(p[i]!) + (1 - t) * Math.log(1 - p[i]!)));
    const mean = want.reduce((a, b) => a + b, 0) / 3;
    expect(binaryCrossEntropyWithLogits(logits, target).item()).toBeCloseTo(mean, 6);
    expect(binaryCrossEntropy(logits.sigmoid(), target).item()).toBeCloseTo(mean, 6);
    expect(() => binaryCrossEntropy(tensor([1.5]), tensor([1]))).toThrow(
      /1 input values are outside \[0, 1\]/,
    );
  });

  it('is stable for logits of ±100 (and ±1000): finite, exact values', () => {
    const big = binaryCrossEntropyWithLogits(tensor([100, -100, 100, -100, 1000]), tensor([1, 0, 0, 1, 0]), {
      reduction: 'none',
    });
    const v = Array.from(big.data());
    expect(v[0]).toBeLessThan(1e-30);
    expect(v[1]).toBeLessThan(1e-30);
    expect(v[2]).toBeCloseTo(100, 4);
    expect(v[3]).toBeCloseTo(100, 4);
    expect(v[4]).toBeCloseTo(1000, 2);
    const g = tensor([100, -100], { requiresGrad: true });
    binaryCrossEntropyWithLogits(g, tensor([0, 1]), { reduction: 'sum' }).backward();
    expect(Array.from(g.grad!.data())).toEqual([1, -1]); // σ(x) − y, saturated
    // Probabilities of exactly 0 and 1: logs clamp at −100 as in PyTorch.
    expect(binaryCrossEntropy(tensor([0, 1]), tensor([1, 0]), { reduction: 'none' }).toArray()).toEqual([
      100, 100,
    ]);
  });

  it('posWeight weighs positives, and gradients check', () => {
    const logits = tensor([0.3, -0.2]);
    const target = tensor([1, 0]);
    const plain = binaryCrossEntropyWithLogits(logits, target, { reduction: 'none' }).toArray() as number[];
    const weighted = binaryCrossEntropyWithLogits(logits, target, {
      posWeight: 3,
      reduction: 'none',
    }).toArray() as number[];
    expect(weighted[0]).toBeCloseTo(3 * plain[0]!, 6);
    expect(weighted[1]).toBeCloseTo(plain[1]!, 6);
    manualSeed(2);
    const t = rand([5]);
    expect(
      gradcheck(
        (a) => binaryCrossEntropyWithLogits(a!, t, { posWeight: 2 }),
        [randn([5], { requiresGrad: true })],
      ).ok,
    ).toBe(true);
    expect(
      gradcheck((a) => binaryCrossEntropy(a!.sigmoid(), t), [randn([5], { requiresGrad: true })]).ok,
    ).toBe(true);
  });
});

describe('crossEntropy and nllLoss', () => {
  const logits = tensor([
    [2, 1, 0.1],
    [0.5, 2.5, 0.3],
    [1, 1, 1],
  ]);
  const y = labels([0, 1, 2]);
  const rows = logits.toArray() as number[][];
  const logp = rows.map(logSoftmaxRow);

  it('equals −log softmax at the target (float64), with every reduction; nllLoss agrees', () => {
    const per = logp.map((r, i) => -r[[0, 1, 2][i]!]!);
    const none = crossEntropy(logits, y, { reduction: 'none' }).toArray() as number[];
    expect(none.map((v) => +v.toFixed(5))).toEqual(per.map((v) => +v.toFixed(5)));
    expect(crossEntropy(logits, y).item()).toBeCloseTo(per.reduce((a, b) => a + b) / 3, 6);
    expect(crossEntropy(logits, y, { reduction: 'sum' }).item()).toBeCloseTo(
      per.reduce((a, b) => a + b),
      5,
    );
    expect(nllLoss(logits.logSoftmax(1), y).item()).toBeCloseTo(crossEntropy(logits, y).item(), 6);
  });

  it('probability targets: one-hot equals class indices; soft targets use −Σ p log q', () => {
    const oneHot = tensor([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    expect(crossEntropy(logits, oneHot).item()).toBeCloseTo(crossEntropy(logits, y).item(), 6);
    const soft = tensor([
      [0.5, 0.5, 0],
      [0, 0.2, 0.8],
      [1 / 3, 1 / 3, 1 / 3],
    ]);
    const softRows = soft.toArray() as number[][];
    const want = logp.map((r, i) => -r.reduce((s, v, c) => s + softRows[i]![c]! * v, 0));
    expect(crossEntropy(logits, soft).item()).toBeCloseTo(want.reduce((a, b) => a + b) / 3, 5);
  });

  it('label smoothing: (1 − ε)·nll + ε·mean over classes of −log q, for indices and for probabilities', () => {
    const eps = 0.1;
    const want = logp.map((r, i) => (1 - eps) * -r[i]! + eps * (-r.reduce((a, b) => a + b) / 3));
    expect(crossEntropy(logits, y, { labelSmoothing: eps }).item()).toBeCloseTo(
      want.reduce((a, b) => a + b) / 3,
      5,
    );
    const oneHot = tensor([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    expect(crossEntropy(logits, oneHot, { labelSmoothing: eps }).item()).toBeCloseTo(
      crossEntropy(logits, y, { labelSmoothing: eps }).item(),
      5,
    );
  });

  it("class weights: 'mean' divides by the targets' total weight (as PyTorch)", () => {
    const weight = tensor([1, 2, 0.5]);
    const per = logp.map((r, i) => -r[i]! * [1, 2, 0.5][i]!);
    expect(crossEntropy(logits, y, { weight }).item()).toBeCloseTo(per.reduce((a, b) => a + b) / 3.5, 5);
    expect(nllLoss(logits.logSoftmax(1), y, { weight, reduction: 'sum' }).item()).toBeCloseTo(
      per.reduce((a, b) => a + b),
      5,
    );
  });

  it('is stable for logits of ±100 and beyond', () => {
    const extreme = tensor([
      [100, -100],
      [-100, 100],
      [1000, 0],
    ]);
    const loss = crossEntropy(extreme, labels([1, 1, 0]), { reduction: 'none' }).toArray() as number[];
    expect(loss[0]).toBeCloseTo(200, 3);
    expect(loss[1]).toBeCloseTo(0, 6);
    expect(loss[2]).toBeCloseTo(0, 6);
    const g = tensor([[100, -100]], { requiresGrad: true });
    crossEntropy(g, labels([1])).backward();
    expect(g.grad!.toArray()).toEqual([[1, -1]]); // softmax − onehot
  });

  it('errors name the problem', () => {
    expect(() => crossEntropy(logits, labels([0, 3, 1]))).toThrow(
      'crossEntropy: target 3 at position 1 is not a class index in 0..2',
    );
    expect(() => crossEntropy(logits, labels([0, 1]))).toThrow(/expected targets of shape \[3\], got \[2\]/);
    // Float class labels were reported as a shape mismatch (issue 16 #5): say they must be int32.
    expect(() => crossEntropy(logits, tensor([0, 1, 2]).reshape(3))).toThrow(
      /^crossEntropy: class-index targets must be int32, got a float32 tensor of shape \[3\] \(convert with \.int\(\)/,
    );
    expect(() => crossEntropy(tensor([1, 2]), y)).toThrow(/expected logits \[N, C\]/);
  });

  it('gradients for index and probability targets, weights and smoothing', () => {
    manualSeed(3);
    const t = labels([2, 0, 1, 1]);
    const probs = rand([4, 3]).softmax(1);
    const w = tensor([0.5, 1, 2]);
    const cases: ((a: Tensor) => Tensor)[] = [
      (a) => crossEntropy(a, t),
      (a) => crossEntropy(a, t, { weight: w, labelSmoothing: 0.2 }),
      (a) => crossEntropy(a, probs, { labelSmoothing: 0.1 }),
      (a) => nllLoss(a.logSoftmax(1), t, { weight: w }),
      (a) => multiMarginLoss(a, t),
      (a) => multiMarginLoss(a, t, { p: 2, margin: 0.5 }),
    ];
    for (const fn of cases)
      expect(gradcheck((a) => fn(a!), [randn([4, 3], { requiresGrad: true })]).ok).toBe(true);
  });
});

describe('multiMarginLoss (SVM)', () => {
  it('is PyTorch’s form; times C it is the CS231n hinge loss (their worked example)', () => {
    // CS231n: scores [3.2, 5.1, -1.7] for the correct class 0 → max(0, 5.1 − 3.2 + 1) + max(0, −1.7 − 3.2 + 1) = 2.9
    const scores = tensor([[3.2, 5.1, -1.7]]);
    const loss = multiMarginLoss(scores, labels([0])).item();
    expect(loss * 3).toBeCloseTo(2.9, 5);
    expect(multiMarginLoss(tensor([[1.3, 4.9, 2.0]]), labels([1])).item() * 3).toBeCloseTo(0, 6);
    expect(multiMarginLoss(tensor([[2.2, 2.5, -3.1]]), labels([2])).item() * 3).toBeCloseTo(12.9, 4);
  });
});
