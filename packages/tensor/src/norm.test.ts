// batchNorm (issue 19 item 1): forward, gradients and the running-statistics update against PyTorch's
// F.batch_norm (scripts/torch-fixtures-conv.py), gradcheck in training and evaluation, errors in the
// function's name, and flat memory over repeated training steps.
import { describe, expect, it } from 'vitest';
import { torchConvFixtures as F } from './fixtures/torch-conv.generated.js';
import { batchNorm, gradcheck, memory, ones, randn, type Tensor, tidy, zeros } from './index.js';
import { caseInputs, checkCase, expectClose } from './testing/torch-cases.js';

const OPTIONS: Record<keyof typeof F.norm, { training: boolean; momentum?: number; eps?: number }> = {
  'batchNorm training NCHW affine': { training: true },
  'batchNorm training 2-D': { training: true },
  'batchNorm training 3-D momentum 0.3': { training: true, momentum: 0.3 },
  'batchNorm training 5-D eps 1e-3': { training: true, eps: 1e-3 },
  'batchNorm eval NCHW affine': { training: false },
  'batchNorm eval 2-D': { training: false },
};

describe('batchNorm against PyTorch', () => {
  for (const [name, c] of Object.entries(F.norm)) {
    const options = OPTIONS[name as keyof typeof F.norm];
    it(name, () => {
      const run = (x: Tensor, rm: Tensor, rv: Tensor, w?: Tensor, b?: Tensor) =>
        batchNorm(x, rm.clone(), rv.clone(), w ?? null, b ?? null, options);
      checkCase(name, c, (...xs) => run(xs[0]!, xs[1]!, xs[2]!, xs[3], xs[4]));
      tidy(() => {
        const [x, rm, rv, w, b] = caseInputs(c);
        batchNorm(x!.detach(), rm!, rv!, w ?? null, b ?? null, options);
        expectClose(`${name} running mean`, rm!.data(), c.runningMean);
        expectClose(`${name} running var`, rv!.data(), c.runningVar);
      });
    });
  }
});

describe('batchNorm gradcheck', () => {
  it('training, through the batch statistics', () => {
    const x = randn([4, 3, 3, 2], { requiresGrad: true });
    const w = randn([3], { requiresGrad: true });
    const b = randn([3], { requiresGrad: true });
    gradcheck((x, w, b) => batchNorm(x, null, null, w, b, { training: true }), [x, w, b]);
  });

  it('evaluation, with the running statistics', () => {
    const x = randn([3, 4, 5], { requiresGrad: true });
    const w = randn([4], { requiresGrad: true });
    const rv = randn([4]).abs().add(0.5);
    gradcheck((x, w) => batchNorm(x, zeros([4]), rv, w, null), [x, w]);
  });

  it('running statistics are not recorded by autograd', () => {
    const rm = zeros([2]);
    const x = randn([5, 2], { requiresGrad: true });
    batchNorm(x, rm, ones([2]), null, null, { training: true })
      .sum()
      .backward();
    expect(rm.requiresGrad).toBe(false);
    expect(rm.gradFnName).toBe(null);
  });
});

describe('batchNorm errors name the function', () => {
  it('rejects bad shapes and options', () => {
    expect(() => batchNorm(zeros([4]), null, null, null, null, { training: true })).toThrow(
      'batchNorm: input must have at least 2 dimensions (N, C, …), got shape [4]',
    );
    expect(() => batchNorm(zeros([4, 3]), zeros([2]), ones([3]))).toThrow(
      'batchNorm: runningMean of shape [2] expects shape [3] (one entry per channel)',
    );
    expect(() => batchNorm(zeros([4, 3]), null, null)).toThrow(
      'batchNorm: evaluation (training false) needs runningMean and runningVar',
    );
    expect(() => batchNorm(zeros([1, 3]), null, null, null, null, { training: true })).toThrow(
      'batchNorm: training needs more than 1 value per channel, got input of shape [1,3]',
    );
    expect(() => batchNorm(zeros([4, 3]), null, null, null, null, { training: true, eps: -1 })).toThrow(
      'batchNorm: eps must be a non-negative number, got -1',
    );
  });
});

describe('batchNorm memory', () => {
  it('stays flat over 50 tidy forward+backward steps', () => {
    const rm = zeros([3]);
    const rv = ones([3]);
    const w = ones([3]).requiresGrad_();
    const b = zeros([3]).requiresGrad_();
    const step = () =>
      tidy(() => {
        const x = randn([4, 3, 5, 5], { requiresGrad: true });
        const y = batchNorm(x, rm, rv, w, b, { training: true });
        const z = batchNorm(y, rm, rv, w, null);
        z.square().sum().backward();
      });
    step();
    const before = memory();
    for (let i = 0; i < 50; i++) step();
    const after = memory();
    expect(after.tensors).toBe(before.tensors);
    expect(after.bytes).toBe(before.bytes);
  });
});
