import { PAGE_BYTES } from './allocator.js';
import type { KernelExports } from './exports.js';
import { type KernelVariant, supportedVariants } from './features.js';
import { relaxedWasmBase64, simdWasmBase64 } from './generated/wasm.js';
import { Kernels } from './kernels.js';

/** Options of {@link loadKernels}. */
export interface LoadKernelsOptions {
  /** Which build to run; 'auto' (default) picks the best one this runtime supports. */
  variant?: KernelVariant | 'auto';
  /** Initial size of linear memory in bytes (default 16 MiB); it grows on demand up to 4 GiB. */
  initialMemoryBytes?: number;
}

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
  const initialBytes = options.initialMemoryBytes ?? 16 * 1024 * 1024;
  const memory = new WebAssembly.Memory({
    initial: Math.max(1, Math.ceil(initialBytes / PAGE_BYTES)),
    maximum: 65536,
  });
  return { variant, bytes, memory };
}

/**
 * Compiles and instantiates the kernels with a fresh linear memory.
 *
 * @example
 * const kernels = await loadKernels();          // best build for this runtime
 * const plain = await loadKernels({ variant: 'simd' });
 */
export async function loadKernels(options: LoadKernelsOptions = {}): Promise<Kernels> {
  const { variant, bytes, memory } = prepare(options);
  const { instance } = await WebAssembly.instantiate(bytes, { env: { memory } });
  return new Kernels(variant, instance.exports as unknown as KernelExports, memory);
}

/**
 * Synchronous {@link loadKernels}, for Node, Deno and workers. NOTE: browsers refuse synchronous
 * compilation of large modules on the main thread; use `loadKernels` there.
 *
 * @example const kernels = loadKernelsSync({ variant: 'simd' });
 */
export function loadKernelsSync(options: LoadKernelsOptions = {}): Kernels {
  const { variant, bytes, memory } = prepare(options);
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
  return new Kernels(variant, instance.exports as unknown as KernelExports, memory);
}
