import { LinearAllocator } from './allocator.js';
import { type KernelVariant, threadsUnavailableReason } from './features.js';
import { checkKernelExports, elementIndex, type KernelExports, type KernelName } from './kernel-table.js';
import type { BinaryOp, ReduceOp, UnaryOp } from './opcodes.js';
import { KernelThreadPool, type ThreadPoolOptions } from './threads/pool.js';
import {
  type SgemmCall,
  splitRange,
  splitSgemm,
  THREADED_ELEMENTWISE_MIN_WORK,
  THREADED_SGEMM_MIN_WORK,
} from './threads/split.js';

/** Most dimensions a strided kernel call accepts. */
export const MAX_DIMS = 16;

/**
 * Bytes of the per-instance stack that strided calls take their metadata (shape, strides, the
 * kernel's counters) from: 16 calls in flight at MAX_DIMS dimensions; deeper nesting (a re-entrant
 * call from a getter of a shape or strides array) takes its metadata from the heap instead.
 */
export const META_STACK_BYTES = 16 * 4 * MAX_DIMS * 4;

/** Arguments of {@link Kernels.sgemm}; see there. */
export interface SgemmArgs {
  transA?: boolean;
  transB?: boolean;
  m: number;
  n: number;
  k: number;
  a: number;
  b: number;
  c: number;
  /** Row stride of A as stored, in elements (default: its column count). */
  lda?: number;
  ldb?: number;
  ldc?: number;
  /** 0 (default) overwrites C, 1 accumulates into it. */
  beta?: number;
  batch?: number;
  /** Element offsets between consecutive batch matrices; 0 broadcasts one matrix. */
  strideA?: number;
  strideB?: number;
  strideC?: number;
}

/**
 * One instance of the WebAssembly kernels with its linear memory and allocator.
 *
 * Buffers are byte offsets ("pointers") into linear memory, obtained from {@link Kernels.allocate}.
 * Typed-array views of the memory ({@link Kernels.f32}, {@link Kernels.i32}) are re-created
 * automatically after the memory grows; do not keep a view across an allocation.
 *
 * @example
 * const kernels = await loadKernels();
 * const x = kernels.allocate(4 * 3);
 * kernels.f32.set([1, -2, 3], elementIndex(x));
 * kernels.unary(UnaryOp.Relu, x, x, 3);
 * kernels.f32.subarray(elementIndex(x), elementIndex(x) + 3); // Float32Array [1, 0, 3]
 * kernels.free(x);
 *
 * NOTE: no method assumes it is the only call in flight: each strided call takes its own metadata
 * block from a small stack (see {@link META_STACK_BYTES}), and the SGEMM scratch is used only inside
 * one WebAssembly call, which JavaScript cannot interrupt (the module imports no functions).
 */
export class Kernels {
  readonly allocator: LinearAllocator;
  private viewGeneration = -1;
  private viewF32!: Float32Array;
  private viewI32!: Int32Array;
  private viewU8!: Uint8Array;
  /** The metadata stack: [metaBase, metaBase + META_STACK_BYTES), in use below metaTop. */
  private readonly metaBase: number;
  private metaTop: number;
  private scratch = 0;
  private pool: KernelThreadPool | null = null;
  /** Each worker's SGEMM scratch, allocated here and freed once the pool is closed. */
  private poolScratch: number[] = [];
  /** The last {@link Kernels.setThreads} in progress, so that calls apply in order. */
  private threadsChange: Promise<void> = Promise.resolve();

  constructor(
    /** Which build this instance runs. */
    readonly variant: KernelVariant,
    /** The raw kernel exports, for callers that have already validated their arguments. */
    readonly raw: KernelExports,
    readonly memory: WebAssembly.Memory,
    /** The compiled module, which worker threads instantiate on the same (shared) memory. */
    readonly module?: WebAssembly.Module,
  ) {
    checkKernelExports(raw, 'loadKernels');
    // heapBase is a usize, which reaches JavaScript as a signed i32: read it unsigned.
    this.allocator = new LinearAllocator(memory, raw.heapBase() >>> 0);
    this.metaBase = this.allocator.allocate(META_STACK_BYTES);
    this.metaTop = this.metaBase;
  }

  /**
   * The LSTM cell after its matrix products, with PyTorch's gate order (i, f, g, o): from the summed
   * pre-activations `gates` ([batch, 4·hidden], x·W_ihᵀ + b_ih + hPrev·W_hhᵀ + b_hh) and `cPrev`
   * ([batch, hidden]), writes c = σ(f)·cPrev + σ(i)·tanh(g) and h = σ(o)·tanh(c). With a `tanhC`
   * buffer ([batch, hidden]) it saves what {@link Kernels.lstmCellBackward} needs: tanh(c) there,
   * and the activated gates over `gates` in place. `c` may alias `cPrev`.
   *
   * @example
   * kernels.lstmCellForward(gates, cPrev, h, c, 0, batch, hidden); // inference: gates unchanged
   * kernels.lstmCellForward(gates, cPrev, h, c, tanhC, batch, hidden); // training: gates activated
   */
  lstmCellForward(
    gates: number,
    cPrev: number,
    h: number,
    c: number,
    tanhC: number,
    batch: number,
    hidden: number,
  ): void {
    this.raw.lstmCellForward(gates, cPrev, h, c, tanhC, batch, hidden);
  }

  /**
   * Gradient of {@link Kernels.lstmCellForward}, from the activated `gates` and `tanhC` that it
   * saved and its `cPrev`. `gradH`, `gradC` are the gradients of h and c (0 for zeros); writes the
   * pre-activation gates' gradient into `gradGates` (may alias `gates`) and cPrev's into `gradCPrev`
   * (0 skips it).
   *
   * @example
   * kernels.lstmCellBackward(gates, cPrev, tanhC, gradH, 0, gradGates, gradCPrev, batch, hidden);
   */
  lstmCellBackward(
    gates: number,
    cPrev: number,
    tanhC: number,
    gradH: number,
    gradC: number,
    gradGates: number,
    gradCPrev: number,
    batch: number,
    hidden: number,
  ): void {
    this.raw.lstmCellBackward(gates, cPrev, tanhC, gradH, gradC, gradGates, gradCPrev, batch, hidden);
  }

  /**
   * The GRU cell after its matrix products, as PyTorch's: from `gi` = x·W_ihᵀ + b_ih and
   * `gh` = hPrev·W_hhᵀ + b_hh ([batch, 3·hidden], order r, z, n) and `hPrev`, writes
   * h = (1 − z)·n + z·hPrev with r = σ(gi_r + gh_r), z = σ(gi_z + gh_z), n = tanh(gi_n + r·gh_n).
   * With a `save` buffer ([batch, 4·hidden]) it stores the rows (r, z, n, gh_n) that
   * {@link Kernels.gruCellBackward} reads; 0 saves nothing. `h` may alias `hPrev`.
   *
   * @example
   * kernels.gruCellForward(gi, gh, hPrev, h, save, batch, hidden);
   */
  gruCellForward(
    gi: number,
    gh: number,
    hPrev: number,
    h: number,
    save: number,
    batch: number,
    hidden: number,
  ): void {
    this.raw.gruCellForward(gi, gh, hPrev, h, save, batch, hidden);
  }

