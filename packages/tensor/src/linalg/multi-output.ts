// Factorisations return several tensors (Q and R, eigenvalues and eigenvectors, U, S and Vh) from one
// computation: each is an op of the table with several outputs, whose rule gets the gradient of
// each output (zeros for an output that received none) and the outputs themselves.
import { zeros } from '../creation.js';
import { defineOp } from '../ops/define.js';
import type { Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { type MatrixBatch, readMatrices, writeMatrices } from './matrices.js';

/** The backward rule of a factorisation: gradients and values of every output → gradient of the input. */
export type MultiOutputBackward = (grads: Tensor[], outputs: Tensor[]) => Tensor;

/** A factorisation's outputs for a batch: each output's shape and its float64 values per batch entry. */
export interface Factors {
  readonly shapes: readonly Shape[];
  readonly values: readonly (readonly Float64Array[])[];
}

/**
 * Defines a factorisation op: `factor` computes the outputs of a batch of float64 matrices (read from
 * the input, square if `square`), `backward` is the rule. Returns the function that runs it.
 */
export function defineFactorisation(
  name: string,
  square: boolean,
  factor: (input: MatrixBatch) => Factors,
  backward: MultiOutputBackward,
): (input: Tensor) => Tensor[] {
  const run = defineOp<Record<string, never>>({
    name,
    forward([input]) {
      const matrices = readMatrices(name, input!, square);
      const { shapes, values } = factor(matrices);
      return shapes.map((shape, i) => writeMatrices(matrices.batch, shape, values[i]!));
    },
    save: (_, outputs) => outputs,
    backward({ grads, saved }) {
      const dense = grads.map((g, i) => g ?? zeros([...saved[i]!.shape]));
      return [backward(dense, [...saved])];
    },
  });
  return (input) => run([input], {});
}
