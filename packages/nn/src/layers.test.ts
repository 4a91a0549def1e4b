import { gradcheck, linspace, manualSeed, noGrad, randn, type Tensor, tensor } from '@myelin/tensor';
import { describe, expect, it } from 'vitest';
import {
  Dropout,
  derivative,
  dropout,
  ELU,
  functional as F,
  Flatten,
  Identity,
  LeakyReLU,
  Linear,
  LogSoftmax,
  l1Penalty,
  l2Penalty,
  ReLU,
  SELU,
  Sequential,
  Sigmoid,
  Softmax,
  Softsign,
  Step,
  Tanh,
} from './index.js';

describe('Linear', () => {
  manualSeed(1);

  it('computes x·Wᵀ + b (float64 reference), with and without bias, for batched inputs', () => {
    const fc = new Linear(3, 2);
    const x = randn([4, 3]);
    const W = fc.weight.toArray() as number[][];
    const b = fc.bias!.toArray() as number[];
    const got = fc.forward(x).toArray() as number[][];
    (x.toArray() as number[][]).forEach((row, i) => {
      for (let j = 0; j < 2; j++) {
        const want = row.reduce((s, v, k) => s + v * W[j]![k]!, b[j]!);
        expect(got[i]![j]).toBeCloseTo(want, 5);
      }
    });
    const noBias = new Linear(3, 2, { bias: false });
    expect(noBias.bias).toBeNull();
    expect(noBias.parameters().length).toBe(1);
    expect(fc.forward(randn([5, 7, 3])).shape).toEqual([5, 7, 2]);
    expect(() => fc.forward(randn([4, 5]))).toThrow(
      'Linear.forward: input of shape [4,5] does not end in inFeatures = 3',
    );
    expect(() => new Linear(0, 2)).toThrow(/inFeatures must be an integer >= 1/);
  });

  it('gradients (gradcheck over input, weight and bias)', () => {
    const fc = new Linear(4, 3);
    expect(gradcheck((x) => fc.forward(x!), [randn([5, 4], { requiresGrad: true })]).ok).toBe(true);
    const input = randn([2, 4]);
    expect(gradcheck((w, b) => input.matmul(w!.transpose()).add(b!), [fc.weight, fc.bias!]).ok).toBe(true);
  });
});

describe('Dropout', () => {
  it('is the identity in eval mode and for p = 0', () => {
    const x = randn([10]);
    const d = new Dropout(0.5).eval();
    expect(d.forward(x)).toBe(x);
    expect(dropout(x, 0)).toBe(x);
    expect(() => new Dropout(1)).toThrow(/^Dropout: p must be a number in \[0, 1\), got 1$/);
  });

  it('zeros a fraction p and scales survivors by 1/(1 − p): the expectation is preserved', () => {
    manualSeed(2);
    const x = noGrad(() => tensor(new Float32Array(100_000).fill(2)));
    const y = new Dropout(0.3).forward(x);
    const values = Array.from(y.data());
    const zeros = values.filter((v) => v === 0).length / values.length;
    expect(zeros).toBeCloseTo(0.3, 2);
    expect(values.filter((v) => v !== 0).every((v) => Math.abs(v - 2 / 0.7) < 1e-5)).toBe(true);
    expect(y.mean().item()).toBeCloseTo(2, 1);
  });

  it("matches the course notes' convention: train without scaling, multiply by 1 − p at test time", () => {
    // Inverted dropout = the notes' version divided by (1 − p), at train and test time alike, so the
    // network computes the same function up to that constant; the expected training activation
    // equals the test activation in both conventions.
    manualSeed(3);
    const p = 0.4;
    const x = noGrad(() => tensor(new Float32Array(200_000).fill(1)));
    const inverted = dropout(x, p, true).mean().item();
    manualSeed(3);
    const notesTrain = dropout(x, p, true)
      .mul(1 - p)
      .mean()
      .item(); // same mask, no scaling
    const notesTest = 1 - p; // x · (1 − p)
    expect(notesTrain).toBeCloseTo(notesTest, 2);
    expect(inverted).toBeCloseTo(1, 2); // = dropout(x, p, false)
  });

  it('gradient flows only through kept elements (scaled)', () => {
    manualSeed(4);
    const x = tensor(new Float32Array(1000).fill(1), { requiresGrad: true });
    dropout(x, 0.5).sum().backward();
    const g = Array.from(x.grad!.data());
    expect(g.every((v) => v === 0 || v === 2)).toBe(true);
  });
});

