// Entry point of the kernels module: every export here is a kernel callable from JavaScript with
// byte offsets into linear memory. Kernels never allocate; callers pass buffers and scratch.

export { binary, binaryScalar, binaryStrided, where } from './binary';
export { batchNorm2dBackward, batchNorm2dForward, channelMeanVar, col2im, im2col } from './conv';
export { convDirectForward, convDirectWeightGrad, padPlanes } from './conv-direct';
export { copyIntoStrided, copyStrided, f32ToI32, fill, fillI32, i32ToF32, transpose2d } from './copy';
export { sgemm, sgemmNTSum, sgemmScratchBytes } from './gemm';
export { adagradUpdate, adamUpdate, rmspropUpdate, sgdUpdate } from './optim';
export { pairwiseL1 } from './distance';
export { unaryGrad } from './grad';
export { channelAffine, cropPadded2d, flipHorizontal, u8ToF32 } from './image';
export {
  adaptiveAvgPool2d,
  adaptiveAvgPool2dBackward,
  avgPool2d,
  avgPool2dBackward,
  maxPool2d,
  maxPool2dBackward,
} from './pool';
export { reduce, sumSquares } from './reduce';
export { gruCellBackward, gruCellForward, lstmCellBackward, lstmCellForward } from './rnn';
export { softmax, softmaxBackward } from './softmax';
export { unary } from './unary';

/** First byte of linear memory that the module's static data does not use. */
export function heapBase(): usize {
  return __heap_base;
}
