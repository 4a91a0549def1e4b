// conv2d, conv1d and convTranspose2d (issue 19 item 1): forward and every input's gradient against
// PyTorch (scripts/torch-fixtures-conv.py), gradcheck on small cases, errors in the called function's
// name, and flat memory over repeated training steps.
import { describe, expect, it } from 'vitest';
import { torchConvFixtures as F } from './fixtures/torch-conv.generated.js';
import {
  conv1d,
  conv2d,
  convTranspose2d,
  gradcheck,
  memory,
  randn,
  type Tensor,
  tidy,
  zeros,
} from './index.js';
import { checkCase } from './testing/torch-cases.js';

/** The fixture script's functions in Myelin's API, keyed by the same case names. */
const CASES: Record<keyof typeof F.conv, (...xs: Tensor[]) => Tensor> = {
  'basic bias': (x, w, b) => conv2d(x!, w!, b),
  'stride 2 padding 1': (x, w) => conv2d(x!, w!, null, { stride: 2, padding: 1 }),
  'stride (2,1) padding (0,2)': (x, w, b) => conv2d(x!, w!, b, { stride: [2, 1], padding: [0, 2] }),
  'dilation 2 padding (2,1)': (x, w) => conv2d(x!, w!, null, { padding: [2, 1], dilation: 2 }),
  'groups 2 bias': (x, w, b) => conv2d(x!, w!, b, { groups: 2 }),
  'depthwise stride 2 padding 1': (x, w) => conv2d(x!, w!, null, { stride: 2, padding: 1, groups: 3 }),
  'depthwise multiplier 2': (x, w, b) => conv2d(x!, w!, b, { padding: 1, groups: 3 }),
  'pointwise 1x1 bias': (x, w, b) => conv2d(x!, w!, b),
  'pointwise 1x1 groups 2': (x, w) => conv2d(x!, w!, null, { groups: 2 }),
  '1x1 stride 2': (x, w) => conv2d(x!, w!, null, { stride: 2 }),
  'same even kernel': (x, w, b) => conv2d(x!, w!, b, { padding: 'same' }),
  'same dilation 2': (x, w) => conv2d(x!, w!, null, { padding: 'same', dilation: 2 }),
  valid: (x, w) => conv2d(x!, w!, null, { padding: 'valid' }),
  'unbatched bias': (x, w, b) => conv2d(x!, w!, b),
  'conv1d stride 2 padding 1 bias': (x, w, b) => conv1d(x!, w!, b, { stride: 2, padding: 1 }),
  'conv1d unbatched same dilation 2': (x, w) => conv1d(x!, w!, null, { padding: 'same', dilation: 2 }),
  'conv1d depthwise': (x, w) => conv1d(x!, w!, null, { groups: 3 }),
  'convTranspose2d stride 2 padding 1 outputPadding 1 bias': (x, w, b) =>
    convTranspose2d(x!, w!, b, { stride: 2, padding: 1, outputPadding: 1 }),
  'convTranspose2d groups 2 dilation (1,2)': (x, w) =>
    convTranspose2d(x!, w!, null, { stride: [2, 1], groups: 2, dilation: [1, 2] }),
  'convTranspose2d unbatched': (x, w) => convTranspose2d(x!, w!),
  'convTranspose2d outputPadding beyond stride': (x, w) =>
    convTranspose2d(x!, w!, null, { dilation: 2, outputPadding: 1 }),
  'convTranspose2d 1x1': (x, w) => convTranspose2d(x!, w!),
};

describe('convolutions against PyTorch', () => {
  for (const [name, c] of Object.entries(F.conv)) {
    it(name, () => checkCase(name, c, CASES[name as keyof typeof F.conv]));
  }
});

describe('convolution gradcheck', () => {
  it('conv2d strided, dilated, grouped, with bias', () => {
    const x = randn([2, 4, 6, 5], { requiresGrad: true });
    const w = randn([4, 2, 2, 3], { requiresGrad: true });
    const b = randn([4], { requiresGrad: true });
    gradcheck(
      (x, w, b) => conv2d(x, w, b, { stride: [2, 1], padding: 1, dilation: [1, 2], groups: 2 }),
      [x, w, b],
    );
  });

  it('convTranspose2d with outputPadding', () => {
    const x = randn([1, 2, 3, 4], { requiresGrad: true });
    const w = randn([2, 3, 3, 2], { requiresGrad: true });
    const b = randn([3], { requiresGrad: true });
    gradcheck((x, w, b) => convTranspose2d(x, w, b, { stride: 2, padding: 1, outputPadding: 1 }), [x, w, b]);
  });

  it('a non-contiguous input and weight', () => {
    const x = randn([5, 5, 3, 2]).permute(3, 2, 0, 1).requiresGrad_();
    const w = randn([3, 3, 3, 2]).transpose(0, 3).requiresGrad_();
    gradcheck((x, w) => conv2d(x, w, null, { padding: 1 }), [x.detach().requiresGrad_(), w]);
    expect(conv2d(x, w).data()).toEqual(conv2d(x.contiguous(), w.contiguous()).data());
  });
});

