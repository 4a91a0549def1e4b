import { inject } from 'vitest';
import { supportedVariants } from '../features.js';
import type { Kernels } from '../kernels.js';
import { loadKernels } from '../load.js';

/** Every kernel build this runtime supports, each loaded with its own memory. */
export async function loadAllVariants(): Promise<Kernels[]> {
  return Promise.all(supportedVariants().map((variant) => loadKernels({ variant })));
}

/** Which runtime the test project says this is ('node' | 'deno' | 'chromium'), if it says. */
export function expectedRuntime(): string | undefined {
  return (inject as (key: string) => unknown)('runtime') as string | undefined;
}

/**
 * A float32 buffer in kernel memory holding `values`, starting `misalign` floats past a 64-byte
 * boundary (to exercise unaligned access), with its pointer.
 */
export function put(kernels: Kernels, values: ArrayLike<number>, misalign = 0): number {
  const ptr = kernels.allocate((values.length + misalign) * 4) + misalign * 4;
  kernels.f32.set(values, ptr / 4);
  return ptr;
}

/** An int32 buffer in kernel memory holding `values`. */
export function putI32(kernels: Kernels, values: ArrayLike<number>): number {
  const ptr = kernels.allocate(values.length * 4);
  kernels.i32.set(values, ptr / 4);
  return ptr;
}

/** A copy of `n` floats at `ptr`. */
export function take(kernels: Kernels, ptr: number, n: number): Float32Array {
  return kernels.f32.slice(ptr / 4, ptr / 4 + n);
}

/** A copy of `n` int32s at `ptr`. */
export function takeI32(kernels: Kernels, ptr: number, n: number): Int32Array {
  return kernels.i32.slice(ptr / 4, ptr / 4 + n);
}

/** Sizes that exercise empty input, SIMD tails (not multiples of 4/8/16) and multi-block loops. */
export const TAIL_SIZES = [0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 63, 100, 1000, 4099];
