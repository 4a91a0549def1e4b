// conv2d's direct path (issue 19: one input channel per group, stride 1 — a grey first layer,
// depthwise layers — runs direct kernels on padded planes instead of im2col + SGEMM): forward and
// every gradient against PyTorch (scripts/torch-fixtures-conv.py), gradcheck, agreement with
// the columns path on a bigger batch, and flat memory.
import { describe, expect, it } from 'vitest';
import { torchConvDirectFixtures as F } from './fixtures/torch-conv-direct.generated.js';
import {
  cat,
  conv1d,
  conv2d,
  convTranspose2d,
  gradcheck,
  memory,
  randn,
  type Tensor,
  tidy,
} from './index.js';
import { caseInputs, checkCase, expectClose } from './testing/torch-cases.js';

const CASES: Record<keyof typeof F.conv, (...xs: Tensor[]) => Tensor> = {
  'grey 6@5x5 padding 2 bias, width 9': (x, w, b) => conv2d(x!, w!, b, { padding: 2 }),
  'grey 3@3x3 valid, width 3': (x, w) => conv2d(x!, w!),
  'depthwise 3x3 padding 1 bias, width 6': (x, w, b) => conv2d(x!, w!, b, { padding: 1, groups: 4 }),
  'depthwise 5x3 padding (2,1), width 2': (x, w) => conv2d(x!, w!, null, { padding: [2, 1], groups: 3 }),
  'depthwise padding beyond the kernel': (x, w) => conv2d(x!, w!, null, { padding: [3, 2], groups: 2 }),
  'depthwise multiplier 3, 7x7 padding 3, width 11': (x, w, b) =>
    conv2d(x!, w!, b, { padding: 3, groups: 2 }),
  'conv1d depthwise padding same, length 13': (x, w) => conv1d(x!, w!, null, { padding: 'same', groups: 3 }),
  'several channels 3 to 4, 3x3 padding 1 bias, width 10': (x, w, b) => conv2d(x!, w!, b, { padding: 1 }),
  'groups 2, 4 to 6, 3x3 padding 2, width 11': (x, w) => conv2d(x!, w!, null, { padding: 2, groups: 2 }),
  'LeNet layer 2 shape, 6 to 16, 5x5 valid bias, width 14': (x, w, b) => conv2d(x!, w!, b),
  'several channels 2 to 3, 5x5 padding 2, width 3': (x, w) => conv2d(x!, w!, null, { padding: 2 }),
};

/** The fixture cases with several input channels per group (issue 19, second increment). */
const SEVERAL = [
  'several channels 3 to 4, 3x3 padding 1 bias, width 10',
  'groups 2, 4 to 6, 3x3 padding 2, width 11',
  'LeNet layer 2 shape, 6 to 16, 5x5 valid bias, width 14',
  'several channels 2 to 3, 5x5 padding 2, width 3',
] as const;

describe('direct convolutions against PyTorch', () => {
  for (const [name, c] of Object.entries(F.conv)) {
    // 150-term float32 sums of values up to ~1.5 (LeNet layer 2's shape): 1e-4.
    const tol = name.startsWith('LeNet layer 2') ? 1e-4 : 1e-5;
    it(name, () => checkCase(name, c, CASES[name as keyof typeof F.conv], tol));
  }
});

describe('several input channels per group, without a weight gradient (direct forward, issue 19)', () => {
  // A weight that wants no gradient sends a wide enough convolution's forward to the direct kernels
  // with several input channels (the columns path when training): its output against PyTorch.
  for (const name of SEVERAL) {
    it(name, () =>
      tidy(() => {
        const c = F.conv[name];
        const [x, w, b] = caseInputs(c).map((t) => t.detach());
        const y = CASES[name](x!, w!, b!);
        expectClose(name, y.data(), c.output as unknown as number[], name.startsWith('LeNet') ? 1e-4 : 1e-5);
      }),
    );
  }
});

