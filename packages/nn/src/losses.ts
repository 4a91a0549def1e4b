// Loss functions (torch.nn.functional's), each built from primitive ops so that autograd gives its
// gradient; all take `reduction` 'mean' (default), 'sum' or 'none'.
import { noGrad, type Tensor, tensor, tidy, where } from '@myelin/tensor';
import {
  checkOptions,
  closed,
  describeValue,
  positive,
  requireBoolean,
  requireChoice,
  requireNumber,
  requireSameShape,
  requireTensor,
} from './validate.js';

/** How a loss combines per-element (or per-sample) values. */
export type Reduction = 'mean' | 'sum' | 'none';

function reduce(loss: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'none') return loss;
  if (reduction === 'sum') return loss.sum();
  if (reduction === 'mean') return loss.mean();
  throw new RangeError(`loss: reduction must be 'mean', 'sum' or 'none', got '${reduction}'`);
}

const REDUCTIONS: readonly Reduction[] = ['mean', 'sum', 'none'];

/**
 * Checks what every loss of an input and a same-shaped float32 target takes — the options' keys,
 * both tensors and the reduction — before any op runs, so errors name the loss and nothing leaks.
 */
function checkPair(
  fn: string,
  input: unknown,
  target: unknown,
  options: { reduction?: Reduction } | undefined,
  keys: readonly string[],
): asserts input is Tensor {
  checkOptions(fn, options, ['reduction', ...keys]);
  requireTensor(fn, 'input', input, 'float32');
  requireTensor(fn, 'target', target, 'float32');
  requireSameShape(fn, input, target);
  requireChoice(fn, 'reduction', options?.reduction ?? 'mean', REDUCTIONS);
}

/** Checks an optional weight tensor: float32, and of `shape` when given. */
function checkWeight(fn: string, name: string, weight: unknown, shape?: number[]): void {
  if (weight === undefined) return;
  requireTensor(fn, name, weight, 'float32');
  if (shape !== undefined && (weight.ndim !== shape.length || weight.shape.some((d, i) => d !== shape[i]))) {
    throw new RangeError(
      `${fn}: ${name} must have shape [${shape.join(',')}], got [${weight.shape.join(',')}]`,
    );
  }
}

/** Mean squared error (x − y)². @example mseLoss(prediction, target) */
export function mseLoss(input: Tensor, target: Tensor, options: { reduction?: Reduction } = {}): Tensor {
  checkPair('mseLoss', input, target, options, []);
  return reduce(input.sub(target).square(), options.reduction ?? 'mean');
}

/** Mean absolute error |x − y|. @example l1Loss(prediction, target) */
export function l1Loss(input: Tensor, target: Tensor, options: { reduction?: Reduction } = {}): Tensor {
  checkPair('l1Loss', input, target, options, []);
  return reduce(input.sub(target).abs(), options.reduction ?? 'mean');
}

/**
 * Huber loss: ½d² for |d| < δ, δ(|d| − ½δ) beyond (quadratic near 0, linear for outliers).
 *
 * @example huberLoss(prediction, target, { delta: 1 })
 */
export function huberLoss(
  input: Tensor,
  target: Tensor,
  options: { reduction?: Reduction; delta?: number } = {},
): Tensor {
  checkPair('huberLoss', input, target, options, ['delta']);
  const { delta = 1 } = options;
  requireNumber('huberLoss', 'delta', delta, positive);
  const d = input.sub(target);
  const a = d.abs();
  const loss = where(a.lt(delta), d.square().mul(0.5), a.sub(0.5 * delta).mul(delta));
  return reduce(loss, options.reduction ?? 'mean');
}

/**
 * Binary cross-entropy of probabilities p ∈ [0, 1]: −(y·log p + (1 − y)·log(1 − p)), with the logs
 * clamped at −100 as PyTorch does. Prefer {@link binaryCrossEntropyWithLogits} (stable).
 *
 * @example binaryCrossEntropy(sigmoid(logits), labels)
 */
