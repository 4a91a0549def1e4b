// Pinning a kernels build (issue 12 #11): the plain and relaxed SIMD builds round matrix products
// differently, so bit-reproducible training across runtimes needs one build everywhere.
import { describe, expect, it } from 'vitest';
import { getKernelVariant, kernels, manualSeed, randn, setKernelVariant, tensor, tidy } from './index.js';

describe('setKernelVariant', () => {
  it('refuses while tensors live, then switches builds and computes with the new one', async () => {
    const alive = tensor([1, 2]);
    await expect(setKernelVariant('simd')).rejects.toThrow(/setKernelVariant: 1 tensors .* live/);
    alive.dispose();
    expect(await setKernelVariant('simd')).toBe('simd');
    expect(getKernelVariant()).toBe('simd');
    expect(kernels.variant).toBe('simd'); // the exported binding follows the switch
    manualSeed(3);
    const diagonal = tidy(() => {
      const a = randn([8, 8]);
      return a.matmul(a.mT).data()[0]!;
    });
    expect(diagonal).toBeGreaterThan(0); // a row's squared norm
    await expect(setKernelVariant('fast' as 'simd')).rejects.toThrow(
      "setKernelVariant: expected 'simd', 'relaxed' or 'auto', got 'fast'",
    );
    expect(await setKernelVariant('auto')).toBe(kernels.variant);
  });
});