describe('direct convolution gradcheck', () => {
  it('3 → 4 channels, 3×3 padding 1, width 10 (input gradient direct, flipped and transposed kernel)', () => {
    const x = randn([2, 3, 4, 10], { requiresGrad: true });
    const w = randn([4, 3, 3, 3], { requiresGrad: true });
    gradcheck((x, w) => conv2d(x, w, null, { padding: 1 }), [x, w]);
  });

  it('groups 2, 4 → 6 channels, 3×3 padding 1, width 10, weight fixed (direct forward and input gradient)', () => {
    const x = randn([1, 4, 3, 10], { requiresGrad: true });
    const w = randn([6, 2, 3, 3]);
    gradcheck((x) => conv2d(x, w, null, { padding: 1, groups: 2 }), [x]);
  });

  it('depthwise 3×3 padding 1 with bias, width 5 (input gradient through the flipped kernel)', () => {
    const x = randn([2, 3, 4, 5], { requiresGrad: true });
    const w = randn([3, 1, 3, 3], { requiresGrad: true });
    const b = randn([3], { requiresGrad: true });
    gradcheck((x, w, b) => conv2d(x, w, b, { padding: 1, groups: 3 }), [x, w, b]);
  });

  it('grey input, 4 channels, 2×3 kernel padding (1, 2), width 3 (input gradient through the columns)', () => {
    const x = randn([2, 1, 3, 3], { requiresGrad: true });
    const w = randn([4, 1, 2, 3], { requiresGrad: true });
    gradcheck((x, w) => conv2d(x, w, null, { padding: [1, 2] }), [x, w]);
  });

  it('only the bias wants a gradient', () => {
    const x = randn([1, 2, 5, 6]);
    const w = randn([2, 1, 3, 3]);
    const b = randn([2], { requiresGrad: true });
    gradcheck((b) => conv2d(x, w, b, { padding: 1, groups: 2 }), [b]);
  });
});

describe('direct path against the columns path', () => {
  // The same convolution with a second, all-zero input channel runs on the columns path (two
  // channels per group): the direct path must agree with it.
  it('LeNet layer 1 at batch 32 equals the columns path (output, input, weight and bias gradients)', () =>
    tidy(() => {
      const x = randn([32, 1, 28, 28], { requiresGrad: true });
      const w = randn([6, 1, 5, 5]).mul(0.2).requiresGrad_();
      const b = randn([6], { requiresGrad: true });
      const y = conv2d(x, w, b, { padding: 2 });
      const cot = randn(y.shape);
      y.mul(cot).sum().backward();
      const x2 = cat([x.detach(), x.detach().mul(0)], 1).requiresGrad_();
      const w2 = cat([w.detach(), w.detach().mul(0)], 1).requiresGrad_();
      const b2 = b.detach().requiresGrad_();
      const y2 = conv2d(x2, w2, b2, { padding: 2 });
      y2.mul(cot).sum().backward();
      const close = (got: Tensor, want: Tensor, tol: number) => {
        const g = got.data();
        const v = want.data();
        expect(g.length).toBe(v.length);
        for (let i = 0; i < v.length; i++)
          expect(Math.abs(g[i]! - v[i]!)).toBeLessThan(tol * (1 + Math.abs(v[i]!)));
      };
      close(y, y2, 1e-5);
      close(x.grad!, x2.grad!.slice(1, 0, 1), 1e-5);
      // The two-channel input gradient goes direct too (padding ≥ (k − 1)/2): convTranspose2d, the
      // adjoint of conv2d, computes it through the columns (Wᵀ·gy, then col2im) independently.
      close(x.grad!, convTranspose2d(cot, w.detach(), null, { padding: 2 }), 1e-5);
      close(w.grad!, w2.grad!.slice(1, 0, 1), 1e-4);
      close(b.grad!, b2.grad!, 1e-4);
    }));
});

describe('direct convolution memory', () => {
  it('stays flat over 30 tidy forward+backward steps (grey and depthwise layers)', () => {
    const w1 = randn([4, 1, 5, 5], { requiresGrad: true });
    const b1 = randn([4], { requiresGrad: true });
    const w2 = randn([4, 1, 3, 3], { requiresGrad: true });
    // Several channels (issue 19): a direct input gradient, and a direct forward for a fixed weight.
    const w3 = randn([3, 4, 3, 3], { requiresGrad: true });
    const w4 = randn([2, 3, 3, 3]);
    const step = () =>
      tidy(() => {
        const x = randn([3, 1, 10, 12]);
        const h = conv2d(x, w1, b1, { padding: 2 }).relu();
        const h2 = conv2d(h, w2, null, { padding: 1, groups: 4 });
        const h3 = conv2d(h2, w3, null, { padding: 1 });
        conv2d(h3, w4, null, { padding: 1 }).square().sum().backward();
      });
    step();
    const before = memory();
    for (let i = 0; i < 30; i++) step();
    const after = memory();
    expect(after.tensors).toBe(before.tensors);
    expect(after.bytes).toBe(before.bytes);
  });
});
