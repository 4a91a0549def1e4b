// Memory safety and strict inputs at the tensor level (issue 12): every defect the fuzz campaign
// found here has a test that failed before the fix.
import { describe, expect, it } from 'vitest';
import {
  arange,
  avgPool1d,
  avgPool2d,
  cat,
  cdist,
  checkOptions,
  conv1d,
  conv2d,
  describeValue,
  gradcheck,
  maxPool1d,
  maxPool2d,
  memory,
  ones,
  randint,
  randn,
  stack,
  type Tensor,
  tensor,
  tidy,
  zeros,
} from './index.js';

const values = (t: Tensor | null) => Array.from(t!.data());

describe('memory safety and strict inputs (issue 12)', () => {
  it('#2: a .grad of the wrong shape or dtype is refused instead of overwriting a neighbour', () => {
    const x = randn([1000], { requiresGrad: true });
    const neighbour = ones([1000]);
    expect(() => {
      x.grad = zeros([1]);
    }).toThrow(/grad: the assigned gradient has shape \[1\] \(float32\) but the tensor has shape \[1000\]/);
    expect(() => {
      x.grad = zeros([1000], { dtype: 'int32' });
    }).toThrow(/grad: .*int32/);
    expect(() => {
      x.grad = [1, 2] as unknown as Tensor;
    }).toThrow(/grad: expected a tensor or null/);
    x.sum().backward();
    expect(values(x.grad).every((v) => v === 1)).toBe(true);
    expect(values(neighbour).every((v) => v === 1)).toBe(true);
    x.grad = zeros([1000]); // a well-formed one is accepted
    x.grad = null;
  });

  it('#4: expand rejects negative, fractional, NaN, infinite and string sizes', () => {
    for (const bad of [-3, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '3']) {
      expect(() => tensor([1]).expand([bad as number])).toThrow(/expand: invalid size/);
    }
    expect(values(tensor([1]).expand([3]).neg())).toEqual([-1, -1, -1]);
  });

  it('#5: slice rejects fractional and NaN bounds', () => {
    expect(() => arange(10).slice(0, 1.5, 4)).toThrow(/slice: start must be an integer, got 1.5/);
    expect(() => arange(10).slice(0, 0, 8.5)).toThrow(/slice: end must be an integer/);
    expect(() => arange(10).slice(0, Number.NaN)).toThrow(/slice: start must be an integer, got NaN/);
    expect(values(arange(10).slice(0, -3))).toEqual([7, 8, 9]);
  });

  it('#6: indexSelect on a 0-d tensor checks the index range', () => {
    expect(() => tensor(5).indexSelect(0, tensor([7], { dtype: 'int32' }))).toThrow(
      /indexSelect: index 7 .* out of range/,
    );
    const picked = tensor(5).indexSelect(0, tensor([0, 0], { dtype: 'int32' }));
    expect(picked.shape).toEqual([2]);
    expect(values(picked)).toEqual([5, 5]);
  });

  it('#7: argmax and argmin return int32 indices on every path', () => {
    for (const t of [
      tensor([1, 5, 2]).argmax(0),
      tensor([1, 5, 2]).argmax(),
      tensor([[1, 5, 2]]).argmin(1),
    ]) {
      expect(t.dtype).toBe('int32');
    }
    expect(tensor([1, 5, 2]).argmax(0).item()).toBe(1);
    expect(tensor([1, 5, 2]).argmin(-1).item()).toBe(0);
  });

  it('#8: reductions over dim 0 of a 0-d tensor return the value with shape []', () => {
    const s = tensor(3.5);
    for (const r of [s.sum(0), s.mean(0), s.max(0), s.min(-1), s.sum(0, true), s.logSumExp(0)]) {
      expect(r.shape).toEqual([]);
      expect(r.item()).toBeCloseTo(3.5, 6);
    }
    expect(() => cat([tensor(1), tensor(2)])).toThrow(
      /cat: a 0-d tensor \(at position 0\) cannot be concatenated/,
    );
    expect(values(stack([tensor(1), tensor(2)]))).toEqual([1, 2]);
  });

  it('#16: unsupported dtypes are rejected at creation, and clamp bounds must be numbers', () => {
    for (const dtype of ['float64', 'int8', 'int64', 'long']) {
      expect(() => zeros([2], { dtype: dtype as 'float32' })).toThrow(
        /zeros: unsupported dtype the string '.*'/,
      );
      expect(() => tensor([1], { dtype: dtype as 'float32' })).toThrow(/tensor: unsupported dtype/);
    }
    expect(() => tensor([1, 2]).clamp('0' as unknown as number)).toThrow(
      /clamp: min must be a number, got the string '0'/,
    );
  });

  it('leaves memory as it was after each refused call', () => {
    const before = memory();
    const attempts = [
      () => tensor([1]).expand([-3]),
      () => arange(10).slice(0, 1.5),
      () => cat([tensor(1)]),
      () => zeros([2], { dtype: 'float64' as 'float32' }),
    ];
    tidy(() => {
      for (const attempt of attempts) expect(attempt).toThrow();
    });
    expect(memory()).toEqual(before);
  });
});

