import { BinaryOp } from '@myelin/kernels-wasm';
import { type BackwardOptions, backward, type Node } from './autograd.js';
import { deepError } from './call-site.js';
import { describeValue } from './errors.js';
import { formatTensor } from './format.js';
import { checkLiveTensors } from './leak-warning.js';
import { keepDimOption } from './ops/common.js';
import * as composites from './ops/composites.js';
import * as elementwise from './ops/elementwise.js';
import * as indexing from './ops/indexing.js';
import * as inplace from './ops/inplace.js';
import { matmul } from './ops/matmul.js';
import * as reduce from './ops/reduce.js';
import * as scan from './ops/scan.js';
import * as shapeExtra from './ops/shape-extra.js';
import * as softmax from './ops/softmax.js';
import * as sorting from './ops/sorting.js';
import * as triangular from './ops/triangular.js';
import { type UnaryMethods, type UnaryName, unary, unaryOps } from './ops/unary.js';
import * as views from './ops/views.js';
import { kernels } from './runtime.js';
import { type Scope, setTensorCheck, track } from './scope.js';
import { contiguousStrides, formatShape, type Shape, sameShape, sizeOf } from './shape.js';
import { liveStats, Storage } from './storage.js';

/** Element types: float32 (the default, for values) and int32 (class labels, indices). */
export type DType = 'float32' | 'int32';

/** A number or a tensor, accepted wherever an op takes an operand. */
export type TensorLike = Tensor | number;

/** What a tensor owns: one reference to its storage and one to its autograd node. */
interface Handle {
  storage: Storage;
  node: Node | null;
  /** Which output of `node` this tensor is. */
  output: number;
  live: boolean;
}

/**
 * Debug mode: where live tensors were created, for finding leaks (see `setDebug`). The Error objects
 * are kept unformatted: V8 records the stack cheaply and formats it only when it is read.
 */
export const debugState = { enabled: false, live: new Map<Tensor, Error>() };

function releaseHandle(handle: Handle): void {
  if (!handle.live) return;
  handle.live = false;
  handle.storage.release();
  handle.node?.unref();
  liveStats.tensors--;
}

// Backstop for tensors that escape every scope and are never disposed: when the garbage collector
// reclaims one, its storage is released. Not a substitute for scopes: it never runs inside a
// synchronous loop.
const finalizer = new FinalizationRegistry<Handle>(releaseHandle);

declare global {
  interface SymbolConstructor {
    /**
     * The method `using` calls (explicit resource management). Declared here, as TypeScript's
     * `esnext.disposable` library and `@types/node` do, so that the declaration of
     * `Tensor[Symbol.dispose]` type-checks in projects that have neither (e.g. a browser tsconfig).
     */
    readonly dispose: unique symbol;
  }
}

// Runtimes without Symbol.dispose get the symbol a polyfill would use.
const disposeSymbol: typeof Symbol.dispose = Symbol.dispose ?? Symbol.for('Symbol.dispose');

