// pad and interpolate (issue 19 item 1): forward and gradients against PyTorch's F.pad and
// F.interpolate (scripts/torch-fixtures-conv.py), gradcheck, errors in the function's name, and flat
// memory over repeated training steps.
import { describe, expect, it } from 'vitest';
import { torchConvFixtures as F } from './fixtures/torch-conv.generated.js';
import { gradcheck, interpolate, memory, pad, randn, type Tensor, tensor, tidy, zeros } from './index.js';
import { checkCase } from './testing/torch-cases.js';

const CASES: Record<keyof typeof F.resample, (x: Tensor) => Tensor> = {
  'pad constant [1,2] value 0.5': (x) => pad(x, [1, 2], { value: 0.5 }),
  'pad constant [1,0,2,1]': (x) => pad(x, [1, 0, 2, 1]),
  'pad constant negative [-1,2,0,-1]': (x) => pad(x, [-1, 2, 0, -1]),
  'pad constant all dims': (x) => pad(x, [1, 1, 0, 2]),
  'pad reflect [2,1]': (x) => pad(x, [2, 1], { mode: 'reflect' }),
  'pad reflect [1,2,2,0]': (x) => pad(x, [1, 2, 2, 0], { mode: 'reflect' }),
  'pad reflect 3 dims': (x) => pad(x, [1, 1, 2, 0, 1, 2], { mode: 'reflect' }),
  'pad replicate [2,3]': (x) => pad(x, [2, 3], { mode: 'replicate' }),
  'pad replicate [1,2,3,1]': (x) => pad(x, [1, 2, 3, 1], { mode: 'replicate' }),
  'interpolate nearest size (5,7)': (x) => interpolate(x, { size: [5, 7] }),
  'interpolate nearest scaleFactor 2': (x) => interpolate(x, { scaleFactor: 2 }),
  'interpolate nearest size (2,3)': (x) => interpolate(x, { size: [2, 3], mode: 'nearest' }),
  'interpolate nearest scaleFactor (2,0.5)': (x) => interpolate(x, { scaleFactor: [2, 0.5] }),
  'interpolate bilinear size (5,7)': (x) => interpolate(x, { size: [5, 7], mode: 'bilinear' }),
  'interpolate bilinear size (5,7) alignCorners': (x) =>
    interpolate(x, { size: [5, 7], mode: 'bilinear', alignCorners: true }),
  'interpolate bilinear scaleFactor 1.5': (x) => interpolate(x, { scaleFactor: 1.5, mode: 'bilinear' }),
  'interpolate bilinear size (3,2)': (x) => interpolate(x, { size: [3, 2], mode: 'bilinear' }),
  'interpolate bilinear size (1,4) alignCorners': (x) =>
    interpolate(x, { size: [1, 4], mode: 'bilinear', alignCorners: true }),
};

describe('pad and interpolate against PyTorch', () => {
  for (const [name, c] of Object.entries(F.resample)) {
    it(name, () => checkCase(name, c, (x) => CASES[name as keyof typeof F.resample](x!)));
  }
});

describe('pad and interpolate gradcheck', () => {
  it('pad in every mode, on a non-contiguous input', () => {
    const x = randn([3, 2, 5]).transpose(0, 2).detach().requiresGrad_();
    gradcheck((x) => pad(x, [2, 1, 0, 1], { mode: 'reflect' }), [x]);
    gradcheck((x) => pad(x, [3, 0, 1, 2], { mode: 'replicate' }), [x]);
    gradcheck((x) => pad(x, [1, -1, 2, 0, 0, 1], { value: 2 }), [x]);
  });

  it('bilinear with and without alignCorners, nearest', () => {
    const x = randn([1, 2, 4, 3], { requiresGrad: true });
    gradcheck((x) => interpolate(x, { size: [7, 5], mode: 'bilinear' }), [x]);
    gradcheck((x) => interpolate(x, { size: [3, 6], mode: 'bilinear', alignCorners: true }), [x]);
    gradcheck((x) => interpolate(x, { scaleFactor: 1.7 }), [x]);
  });

  it('reflect pad values', () => {
    expect(pad(tensor([[1, 2, 3]]), [2, 1], { mode: 'reflect' }).toArray()).toEqual([[3, 2, 1, 2, 3, 2]]);
  });
});

describe('pad and interpolate errors name the function', () => {
  it('rejects bad arguments', () => {
    expect(() => pad(zeros([2, 3]), [1])).toThrow(
      'pad: pad must be an even-length list of integers, got an array [1]',
    );
    expect(() => pad(zeros([2, 3]), [1, 1, 1, 1, 1, 1])).toThrow(
      'pad: pad of length 6 pads 3 dimensions, but the input of shape [2,3] has 2',
    );
    expect(() => pad(zeros([1, 2, 3]), [3, 0], { mode: 'reflect' })).toThrow(
      "pad: mode 'reflect' needs each amount smaller than its dimension: pad an array [3,0] for input of shape [1,2,3]",
    );
    expect(() => pad(zeros([3]), [1, 1], { mode: 'replicate' })).toThrow(
      "pad: mode 'replicate' pads the last 1, 2 or 3 dimensions of a tensor with 1 or 2 more",
    );
    expect(() => pad(zeros([2, 3]), [-2, -2])).toThrow('pad: pad an array [-2,-2] crops more than the input');
    expect(() => pad(zeros([2, 3]), [1, 1], { mode: 'wrap' as 'reflect' })).toThrow(
      "pad: mode must be 'constant', 'reflect' or 'replicate'",
    );
    expect(() => interpolate(zeros([1, 3, 4]), { size: 2 })).toThrow(
      'interpolate: input must be 4-D [N, C, H, W], got shape [1,3,4]',
    );
    expect(() => interpolate(zeros([1, 1, 4, 4]), { size: 2, scaleFactor: 2 })).toThrow(
      'interpolate: give exactly one of size and scaleFactor',
    );
    expect(() => interpolate(zeros([1, 1, 4, 4]), { size: 2, alignCorners: true })).toThrow(
      "interpolate: alignCorners can only be set with mode 'bilinear'",
    );
    expect(() => interpolate(zeros([1, 1, 4, 4]), { scaleFactor: 0.1 })).toThrow(
      'interpolate: scaleFactor 0.1 shrinks input of shape [1,1,4,4] to nothing',
    );
  });
});

describe('pad and interpolate memory', () => {
  it('stays flat over 50 tidy forward+backward steps', () => {
    const step = () =>
      tidy(() => {
        const x = randn([2, 3, 5, 4], { requiresGrad: true });
        const y = interpolate(pad(x, [1, 1, 2, 0], { mode: 'reflect' }), {
          scaleFactor: 2,
          mode: 'bilinear',
        });
        y.square().sum().backward();
      });
    step();
    const before = memory();
    for (let i = 0; i < 50; i++) step();
    const after = memory();
    expect(after.tensors).toBe(before.tensors);
    expect(after.bytes).toBe(before.bytes);
  });
});
