// A convention where the course notes and Myelin differ (docs/conventions.md): the 5×5 Gaussian kernel.
import { tensor } from '@myelin/tensor';
import { describe, expect, it } from 'vitest';
import { filter2d, filters, gaussianKernel } from './index.js';

// 001_b1d89e8e5c8deb0f.txt §18 "Convolution Operation", (b) "Gaussian Kernels"
const NOTES_273 = [
  [1, 4, 7, 4, 1],
  [4, 16, 26, 16, 4],
  [7, 26, 41, 26, 7],
  [4, 16, 26, 16, 4],
  [1, 4, 7, 4, 1],
];

describe('5×5 Gaussian kernel: the notes’ /273 table vs filters.gaussian5x5 (binomial /256)', () => {
  it('the notes’ integers sum to 273 (the notes print "the sum of all elements is 1/273": it is the scale)', () => {
    expect(NOTES_273.flat().reduce((a, b) => a + b, 0)).toBe(273);
  });

  it('Myelin’s kernel is [1, 4, 6, 4, 1]ᵀ[1, 4, 6, 4, 1]/256; both are normalised and within 0.01 of each other', () => {
    const ours = filters.gaussian5x5;
    expect(ours[2]![2]).toBe(36 / 256);
    expect(ours.flat().reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    const notes = NOTES_273.map((row) => row.map((v) => v / 273));
    const diff = Math.max(...notes.flat().map((v, i) => Math.abs(v - ours.flat()[i]!)));
    expect(diff).toBeGreaterThan(0); // different kernels…
    expect(diff).toBeLessThan(0.01); // …of nearly the same blur; gaussianKernel(5, 1) is a third variant
    expect(gaussianKernel(5, 1)[2]![2]).toBeCloseTo(0.1621, 3);
  });

  it('filter2d takes the notes’ kernel as is: a constant image stays constant', () => {
    const image = tensor(new Float32Array(36).fill(2), { shape: [6, 6] });
    const out = filter2d(
      image,
      NOTES_273.map((row) => row.map((v) => v / 273)),
    );
    for (const v of out.data()) expect(v).toBeCloseTo(2, 5);
  });
});
