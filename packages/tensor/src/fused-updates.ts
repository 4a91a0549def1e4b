// Optimizer updates as fused kernels (split between threads when large, see setNumThreads), for
// @myelin/optim and other optimizers: each checks every
// tensor it is given (alive, float32, dense, the parameter's size) before the kernel writes in place,
// so no optimizer ever reaches past a tensor, and bumps the parameter's version (an update between a
// forward and its backward is then caught, as in PyTorch).

import { kernels } from './runtime.js';
import { formatShape } from './shape.js';
import { Tensor } from './tensor.js';

/** Throws unless every tensor is alive, dense float32 with the parameter's shape. */
function requireLike(fn: string, param: Tensor, tensors: Record<string, Tensor | undefined>): void {
  checkLike(fn, param, 'param', param);
  // A for-in loop: this runs once per parameter per step, and Object.entries' arrays showed in profiles.
  for (const name in tensors) checkLike(fn, param, name, tensors[name]);
}

/** Throws unless `t` (named `name`) is absent or alive, dense float32 with the parameter's shape. */
function checkLike(fn: string, param: Tensor, name: string, t: Tensor | undefined): void {
  if (t === undefined) return;
  if (!(t instanceof Tensor)) throw new TypeError(`${fn}: ${name} must be a tensor`);
  t._check(fn);
  if (
    t.dtype !== 'float32' ||
    !t.isContiguous ||
    t.shape.length !== param.shape.length ||
    t.size !== param.size
  ) {
    throw new RangeError(
      `${fn}: ${name} must be a dense float32 tensor of the parameter's shape ${formatShape(param.shape)}, ` +
        `got ${t.dtype} of shape ${formatShape(t.shape)}${t.isContiguous ? '' : ' (not contiguous)'}`,
    );
  }
  for (let d = 0; d < t.shape.length; d++) {
    if (t.shape[d] !== param.shape[d])
      throw new RangeError(
        `${fn}: ${name} has shape ${formatShape(t.shape)}, expected ${formatShape(param.shape)}`,
      );
  }
}

/**
 * SGD with momentum (torch.optim.SGD's rule) in one pass: updates `param` and `momentumBuffer` in place.
 *
 * @example fusedUpdates.sgd(w, w.grad!, undefined, { lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, first: true })
 */
function sgd(
  param: Tensor,
  grad: Tensor,
  momentumBuffer: Tensor | undefined,
  o: {
    lr: number;
    momentum: number;
    dampening: number;
    weightDecay: number;
    nesterov: boolean;
    first: boolean;
  },
): void {
  requireLike('sgdUpdate', param, { grad, momentumBuffer });
  kernels.sgdUpdate(
    param._ptr,
    grad._ptr,
    (momentumBuffer ?? grad)._ptr,
    param.size,
    o.lr,
    momentumBuffer === undefined ? 0 : o.momentum,
    o.dampening,
    o.weightDecay,
    o.nesterov,
    o.first,
  );
  param._bumpVersion('SGD.step');
}

/** Adagrad's update with the already-decayed learning rate `clr`, in one pass. */
function adagrad(
  param: Tensor,
  grad: Tensor,
  sum: Tensor,
  o: { clr: number; weightDecay: number; eps: number },
): void {
  requireLike('adagradUpdate', param, { grad, sum });
  kernels.adagradUpdate(param._ptr, grad._ptr, sum._ptr, param.size, o.clr, o.weightDecay, o.eps);
  param._bumpVersion('Adagrad.step');
}

/** RMSprop's update (optionally centered, with momentum), in one pass. */
function rmsprop(
  param: Tensor,
  grad: Tensor,
  state: { squareAvg: Tensor; gradAvg?: Tensor; momentumBuffer?: Tensor },
  o: { lr: number; alpha: number; eps: number; weightDecay: number; momentum: number },
): void {
  const { squareAvg, gradAvg, momentumBuffer } = state;
  requireLike('rmspropUpdate', param, { grad, squareAvg, gradAvg, momentumBuffer });
  kernels.rmspropUpdate(
    param._ptr,
    grad._ptr,
    squareAvg._ptr,
    (gradAvg ?? squareAvg)._ptr,
    (momentumBuffer ?? squareAvg)._ptr,
    param.size,
    o.lr,
    o.alpha,
    o.eps,
    o.weightDecay,
    momentumBuffer === undefined ? 0 : o.momentum,
    gradAvg !== undefined,
  );
  param._bumpVersion('RMSprop.step');
}

/** Adam / AdamW's update at step `step` (bias corrections computed here), in one pass. */
function adam(
  param: Tensor,
  grad: Tensor,
  state: { expAvg: Tensor; expAvgSq: Tensor; maxExpAvgSq?: Tensor },
  o: {
    lr: number;
    betas: readonly [number, number];
    eps: number;
    weightDecay: number;
    decoupled: boolean;
    step: number;
  },
): void {
  const { expAvg, expAvgSq, maxExpAvgSq } = state;
  requireLike('adamUpdate', param, { grad, expAvg, expAvgSq, maxExpAvgSq });
  const [beta1, beta2] = o.betas;
  kernels.adamUpdate(
    param._ptr,
    grad._ptr,
    expAvg._ptr,
    expAvgSq._ptr,
    (maxExpAvgSq ?? expAvgSq)._ptr,
    param.size,
    o.lr,
    beta1,
    beta2,
    o.eps,
    o.weightDecay,
    o.decoupled,
    maxExpAvgSq !== undefined,
    o.lr / (1 - beta1 ** o.step),
    Math.sqrt(1 - beta2 ** o.step),
  );
  param._bumpVersion(o.decoupled ? 'AdamW.step' : 'Adam.step');
}

/**
 * The fused one-pass optimizer updates (SGD, Adagrad, RMSprop, Adam/AdamW) that `@myelin/optim` runs,
 * for writing other optimizers on the same kernels. Each checks its tensors, then updates in place.
 *
 * @example fusedUpdates.adam(w, w.grad!, { expAvg, expAvgSq }, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, decoupled: false, step: 1 })
 */
export const fusedUpdates = { sgd, adagrad, rmsprop, adam };
