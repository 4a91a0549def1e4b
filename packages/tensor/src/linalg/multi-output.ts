// Factorisations return several tensors (Q and R, eigenvalues and eigenvectors, U, S and Vh) from one
// computation: they are the outputs of one multi-output autograd node, whose rule gets the gradient
// of each output (zeros for an output that received none) and the outputs themselves.
import { recordMulti } from '../autograd.js';
import { zeros } from '../creation.js';
import type { Shape } from '../shape.js';
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
  const outputs = shapes.map((shape, i) => writeMatrices(batch, shape, values[i]!));
  recordMulti(outputs, op, [input], outputs, (grads, saved) => {
    const dense = grads.map((g, i) => g ?? zeros([...saved[i]!.shape]));
    return [backward(dense, [...saved])];
  });
  return outputs;
}
