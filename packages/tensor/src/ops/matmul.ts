// Matrix multiplication with PyTorch's rules: 1-D operands are promoted (and the added dimension
// removed after), batch dimensions broadcast. Transposed views go to SGEMM as transposed operands
// (no copy), so x.matmul(w.transpose()) and every backward product run at full speed.

import { describeValue } from '../errors.js';
import { kernels } from '../runtime.js';
import { broadcastShapes, broadcastStrides, formatShape, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { requireDims, requireFloat, sumToShape } from './common.js';
import { defineOp } from './define.js';

interface Operand {
  ptr: number;
  trans: boolean;
  ld: number;
  batchStride: number;
  temp: Tensor | null;
}

/** How SGEMM can read a rows×cols matrix with strides (sr, sc), or null if it needs a copy. */
function matrixLayout(
  rows: number,
  cols: number,
  sr: number,
  sc: number,
): { trans: boolean; ld: number } | null {
  if ((sc === 1 || cols <= 1) && (rows <= 1 || sr >= cols))
    return { trans: false, ld: rows <= 1 ? Math.max(cols, 1) : sr };
  if ((sr === 1 || rows <= 1) && (cols <= 1 || sc >= rows))
    return { trans: true, ld: cols <= 1 ? Math.max(rows, 1) : sc };
  return null;
}

/**
 * One stride that steps through all batch entries in row-major order (0 if the operand is broadcast
 * over the whole batch), or null if the batch dimensions are not laid out that regularly.
 */
function uniformBatchStride(batch: readonly number[], strides: readonly number[]): number | null {
  let innermost: number | null = null;
  let expected = 0;
  for (let i = batch.length - 1; i >= 0; i--) {
    if (batch[i] === 1) continue;
    if (innermost === null) {
      innermost = strides[i]!;
    } else if (strides[i] !== expected) {
      return null;
    }
    expected = strides[i]! * batch[i]!;
  }
  return innermost ?? 0;
}

function operand(t: Tensor, batch: readonly number[]): Operand {
  const rows = t.shape[t.ndim - 2]!;
  const cols = t.shape[t.ndim - 1]!;
  const full = [...batch, rows, cols];
  const strides = broadcastStrides(t.shape, t.strides, full);
  const batchStride = uniformBatchStride(batch, strides.slice(0, batch.length));
  const layout = matrixLayout(rows, cols, strides[batch.length]!, strides[batch.length + 1]!);
  if (batchStride !== null && layout !== null) {
    return { ptr: t._ptr, trans: layout.trans, ld: layout.ld, batchStride, temp: null };
  }
  const copy = Tensor._empty(full);
  kernels.copyStrided(t._ptr, strides, copy._ptr, full);
  return { ptr: copy._ptr, trans: false, ld: Math.max(cols, 1), batchStride: rows * cols, temp: copy };
}

/** Inner sizes and the broadcast batch shape of a product of ≥ 2-D operands, or a clear error. */
function productShape(a: Tensor, b: Tensor): { m: number; k: number; n: number; batch: number[] } {
  const m = a.shape[a.ndim - 2]!;
  const k = a.shape[a.ndim - 1]!;
  const kb = b.shape[b.ndim - 2]!;
  const n = b.shape[b.ndim - 1]!;
  if (k !== kb) {
    throw new RangeError(
      `matmul: shapes ${formatShape(a.shape)} and ${formatShape(b.shape)} are not aligned (${k} != ${kb})`,
    );
  }
  const batch = broadcastShapes('matmul', a.shape.slice(0, -2), b.shape.slice(0, -2));
  requireDims('matmul', [...batch, m, n]);
  return { m, k, n, batch };
}

/** The product of operands with at least two dimensions (batch dimensions broadcast). */
const matmulOp = defineOp<Record<string, never>>({
  name: 'matmul',
  check([a, b]) {
    requireFloat('matmul', a!);
    requireFloat('matmul', b!);
    productShape(a!, b!);
  },
  forward([a, b]) {
    const { m, n, k, batch } = productShape(a!, b!);
    const out = Tensor._empty([...batch, m, n]);
    if (out.size === 0) return out;
    const A = operand(a!, batch);
    const B = operand(b!, batch);
    kernels.sgemm({
      m,
      n,
      k,
      a: A.ptr,
      lda: A.ld,
      transA: A.trans,
      b: B.ptr,
      ldb: B.ld,
      transB: B.trans,
      c: out._ptr,
      batch: sizeOf(batch),
      strideA: A.batchStride,
      strideB: B.batchStride,
      strideC: m * n,
    });
    A.temp?.dispose();
    B.temp?.dispose();
    return out;
  },
  save: (inputs) => inputs,
  backward: ({ grads: [gy], saved: [as, bs], needs }) => [
    needs[0]
      ? gradientLike(
          as!,
          () => gy!.matmul(bs!.mT),
          () => bs!.matmul(gy!.mT),
        )
      : null,
    needs[1]
      ? gradientLike(
          bs!,
          () => as!.mT.matmul(gy!),
          () => gy!.mT.matmul(as!),
        )
      : null,
  ],
});

/** Whether a matrix operand is stored transposed (column-major), as `w.transpose()` in a linear layer is. */
function isTransposedLayout(t: Tensor): boolean {
  const rows = t.shape[t.ndim - 2]!;
  const cols = t.shape[t.ndim - 1]!;
  return rows > 1 && cols > 1 && t.strides[t.ndim - 2] === 1 && t.strides[t.ndim - 1]! >= rows;
}

/**
 * The gradient of a matmul operand, computed in the operand's own layout: for a transposed operand
 * (a linear layer's `weight.transpose()`), as the transpose of the product that gives its transpose,
 * so that the gradient reaching the weight is dense in the weight's [out, in] layout and needs no
 * copy. `direct` computes the gradient, `transposed` its transpose.
 */
function gradientLike(operand: Tensor, direct: () => Tensor, transposed: () => Tensor): Tensor {
  if (operand.ndim === 2 && isTransposedLayout(operand)) {
    // A batched product's gradient is summed over the batch first (x [B, T, I] · wᵀ).
    return sumToShape(transposed(), [operand.shape[1]!, operand.shape[0]!]).mT;
  }
  return sumToShape(direct(), operand.shape);
}

/**
 * Matrix product. 2-D × 2-D is the usual product; a 1-D operand is treated as a row (left) or
 * column (right) vector and that dimension removed from the result; leading (batch) dimensions
 * broadcast.
 *
 * @example tensor([[1, 2], [3, 4]]).matmul(tensor([[5], [6]])).toArray(); // [[17], [39]]
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  for (const t of [a, b])
    if (!(t instanceof Tensor)) throw new TypeError(`matmul: expected tensors, got ${describeValue(t)}`);
  a._check('matmul');
  b._check('matmul');
  requireFloat('matmul', a);
  requireFloat('matmul', b);
  if (a.ndim === 0 || b.ndim === 0) {
    throw new RangeError(
      `matmul: both arguments need at least one dimension, got shapes ${formatShape(a.shape)} and ${formatShape(b.shape)}`,
    );
  }
  if (a.ndim >= 2 && b.ndim >= 2) return matmulOp([a, b], {})[0]!;
  const a2 = a.ndim === 1 ? a.unsqueeze(0) : a;
  const b2 = b.ndim === 1 ? b.unsqueeze(-1) : b;
  let out = matmulOp([a2, b2], {})[0]!;
  if (a.ndim === 1) out = out.squeeze(-2);
  if (b.ndim === 1) out = out.squeeze(-1);
  return out;
}
