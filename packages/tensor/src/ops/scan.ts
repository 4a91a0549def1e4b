// Scans along one dimension: cumsum and cumprod. No kernel: a JavaScript loop over the kernels'
// memory, accumulating in float64 (as PyTorch's CPU scans accumulate in double). Linear time; fine
// for the sizes these ops see (a sequence axis), not meant for very large tensors.
import { kernels } from '../runtime.js';
import { normalizeDim, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { contiguousRaw, release, requireFloat } from './common.js';
import { defineOp } from './define.js';

/** The tensor seen as [outer, length, inner] along `dim` (a 0-d tensor as one element). */
function layout(shape: readonly number[], dim: number): [number, number, number] {
  if (shape.length === 0) return [1, 1, 1];
  return [sizeOf(shape.slice(0, dim)), shape[dim]!, sizeOf(shape.slice(dim + 1))];
}

/**
 * Runs `line(read, write, length)` on every line along `dim` of the contiguous inputs, where read(k,
 * j) is element j of line in input k and write(j, v) sets element j of the output's line.
 */
function eachLine(
  inputs: readonly Tensor[],
  out: Tensor,
  dim: number,
  line: (
    read: (k: number, j: number) => number,
    write: (j: number, v: number) => void,
    length: number,
  ) => void,
): void {
  const [outer, length, inner] = layout(out.shape, dim);
  const f32 = kernels.f32;
  const bases = inputs.map((t) => t._ptr >>> 2);
  const outBase = out._ptr >>> 2;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const start = o * length * inner + i;
      line(
        (k, j) => f32[bases[k]! + start + j * inner]!,
        (j, v) => {
          f32[outBase + start + j * inner] = v;
        },
        length,
      );
    }
  }
}

/** Runs `line` over dense copies of `inputs` (all shaped like the output) into a new tensor. */
function scanInto(inputs: readonly Tensor[], dim: number, line: Parameters<typeof eachLine>[3]): Tensor {
  const dense = inputs.map(contiguousRaw);
  const out = Tensor._empty(inputs[0]!.shape);
  eachLine(dense, out, dim, line);
  dense.forEach((d, i) => {
    release(d, inputs[i]!);
  });
  return out;
}

/** Running sums along a line, forward (j = 0, 1, …) or backward (from the end). */
function runningSum(reverse: boolean): Parameters<typeof eachLine>[3] {
  return (read, write, length) => {
    let s = 0;
    for (let n = 0; n < length; n++) {
      const j = reverse ? length - 1 - n : n;
      s += read(0, j);
      write(j, s);
    }
  };
}

const cumsumOp = defineOp<{ readonly dim: number }>({
  name: 'cumsum',
  check: ([x]) => requireFloat('cumsum', x!),
  forward: ([x], { dim }) => scanInto([x!], dim, runningSum(false)),
  // d out_j / d x_k = 1 for j ≥ k: the gradient is the reversed running sum of gy.
  backward: ({ grads: [gy], attrs: { dim } }) => [scanInto([gy!], dim, runningSum(true))],
});

/**
 * Running sums along `dim`: out[i] = x[0] + … + x[i], as torch.cumsum.
 *
 * @example tensor([1, 2, 3]).cumsum(0).toArray(); // [1, 3, 6]
 */
export function cumsum(x: Tensor, dim: number): Tensor {
  x._check('cumsum');
  return cumsumOp([x], { dim: normalizeDim('cumsum', dim, x.ndim) })[0]!;
}

/**
 * The gradient of one line of cumprod, exact when x has zeros (as PyTorch's): with z the first zero,
 * gx[k] = Σ_{j≥k} gy[j]·out[j]/x[k] for k < z (x[k] ≠ 0 there), gx[z] = out[z−1]·Σ_{j≥z} gy[j]·Π_{z<i≤j} x[i],
 * and gx[k] = 0 for k > z (every product through k also goes through the zero at z).
 */
const cumprodGradLine: Parameters<typeof eachLine>[3] = (read, write, length) => {
  // inputs: 0 = x, 1 = gy
  let z = length;
  for (let j = 0; j < length; j++) {
    if (read(0, j) === 0) {
      z = j;
      break;
    }
  }
  // Σ_{j≥k} gy[j]·out[j] for k < z, from the end of the nonzero prefix (terms with j ≥ z are 0).
  const prefix = new Float64Array(z);
  let p = 1;
  for (let j = 0; j < z; j++) {
    p *= read(0, j);
    prefix[j] = p;
  }
  let tail = 0;
  for (let k = z - 1; k >= 0; k--) {
    tail += read(1, k) * prefix[k]!;
    write(k, tail / read(0, k));
  }
  if (z < length) {
    let sum = 0;
    let run = 1;
    for (let j = z; j < length; j++) {
      if (j > z) run *= read(0, j);
      sum += read(1, j) * run;
    }
    write(z, (z > 0 ? prefix[z - 1]! : 1) * sum);
    for (let k = z + 1; k < length; k++) write(k, 0);
  }
};

const cumprodOp = defineOp<{ readonly dim: number }>({
  name: 'cumprod',
  check: ([x]) => requireFloat('cumprod', x!),
  forward: ([x], { dim }) =>
    scanInto([x!], dim, (read, write, length) => {
      let p = 1;
      for (let j = 0; j < length; j++) {
        p *= read(0, j);
        write(j, p);
      }
    }),
  save: ([x]) => [x!],
  backward: ({ grads: [gy], saved: [x], attrs: { dim } }) => [scanInto([x!, gy!], dim, cumprodGradLine)],
});

/**
 * Running products along `dim`: out[i] = x[0] · … · x[i], as torch.cumprod. Its gradient is exact
 * where x has zeros (no division by zero), as PyTorch's.
 *
 * @example tensor([1, 2, 3]).cumprod(0).toArray(); // [1, 2, 6]
 */
export function cumprod(x: Tensor, dim: number): Tensor {
  x._check('cumprod');
  return cumprodOp([x], { dim: normalizeDim('cumprod', dim, x.ndim) })[0]!;
}
