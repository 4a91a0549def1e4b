// Higher-level differentiation in the style of torch.autograd.functional: Jacobians, vector-Jacobian
// and Jacobian-vector products, and Hessians, all built on reverse-mode `backward`.
//
// Myelin's backward does not record a differentiable graph of its own (there is no `createGraph`),
// so the two tricks PyTorch uses for forward-mode products are not available:
// - `jvp` builds the Jacobian row by row (one backward per output element, re-using the graph) and
//   multiplies it by v. The result is exact; the cost grows with the number of output elements.
// - `hessian` differentiates the reverse-mode gradient numerically: column j is the central
//   difference (∇f(x + h·eⱼ) − ∇f(x − h·eⱼ)) / 2h, symmetrised. It is accurate to about 1e-4
//   relative in float32 (exact up to rounding for quadratics) — use it to study curvature, not as
//   a bit-exact reference.
import { tensor } from './creation.js';
import { describeValue } from './errors.js';
import { isGradEnabled, tidy } from './scope.js';
import { formatShape } from './shape.js';
import { Tensor } from './tensor.js';

/** A function of one or more tensors returning one tensor, as the functions here take it. */
export type TensorFunction = (...inputs: Tensor[]) => Tensor;

/** Options of {@link hessian}. */
export interface HessianOptions {
  /** Finite-difference step relative to max(1, |xⱼ|) (default 5e-3, about float32's ∛ε). */
  eps?: number;
}

/** The inputs as a list, each checked to be a live float32 tensor. */
function inputList(name: string, inputs: Tensor | readonly Tensor[]): readonly Tensor[] {
  const list = inputs instanceof Tensor ? [inputs] : inputs;
  if (!Array.isArray(list) || list.length === 0) {
    throw new TypeError(
      `${name}: inputs must be a tensor or a non-empty array of tensors, got ${describeValue(inputs)}`,
    );
  }
  list.forEach((t: unknown, i) => {
    if (!(t instanceof Tensor) || t.isDisposed || t.dtype !== 'float32') {
      const what =
        t instanceof Tensor ? (t.isDisposed ? 'a disposed tensor' : `a ${t.dtype} tensor`) : describeValue(t);
      throw new TypeError(`${name}: input ${i} is ${what}, expected a float32 tensor`);
    }
  });
  return list;
}

function requireGrad(name: string): void {
  if (!isGradEnabled()) {
    throw new Error(`${name}: called inside noGrad(), where no graph is recorded; call it outside noGrad`);
  }
}

/** Fresh leaves holding copies of the inputs' values (the caller's tensors and their .grad are untouched). */
function leavesOf(inputs: readonly Tensor[]): Tensor[] {
  return inputs.map((t) => tensor(t.data(), { shape: t.shape, requiresGrad: true }));
}

/** Calls `fn` on `leaves` and checks that it returned a float32 tensor. */
function evaluate(name: string, fn: TensorFunction, leaves: readonly Tensor[]): Tensor {
  if (typeof fn !== 'function')
    throw new TypeError(`${name}: fn must be a function, got ${describeValue(fn)}`);
  const out: unknown = fn(...leaves);
  if (!(out instanceof Tensor) || out.dtype !== 'float32') {
    throw new TypeError(`${name}: fn must return a float32 tensor, got ${describeValue(out)}`);
  }
  return out;
}

/** The cotangent/tangent `v` as a list matching `like` in shapes (checked). */
function vectorList(
  name: string,
  v: Tensor | readonly Tensor[],
  like: readonly Tensor[],
  what: string,
): Tensor[] {
  const list = v instanceof Tensor ? [v] : v;
  if (!Array.isArray(list) || list.length !== like.length) {
    throw new TypeError(
      `${name}: v must be ${like.length === 1 ? 'a tensor' : `${like.length} tensors`} shaped like ${what}, got ${describeValue(v)}`,
    );
  }
  return list.map((t: unknown, i) => {
    if (
      !(t instanceof Tensor) ||
      t.isDisposed ||
      t.dtype !== 'float32' ||
      formatShape(t.shape) !== formatShape(like[i]!.shape)
    ) {
      throw new RangeError(
        `${name}: v${list.length > 1 ? `[${i}]` : ''} is ${describeValue(t)}, expected a float32 tensor of shape ${formatShape(like[i]!.shape)} (the ${what})`,
      );
    }
    return t;
  });
}

