// The elementwise unary ops: one table row each. A row names the kernel opcode (the same code runs
// the op and its fused gradient), what the gradient kernel reads (the input x, the output y, both or
// neither), and the op's scalar parameter if it has one. Each row becomes a primitive in the op table
// and a `Tensor` method of the same name (see tensor.ts).
//
// Adding a unary op with a kernel: a `UnaryOp` code and its two `case`s in the kernels (see the
// kernels README), a row here with a doc comment, a test. A unary op without a kernel is a composite:
// write it with existing ops instead (no row, no gradient code).
import { UnaryOp } from '@myelin/kernels-wasm';
import { kernels } from '../runtime.js';
import { Tensor } from '../tensor.js';
import { contiguousRaw, release, requireFloat } from './common.js';
import { defineOp } from './define.js';

/** What a unary op's gradient kernel reads. */
type Saves = 'x' | 'y' | 'xy' | 'none';

interface UnaryRow {
  readonly kernel: UnaryOp;
  readonly saves: Saves;
  /** The op's scalar parameter (the kernel's alpha) and its default. */
  readonly parameter?: { readonly name: string; readonly default: number };
}

/** The unary ops. Each becomes `x.<name>(…)`. */
export const unaryOps = {
  /**
   * −x.
   *
   * @example tensor([1, -2]).neg() // [-1, 2]
   */
  neg: { kernel: UnaryOp.Neg, saves: 'none' },
  /**
   * |x|.
   *
   * @example tensor([-1.5, 2]).abs() // [1.5, 2]
   */
  abs: { kernel: UnaryOp.Abs, saves: 'x' },
  /**
   * −1, 0 or 1 (gradient zero).
   *
   * @example tensor([-3, 0, 2]).sign() // [-1, 0, 1]
   */
  sign: { kernel: UnaryOp.Sign, saves: 'none' },
  /**
   * eˣ.
   *
   * @example tensor([0, 1]).exp() // [1, 2.71828]
   */
  exp: { kernel: UnaryOp.Exp, saves: 'y' },
  /**
   * Natural logarithm.
   *
   * @example tensor([1, Math.E]).log() // [0, 1]
   */
  log: { kernel: UnaryOp.Log, saves: 'x' },
  /**
   * √x.
   *
   * @example tensor([4, 9]).sqrt() // [2, 3]
   */
  sqrt: { kernel: UnaryOp.Sqrt, saves: 'y' },
  /**
   * 1/x.
   *
   * @example tensor([2, 4]).reciprocal() // [0.5, 0.25]
   */
  reciprocal: { kernel: UnaryOp.Reciprocal, saves: 'y' },
  /**
   * x².
   *
   * @example tensor([-3, 2]).square() // [9, 4]
   */
  square: { kernel: UnaryOp.Square, saves: 'x' },
  /**
   * eˣ − 1, accurate near 0.
   *
   * @example tensor([1e-8]).expm1() // [1e-8] (exp(x) - 1 would give 0)
   */
  expm1: { kernel: UnaryOp.Expm1, saves: 'y' },
  /**
   * ln(1 + x), accurate near 0.
   *
   * @example tensor([1e-8]).log1p() // [1e-8]
   */
  log1p: { kernel: UnaryOp.Log1p, saves: 'x' },
  /**
   * σ(x) = 1/(1 + e^{−x}).
   *
   * @example tensor([0]).sigmoid() // [0.5]
   */
  sigmoid: { kernel: UnaryOp.Sigmoid, saves: 'y' },
  /**
   * tanh(x).
   *
   * @example tensor([0, 100]).tanh() // [0, 1]
   */
  tanh: { kernel: UnaryOp.Tanh, saves: 'y' },
  /**
   * max(0, x).
   *
   * @example tensor([-1, 2]).relu() // [0, 2]
   */
  relu: { kernel: UnaryOp.Relu, saves: 'x' },
  /**
   * max(0, x) + negativeSlope·min(0, x) (default slope 0.01).
   *
   * @example tensor([-1, 2]).leakyRelu(0.1) // [-0.1, 2]
   */
  leakyRelu: { kernel: UnaryOp.LeakyRelu, saves: 'x', parameter: { name: 'negativeSlope', default: 0.01 } },
  /**
   * x for x > 0, alpha·(eˣ − 1) otherwise (default alpha 1).
   *
   * @example tensor([-1, 2]).elu() // [-0.632, 2]
   */
  elu: { kernel: UnaryOp.Elu, saves: 'xy', parameter: { name: 'alpha', default: 1 } },
  /**
   * Self-normalising ELU (Klambauer et al. 2017).
   *
   * @example tensor([0, 1]).selu() // [0, 1.0507]
   */
  selu: { kernel: UnaryOp.Selu, saves: 'xy' },
  /**
   * x / (1 + |x|).
   *
   * @example tensor([1, -3]).softsign() // [0.5, -0.75]
   */
  softsign: { kernel: UnaryOp.Softsign, saves: 'x' },
  /**
   * 1 where x > threshold, else 0 (default threshold 0). NOTE: its gradient is zero everywhere.
   *
   * @example tensor([-1, 0.5]).step() // [0, 1]
   */
  step: { kernel: UnaryOp.Step, saves: 'none', parameter: { name: 'threshold', default: 0 } },
} as const satisfies Record<string, UnaryRow>;

