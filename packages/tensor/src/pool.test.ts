// Max, average and adaptive pooling (issue 19 item 1): forward, max-pool indices and gradients against
// PyTorch (scripts/torch-fixtures-conv.py), gradcheck, errors in the called function's name, and flat
// memory over repeated training steps.
import { describe, expect, it } from 'vitest';
import { torchConvFixtures as F } from './fixtures/torch-conv.generated.js';
import {
  adaptiveAvgPool2d,
  adaptiveMaxPool2d,
  avgPool1d,
  avgPool2d,
  gradcheck,
  maxPool1d,
  maxPool2d,
  memory,
  randn,
  type Tensor,
  tensor,
  tidy,
  zeros,
} from './index.js';
import { caseInputs, checkCase } from './testing/torch-cases.js';

const CASES: Record<keyof typeof F.pool, (x: Tensor) => Tensor | [Tensor, Tensor]> = {
  'maxPool2d kernel 2': (x) => maxPool2d(x, 2, { returnIndices: true }),
  'maxPool2d kernel 3 stride 2 padding 1': (x) =>
    maxPool2d(x, 3, { stride: 2, padding: 1, returnIndices: true }),
  'maxPool2d ceilMode': (x) => maxPool2d(x, 3, { stride: 2, ceilMode: true, returnIndices: true }),
  'maxPool2d dilation 2': (x) => maxPool2d(x, 2, { stride: 1, dilation: 2, returnIndices: true }),
  'maxPool2d kernel (3,2) stride (2,1) padding (1,0)': (x) =>
    maxPool2d(x, [3, 2], { stride: [2, 1], padding: [1, 0], returnIndices: true }),
  'maxPool2d unbatched': (x) => maxPool2d(x, 2, { returnIndices: true }),
  'maxPool1d kernel 3 stride 2 padding 1 ceilMode': (x) =>
    maxPool1d(x, 3, { stride: 2, padding: 1, ceilMode: true, returnIndices: true }),
  'maxPool1d unbatched': (x) => maxPool1d(x, 2, { returnIndices: true }),
  'avgPool2d kernel 2': (x) => avgPool2d(x, 2),
  'avgPool2d kernel 3 stride 2 padding 1': (x) => avgPool2d(x, 3, { stride: 2, padding: 1 }),
  'avgPool2d countIncludePad false ceilMode': (x) =>
    avgPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }),
  'avgPool2d divisorOverride 5': (x) => avgPool2d(x, 3, { stride: 2, padding: 1, divisorOverride: 5 }),
  'avgPool2d unbatched kernel (2,3)': (x) => avgPool2d(x, [2, 3]),
  'avgPool1d countIncludePad false': (x) =>
    avgPool1d(x, 3, { stride: 2, padding: 1, countIncludePad: false }),
  'avgPool1d ceilMode unbatched': (x) => avgPool1d(x, 2, { ceilMode: true }),
  'adaptiveAvgPool2d (3,4)': (x) => adaptiveAvgPool2d(x, [3, 4]),
  'adaptiveAvgPool2d 1': (x) => adaptiveAvgPool2d(x, 1),
  'adaptiveAvgPool2d (3,null) unbatched': (x) => adaptiveAvgPool2d(x, [3, null]),
  'adaptiveMaxPool2d (3,4)': (x) => adaptiveMaxPool2d(x, [3, 4], { returnIndices: true }),
  'adaptiveMaxPool2d 2': (x) => adaptiveMaxPool2d(x, 2, { returnIndices: true }),
  'adaptiveMaxPool2d unbatched 3': (x) => adaptiveMaxPool2d(x, 3, { returnIndices: true }),
};

const first = (r: Tensor | [Tensor, Tensor]) => (Array.isArray(r) ? r[0] : r);

describe('pooling against PyTorch', () => {
  for (const [name, c] of Object.entries(F.pool)) {
    const fn = CASES[name as keyof typeof F.pool];
    it(name, () => {
      checkCase(name, c, (x) => first(fn(x!)));
      if ('indices' in c) {
        tidy(() => {
          const result = fn(caseInputs(c)[0]!);
          if (!Array.isArray(result)) throw new Error('expected [values, indices]');
          expect(result[1].dtype).toBe('int32');
          expect(result[1].shape).toEqual(c.shape);
          expect(Array.from(result[1].data())).toEqual(c.indices);
        });
      }
    });
  }
});

