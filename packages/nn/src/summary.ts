import { noGrad, type Tensor, tidy } from '@myelin/tensor';
import { Module } from './module.js';
import { describeValue, requireTensor } from './validate.js';

/**
 * A model's summary table — every layer with its configuration, output shape and parameter count,
 * then the totals — computed by running `exampleInput` through it once (in evaluation mode, without
 * gradients; training modes are restored and the output is freed). Layers inside a Sequential or a
 * model of `models` get an output shape; `model.toString()` alone shows shapes only after a forward.
 *
 * @example console.log(summary(models.lenet5(), zeros([1, 1, 32, 32])));
 */
export function summary(model: Module, exampleInput: Tensor): string {
  if (!(model instanceof Module))
    throw new TypeError(`summary: model must be a Module, got ${describeValue(model)}`);
  requireTensor('summary', 'exampleInput', exampleInput);
  const modes = [...model.namedModules()].map(([, m]) => [m, m.training] as const);
  model.eval();
  try {
    tidy(() =>
      noGrad(() => {
        model.lastOutputShape = model.forward(exampleInput).shape;
      }),
    );
  } finally {
    for (const [m, training] of modes) m.training = training;
  }
  return model.toString();
}
