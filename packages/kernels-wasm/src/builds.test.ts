// Issue 16 item 9 ("ship only the wasm build a platform uses"): every build is a module of its own,
// imported only when it runs, and its base64 is declared `string` so that declaration files do not
// repeat the whole build as a literal type (dist/generated/wasm.d.ts was 209 KB).
import { describe, expect, expectTypeOf, it } from 'vitest';
import { supportedVariants } from './features.js';
import * as relaxed from './generated/wasm-relaxed.js';
import * as relaxedThreads from './generated/wasm-relaxed-threads.js';
import * as simd from './generated/wasm-simd.js';
import * as simdThreads from './generated/wasm-simd-threads.js';
import { loadKernels, loadKernelsSync } from './load.js';

describe('the generated build modules', () => {
  it('each hold one build, typed string rather than a literal', () => {
    expectTypeOf(simd.wasmBase64).toEqualTypeOf<string>();
    expectTypeOf(relaxed.wasmBase64).toEqualTypeOf<string>();
    expectTypeOf(simdThreads.wasmBase64).toEqualTypeOf<string>();
    expectTypeOf(relaxedThreads.wasmBase64).toEqualTypeOf<string>();
    for (const build of [simd, relaxed, simdThreads, relaxedThreads]) {
      expect(Object.keys(build)).toEqual(['wasmBase64']);
    }
    expect(new Set([simd, relaxed, simdThreads, relaxedThreads].map((b) => b.wasmBase64)).size).toBe(4);
  });
});

describe('loadKernelsSync', () => {
  // This file loads nothing before this test, and each test file gets fresh modules.
  it('says a build must be imported by loadKernels first, then loads it synchronously', async () => {
    const variant = supportedVariants()[0]!;
    expect(() => loadKernelsSync({ variant })).toThrow(
      `loadKernelsSync: the '${variant}' build has not been imported yet; call \`await loadKernels({ variant: '${variant}' })\` once before`,
    );
    const loaded = await loadKernels({ variant });
    const again = loadKernelsSync({ variant });
    expect(again.variant).toBe(variant);
    expect(again.memory).not.toBe(loaded.memory);
  });
});
