// Runs one case of a PyTorch fixture file (scripts/torch-fixtures-conv.py): builds the inputs, calls
// the Myelin function, compares the output, then backpropagates the case's cotangent and compares
// every input's gradient. PyTorch computed in float64 from the float32 inputs, so the tolerance
// (1e-5 relative plus 1e-5 absolute by default) measures Myelin's float32 error alone.
// Test-only: src/testing is excluded from the build.
import { type Tensor, tensor, tidy } from '../index.js';

export interface TorchCase {
  readonly inputs: readonly { readonly shape: readonly number[]; readonly data: readonly number[] }[];
  readonly output: readonly number[];
  readonly shape: readonly number[];
  readonly cotangent: readonly number[];
  readonly grads: readonly (readonly number[] | null)[];
}

/** Throws naming the first element of `got` that is not within tolerance of `want`. */
export function expectClose(
  label: string,
  got: ArrayLike<number>,
  want: readonly number[],
  tol = 1e-5,
): void {
  if (got.length !== want.length) throw new Error(`${label}: ${got.length} values, PyTorch ${want.length}`);
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i]! - want[i]!) <= tol + tol * Math.abs(want[i]!)))
      throw new Error(`${label}[${i}]: ${got[i]}, PyTorch ${want[i]}`);
  }
}

/** The case's inputs as tensors (those with a reference gradient require one). */
export function caseInputs(c: TorchCase): Tensor[] {
  return c.inputs.map((input, i) => {
    const t = tensor(Array.from(input.data)).reshape([...input.shape]);
    return c.grads[i] !== null && c.grads[i] !== undefined ? t.requiresGrad_() : t;
  });
}

/**
 * Checks `fn` against case `c`: output values and shape, then every input gradient under the case's
 * cotangent. `fn` returns the output (or the outputs, first compared) for the inputs.
 */
export function checkCase(name: string, c: TorchCase, fn: (...xs: Tensor[]) => Tensor, tol = 1e-5): void {
  tidy(() => {
    const xs = caseInputs(c);
    const leaves = xs.map((x) => (x.requiresGrad ? x : null));
    const out = fn(...xs);
    if (out.shape.join(',') !== c.shape.join(','))
      throw new Error(`${name}: shape [${out.shape}], PyTorch [${c.shape}]`);
    expectClose(`${name} output`, out.data(), c.output, tol);
    out.backward(tensor(Array.from(c.cotangent)).reshape([...c.shape]));
    c.grads.forEach((want, i) => {
      if (want === null || want === undefined) return;
      const g = leaves[i]?.grad;
      if (!g) throw new Error(`${name}: input ${i} got no gradient`);
      expectClose(`${name} grad of input ${i}`, g.data(), want, tol);
    });
  });
}