/** d(Σ seed·out)/d(leaf) for each leaf as float64 values (zeros where out does not depend on it). */
function pullback(
  out: Tensor,
  seed: Tensor,
  leaves: readonly Tensor[],
  retainGraph: boolean,
): Float64Array[] {
  if (out.requiresGrad) out.backward(seed, { retainGraph });
  return leaves.map((leaf) => {
    const g = leaf.grad;
    const values = g === null ? new Float64Array(leaf.size) : Float64Array.from(g.data());
    leaf.grad = null;
    return values;
  });
}

/** The rows of the Jacobian: rows[k][o] holds d out[o] / d input k (flattened, float64). */
function jacobianRows(out: Tensor, leaves: readonly Tensor[]): Float64Array[][] {
  const rows: Float64Array[][] = leaves.map(() => []);
  const seedValues = new Float32Array(out.size);
  for (let o = 0; o < out.size; o++) {
    seedValues.fill(0);
    seedValues[o] = 1;
    const seed = tensor(seedValues, { shape: out.shape });
    const grads = pullback(out, seed, leaves, o < out.size - 1);
    seed.dispose();
    grads.forEach((g, k) => {
      rows[k]!.push(g);
    });
  }
  return rows;
}

/**
 * The Jacobian of `fn` at `inputs`, as torch.autograd.functional.jacobian: for one input tensor, a
 * tensor of shape [...output.shape, ...input.shape] holding d output[i] / d input[j]; for an array
 * of inputs, one such tensor per input. Computed by reverse mode, one backward per output element.
 * The inputs are copied, so their `.grad` is left untouched.
 *
 * @example
 * const W = tensor([[0.9, 0.2], [1.5, -2.6]]);
 * jacobian((x) => W.matmul(x), tensor([0.19, 0.83])); // W itself
 * const [dW, dx] = jacobian((W, x) => W.matmul(x).square().sum(), [W, tensor([0.19, 0.83])]);
 */
export function jacobian(fn: TensorFunction, inputs: Tensor): Tensor;
export function jacobian(fn: TensorFunction, inputs: readonly Tensor[]): Tensor[];
export function jacobian(fn: TensorFunction, inputs: Tensor | readonly Tensor[]): Tensor | Tensor[] {
  requireGrad('jacobian');
  const list = inputList('jacobian', inputs);
  const result = tidy(() => {
    const leaves = leavesOf(list);
    const out = evaluate('jacobian', fn, leaves);
    const rows = jacobianRows(out, leaves);
    return leaves.map((leaf, k) => {
      const values = new Float32Array(out.size * leaf.size);
      rows[k]!.forEach((row, o) => {
        values.set(row, o * leaf.size);
      });
      return tensor(values, { shape: [...out.shape, ...leaf.shape] });
    });
  });
  return inputs instanceof Tensor ? result[0]! : result;
}

/**
 * The vector-Jacobian product vᵀ·J of `fn` at `inputs`, as torch.autograd.functional.vjp: returns
 * `[output, vjp]` where vjp has the shape of the input (an array for an array of inputs). `v` has
 * the output's shape; it may be left out when the output has one element (then v = 1).
 *
 * @example
 * const [y, g] = vjp((x) => x.square(), tensor([1, 2]), tensor([1, 10])); // g = [2, 40]
 */
export function vjp(fn: TensorFunction, inputs: Tensor, v?: Tensor): [Tensor, Tensor];
export function vjp(fn: TensorFunction, inputs: readonly Tensor[], v?: Tensor): [Tensor, Tensor[]];
export function vjp(
  fn: TensorFunction,
  inputs: Tensor | readonly Tensor[],
  v?: Tensor,
): [Tensor, Tensor | Tensor[]] {
  requireGrad('vjp');
  const list = inputList('vjp', inputs);
  const [output, grads] = tidy(() => {
    const leaves = leavesOf(list);
    const out = evaluate('vjp', fn, leaves);
    let seed: Tensor;
    if (v === undefined) {
      if (out.size !== 1) {
        throw new RangeError(
          `vjp: v may be left out only when fn returns one element, but it returned shape ${formatShape(out.shape)}`,
        );
      }
      seed = tensor([1], { shape: out.shape });
    } else {
      seed = vectorList('vjp', v, [out], "function's output")[0]!;
    }
    const values = pullback(out, seed.contiguous(), leaves, false);
    const g = leaves.map((leaf, k) => tensor(Float32Array.from(values[k]!), { shape: leaf.shape }));
    return [out.detach(), g] as const;
  });
  return [output, inputs instanceof Tensor ? grads[0]! : grads];
}

