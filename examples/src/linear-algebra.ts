// Linear algebra the notes teach (002_267a31ebb5518d37.txt §0.3 "Calculate Eigenvalues and
// Eigenvectors", §0.4–0.5 "Singular Value Decomposition", §0.6 "Systems of Linear Equations"),
// computed with `linalg` and checked against the notes' hand-worked answers.
//   node examples/dist/linear-algebra.js
import { linalg, type Tensor, tensor } from '@myelin/tensor';
import { isMain, parseArgs } from './args.js';
import { Claims, exitIfFailed } from './claims.js';

export const defaults = { verbose: 1 };

const rows = (t: Tensor) =>
  JSON.stringify(
    (t.toArray() as number[][]).map((r) =>
      Array.isArray(r) ? r.map((v) => +v.toFixed(4)) : +(r as number).toFixed(4),
    ),
  );
const close = (a: Tensor, b: Tensor, tol = 1e-4) => a.sub(b).abs().max().item() < tol;

/** Works the notes' three examples; returns the eigenvalues and the solution of the system. */
export function runLinearAlgebra(overrides: Partial<typeof defaults> = {}): {
  eigenvalues: number[];
  solution: number[];
  claims: Claims;
} {
  const options = { ...defaults, ...overrides };
  const log = options.verbose > 0 ? console.log : () => {};
  const claims = new Claims(log);

  // §0.3: A = [[6, 2], [2, 3]] has λ = 7, 2 with eigenvectors ∝ (2, 1) and (−1/2, 1); P⁻¹AP = D
  const a = tensor([
    [6, 2],
    [2, 3],
  ]);
  const { eigenvalues, eigenvectors } = linalg.eig(a);
  log(
    `eigenvalues of ${rows(a)}: ${rows(eigenvalues)}; eigenvectors (columns, unit length): ${rows(eigenvectors)}`,
  );
  const p = tensor([
    [2, -0.5],
    [1, 1],
  ]); // the notes' P
  const d = linalg.inv(p).matmul(a).matmul(p);
  log(`with the notes' P = ${rows(p)}: P⁻¹AP = ${rows(d)}`);
  const parallel = (v: Tensor, w: number[]) => Math.abs(v.data()[0]! * w[1]! - v.data()[1]! * w[0]!) < 1e-4;
  claims.check(
    'λ = 7 and 2, eigenvectors along (2, 1) and (−1/2, 1), and P⁻¹AP = diag(7, 2) (§0.3)',
    close(eigenvalues, tensor([7, 2])) &&
      parallel(eigenvectors.slice(1, 0, 1).reshape([2]), [2, 1]) &&
      parallel(eigenvectors.slice(1, 1, 2).reshape([2]), [-0.5, 1]) &&
      close(
        d,
        tensor([
          [7, 0],
          [0, 2],
        ]),
      ),
  );

  // §0.4–0.5: A = U·diag(S)·Vᵀ; for a symmetric positive-definite A the singular values are its eigenvalues
  const { U, S, Vh } = linalg.svd(a);
  const rebuilt = U.mul(S.reshape([1, -1])).matmul(Vh);
  log(`SVD: S = ${rows(S)}, U·diag(S)·Vᵀ = ${rows(rebuilt)}`);
  claims.check(
    'U·diag(S)·Vᵀ rebuilds A, and S equals the eigenvalues of this symmetric A (§0.4)',
    close(rebuilt, a) && close(S, eigenvalues),
  );

  // §0.6: 3x − 4y = 9, 6x + 5y = 2 → x ≈ 1.36, y ≈ −1.23 (exactly 53/39 and −48/39)
  const system = tensor([
    [3, -4],
    [6, 5],
  ]);
  const solution = linalg.solve(system, tensor([[9], [2]])).reshape([2]);
  const { rref } = linalg.rowEchelon(
    tensor([
      [3, -4, 9],
      [6, 5, 2],
    ]),
  );
  log(`solve: (x, y) = ${rows(solution)}; reduced row-echelon form of [A | b] = ${rows(rref)}`);
  claims.check(
    'the system solves to (53/39, −48/39) ≈ (1.36, −1.23), by solve and by row reduction (§0.6)',
    close(solution, tensor([53 / 39, -48 / 39])) && close(rref.slice(1, 2, 3).reshape([2]), solution),
  );
  return { eigenvalues: Array.from(eigenvalues.data()), solution: Array.from(solution.data()), claims };
}

if (isMain(import.meta.url)) exitIfFailed(runLinearAlgebra(parseArgs(defaults)).claims);
