import { manualSeed, zeros } from '@myelin/tensor';
import { describe, expect, it } from 'vitest';
import { init, Linear } from './index.js';

const stats = (t: { data(): Float32Array | Int32Array }) => {
  const v = Array.from(t.data());
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
  return { mean, std, min: v.reduce((a, b) => Math.min(a, b)), max: v.reduce((a, b) => Math.max(a, b)) };
};

describe('init', () => {
  it('gains follow PyTorch', () => {
    expect(init.calculateGain('relu')).toBeCloseTo(Math.SQRT2, 12);
    expect(init.calculateGain('tanh')).toBeCloseTo(5 / 3, 12);
    expect(init.calculateGain('leakyRelu', 0.2)).toBeCloseTo(Math.sqrt(2 / 1.04), 12);
    expect(init.calculateGain('selu')).toBe(0.75);
    expect(init.calculateGain('sigmoid')).toBe(1);
  });

  it('Xavier (Glorot & Bengio 2010): uniform bound √(6/(in+out)), normal std √(2/(in+out))', () => {
    const w = init.xavierUniform(zeros([300, 500]));
    const bound = Math.sqrt(6 / 800);
    const s = stats(w);
    expect(s.max).toBeLessThanOrEqual(bound);
    expect(s.min).toBeGreaterThanOrEqual(-bound);
    expect(s.std).toBeCloseTo(bound / Math.sqrt(3), 3);
    expect(stats(init.xavierNormal(zeros([300, 500]), 2)).std).toBeCloseTo(2 * Math.sqrt(2 / 800), 3);
  });

  it('Kaiming (He et al. 2015): std gain/√fan with fan in or out', () => {
    expect(stats(init.kaimingNormal(zeros([200, 400]), { nonlinearity: 'relu' })).std).toBeCloseTo(
      Math.SQRT2 / 20,
      3,
    );
    expect(
      stats(init.kaimingNormal(zeros([200, 400]), { nonlinearity: 'relu', mode: 'fanOut' })).std,
    ).toBeCloseTo(Math.SQRT2 / Math.sqrt(200), 3);
    const u = stats(init.kaimingUniform(zeros([200, 400]), { nonlinearity: 'relu' }));
    expect(u.max).toBeLessThanOrEqual(Math.sqrt(6 / 400));
    expect(() => init.kaimingNormal(zeros([5]))).toThrow(/at least 2 dimensions/);
  });

  it('constant, zeros, ones, uniform, normal; deterministic under manualSeed', () => {
    expect(Array.from(init.constant(zeros([3]), 0.5).data())).toEqual([0.5, 0.5, 0.5]);
    expect(Array.from(init.ones(zeros([2])).data())).toEqual([1, 1]);
    const u = stats(init.uniform(zeros([10_000]), 2, 3));
    expect(u.min).toBeGreaterThanOrEqual(2);
    expect(u.max).toBeLessThan(3);
    expect(stats(init.normal(zeros([10_000]), 5, 0.1)).mean).toBeCloseTo(5, 2);
    manualSeed(3);
    const a = Array.from(init.xavierUniform(zeros([4, 4])).data());
    manualSeed(3);
    expect(Array.from(init.xavierUniform(zeros([4, 4])).data())).toEqual(a);
  });

  it('Linear starts as PyTorch: weights and bias in ±1/√inFeatures', () => {
    const fc = new Linear(100, 50);
    const bound = 1 / Math.sqrt(100);
    for (const p of [fc.weight, fc.bias!]) {
      const s = stats(p);
      expect(s.max).toBeLessThanOrEqual(bound);
      expect(s.min).toBeGreaterThanOrEqual(-bound);
    }
    expect(stats(fc.weight).std).toBeCloseTo(bound / Math.sqrt(3), 2);
  });
});
