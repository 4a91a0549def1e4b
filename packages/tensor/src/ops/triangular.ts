// tril and triu: the lower or upper triangle of the last two dimensions, the rest set to zero. A
// composite of `where` with a constant 0/1 mask, so the gradient is masked the same way (and an
// infinite element outside the triangle gives 0, not NaN as a multiplication by the mask would).
import { fromValues } from '../creation.js';
import { formatShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { requireFloat } from './common.js';
import { where } from './elementwise.js';
import { requireInteger } from './shape-extra.js';

function triangle(fn: string, x: Tensor, diagonal: number, lower: boolean): Tensor {
  x._check(fn);
  requireFloat(fn, x);
  requireInteger(fn, 'diagonal', diagonal);
  if (x.ndim < 2)
    throw new RangeError(
      `${fn}: expected a tensor with at least 2 dimensions, got shape ${formatShape(x.shape)}`,
    );
  const rows = x.shape[x.ndim - 2]!;
  const cols = x.shape[x.ndim - 1]!;
  const mask = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++)
      mask[i * cols + j] = (lower ? j - i <= diagonal : j - i >= diagonal) ? 1 : 0;
  const m = fromValues(mask, [rows, cols]);
  const out = where(m, x, 0);
  m.dispose();
  return out;
}

/**
 * The lower triangle of the matrices in the last two dimensions: elements on and below diagonal
 * `diagonal` (0 the main one, > 0 above it, < 0 below), the others zero, as torch.tril.
 *
 * @example ones([3, 3]).tril().toArray(); // [[1, 0, 0], [1, 1, 0], [1, 1, 1]]
 */
export function tril(x: Tensor, diagonal = 0): Tensor {
  return triangle('tril', x, diagonal, true);
}

/**
 * The upper triangle of the matrices in the last two dimensions: elements on and above diagonal
 * `diagonal`, the others zero, as torch.triu.
 *
 * @example ones([3, 3]).triu(1).toArray(); // [[0, 1, 1], [0, 0, 1], [0, 0, 0]]
 */
export function triu(x: Tensor, diagonal = 0): Tensor {
  return triangle('triu', x, diagonal, false);
}
