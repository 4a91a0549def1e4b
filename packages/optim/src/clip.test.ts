import { tensor } from '@myelin/tensor';
import { describe, expect, it } from 'vitest';
import { clipGradNorm, clipGradValue } from './index.js';

function withGrads(...grads: number[][]) {
  return grads.map((g) => {
    const p = tensor(
      g.map(() => 0),
      { requiresGrad: true },
    );
    p.grad = tensor(g);
    return p;
  });
}

const grad = (p: { grad: { data(): Float32Array | Int32Array } | null }) => Array.from(p.grad!.data());

describe('gradient clipping', () => {
  it('clipGradNorm scales all gradients jointly to maxNorm and returns the norm before clipping', () => {
    const params = withGrads([3, 4], [12]);
    expect(clipGradNorm(params, 6.5)).toBeCloseTo(13, 5);
    const scale = 6.5 / (13 + 1e-6);
    for (const [i, v] of grad(params[0]!).entries()) expect(v).toBeCloseTo([3, 4][i]! * scale, 6);
    expect(grad(params[1]!)[0]).toBeCloseTo(12 * scale, 5);
  });

  it('leaves gradients alone when the norm is within maxNorm; skips parameters without grad', () => {
    const params = [...withGrads([0.3, 0.4]), tensor([1], { requiresGrad: true })];
    expect(clipGradNorm(params, 1)).toBeCloseTo(0.5, 6);
    expect(grad(params[0]!)).toEqual([0.30000001192092896, 0.4000000059604645]);
    expect(clipGradNorm([tensor([1], { requiresGrad: true })], 1)).toBe(0);
  });

  it('infinity and p norms', () => {
    expect(clipGradNorm(withGrads([3, -4], [12]), 100, Infinity)).toBe(12);
    expect(clipGradNorm(withGrads([3, -4], [12]), 100, 1)).toBeCloseTo(19, 5);
    expect(() => clipGradNorm([], -1)).toThrow(/maxNorm must be >= 0/);
  });

  it('clipGradValue clamps each element', () => {
    const params = withGrads([3, -4, 0.5], [12]);
    clipGradValue(params, 2.5);
    expect(grad(params[0]!)).toEqual([2.5, -2.5, 0.5]);
    expect(grad(params[1]!)).toEqual([2.5]);
  });
});