  /**
   * Gradient of {@link Kernels.gruCellForward} from its `save` rows and `hPrev`, given h's gradient
   * `gradH`: writes the gradients of `gi` and `gh` and the direct part of hPrev's, gradH·z (0 skips
   * it; the caller adds gradGh·W_hh).
   *
   * @example
   * kernels.gruCellBackward(save, hPrev, gradH, gradGi, gradGh, gradHPrev, batch, hidden);
   */
  gruCellBackward(
    save: number,
    hPrev: number,
    gradH: number,
    gradGi: number,
    gradGh: number,
    gradHPrev: number,
    batch: number,
    hidden: number,
  ): void {
    this.raw.gruCellBackward(save, hPrev, gradH, gradGi, gradGh, gradHPrev, batch, hidden);
  }

  /** Float32 view of the whole memory (index = {@link elementIndex}(pointer)). */
  get f32(): Float32Array {
    if (this.viewGeneration !== this.allocator.generation) this.refreshViews();
    return this.viewF32;
  }

  /** Int32 view of the whole memory (index = {@link elementIndex}(pointer)). */
  get i32(): Int32Array {
    if (this.viewGeneration !== this.allocator.generation) this.refreshViews();
    return this.viewI32;
  }

  /** Byte view of the whole memory. */
  get u8(): Uint8Array {
    if (this.viewGeneration !== this.allocator.generation) this.refreshViews();
    return this.viewU8;
  }

  /** Allocates `bytes` bytes (64-byte aligned) and returns the block's pointer. */
  allocate(bytes: number): number {
    return this.allocator.allocate(bytes);
  }

  /** Frees a block returned by {@link Kernels.allocate}. */
  free(ptr: number): void {
    this.allocator.free(ptr);
  }

  /** out[i] = op(x[i]); `alpha` is the slope of LeakyRelu, alpha of Elu, threshold of Step. */
  unary(op: UnaryOp, x: number, out: number, n: number, alpha = 0): void {
    if (this.threadsFor(n, THREADED_ELEMENTWISE_MIN_WORK) === 1) this.raw.unary(op, x, out, n, alpha);
    else this.elementwise('unary', [op, x, out, n, alpha], [1, 2], 3);
  }

  /** out[i] = op(a[i], b[i]) over contiguous buffers. */
  binary(op: BinaryOp, a: number, b: number, out: number, n: number): void {
    if (this.threadsFor(n, THREADED_ELEMENTWISE_MIN_WORK) === 1) this.raw.binary(op, a, b, out, n);
    else this.elementwise('binary', [op, a, b, out, n], [1, 2, 3], 4);
  }

  /**
   * out[i] = op(a[i], s) (or op(s, a[i]) when `scalarFirst`), where `scalar` points to one float.
   */
  binaryScalar(op: BinaryOp, a: number, scalar: number, out: number, n: number, scalarFirst = false): void {
    const first = scalarFirst ? 1 : 0;
    if (this.threadsFor(n, THREADED_ELEMENTWISE_MIN_WORK) === 1)
      this.raw.binaryScalar(op, a, scalar, out, n, first);
    else this.elementwise('binaryScalar', [op, a, scalar, out, n, first], [1, 3], 4);
  }

  /**
   * out = op(a, b) over `shape`, reading each operand through its element strides (0 where it is
   * broadcast); `out` is contiguous.
   */
  binaryStrided(
    op: BinaryOp,
    a: number,
    stridesA: readonly number[],
    b: number,
    stridesB: readonly number[],
    out: number,
    shape: readonly number[],
  ): void {
    checkDims('binaryStrided', shape.length, stridesA.length, stridesB.length);
    const size = shape.reduce((product, d) => product * d, 1);
    if (this.threadsFor(size, THREADED_ELEMENTWISE_MIN_WORK) > 1) {
      this.binaryStridedSplit(op, a, stridesA, b, stridesB, out, shape);
      return;
    }
    const meta = this.pushMeta(shape, stridesA, stridesB);
    try {
      this.raw.binaryStrided(op, a, b, out, shape.length, meta);
    } finally {
      this.popMeta(meta);
    }
  }

  /**
   * {@link Kernels.binaryStrided} on several threads: splits the outermost dimension longer than 1
   * (every dimension before it has size 1) into ranges whose outputs are whole SIMD vectors, each
   * call with its own metadata block (the kernel keeps its counters there). Every element is still
   * computed by the same inner loop, so the result is bit-identical.
   */
  private binaryStridedSplit(
    op: BinaryOp,
    a: number,
    stridesA: readonly number[],
    b: number,
    stridesB: readonly number[],
    out: number,
    shape: readonly number[],
  ): void {
    const d = shape.findIndex((size) => size > 1);
    const inner = shape.slice(d + 1).reduce((product, size) => product * size, 1);
    const unit = inner % 4 === 0 ? 1 : inner % 2 === 0 ? 2 : 4; // rows per whole vectors of output
    const steps = [
      [0, 4 * stridesA[d]!],
      [1, 4 * stridesB[d]!],
      [2, 4 * inner],
    ] as const;
    const ranges = splitRange([a, b, out, shape[d]!], shape[d]!, 3, steps, this.threads, unit);
    const metas: number[] = [];
    try {
      const parts = ranges.map(([pa, pb, pOut, rows]) => {
        const meta = this.pushMeta(
          shape.map((size, dim) => (dim === d ? rows! : size)),
          stridesA,
          stridesB,
        );
        metas.push(meta);
        return [op, pa!, pb!, pOut!, shape.length, meta];
      });
      this.runParts('elementwise op', 'binaryStrided', parts);
    } finally {
      for (const meta of metas.reverse()) this.popMeta(meta);
    }
  }

  /** out[i] = cond[i] != 0 ? a[i] : b[i]. */
  where(cond: number, a: number, b: number, out: number, n: number): void {
    if (this.threadsFor(n, THREADED_ELEMENTWISE_MIN_WORK) === 1) this.raw.where(cond, a, b, out, n);
    else this.elementwise('where', [cond, a, b, out, n], [0, 1, 2, 3], 4);
  }

  /** Reduces a contiguous [outer, len, inner] tensor along its middle axis into [outer, inner]. */
  reduce(op: ReduceOp, x: number, out: number, outer: number, len: number, inner: number): void {
    // Each of the `outer` slices reduces on its own, in the same order on any thread: ranges of them
    // split between threads bit-identically. (A reduction to one slice stays on this thread.)
    this.overUnits('reduction', 'reduce', [op, x, out, outer, len, inner], 3, [
      [1, len * inner],
      [2, inner],
    ]);
  }