/**
 * An n-dimensional array of float32 (or int32) in WebAssembly memory, with reverse-mode autograd.
 * Create tensors with `tensor`, `zeros`, `randn`, …; operations return new tensors (views such as
 * `reshape` or `transpose` share storage). Memory is released by `dispose()` or by the enclosing
 * `tidy`; see the package README.
 *
 * @example
 * const x = tensor([[1, 2], [3, 4]], { requiresGrad: true });
 * const y = x.matmul(x).relu().sum();
 * y.backward();
 * x.grad!.toArray(); // [[7, 11], [9, 13]]
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the unary methods are declared by the interface at the end of this file and defined on the prototype from the op table right after it (op-table.test.ts checks every one)
export class Tensor {
  /** Size along each dimension. */
  readonly shape: Shape;
  /** Element step along each dimension (in elements). */
  readonly strides: readonly number[];
  /** Index of the first element in the storage. */
  readonly offset: number;
  readonly dtype: DType;
  /** Whether operations on this tensor are recorded for autograd. */
  requiresGrad = false;
  /** @internal */
  _scope: Scope | undefined;
  private readonly handle: Handle;
  private gradient: Tensor | null = null;
  private kept = false;
  /** Whether the garbage-collection backstop watches this tensor (only while no scope holds it). */
  private watched = false;

  /** @internal Takes over one reference to `storage`. Use the creation functions instead. */
  constructor(storage: Storage, shape: Shape, strides: readonly number[], offset: number, dtype: DType) {
    this.shape = shape;
    this.strides = strides;
    this.offset = offset;
    this.dtype = dtype;
    this.handle = { storage, node: null, output: 0, live: true };
    liveStats.tensors++;
    checkLiveTensors(liveStats.tensors, liveStats.bytes);
    this._scope = track(this);
    // A scope holds its tensors strongly and disposes or hands them on when it ends, so the
    // backstop (whose register/unregister pair showed in step profiles) waits until none holds it.
    if (this._scope === undefined) this._watch();
    if (debugState.enabled) debugState.live.set(this, deepError());
  }

  /** @internal A new contiguous, uninitialised tensor. */
  static _empty(shape: Shape, dtype: DType = 'float32'): Tensor {
    const n = sizeOf(shape);
    return new Tensor(Storage.allocate(Math.max(n, 1)), [...shape], contiguousStrides(shape), 0, dtype);
  }

  /** Number of dimensions. */
  get ndim(): number {
    return this.shape.length;
  }

  /** Number of elements. */
  get size(): number {
    return sizeOf(this.shape);
  }

  /** Whether the elements are laid out densely in row-major order. */
  get isContiguous(): boolean {
    let step = 1;
    for (let d = this.shape.length - 1; d >= 0; d--) {
      if (this.shape[d] !== 1 && this.strides[d] !== step) return false;
      step *= this.shape[d]!;
    }
    return true;
  }

  /** Whether `dispose()` has released this tensor. */
  get isDisposed(): boolean {
    return !this.handle.live;
  }

  /** The gradient accumulated by `backward()`, or null. Owned by this tensor (replacing disposes it). */
  get grad(): Tensor | null {
    return this.gradient;
  }

  set grad(value: Tensor | null) {
    if (value !== null) {
      if (!(value instanceof Tensor)) {
        throw new TypeError(`grad: expected a tensor or null to assign, got ${describeValue(value)}`);
      }
      value._check('grad');
      if (value.dtype !== this.dtype || !sameShape(value.shape, this.shape)) {
        throw new RangeError(
          `grad: the assigned gradient has shape ${formatShape(value.shape)} (${value.dtype}) but the tensor has ` +
            `shape ${formatShape(this.shape)} (${this.dtype}); a gradient must match its tensor's shape and dtype`,
        );
      }
    }
    if (this.gradient !== null && this.gradient !== value) this.gradient.dispose();
    this.gradient = value;
    value?.keep();
  }

  /** @internal Replaces `.grad` without disposing the previous gradient, which is returned (the caller owns it). */
  _swapGrad(value: Tensor | null): Tensor | null {
    const previous = this.gradient;
    this.gradient = null;
    this.grad = value;
    return previous;
  }

  /** Name of the operation that produced this tensor, if it is part of an autograd graph. */
  get gradFnName(): string | null {
    return this.handle.node?.name ?? null;
  }

  /** @internal */
  get _gradFn(): Node | null {
    return this.handle.node;
  }

  /** @internal Which output of its `gradFn` node this tensor is. */
  get _outputIndex(): number {
    return this.handle.output;
  }

  /** @internal How many in-place writes the storage has seen (autograd checks saved tensors with it). */
  get _version(): number {
    return this.handle.storage.version;
  }

  /** @internal The in-place op that last wrote to the storage. */
  get _lastInPlaceOp(): string {
    return this.handle.storage.lastWriter;
  }

  /** @internal Records an in-place write by `op` (bumps the storage's version). */
  _bumpVersion(op: string): void {
    this.handle.storage.version++;
    this.handle.storage.lastWriter = op;
  }

  /** @internal Whether another tensor or saved buffer shares this one's storage. */
  get _sharesStorage(): boolean {
    return this.handle.storage.isShared;
  }

  /** @internal Throws if the tensor was disposed, naming the operation. */
  _check(op: string): void {
    if (!this.handle.live) {
      throw new Error(
        `${op}: the tensor (shape [${this.shape.join(',')}]) was disposed and cannot be used any more`,
      );
    }
  }

  /**
   * For extension packages writing their own kernel calls: the byte offset of the first element in
   * the shared kernels' memory (`kernels.f32[t.dataPointer >>> 2]` is element 0; use `>>>`, not `>>`:
   * memory may reach 4 GiB). It stays valid while
   * the tensor lives (memory growth does not move data, it only detaches old typed-array views).
   * Read through `strides` unless `isContiguous`.
   *
   * @example kernels.raw.fill(t.dataPointer, t.size, 0) // zero a contiguous float32 tensor in place
   */
  get dataPointer(): number {
    this._check('dataPointer');
    return this._ptr;
  }

  /** @internal Byte offset of the first element in kernel memory. */
  get _ptr(): number {
    return this.handle.storage.ptr + this.offset * 4;
  }

  /** @internal A tensor sharing this one's storage, with the given layout (a view). */
  _view(shape: Shape, strides: readonly number[], offset = this.offset): Tensor {
    this.handle.storage.retain();
    return new Tensor(this.handle.storage, shape, strides, offset, this.dtype);
  }

  /**
   * @internal A view kept by autograd: outside every scope, released by its node. It needs no
   * backstop of its own: a node that is never released belongs to an output that the backstop
   * watches, and releasing that output releases the node.
   */
  _privateView(): Tensor {
    const view = this._view(this.shape, this.strides);
    view._scope?.tensors.delete(view);
    view._scope = undefined;
    view.kept = true;
    return view;
  }

  /** @internal */
  _attachGradFn(node: Node, output = 0): void {
    const previous = this.handle.node;
    this.handle.node = node;
    this.handle.output = output;
    node.ref();
    previous?.unref();
    this.requiresGrad = true;
  }

  /**
   * @internal Adds `g` (same shape) into `.grad`. When there is no gradient yet and `g` is a dense
   * tensor that nothing else references, it becomes `.grad` itself (no copy) and true is returned:
   * the caller must then not dispose it.
   */
  _accumulateGrad(g: Tensor): boolean {
    if (this.gradient === null || this.gradient.isDisposed) {
      if (g.isContiguous && g.offset === 0 && !g._sharesStorage && g._ownsWholeStorage) {
        this.grad = g;
        return true;
      }
      this.grad = g._copy();
      return false;
    }
    if (!this.gradient.isContiguous) {
      this.grad = this.gradient.add(g);
      return false;
    }
    const gc = g.isContiguous ? g : g._copy();
    kernels.binary(BinaryOp.Add, this.gradient._ptr, gc._ptr, this.gradient._ptr, this.size);
    this.gradient._bumpVersion('backward');
    if (gc !== g) gc.dispose();
    return false;
  }

  /** @internal Whether this tensor spans its whole storage (not a part of a bigger block). */
  get _ownsWholeStorage(): boolean {
    return this.handle.storage.length === Math.max(this.size, 1);
  }

  /** @internal A contiguous copy (always a new tensor, never recorded by autograd). */
  _copy(): Tensor {
    const out = Tensor._empty(this.shape, this.dtype);
    kernels.copyStrided(this._ptr, this.strides, out._ptr, this.shape);
    return out;
  }

  /** @internal */
  _onesLike(): Tensor {
    const out = Tensor._empty(this.shape);
    kernels.fill(out._ptr, this.size, 1);
    return out;
  }

  // ---- lifetime -------------------------------------------------------------------------------

  /**
   * Releases this tensor's memory now (idempotent). Views and saved autograd buffers that share
   * the storage keep it alive until they go too. Using the tensor afterwards throws.
   *
   * @example const t = zeros([1000]); t.dispose();
   */
  dispose(): void {
    if (!this.handle.live) return;
    if (this.watched) finalizer.unregister(this);
    this._scope?.tensors.delete(this);
    this._scope = undefined;
    if (debugState.enabled) debugState.live.delete(this);
    releaseHandle(this.handle);
    if (this.gradient !== null) {
      this.gradient.dispose();
      this.gradient = null;
    }
  }

  /**
   * Exempts this tensor from the enclosing `tidy` scopes: it lives until `dispose()` (or garbage
   * collection). Returns the tensor.
   *
   * @example const w = tidy(() => randn([3, 3]).keep().mul(2)); // the randn is kept too
   */
  keep(): this {
    this._leaveScope();
    this.kept = true;
    return this;
  }

  /** @internal Takes this tensor out of its scope; from now on only dispose() or the backstop frees it. */
  _leaveScope(): void {
    this._scope?.tensors.delete(this);
    this._scope = undefined;
    this._watch();
  }

  /** Puts this tensor under the garbage-collection backstop (once). */
  private _watch(): void {
    if (this.watched || !this.handle.live) return;
    this.watched = true;
    finalizer.register(this, this.handle, this);
  }

  /** Whether `keep()` was called: the tensor is exempt from scopes and from owners that release (e.g. data loaders). */
  get isKept(): boolean {
    return this.kept;
  }

  /** `using t = zeros([3])` disposes `t` at the end of the block. */
  [disposeSymbol](): void {
    this.dispose();
  }

  // ---- reading values -------------------------------------------------------------------------

  /**
   * A copy of the elements in row-major order.
   *
   * @example tensor([[1, 2], [3, 4]]).data(); // Float32Array [1, 2, 3, 4]
   */
  data(): Float32Array | Int32Array {
    this._check('data');
    const c = this.isContiguous ? this : this._copy();
    const start = c._ptr >>> 2;
    const out =
      this.dtype === 'int32'
        ? kernels.i32.slice(start, start + this.size)
        : kernels.f32.slice(start, start + this.size);
    if (c !== this) c.dispose();
    return out;
  }

  /**
   * The value of a one-element tensor.
   *
   * @example tensor([[3]]).item(); // 3
   */
  item(): number {
    this._check('item');
    if (this.size !== 1)
      throw new RangeError(
        `item: only a tensor with one element can be converted to a number, but this one has shape [${this.shape.join(',')}]`,
      );
    return this.data()[0]!;
  }

  /**
   * The elements as nested arrays (a number for a 0-d tensor).
   *
   * @example tensor([[1, 2], [3, 4]]).toArray(); // [[1, 2], [3, 4]]
   */
  toArray(): number | NestedArray {
    const flat = this.data();
    if (this.ndim === 0) return flat[0]!;
    let at = 0;
    const build = (dim: number): NestedArray => {
      const out: NestedArray = [];
      for (let i = 0; i < this.shape[dim]!; i++)
        out.push(dim === this.ndim - 1 ? flat[at++]! : build(dim + 1));
      return out;
    };
    return build(0);
  }

  /** A readable rendering, e.g. `tensor([[1.0000, 2.0000]], requiresGrad=true)`. */
  toString(): string {
    if (this.isDisposed) return `tensor(<disposed>, shape=[${this.shape.join(',')}])`;
    return formatTensor(this);
  }

  // ---- autograd -------------------------------------------------------------------------------

  /**
   * Backpropagates from this tensor, accumulating gradients into `.grad` of the leaves. A tensor
   * with more than one element needs `gradient` (d(something)/d(this), same shape).
   *
   * @example const y = x.square().sum(); y.backward(); // x.grad = 2x
   */
  backward(gradient?: Tensor, options?: BackwardOptions): void {
    backward(this, gradient, options);
  }

  /** A view of the same data that is not part of the autograd graph. */
  detach(): Tensor {
    this._check('detach');
    return this._view(this.shape, this.strides);
  }

  /** Sets `requiresGrad` (only on leaves: tensors not produced by a recorded op) and returns this. */
  requiresGrad_(requiresGrad = true): this {
    if (this._gradFn !== null && !requiresGrad) {
      throw new Error('requiresGrad_: cannot turn off requiresGrad of a non-leaf tensor; use detach()');
    }
    if (requiresGrad && this.dtype !== 'float32')
      throw new TypeError('requiresGrad_: only float32 tensors can require grad');
    this.requiresGrad = requiresGrad;
    return this;
  }

  // ---- elementwise ---------------------------------------------------------------------------

  /** this + other (broadcasting). */
  add(other: TensorLike): Tensor {
    return elementwise.add(this, other);
  }
  /** this − other (broadcasting). */
  sub(other: TensorLike): Tensor {
    return elementwise.sub(this, other);
  }
  /** this · other elementwise (broadcasting). */
  mul(other: TensorLike): Tensor {
    return elementwise.mul(this, other);
  }
  /** this / other (broadcasting). */
  div(other: TensorLike): Tensor {
    return elementwise.div(this, other);
  }
  /** this ^ exponent elementwise (broadcasting). */
  pow(exponent: TensorLike): Tensor {
    return elementwise.pow(this, exponent);
  }
  /** Elementwise maximum (NaN propagates). */
  maximum(other: TensorLike): Tensor {
    return elementwise.maximum(this, other);
  }
  /** Elementwise minimum (NaN propagates). */
  minimum(other: TensorLike): Tensor {
    return elementwise.minimum(this, other);
  }
  /** Clamps into [min, max] (either may be omitted). */
  clamp(min?: number | null, max?: number | null): Tensor {
    return elementwise.clamp(this, min, max);
  }
  /** 1 where this > other, else 0 (float32; no gradient). */
  gt(other: TensorLike): Tensor {
    return elementwise.compare('gt', this, other);
  }
  /** 1 where this >= other, else 0. */
  ge(other: TensorLike): Tensor {
    return elementwise.compare('ge', this, other);
  }
  /** 1 where this < other, else 0. */
  lt(other: TensorLike): Tensor {
    return elementwise.compare('lt', this, other);
  }
  /** 1 where this <= other, else 0. */
  le(other: TensorLike): Tensor {
    return elementwise.compare('le', this, other);
  }
  /** 1 where this == other, else 0. */
  eq(other: TensorLike): Tensor {
    return elementwise.compare('eq', this, other);
  }
  /** 1 where this != other, else 0. */
  ne(other: TensorLike): Tensor {
    return elementwise.compare('ne', this, other);
  }
  // The unary ops (neg, exp, log, relu, sigmoid, tanh, leakyRelu, …) are attached below from the
  // op table's unary rows (ops/unary.ts), with their doc comments.

  // ---- reductions ------------------------------------------------------------------------------

  /** Sum over `dim` (all dims if omitted). @example x.sum(1, { keepDim: true }) */
  sum(dim?: number | readonly number[], options?: ReduceOptions | boolean): Tensor {
    return reduce.sum(this, dim, keepDimOption('sum', options));
  }
  /** Mean over `dim` (all dims if omitted). */
  mean(dim?: number | readonly number[], options?: ReduceOptions | boolean): Tensor {
    return reduce.mean(this, dim, keepDimOption('mean', options));
  }
  /** Maximum over `dim` (all if omitted); ties share the gradient equally. */
  max(dim?: number | readonly number[], options?: ReduceOptions | boolean): Tensor {
    return reduce.max(this, dim, keepDimOption('max', options));
  }
  /** Minimum over `dim` (all if omitted); ties share the gradient equally. */
  min(dim?: number | readonly number[], options?: ReduceOptions | boolean): Tensor {
    return reduce.min(this, dim, keepDimOption('min', options));
  }
  /** Index of the maximum along `dim` (of the flattened tensor if omitted), int32. */
  argmax(dim?: number, options?: ReduceOptions | boolean): Tensor {
    return reduce.argmax(this, dim, keepDimOption('argmax', options));
  }
  /** Index of the minimum along `dim` (of the flattened tensor if omitted), int32. */
  argmin(dim?: number, options?: ReduceOptions | boolean): Tensor {
    return reduce.argmin(this, dim, keepDimOption('argmin', options));
  }
  /** Variance over `dim` with Bessel's correction (`correction` 1) unless told otherwise. */
  var(dim?: number | readonly number[], options: reduce.VarianceOptions = {}): Tensor {
    return reduce.variance(this, dim, options);
  }
  /** Standard deviation over `dim` (see `var`). */
  std(dim?: number | readonly number[], options: reduce.VarianceOptions = {}): Tensor {
    return reduce.std(this, dim, options);
  }
  /** log(Σ exp(x)) over `dim`, computed stably. */
  logSumExp(dim?: number | readonly number[], options?: ReduceOptions | boolean): Tensor {
    return reduce.logSumExp(this, dim, keepDimOption('logSumExp', options));
  }

  // ---- softmax ---------------------------------------------------------------------------------

  /** Softmax along `dim` (default: last). */
  softmax(dim = -1): Tensor {
    return softmax.softmax(this, dim, false);
  }
  /** log(softmax(x)) along `dim`, computed stably. */
  logSoftmax(dim = -1): Tensor {
    return softmax.softmax(this, dim, true);
  }

  // ---- linear algebra -------------------------------------------------------------------------

  /** Matrix product with PyTorch's rules for 1-D operands and broadcast batch dimensions. */
  matmul(other: Tensor): Tensor {
    return matmul(this, other);
  }

  // ---- more PyTorch API: selection, sorting, scans, triangles, einsum-style helpers (issue 16) ------

  /** The transpose of a matrix (a view); tensors with fewer than 2 dimensions are returned as views of themselves. */
  t(): Tensor {
    return shapeExtra.t(this);
  }
  /** The slice at `index` along `dim` with that dimension removed (a view); negative counts from the end. */
  select(dim: number, index: number): Tensor {
    return shapeExtra.select(this, dim, index);
  }
  /** A copy with `value` where `mask` (float32 0/1 or int32, broadcasting) is nonzero. */
  maskedFill(mask: Tensor, value: TensorLike): Tensor {
    return composites.maskedFill(this, mask, value);
  }
  /** The k largest (or smallest) elements along `dim` and their int32 indices. @example const [v, i] = x.topk(3) */
  topk(k: number, options?: sorting.TopkOptions): [Tensor, Tensor] {
    return sorting.topk(this, k, options);
  }
  /** Sorted values along `dim` (default last) and their int32 indices (stable). */
  sort(options?: sorting.SortOptions): [Tensor, Tensor] {
    return sorting.sort(this, options);
  }
  /** The int32 indices that sort along `dim` (default last). */
  argsort(options?: sorting.SortOptions): Tensor {
    return sorting.argsort(this, options);
  }
  /** Running sums along `dim`. @example tensor([1, 2, 3]).cumsum(0) // [1, 3, 6] */
  cumsum(dim: number): Tensor {
    return scan.cumsum(this, dim);
  }
  /** Running products along `dim` (gradient exact at zeros). */
  cumprod(dim: number): Tensor {
    return scan.cumprod(this, dim);
  }
  /** 1 where some element along `dim` (all if omitted) is nonzero, else 0 (float32, no gradient). */
  any(dim?: number | readonly number[], options?: ReduceOptions | boolean): Tensor {
    return composites.any(this, dim, options);
  }
  /** 1 where every element along `dim` (all if omitted) is nonzero, else 0 (float32, no gradient). */
  all(dim?: number | readonly number[], options?: ReduceOptions | boolean): Tensor {
    return composites.all(this, dim, options);
  }
  /** Views of pieces of `sizeOrSections` elements (or of the listed sizes) along `dim`. */
  split(sizeOrSections: number | readonly number[], dim = 0): Tensor[] {
    return shapeExtra.split(this, sizeOrSections, dim);
  }
  /** `chunks` views of equal size (the last may be smaller) along `dim`. */
  chunk(chunks: number, dim = 0): Tensor[] {
    return shapeExtra.chunk(this, chunks, dim);
  }
  /** The tensor repeated `sizes[i]` times along each dimension. @example x.repeat(2, 1) */
  repeat(...sizes: number[] | [readonly number[]]): Tensor {
    return shapeExtra.repeat(this, flattenArgs(sizes));
  }
  /** As `repeat`, with missing leading counts taken as 1. */
  tile(...dims: number[] | [readonly number[]]): Tensor {
    return shapeExtra.tile(this, flattenArgs(dims));
  }
  /** The elements in reverse order along each of `dims` (a copy). */
  flip(...dims: number[] | [readonly number[]]): Tensor {
    return shapeExtra.flip(this, flattenArgs(dims));
  }
  /** Rotates by `shifts` along `dims` (the flattened tensor if omitted). */
  roll(shifts: number | readonly number[], dims?: number | readonly number[]): Tensor {
    return shapeExtra.roll(this, shifts, dims);
  }
  /** The outer product with the vector `v`. */
  outer(v: Tensor): Tensor {
    return composites.outer(this, v);
  }
  /** Vector → square matrix with it on diagonal `diagonal`; matrix → that diagonal (a view). */
  diag(diagonal = 0): Tensor {
    return shapeExtra.diag(this, diagonal);
  }
  /** The diagonal of the matrices over `dim1`, `dim2` (a view, appended as the last dimension). */
  diagonal(offset = 0, dim1 = 0, dim2 = 1): Tensor {
    return shapeExtra.diagonal(this, offset, dim1, dim2);
  }
  /** The lower triangle (on and below diagonal `diagonal`) of the last two dimensions, zeros elsewhere. */
  tril(diagonal = 0): Tensor {
    return triangular.tril(this, diagonal);
  }
  /** The upper triangle (on and above diagonal `diagonal`) of the last two dimensions, zeros elsewhere. */
  triu(diagonal = 0): Tensor {
    return triangular.triu(this, diagonal);
  }
  /** this + weight·(end − this). */
  lerp(end: Tensor, weight: TensorLike): Tensor {
    return composites.lerp(this, end, weight);
  }
  /** Clamps between tensor (or number) bounds, broadcasting; null or omitted means no bound. */
  clampTensor(min?: TensorLike | null, max?: TensorLike | null): Tensor {
    return composites.clampTensor(this, min, max);
  }
  /** The vector p-norm over `dim` (all elements if omitted); see linalg.vectorNorm. */
  norm(p: number | 'fro' = 2, dim?: number | readonly number[], options?: ReduceOptions | boolean): Tensor {
    return composites.norm(this, p, dim, options);
  }
  /** The int32 indices [count, ndim] of the nonzero elements (reads the data into JavaScript). */
  nonzero(): Tensor {
    return sorting.nonzero(this);
  }
  /** The distinct values (flattened), optionally with inverse indices and counts. */
  unique(options?: sorting.UniqueOptions): Tensor | Tensor[] {
    return sorting.unique(this, options);
  }

  // ---- shape and views -------------------------------------------------------------------------

  /** Same elements in a new shape (one size may be −1); a view when the layout allows. */
  reshape(...shape: number[] | [readonly number[]]): Tensor {
    return views.reshape(this, flattenArgs(shape));
  }
  /** Like `reshape` but always a view; throws if the tensor is not contiguous. */
  view(...shape: number[] | [readonly number[]]): Tensor {
    return views.view(this, flattenArgs(shape));
  }
  /** Merges dims startDim..endDim into one. */
  flatten(startDim = 0, endDim = -1): Tensor {
    return views.flatten(this, startDim, endDim);
  }
  /** The matrix transpose of the last two dimensions (a view), like PyTorch's `mT`. */
  get mT(): Tensor {
    if (this.ndim < 2)
      throw new RangeError(
        `mT: expected a tensor with at least 2 dimensions, got shape ${formatShape(this.shape)}`,
      );
    return views.transpose(this, -2, -1);
  }
  /** Swaps two dimensions (a view); defaults swap the last two. */
  transpose(dim0 = -2, dim1 = -1): Tensor {
    return views.transpose(this, dim0, dim1);
  }
  /** Reorders dimensions (a view). */
  permute(...dims: number[] | [readonly number[]]): Tensor {
    return views.permute(this, flattenArgs(dims));
  }
  /** Removes size-1 dimensions (or just `dim`). */
  squeeze(dim?: number): Tensor {
    return views.squeeze(this, dim);
  }
  /** Inserts a size-1 dimension at `dim`. */
  unsqueeze(dim: number): Tensor {
    return views.unsqueeze(this, dim);
  }
  /** Broadcasts size-1 dimensions to `shape` (a view; −1 keeps a size). */
  expand(...shape: number[] | [readonly number[]]): Tensor {
    return views.expand(this, flattenArgs(shape));
  }
  /** Elements start..end (exclusive) with `step` along `dim` (a view); negative indices count from the end. */
  slice(dim: number, start = 0, end?: number, step = 1): Tensor {
    return views.slice(this, dim, start, end, step);
  }
  /** A contiguous tensor with the same values (this one if already contiguous). */
  contiguous(): Tensor {
    return views.contiguous(this);
  }
  /** Rows (or slices along `dim`) picked by an int32 index vector. */
  indexSelect(dim: number, index: Tensor): Tensor {
    return indexing.indexSelect(this, dim, index);
  }
  /** out[i][j] = this[i][index[i][j]] for dim 1 (and likewise for any dim), as torch.gather. */
  gather(dim: number, index: Tensor): Tensor {
    return indexing.gather(this, dim, index);
  }
  /** A copy with its own storage; autograd passes the gradient through. */
  clone(): Tensor {
    return inplace.clone(this);
  }

  // ---- in-place (trailing underscore, as PyTorch; each returns this) ----------------------------

  /** this += other in place (other broadcasts to this shape). @example noGrad(() => w.add_(g.mul(-0.1))) */
  add_(other: TensorLike): this {
    inplace.add_(this, other);
    return this;
  }
  /** this −= other in place. */
  sub_(other: TensorLike): this {
    inplace.sub_(this, other);
    return this;
  }
  /** this ·= other in place. */
  mul_(other: TensorLike): this {
    inplace.mul_(this, other);
    return this;
  }
  /** this /= other in place. */
  div_(other: TensorLike): this {
    inplace.div_(this, other);
    return this;
  }
  /** Clamps into [min, max] in place. */
  clamp_(min?: number | null, max?: number | null): this {
    inplace.clamp_(this, min, max);
    return this;
  }
  /** Sets every element to `value`. @example zeros([3]).fill_(7) */
  fill_(value: number): this {
    inplace.fill_(this, value);
    return this;
  }
  /** Sets every element to 0. */
  zero_(): this {
    inplace.zero_(this);
    return this;
  }
  /** Copies `source` (broadcast, dtype-converted) into this tensor. @example noGrad(() => w.copy_(saved)) */
  copy_(source: Tensor): this {
    inplace.copy_(this, source);
    return this;
  }
  /** Fills with uniform random values in [low, high). */
  uniform_(low = 0, high = 1, options: inplace.RandomFillOptions = {}): this {
    inplace.uniform_(this, low, high, options);
    return this;
  }
  /** Fills with normal random values. */
  normal_(mean = 0, std = 1, options: inplace.RandomFillOptions = {}): this {
    inplace.normal_(this, mean, std, options);
    return this;
  }

  /** A float32 copy (of an int32 tensor). */
  float(): Tensor {
    return elementwise.cast(this, 'float32');
  }
  /** An int32 copy, truncating toward zero. */
  int(): Tensor {
    return elementwise.cast(this, 'int32');
  }
}

