// Operation codes shared by the AssemblyScript kernels (assembly/) and the TypeScript binding (src/).
// This file must stay valid in both languages: plain numeric enums only, nothing else.

/**
 * Elementwise unary operations: `unary` computes `out[i] = f(x[i])` (alpha is the op's parameter
 * where it has one), and `unaryGrad` takes the same code for the fused gradient
 * `gx[i] = gy[i] · f'(x[i])`. `Sign` and `Step` have a derivative of zero almost everywhere, so
 * their gradient kernel writes zeros (as PyTorch's `sign` backward does).
 */
export enum UnaryOp {
  Neg = 0,
  Abs = 1,
  Sign = 2,
  Exp = 3,
  Log = 4,
  Sqrt = 5,
  Reciprocal = 6,
  Sigmoid = 7,
  Tanh = 8,
  Relu = 9,
  /** alpha: negative slope. */
  LeakyRelu = 10,
  /** alpha: saturation value for negative inputs. */
  Elu = 11,
  Selu = 12,
  Softsign = 13,
  /** alpha: threshold; 1 where x > alpha, else 0. */
  Step = 14,
  Square = 15,
  Expm1 = 16,
  Log1p = 17,
}

/** Elementwise binary operations, `out[i] = f(a[i], b[i])`; comparisons give 1 or 0. */
export enum BinaryOp {
  Add = 0,
  Sub = 1,
  Mul = 2,
  Div = 3,
  Pow = 4,
  Maximum = 5,
  Minimum = 6,
  Gt = 7,
  Ge = 8,
  Lt = 9,
  Le = 10,
  Eq = 11,
  Ne = 12,
}

/** Reductions along an axis; `Sum`, `Max`, `Min` give values, `ArgMax`, `ArgMin` int32 indices. */
export enum ReduceOp {
  Sum = 0,
  Max = 1,
  Min = 2,
  ArgMax = 3,
  ArgMin = 4,
}
