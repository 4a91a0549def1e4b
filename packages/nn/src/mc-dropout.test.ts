// Issue 18 item 3: Monte-Carlo dropout. The notes teach dropout's test-time rule as weight scaling
// (000_336045b6ca766860.txt §4.1 "Dropout": after training all weights are scaled by 1 − rate;
// 004_dd40d634f9b46b7b.txt "Dropout": weights or activations scaled at test time). MC dropout
// instead keeps dropout on at test time and averages several passes.
import { Generator, manualSeed, memory, randn } from '@myelin/tensor';
import { describe, expect, it } from 'vitest';
import { BatchNorm1d, Dropout, Linear, mcDropoutPredict, ReLU, Sequential } from './index.js';

describe('mcDropoutPredict', () => {
  manualSeed(5);

  it('for a linear net its mean agrees with weight scaling (eval mode) within 4 standard errors', () => {
    // y = W2·(m ⊙ (W1·x + b1))/(1 − p) + b2 is linear in the mask m, and E[m]/(1 − p) = 1, so the
    // expected MC output IS the eval-mode output. The MC mean of S passes deviates from it by
    // about √(variance / S) (central limit theorem); 4 standard errors (+1e-5 for float32
    // rounding) fails with probability ~1e-4 per element — and the generator is seeded.
    const model = new Sequential(new Linear(6, 16), new Dropout(0.5), new Linear(16, 3));
    const x = randn([10, 6]);
    const samples = 400;
    const { mean, variance } = mcDropoutPredict(model, x, { samples, generator: new Generator(1) });
    model.eval();
    const scaled = model.forward(x);
    model.train();
    const error = mean.sub(scaled).abs();
    const bound = variance.div(samples).sqrt().mul(4).add(1e-5);
    expect(error.sub(bound).max().item()).toBeLessThan(0);
    expect(variance.min().item()).toBeGreaterThan(0); // dropout really was on
    // and the agreement is close in absolute terms too
    expect(error.max().item()).toBeLessThan(0.25);
  });

  it('with a ReLU after dropout the MC mean differs from weight scaling (the approximation is not exact)', () => {
    const model = new Sequential(
      new Linear(4, 32),
      new Dropout(0.5),
      new ReLU(),
      new Linear(32, 1),
      new ReLU(),
    );
    const x = randn([50, 4]);
    const { mean } = mcDropoutPredict(model, x, { samples: 200, generator: new Generator(2) });
    model.eval();
    expect(mean.sub(model.forward(x)).abs().max().item()).toBeGreaterThan(1e-3);
  });

  it('keeps other modules in eval mode (BatchNorm running stats untouched), restores flags, is reproducible', () => {
    const bn = new BatchNorm1d(8);
    const model = new Sequential(new Linear(3, 8), bn, new Dropout(0.3), new Linear(8, 2));
    model.train();
    const x = randn([5, 3]);
    const before = bn.runningMean!.toArray();
    const a = mcDropoutPredict(model, x, { samples: 5, generator: new Generator(7) });
    const b = mcDropoutPredict(model, x, { samples: 5, generator: new Generator(7) });
    expect(bn.runningMean!.toArray()).toEqual(before);
    expect(a.mean.toArray()).toEqual(b.mean.toArray());
    expect(a.variance.toArray()).toEqual(b.variance.toArray());
    expect([...model.namedModules()].every(([, m]) => m.training)).toBe(true);
    // no dropout layer → every pass is the same → zero variance
    const plain = new Sequential(new Linear(3, 2));
    expect(mcDropoutPredict(plain, x, { samples: 3 }).variance.abs().max().item()).toBeLessThan(1e-10);
  });

  it('frees its passes (memory flat) and validates its arguments', () => {
    const model = new Sequential(new Linear(3, 4), new Dropout(0.5));
    const x = randn([2, 3]);
    const run = () => {
      const r = mcDropoutPredict(model, x, { samples: 4 });
      r.mean.dispose();
      r.variance.dispose();
    };
    run();
    const before = memory().tensors;
    run();
    run();
    expect(memory().tensors).toBe(before);
    expect(() => mcDropoutPredict(model, x, { samples: 0 })).toThrow(/^mcDropoutPredict: samples must be/);
    expect(() => mcDropoutPredict(model, x, { sample: 3 } as never)).toThrow(
      /^mcDropoutPredict: unknown option 'sample'/,
    );
  });
});
