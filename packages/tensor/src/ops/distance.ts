// Pairwise distances between the rows of two matrices (torch.cdist), on the pairwise-L1 kernel for
// p = 1 and on a matrix product for p = 2.
import { describeValue } from '../errors.js';
import { kernels } from '../runtime.js';
import { formatShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { contiguousRaw, release, requireFloat } from './common.js';
import { defineOp } from './define.js';

/** ‖x1ᵢ − x2ⱼ‖₁ for every pair of rows; the gradient is Σⱼ gyᵢⱼ·sign(x1ᵢ − x2ⱼ) (and its negative for x2). */
const cdistL1 = defineOp<Record<string, never>>({
  name: 'cdist',
  forward([x1, x2]) {
    const [m, d] = x1!.shape as [number, number];
    const n = x2!.shape[0]!;
    const a = contiguousRaw(x1!);
    const b = contiguousRaw(x2!);
    const out = Tensor._empty([m, n]);
    if (out.size > 0) kernels.raw.pairwiseL1(a._ptr, b._ptr, out._ptr, m, n, d);
    release(a, x1!);
    release(b, x2!);
    return out;
  },
  save: (inputs) => inputs,
  backward({ grads: [gy], saved: [x1, x2], needs }) {
    // [M, N, D] signs: memory grows with M·N·D, as PyTorch's own p = 1 backward does.
    const signs = x1!.unsqueeze(1).sub(x2!.unsqueeze(0)).sign();
    const weighted = signs.mul(gy!.unsqueeze(2));
    return [needs[0] ? weighted.sum(1) : null, needs[1] ? weighted.sum(0).neg() : null];
  },
});

/**
 * Distances between every row of `x1` ([M, D]) and every row of `x2` ([N, D]): [M, N], with p = 1
 * (Manhattan) or p = 2 (Euclidean), as torch.cdist. Differentiable.
 *
 * @example cdist(tensor([[0, 0], [1, 1]]), tensor([[1, 0]]), { p: 1 }).toArray(); // [[1], [1]]
 */
export function cdist(x1: Tensor, x2: Tensor, options: { p?: 1 | 2 } = {}): Tensor {
  for (const t of [x1, x2]) {
    if (!(t instanceof Tensor)) throw new TypeError(`cdist: expected tensors, got ${describeValue(t)}`);
    t._check('cdist');
    requireFloat('cdist', t);
  }
  const { p = 2 } = options;
  if (x1.ndim !== 2 || x2.ndim !== 2 || x1.shape[1] !== x2.shape[1]) {
    throw new RangeError(
      `cdist: expected [M, D] and [N, D] matrices with the same D, got ${formatShape(x1.shape)} and ${formatShape(x2.shape)}`,
    );
  }
  if (p === 1) return cdistL1([x1, x2], {})[0]!;
  if (p !== 2) throw new RangeError(`cdist: p must be 1 or 2, got ${describeValue(p)}`);
  const squared = x1
    .square()
    .sum(1, true)
    .add(x2.square().sum(1).unsqueeze(0))
    .sub(x1.matmul(x2.mT).mul(2))
    .clamp(0);
  return squared.sqrt();
}