export function binaryCrossEntropy(
  input: Tensor,
  target: Tensor,
  options: { reduction?: Reduction; weight?: Tensor } = {},
): Tensor {
  checkPair('binaryCrossEntropy', input, target, options, ['weight']);
  checkWeight('binaryCrossEntropy', 'weight', options.weight);
  const outside = tidy(() => noGrad(() => input.lt(0).add(input.gt(1)).sum().item()));
  if (outside > 0)
    throw new RangeError(
      `binaryCrossEntropy: ${outside} input values are outside [0, 1] (pass probabilities, or use binaryCrossEntropyWithLogits)`,
    );
  const logP = input.log().clamp(-100);
  const log1mP = input.neg().add(1).log().clamp(-100);
  let loss = target.mul(logP).add(target.neg().add(1).mul(log1mP)).neg();
  if (options.weight) loss = loss.mul(options.weight);
  return reduce(loss, options.reduction ?? 'mean');
}

/**
 * Binary cross-entropy from logits x, computed stably as max(x, 0) − x·y + log(1 + e^{−|x|}) (no
 * overflow for logits of ±100 or more). `posWeight` weighs the positive class.
 *
 * @example binaryCrossEntropyWithLogits(logits, labels)
 */
export function binaryCrossEntropyWithLogits(
  input: Tensor,
  target: Tensor,
  options: { reduction?: Reduction; weight?: Tensor; posWeight?: Tensor | number } = {},
): Tensor {
  const fn = 'binaryCrossEntropyWithLogits';
  checkPair(fn, input, target, options, ['weight', 'posWeight']);
  checkWeight(fn, 'weight', options.weight);
  if (typeof options.posWeight === 'number') requireNumber(fn, 'posWeight', options.posWeight);
  else checkWeight(fn, 'posWeight', options.posWeight);
  const softplusNeg = input.abs().neg().exp().log1p().add(input.neg().relu()); // log(1 + e^{−x})
  let loss: Tensor;
  if (options.posWeight === undefined) {
    loss = input.mul(target.neg().add(1)).add(softplusNeg);
  } else {
    const logWeight = target
      .mul(typeof options.posWeight === 'number' ? options.posWeight - 1 : options.posWeight.sub(1))
      .add(1);
    loss = input.mul(target.neg().add(1)).add(logWeight.mul(softplusNeg));
  }
  if (options.weight) loss = loss.mul(options.weight);
  return reduce(loss, options.reduction ?? 'mean');
}

/** Options of {@link crossEntropy} and {@link nllLoss}. */
export interface ClassificationLossOptions {
  reduction?: Reduction;
  /** Per-class weights [C]. */
  weight?: Tensor;
}

/** Checks class-index targets: an int32 tensor [n] of values in 0..classes − 1. */
function checkClassIndices(
  op: string,
  target: unknown,
  n: number,
  classes: number,
): asserts target is Tensor {
  requireTensor(op, 'target', target);
  if (target.dtype !== 'int32') {
    throw new TypeError(
      `${op}: class-index targets must be int32, got ${describeValue(target)} (convert with .int(), or create them with { dtype: 'int32' })`,
    );
  }
  if (target.ndim !== 1 || target.shape[0] !== n) {
    throw new RangeError(`${op}: expected targets of shape [${n}], got [${target.shape.join(',')}]`);
  }
  const values = target.data();
  for (const [i, v] of values.entries()) {
    if (v < 0 || v >= classes)
      throw new RangeError(`${op}: target ${v} at position ${i} is not a class index in 0..${classes - 1}`);
  }
}

/** Checks scores [N, C] (float32), class-index targets, the reduction and a class weight [C]. */
function checkClassification(
  fn: string,
  input: unknown,
  target: unknown,
  options: ClassificationLossOptions | undefined,
  keys: readonly string[],
  inputName = 'input',
): asserts input is Tensor {
  checkOptions(fn, options, ['reduction', 'weight', ...keys]);
  requireTensor(fn, inputName, input, 'float32');
  if (input.ndim !== 2)
    throw new RangeError(`${fn}: expected ${inputName} [N, C], got [${input.shape.join(',')}]`);
  const [n, classes] = input.shape as [number, number];
  checkClassIndices(fn, target, n, classes);
  requireChoice(fn, 'reduction', options?.reduction ?? 'mean', REDUCTIONS);
  checkWeight(fn, 'weight', options?.weight, [classes]);
}

