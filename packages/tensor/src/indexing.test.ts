import { describe, expect, it } from 'vitest';
import { gradcheck, manualSeed, randn, tensor } from './index.js';

const idx = (values: number[] | number[][]) => tensor(values, { dtype: 'int32' });

describe('indexSelect and gather', () => {
  manualSeed(7);

  it('indexSelect picks rows (repeats allowed) and columns', () => {
    const x = tensor([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(x.indexSelect(0, idx([2, 0, 2])).toArray()).toEqual([
      [5, 6],
      [1, 2],
      [5, 6],
    ]);
    expect(x.indexSelect(1, idx([1])).toArray()).toEqual([[2], [4], [6]]);
    expect(() => x.indexSelect(0, idx([3]))).toThrow(
      'indexSelect: index 3 (at position 0) is out of range for dimension 0 of size 3',
    );
    expect(() => x.indexSelect(0, tensor([1]))).toThrow(/the index must be an int32 tensor/);
  });

  it('indexSelect gradient accumulates repeated rows (embedding lookup)', () => {
    const table = tensor(
      [
        [1, 1],
        [2, 2],
        [3, 3],
      ],
      { requiresGrad: true },
    );
    table
      .indexSelect(0, idx([0, 2, 0]))
      .sum()
      .backward();
    expect(table.grad!.toArray()).toEqual([
      [2, 2],
      [0, 0],
      [1, 1],
    ]);
    expect(
      gradcheck((t) => t!.indexSelect(1, idx([2, 0, 2])), [randn([2, 3], { requiresGrad: true })]).ok,
    ).toBe(true);
  });

  it('gather along dim 1 and dim 0, with gradient', () => {
    const x = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(x.gather(1, idx([[2], [0]])).toArray()).toEqual([[3], [4]]);
    expect(x.gather(0, idx([[1, 0, 1]])).toArray()).toEqual([[4, 2, 6]]);
    expect(
      x
        .transpose()
        .gather(1, idx([[1], [0], [1]]))
        .toArray(),
    ).toEqual([[4], [2], [6]]);
    expect(() => x.gather(1, idx([[3], [0]]))).toThrow(
      /gather: index 3 is out of range for dimension 1 of size 3/,
    );
    expect(
      gradcheck(
        (t) =>
          t!.gather(
            1,
            idx([
              [2, 2],
              [0, 1],
            ]),
          ),
        [randn([2, 3], { requiresGrad: true })],
      ).ok,
    ).toBe(true);
    expect(
      gradcheck((t) => t!.transpose().gather(0, idx([[1, 0]])), [randn([2, 3], { requiresGrad: true })]).ok,
    ).toBe(true);
  });
});
