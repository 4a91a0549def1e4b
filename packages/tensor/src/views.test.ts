import { describe, expect, it } from 'vitest';
import { arange, cat, gradcheck, manualSeed, memory, randn, stack, tensor, zeros } from './index.js';

describe('shape operations', () => {
  it('reshape/view share storage when contiguous; -1 infers a size', () => {
    const x = arange(6);
    const before = memory().storages;
    const y = x.reshape(2, -1);
    expect(y.shape).toEqual([2, 3]);
    expect(memory().storages).toBe(before); // a view: no new storage
    expect(x.view([3, 2]).toArray()).toEqual([
      [0, 1],
      [2, 3],
      [4, 5],
    ]);
    expect(() => x.reshape(4, -1)).toThrow(
      'reshape: shape [4,-1] is invalid for input of shape [6] (6 elements)',
    );
    expect(() => y.transpose().view(6)).toThrow(/view: the tensor of shape \[3,2\] is not contiguous/);
    expect(y.transpose().reshape(6).toArray()).toEqual([0, 3, 1, 4, 2, 5]);
  });

  it('transpose, permute, flatten, squeeze, unsqueeze', () => {
    const x = arange(24).reshape(2, 3, 4);
    expect(x.transpose(0, 2).shape).toEqual([4, 3, 2]);
    expect((x.permute(2, 0, 1).contiguous().reshape(-1).toArray() as number[]).slice(0, 4)).toEqual([
      0, 4, 8, 12,
    ]);
    expect(x.flatten(1).shape).toEqual([2, 12]);
    expect(x.flatten().shape).toEqual([24]);
    expect(zeros([1, 3, 1]).squeeze().shape).toEqual([3]);
    expect(zeros([1, 3, 1]).squeeze(0).shape).toEqual([3, 1]);
    expect(zeros([3]).unsqueeze(0).shape).toEqual([1, 3]);
    expect(zeros([3]).unsqueeze(-1).shape).toEqual([3, 1]);
    expect(() => x.permute(0, 0, 1)).toThrow(/permute: dimensions \[0,0,1\] repeat/);
    expect(() => x.transpose(0, 3)).toThrow(/transpose: dimension 3 is out of range/);
  });

  it('expand broadcasts without copying; slice with negative bounds and steps', () => {
    const e = tensor([[1], [2]]).expand(2, 3);
    expect(e.toArray()).toEqual([
      [1, 1, 1],
      [2, 2, 2],
    ]);
    expect(e.strides).toEqual([1, 0]);
    expect(tensor([1, 2]).expand(2, -1).toArray()).toEqual([
      [1, 2],
      [1, 2],
    ]);
    expect(() => tensor([1, 2]).expand(3)).toThrow(
      'expand: cannot expand shape [2] to [3] (dimension 0: 2 vs 3)',
    );
    const r = arange(10);
    expect(r.slice(0, 2, 8, 3).toArray()).toEqual([2, 5]);
    expect(r.slice(0, -3).toArray()).toEqual([7, 8, 9]);
    expect(r.slice(0, 5, 100).toArray()).toEqual([5, 6, 7, 8, 9]);
    expect(arange(12).reshape(3, 4).slice(1, 1, 3).toArray()).toEqual([
      [1, 2],
      [5, 6],
      [9, 10],
    ]);
  });

  it('cat and stack, with shape errors', () => {
    expect(
      cat([
        tensor([[1, 2]]),
        tensor([
          [3, 4],
          [5, 6],
        ]),
      ]).toArray(),
    ).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(cat([tensor([[1], [2]]), tensor([[3], [4]])], 1).toArray()).toEqual([
      [1, 3],
      [2, 4],
    ]);
    expect(stack([tensor([1, 2]), tensor([3, 4])], 1).toArray()).toEqual([
      [1, 3],
      [2, 4],
    ]);
    expect(() => cat([zeros([2, 3]), zeros([2, 4])])).toThrow(
      'cat: shapes [2,3] and [2,4] differ outside dimension 0',
    );
    expect(() => stack([zeros([2]), zeros([3])])).toThrow(/stack: all tensors must have the same shape/);
  });

  describe('gradients', () => {
    manualSeed(5);
    const x = () => randn([2, 3, 4], { requiresGrad: true });
    const w = randn([24]);
    const v5 = randn([5]);
    const m12 = randn([12, 2]);
    const cases: [string, (t: import('./index.js').Tensor) => import('./index.js').Tensor][] = [
      ['reshape', (t) => t.reshape(6, 4).mul(w.reshape(6, 4))],
      [
        'transpose',
        (t) =>
          t
            .transpose(0, 2)
            .contiguous()
            .mul(w.reshape(4, 3, 2)),
      ],
      ['permute', (t) => t.permute(1, 2, 0).exp()],
      ['expand', (t) => t.slice(2, 0, 1).expand(2, 3, 5).mul(v5)],
      ['slice with step', (t) => t.slice(2, 1, 4, 2).square()],
      ['squeeze/unsqueeze', (t) => t.unsqueeze(1).squeeze(1).tanh()],
      ['flatten', (t) => t.flatten(1).matmul(m12)],
      ['cat', (t) => cat([t, t.mul(2)], 1)],
      ['stack', (t) => stack([t, t.square()], 0)],
    ];
    for (const [name, fn] of cases) {
      it(name, () => {
        expect(gradcheck(fn, [x()]).ok).toBe(true);
      });
    }
  });
});