  /** Σ x[i]² over `n` floats, accumulated in float64. */
  sumSquares(x: number, n: number): number {
    return this.raw.sumSquares(x, n);
  }

  /** Row softmax (or log-softmax) of a contiguous [rows, cols] matrix. */
  softmax(x: number, out: number, rows: number, cols: number, log = false): void {
    this.raw.softmax(x, out, rows, cols, log ? 1 : 0);
  }

  /** Gradient of row softmax / log-softmax from its output `y` and output gradient `gy`. */
  softmaxBackward(y: number, gy: number, gx: number, rows: number, cols: number, log = false): void {
    this.raw.softmaxBackward(y, gy, gx, rows, cols, log ? 1 : 0);
  }

  /** Gathers a strided view (32-bit elements) of `shape` into contiguous `out`. */
  copyStrided(src: number, strides: readonly number[], out: number, shape: readonly number[]): void {
    checkDims('copyStrided', shape.length, strides.length, strides.length);
    const meta = this.pushMeta(shape, strides);
    try {
      this.raw.copyStrided(src, out, shape.length, meta);
    } finally {
      this.popMeta(meta);
    }
  }

  /**
   * Scatters contiguous `src` into the strided view (`shape`, `strides`) at `out`; with
   * `accumulate`, adds into it (float32), summing repeated elements of stride-0 dimensions.
   */
  copyIntoStrided(
    src: number,
    out: number,
    strides: readonly number[],
    shape: readonly number[],
    accumulate = false,
  ): void {
    checkDims('copyIntoStrided', shape.length, strides.length, strides.length);
    const meta = this.pushMeta(shape, strides);
    try {
      this.raw.copyIntoStrided(src, out, shape.length, meta, accumulate ? 1 : 0);
    } finally {
      this.popMeta(meta);
    }
  }

  /** out ([cols, rows], contiguous) = transpose of src ([rows, cols], row stride `ldSrc`). */
  transpose2d(src: number, out: number, rows: number, cols: number, ldSrc = cols): void {
    this.raw.transpose2d(src, out, rows, cols, ldSrc);
  }

  /** Sets `n` floats at `out` to `value`. */
  fill(out: number, n: number, value: number): void {
    this.raw.fill(out, n, value);
  }

  /** Sets `n` int32s at `out` to `value`. */
  fillI32(out: number, n: number, value: number): void {
    this.raw.fillI32(out, n, value);
  }

  /**
   * gx[i] = gy[i] · f'(x[i]) for the unary op `op` (the code given to {@link Kernels.unary}), given
   * its input `x` and output `y`; zeros for Sign and Step.
   */
  unaryGrad(op: UnaryOp, x: number, y: number, gy: number, gx: number, n: number, alpha = 0): void {
    if (this.threadsFor(n, THREADED_ELEMENTWISE_MIN_WORK) === 1)
      this.raw.unaryGrad(op, x, y, gy, gx, n, alpha);
    else this.elementwise('unaryGrad', [op, x, y, gy, gx, n, alpha], [1, 2, 3, 4], 5);
  }

  /**
   * SGD with momentum, dampening, Nesterov and L2 weight decay (torch.optim.SGD's rule) over `n`
   * floats in one pass, in place on `param` and the momentum buffer `buf` (unused when `momentum`
   * is 0: pass any buffer).
   *
   * @example kernels.sgdUpdate(param, grad, buf, n, 0.1, 0.9, 0, 0, false, step === 1);
   */
  sgdUpdate(
    param: number,
    grad: number,
    buf: number,
    n: number,
    lr: number,
    momentum: number,
    dampening: number,
    weightDecay: number,
    nesterov: boolean,
    first: boolean,
  ): void {
    const args = [param, grad, buf, n, lr, momentum, dampening, weightDecay, nesterov ? 1 : 0, first ? 1 : 0];
    this.update('sgdUpdate', args, 3);
  }

  /**
   * Adagrad's update (torch.optim.Adagrad) with the already-decayed learning rate `clr`, in place on
   * `param` and the squared-gradient sum `sum`.
   *
   * @example kernels.adagradUpdate(param, grad, sum, n, lr / (1 + (step - 1) * lrDecay), 0, 1e-10);
   */
  adagradUpdate(
    param: number,
    grad: number,
    sum: number,
    n: number,
    clr: number,
    weightDecay: number,
    eps: number,
  ): void {
    this.update('adagradUpdate', [param, grad, sum, n, clr, weightDecay, eps], 3);
  }

