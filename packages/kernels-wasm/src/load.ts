import { PAGE_BYTES } from './allocator.js';
import type { KernelExports } from './exports.js';
import { type KernelVariant, supportedVariants, threadsUnavailableReason } from './features.js';
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

/**
 * The single-threaded builds already imported, so that {@link loadKernelsSync} can compile them
 * without waiting for an import.
 */
const importedBuilds = new Map<KernelVariant, Uint8Array<ArrayBuffer>>();

/**
 * The bytes of one build, from its own generated module. Each build is imported dynamically, with a
 * literal specifier, so a program decodes only the build it runs and bundlers make each build a
 * separate chunk that a page downloads only when its browser uses it.
 */
async function importBuild(variant: KernelVariant, threads: boolean): Promise<Uint8Array<ArrayBuffer>> {
  if (threads) {
    const { wasmBase64 } =
      variant === 'relaxed'
        ? await import('./generated/wasm-relaxed-threads.js')
        : await import('./generated/wasm-simd-threads.js');
    return decodeBase64(wasmBase64);
  }
  let bytes = importedBuilds.get(variant);
  if (bytes === undefined) {
    const { wasmBase64 } =
      variant === 'relaxed'
        ? await import('./generated/wasm-relaxed.js')
        : await import('./generated/wasm-simd.js');
    bytes = decodeBase64(wasmBase64);
    importedBuilds.set(variant, bytes);
  }
  return bytes;
}

function createMemory(options: LoadKernelsOptions): WebAssembly.Memory {
  const initialBytes = options.initialMemoryBytes ?? 16 * 1024 * 1024;
  const initial = Math.max(1, Math.ceil(initialBytes / PAGE_BYTES));
  return new WebAssembly.Memory({ initial, maximum: MAX_PAGES, shared: options.threads === true });
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
  const threads = options.threads === true;
  if (threads) {
    const reason = threadsUnavailableReason();
    if (reason !== undefined) throw new Error(`loadKernels: cannot load the threaded build: ${reason}`);
  }
  const variant = chooseVariant(options.variant ?? 'auto');
  const memory = createMemory(options);
  const module = await WebAssembly.compile(await importBuild(variant, threads));
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  return new Kernels(variant, instance.exports as unknown as KernelExports, memory, module);
}

/**
 * Synchronous {@link loadKernels}, for Node, Deno and workers (single-threaded builds only), once the
 * build has been imported: by an earlier `loadKernels` of the same variant (importing
 * `@myelin/tensor` does one). NOTE: each build is a module of its own that is imported on demand,
 * which cannot happen synchronously; and browsers refuse synchronous compilation of large modules
 * on the main thread, so use `loadKernels` there.
 *
 * @example
 * await loadKernels({ variant: 'simd' });            // imports the simd build once
 * const kernels = loadKernelsSync({ variant: 'simd' }); // a second instance, synchronously
 */
export function loadKernelsSync(options: Omit<LoadKernelsOptions, 'threads'> = {}): Kernels {
  const variant = chooseVariant(options.variant ?? 'auto');
  const bytes = importedBuilds.get(variant);
  if (bytes === undefined) {
    throw new Error(
      `loadKernelsSync: the '${variant}' build has not been imported yet; ` +
        `call \`await loadKernels({ variant: '${variant}' })\` once before`,
    );
  }
  const memory = createMemory({ ...options, threads: false });
  const module = new WebAssembly.Module(bytes);
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  return new Kernels(variant, instance.exports as unknown as KernelExports, memory, module);
}
