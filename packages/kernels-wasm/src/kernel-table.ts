// The one list of the kernels that the WebAssembly module exports, with their signatures. The
// `KernelExports` type is derived from it, `Kernels` checks a loaded module against it, and
// kernel-table.test.ts checks every build's binary against it in both directions (names, parameter
// and result types), so the AssemblyScript sources, this table and the binding cannot drift apart.

/**
 * Value types of kernel parameters and results, as the AssemblyScript sources declare them:
 * - `ptr`: a byte offset into linear memory (`usize`; an unsigned i32 in wasm, up to 4 GiB);
 * - `i32`: a count, op code or 0/1 flag (`usize`, `i32` or `bool`; an i32 in wasm);
 * - `f32`, `f64`: floats.
 * Every one of them reaches JavaScript as a `number`.
 */
export type KernelValueType = 'ptr' | 'i32' | 'f32' | 'f64';

/** One kernel's signature: its parameters as `name:type`, and its result type (`void` for none). */
export interface KernelSignature {
  readonly params: readonly `${string}:${KernelValueType}`[];
  readonly result: KernelValueType | 'void';
}

/**
 * Every function the kernels module exports, with its parameters (`name:type`) and result. See
 * `assembly/` for each kernel's contract. To add a kernel, see "Adding a kernel" in the README.
 *
 * @example
 * kernelSignatures.unary.params; // ['op:i32', 'x:ptr', 'out:ptr', 'n:i32', 'alpha:f32']
 */
