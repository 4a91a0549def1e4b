// In-place ops (issue 11, Core v2 item 7): PyTorch's semantics, version counters, leaf protection.
import { describe, expect, it } from 'vitest';
import { arange, Generator, memory, noGrad, ones, randn, type Tensor, tensor, tidy, zeros } from './index.js';

const values = (t: Tensor | null) => Array.from(t!.data());

describe('in-place ops', () => {
  it('write into the tensor and return it, broadcasting the operand', () => {
    const x = tensor([
      [1, 2],
      [3, 4],
    ]);
    expect(x.add_(tensor([10, 20]))).toBe(x);
    expect(x.toArray()).toEqual([
      [11, 22],
      [13, 24],
    ]);
    x.sub_(1)
      .mul_(2)
      .div_(tensor([[2], [4]]));
    expect(x.toArray()).toEqual([
      [10, 21],
      [6, 11.5],
    ]);
    x.clamp_(7, 20);
    expect(x.toArray()).toEqual([
      [10, 20],
      [7, 11.5],
    ]);
    x.fill_(3);
    expect(values(x)).toEqual([3, 3, 3, 3]);
    x.zero_();
    expect(values(x)).toEqual([0, 0, 0, 0]);
    x.copy_(tensor([5, 6]));
    expect(x.toArray()).toEqual([
      [5, 6],
      [5, 6],
    ]);
  });

  it('write through strided views into the base tensor', () => {
    const base = zeros([3, 4]);
    base.slice(1, 1, 4, 2).fill_(1); // columns 1 and 3
    base
      .transpose()
      .slice(0, 0, 1)
      .add_(tensor([[5, 6, 7]])); // column 0
    expect(base.toArray()).toEqual([
      [5, 1, 0, 1],
      [6, 1, 0, 1],
      [7, 1, 0, 1],
    ]);
  });

  it('copy_ converts between dtypes as float() and int() do', () => {
    const labels = zeros([3], { dtype: 'int32' }).copy_(tensor([1.9, -2.5, 3]));
    expect(labels.dtype).toBe('int32');
    expect(values(labels)).toEqual([1, -2, 3]);
    expect(values(zeros([2]).copy_(tensor([4, 5], { dtype: 'int32' })))).toEqual([4, 5]);
  });

  it('refuse to broadcast the written tensor and to write to expanded views', () => {
    expect(() => zeros([2]).add_(ones([3, 2]))).toThrow(/add_: .*\[3,2\].*\[2\]/);
    expect(() => ones([1]).expand([4]).mul_(2)).toThrow(/mul_: .*expanded view/);
    expect(() => zeros([2]).fill_('1' as unknown as number)).toThrow(
      /fill_: the value must be a number, got the string '1'/,
    );
  });

  it('uniform_ and normal_ fill from a seeded generator', () => {
    const a = zeros([1000]).uniform_(-2, 3, { generator: new Generator(7) });
    const b = zeros([1000]).uniform_(-2, 3, { generator: new Generator(7) });
    expect(values(a)).toEqual(values(b));
    expect(Math.min(...values(a))).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...values(a))).toBeLessThan(3);
    const n = zeros([20000]).normal_(5, 2, { generator: new Generator(1) });
    expect(n.mean().item()).toBeCloseTo(5, 1);
    expect(n.std().item()).toBeCloseTo(2, 1);
    expect(() => zeros([2]).normal_(0, -1)).toThrow(/normal_: .*std >= 0/);
  });

  it('refuse to modify a leaf that requires grad while recording, and allow it under noGrad', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    expect(() => w.add_(1)).toThrow(/add_: a leaf tensor that requires grad .* noGrad/);
    noGrad(() => w.add_(1));
    expect(values(w)).toEqual([2, 3]);
  });

  it('detect at backward that a tensor saved for the gradient was overwritten (version counter)', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.exp(); // exp saves its output
    const z = y.add(1); // add saves nothing, so exp's saved output is the one checked
    noGrad(() => y.mul_(2));
    expect(() => z.sum().backward()).toThrow(/backward: .*'exp' saved .* modified in place by 'mul_'/);
  });

  it('record an in-place op on a non-leaf: gradients are those of the out-of-place op', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const w = tensor([4, 5, 6], { requiresGrad: true });
    const h = x.mul(2);
    h.mul_(w).add_(1); // h = 2x·w + 1
    expect(h.gradFnName).toBe('add');
    h.sum().backward();
    expect(values(x.grad)).toEqual([8, 10, 12]);
    expect(values(w.grad)).toEqual([2, 4, 6]);
  });

  it('copy_ sends the gradient to the source; fill_ cuts the history', () => {
    const s = tensor([1, 2], { requiresGrad: true });
    const t = zeros([3, 2]).copy_(s);
    t.mul(tensor([[1], [2], [3]]))
      .sum()
      .backward();
    expect(values(s.grad)).toEqual([6, 6]);
    const x = tensor([1, 2], { requiresGrad: true });
    const h = x.mul(3);
    h.fill_(7);
    h.mul(x).sum().backward(); // only the direct use of x contributes
    expect(values(x.grad)).toEqual([7, 7]);
  });

  it('clone copies storage and passes the gradient through', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const c = x.clone();
    noGrad(() => c.fill_(0));
    expect(values(x)).toEqual([1, 2]);
    x.clone().mul(3).sum().backward();
    expect(values(x.grad)).toEqual([3, 3]);
  });

  it('leak nothing over many steps', () => {
    const w = randn([64]);
    const before = memory();
    for (let i = 0; i < 200; i++) tidy(() => w.mul_(0.5).add_(arange(64)).clamp_(-1, 1).copy_(w.clone()));
    expect(memory()).toEqual(before);
    w.dispose();
  });
});