describe('activations', () => {
  const x = linspace(-3, 3, 25);
  const xs = Array.from(x.data());
  const analytic: [string, Tensor, (v: number) => number][] = [
    ['sigmoid', derivative('sigmoid', x), (v) => 1 / (1 + Math.exp(-v)) / (1 + Math.exp(v))],
    ['tanh', derivative('tanh', x), (v) => 1 - Math.tanh(v) ** 2],
    ['relu', derivative('relu', x), (v) => (v > 0 ? 1 : 0)],
    ['leakyRelu', derivative('leakyRelu', x), (v) => (v > 0 ? 1 : 0.01)],
    ['elu', derivative('elu', x), (v) => (v > 0 ? 1 : Math.exp(v))],
    [
      'selu',
      derivative('selu', x),
      (v) => 1.0507009873554805 * (v > 0 ? 1 : 1.6732632423543772 * Math.exp(v)),
    ],
    ['softsign', derivative('softsign', x), (v) => 1 / (1 + Math.abs(v)) ** 2],
    ['step', derivative('step', x), () => 0],
    ['identity', derivative('identity', x), () => 1],
  ];
  for (const [name, got, want] of analytic) {
    it(`derivative of ${name} matches its analytic form`, () => {
      Array.from(got.data()).forEach((v, i) => {
        expect(v).toBeCloseTo(want(xs[i]!), 5);
      });
    });
  }

  it('modules equal their functional forms', () => {
    const t = randn([3, 4]);
    const pairs: [{ forward(x: Tensor): Tensor }, Tensor][] = [
      [new ReLU(), F.relu(t)],
      [new Sigmoid(), F.sigmoid(t)],
      [new Tanh(), F.tanh(t)],
      [new LeakyReLU(0.2), F.leakyRelu(t, 0.2)],
      [new ELU(0.5), F.elu(t, 0.5)],
      [new SELU(), F.selu(t)],
      [new Softsign(), F.softsign(t)],
      [new Step(0.1), F.step(t, 0.1)],
      [new Softmax(1), F.softmax(t, 1)],
      [new LogSoftmax(0), F.logSoftmax(t, 0)],
      [new Identity(), t],
    ];
    for (const [module, want] of pairs)
      expect(Array.from(module.forward(t).data())).toEqual(Array.from(want.data()));
    expect(new Flatten().forward(randn([2, 3, 4])).shape).toEqual([2, 12]);
  });
});

describe('regularization', () => {
  it('l2Penalty and l1Penalty cover weights only unless told to include biases', () => {
    const model = new Sequential(new Linear(2, 2), new Linear(2, 1));
    const weights = model.parameters().filter((p) => p.ndim === 2);
    const sq = weights.reduce((s, w) => s + Array.from(w.data()).reduce((a, v) => a + v * v, 0), 0);
    expect(l2Penalty(model).item()).toBeCloseTo(sq, 5);
    const all = model
      .parameters()
      .reduce((s, p) => s + Array.from(p.data()).reduce((a, v) => a + Math.abs(v), 0), 0);
    expect(l1Penalty(model, { includeBiases: true }).item()).toBeCloseTo(all, 5);
    expect(l2Penalty([tensor([3, 4])]).item()).toBe(25);
    const w = tensor([[1, -2]], { requiresGrad: true });
    l1Penalty([w]).backward();
    expect(w.grad!.toArray()).toEqual([[1, -1]]);
  });
});
