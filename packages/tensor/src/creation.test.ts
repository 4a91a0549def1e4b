import { describe, expect, it } from 'vitest';
import { arange, eye, full, linspace, ones, onesLike, tensor, zeros, zerosLike } from './index.js';

describe('creation and readout', () => {
  it('tensor from numbers, nested arrays and typed arrays', () => {
    const t = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.dtype).toBe('float32');
    expect(t.ndim).toBe(2);
    expect(t.size).toBe(6);
    expect(t.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(tensor(5).shape).toEqual([]);
    expect(tensor(5).item()).toBe(5);
    expect(tensor(new Float32Array([1, 2, 3, 4]), { shape: [2, 2] }).toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(tensor(new Int32Array([7, 8])).dtype).toBe('int32');
    expect(tensor([1.5, 2], { dtype: 'int32' }).toArray()).toEqual([1, 2]);
    expect(tensor([]).shape).toEqual([0]);
    expect(tensor([1, 2]).data()).toBeInstanceOf(Float32Array);
  });

  it('rejects ragged or non-numeric data and wrong sizes, saying where', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(
      'tensor: ragged nested array: expected 2 elements at [1] (shape [2,2]), got 1',
    );
    expect(() =>
      tensor([
        [1, 2],
        [3, 'x' as never],
      ]),
    ).toThrow(/expected a number at \[1\]\[1\]/);
    expect(() => tensor(new Float32Array(5), { shape: [2, 2] })).toThrow(
      'tensor: 5 values do not fill shape [2,2] (4 elements)',
    );
    expect(() => zeros([2, -1])).toThrow('zeros: invalid shape [2,-1] (sizes must be integers >= 0)');
    expect(() => tensor([1, 2]).item()).toThrow(/item: only a tensor with one element/);
  });

  it('zeros, ones, full, *Like, arange, linspace, eye', () => {
    expect(zeros([2]).toArray()).toEqual([0, 0]);
    expect(ones([2, 1]).toArray()).toEqual([[1], [1]]);
    expect(full([2], 7, { dtype: 'int32' }).toArray()).toEqual([7, 7]);
    expect(zerosLike(ones([3])).toArray()).toEqual([0, 0, 0]);
    expect(onesLike(zeros([1], { dtype: 'int32' })).dtype).toBe('int32');
    expect(arange(4).toArray()).toEqual([0, 1, 2, 3]);
    expect(arange(1, 2, 0.25).toArray()).toEqual([1, 1.25, 1.5, 1.75]);
    expect(arange(5, 0, -2).toArray()).toEqual([5, 3, 1]);
    expect(() => arange(0, 1, 0)).toThrow(/arange: step must be a finite nonzero number/);
    expect(linspace(0, 1, 5).toArray()).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(eye(2, 3).toArray()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
    ]);
  });

  it('toString is readable and summarises large tensors', () => {
    expect(
      tensor([
        [1, 2],
        [3, 4],
      ]).toString(),
    ).toBe('tensor([[1., 2.],\n        [3., 4.]])');
    expect(tensor([0.5, 1.25], { requiresGrad: true }).toString()).toBe(
      'tensor([0.5000, 1.2500], requiresGrad=true)',
    );
    expect(
      tensor([1, 2])
        .mul(tensor([1, 1], { requiresGrad: true }))
        .toString(),
    ).toContain('gradFn=mul');
    expect(arange(5000).toString()).toContain('...');
    expect(tensor([3], { dtype: 'int32' }).toString()).toBe('tensor([3], dtype=int32)');
  });
});
