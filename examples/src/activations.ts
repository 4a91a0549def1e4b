// Activations and their derivatives (notes 000_336045b6ca766860.txt §2.2 "Common Activation
// Functions", 003_d258a1444254457f.txt "Activation Functions", 001_b1d89e8e5c8deb0f.txt §6
// "Activation functions"): the derivative training uses (autograd, `derivative(name, x)`) equals the
// closed form the notes teach, and the sigmoid's derivative is at most 1/4 — why deep sigmoid
// networks lose their gradient. NOTE: the softsign derivative is 1/(1 + |x|)²; the audit of issue 18
// found a wrong form in the notes (see packages/nn/src/course-notes.test.ts).
//   node examples/dist/activations.js
import { type ActivationName, derivative, functional } from '@myelin/nn';
import { linspace, noGrad, type Tensor, tensor } from '@myelin/tensor';
import { isMain, parseArgs } from './args.js';
import { Claims, exitIfFailed } from './claims.js';

export const defaults = { points: 401, verbose: 1 };

/** The closed-form derivative of each activation, as the notes write it (PyTorch's defaults: leaky slope 0.01, ELU α = 1). */
const CLOSED_FORMS: Partial<Record<ActivationName, (x: Tensor) => Tensor>> = {
  sigmoid: (x) => x.sigmoid().mul(x.sigmoid().neg().add(1)), // σ(1 − σ)
  tanh: (x) => x.tanh().square().neg().add(1), // 1 − tanh²
  relu: (x) => x.gt(0).float(), // 1 for x > 0, else 0
  leakyRelu: (x) => x.gt(0).float().mul(0.99).add(0.01), // 1 or 0.01
  elu: (x) =>
    x
      .gt(0)
      .float()
      .add(x.le(0).float().mul(x.clamp(undefined, 0).exp())), // 1 or eˣ
  softsign: (x) => x.abs().add(1).square().reciprocal(), // 1/(1 + |x|)²
  step: (x) => x.mul(0), // zero everywhere (undefined at 0): a step network cannot learn by gradients
};

/** Compares autograd's derivative with the closed form for each activation on a grid in [−5, 5]. */
export function runActivations(overrides: Partial<typeof defaults> = {}): {
  maxDifference: Record<string, number>;
  sigmoidMaxSlope: number;
  claims: Claims;
} {
  const options = { ...defaults, ...overrides };
  const log = options.verbose > 0 ? console.log : () => {};
  const claims = new Claims(log);
  // an even number of intervals puts x = 0 on the grid; kinks are compared away from it
  const x = linspace(-5, 5, options.points);
  const away = noGrad(() => x.abs().gt(1e-6).float());
  const maxDifference: Record<string, number> = {};
  log('f            f(−2)     f(0)     f(2)   f′(−2)    f′(0)    f′(2)   max |autograd − closed form|');
  for (const [name, closed] of Object.entries(CLOSED_FORMS) as [ActivationName, (x: Tensor) => Tensor][]) {
    const autograd = derivative(name, x);
    maxDifference[name] = noGrad(() => autograd.sub(closed(x)).abs().mul(away).max().item());
    const at = tensor([-2, 0, 2]);
    const f = functional.elementwiseActivations[name] as (t: Tensor) => Tensor;
    const values = [...f(at).data(), ...derivative(name, at).data()].map((v) => v.toFixed(4).padStart(7));
    log(`${name.padEnd(10)}${values.join('  ')}   ${maxDifference[name]!.toExponential(1)}`);
  }
  claims.check(
    'autograd’s derivative of every activation equals the closed form the notes teach (1e-6, away from the kink at 0)',
    Object.values(maxDifference).every((d) => d < 1e-6),
  );
  const sigmoidMaxSlope = derivative('sigmoid', x).max().item();
  const tanhMaxSlope = derivative('tanh', x).max().item();
  log(
    `max σ′ = ${sigmoidMaxSlope.toFixed(4)}, max tanh′ = ${tanhMaxSlope.toFixed(4)}: through 10 sigmoid layers a gradient shrinks by ≥ 4¹⁰ ≈ 10⁶`,
  );
  claims.check(
    'σ′ is at most 1/4 (at 0) and tanh′ at most 1',
    Math.abs(sigmoidMaxSlope - 0.25) < 1e-6 && Math.abs(tanhMaxSlope - 1) < 1e-6,
  );
  const [relu0, step0] = [derivative('relu', tensor([0])).item(), functional.step(tensor([0])).item()];
  log(`conventions (PyTorch's, see docs/conventions.md): ReLU′(0) = ${relu0}, step(0) = ${step0}`);
  claims.check('ReLU′(0) = 0 and step(0) = 0, as in PyTorch', relu0 === 0 && step0 === 0);
  return { maxDifference, sigmoidMaxSlope, claims };
}

if (isMain(import.meta.url)) exitIfFailed(runActivations(parseArgs(defaults)).claims);
