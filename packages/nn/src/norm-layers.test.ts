import { gradcheck, manualSeed, noGrad, randn, type Tensor, tensor } from '@myelin/tensor';
import { describe, expect, it } from 'vitest';
import {
  BatchNorm1d,
  Embedding,
  GroupNorm,
  Identity,
  LayerNorm,
  Linear,
  Maxout,
  Residual,
  StochasticDepth,
} from './index.js';

/** Per-column mean and biased variance of a [N, C] nested array. */
function columnStats(rows: number[][]): { mean: number[]; variance: number[] } {
  const n = rows.length;
  const mean = rows[0]!.map((_, j) => rows.reduce((s, r) => s + r[j]!, 0) / n);
  const variance = rows[0]!.map((_, j) => rows.reduce((s, r) => s + (r[j]! - mean[j]!) ** 2, 0) / n);
  return { mean, variance };
}

describe('BatchNorm1d', () => {
  manualSeed(5);

  it('training: normalises with batch statistics and updates running stats as PyTorch', () => {
    const bn = new BatchNorm1d(3);
    const x = randn([8, 3]).mul(2).add(1);
    const y = bn.forward(x).toArray() as number[][];
    const { mean, variance } = columnStats(y);
    for (let j = 0; j < 3; j++) {
      expect(mean[j]).toBeCloseTo(0, 5);
      expect(variance[j]).toBeCloseTo(1, 3); // biased variance normalised to 1 (up to eps)
    }
    const stats = columnStats(x.toArray() as number[][]);
    const runningMean = Array.from(bn.runningMean!.data());
    const runningVar = Array.from(bn.runningVar!.data());
    for (let j = 0; j < 3; j++) {
      expect(runningMean[j]).toBeCloseTo(0.1 * stats.mean[j]!, 5);
      expect(runningVar[j]).toBeCloseTo(0.9 + 0.1 * stats.variance[j]! * (8 / 7), 5); // unbiased
    }
    expect(bn.numBatchesTracked!.item()).toBe(1);
  });

  it('evaluation: uses the running statistics, and leaves them alone', () => {
    const bn = new BatchNorm1d(2, { momentum: 0.5 });
    bn.forward(
      tensor([
        [0, 10],
        [2, 30],
      ]),
    );
    bn.eval();
    const rm = Array.from(bn.runningMean!.data());
    const rv = Array.from(bn.runningVar!.data());
    const y = bn.forward(tensor([[1, 20]])).toArray() as number[][];
    expect(y[0]![0]).toBeCloseTo((1 - rm[0]!) / Math.sqrt(rv[0]! + 1e-5), 5);
    expect(y[0]![1]).toBeCloseTo((20 - rm[1]!) / Math.sqrt(rv[1]! + 1e-5), 5);
    expect(Array.from(bn.runningMean!.data())).toEqual(rm);
    expect(bn.numBatchesTracked!.item()).toBe(1);
  });

  it('[N, C, L] inputs, gradients, and errors', () => {
    const bn = new BatchNorm1d(2);
    expect(bn.forward(randn([4, 2, 5])).shape).toEqual([4, 2, 5]);
    const fresh = new BatchNorm1d(3);
    expect(
      gradcheck((x) => fresh.forward(x!).mul(tensor([1, 2, 3])), [randn([5, 3], { requiresGrad: true })]).ok,
    ).toBe(true);
    const input = randn([4, 3]);
    expect(gradcheck((w, b) => input.mul(w!).add(b!), [fresh.weight!, fresh.bias!]).ok).toBe(true);
    expect(() => bn.forward(randn([4, 3]))).toThrow(
      'BatchNorm1d: expected input [N, 2] or [N, 2, L], got [4,3]',
    );
    expect(() => bn.forward(randn([1, 2]))).toThrow(/more than 1 value per channel/);
    expect([...new BatchNorm1d(4).namedBuffers()].map(([n]) => n)).toEqual([
      'running_mean',
      'running_var',
      'num_batches_tracked',
    ]);
  });
});

describe('LayerNorm and GroupNorm', () => {
  manualSeed(6);

  it('LayerNorm normalises each sample over the last dims; gradients', () => {
    const ln = new LayerNorm(4);
    const y = ln.forward(randn([3, 4]).mul(5).add(2)).toArray() as number[][];
    for (const row of y) {
      const m = row.reduce((a, b) => a + b) / 4;
      expect(m).toBeCloseTo(0, 5);
      expect(row.reduce((a, b) => a + (b - m) ** 2, 0) / 4).toBeCloseTo(1, 3);
    }
    expect(
      gradcheck((x) => ln.forward(x!).mul(tensor([1, -2, 3, 0.5])), [randn([2, 4], { requiresGrad: true })])
        .ok,
    ).toBe(true);
    expect(() => ln.forward(randn([3, 5]))).toThrow(/does not end in the normalized shape \[4\]/);
  });

  it('GroupNorm normalises channel groups per sample; one group equals LayerNorm over C·L', () => {
    const x = randn([2, 4, 3]);
    const gn = new GroupNorm(2, 4);
    const y = gn.forward(x);
    const groups = y.reshape([2, 2, 6]).toArray() as number[][][];
    for (const sample of groups) {
      for (const g of sample) {
        const m = g.reduce((a, b) => a + b) / 6;
        expect(m).toBeCloseTo(0, 5);
        expect(g.reduce((a, b) => a + (b - m) ** 2, 0) / 6).toBeCloseTo(1, 3);
      }
    }
    const one = new GroupNorm(1, 4).forward(x);
    const layer = new LayerNorm([4, 3]).forward(x);
    Array.from(one.data()).forEach((v, i) => {
      expect(v).toBeCloseTo(layer.data()[i]!, 5);
    });
    const weights = randn([2, 4, 3]);
    expect(
      gradcheck((t) => gn.forward(t!).mul(weights).sum(), [randn([2, 4, 3], { requiresGrad: true })]).ok,
    ).toBe(true);
    expect(() => new GroupNorm(3, 4)).toThrow(/numChannels 4 must be divisible by numGroups 3/);
  });
});

