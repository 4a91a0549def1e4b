import { describe, expect, it } from 'vitest';
import { customOp, gradcheck, memory, noGrad, randn, type Tensor, tensor, tidy, zeros } from './index.js';

const values = (t: Tensor | null) => Array.from(t!.data());

describe('autograd', () => {
  it('computes the gradient of the README example', () => {
    const x = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { requiresGrad: true },
    );
    const y = x.matmul(x).relu().sum();
    y.backward();
    // d/dX sum(X·X) = 1·Xᵀ + Xᵀ·1 (all entries of X·X are positive, so relu passes everything).
    expect(x.grad!.toArray()).toEqual([
      [7, 11],
      [9, 13],
    ]);
    expect(y.item()).toBe(54);
  });

  it('accumulates both contributions when a tensor is used twice, and across backward calls', () => {
    const x = tensor([3], { requiresGrad: true });
    x.mul(x).sum().backward(); // d(x²) = 2x = 6
    expect(values(x.grad)).toEqual([6]);
    x.mul(2).sum().backward(); // += 2
    expect(values(x.grad)).toEqual([8]);
  });

  it('routes pass-through gradients (add) to every consumer without sharing one tensor', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.add(x); // add's rule returns the incoming gradient for both inputs
    y.add(y).sub(x).sum().backward(); // 4x − x
    expect(values(x.grad)).toEqual([3, 3]);
  });

  it('sums gradients back to each input shape after broadcasting', () => {
    const a = tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { requiresGrad: true },
    );
    const b = tensor([10, 20, 30], { requiresGrad: true });
    const c = tensor([[2], [3]], { requiresGrad: true });
    a.add(b).mul(c).sum().backward();
    expect(b.grad!.toArray()).toEqual([5, 5, 5]);
    expect(c.grad!.toArray()).toEqual([[66], [75]]);
    expect(a.grad!.toArray()).toEqual([
      [2, 2, 2],
      [3, 3, 3],
    ]);
  });

  it('handles a chain of 10,000 ops without overflowing the stack', () => {
    const x = tensor([1], { requiresGrad: true });
    let y = x;
    for (let i = 0; i < 10_000; i++) y = y.mul(1.0001);
    y.sum().backward();
    expect(x.grad!.item()).toBeCloseTo(1.0001 ** 10_000, 2);
  });

  it('frees a 10,000-op graph that is dropped without backward, without recursion', () => {
    const before = memory().tensors;
    tidy(() => {
      const x = tensor([1], { requiresGrad: true });
      let y = x;
      for (let i = 0; i < 10_000; i++) y = y.add(1);
    });
    expect(memory().tensors).toBe(before);
  });

  it('noGrad records nothing; detach cuts the graph', () => {
    const x = tensor([2], { requiresGrad: true });
    const y = noGrad(() => x.mul(3));
    expect(y.requiresGrad).toBe(false);
    const z = x.detach().mul(3);
    expect(z.requiresGrad).toBe(false);
    const w = x.mul(x.detach()).sum(); // only the first factor carries gradient
    w.backward();
    expect(values(x.grad)).toEqual([2]);
  });

  it('requires a gradient argument for non-scalar outputs, with a clear message', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    expect(() => x.mul(2).backward()).toThrow(
      /one element, but this one has shape \[2\]; pass backward\(gradient\)/,
    );
    x.mul(2).backward(tensor([1, 10]));
    expect(values(x.grad)).toEqual([2, 20]);
    expect(() => tensor([1]).backward()).toThrow(/does not require grad/);
  });

  it('refuses a second backward through a freed graph unless retainGraph', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const z = x.exp().sum();
    z.backward(undefined, { retainGraph: true });
    z.backward();
    expect(values(x.grad).map((v) => +v.toFixed(3))).toEqual(
      [2 * Math.E, 2 * Math.E ** 2].map((v) => +v.toFixed(3)),
    );
    expect(() => z.backward()).toThrow(/a second time.*retainGraph: true/);
  });

  it('customOp defines a differentiable op, and gradcheck verifies it', () => {
    const cube = customOp('cube', {
      forward: (x) => x.mul(x).mul(x),
      backward: (g, [x]) => [g.mul(x!.square()).mul(3)],
    });
    const x = tensor([2, -1], { requiresGrad: true });
    cube(x).sum().backward();
    expect(values(x.grad)).toEqual([12, 3]);
    expect(gradcheck(cube, [randn([3, 2], { requiresGrad: true })]).ok).toBe(true);
  });

  it('gradcheck catches a deliberately wrong backward rule and names the element', () => {
    const wrongCube = customOp('wrongCube', {
      forward: (x) => x.mul(x).mul(x),
      backward: (g, [x]) => [g.mul(x!.square()).mul(2)], // should be 3x²
    });
    const x = tensor([1, 2, -1.5], { requiresGrad: true });
    expect(() => gradcheck(wrongCube, [x])).toThrow(
      /3 of 3 gradient elements disagree.*autograd .* numerical/,
    );
    expect(gradcheck(wrongCube, [x], { raise: false }).ok).toBe(false);
  });

  it('gradcheck refuses a function that is not deterministic', () => {
    expect(() => gradcheck((x) => x!.mul(randn([3])), [randn([3], { requiresGrad: true })])).toThrow(
      /gradcheck: fn is not deterministic .* create random tensors outside fn/,
    );
  });

  it('customOp reports gradients of the wrong shape', () => {
    const bad = customOp('bad', { forward: (x) => x.mul(2), backward: (g) => [g.sum()] });
    expect(() =>
      bad(zeros([2], { requiresGrad: true }))
        .sum()
        .backward(),
    ).toThrow(/bad: backward returned a gradient of shape \[\] for input 0 of shape \[2\]/);
  });

  it('requiresGrad_ only on float32 leaves', () => {
    expect(() => tensor([1], { dtype: 'int32' }).requiresGrad_()).toThrow(/only float32/);
    const y = tensor([1], { requiresGrad: true }).mul(2);
    expect(() => y.requiresGrad_(false)).toThrow(/non-leaf/);
  });
});
