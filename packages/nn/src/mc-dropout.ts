// Monte-Carlo dropout (Gal & Ghahramani 2016): keep dropout on at test time and average several
// stochastic forward passes; their spread estimates the model's uncertainty.
import { type Generator, noGrad, stack, type Tensor, tidy } from '@myelin/tensor';
import { Dropout, withMaskGenerator } from './layers/dropout.js';
import { Dropout2d } from './layers/dropout2d.js';
import type { Module } from './module.js';
import { checkOptions, describeValue, requireInteger, requireTensor } from './validate.js';

/** Options of {@link mcDropoutPredict}. */
export interface McDropoutOptions {
  /** Number of stochastic forward passes (default 30). */
  samples?: number;
  /** Generator of the dropout masks of layers without their own (default: the global one). */
  generator?: Generator;
}

/**
 * Runs `model` on `x` `samples` times with its Dropout / Dropout2d layers in training mode and
 * every other module in evaluation mode (BatchNorm uses its running statistics), without
 * gradients, and returns the mean and the (population) variance of the outputs over the passes.
 * The modules' training flags are restored afterwards.
 *
 * For a network that is linear after its dropout layers the mean tends to the evaluation-mode
 * ("weight scaling") output as `samples` grows; with nonlinearities it differs, which is the point.
 *
 * @example
 * const { mean, variance } = mcDropoutPredict(model, x, { samples: 50, generator: new Generator(0) });
 */
export function mcDropoutPredict(
  model: Module,
  x: Tensor,
  options: McDropoutOptions = {},
): { mean: Tensor; variance: Tensor } {
  const fn = 'mcDropoutPredict';
  if (typeof (model as Partial<Module> | null)?.forward !== 'function')
    throw new TypeError(`${fn}: model must be a Module with forward(), got ${describeValue(model)}`);
  requireTensor(fn, 'x', x);
  checkOptions(fn, options, ['samples', 'generator']);
  const samples = options.samples ?? 30;
  requireInteger(fn, 'samples', samples, 1);
  const modules = [...model.namedModules()].map(([, m]) => m);
  const flags = modules.map((m) => m.training);
  try {
    for (const m of modules) m.training = m instanceof Dropout || m instanceof Dropout2d;
    return noGrad(() =>
      tidy(() => {
        const outputs = withMaskGenerator(options.generator, () =>
          Array.from({ length: samples }, () => model.forward(x) as Tensor),
        );
        const all = stack(outputs);
        const mean = all.mean(0);
        return { mean, variance: all.sub(mean).square().mean(0) };
      }),
    );
  } finally {
    modules.forEach((m, i) => {
      m.training = flags[i]!;
    });
  }
}