/**
 * Negative log-likelihood of log-probabilities [N, C] at class indices [N] (int32). With class
 * weights, 'mean' divides by the sum of the targets' weights (as PyTorch).
 *
 * @example nllLoss(logSoftmax(logits, 1), targets)
 */
export function nllLoss(logProbs: Tensor, target: Tensor, options: ClassificationLossOptions = {}): Tensor {
  checkClassification('nllLoss', logProbs, target, options, []);
  const index = target.unsqueeze(1);
  let picked = logProbs.gather(1, index).squeeze(1).neg();
  const reduction = options.reduction ?? 'mean';
  if (options.weight === undefined) return reduce(picked, reduction);
  const w = options.weight.indexSelect(0, target);
  picked = picked.mul(w);
  return reduction === 'mean' ? picked.sum().div(w.sum()) : reduce(picked, reduction);
}

/**
 * Cross-entropy of logits [N, C] — log-softmax then negative log-likelihood, computed from the
 * logits so it is stable for any magnitude. Targets are class indices [N] (int32) or class
 * probabilities [N, C] (float32). `labelSmoothing` ε mixes the target with the uniform
 * distribution: (1 − ε)·target + ε/C. Class `weight`s as PyTorch.
 *
 * @example crossEntropy(model.forward(x), y, { labelSmoothing: 0.1 })
 */
export function crossEntropy(
  logits: Tensor,
  target: Tensor,
  options: ClassificationLossOptions & { labelSmoothing?: number } = {},
): Tensor {
  const fn = 'crossEntropy';
  requireTensor(fn, 'target', target);
  const probabilities = target.dtype === 'float32' && target.ndim !== 1;
  if (probabilities) {
    checkPair(fn, logits, target, options, ['weight', 'labelSmoothing']);
    if (logits.ndim !== 2)
      throw new RangeError(`${fn}: expected logits [N, C], got [${logits.shape.join(',')}]`);
    checkWeight(fn, 'weight', options.weight, [logits.shape[1]!]);
  } else {
    checkClassification(fn, logits, target, options, ['labelSmoothing'], 'logits');
  }
  const { labelSmoothing = 0, weight } = options;
  requireNumber(fn, 'labelSmoothing', labelSmoothing, closed(0, 1));
  const reduction = options.reduction ?? 'mean';
  const classes = logits.shape[1]!;
  const logP = logits.logSoftmax(1);
  if (probabilities) {
    // Probability targets: −Σ_c w_c·p_c·log q_c per sample; 'mean' averages over samples.
    const p = labelSmoothing > 0 ? target.mul(1 - labelSmoothing).add(labelSmoothing / classes) : target;
    const weighted = weight === undefined ? logP : logP.mul(weight);
    return reduce(p.mul(weighted).sum(1).neg(), reduction);
  }
  const index = target.unsqueeze(1);
  let nll = logP.gather(1, index).squeeze(1).neg();
  let smooth =
    labelSmoothing > 0 ? (weight === undefined ? logP : logP.mul(weight)).sum(1).neg().div(classes) : null;
  if (weight === undefined) {
    const loss = smooth === null ? nll : nll.mul(1 - labelSmoothing).add(smooth.mul(labelSmoothing));
    return reduce(loss, reduction);
  }
  const w = weight.indexSelect(0, target);
  nll = nll.mul(w);
  if (reduction === 'mean') {
    const total = w.sum();
    const main = nll.sum().div(total);
    return smooth === null
      ? main
      : main.mul(1 - labelSmoothing).add(smooth.sum().div(total).mul(labelSmoothing));
  }
  smooth = smooth === null ? null : smooth.mul(labelSmoothing);
  return reduce(smooth === null ? nll : nll.mul(1 - labelSmoothing).add(smooth), reduction);
}

