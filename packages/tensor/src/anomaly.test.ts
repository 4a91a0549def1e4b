// Anomaly detection names the op that first produced NaN/Inf (issue 16 #6).
import { describe, expect, it } from 'vitest';
import { detectAnomaly, memory, tensor, tidy } from './index.js';

describe('detectAnomaly', () => {
  it("names the op whose forward made NaN/Inf from finite inputs, and the user's line", () => {
    const x = tensor([1, -1]);
    expect(() => detectAnomaly(() => tidy(() => x.mul(2).log().sum()))).toThrow(
      /^detectAnomaly: 'log' produced NaN or Inf in its output 0 \(shape \[2\]\) from finite inputs, called at .*anomaly\.test\.ts/,
    );
    // Without it, the NaN flows on silently (as in PyTorch).
    expect(Number.isNaN(tidy(() => x.mul(2).log().sum().item()))).toBe(true);
    x.dispose();
  });

  it('names the op whose backward returned a NaN/Inf gradient', () => {
    const x = tensor([0, 4], { requiresGrad: true });
    // sqrt(0) is finite, but its gradient 1/(2·sqrt(0)) is infinite.
    expect(() => detectAnomaly(() => tidy(() => x.sqrt().sum().backward()))).toThrow(
      /^detectAnomaly: the backward of 'sqrt' returned NaN or Inf in the gradient of its input 0 \(shape \[2\]\); the op was called at .*anomaly\.test\.ts/,
    );
    x.grad = null;
    x.dispose();
  });

  it('leaves memory as it was after throwing', () => {
    const before = memory();
    const x = tensor([-1]);
    expect(() => detectAnomaly(() => tidy(() => x.log()))).toThrow(/'log'/);
    x.dispose();
    expect(memory()).toEqual(before);
  });
});
