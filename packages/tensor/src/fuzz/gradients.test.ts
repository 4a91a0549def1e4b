// Fuzzing gradients (issue 12, part 2): random compositions of 2–3 differentiable ops on random small
// shapes, checked with gradcheck against central finite differences (its defaults: eps 1e-3, atol
// 1e-3, rtol 1e-2, enough for float32 differences of a float64-accumulated projection). Only
// smooth ops are drawn (no relu/abs/max: a kink within eps of an input would make the finite
// difference meaningless), with inputs in [-1.5, 1.5] and ops that keep values bounded.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Generator, gradcheck, memory, rand, type Tensor, tidy } from '../index.js';
import { budget, fuzzTimeout, shapeArb } from '../testing/fuzz.js';

/** Each op maps a tensor (and the second input `y`, same shape as the first) to a new tensor. */
const OPS: Record<string, (t: Tensor, y: Tensor) => Tensor> = {
  tanh: (t) => t.tanh(),
  sigmoid: (t) => t.sigmoid(),
  square: (t) => t.mul(t),
  expTanh: (t) => t.tanh().exp(),
  sqrtOnePlusSquare: (t) => t.square().add(1).sqrt(),
  logOnePlusSquare: (t) => t.square().add(1).log(),
  // Binary ops take y when the shapes agree, else y's mean (a 0-d tensor that broadcasts).
  add: (t, y) => t.add(fit(y, t)),
  sub: (t, y) => fit(y, t).sub(t),
  mul: (t, y) => t.mul(fit(y, t)),
  div: (t, y) => t.div(fit(y, t).square().add(1)),
  softmax: (t) => (t.ndim === 0 ? t.sigmoid() : t.softmax(-1)),
  logSoftmax: (t) => (t.ndim === 0 ? t.tanh() : t.logSoftmax(0)),
  sumKeepDim: (t) => (t.ndim === 0 ? t.mul(2) : t.sum(t.ndim - 1, true)),
  mean: (t) => (t.ndim === 0 ? t.mul(0.5) : t.mean(0)),
  // A Gram matrix (a transposed operand), or a dot product for vectors.
  gram: (t) => (t.ndim >= 2 ? t.matmul(t.transpose(-2, -1)).mul(0.3) : t.ndim === 1 ? t.matmul(t) : t.mul(t)),
  stridedSlice: (t) => (t.ndim === 0 ? t.neg() : t.slice(-1, 0, undefined, 2).tanh()),
  expandBack: (t) =>
    t.ndim === 0
      ? t.expand([2])
      : t
          .unsqueeze(0)
          .expand([2, ...t.shape])
          .mul(t),
  permute: (t) => t.permute([...t.shape.keys()].reverse()).sigmoid(),
};

function fit(y: Tensor, t: Tensor): Tensor {
  return y.shape.length === t.shape.length && y.shape.every((s, i) => s === t.shape[i]) ? y : y.mean();
}

describe('gradients of random op compositions (fuzz, issue 12)', () => {
  it(
    'gradcheck passes for 2–3 random differentiable ops on random small shapes',
    () => {
      const arb = fc.record({
        shape: shapeArb(3, 3, false),
        ops: fc.array(fc.constantFrom(...Object.keys(OPS)), { minLength: 2, maxLength: 3 }),
        seed: fc.nat(),
      });
      fc.assert(
        fc.property(arb, ({ shape, ops, seed }) => {
          const before = memory().tensors;
          tidy(() => {
            const g = new Generator(seed);
            const x = rand(shape, { generator: g }).mul(3).sub(1.5).requiresGrad_();
            const y = rand(shape, { generator: g }).mul(3).sub(1.5).requiresGrad_();
            const fn = (a: Tensor, b: Tensor) => ops.reduce((t, name) => OPS[name]!(t, b), a);
            const report = gradcheck(fn, [x, y]);
            expect(report.ok).toBe(true);
          });
          expect(memory().tensors).toBe(before);
        }),
        budget(0x12_0101, 500),
      );
    },
    fuzzTimeout,
  );
});
