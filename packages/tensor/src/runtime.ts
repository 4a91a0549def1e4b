import {
  type Kernels,
  type KernelVariant,
  type LoadKernelsOptions,
  loadKernels,
  threadsUnavailableReason,
} from '@myelin/kernels-wasm';
import { liveStats } from './storage.js';

/**
 * The build asked for before anything loads: `globalThis.MYELIN_KERNELS` (set it before importing
 * Myelin) or the `MYELIN_KERNELS` environment variable in Node and Deno — `'simd'`, `'relaxed'` or
 * `'auto'` (the default: the best build this runtime supports).
 */
function requestedVariant(): KernelVariant | 'auto' {
  const value = setting('MYELIN_KERNELS') ?? 'auto';
  if (value !== 'auto' && value !== 'simd' && value !== 'relaxed') {
    throw new Error(
      `@myelin/tensor: MYELIN_KERNELS must be 'simd', 'relaxed' or 'auto', got '${String(value)}'`,
    );
  }
  return value;
}

/** A setting read from `globalThis[name]` (set it before importing Myelin) or the environment. */
function setting(name: string): unknown {
  const fromGlobal = (globalThis as Record<string, unknown>)[name];
  if (fromGlobal !== undefined) return fromGlobal;
  try {
    return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[name];
  } catch {
    return undefined; // Deno without --allow-env
  }
}

/** The machine's logical cores, as far as this runtime tells (1 if it does not). */
async function cores(): Promise<number> {
  const fromNavigator = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator
    ?.hardwareConcurrency;
  if (typeof fromNavigator === 'number' && fromNavigator > 0) return fromNavigator;
  try {
    const os = 'node:os'; // Node 20 has no navigator; a variable keeps bundlers from resolving it
    const { availableParallelism } = (await import(/* @vite-ignore */ os)) as {
      availableParallelism: () => number;
    };
    return availableParallelism();
  } catch {
    return 1;
  }
}

/** At most this many threads by default: beyond it the kernels' work splits too thin to gain. */
const DEFAULT_MAX_THREADS = 4;

/**
 * How many threads the kernels start on: `globalThis.MYELIN_THREADS` or the `MYELIN_THREADS`
 * environment variable — a whole number, or `'auto'` (the default: the machine's cores, at most 4,
 * where WebAssembly threads are available — Node, Deno, cross-origin-isolated pages — else 1).
 */
async function requestedThreads(): Promise<number> {
  const value = setting('MYELIN_THREADS') ?? 'auto';
  if (value === 'auto') {
    return threadsUnavailableReason() === undefined ? Math.min(DEFAULT_MAX_THREADS, await cores()) : 1;
  }
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1) {
    throw new Error(
      `@myelin/tensor: MYELIN_THREADS must be 'auto' or a whole number ≥ 1, got '${String(value)}'`,
    );
  }
  return count;
}

const startThreads = await requestedThreads();

/**
 * The kernels instance every tensor lives in: one per JavaScript realm (page, worker, process), with
 * its own memory, allocator and scratch, loaded on first import with the best build this runtime
 * supports (or the one {@link setKernelVariant} / `MYELIN_KERNELS` picked). Extension packages call
 * it with tensors' `dataPointer`s.
 *
 * @example kernels.variant // 'relaxed' or 'simd'
 */
export let kernels: Kernels = await loadKernels({ variant: requestedVariant(), threads: startThreads > 1 });
if (startThreads > 1) {
  try {
    await kernels.setThreads(startThreads);
  } catch (error) {
    // Threads are a speed-up, never a requirement: say why they are off and go on with one.
    console.warn(`@myelin/tensor: running on 1 thread: ${(error as Error).message}`);
  }
}

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
