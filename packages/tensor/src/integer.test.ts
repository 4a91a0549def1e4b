// int32 arithmetic and PyTorch's type promotion (issue 16 #3).
import { describe, expect, it } from 'vitest';
import { bincount, memory, tensor, tidy, where } from './index.js';

const int = (values: number[]) => tensor(values, { dtype: 'int32' });

describe('int32 arithmetic and type promotion', () => {
  it('the accuracy idiom works: argmax(1).eq(labels) gives 1/0 usable with sum, mean and float()', () => {
    const logits = tensor([
      [0.1, 2, 0.3],
      [3, 0, 1],
      [0, 0, 5],
      [1, 4, 0],
    ]);
    const labels = int([1, 0, 1, 1]);
    const correct = logits.argmax(1).eq(labels);
    expect(correct.toArray()).toEqual([1, 1, 0, 1]);
    expect(correct.sum().item()).toBe(3);
    expect(correct.mean().item()).toBe(0.75);
  });

  it('int32 op int32 (or an integer) stays int32, wrapping like 32-bit integers', () => {
    const a = int([1, -2, 2 ** 31 - 1]);
    const b = int([3, 5, 1]);
    for (const [result, expected] of [
      [a.add(b), [4, 3, -(2 ** 31)]],
      [a.sub(b), [-2, -7, 2 ** 31 - 2]],
      [a.mul(b), [3, -10, 2 ** 31 - 1]],
      [a.add(1), [2, -1, -(2 ** 31)]],
      [a.maximum(b), [3, 5, 2 ** 31 - 1]],
      [b.pow(2), [9, 25, 1]],
    ] as const) {
      expect(result.dtype).toBe('int32');
      expect(result.toArray()).toEqual(expected);
    }
    const grid = int([1, 2])
      .reshape([2, 1])
      .add(int([10, 20]));
    expect(grid.toArray()).toEqual([
      [11, 21],
      [12, 22],
    ]);
  });

  it('int32 with float32 (or a fractional number) promotes to float32; division is true division', () => {
    const a = int([1, 2, 3]);
    expect(a.add(0.5).dtype).toBe('float32');
    expect(a.add(0.5).toArray()).toEqual([1.5, 2.5, 3.5]);
    expect(a.mul(tensor([0.5, 1, 2])).toArray()).toEqual([0.5, 2, 6]);
    expect(tensor([0.5, 1, 2]).mul(a).dtype).toBe('float32');
    expect(a.div(2).toArray()).toEqual([0.5, 1, 1.5]);
    expect(a.div(int([2, 2, 2])).dtype).toBe('float32');
    const w = tensor([1, 1, 1], { requiresGrad: true });
    w.mul(a).sum().backward();
    expect(w.grad!.toArray()).toEqual([1, 2, 3]); // the gradient reaches the float operand
  });

  it('comparisons, sum and where work on int32', () => {
    const a = int([1, 5, 3]);
    expect(a.gt(2).toArray()).toEqual([0, 1, 1]);
    expect(a.le(int([1, 4, 4])).toArray()).toEqual([1, 0, 1]);
    const s = int([1, 2, 3, 4]).reshape([2, 2]);
    expect(s.sum().dtype).toBe('int32');
    expect(s.sum().item()).toBe(10);
    expect(s.sum(0).toArray()).toEqual([4, 6]);
    expect(s.sum(1, true).toArray()).toEqual([[3], [7]]);
    const picked = where(int([1, 0, 2]), a, -1);
    expect(picked.dtype).toBe('int32');
    expect(picked.toArray()).toEqual([1, -1, 3]);
    expect(where(tensor([1, 0, 1]), a, tensor([0.5, 0.5, 0.5])).toArray()).toEqual([1, 0.5, 3]);
  });

  it('bincount counts non-negative int32 values (with weights and minlength)', () => {
    expect(bincount(int([0, 2, 2, 5])).toArray()).toEqual([1, 0, 2, 0, 0, 1]);
    expect(bincount(int([1, 1]), { minlength: 4 }).toArray()).toEqual([0, 2, 0, 0]);
    expect(bincount(int([0, 1, 1]), { weights: tensor([0.5, 1, 2]) }).toArray()).toEqual([0.5, 3]);
    expect(() => bincount(int([-1]))).toThrow(/bincount: values must be non-negative, got -1/);
    expect(() => bincount(tensor([1.5]))).toThrow(/bincount: expected a 1-D int32 tensor/);
  });

  it('leaves no temporaries behind', () => {
    const a = int([1, 2, 3]);
    const before = memory();
    tidy(() => {
      a.add(0.5);
      a.eq(a);
      a.sum();
      where(a, a, 0);
    });
    expect(memory()).toEqual(before);
  });
});
