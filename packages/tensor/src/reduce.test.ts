import { describe, expect, it } from 'vitest';
import { gradcheck, manualSeed, randn, type Tensor, tensor } from './index.js';

const x23 = () =>
  tensor([
    [1, 5, 3],
    [4, 2, 6],
  ]);

describe('reductions', () => {
  it('sum and mean over all, one, negative and several dims, with keepDim', () => {
    const x = x23();
    expect(x.sum().item()).toBe(21);
    expect(x.sum(0).toArray()).toEqual([5, 7, 9]);
    expect(x.sum(-1).toArray()).toEqual([9, 12]);
    expect(x.sum(1, true).shape).toEqual([2, 1]);
    expect(x.sum([0, 1]).shape).toEqual([]);
    expect(x.mean(0).toArray()).toEqual([2.5, 3.5, 4.5]);
    expect(x.mean().item()).toBe(3.5);
    const t = randn([2, 3, 4]);
    const v = t.toArray() as number[][][];
    const want = v.map((plane) => plane[0]!.map((_, k) => plane.reduce((s, row) => s + row[k]!, 0)));
    const got = t.sum(1).toArray() as number[][];
    got.flat().forEach((g, i) => {
      expect(g).toBeCloseTo(want.flat()[i]!, 5);
    });
    expect(t.sum([0, 2]).shape).toEqual([3]);
  });

  it('sum of a non-contiguous (transposed) tensor', () => {
    expect(x23().transpose().sum(1).toArray()).toEqual([5, 7, 9]);
  });

  it('max, min, argmax, argmin (first index on ties; NaN wins)', () => {
    const x = x23();
    expect(x.max().item()).toBe(6);
    expect(x.max(1).toArray()).toEqual([5, 6]);
    expect(x.min(0).toArray()).toEqual([1, 2, 3]);
    expect(x.argmax().item()).toBe(5);
    expect(x.argmax(1).toArray()).toEqual([1, 2]);
    expect(x.argmin(0, true).toArray()).toEqual([[0, 1, 0]]);
    expect(x.argmax(1).dtype).toBe('int32');
    expect(tensor([3, 7, 7, 1]).argmax().item()).toBe(1);
    expect(tensor([1, Number.NaN, 5]).max().item()).toBeNaN();
    expect(tensor([1, Number.NaN, 5]).argmax().item()).toBe(1);
  });

  it('var and std with and without Bessel correction', () => {
    const x = tensor([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(x.var(undefined, { correction: 0 }).item()).toBeCloseTo(4, 6);
    expect(x.std(undefined, { correction: 0 }).item()).toBeCloseTo(2, 6);
    expect(x.var().item()).toBeCloseTo(32 / 7, 5);
    expect(x23().var(1, { keepDim: true }).toArray()).toEqual([[4], [4]]);
  });

  it('logSumExp is stable for huge values and exact for −inf slices', () => {
    const x = tensor([
      [1000, 1000],
      [-Infinity, -Infinity],
      [0, Math.log(3)],
    ]);
    const got = x.logSumExp(1).toArray() as number[];
    expect(got[0]).toBeCloseTo(1000 + Math.log(2), 3);
    expect(got[1]).toBe(-Infinity);
    expect(got[2]).toBeCloseTo(Math.log(4), 6);
  });

  it('errors for empty reductions and bad dims', () => {
    expect(() => tensor([]).max()).toThrow(/max: cannot reduce/);
    expect(() => x23().sum(2)).toThrow(
      'sum: dimension 2 is out of range for a tensor with 2 dimensions (expected an integer in -2..1)',
    );
    expect(() => x23().sum([0, 0])).toThrow(/repeats a dimension/);
    expect(() => tensor([]).argmax()).toThrow(/argmax: cannot take the argmax of an empty tensor/);
  });

  describe('gradients', () => {
    manualSeed(3);
    const cases: [string, (t: Tensor) => Tensor][] = [
      ['sum all', (t) => t.sum()],
      ['sum dim', (t) => t.sum(1)],
      ['sum dims keepDim', (t) => t.sum([0, 2], true)],
      ['mean dim', (t) => t.mean(-1)],
      ['max dim', (t) => t.max(1)],
      ['min all', (t) => t.min()],
      ['var', (t) => t.var(2)],
      ['std', (t) => t.std([1, 2])],
      ['logSumExp', (t) => t.logSumExp(1)],
    ];
    for (const [name, fn] of cases) {
      it(name, () => {
        expect(gradcheck(fn, [randn([2, 3, 4], { requiresGrad: true })]).ok).toBe(true);
      });
    }

    it('max shares the gradient equally among ties', () => {
      const x = tensor([1, 3, 3], { requiresGrad: true });
      x.max().backward();
      expect(Array.from(x.grad!.data())).toEqual([0, 0.5, 0.5]);
    });
  });
});
