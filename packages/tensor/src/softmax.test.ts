import { describe, expect, it } from 'vitest';
import { gradcheck, manualSeed, randn, tensor } from './index.js';

function softmaxRef(row: number[]): number[] {
  const m = Math.max(...row);
  const e = row.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

describe('softmax and logSoftmax', () => {
  manualSeed(6);

  it('along the last dim and along other dims, against float64', () => {
    const x = randn([3, 5]);
    const rows = x.toArray() as number[][];
    const probabilities = x.softmax().toArray() as number[][];
    for (let i = 0; i < 3; i++) {
      const ref = softmaxRef(rows[i]!);
      for (let j = 0; j < 5; j++) expect(probabilities[i]![j]).toBeCloseTo(ref[j]!, 6);
    }
    const cols = x.softmax(0).toArray() as number[][];
    for (let j = 0; j < 5; j++) {
      const ref = softmaxRef(rows.map((r) => r[j]!));
      for (let i = 0; i < 3; i++) expect(cols[i]![j]).toBeCloseTo(ref[i]!, 6);
    }
    const logs = x.logSoftmax(1).toArray() as number[][];
    for (let i = 0; i < 3; i++) {
      const ref = softmaxRef(rows[i]!);
      for (let j = 0; j < 5; j++) expect(logs[i]![j]).toBeCloseTo(Math.log(ref[j]!), 5);
    }
  });

  it('is stable for huge logits and gives probability 0 to −inf', () => {
    expect(tensor([1000, 1000]).softmax().toArray()).toEqual([0.5, 0.5]);
    expect(tensor([0, -Infinity]).softmax().toArray()).toEqual([1, 0]);
    const l = tensor([-1000, 0]).logSoftmax().toArray() as number[];
    expect(l[0]).toBeCloseTo(-1000, 3);
  });

  it('gradients along every dim', () => {
    for (const dim of [0, 1, -1]) {
      expect(gradcheck((t) => t!.softmax(dim), [randn([3, 4], { requiresGrad: true })]).ok).toBe(true);
      expect(gradcheck((t) => t!.logSoftmax(dim), [randn([3, 4], { requiresGrad: true })]).ok).toBe(true);
    }
    expect(gradcheck((t) => t!.softmax(1), [randn([2, 3, 4], { requiresGrad: true })]).ok).toBe(true);
  });
});