export const kernelSignatures = {
  heapBase: { params: [], result: 'ptr' },
  lstmCellForward: {
    params: ['gates:ptr', 'cPrev:ptr', 'h:ptr', 'c:ptr', 'tanhC:ptr', 'batch:i32', 'hidden:i32'],
    result: 'void',
  },
  lstmCellBackward: {
    params: [
      'gates:ptr',
      'cPrev:ptr',
      'tanhC:ptr',
      'gradH:ptr',
      'gradC:ptr',
      'gradGates:ptr',
      'gradCPrev:ptr',
      'batch:i32',
      'hidden:i32',
    ],
    result: 'void',
  },
  gruCellForward: {
    params: ['gi:ptr', 'gh:ptr', 'hPrev:ptr', 'h:ptr', 'save:ptr', 'batch:i32', 'hidden:i32'],
    result: 'void',
  },
  gruCellBackward: {
    params: [
      'save:ptr',
      'hPrev:ptr',
      'gradH:ptr',
      'gradGi:ptr',
      'gradGh:ptr',
      'gradHPrev:ptr',
      'batch:i32',
      'hidden:i32',
    ],
    result: 'void',
  },
  unary: { params: ['op:i32', 'x:ptr', 'out:ptr', 'n:i32', 'alpha:f32'], result: 'void' },
  unaryGrad: {
    params: ['op:i32', 'x:ptr', 'y:ptr', 'gy:ptr', 'gx:ptr', 'n:i32', 'alpha:f32'],
    result: 'void',
  },
  binary: { params: ['op:i32', 'a:ptr', 'b:ptr', 'out:ptr', 'n:i32'], result: 'void' },
  binaryScalar: {
    params: ['op:i32', 'a:ptr', 'scalar:ptr', 'out:ptr', 'n:i32', 'scalarFirst:i32'],
    result: 'void',
  },
  binaryStrided: {
    params: ['op:i32', 'a:ptr', 'b:ptr', 'out:ptr', 'ndim:i32', 'meta:ptr'],
    result: 'void',
  },
  where: { params: ['cond:ptr', 'a:ptr', 'b:ptr', 'out:ptr', 'n:i32'], result: 'void' },
  reduce: {
    params: ['op:i32', 'x:ptr', 'out:ptr', 'outer:i32', 'len:i32', 'inner:i32'],
    result: 'void',
  },
  sumSquares: { params: ['x:ptr', 'n:i32'], result: 'f64' },
  softmax: { params: ['x:ptr', 'out:ptr', 'rows:i32', 'cols:i32', 'log:i32'], result: 'void' },
  softmaxBackward: {
    params: ['y:ptr', 'gy:ptr', 'gx:ptr', 'rows:i32', 'cols:i32', 'log:i32'],
    result: 'void',
  },
  copyStrided: { params: ['src:ptr', 'out:ptr', 'ndim:i32', 'meta:ptr'], result: 'void' },
  copyIntoStrided: {
    params: ['src:ptr', 'out:ptr', 'ndim:i32', 'meta:ptr', 'accumulate:i32'],
    result: 'void',
  },
  transpose2d: { params: ['src:ptr', 'out:ptr', 'rows:i32', 'cols:i32', 'ldSrc:i32'], result: 'void' },
  fill: { params: ['out:ptr', 'n:i32', 'value:f32'], result: 'void' },
  fillI32: { params: ['out:ptr', 'n:i32', 'value:i32'], result: 'void' },
  i32ToF32: { params: ['x:ptr', 'out:ptr', 'n:i32'], result: 'void' },
  f32ToI32: { params: ['x:ptr', 'out:ptr', 'n:i32'], result: 'void' },
  sgemm: {
    params: [
      'transA:i32',
      'transB:i32',
      'm:i32',
      'n:i32',
      'k:i32',
      'a:ptr',
      'lda:i32',
      'b:ptr',
      'ldb:i32',
      'c:ptr',
      'ldc:i32',
      'beta:f32',
      'batch:i32',
      'strideA:i32',
      'strideB:i32',
      'strideC:i32',
      'scratch:ptr',
    ],
    result: 'void',
  },
  sgemmNTSum: {
    params: [
      'm:i32',
      'n:i32',
      'k:i32',
      'a:ptr',
      'lda:i32',
      'b:ptr',
      'ldb:i32',
      'c:ptr',
      'ldc:i32',
      'beta:f32',
      'batch:i32',
      'strideA:i32',
      'strideB:i32',
    ],
    result: 'void',
  },
  sgemmScratchBytes: { params: [], result: 'i32' },
  pairwiseL1: { params: ['a:ptr', 'b:ptr', 'out:ptr', 'm:i32', 'n:i32', 'd:i32'], result: 'void' },
  sgdUpdate: {
    params: [
      'param:ptr',
      'grad:ptr',
      'buf:ptr',
      'n:i32',
      'lr:f32',
      'momentum:f32',
      'dampening:f32',
      'weightDecay:f32',
      'nesterov:i32',
      'first:i32',
    ],
    result: 'void',
  },
  adagradUpdate: {
    params: ['param:ptr', 'grad:ptr', 'sum:ptr', 'n:i32', 'clr:f32', 'weightDecay:f32', 'eps:f32'],
    result: 'void',
  },
  rmspropUpdate: {
    params: [
      'param:ptr',
      'grad:ptr',
      'squareAvg:ptr',
      'gradAvg:ptr',
      'buf:ptr',
      'n:i32',
      'lr:f32',
      'alpha:f32',
      'eps:f32',
      'weightDecay:f32',
      'momentum:f32',
      'centered:i32',
    ],
    result: 'void',
  },
  adamUpdate: {
    params: [
      'param:ptr',
      'grad:ptr',
      'expAvg:ptr',
      'expAvgSq:ptr',
      'maxExpAvgSq:ptr',
      'n:i32',
      'lr:f32',
      'beta1:f32',
      'beta2:f32',
      'eps:f32',
      'weightDecay:f32',
      'decoupled:i32',
      'amsgrad:i32',
      'stepSize:f32',
      'bc2Sqrt:f32',
    ],
    result: 'void',
  },
  im2col: {
    params: [
      'x:ptr',
      'cols:ptr',
      'batch:i32',
      'channels:i32',
      'height:i32',
      'width:i32',
      'kernelH:i32',
      'kernelW:i32',
      'strideH:i32',
      'strideW:i32',
      'padH:i32',
      'padW:i32',
      'dilationH:i32',
      'dilationW:i32',
      'outH:i32',
      'outW:i32',
    ],
    result: 'void',
  },
  col2im: {
    params: [
      'cols:ptr',
      'x:ptr',
      'batch:i32',
      'channels:i32',
      'height:i32',
      'width:i32',
      'kernelH:i32',
      'kernelW:i32',
      'strideH:i32',
      'strideW:i32',
      'padH:i32',
      'padW:i32',
      'dilationH:i32',
      'dilationW:i32',
      'outH:i32',
      'outW:i32',
      'accumulate:i32',
    ],
    result: 'void',
  },
  padPlanes: {
    params: [
      'x:ptr',
      'out:ptr',
      'planes:i32',
      'height:i32',
      'width:i32',
      'padH:i32',
      'padW:i32',
      'outHeight:i32',
      'outWidth:i32',
    ],
    result: 'void',
  },
  convDirectForward: {
    params: [
      'xpad:ptr',
      'w:ptr',
      'bias:ptr',
      'y:ptr',
      'batch:i32',
      'groups:i32',
      'inPerGroup:i32',
      'perGroup:i32',
      'planeH:i32',
      'planeW:i32',
      'kh:i32',
      'kw:i32',
      'outH:i32',
      'outW:i32',
    ],
    result: 'void',
  },
  convDirectWeightGrad: {
    params: [
      'xpad:ptr',
      'gy:ptr',
      'gw:ptr',
      'gb:ptr',
      'batch:i32',
      'groups:i32',
      'inPerGroup:i32',
      'perGroup:i32',
      'first:i32',
      'count:i32',
      'planeH:i32',
      'planeW:i32',
      'kh:i32',
      'kw:i32',
      'outH:i32',
      'outW:i32',
    ],
    result: 'void',
  },
  maxPool2d: {
    params: [
      'x:ptr',
      'out:ptr',
      'indices:ptr',
      'planes:i32',
      'height:i32',
      'width:i32',
      'kernelH:i32',
      'kernelW:i32',
      'strideH:i32',
      'strideW:i32',
      'padH:i32',
      'padW:i32',
      'dilationH:i32',
      'dilationW:i32',
      'outH:i32',
      'outW:i32',
    ],
    result: 'void',
  },
  maxPool2dBackward: {
    params: [
      'gy:ptr',
      'indices:ptr',
      'gx:ptr',
      'planes:i32',
      'height:i32',
      'width:i32',
      'outH:i32',
      'outW:i32',
      'accumulate:i32',
    ],
    result: 'void',
  },
  avgPool2d: {
    params: [
      'x:ptr',
      'out:ptr',
      'planes:i32',
      'height:i32',
      'width:i32',
      'kernelH:i32',
      'kernelW:i32',
      'strideH:i32',
      'strideW:i32',
      'padH:i32',
      'padW:i32',
      'outH:i32',
      'outW:i32',
      'countIncludePad:i32',
      'divisorOverride:i32',
    ],
    result: 'void',
  },
  avgPool2dBackward: {
    params: [
      'gy:ptr',
      'gx:ptr',
      'planes:i32',
      'height:i32',
      'width:i32',
      'kernelH:i32',
      'kernelW:i32',
      'strideH:i32',
      'strideW:i32',
      'padH:i32',
      'padW:i32',
      'outH:i32',
      'outW:i32',
      'countIncludePad:i32',
      'divisorOverride:i32',
      'accumulate:i32',
    ],
    result: 'void',
  },
  adaptiveAvgPool2d: {
    params: ['x:ptr', 'out:ptr', 'planes:i32', 'height:i32', 'width:i32', 'outH:i32', 'outW:i32'],
    result: 'void',
  },
  adaptiveAvgPool2dBackward: {
    params: [
      'gy:ptr',
      'gx:ptr',
      'planes:i32',
      'height:i32',
      'width:i32',
      'outH:i32',
      'outW:i32',
      'accumulate:i32',
    ],
    result: 'void',
  },
  channelMeanVar: {
    params: ['x:ptr', 'mean:ptr', 'variance:ptr', 'batch:i32', 'channels:i32', 'plane:i32', 'scratch:ptr'],
    result: 'void',
  },
  batchNorm2dForward: {
    params: [
      'x:ptr',
      'y:ptr',
      'mean:ptr',
      'variance:ptr',
      'gamma:ptr',
      'beta:ptr',
      'eps:f64',
      'batch:i32',
      'channels:i32',
      'plane:i32',
    ],
    result: 'void',
  },
  batchNorm2dBackward: {
    params: [
      'x:ptr',
      'gy:ptr',
      'mean:ptr',
      'variance:ptr',
      'gamma:ptr',
      'eps:f64',
      'gx:ptr',
      'gradGamma:ptr',
      'gradBeta:ptr',
      'batch:i32',
      'channels:i32',
      'plane:i32',
      'training:i32',
      'scratch:ptr',
    ],
    result: 'void',
  },
  cropPadded2d: {
    params: [
      'src:ptr',
      'out:ptr',
      'batch:i32',
      'channels:i32',
      'height:i32',
      'width:i32',
      'outH:i32',
      'outW:i32',
      'offsets:ptr',
    ],
    result: 'void',
  },
  flipHorizontal: {
    params: ['src:ptr', 'out:ptr', 'batch:i32', 'rows:i32', 'width:i32', 'flags:ptr'],
    result: 'void',
  },
  channelAffine: {
    params: ['x:ptr', 'out:ptr', 'batch:i32', 'channels:i32', 'plane:i32', 'scale:ptr', 'shift:ptr'],
    result: 'void',
  },
  u8ToF32: { params: ['src:ptr', 'out:ptr', 'n:i32', 'divisor:f32'], result: 'void' },
} as const satisfies Record<string, KernelSignature>;

