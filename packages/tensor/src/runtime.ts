import { type Kernels, type KernelVariant, type LoadKernelsOptions, loadKernels } from '@myelin/kernels-wasm';
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
  const threads = kernels.threads;
  await reloadKernels('setKernelVariant', 'choose the build', { variant, threads: threads > 1 });
  await kernels.setThreads(threads);
  return kernels.variant;
}

/**
 * Replaces the kernels instance (and so its memory) by a freshly loaded one, after stopping the old
 * one's threads; refuses while tensors live in the old memory. `caller` and `advice` go into the
 * error message. Internal: used by {@link setKernelVariant} and `setNumThreads`.
 */
export async function reloadKernels(
  caller: string,
  advice: string,
  options: LoadKernelsOptions,
): Promise<void> {
  if (liveStats.storages > 0) {
    throw new Error(
      `${caller}: ${liveStats.tensors} tensors (${liveStats.bytes} bytes) live in the current kernels' memory; ` +
        `${advice} before creating any tensor, or dispose them all first`,
    );
  }
  const next = await loadKernels(options);
  const previous = kernels;
  kernels = next;
  await previous.setThreads(1);
}

/** Which build the kernels run: `'simd'` or `'relaxed'`. @example getKernelVariant() */
export function getKernelVariant(): KernelVariant {
  return kernels.variant;
}