/**
 * The Jacobian-vector product J·v of `fn` at `inputs`, as torch.autograd.functional.jvp: returns
 * `[output, jvp]` where jvp has the output's shape. `v` has the shape of the input (an array for an
 * array of inputs); it may be left out when the input is one tensor of one element. Exact: built
 * from the Jacobian's rows by reverse mode (one backward per output element; Myelin has no
 * double-backward for the "double-vjp" trick).
 *
 * @example
 * const [y, t] = jvp((x) => x.square().sum(), tensor([1, 2]), tensor([1, 1])); // t = 2·1 + 2·2 = 6
 */
export function jvp(
  fn: TensorFunction,
  inputs: Tensor | readonly Tensor[],
  v?: Tensor | readonly Tensor[],
): [Tensor, Tensor] {
  requireGrad('jvp');
  const list = inputList('jvp', inputs);
  let tangents: Tensor[];
  if (v === undefined) {
    if (list.length !== 1 || list[0]!.size !== 1) {
      throw new RangeError('jvp: v may be left out only when the input is one tensor of one element');
    }
    tangents = [];
  } else {
    tangents = vectorList('jvp', v, list, 'input');
  }
  return tidy(() => {
    const leaves = leavesOf(list);
    const out = evaluate('jvp', fn, leaves);
    const rows = jacobianRows(out, leaves);
    const t = leaves.map((_leaf, k) =>
      tangents[k] === undefined ? new Float64Array([1]) : Float64Array.from(tangents[k]!.data()),
    );
    const values = new Float32Array(out.size);
    for (let o = 0; o < out.size; o++) {
      let s = 0;
      rows.forEach((rowsOfInput, k) => {
        const row = rowsOfInput[o]!;
        const tk = t[k]!;
        for (let j = 0; j < row.length; j++) s += row[j]! * tk[j]!;
      });
      values[o] = s;
    }
    return [out.detach(), tensor(values, { shape: out.shape })] as [Tensor, Tensor];
  });
}

/**
 * The Hessian of a scalar `fn` at `input`, as torch.autograd.functional.hessian for one input: a
 * tensor of shape [...input.shape, ...input.shape] holding d²f / dxᵢ dxⱼ. Column j is the central
 * difference of the reverse-mode gradient along xⱼ (step eps·max(1, |xⱼ|)), accumulated in
 * float64 and symmetrised; exact up to float32 rounding for quadratics (see the file's note).
 *
 * @example
 * hessian((x) => x.pow(3).sum(), tensor([1, 2])); // ≈ [[6, 0], [0, 12]]
 */
export function hessian(fn: TensorFunction, input: Tensor, options: HessianOptions = {}): Tensor {
  requireGrad('hessian');
  const [x] = inputList('hessian', input);
  if (!(input instanceof Tensor)) {
    throw new TypeError(`hessian: input must be one tensor, got ${describeValue(input)}`);
  }
  const eps = options.eps ?? 5e-3;
  if (!(eps > 0) || !Number.isFinite(eps)) {
    throw new RangeError(`hessian: eps must be a positive finite number, got ${describeValue(eps)}`);
  }
  const base = Float32Array.from(x!.data());
  const n = base.length;
  const gradientAt = (values: Float32Array): Float64Array =>
    tidy(() => {
      const [leaf] = leavesOf([tensor(values, { shape: x!.shape })]);
      const out = evaluate('hessian', fn, [leaf!]);
      if (out.size !== 1) {
        throw new RangeError(
          `hessian: fn must return one element, but it returned shape ${formatShape(out.shape)}`,
        );
      }
      return pullback(out, tensor([1], { shape: out.shape }), [leaf!], false)[0]!;
    });
  const h = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const step = eps * Math.max(1, Math.abs(base[j]!));
    const plus = Float32Array.from(base);
    const minus = Float32Array.from(base);
    plus[j] = base[j]! + step;
    minus[j] = base[j]! - step;
    const width = plus[j]! - minus[j]!; // the float32-rounded 2h actually taken
    const gp = gradientAt(plus);
    const gm = gradientAt(minus);
    for (let i = 0; i < n; i++) h[i * n + j] = (gp[i]! - gm[i]!) / width;
  }
  const values = new Float32Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) values[i * n + j] = (h[i * n + j]! + h[j * n + i]!) / 2;
  return tensor(values, { shape: [...x!.shape, ...x!.shape] });
}
