import { Tensor, tensor } from '@myelin/tensor';
import { Module } from './module.js';
import { checkOptions, describeValue, requireBoolean } from './validate.js';

/** Which parameters a penalty covers: a module (weights only unless `includeBiases`) or a list. */
function penalised(
  fn: string,
  source: Module | Iterable<Tensor>,
  options: { includeBiases?: boolean },
): Tensor[] {
  checkOptions(fn, options, ['includeBiases']);
  const includeBiases = options.includeBiases ?? false;
  requireBoolean(fn, 'includeBiases', includeBiases);
  if (!(source instanceof Module)) {
    const list = Symbol.iterator in Object(source) ? [...(source as Iterable<unknown>)] : null;
    if (list === null || !list.every((p) => p instanceof Tensor)) {
      throw new TypeError(`${fn}: expected a Module or a list of tensors, got ${describeValue(source)}`);
    }
    return list as Tensor[];
  }
  const module = source as Module;
  return [...module.namedParameters()]
    .filter(([name, p]) => includeBiases || (!name.endsWith('bias') && p.ndim > 1))
    .map(([, p]) => p);
}

/**
 * L2 penalty Σ w² over a module's weights (biases and other 1-D parameters excluded by default, as
 * the course notes argue: they do not cause over-fitting), to add to a loss: loss + λ·l2Penalty(m).
 * (With plain SGD this equals weight decay of 2λ.)
 *
 * @example const loss = crossEntropy(model.forward(x), y).add(l2Penalty(model).mul(1e-4));
 */
export function l2Penalty(
  source: Module | Iterable<Tensor>,
  options: { includeBiases?: boolean } = {},
): Tensor {
  return sumOver(penalised('l2Penalty', source, options), (p) => p.square().sum());
}

/**
 * L1 penalty Σ |w| over a module's weights (biases excluded by default): drives weights to exactly
 * zero (sparsity).
 *
 * @example const loss = mseLoss(pred, y).add(l1Penalty(model).mul(1e-3));
 */
export function l1Penalty(
  source: Module | Iterable<Tensor>,
  options: { includeBiases?: boolean } = {},
): Tensor {
  return sumOver(penalised('l1Penalty', source, options), (p) => p.abs().sum());
}

function sumOver(params: readonly Tensor[], term: (p: Tensor) => Tensor): Tensor {
  if (params.length === 0) return tensor(0);
  let total = term(params[0]!);
  for (const p of params.slice(1)) total = total.add(term(p));
  return total;
}