describe('convolution errors name the function', () => {
  it('conv2d channel mismatch', () => {
    expect(() => conv2d(zeros([32, 3, 28, 28]), zeros([6, 1, 5, 5]))).toThrow(
      'conv2d: weight of shape [6,1,5,5] with groups 1 expects input with 1 channels, got input of shape [32,3,28,28] (3 channels)',
    );
  });

  it('conv2d bad options and arguments', () => {
    const x = zeros([1, 4, 5, 5]);
    const w = zeros([4, 2, 3, 3]);
    expect(() => conv2d(x, w, null, { groups: 3 })).toThrow(
      'conv2d: weight of shape [4,2,3,3] has 4 output channels',
    );
    expect(() => conv2d(x, zeros([4, 4, 3, 3]), null, { stride: 0 })).toThrow(
      /^conv2d: stride must be a positive/,
    );
    expect(() => conv2d(x, zeros([4, 4, 3, 3]), null, { padding: -1 })).toThrow(/^conv2d: padding must be/);
    expect(() => conv2d(x, zeros([4, 4, 3, 3]), null, { padding: 'full' as 'same' })).toThrow(
      /^conv2d: padding must be a number, a pair, 'same' or 'valid'/,
    );
    expect(() => conv2d(x, zeros([4, 4, 3, 3]), null, { stride: 2, padding: 'same' })).toThrow(
      "conv2d: padding 'same' needs stride 1",
    );
    expect(() => conv2d(x, zeros([4, 4, 3, 3]), zeros([3]))).toThrow(
      'conv2d: bias of shape [3] expects 4 entries',
    );
    expect(() => conv2d(zeros([4, 5, 5]).reshape([1, 1, 4, 25]), zeros([1, 1, 6, 1]))).toThrow(
      /^conv2d: input of shape \[1,1,4,25\] \(padded height 4\) is smaller than the kernel \(6\)/,
    );
    expect(() => conv2d(zeros([5, 5]), w)).toThrow(
      'conv2d: input must have 3 or 4 dimensions, got shape [5,5]',
    );
    expect(() => conv2d(x, w, null, { strides: 2 } as never)).toThrow("conv2d: unknown option 'strides'");
  });

  it('conv1d and convTranspose2d report in their own names and shapes', () => {
    expect(() => conv1d(zeros([2, 3, 10]), zeros([4, 2, 3]))).toThrow(
      'conv1d: weight of shape [4,2,3] with groups 1 expects input with 2 channels, got input of shape [2,3,10]',
    );
    expect(() => convTranspose2d(zeros([1, 3, 4, 4]), zeros([2, 2, 3, 3]))).toThrow(
      /^convTranspose2d: weight of shape \[2,2,3,3\] with groups 1 expects input with 2 channels/,
    );
    expect(() =>
      convTranspose2d(zeros([1, 2, 4, 4]), zeros([2, 2, 3, 3]), null, { outputPadding: 1 }),
    ).toThrow(/^convTranspose2d: outputPadding 1 must be smaller than the stride or the dilation/);
  });
});

describe('convolution memory', () => {
  it('stays flat over 50 tidy forward+backward steps', () => {
    const w = randn([6, 3, 3, 3], { requiresGrad: true });
    const b = randn([6], { requiresGrad: true });
    const wt = randn([6, 2, 2, 2], { requiresGrad: true });
    const step = () =>
      tidy(() => {
        const x = randn([2, 3, 9, 8], { requiresGrad: true });
        const y = conv2d(x, w, b, { stride: 2, padding: 1 });
        const z = convTranspose2d(y, wt, null, { stride: 2 });
        const u = conv1d(z.flatten(2), randn([3, 2, 3]), null, { padding: 'same' });
        u.square().sum().backward();
      });
    step();
    const before = memory();
    for (let i = 0; i < 50; i++) step();
    const after = memory();
    expect(after.tensors).toBe(before.tensors);
    expect(after.bytes).toBe(before.bytes);
  });
});

describe('convolutions over a batch larger than one chunk of im2col columns', () => {
  // conv2d runs im2col and the products a few images at a time (~64K column floats per chunk).
  // These shapes give one image per chunk: the batch's output and input gradient must equal those
  // of the images one by one (each a single chunk), and the weight gradient their sum, so a wrong
  // chunk offset or count shows.
  const cases: [string, number[], number[], (x: Tensor, w: Tensor, b: Tensor) => Tensor][] = [
    [
      '3×3 padding 1, groups 2, bias',
      [3, 8, 24, 24],
      [6, 4, 3, 3],
      (x, w, b) => conv2d(x, w, b, { padding: 1, groups: 2 }),
    ],
    ['1×1 (the columns are the input itself)', [3, 40, 30, 30], [6, 40, 1, 1], (x, w, b) => conv2d(x, w, b)],
    ['convTranspose2d 3×3', [3, 6, 24, 24], [6, 6, 3, 3], (x, w, b) => convTranspose2d(x, w, b)],
  ];
  for (const [name, xShape, wShape, conv] of cases) {
    it(name, () =>
      tidy(() => {
        const x = randn(xShape, { requiresGrad: true });
        const w = randn(wShape).mul(0.1).requiresGrad_();
        const b = randn([6]);
        const y = conv(x, w, b);
        const cotangent = randn(y.shape);
        y.mul(cotangent).sum().backward();
        let gwSum = zeros(wShape);
        for (let n = 0; n < xShape[0]!; n++) {
          const xn = x
            .slice(0, n, n + 1)
            .detach()
            .requiresGrad_();
          const wn = w.detach().requiresGrad_();
          const yn = conv(xn, wn, b);
          expect(yn.data()).toEqual(y.slice(0, n, n + 1).data());
          yn.mul(cotangent.slice(0, n, n + 1))
            .sum()
            .backward();
          expect(xn.grad!.data()).toEqual(x.grad!.slice(0, n, n + 1).data());
          gwSum = gwSum.add(wn.grad!);
        }
        const got = w.grad!.data();
        const want = gwSum.data();
        for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i]!, 3);
      }),
    );
  }
});
