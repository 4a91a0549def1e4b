import { Generator } from './random.js';
import { kernels } from './runtime.js';
import { noGrad, tidy } from './scope.js';
import { formatShape } from './shape.js';
import type { Tensor } from './tensor.js';

/** Options of {@link gradcheck}. */
export interface GradcheckOptions {
  /** Finite-difference step, relative to max(1, |x|) (default 1e-3). */
  eps?: number;
  /** Absolute tolerance (default 1e-3). */
  atol?: number;
  /** Relative tolerance (default 1e-2). */
  rtol?: number;
  /** Throw an error describing the worst mismatch instead of returning a failed report (default true). */
  raise?: boolean;
}

/** One element whose analytical and numerical gradients disagree. */
export interface GradcheckFailure {
  input: number;
  index: number;
  analytical: number;
  numerical: number;
}

/** The outcome of {@link gradcheck}. */
export interface GradcheckReport {
  ok: boolean;
  /** Elements compared. */
  checked: number;
  maxAbsError: number;
  failures: GradcheckFailure[];
}

/**
 * Checks the gradients that autograd computes for `fn` at `inputs` against central finite
 * differences. The output is reduced to a scalar with fixed random weights (so every output element
 * matters), and that scalar is accumulated in float64 to keep float32 rounding out of the
 * difference quotient. Inputs with `requiresGrad` are checked; others are held constant.
 *
 * @example
 * const x = randn([3, 4], { requiresGrad: true });
 * gradcheck((x) => x.tanh().sum(1), [x]); // throws with the worst element if a rule is wrong
 */
export function gradcheck(
  fn: (...inputs: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  options: GradcheckOptions = {},
): GradcheckReport {
  const { eps = 1e-3, atol = 1e-3, rtol = 1e-2, raise = true } = options;
  const checked = inputs.map((t, i) => ({ t, i })).filter(({ t }) => t.requiresGrad);
  if (checked.length === 0) throw new Error('gradcheck: no input has requiresGrad: true');

  let weights: Float64Array | null = null;
  const projection = (out: Tensor): Float64Array => {
    if (weights === null || weights.length !== out.size) {
      const g = new Generator(1234);
      weights = Float64Array.from({ length: out.size }, () => g.nextFloat() * 2 - 1);
    }
    return weights;
  };
  const scalar = (): number =>
    noGrad(() =>
      tidy(() => {
        const out = fn(...inputs);
        const values = out.data();
        const w = projection(out);
        let s = 0;
        for (let i = 0; i < values.length; i++) s += values[i]! * w[i]!;
        return s;
      }),
    );

  // A function that draws random numbers (e.g. randn inside it) has no gradient to check.
  const first = scalar();
  const second = scalar();
  if (Math.abs(first - second) > 1e-6 * Math.max(1, Math.abs(first))) {
    throw new Error(
      `gradcheck: fn is not deterministic (two evaluations at the same inputs gave ${first} and ${second}); ` +
        'create random tensors outside fn, or use eval mode for dropout',
    );
  }

  // Analytical: backpropagate the weighted sum.
  const saved = checked.map(({ t }) => t._swapGrad(null));
  const analytical = tidy(() => {
    const out = fn(...inputs);
    const w = projection(out);
    const weightTensor = out._onesLike();
    kernels.f32.set(Float32Array.from(w), weightTensor._ptr >>> 2);
    out.backward(weightTensor);
    return checked.map(({ t }) =>
      t.grad === null ? new Float32Array(t.size) : (t.grad.data() as Float32Array),
    );
  });
  checked.forEach(({ t }, k) => {
    t._swapGrad(saved[k] ?? null)?.dispose();
  });

  const failures: GradcheckFailure[] = [];
  let maxAbsError = 0;
  let count = 0;
  checked.forEach(({ t, i: inputIndex }, k) => {
    const view = () => kernels.f32;
    for (let e = 0; e < t.size; e++) {
      const at = (t._ptr >>> 2) + elementOffset(t, e);
      const original = view()[at]!;
      const h = eps * Math.max(1, Math.abs(original));
      view()[at] = original + h;
      const plus = Math.fround(original + h);
      const up = scalar();
      view()[at] = original - h;
      const minus = Math.fround(original - h);
      const down = scalar();
      view()[at] = original;
      const numerical = (up - down) / (plus - minus);
      const got = analytical[k]![e]!;
      const error = Math.abs(got - numerical);
      maxAbsError = Math.max(maxAbsError, error);
      count++;
      if (!(error <= atol + rtol * Math.abs(numerical)))
        failures.push({ input: inputIndex, index: e, analytical: got, numerical });
    }
  });
  const report: GradcheckReport = { ok: failures.length === 0, checked: count, maxAbsError, failures };
  if (!report.ok && raise) {
    const worst = failures.reduce((a, b) =>
      Math.abs(b.analytical - b.numerical) > Math.abs(a.analytical - a.numerical) ? b : a,
    );
    throw new Error(
      `gradcheck: ${failures.length} of ${count} gradient elements disagree with finite differences; worst: ` +
        `input ${worst.input} (shape ${formatShape(inputs[worst.input]!.shape)}) element ${worst.index}: ` +
        `autograd ${worst.analytical}, numerical ${worst.numerical} (atol ${atol}, rtol ${rtol})`,
    );
  }
  return report;
}

/** Storage offset (in elements, from the tensor's first element) of flat element `e`. */
function elementOffset(t: Tensor, e: number): number {
  let offset = 0;
  let rest = e;
  for (let d = t.ndim - 1; d >= 0; d--) {
    const size = t.shape[d]!;
    offset += (rest % size) * t.strides[d]!;
    rest = Math.floor(rest / size);
  }
  return offset;
}
