/**
 * The raw exports of the kernels module. Every pointer is a byte offset into the module's linear
 * memory; counts and strides are in elements; booleans are passed as 0/1. See `assembly/` for each
 * kernel's contract. Prefer the {@link Kernels} methods, which check their arguments.
 */
export interface KernelExports {
  heapBase(): number;
  unary(op: number, x: number, out: number, n: number, alpha: number): void;
  binary(op: number, a: number, b: number, out: number, n: number): void;
  binaryScalar(op: number, a: number, scalar: number, out: number, n: number, scalarFirst: number): void;
  binaryStrided(op: number, a: number, b: number, out: number, ndim: number, meta: number): void;
  where(cond: number, a: number, b: number, out: number, n: number): void;
  reduce(op: number, x: number, out: number, outer: number, len: number, inner: number): void;
  sumSquares(x: number, n: number): number;
  softmax(x: number, out: number, rows: number, cols: number, log: number): void;
  softmaxBackward(y: number, gy: number, gx: number, rows: number, cols: number, log: number): void;
  copyStrided(src: number, out: number, ndim: number, meta: number): void;
  copyIntoStrided(src: number, out: number, ndim: number, meta: number, accumulate: number): void;
  transpose2d(src: number, out: number, rows: number, cols: number, ldSrc: number): void;
  fill(out: number, n: number, value: number): void;
  fillI32(out: number, n: number, value: number): void;
  i32ToF32(x: number, out: number, n: number): void;
  f32ToI32(x: number, out: number, n: number): void;
  unaryGrad(op: number, x: number, y: number, gy: number, gx: number, n: number, alpha: number): void;
  sgemm(
    transA: number,
    transB: number,
    m: number,
    n: number,
    k: number,
    a: number,
    lda: number,
    b: number,
    ldb: number,
    c: number,
    ldc: number,
    beta: number,
    batch: number,
    strideA: number,
    strideB: number,
    strideC: number,
    scratch: number,
  ): void;
  sgemmScratchBytes(): number;
  pairwiseL1(a: number, b: number, out: number, m: number, n: number, d: number): void;
  sgdUpdate(
    param: number,
    grad: number,
    buf: number,
    n: number,
    lr: number,
    momentum: number,
    dampening: number,
    weightDecay: number,
    nesterov: number,
    first: number,
  ): void;
  adagradUpdate(
    param: number,
    grad: number,
    sum: number,
    n: number,
    clr: number,
    weightDecay: number,
    eps: number,
  ): void;
  rmspropUpdate(
    param: number,
    grad: number,
    squareAvg: number,
    gradAvg: number,
    buf: number,
    n: number,
    lr: number,
    alpha: number,
    eps: number,
    weightDecay: number,
    momentum: number,
    centered: number,
  ): void;
  adamUpdate(
    param: number,
    grad: number,
    expAvg: number,
    expAvgSq: number,
    maxExpAvgSq: number,
    n: number,
    lr: number,
    beta1: number,
    beta2: number,
    eps: number,
    weightDecay: number,
    decoupled: number,
    amsgrad: number,
    stepSize: number,
    bc2Sqrt: number,
  ): void;
}
