/**
 * @myelin/tensor — n-dimensional tensors with reverse-mode autograd on WebAssembly SIMD kernels,
 * with PyTorch semantics.
 *
 * @example
 * import { tensor, tidy } from '@myelin/tensor';
 * const x = tensor([[1, 2], [3, 4]], { requiresGrad: true });
 * const y = x.matmul(x).relu().sum();
 * y.backward();
 *
 * @module @myelin/tensor
 */
export { detectAnomaly, setDetectAnomaly } from './anomaly.js';
export type { BackwardOptions } from './autograd.js';
export {
  type HessianOptions,
  hessian,
  jacobian,
  jvp,
  type TensorFunction,
  vjp,
} from './autograd-functional.js';
export { clipGradNorm, clipGradValue } from './clip-grad.js';
export {
  arange,
  type CreateOptions,
  eye,
  full,
  fullLike,
  linspace,
  type NestedNumbers,
  ones,
  onesLike,
  tensor,
  zeros,
  zerosLike,
} from './creation.js';
export { type CustomOpDefinition, customOp } from './custom-op.js';
export { checkOptions, describeValue } from './errors.js';
export { fusedUpdates } from './fused-updates.js';
export {
  type GradcheckFailure,
  type GradcheckOptions,
  type GradcheckReport,
  gradcheck,
} from './gradcheck.js';
export { setLeakWarning } from './leak-warning.js';
export * as linalg from './linalg/index.js';
export { liveTensorSites, type MemoryInfo, memory, setDebug, type TensorSite } from './memory.js';
export {
  type Conv1dOptions,
  type Conv2dOptions,
  type ConvTranspose2dOptions,
  conv1d,
  conv2d,
  convTranspose2d,
} from './ops/conv.js';
export {
  type Attributes,
  type BackwardArgs,
  defineOp,
  type InputInfo,
  type OpCall,
  type OpDefinition,
  opTable,
  traceOps,
} from './ops/define.js';
export { cdist } from './ops/distance.js';
export { einsum } from './ops/einsum.js';
export { where } from './ops/elementwise.js';
export { cat, stack } from './ops/indexing.js';
export { bincount } from './ops/integer.js';
export { type InterpolateOptions, interpolate } from './ops/interpolate.js';
export { lstmSequence } from './ops/lstm-sequence.js';
export { type BatchNormOptions, batchNorm } from './ops/norm.js';
export { type PadMode, type PadOptions, pad } from './ops/pad.js';
export {
  type AvgPool1dOptions,
  type AvgPool2dOptions,
  adaptiveAvgPool2d,
  adaptiveMaxPool2d,
  avgPool1d,
  avgPool2d,
  type MaxPool1dOptions,
  type MaxPool2dOptions,
  maxPool1d,
  maxPool2d,
} from './ops/pool.js';
export type { VarianceOptions } from './ops/reduce.js';
export { gruCell, lstmCell, unbind } from './ops/rnn.js';
export type { SortOptions, TopkOptions, UniqueOptions } from './ops/sorting.js';
export {
  defaultGenerator,
  Generator,
  manualSeed,
  rand,
  randint,
  randLike,
  randn,
  randnLike,
  randperm,
} from './random.js';
export { getKernelVariant, kernels, setKernelVariant } from './runtime.js';
export { isGradEnabled, noGrad, scope, tidy } from './scope.js';
export type { Shape } from './shape.js';
export { type DType, type NestedArray, type ReduceOptions, Tensor, type TensorLike } from './tensor.js';
export { getNumThreads, setNumThreads, threadsUnavailableReason } from './threads.js';