/** Options of the reductions (`sum`, `mean`, `max`, `min`, `argmax`, `argmin`, `logSumExp`, `var`, `std`). */
export interface ReduceOptions {
  /** Keep the reduced dimensions with size 1 (default false). */
  keepDim?: boolean;
}

/** Nested arrays of numbers, as returned by `toArray()`. */
export type NestedArray = (number | NestedArray)[];

function flattenArgs(args: number[] | [readonly number[]]): number[] {
  return args.length === 1 && Array.isArray(args[0])
    ? [...(args[0] as readonly number[])]
    : (args as number[]);
}

setTensorCheck((v: unknown): v is Tensor => v instanceof Tensor);

// The unary ops' methods come from their table: `x.relu()`, `x.leakyRelu(0.2)`, … (op-table.test.ts
// checks that every row is a method).
export interface Tensor extends UnaryMethods {}
for (const name of Object.keys(unaryOps) as UnaryName[]) {
  const method = function (this: Tensor, value?: number): Tensor {
    return unary(name, this, value);
  };
  // Named like a written method, so stack traces (and liveTensorSites) say `Tensor.relu`.
  Object.defineProperty(method, 'name', { value: name });
  Object.defineProperty(Tensor.prototype, name, { value: method, writable: true, configurable: true });
}
