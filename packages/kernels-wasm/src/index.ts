/**
 * @myelin/kernels-wasm — SIMD WebAssembly kernels for Myelin, compiled from AssemblyScript, with a
 * loader that picks the best build for the runtime and an allocator over linear memory.
 *
 * @example
 * import { loadKernels, UnaryOp } from '@myelin/kernels-wasm';
 * const kernels = await loadKernels();
 */
export { type AllocatorStats, LinearAllocator, PAGE_BYTES, sizeClass } from './allocator.js';
export {
  type BatchNormArgs,
  type Conv2dGeometry,
  type Conv2dOptions,
  colsLength,
  conv2dGeometry,
  type DirectConvGeometry,
  directPlane,
  type Pair,
  type Pool2dOptions,
  pool2dGeometry,
} from './conv.js';
export { type KernelVariant, supportedVariants, threadsUnavailableReason } from './features.js';
export {
  elementIndex,
  type KernelExports,
  type KernelName,
  type KernelSignature,
  type KernelValueType,
  kernelSignatures,
} from './kernel-table.js';
export { Kernels, MAX_DIMS, type SgemmArgs } from './kernels.js';
export { type LoadKernelsOptions, loadKernels, loadKernelsSync } from './load.js';
export { BinaryOp, ReduceOp, UnaryOp } from './opcodes.js';
export type { ThreadPoolOptions } from './threads/pool.js';
export { THREADED_ELEMENTWISE_MIN_WORK, THREADED_SGEMM_MIN_WORK } from './threads/split.js';