/** Name of an exported kernel. */
export type KernelName = keyof typeof kernelSignatures;

type Arguments<P extends readonly unknown[]> = { -readonly [I in keyof P]: number };

/**
 * The raw exports of the kernels module, derived from {@link kernelSignatures}: one function per
 * entry, taking one number per parameter. Every pointer is a byte offset into the module's linear
 * memory; counts and strides are in elements; booleans are passed as 0/1. Prefer the
 * {@link Kernels} methods, which check their arguments.
 *
 * @example
 * kernels.raw.fill(ptr, 4, 0); // (out:ptr, n:i32, value:f32) per kernelSignatures.fill
 */
export type KernelExports = {
  readonly [K in KernelName]: (
    ...args: Arguments<(typeof kernelSignatures)[K]['params']>
  ) => (typeof kernelSignatures)[K]['result'] extends 'void' ? void : number;
};

/**
 * Throws unless `exports` has every kernel of {@link kernelSignatures} as a function taking its
 * number of parameters (a stale or foreign module would otherwise fail later, deep inside an op).
 */
export function checkKernelExports(exports: object, caller: string): asserts exports is KernelExports {
  const found = exports as Record<string, unknown>;
  for (const [name, signature] of Object.entries(kernelSignatures)) {
    const fn = found[name];
    if (typeof fn !== 'function') {
      throw new Error(
        `${caller}: the kernels module has no '${name}' function; rebuild @myelin/kernels-wasm`,
      );
    }
    if (fn.length !== signature.params.length) {
      throw new Error(
        `${caller}: the kernels module's '${name}' takes ${fn.length} parameters, expected ` +
          `${signature.params.length}; rebuild @myelin/kernels-wasm`,
      );
    }
  }
}

/**
 * Index in `kernels.f32` / `kernels.i32` of the 32-bit element at byte offset `ptr`. Unsigned,
 * so that pointers at or above 2 GiB (memory reaches 4 GiB) stay positive: `ptr >> 2` would not.
 *
 * @example kernels.f32[elementIndex(ptr)] = 1;
 */
export function elementIndex(ptr: number): number {
  return ptr >>> 2;
}
