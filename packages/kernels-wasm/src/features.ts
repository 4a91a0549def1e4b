/** The two shipped builds of the kernels. */
export type KernelVariant = 'simd' | 'relaxed';

// (module (func (result v128) i32.const 0 i32x4.splat))
const SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, 0x03, 0x02, 0x01,
  0x00, 0x0a, 0x08, 0x01, 0x06, 0x00, 0x41, 0x00, 0xfd, 0x11, 0x0b,
]);

// (module (func (result v128) (f32x4.relaxed_madd (splat 0) (splat 0) (splat 0))))
const RELAXED_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, 0x03, 0x02, 0x01,
  0x00, 0x0a, 0x13, 0x01, 0x11, 0x00, 0x41, 0x00, 0xfd, 0x11, 0x41, 0x00, 0xfd, 0x11, 0x41, 0x00, 0xfd, 0x11,
  0xfd, 0x85, 0x02, 0x0b,
]);

/**
 * The kernel builds this runtime can run, best first. Relaxed SIMD runs in Deno, Chromium and
 * Node ≥ 22; Node 20 needs `node --experimental-wasm-relaxed-simd`.
 *
 * @example supportedVariants() // ['relaxed', 'simd'] in Chromium
 */
export function supportedVariants(): KernelVariant[] {
  if (typeof WebAssembly !== 'object' || !WebAssembly.validate(SIMD_PROBE)) return [];
  return WebAssembly.validate(RELAXED_PROBE) ? ['relaxed', 'simd'] : ['simd'];
}

/**
 * Why this runtime cannot run the kernels on several threads, or undefined if it can. Threads need
 * `SharedArrayBuffer`, WebAssembly shared memory and workers; browsers give the first only to pages
 * that are cross-origin isolated.
 *
 * @example threadsUnavailableReason() // undefined in Node, Deno and isolated pages
 */
export function threadsUnavailableReason(): string | undefined {
  const g = globalThis as {
    crossOriginIsolated?: boolean;
    Worker?: unknown;
    Deno?: unknown;
    process?: unknown;
  };
  if (typeof SharedArrayBuffer === 'undefined' || g.crossOriginIsolated === false) {
    return (
      'this page is not cross-origin isolated, so it has no SharedArrayBuffer: serve it with the headers ' +
      "'Cross-Origin-Opener-Policy: same-origin' and 'Cross-Origin-Embedder-Policy: require-corp'"
    );
  }
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  } catch {
    return 'this runtime does not support WebAssembly threads (shared memory)';
  }
  if (typeof g.Worker !== 'function' && g.Deno === undefined && g.process === undefined) {
    return 'this runtime has no workers';
  }
  return undefined;
}
