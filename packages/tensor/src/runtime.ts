import { type Kernels, loadKernels } from '@myelin/kernels-wasm';

/**
 * The kernels instance every tensor lives in: one per JavaScript realm (page, worker, process),
 * loaded once with the best build this runtime supports. Extension packages (optimizers, layers
 * with fused kernels) call it with tensors' `dataPointer`s.
 *
 * @example kernels.variant // 'relaxed' or 'simd'
 */
export const kernels: Kernels = await loadKernels();

let scalarSlot = 0;

/** Pointer to a float holding `value`, for kernels that take a scalar operand by pointer. */
export function scalarPointer(value: number): number {
  if (scalarSlot === 0) scalarSlot = kernels.allocate(16);
  kernels.f32[scalarSlot >>> 2] = value;
  return scalarSlot;
}
