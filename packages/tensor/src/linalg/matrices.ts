// Moving batches of matrices between tensors and float64 arrays, where the factorisations run.
import { fromValues } from '../creation.js';
import { formatShape, type Shape, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';

/** A batch of row-major float64 matrices read from a tensor of shape [..., rows, cols]. */
export interface MatrixBatch {
  batch: number[];
  rows: number;
  cols: number;
  /** One Float64Array (rows·cols, row-major) per batch entry. */
  matrices: Float64Array[];
}

/** Reads `t` ([..., rows, cols], float32) as float64 matrices; checks squareness if asked. */
export function readMatrices(op: string, t: Tensor, square = false): MatrixBatch {
  t._check(op);
  if (t.dtype !== 'float32') throw new TypeError(`${op}: expected a float32 tensor, got ${t.dtype}`);
  if (t.ndim < 2)
    throw new RangeError(
      `${op}: expected a matrix or a batch of matrices, got shape ${formatShape(t.shape)}`,
    );
  const rows = t.shape[t.ndim - 2]!;
  const cols = t.shape[t.ndim - 1]!;
  if (square && rows !== cols)
    throw new RangeError(`${op}: expected square matrices, got shape ${formatShape(t.shape)}`);
  const data = t.data();
  const size = rows * cols;
  const batch = t.shape.slice(0, -2);
  const matrices = Array.from({ length: sizeOf(batch) }, (_, b) =>
    Float64Array.from(data.subarray(b * size, (b + 1) * size)),
  );
  return { batch, rows, cols, matrices };
}

/** A float32 tensor of shape [...batch, ...inner] from float64 arrays (one per batch entry). */
export function writeMatrices(batch: Shape, inner: Shape, arrays: readonly Float64Array[]): Tensor {
  const size = sizeOf(inner);
  const values = new Float64Array(arrays.length * size);
  arrays.forEach((a, b) => {
    values.set(a, b * size);
  });
  return fromValues(values, [...batch, ...inner]);
}

/** The n×n float32 matrix with element (i, j) = value(i, j), e.g. a triangular mask. */
export function matrixOf(n: number, value: (i: number, j: number) => number): Tensor {
  const values = Float64Array.from({ length: n * n }, (_, x) => value(Math.floor(x / n), x % n));
  return writeMatrices([], [n, n], [values]);
}