/** A unary op's name. */
export type UnaryName = keyof typeof unaryOps;

/** The `Tensor` methods the table defines: `x.relu()`, `x.leakyRelu(0.1)`, … */
export type UnaryMethods = {
  [K in keyof typeof unaryOps]: (typeof unaryOps)[K] extends { parameter: object }
    ? (value?: number) => Tensor
    : () => Tensor;
};

function defineUnary(name: string, row: UnaryRow) {
  const parameter = row.parameter?.name ?? 'alpha';
  return defineOp<{ readonly [key: string]: number }>({
    name,
    check([x]) {
      requireFloat(name, x!);
    },
    forward([x], attrs) {
      const xc = contiguousRaw(x!);
      const out = Tensor._empty(x!.shape);
      kernels.unary(row.kernel, xc._ptr, out._ptr, x!.size, attrs[parameter] ?? 0);
      release(xc, x!);
      return out;
    },
    save([x], [out]) {
      return row.saves === 'x' ? [x!] : row.saves === 'y' ? [out!] : row.saves === 'xy' ? [x!, out!] : [];
    },
    backward({ grads, saved, attrs, inputs }) {
      const gy = contiguousRaw(grads[0]!);
      // A saved non-contiguous input is made dense here, once, rather than kept dense since forward.
      const x = row.saves === 'x' || row.saves === 'xy' ? contiguousRaw(saved[0]!) : gy;
      const y = row.saves === 'y' ? saved[0]! : row.saves === 'xy' ? saved[1]! : gy;
      const gx = Tensor._empty(inputs[0]!.shape);
      kernels.unaryGrad(row.kernel, x._ptr, y._ptr, gy._ptr, gx._ptr, gx.size, attrs[parameter] ?? 0);
      release(gy, grads[0]!);
      if (x !== gy) release(x, saved[0]!);
      return [gx];
    },
  });
}

const runners = Object.fromEntries(
  Object.entries(unaryOps).map(([name, row]) => [name, defineUnary(name, row as UnaryRow)]),
) as Record<UnaryName, ReturnType<typeof defineUnary>>;

/**
 * Applies the unary op `name` to `x` (with its parameter `value`, or the default).
 *
 * @example unary('leakyRelu', x, 0.2)
 */
export function unary(name: UnaryName, x: Tensor, value?: number): Tensor {
  const row: UnaryRow = unaryOps[name];
  const attrs = row.parameter === undefined ? {} : { [row.parameter.name]: value ?? row.parameter.default };
  if (row.parameter !== undefined && typeof attrs[row.parameter.name] !== 'number') {
    throw new TypeError(`${name}: ${row.parameter.name} must be a number, got ${typeof value}`);
  }
  return runners[name]([x], attrs)[0]!;
}
