// Factorisations return several tensors (Q and R, eigenvalues and eigenvectors, U, S and Vh), but an
// autograd node has one output. So the results are packed side by side into one tensor of shape
// [...batch, total] that carries the backward rule, and handed out as views of it: the views'
// gradients flow back into the packed tensor (zeros for an unused output), and the rule unpacks them.
import { record } from '../autograd.js';
import { tidy } from '../scope.js';
import { type Shape, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { writeMatrices } from './matrices.js';

/** The backward rule of a multi-output op: gradients and values of every output → gradient of the input. */
export type MultiOutputBackward = (grads: Tensor[], outputs: Tensor[]) => Tensor;

/**
 * Tensors of shapes [...batch, ...shapes[i]] from float64 values (`values[i][b]`: output i, batch
 * entry b), differentiable with respect to `input` through `backward`.
 */
export function multiOutput(
  op: string,
  input: Tensor,
  batch: Shape,
  shapes: readonly Shape[],
  values: readonly (readonly Float64Array[])[],
  backward: MultiOutputBackward,
): Tensor[] {
  const sizes = shapes.map((s) => sizeOf(s));
  const total = sizes.reduce((a, b) => a + b, 0);
  const split = (t: Tensor): Tensor[] => {
    let offset = 0;
    return shapes.map((shape, i) => {
      const part = t.slice(-1, offset, offset + sizes[i]!).reshape([...batch, ...shape]);
      offset += sizes[i]!;
      return part;
    });
  };
  const packed = Array.from({ length: sizeOf(batch) }, (_, b) => {
    const row = new Float64Array(total);
    let offset = 0;
    values.forEach((perBatch, i) => {
      row.set(perBatch[b]!, offset);
      offset += sizes[i]!;
    });
    return row;
  });
  return tidy(() => {
    const out = writeMatrices(batch, [total], packed);
    record(out, op, [input], [out], (gy, [y]) => [backward(split(gy), split(y!))]);
    return split(out);
  });
}
