import { describe, expect, inject, it } from 'vitest';
import { supportedVariants } from './features.js';
import { loadKernels } from './load.js';

declare module 'vitest' {
  export interface ProvidedContext {
    runtime: 'node' | 'deno' | 'chromium';
    relaxedSimd: boolean;
  }
}

function detectRuntime(): string {
  const g = globalThis as {
    Deno?: unknown;
    process?: { versions?: { node?: string } };
    navigator?: { userAgent?: string };
  };
  if (g.Deno !== undefined) return 'deno';
  if (
    g.process?.versions?.node !== undefined &&
    typeof (globalThis as { window?: unknown }).window === 'undefined'
  )
    return 'node';
  if (g.navigator?.userAgent?.includes('Chrome')) return 'chromium';
  return 'unknown';
}

describe('the runtime under test', () => {
  it('is the one this test project was configured for', () => {
    expect(detectRuntime()).toBe(inject('runtime'));
  });

  it('supports relaxed SIMD exactly where expected, so both kernel builds get tested', () => {
    expect(supportedVariants()).toEqual(inject('relaxedSimd') ? ['relaxed', 'simd'] : ['simd']);
  });

  it('refuses a build it cannot run, with a message saying why', async () => {
    if (inject('relaxedSimd')) return;
    await expect(loadKernels({ variant: 'relaxed' })).rejects.toThrow(
      /'relaxed' build is not supported.*--experimental-wasm-relaxed-simd/,
    );
  });

  it('loads the best build by default', async () => {
    const kernels = await loadKernels();
    expect(kernels.variant).toBe(inject('relaxedSimd') ? 'relaxed' : 'simd');
  });
});