describe('checkOptions (one options style, issue 11 #8)', () => {
  it('rejects unknown keys listing the valid ones, and non-object options', () => {
    expect(() => checkOptions('Adam', { learningRate: 0.1 }, ['lr', 'eps'])).toThrow(
      "Adam: unknown option 'learningRate'; valid options are 'lr', 'eps'",
    );
    expect(() => checkOptions('Adam', 0.1, ['lr'])).toThrow('Adam: options must be an object, got 0.1');
    expect(() => checkOptions('Adam', { lr: 1 }, ['lr'])).not.toThrow();
    expect(() => checkOptions('Adam', undefined, ['lr'])).not.toThrow();
  });

  it('describeValue never throws and stays short', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(describeValue(deep).length).toBeLessThan(100);
    expect(describeValue('x'.repeat(10_000)).length).toBeLessThan(100);
    expect(describeValue(Object.create(null))).toBe('an object');
    expect(describeValue(zeros([2, 3]))).toBe('a float32 tensor of shape [2,3]');
  });
});

describe('reductions take { keepDim } like var and std (issue 11 #8, issue 16 #8)', () => {
  it('accepts the options object and the positional boolean alike, and rejects unknown keys', () => {
    const x = tensor([
      [1, 2],
      [3, 4],
    ]);
    expect(x.sum(1, { keepDim: true }).shape).toEqual([2, 1]);
    expect(x.sum(1, true).shape).toEqual([2, 1]);
    expect(x.argmax(1, { keepDim: true }).toArray()).toEqual([[1], [1]]);
    expect(x.var(1, { keepDim: true, correction: 0 }).toArray()).toEqual([[0.25], [0.25]]);
    expect(() => x.sum(1, { keepdim: true } as never)).toThrow(
      "sum: unknown option 'keepdim'; valid options are 'keepDim'",
    );
    expect(() => x.std(0, { keepdims: true } as never)).toThrow(/std: unknown option 'keepdims'/);
  });
});

describe('stack', () => {
  it('leaves no intermediate views alive outside tidy', () => {
    const parts = [tensor([1, 2]), tensor([3, 4])];
    const before = memory().tensors;
    const s = stack(parts, 1);
    expect(memory().tensors).toBe(before + 1);
    expect(s.toArray()).toEqual([
      [1, 3],
      [2, 4],
    ]);
    s.dispose();
    for (const p of parts) p.dispose();
  });
});

describe('cdist', () => {
  it('gives L1 and L2 distances between rows, with gradients', () => {
    const a = tensor([
      [0, 0],
      [1, 2],
    ]);
    const b = tensor([
      [3, 4],
      [1, 0],
    ]);
    expect(cdist(a, b, { p: 1 }).toArray()).toEqual([
      [7, 1],
      [4, 2],
    ]);
    const l2 = cdist(a, b).toArray() as number[][];
    expect(l2[0]![0]).toBeCloseTo(5, 5);
    expect(l2[1]![1]).toBeCloseTo(2, 5);
    const x = randn([3, 4], { requiresGrad: true });
    const y = randn([2, 4], { requiresGrad: true });
    expect(gradcheck((p, q) => cdist(p!, q!, { p: 1 }), [x, y]).ok).toBe(true);
    expect(() => cdist(a, tensor([[1, 2, 3]]))).toThrow(/cdist: expected \[M, D\] and \[N, D\]/);
  });
});

describe('randint (issue 12 #16)', () => {
  it('refuses ranges that would wrap in int32 or outrun the generator', () => {
    expect(() => randint(0, 2 ** 40, [2])).toThrow(
      /randint: the range \[0, 1099511627776\) must lie within int32/,
    );
    expect(() => randint(-(2 ** 31) - 1, 0, [2])).toThrow(/within int32/);
    expect(() => randint(0, '5' as unknown as number, [2])).toThrow(
      /randint: expected integers low < high, got 0 and the string '5'/,
    );
    const t = randint(-3, 3, [1000]);
    const v = Array.from(t.data());
    expect(Math.min(...v)).toBe(-3);
    expect(Math.max(...v)).toBe(2);
    t.dispose();
  });
});

describe('convolution and pooling wrappers', () => {
  it('leave only their result alive outside tidy (no intermediate unsqueeze/padding views)', () => {
    const x1 = randn([2, 3, 10]);
    const x3 = randn([3, 8, 8]);
    const w1 = randn([4, 3, 3]);
    const w2 = randn([4, 3, 3, 3]);
    const calls: (() => Tensor | Tensor[])[] = [
      () => conv1d(x1, w1, null, { padding: 'same' }),
      () => conv2d(x3, w2, null, { padding: 'same' }),
      () => maxPool1d(x1, 2),
      () => maxPool1d(x1, 2, { returnIndices: true }),
      () => avgPool1d(x1, 2),
      () => maxPool2d(x3, 2),
      () => avgPool2d(x3, 2),
    ];
    for (const call of calls) {
      const before = memory().tensors;
      const result = call();
      const outputs = Array.isArray(result) ? result : [result];
      expect(memory().tensors).toBe(before + outputs.length);
      for (const t of outputs) t.dispose();
    }
    for (const t of [x1, x3, w1, w2]) t.dispose();
  });
});
