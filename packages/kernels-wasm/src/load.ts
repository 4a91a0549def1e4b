import { PAGE_BYTES } from './allocator.js';
import type { KernelExports } from './exports.js';
import { type KernelVariant, supportedVariants, threadsUnavailableReason } from './features.js';
import { relaxedWasmBase64, simdWasmBase64 } from './generated/wasm.js';
import { Kernels } from './kernels.js';

/** Options of {@link loadKernels}. */
export interface LoadKernelsOptions {
  /** Which build to run; 'auto' (default) picks the best one this runtime supports. */
  variant?: KernelVariant | 'auto';
  /** Initial size of linear memory in bytes (default 16 MiB); it grows on demand up to 4 GiB. */
  initialMemoryBytes?: number;
  /**
   * Load the threaded build on a shared memory (default false), so that {@link Kernels.setThreads}
   * can run matrix products on several threads. The threaded builds are fetched only when asked for.
   */
  threads?: boolean;
}

/** Largest linear memory, in pages: 4 GiB. A shared memory must declare its maximum. */
const MAX_PAGES = 65536;

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function chooseVariant(requested: KernelVariant | 'auto'): KernelVariant {
  const supported = supportedVariants();
  if (supported.length === 0) {
    throw new Error('kernels-wasm: this runtime does not support WebAssembly SIMD128, which Myelin requires');
  }
  if (requested === 'auto') return supported[0]!;
  if (!supported.includes(requested)) {
    throw new Error(
      `kernels-wasm: the '${requested}' build is not supported by this runtime (supported: ${supported.join(', ')})` +
        (requested === 'relaxed' ? '; in Node 20 start node with --experimental-wasm-relaxed-simd' : ''),
    );
  }
  return requested;
}

function prepare(options: LoadKernelsOptions): {
  variant: KernelVariant;
  bytes: Uint8Array<ArrayBuffer>;
  memory: WebAssembly.Memory;
} {
  const variant = chooseVariant(options.variant ?? 'auto');
  const bytes = decodeBase64(variant === 'relaxed' ? relaxedWasmBase64 : simdWasmBase64);
  return { variant, bytes, memory: createMemory(options) };
}

function createMemory(options: LoadKernelsOptions): WebAssembly.Memory {
  const initialBytes = options.initialMemoryBytes ?? 16 * 1024 * 1024;
  const initial = Math.max(1, Math.ceil(initialBytes / PAGE_BYTES));
  return new WebAssembly.Memory({ initial, maximum: MAX_PAGES, shared: options.threads === true });
}

/** The threaded build of `variant`, from its own generated module (a separate chunk for bundlers). */
async function threadedBytes(variant: KernelVariant): Promise<Uint8Array<ArrayBuffer>> {
  const { wasmBase64 } =
    variant === 'relaxed'
      ? await import('./generated/wasm-relaxed-threads.js')
      : await import('./generated/wasm-simd-threads.js');
  return decodeBase64(wasmBase64);
}

/**
 * Compiles and instantiates the kernels with a fresh linear memory.
 *
 * @example
 * const kernels = await loadKernels();          // best build for this runtime
 * const plain = await loadKernels({ variant: 'simd' });
 * const threaded = await loadKernels({ threads: true }); // then: await threaded.setThreads(2)
 */
export async function loadKernels(options: LoadKernelsOptions = {}): Promise<Kernels> {
  if (options.threads === true) {
    const reason = threadsUnavailableReason();
    if (reason !== undefined) throw new Error(`loadKernels: cannot load the threaded build: ${reason}`);
    const variant = chooseVariant(options.variant ?? 'auto');
    const memory = createMemory(options);
    const module = await WebAssembly.compile(await threadedBytes(variant));
    const instance = await WebAssembly.instantiate(module, { env: { memory } });
    return new Kernels(variant, instance.exports as unknown as KernelExports, memory, module);
  }
  const { variant, bytes, memory } = prepare(options);
  const { instance, module } = await WebAssembly.instantiate(bytes, { env: { memory } });
  return new Kernels(variant, instance.exports as unknown as KernelExports, memory, module);
}

/**
 * Synchronous {@link loadKernels}, for Node, Deno and workers (single-threaded builds only). NOTE:
 * browsers refuse synchronous compilation of large modules on the main thread; use `loadKernels`
 * there.
 *
 * @example const kernels = loadKernelsSync({ variant: 'simd' });
 */
export function loadKernelsSync(options: Omit<LoadKernelsOptions, 'threads'> = {}): Kernels {
  const { variant, bytes, memory } = prepare({ ...options, threads: false });
  const module = new WebAssembly.Module(bytes);
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  return new Kernels(variant, instance.exports as unknown as KernelExports, memory, module);
}
