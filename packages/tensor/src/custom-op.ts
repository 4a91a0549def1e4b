import { record } from './autograd.js';
import { noGrad } from './scope.js';
import { formatShape } from './shape.js';
import type { Tensor } from './tensor.js';

/** The two halves of a user-defined differentiable operation (see {@link customOp}). */
export interface CustomOpDefinition {
  /** Computes the output; runs without recording the graph. */
  forward(...inputs: Tensor[]): Tensor;
  /** Given d(loss)/d(output), returns d(loss)/d(input) for each input (null for none). */
  backward(gradOutput: Tensor, inputs: readonly Tensor[], output: Tensor): readonly (Tensor | null)[];
}

/**
 * Defines a differentiable operation from a forward and a backward function, like PyTorch's
 * `torch.autograd.Function`. Check a new backward with `gradcheck`.
 *
 * @example
 * const cube = customOp('cube', {
 *   forward: (x) => x.mul(x).mul(x),
 *   backward: (g, [x]) => [g.mul(x.square()).mul(3)],
 * });
 * cube(tensor([2], { requiresGrad: true })).sum().backward(); // grad 12
 */
export function customOp(name: string, definition: CustomOpDefinition): (...inputs: Tensor[]) => Tensor {
  return (...inputs: Tensor[]) => {
    for (const t of inputs) t._check(name);
    const out = noGrad(() => definition.forward(...inputs));
    record(out, name, inputs, [...inputs, out], (gy, saved) => {
      const grads = definition.backward(gy, saved.slice(0, inputs.length), saved[inputs.length]!);
      if (grads.length !== inputs.length) {
        throw new RangeError(
          `${name}: backward returned ${grads.length} gradients for ${inputs.length} inputs`,
        );
      }
      grads.forEach((g, i) => {
        if (g !== null && formatShape(g.shape) !== formatShape(inputs[i]!.shape)) {
          throw new RangeError(
            `${name}: backward returned a gradient of shape ${formatShape(g.shape)} for input ${i} of shape ${formatShape(inputs[i]!.shape)}`,
          );
        }
      });
      return grads;
    });
    return out;
  };
}