/**
 * Multi-class hinge (SVM) loss, as PyTorch's MultiMarginLoss: for each sample,
 * Σ_{j≠y} max(0, margin − x_y + x_j)^p / C. NOTE: CS231n's SVM loss is the same sum without the
 * division by C (multiply by C to get it; the tests check both).
 *
 * @example multiMarginLoss(scores, targets)
 */
export function multiMarginLoss(
  input: Tensor,
  target: Tensor,
  options: { reduction?: Reduction; margin?: number; p?: 1 | 2; weight?: Tensor } = {},
): Tensor {
  checkClassification('multiMarginLoss', input, target, options, ['margin', 'p']);
  const { margin = 1, p = 1 } = options;
  requireNumber('multiMarginLoss', 'margin', margin);
  requireChoice('multiMarginLoss', 'p', p, [1, 2]);
  const [n, classes] = input.shape as [number, number];
  const index = target.unsqueeze(1);
  const correct = input.gather(1, index); // [N, 1]
  let hinge = input.sub(correct).add(margin).relu(); // [N, C]
  if (p === 2) hinge = hinge.square();
  if (options.weight) hinge = hinge.mul(options.weight.indexSelect(0, target).unsqueeze(1));
  // Exclude j = y: its term is max(0, margin)^p (times the weight), subtract it.
  const notTarget = noGrad(() => {
    const mask = new Float32Array(n * classes).fill(1);
    const t = target.data();
    for (let i = 0; i < n; i++) mask[i * classes + t[i]!] = 0;
    return tensor(mask, { shape: [n, classes] });
  });
  const loss = hinge.mul(notTarget).sum(1).div(classes);
  return reduce(loss, options.reduction ?? 'mean');
}

/** How {@link klDiv} combines its per-element values: 'batchmean' divides the sum by the batch size. */
export type KlDivReduction = Reduction | 'batchmean';

/**
 * Kullback–Leibler divergence KL(target ‖ q) as torch.nn.functional.kl_div: `input` holds
 * log-probabilities log q (e.g. from logSoftmax), `target` probabilities p (or log p with
 * `logTarget`). Per element: p·(log p − input), taken as 0 where p = 0; with `logTarget`,
 * eᵗ·(t − input). `reduction` is 'mean' (PyTorch's default: over all elements), 'batchmean' (the
 * sum divided by the batch size input.shape[0] — the true KL per sample), 'sum' or 'none'. Where
 * p = 0 the target's gradient is −input (PyTorch's is NaN there).
 *
 * @example klDiv(logSoftmax(logits, 1), targetProbabilities, { reduction: 'batchmean' })
 */
export function klDiv(
  input: Tensor,
  target: Tensor,
  options: { reduction?: KlDivReduction; logTarget?: boolean } = {},
): Tensor {
  checkOptions('klDiv', options, ['reduction', 'logTarget']);
  requireTensor('klDiv', 'input', input, 'float32');
  requireTensor('klDiv', 'target', target, 'float32');
  requireSameShape('klDiv', input, target);
  const reduction = options.reduction ?? 'mean';
  requireChoice('klDiv', 'reduction', reduction, ['mean', 'batchmean', 'sum', 'none']);
  const logTarget = options.logTarget ?? false;
  requireBoolean('klDiv', 'logTarget', logTarget);
  if (reduction === 'batchmean' && input.ndim === 0)
    throw new RangeError("klDiv: reduction 'batchmean' needs a batch dimension, got a 0-d input");
  let loss: Tensor;
  if (logTarget) {
    loss = target.exp().mul(target.sub(input));
  } else {
    // p·log p with 0·log 0 = 0: log of 1 where p = 0 keeps the value and its gradient finite.
    const safe = where(target.gt(0), target, 1);
    loss = target.mul(safe.log().sub(input));
  }
  if (reduction === 'batchmean') return loss.sum().div(input.shape[0]!);
  return reduce(loss, reduction);
}