describe('pooling gradcheck', () => {
  it('maxPool2d with padding, dilation and ceilMode', () => {
    const x = randn([2, 2, 7, 6], { requiresGrad: true });
    gradcheck((x) => maxPool2d(x, 3, { stride: 2, padding: 1, dilation: [1, 2], ceilMode: true }), [x]);
  });

  it('avgPool2d without the padding in the divisor, and adaptive pools', () => {
    const x = randn([1, 2, 7, 5], { requiresGrad: true });
    gradcheck(
      (x) => avgPool2d(x, [3, 2], { stride: 2, padding: 1, countIncludePad: false, ceilMode: true }),
      [x],
    );
    gradcheck((x) => adaptiveAvgPool2d(x, [3, 4]), [x]);
    gradcheck((x) => adaptiveMaxPool2d(x, [4, 2]), [x]);
  });

  it('only the indices used: the values get a zero gradient through the multi-output op', () => {
    const x = randn([1, 1, 4, 4], { requiresGrad: true });
    const [values, indices] = maxPool2d(x, 2, { returnIndices: true });
    values.mul(0).sum().add(values.sum()).backward();
    expect(x.grad!.sum().item()).toBe(4);
    expect(indices.shape).toEqual([1, 1, 2, 2]);
  });
});

describe('pooling semantics', () => {
  it('max pooling propagates NaN like PyTorch', () => {
    const x = tensor([
      [
        [
          [1, Number.NaN],
          [3, 2],
        ],
      ],
    ]);
    expect(Number.isNaN(maxPool2d(x, 2).item())).toBe(true);
    expect(Number.isNaN(adaptiveMaxPool2d(x, 1).item())).toBe(true);
  });

  it('1-D pooling values', () => {
    expect(maxPool1d(tensor([[[1, 3, 2, 5, 4]]]), 2).toArray()).toEqual([[[3, 5]]]);
    expect(avgPool1d(tensor([[[1, 3, 2, 6]]]), 2).toArray()).toEqual([[[2, 4]]]);
  });
});

describe('pooling errors name the function', () => {
  it('rejects bad inputs and options', () => {
    expect(() => maxPool2d(zeros([5, 5]), 2)).toThrow(
      'maxPool2d: input must have 3 or 4 dimensions, got shape [5,5]',
    );
    expect(() => maxPool2d(zeros([1, 1, 5, 5]), 2, { padding: 2 })).toThrow(
      'maxPool2d: padding 2×2 exceeds half the kernel size 2×2',
    );
    expect(() => maxPool2d(zeros([1, 1, 5, 5]), 0)).toThrow(
      /^maxPool2d: kernelSize must be a positive integer/,
    );
    expect(() => avgPool2d(zeros([1, 1, 2, 2]), 3)).toThrow(/^avgPool2d: input 2×2 is too small/);
    expect(() => avgPool2d(zeros([1, 1, 4, 4]), 2, { divisorOverride: 0 })).toThrow(
      'avgPool2d: divisorOverride must be a positive integer, got 0',
    );
    expect(() => avgPool1d(zeros([1, 1, 4]), 2, { dilation: 2 } as never)).toThrow(
      "avgPool1d: unknown option 'dilation'",
    );
    expect(() => maxPool1d(zeros([1, 4]), 2, { stride: 1.5 })).toThrow(
      'maxPool1d: stride must be a positive integer',
    );
    expect(() => adaptiveAvgPool2d(zeros([1, 2, 4, 4]), [0, 2])).toThrow(
      /^adaptiveAvgPool2d: outputSize must be/,
    );
    expect(() => adaptiveMaxPool2d(zeros([1, 2, 0, 4]), 2)).toThrow(
      'adaptiveMaxPool2d: input of shape [1,2,0,4] has an empty plane',
    );
  });
});

describe('pooling memory', () => {
  it('stays flat over 50 tidy forward+backward steps', () => {
    const step = () =>
      tidy(() => {
        const x = randn([2, 3, 9, 8], { requiresGrad: true });
        const [m] = maxPool2d(x, 3, { stride: 2, padding: 1, returnIndices: true });
        const a = avgPool2d(x, 2, { countIncludePad: false });
        const p = adaptiveAvgPool2d(x, [2, 3]).add(adaptiveMaxPool2d(x, [2, 3]));
        const q = maxPool1d(x.flatten(2), 4)
          .sum()
          .add(avgPool1d(x.flatten(2), 3).sum());
        m.sum().add(a.square().sum()).add(p.sum()).add(q).backward();
      });
    step();
    const before = memory();
    for (let i = 0; i < 50; i++) step();
    const after = memory();
    expect(after.tensors).toBe(before.tensors);
    expect(after.bytes).toBe(before.bytes);
  });
});
