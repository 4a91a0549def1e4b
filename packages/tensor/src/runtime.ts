import { type Kernels, type KernelVariant, loadKernels } from '@myelin/kernels-wasm';
import { liveStats } from './storage.js';

/**
 * The build asked for before anything loads: `globalThis.MYELIN_KERNELS` (set it before importing
 * Myelin) or the `MYELIN_KERNELS` environment variable in Node and Deno — `'simd'`, `'relaxed'` or
 * `'auto'` (the default: the best build this runtime supports).
 */
function requestedVariant(): KernelVariant | 'auto' {
  const fromGlobal = (globalThis as { MYELIN_KERNELS?: unknown }).MYELIN_KERNELS;
  let fromEnv: unknown;
  try {
    fromEnv = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env
      ?.MYELIN_KERNELS;
  } catch {
    fromEnv = undefined; // Deno without --allow-env
  }
  const value = fromGlobal ?? fromEnv ?? 'auto';
  if (value !== 'auto' && value !== 'simd' && value !== 'relaxed') {
    throw new Error(
      `@myelin/tensor: MYELIN_KERNELS must be 'simd', 'relaxed' or 'auto', got '${String(value)}'`,
    );
  }
  return value;
}

/**
 * The kernels instance every tensor lives in: one per JavaScript realm (page, worker, process), with
 * its own memory, allocator and scratch, loaded on first import with the best build this runtime
 * supports (or the one {@link setKernelVariant} / `MYELIN_KERNELS` picked). Extension packages call
 * it with tensors' `dataPointer`s.
 *
 * @example kernels.variant // 'relaxed' or 'simd'
 */
export let kernels: Kernels = await loadKernels({ variant: requestedVariant() });

/**
 * Switches to another build of the kernels: `'simd'` (plain SIMD128, everywhere), `'relaxed'`
 * (fused multiply-add; Deno, browsers, Node ≥ 22 or Node 20 with `--experimental-wasm-relaxed-simd`)
 * or `'auto'`. NOTE: the two builds round matrix products differently (FMA), so training runs in
 * different runtimes give bit-identical weights only when they run the same build — pin `'simd'` for
 * bit-reproducibility across runtimes. Call it before creating any tensor.
 *
 * @example await setKernelVariant('simd'); // reproducible in Node 20, Node 22, Deno and browsers
 */
export async function setKernelVariant(variant: KernelVariant | 'auto'): Promise<KernelVariant> {
  if (variant !== 'auto' && variant !== 'simd' && variant !== 'relaxed') {
    throw new TypeError(`setKernelVariant: expected 'simd', 'relaxed' or 'auto', got '${String(variant)}'`);
  }
  if (liveStats.storages > 0) {
    throw new Error(
      `setKernelVariant: ${liveStats.tensors} tensors (${liveStats.bytes} bytes) live in the current kernels' memory; ` +
        'choose the build before creating any tensor, or dispose them all first',
    );
  }
  kernels = await loadKernels({ variant });
  return kernels.variant;
}

/** Which build the kernels run: `'simd'` or `'relaxed'`. @example getKernelVariant() */
export function getKernelVariant(): KernelVariant {
  return kernels.variant;
}