describe('Embedding', () => {
  it('looks up rows for any index shape; gradients scatter-add into looked-up rows', () => {
    const emb = new Embedding(5, 3);
    const ids = tensor(
      [
        [1, 4],
        [1, 0],
      ],
      { dtype: 'int32' },
    );
    const out = emb.forward(ids);
    expect(out.shape).toEqual([2, 2, 3]);
    const table = emb.weight.toArray() as number[][];
    expect((out.toArray() as number[][][])[0]![1]).toEqual(table[4]);
    out.sum().backward();
    expect(emb.weight.grad!.toArray()).toEqual([
      [1, 1, 1],
      [2, 2, 2],
      [0, 0, 0],
      [0, 0, 0],
      [1, 1, 1],
    ]);
    expect(() => emb.forward(tensor([1]))).toThrow(
      /^Embedding.forward: indices must be an int32 tensor, got a float32 tensor/,
    );
    expect(() => emb.forward(tensor([7], { dtype: 'int32' }))).toThrow(
      /^Embedding.forward: index 7 at flat position 0 is not a row in 0..4$/,
    );
  });

  it('gradcheck over the embedding table', () => {
    const emb = new Embedding(4, 3);
    const ids = tensor(
      [
        [2, 0],
        [2, 3],
      ],
      { dtype: 'int32' },
    );
    const weights = randn([2, 2, 3]);
    expect(gradcheck(() => emb.forward(ids).mul(weights), [emb.weight]).ok).toBe(true);
  });

  it('paddingIdx: the row starts at zero and gets no gradient', () => {
    const emb = new Embedding(4, 2, { paddingIdx: 0 });
    expect((emb.weight.toArray() as number[][])[0]).toEqual([0, 0]);
    emb
      .forward(tensor([0, 2, 0], { dtype: 'int32' }))
      .sum()
      .backward();
    expect((emb.weight.grad!.toArray() as number[][])[0]).toEqual([0, 0]);
    expect((emb.weight.grad!.toArray() as number[][])[2]).toEqual([1, 1]);
  });
});

describe('Residual, StochasticDepth, Maxout', () => {
  manualSeed(7);

  it('Residual computes x + f(x) and checks the branch keeps the shape', () => {
    const branch = new Linear(3, 3);
    const x = randn([2, 3]);
    const got = new Residual(branch).forward(x);
    const want = x.add(branch.forward(x));
    expect(Array.from(got.data())).toEqual(Array.from(want.data()));
    expect(() => new Residual(new Linear(3, 2)).forward(x)).toThrow(/must keep the shape/);
  });

  it('StochasticDepth drops the branch per sample with probability p in training, and is x + f(x) in eval', () => {
    const ones = { forward: (t: Tensor) => t.mul(0).add(1) };
    class Ones extends Identity {
      override forward(t: Tensor): Tensor {
        return ones.forward(t);
      }
    }
    const sd = new StochasticDepth(new Ones(), 0.25);
    const x = noGrad(() => randn([20_000, 1]).mul(0));
    const out = Array.from(sd.forward(x).data());
    const dropped = out.filter((v) => v === 0).length / out.length;
    expect(dropped).toBeCloseTo(0.25, 2);
    expect(out.filter((v) => v !== 0).every((v) => Math.abs(v - 1 / 0.75) < 1e-6)).toBe(true);
    sd.eval();
    expect(Array.from(sd.forward(x).data()).every((v) => v === 1)).toBe(true);
    const batchMode = new StochasticDepth(new Ones(), 0.5, 'batch');
    const values = new Set(Array.from(batchMode.forward(noGrad(() => randn([100, 1]).mul(0))).data()));
    expect(values.size).toBe(1); // all kept or all dropped
    expect(() => new StochasticDepth(new Ones(), 1)).toThrow(
      /^StochasticDepth: p must be a number in \[0, 1\), got 1$/,
    );
  });

  it('Maxout is the max over k linear pieces per unit; gradients', () => {
    const m = new Maxout(3, 2, 4);
    const x = randn([5, 3]);
    const z = m.linear.forward(x).toArray() as number[][];
    const got = m.forward(x).toArray() as number[][];
    z.forEach((row, i) => {
      for (let u = 0; u < 2; u++) expect(got[i]![u]).toBeCloseTo(Math.max(...row.slice(u * 4, u * 4 + 4)), 6);
    });
    expect(gradcheck((t) => m.forward(t!), [randn([3, 3], { requiresGrad: true })]).ok).toBe(true);
  });
});