  /**
   * RMSprop's update (torch.optim.RMSprop) in place on `param` and its state: `gradAvg` is read only
   * when `centered`, `buf` only when `momentum` ≠ 0 (pass any buffer otherwise).
   *
   * @example kernels.rmspropUpdate(param, grad, squareAvg, squareAvg, squareAvg, n, 0.01, 0.99, 1e-8, 0, 0, false);
   */
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
    centered: boolean,
  ): void {
    const args = [
      param,
      grad,
      squareAvg,
      gradAvg,
      buf,
      n,
      lr,
      alpha,
      eps,
      weightDecay,
      momentum,
      centered ? 1 : 0,
    ];
    this.update('rmspropUpdate', args, 5);
  }

  /**
   * Adam's or, when `decoupled`, AdamW's update (torch.optim.Adam / AdamW) in place on `param` and
   * its moments; `maxExpAvgSq` is read only with `amsgrad`. The caller passes the bias-corrected
   * `stepSize` = lr / (1 − β1^step) and `bc2Sqrt` = √(1 − β2^step).
   *
   * @example kernels.adamUpdate(p, g, m, v, v, n, 1e-3, 0.9, 0.999, 1e-8, 0, false, false, 1e-2, 0.0447);
   */
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
    decoupled: boolean,
    amsgrad: boolean,
    stepSize: number,
    bc2Sqrt: number,
  ): void {
    const flags = [decoupled ? 1 : 0, amsgrad ? 1 : 0];
    const args = [param, grad, expAvg, expAvgSq, maxExpAvgSq, n, lr, beta1, beta2, eps, weightDecay];
    this.update('adamUpdate', [...args, ...flags, stepSize, bc2Sqrt], 5);
  }

  /** Runs a fused optimizer update whose first `countAt` arguments are buffers of `n` floats. */
  private update(kernel: KernelName, args: number[], countAt: number): void {
    // On one thread the kernel is called directly, without the threaded split's arrays.
    if (this.threadsFor(args[countAt]!, THREADED_ELEMENTWISE_MIN_WORK) === 1) {
      (this.raw[kernel] as (...args: number[]) => unknown)(...args);
      return;
    }
    const pointers = Array.from({ length: countAt }, (_, index) => index);
    this.elementwise(kernel, args, pointers, countAt, 'optimizer update');
  }

  /**
   * Runs an elementwise kernel on every thread: the element count at `countAt` is cut into ranges
   * of whole SIMD vectors and the float32 buffers at `pointers` follow (see {@link splitRange}).
   */
  private elementwise(
    kernel: KernelName,
    args: readonly number[],
    pointers: readonly number[],
    countAt: number,
    what = 'elementwise op',
  ): void {
    const steps = pointers.map((index) => [index, 4] as const);
    this.runParts(what, kernel, splitRange(args, args[countAt]!, countAt, steps, this.threads, 4));
  }

  /** How many threads a call of `work` units should run on: 1 below `min` or without workers. */
  private threadsFor(work: number, min: number): number {
    const pool = this.pool;
    if (pool === null || work < min) return 1;
    // Waking a sleeping worker costs ~20× handing a job to a spinning one: only work that dwarfs it
    // goes to sleeping workers (a small MLP's products between fit's pauses stay on this thread).
    return work < min * WAKE_FACTOR && pool.asleep ? 1 : pool.size + 1;
  }

  /**
   * Calls `kernel` once per argument list in `parts` (at most {@link Kernels.threads} of them): the
   * first on the calling thread, the others on the workers, and returns once all are done. If one
   * throws, throws naming `what` (a broken pool is retired: back to one thread).
   */
  private runParts(what: string, kernel: KernelName, parts: readonly (readonly number[])[]): void {
    const run = this.raw[kernel] as (...args: number[]) => unknown;
    const pool = this.pool;
    if (pool === null || parts.length === 1) {
      run(...parts[0]!);
      return;
    }
    try {
      pool.run(
        parts.slice(1).map((args) => ({ kernel, args })),
        () => run(...parts[0]!),
      );
    } catch (error) {
      if (pool.broken) this.retirePool();
      throw new Error(`${what} on ${parts.length} threads: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  /**
   * C = op(A)·op(B) + beta·C (row-major float32, batched). op(A) is m×k, op(B) is k×n. A is stored
   * m×k, or k×m when `transA`; B is stored k×n, or n×k when `transB`.
   */
  sgemm(args: SgemmArgs): void {
    const { m, n, k, transA = false, transB = false, beta = 0, batch = 1 } = args;
    const call: SgemmCall = {
      transA,
      transB,
      m,
      n,
      k,
      a: args.a,
      lda: args.lda ?? (transA ? m : k),
      b: args.b,
      ldb: args.ldb ?? (transB ? k : n),
      c: args.c,
      ldc: args.ldc ?? n,
      beta,
      batch,
      strideA: args.strideA ?? m * k,
      strideB: args.strideB ?? k * n,
      strideC: args.strideC ?? m * n,
    };
    // One scratch per instance suffices: it is only used inside one wasm call on this thread.
    if (this.scratch === 0) this.scratch = this.allocator.allocate(this.raw.sgemmScratchBytes() >>> 0);
    const parts =
      this.threadsFor(m * n * k * batch, THREADED_SGEMM_MIN_WORK) === 1
        ? [call]
        : splitSgemm(call, this.threads);
    // Part i > 0 runs on worker i − 1, with that worker's scratch.
    const scratch = [this.scratch, ...this.poolScratch];
    this.runParts(
      'matrix product',
      'sgemm',
      parts.map((part, index) => sgemmArgs(part, scratch[index]!)),
    );
  }

  /**
   * C = Σ over the batch of A[p]·B[p]ᵀ + beta·C: A[p] is m×k, B[p] is n×k (both read along their
   * rows, unpacked), C is m×n; beta 0 overwrites C, 1 adds into it. The batch strides (elements)
   * default to one matrix after the other. Faster than {@link Kernels.sgemm} with `transB` and
   * `strideC: 0` when m and n are small and k long (a convolution's weight gradient: gy · colsᵀ
   * summed over the images). On several threads each computes a range of C's columns (each element
   * is the same dot products in the same order: bit-identical).
   *
   * @example
   * // gw [6, 25] = Σ over 32 images of gy[6, 784] · cols[25, 784]ᵀ
   * kernels.sgemmNTSum({ m: 6, n: 25, k: 784, a: gy, b: cols, c: gw, batch: 32 });
   */
  sgemmNTSum(args: Omit<SgemmArgs, 'transA' | 'transB' | 'strideC'>): void {
    const { m, n, k, beta = 0, batch = 1 } = args;
    const ldb = args.ldb ?? k;
    const call = [
      m,
      n,
      k,
      args.a,
      args.lda ?? k,
      args.b,
      ldb,
      args.c,
      args.ldc ?? n,
      beta,
      batch,
      args.strideA ?? m * k,
      args.strideB ?? n * k,
    ];
    const parts = this.threadsFor(m * n * k * batch, THREADED_SGEMM_MIN_WORK);
    // Column j of C reads row j of B: a range of columns moves B by ldb floats and C by one per column.
    const split = splitRange(
      call,
      n,
      1,
      [
        [5, 4 * ldb],
        [7, 4],
      ],
      parts,
      4,
    );
    this.runParts('matrix product', 'sgemmNTSum', split);
  }

  /** How many threads the kernels run on (the calling thread included); 1 by default. */
  get threads(): number {
    return this.pool === null ? 1 : this.pool.size + 1;
  }

  /**
   * Runs the kernels that split into independent parts on `count` threads: the calling thread and
   * `count − 1` workers sharing this instance's memory. Split are matrix products (by rows, columns
   * or batch entries; below 64³ multiply-adds they stay on the calling thread), elementwise kernels
   * (unary and its gradient, binary incl. scalar and broadcast operands, where) and the fused
   * optimizer updates (by ranges of whole SIMD vectors), and pooling forward and backward (by
   * planes) — those below {@link THREADED_ELEMENTWISE_MIN_WORK} elements stay on the calling
   * thread. Results are bit-identical for any count: every element is computed by the same code in
   * the same order. Reductions, softmax, copies and convolutions' unfolding run on the calling
   * thread. Needs kernels loaded with `{ threads: true }`; `count` = 1 stops the workers. If a
   * worker dies or stalls, the call that met it throws and the instance goes back to one thread.
   *
   * @example
   * const kernels = await loadKernels({ threads: true });
   * await kernels.setThreads(2);
   */
  setThreads(count: number, options: ThreadPoolOptions = {}): Promise<void> {
    const change = this.threadsChange.then(() => this.changeThreads(count, options));
    this.threadsChange = change.catch(() => undefined);
    return change;
  }

  private async changeThreads(count: number, options: ThreadPoolOptions): Promise<void> {
    if (!Number.isInteger(count) || count < 1) {
      throw new RangeError(`setThreads: expected a whole number of threads ≥ 1, got ${String(count)}`);
    }
    if (count === this.threads && options.spinMs === undefined && options.stallTimeoutMs === undefined)
      return;
    await this.closePool();
    if (count === 1) return;
    const reason = threadsUnavailableReason();
    if (reason !== undefined) throw new Error(`setThreads: cannot start threads: ${reason}`);
    if (!(this.memory.buffer instanceof SharedArrayBuffer) || this.module === undefined) {
      throw new Error(
        'setThreads: these kernels were loaded without threads; load them with { threads: true }',
      );
    }
    const bytes = this.raw.sgemmScratchBytes() >>> 0;
    const scratch = Array.from({ length: count - 1 }, () => this.allocator.allocate(bytes));
    try {
      this.pool = await KernelThreadPool.start(this.module, this.memory, count - 1, options);
      this.poolScratch = scratch;
    } catch (error) {
      for (const block of scratch) this.allocator.free(block);
      throw new Error(`setThreads: ${(error as Error).message}`);
    }
  }

  /** Stops the workers and frees their scratch (except a runaway worker's, which is never reused). */
  private async closePool(): Promise<void> {
    const pool = this.pool;
    const scratch = this.poolScratch;
    this.pool = null;
    this.poolScratch = [];
    if (pool === null) return;
    const reusable = await pool.close();
    scratch.forEach((block, index) => {
      if (reusable[index]) this.allocator.free(block);
    });
  }

  /** Drops a broken pool at once; its scratch is freed once its workers are surely gone. */
  private retirePool(): void {
    const closing = this.closePool();
    this.threadsChange = this.threadsChange.then(() => closing).catch(() => undefined);
  }

  /**
   * Runs `fn` with a pointer to one float holding `value`, for kernels that take a scalar operand by
   * pointer. The float lives in this call's own block of the metadata stack, so nested or
   * concurrent callers never share it.
   *
   * @example kernels.withScalar(2, (two) => kernels.binaryScalar(BinaryOp.Mul, x, two, out, n))
   */
  withScalar<T>(value: number, fn: (pointer: number) => T): T {
    const block = this.pushMeta([]);
    try {
      this.f32[elementIndex(block)] = value;
      return fn(block);
    } finally {
      this.popMeta(block);
    }
  }

  /**
   * Takes a metadata block for one strided call and writes `shape` then each strides array into it,
   * leaving room for the kernel's `shape.length` counters. Release it with {@link Kernels.popMeta}.
   */
  private pushMeta(shape: readonly number[], ...strides: (readonly number[])[]): number {
    const ndim = shape.length;
    // At least 16 bytes, so that even a 0-d call's block lies inside the stack when taken from it.
    const bytes = Math.max(16, (strides.length + 2) * ndim * 4);
    let meta: number;
    if (this.metaTop + bytes <= this.metaBase + META_STACK_BYTES) {
      meta = this.metaTop;
      this.metaTop += bytes;
    } else {
      meta = this.allocator.allocate(bytes);
    }
    try {
      const at = elementIndex(meta);
      for (let d = 0; d < ndim; d++) {
        // Read each value before taking the view: reading may run code (a getter) that grows memory.
        const size = shape[d]!;
        this.i32[at + d] = size;
        for (let s = 0; s < strides.length; s++) {
          const stride = strides[s]![d]!;
          this.i32[at + (s + 1) * ndim + d] = stride;
        }
      }
    } catch (error) {
      this.popMeta(meta);
      throw error;
    }
    return meta;
  }

  /** Releases the block of the most recent {@link Kernels.pushMeta} still in use. */
  private popMeta(meta: number): void {
    if (meta >= this.metaBase && meta < this.metaBase + META_STACK_BYTES) this.metaTop = meta;
    else this.allocator.free(meta);
  }

  private refreshViews(): void {
    const buffer = this.memory.buffer;
    this.viewF32 = new Float32Array(buffer);
    this.viewI32 = new Int32Array(buffer);
    this.viewU8 = new Uint8Array(buffer);
    this.viewGeneration = this.allocator.generation;
  }

  /**
   * Unfolds NCHW images x[batch, channels, height, width] into cols[batch, channels·kh·kw,
   * outH·outW] for a convolution with geometry `g` (from `conv2dGeometry`), zero where a tap falls
   * into the padding. Per image, conv2d is then `sgemm(weight [Cout, channels·kh·kw] × cols)`; a
   * grouped convolution uses row block g of cols (offset g·(channels/G)·kh·kw·outH·outW floats).
   *
   * @example
   * const g = conv2dGeometry({ channels: 3, height: 8, width: 8, kernel: 3, padding: 1 });
   * kernels.im2col(x, cols, g); // cols: colsLength(g) floats
   * kernels.sgemm({ m: cout, n: g.outH * g.outW, k: 27, a: weight, b: cols, c: y });
   */
  im2col(x: number, cols: number, g: import('./conv.js').Conv2dGeometry): void {
    // Images are independent: on several threads each takes a range of them.
    const [image, imageCols] = imageSizes(g);
    this.overUnits('im2col', 'im2col', [x, cols, g.batch, g.channels, ...windowArgs(g)], 2, [
      [0, image],
      [1, imageCols],
    ]);
  }

  /**
   * The adjoint of {@link Kernels.im2col}: adds every entry of cols[batch, channels·kh·kw,
   * outH·outW] into the input element it was taken from (overlapping patches sum). Overwrites x
   * unless `accumulate`. The input gradient of conv2d is `col2im(weightᵀ · gy)`.
   *
   * @example kernels.col2im(gradCols, gx, g);
   */
  col2im(cols: number, x: number, g: import('./conv.js').Conv2dGeometry, accumulate = false): void {
    // Each image's gradient comes from its own columns only: ranges of images run on separate threads.
    const [image, imageCols] = imageSizes(g);
    this.overUnits(
      'col2im',
      'col2im',
      [cols, x, g.batch, g.channels, ...windowArgs(g), accumulate ? 1 : 0],
      2,
      [
        [0, imageCols],
        [1, image],
      ],
    );
  }

  /**
   * Copies `planes` planes x[planes, height, width] into zeroed planes out[planes, outHeight,
   * outWidth], at row `padH` and column `padW` (the rest of each plane zero): the padded input of the
   * direct convolution kernels.
   *
   * @example kernels.padPlanes(x, xpad, 32, 28, 28, 2, 2, 32, 32);
   */
  padPlanes(
    x: number,
    out: number,
    planes: number,
    height: number,
    width: number,
    padH: number,
    padW: number,
    outHeight: number,
    outWidth: number,
  ): void {
    if (outHeight < height + padH || outWidth < width + padW) {
      throw new RangeError(
        `kernels-wasm padPlanes: planes ${height}×${width} at ${padH}, ${padW} do not fit in ${outHeight}×${outWidth}`,
      );
    }
    const args = [x, out, planes, height, width, padH, padW, outHeight, outWidth];
    this.overUnits('padPlanes', 'padPlanes', args, 2, [
      [0, height * width],
      [1, outHeight * outWidth],
    ]);
  }

  /**
   * Direct convolution with stride 1 and dilation 1, without im2col columns: y[batch,
   * groups·perGroup, outH, outW] = bias[o] + Σ_k Σ_ij weight[o, k, i, j] · xpad[n, g·inPerGroup + k,
   * y + i, x + j] for output channel o of group g = ⌊o/perGroup⌋, where `xpad` holds the padded input
   * planes (see `directPlane`; {@link Kernels.padPlanes} makes them) and weight is [groups·perGroup,
   * inPerGroup, kh, kw]. `bias` 0: none. Images run on separate threads.
   *
   * @example
   * const d = { batch: 32, groups: 1, inPerGroup: 6, perGroup: 16, ...directPlane(10, 10, 5, 5), kernelH: 5, kernelW: 5, outH: 10, outW: 10 };
   * kernels.padPlanes(x, xpad, 32 * 6, 14, 14, 0, 0, d.planeH, d.planeW);
   * kernels.convDirectForward(xpad, weight, bias, y, d);
   */
  convDirectForward(
    xpad: number,
    weight: number,
    bias: number,
    y: number,
    d: import('./conv.js').DirectConvGeometry,
  ): void {
    checkDirect('convDirectForward', d);
    const inPerGroup = d.inPerGroup ?? 1;
    const cout = d.groups * d.perGroup;
    const outPlane = d.outH * d.outW;
    const args = [xpad, weight, bias, y, d.batch, d.groups, inPerGroup, d.perGroup, ...directArgs(d)];
    const work = d.batch * cout * outPlane * inPerGroup * d.kernelH * d.kernelW;
    const parts = this.threadsFor(work, THREADED_SGEMM_MIN_WORK);
    const steps = [
      [0, 4 * d.groups * inPerGroup * d.planeH * d.planeW],
      [3, 4 * cout * outPlane],
    ] as const;
    this.runParts('convDirectForward', 'convDirectForward', splitRange(args, d.batch, 4, steps, parts, 1));
  }

  /**
   * The weight gradient gw[groups·perGroup, inPerGroup, kh, kw] of {@link Kernels.convDirectForward}
   * given gy[batch, groups·perGroup, outH, outW] (same geometry and padded input), and unless `gb` is 0
   * the bias gradient gb[o] = Σ gy[·, o]; both overwritten. Ranges of output channels run on separate
   * threads (the same sums in the same order: bit-identical to one thread).
   *
   * @example kernels.convDirectWeightGrad(xpad, gy, gw, gb, d);
   */
  convDirectWeightGrad(
    xpad: number,
    gy: number,
    gw: number,
    gb: number,
    d: import('./conv.js').DirectConvGeometry,
  ): void {
    checkDirect('convDirectWeightGrad', d);
    const inPerGroup = d.inPerGroup ?? 1;
    const cout = d.groups * d.perGroup;
    const work = d.batch * cout * d.outH * d.outW * inPerGroup * d.kernelH * d.kernelW;
    const args = [xpad, gy, gw, gb, d.batch, d.groups, inPerGroup, d.perGroup, 0, cout, ...directArgs(d)];
    const parts = this.threadsFor(work, THREADED_SGEMM_MIN_WORK);
    // `first` (argument 8) moves by one per channel; the pointers stay those of the whole tensors.
    // Kernels up to 4 wide take channels in pairs: ranges of whole pairs keep those tiles.
    const unit = d.kernelW <= 4 ? 2 : 1;
    this.runParts(
      'convDirectWeightGrad',
      'convDirectWeightGrad',
      splitRange(args, cout, 9, [[8, 1]], parts, unit),
    );
  }

  /**
   * 2-D max pooling of NCHW x with geometry `g` (from `pool2dGeometry`): writes the maxima to out
   * [batch, channels, outH, outW] and, as int32, the flat index iy·width + ix of each maximum within
   * its input plane to `indices` (PyTorch's return_indices). Padding counts as −∞; NaN propagates.
   * 1-D pooling: height 1 with kernel, stride 1 and padding 0 along H.
   *
   * @example
   * const g = pool2dGeometry({ batch: 8, channels: 16, height: 28, width: 28, kernel: 2 });
   * kernels.maxPool2d(x, out, indices, g);
   */
  maxPool2d(x: number, out: number, indices: number, g: import('./conv.js').Conv2dGeometry): void {
    const [plane, outPlane] = [g.height * g.width, g.outH * g.outW];
    this.overUnits('pooling', 'maxPool2d', [x, out, indices, g.batch * g.channels, ...windowArgs(g)], 3, [
      [0, plane],
      [1, outPlane],
      [2, outPlane],
    ]);
  }

  /**
   * Gradient of {@link Kernels.maxPool2d}: gx[plane, indices[o]] += gy[o]. Overwrites gx unless
   * `accumulate`.
   *
   * @example kernels.maxPool2dBackward(gy, indices, gx, g);
   */
  maxPool2dBackward(
    gy: number,
    indices: number,
    gx: number,
    g: import('./conv.js').Conv2dGeometry,
    accumulate = false,
  ): void {
    const [plane, outPlane] = [g.height * g.width, g.outH * g.outW];
    this.overUnits(
      'pooling',
      'maxPool2dBackward',
      [gy, indices, gx, g.batch * g.channels, g.height, g.width, g.outH, g.outW, accumulate ? 1 : 0],
      3,
      [
        [0, outPlane],
        [1, outPlane],
        [2, plane],
      ],
    );
  }

  /**
   * 2-D average pooling with PyTorch's divisor rules: the window cut at the far padding edge when
   * `countIncludePad` (default true), else cut to the input; `divisorOverride` replaces both.
   * The geometry must have dilation 1.
   *
   * @example kernels.avgPool2d(x, out, pool2dGeometry({ channels: 4, height: 7, width: 7, kernel: 3, stride: 2, padding: 1 }));
   */
  avgPool2d(
    x: number,
    out: number,
    g: import('./conv.js').Conv2dGeometry,
    options: { countIncludePad?: boolean; divisorOverride?: number } = {},
  ): void {
    const [include, divisor] = avgPoolOptions('avgPool2d', g, options);
    const [plane, outPlane] = [g.height * g.width, g.outH * g.outW];
    this.overUnits(
      'pooling',
      'avgPool2d',
      [x, out, g.batch * g.channels, ...windowArgs(g, false), include, divisor],
      2,
      [
        [0, plane],
        [1, outPlane],
      ],
    );
  }

  /**
   * Gradient of {@link Kernels.avgPool2d} (same geometry and options). Overwrites gx unless
   * `accumulate`.
   *
   * @example kernels.avgPool2dBackward(gy, gx, g, { countIncludePad: false });
   */
  avgPool2dBackward(
    gy: number,
    gx: number,
    g: import('./conv.js').Conv2dGeometry,
    options: { countIncludePad?: boolean; divisorOverride?: number } = {},
    accumulate = false,
  ): void {
    const [include, divisor] = avgPoolOptions('avgPool2dBackward', g, options);
    const [plane, outPlane] = [g.height * g.width, g.outH * g.outW];
    this.overUnits(
      'pooling',
      'avgPool2dBackward',
      [gy, gx, g.batch * g.channels, ...windowArgs(g, false), include, divisor, accumulate ? 1 : 0],
      2,
      [
        [0, outPlane],
        [1, plane],
      ],
    );
  }

  /**
   * Adaptive average pooling of `planes` (= batch·channels) planes [height, width] to
   * [outH, outW], with PyTorch's windows [⌊i·in/out⌋, ⌈(i+1)·in/out⌉).
   *
   * @example kernels.adaptiveAvgPool2d(x, out, 8 * 64, 7, 7, 1, 1); // global average pooling
   */
  adaptiveAvgPool2d(
    x: number,
    out: number,
    planes: number,
    height: number,
    width: number,
    outH: number,
    outW: number,
  ): void {
    checkAdaptive('adaptiveAvgPool2d', height, width, outH, outW);
    const [plane, outPlane] = [height * width, outH * outW];
    this.overUnits('pooling', 'adaptiveAvgPool2d', [x, out, planes, height, width, outH, outW], 2, [
      [0, plane],
      [1, outPlane],
    ]);
  }

  /**
   * Gradient of {@link Kernels.adaptiveAvgPool2d}. Overwrites gx unless `accumulate`.
   *
   * @example kernels.adaptiveAvgPool2dBackward(gy, gx, 8 * 64, 7, 7, 1, 1);
   */
  adaptiveAvgPool2dBackward(
    gy: number,
    gx: number,
    planes: number,
    height: number,
    width: number,
    outH: number,
    outW: number,
    accumulate = false,
  ): void {
    checkAdaptive('adaptiveAvgPool2dBackward', height, width, outH, outW);
    const [plane, outPlane] = [height * width, outH * outW];
    const args = [gy, gx, planes, height, width, outH, outW, accumulate ? 1 : 0];
    this.overUnits('pooling', 'adaptiveAvgPool2dBackward', args, 2, [
      [0, outPlane],
      [1, plane],
    ]);
  }

  /**
   * Runs `kernel` over independent units (pooling planes, a convolution's images), on every thread
   * when they hold enough work: the unit count at `countAt` is cut into ranges and each buffer
   * `[index, floatsPerUnit]` follows. Units do not interact, so the result is bit-identical.
   */
  private overUnits(
    what: string,
    kernel: KernelName,
    args: readonly number[],
    countAt: number,
    buffers: readonly (readonly [index: number, floatsPerUnit: number])[],
  ): void {
    const units = args[countAt]!;
    let floats = 0;
    for (const buffer of buffers) floats += buffer[1];
    const parts = this.threadsFor(units * floats, THREADED_ELEMENTWISE_MIN_WORK);
    if (parts === 1 || units <= 1) {
      (this.raw[kernel] as (...args: number[]) => unknown)(...args);
      return;
    }
    const steps = buffers.map(([index, floats]) => [index, 4 * floats] as const);
    this.runParts(what, kernel, splitRange(args, units, countAt, steps, parts, 1));
  }

  /**
   * Per-channel mean and biased variance (divisor batch·plane) of x[batch, channels, plane] in
   * one pass, float64 sums around a per-channel shift: what batch norm normalises with in training.
   * For PyTorch's running variance multiply by n / (n − 1).
   *
   * @example kernels.channelMeanVar(x, mean, variance, 32, 16, 14 * 14);
   */
  channelMeanVar(
    x: number,
    mean: number,
    variance: number,
    batch: number,
    channels: number,
    plane: number,
  ): void {
    const scratch = this.pushMeta([]);
    try {
      this.raw.channelMeanVar(x, mean, variance, batch, channels, plane, scratch);
    } finally {
      this.popMeta(scratch);
    }
  }

  /**
   * Batch norm forward: y = (x − mean[c]) / sqrt(variance[c] + eps) · gamma[c] + beta[c] over
   * x[batch, channels, plane], one fused multiply-add per element.
   *
   * @example kernels.batchNorm2dForward({ x, mean, variance, gamma, beta, batch: 32, channels: 16, plane: 196 }, y);
   */
  batchNorm2dForward(args: import('./conv.js').BatchNormArgs, y: number): void {
    const { x, mean, variance, gamma = 0, beta = 0, eps = 1e-5, batch, channels, plane } = args;
    this.raw.batchNorm2dForward(x, y, mean, variance, gamma, beta, eps, batch, channels, plane);
  }

  /**
   * Batch norm backward given gy: gradBeta[c] = Σ gy, gradGamma[c] = Σ gy·xhat and gx (training:
   * through the batch statistics, `mean`/`variance` being those of x; else gy·gamma·invstd). Pass 0
   * for any output not wanted. Overwrites its outputs.
   *
   * @example kernels.batchNorm2dBackward({ x, mean, variance, gamma, batch, channels, plane }, gy, gx, gGamma, gBeta);
   */
  batchNorm2dBackward(
    args: import('./conv.js').BatchNormArgs,
    gy: number,
    gx: number,
    gradGamma: number,
    gradBeta: number,
    training = true,
  ): void {
    const { x, mean, variance, gamma = 0, eps = 1e-5, batch, channels, plane } = args;
    const scratch = this.pushMeta([]);
    try {
      this.raw.batchNorm2dBackward(
        x,
        gy,
        mean,
        variance,
        gamma,
        eps,
        gx,
        gradGamma,
        gradBeta,
        batch,
        channels,
        plane,
        training ? 1 : 0,
        scratch,
      );
    } finally {
      this.popMeta(scratch);
    }
  }

  /**
   * Crops [outH, outW] windows out of zero-padded images: out[n, c, y, x] = src[n, c, top + y,
   * left + x], 0 outside the image, with (top, left) = offsets[2n], offsets[2n + 1] in the unpadded
   * image's coordinates (negative inside the padding). src is [batch, channels, height, width], out
   * [batch, channels, outH, outW]. Reads only inside the image whatever the offsets.
   *
   * @example kernels.cropPadded2d(x, out, { batch: 1, channels: 1, height: 28, width: 28, outH: 28, outW: 28 }, [-4, 2]);
   */
  cropPadded2d(
    src: number,
    out: number,
    g: { batch: number; channels: number; height: number; width: number; outH: number; outW: number },
    offsets: readonly number[],
  ): void {
    checkInt32s('cropPadded2d', 'offsets', offsets, 2 * g.batch);
    const block = this.pushMeta(offsets);
    try {
      this.raw.cropPadded2d(src, out, g.batch, g.channels, g.height, g.width, g.outH, g.outW, block);
    } finally {
      this.popMeta(block);
    }
  }

  /**
   * Copies `batch` images of `rows` rows of `width` floats (rows = channels·height) from src to out,
   * mirroring image n left–right where `flip[n]` is true.
   *
   * @example kernels.flipHorizontal(x, out, 2, 3 * 32, 32, [true, false]);
   */
  flipHorizontal(
    src: number,
    out: number,
    batch: number,
    rows: number,
    width: number,
    flip: readonly boolean[],
  ): void {
    if (flip.length !== batch) {
      throw new RangeError(`kernels-wasm flipHorizontal: expected ${batch} flags, got ${flip.length}`);
    }
    const block = this.pushMeta(flip.map((f) => (f ? 1 : 0)));
    try {
      this.raw.flipHorizontal(src, out, batch, rows, width, block);
    } finally {
      this.popMeta(block);
    }
  }

  /**
   * Per-channel affine map over x[batch, channels, plane]: out = x · scale[c] + shift[c] (multiply
   * then add, never fused: identical in both builds). In place when out === x.
   *
   * @example kernels.channelAffine(x, out, 32, 3, 32 * 32, [1 / 0.25, 1 / 0.5, 2], [-2, -1, 0]);
   */
  channelAffine(
    x: number,
    out: number,
    batch: number,
    channels: number,
    plane: number,
    scale: readonly number[],
    shift: readonly number[],
  ): void {
    if (scale.length !== channels || shift.length !== channels) {
      throw new RangeError(
        `kernels-wasm channelAffine: expected ${channels} scales and shifts, got ${scale.length} and ${shift.length}`,
      );
    }
    const block = this.pushMeta(new Array<number>(2 * channels).fill(0));
    try {
      const at = elementIndex(block);
      this.f32.set(scale, at);
      this.f32.set(shift, at + channels);
      this.raw.channelAffine(x, out, batch, channels, plane, block, block + 4 * channels);
    } finally {
      this.popMeta(block);
    }
  }

  /**
   * out[i] = src[i] / divisor for `n` uint8 values at byte offset `src` (any alignment), as float32
   * (correctly rounded: the same as `Math.fround(v / divisor)`).
   *
   * @example kernels.u8ToF32(bytes, out, 60000 * 784, 255); // pixels to [0, 1]
   */
  u8ToF32(src: number, out: number, n: number, divisor = 255): void {
    this.raw.u8ToF32(src, out, n, divisor);
  }
}

/** The `sgemm` export's arguments for `call` with `scratch`, in its order. */
/**
 * How much more work than a kernel's threshold a call needs to be handed to workers that have gone
 * to sleep (see {@link Kernels.threadsFor}).
 */
const WAKE_FACTOR = 4;

/**
 * A window geometry's arguments in the kernels' order: input height and width, kernel, stride,
 * padding, dilation (unless `dilation` is false: average pooling has none) and output size.
 */
function windowArgs(g: import('./conv.js').Conv2dGeometry, dilation = true): number[] {
  return [
    g.height,
    g.width,
    g.kernelH,
    g.kernelW,
    g.strideH,
    g.strideW,
    g.padH,
    g.padW,
    ...(dilation ? [g.dilationH, g.dilationW] : []),
    g.outH,
    g.outW,
  ];
}

/** A direct convolution geometry's trailing kernel arguments: plane, kernel and output sizes. */
function directArgs(d: import('./conv.js').DirectConvGeometry): number[] {
  return [d.planeH, d.planeW, d.kernelH, d.kernelW, d.outH, d.outW];
}

/** Throws unless the padded planes of `d` are as large as the direct kernels read. */
function checkDirect(op: string, d: import('./conv.js').DirectConvGeometry): void {
  if (d.planeH < d.outH + d.kernelH - 1 || d.planeW < 4 * Math.ceil(d.outW / 4) + d.kernelW - 1) {
    throw new RangeError(
      `kernels-wasm ${op}: padded planes ${d.planeH}×${d.planeW} are too small for ${d.outH}×${d.outW} outputs ` +
        `of a ${d.kernelH}×${d.kernelW} kernel (see directPlane)`,
    );
  }
}

/** Floats of one image of a convolution's input, and of its im2col columns. */
function imageSizes(g: import('./conv.js').Conv2dGeometry): [image: number, columns: number] {
  return [g.channels * g.height * g.width, g.channels * g.kernelH * g.kernelW * g.outH * g.outW];
}

function sgemmArgs(call: SgemmCall, scratch: number): number[] {
  const { m, n, k, a, lda, b, ldb, c, ldc, beta, batch, strideA, strideB, strideC } = call;
  const flags = [call.transA ? 1 : 0, call.transB ? 1 : 0];
  return [...flags, m, n, k, a, lda, b, ldb, c, ldc, beta, batch, strideA, strideB, strideC, scratch];
}

function checkDims(op: string, ndim: number, a: number, b: number): void {
  if (ndim > MAX_DIMS) throw new RangeError(`kernels-wasm ${op}: ${ndim} dimensions (at most ${MAX_DIMS})`);
  if (a !== ndim || b !== ndim) {
    throw new RangeError(`kernels-wasm ${op}: shape has ${ndim} dimensions but strides have ${a} and ${b}`);
  }
}

function avgPoolOptions(
  op: string,
  g: { dilationH: number; dilationW: number },
  options: { countIncludePad?: boolean; divisorOverride?: number },
): [number, number] {
  if (g.dilationH !== 1 || g.dilationW !== 1) {
    throw new RangeError(
      `kernels-wasm ${op}: average pooling has no dilation, got ${g.dilationH}×${g.dilationW}`,
    );
  }
  const divisor = options.divisorOverride ?? 0;
  if (options.divisorOverride !== undefined && (!Number.isInteger(divisor) || divisor < 1)) {
    throw new RangeError(`kernels-wasm ${op}: divisorOverride must be a positive integer, got ${divisor}`);
  }
  return [(options.countIncludePad ?? true) ? 1 : 0, divisor];
}

function checkAdaptive(op: string, height: number, width: number, outH: number, outW: number): void {
  if (!(outH >= 1 && outW >= 1 && height >= 1 && width >= 1)) {
    throw new RangeError(
      `kernels-wasm ${op}: sizes must be positive, got input ${height}×${width}, output ${outH}×${outW}`,
    );
  }
}

/** Throws unless `values` holds `count` integers representable as int32. */
function checkInt32s(op: string, name: string, values: readonly number[], count: number): void {
  if (values.length !== count)
    throw new RangeError(`kernels-wasm ${op}: expected ${count} ${name}, got ${values.length}`);
  const bad = values.findIndex((v) => !Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31);
  if (bad >= 0)
    throw new RangeError(`kernels-wasm ${op}: ${name}[${bad}] is ${values[bad]}, expected a 32-bit integer`);
}
