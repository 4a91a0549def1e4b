// Fused optimizer updates: one pass over parameter, gradient and state buffers per step, following
// torch.optim's algorithms exactly (see each function). Flags arrive as numbers (0/1); each update
// picks one loop per combination of its flags, whole vectors apart from the tail, because testing
// the flags and the tail inside one loop body made these memory-bound loops up to 1.8× slower.

import { loadMasked, storeMasked } from './simd/lanes';

/** Elements covered by whole 4-float vectors; the rest go through partial lanes. */
@inline
function count4(n: usize): usize {
  return n & ~3;
}

/**
 * SGD with momentum, dampening, Nesterov and L2 weight decay (torch.optim.SGD):
 *   g = grad + wd·param
 *   buf = first ? g : momentum·buf + (1 − dampening)·g      (when momentum ≠ 0)
 *   g = nesterov ? g + momentum·buf : buf
 *   param −= lr·g
 * Each combination of the flags runs its own loop, whole vectors apart from the tail: with the
 * flags' branches and the tail's inside one loop body, LeNet-5's update ran 4× slower.
 */
export function sgdUpdate(
  param: usize, grad: usize, buf: usize, n: usize,
  lr: f32, momentum: f32, dampening: f32, weightDecay: f32, nesterov: i32, first: i32,
): void {
  const vlr = f32x4.splat(lr);
  const vm = f32x4.splat(momentum);
  const vd = f32x4.splat(1 - dampening);
  const vwd = f32x4.splat(weightDecay);
  if (momentum == 0) {
    if (weightDecay != 0) sgdLoop(param, grad, buf, n, vlr, vm, vd, vwd, true, false, false, false);
    else sgdLoop(param, grad, buf, n, vlr, vm, vd, vwd, false, false, false, false);
  } else if (weightDecay != 0) {
    if (first) {
      if (nesterov) sgdLoop(param, grad, buf, n, vlr, vm, vd, vwd, true, true, true, true);
      else sgdLoop(param, grad, buf, n, vlr, vm, vd, vwd, true, true, true, false);
    } else if (nesterov) sgdLoop(param, grad, buf, n, vlr, vm, vd, vwd, true, true, false, true);
    else sgdLoop(param, grad, buf, n, vlr, vm, vd, vwd, true, true, false, false);
  } else if (first) {
    if (nesterov) sgdLoop(param, grad, buf, n, vlr, vm, vd, vwd, false, true, true, true);
    else sgdLoop(param, grad, buf, n, vlr, vm, vd, vwd, false, true, true, false);
  } else if (nesterov) sgdLoop(param, grad, buf, n, vlr, vm, vd, vwd, false, true, false, true);
  else sgdLoop(param, grad, buf, n, vlr, vm, vd, vwd, false, true, false, false);
}

/** {@link sgdUpdate} over n floats for one combination of its flags (constants once inlined). */
@inline
function sgdLoop(
  param: usize, grad: usize, buf: usize, n: usize, vlr: v128, vm: v128, vd: v128, vwd: v128,
  decay: bool, momentum: bool, first: bool, nesterov: bool,
): void {
  const body = count4(n);
  for (let i: usize = 0; i < body; i += 4) {
    sgdStep(param + (i << 2), grad + (i << 2), buf + (i << 2), true, 4, vlr, vm, vd, vwd, decay, momentum, first, nesterov);
  }
  if (body < n) {
    const o = body << 2;
    sgdStep(param + o, grad + o, buf + o, false, n - body, vlr, vm, vd, vwd, decay, momentum, first, nesterov);
  }
}

/** One vector of {@link sgdUpdate} (the first `count` lanes unless `full`). */
@inline
function sgdStep(
  param: usize, grad: usize, buf: usize, full: bool, count: usize, vlr: v128, vm: v128, vd: v128, vwd: v128,
  decay: bool, momentum: bool, first: bool, nesterov: bool,
): void {
  const p = loadMasked(param, full, count);
  let g = loadMasked(grad, full, count);
  if (decay) g = f32x4.add(g, f32x4.mul(vwd, p));
  if (momentum) {
    const b = first ? g : f32x4.add(f32x4.mul(vm, loadMasked(buf, full, count)), f32x4.mul(vd, g));
    storeMasked(buf, b, full, count);
    g = nesterov ? f32x4.add(g, f32x4.mul(vm, b)) : b;
  }
  storeMasked(param, f32x4.sub(p, f32x4.mul(vlr, g)), full, count);
}

/**
 * Adagrad (torch.optim.Adagrad), with clr = lr / (1 + (step − 1)·lrDecay) computed by the caller:
 *   g = grad + wd·param;  sum += g²;  param −= clr·g / (√sum + eps)
 * With and without weight decay run their own loops, whole vectors apart from the tail (as in
 * {@link sgdUpdate}).
 */
export function adagradUpdate(param: usize, grad: usize, sum: usize, n: usize, clr: f32, weightDecay: f32, eps: f32): void {
  const vclr = f32x4.splat(clr);
  const vwd = f32x4.splat(weightDecay);
  const veps = f32x4.splat(eps);
  if (weightDecay != 0) adagradLoop(param, grad, sum, n, vclr, vwd, veps, true);
  else adagradLoop(param, grad, sum, n, vclr, vwd, veps, false);
}

/** {@link adagradUpdate} over n floats, with or without weight decay (a constant once inlined). */
@inline
function adagradLoop(param: usize, grad: usize, sum: usize, n: usize, vclr: v128, vwd: v128, veps: v128, decay: bool): void {
  const body = count4(n);
  for (let i: usize = 0; i < body; i += 4) {
    const o = i << 2;
    adagradStep(param + o, grad + o, sum + o, true, 4, vclr, vwd, veps, decay);
  }
  if (body < n) {
    const o = body << 2;
    adagradStep(param + o, grad + o, sum + o, false, n - body, vclr, vwd, veps, decay);
  }
}

/** One vector of {@link adagradUpdate} (the first `count` lanes unless `full`). */
@inline
function adagradStep(
  param: usize, grad: usize, sum: usize, full: bool, count: usize, vclr: v128, vwd: v128, veps: v128, decay: bool,
): void {
  const p = loadMasked(param, full, count);
  let g = loadMasked(grad, full, count);
  if (decay) g = f32x4.add(g, f32x4.mul(vwd, p));
  const s = f32x4.add(loadMasked(sum, full, count), f32x4.mul(g, g));
  const updated = f32x4.sub(p, f32x4.div(f32x4.mul(vclr, g), f32x4.add(f32x4.sqrt(s), veps)));
  storeMasked(sum, s, full, count);
  storeMasked(param, updated, full, count);
}

/**
 * RMSprop (torch.optim.RMSprop):
 *   g = grad + wd·param;  sq = α·sq + (1 − α)·g²
 *   centered: ga = ga + (1 − α)·(g − ga);  avg = √(sq − ga²) + eps;  otherwise avg = √sq + eps
 *   momentum > 0: buf = momentum·buf + g/avg; param −= lr·buf;  otherwise param −= lr·g/avg
 * Each combination of weight decay, centered and momentum runs its own loop (as in {@link sgdUpdate}).
 */
export function rmspropUpdate(
  param: usize, grad: usize, squareAvg: usize, gradAvg: usize, buf: usize, n: usize,
  lr: f32, alpha: f32, eps: f32, weightDecay: f32, momentum: f32, centered: i32,
): void {
  const vlr = f32x4.splat(lr);
  const va = f32x4.splat(alpha);
  const v1a = f32x4.splat(1 - alpha);
  const veps = f32x4.splat(eps);
  const vwd = f32x4.splat(weightDecay);
  const vm = f32x4.splat(momentum);
  const p = param, g = grad, sq = squareAvg, ga = gradAvg;
  if (weightDecay != 0) {
    if (centered) {
      if (momentum > 0) rmspropLoop(p, g, sq, ga, buf, n, vlr, va, v1a, veps, vwd, vm, true, true, true);
      else rmspropLoop(p, g, sq, ga, buf, n, vlr, va, v1a, veps, vwd, vm, true, true, false);
    } else if (momentum > 0) rmspropLoop(p, g, sq, ga, buf, n, vlr, va, v1a, veps, vwd, vm, true, false, true);
    else rmspropLoop(p, g, sq, ga, buf, n, vlr, va, v1a, veps, vwd, vm, true, false, false);
  } else if (centered) {
    if (momentum > 0) rmspropLoop(p, g, sq, ga, buf, n, vlr, va, v1a, veps, vwd, vm, false, true, true);
    else rmspropLoop(p, g, sq, ga, buf, n, vlr, va, v1a, veps, vwd, vm, false, true, false);
  } else if (momentum > 0) rmspropLoop(p, g, sq, ga, buf, n, vlr, va, v1a, veps, vwd, vm, false, false, true);
  else rmspropLoop(p, g, sq, ga, buf, n, vlr, va, v1a, veps, vwd, vm, false, false, false);
}

/** {@link rmspropUpdate} over n floats for one combination of its flags (constants once inlined). */
@inline
function rmspropLoop(
  param: usize, grad: usize, squareAvg: usize, gradAvg: usize, buf: usize, n: usize,
  vlr: v128, va: v128, v1a: v128, veps: v128, vwd: v128, vm: v128, decay: bool, centered: bool, momentum: bool,
): void {
  const body = count4(n);
  for (let i: usize = 0; i < body; i += 4) {
    const o = i << 2;
    rmspropStep(
      param + o, grad + o, squareAvg + o, gradAvg + o, buf + o, true, 4,
      vlr, va, v1a, veps, vwd, vm, decay, centered, momentum,
    );
  }
  if (body < n) {
    const o = body << 2;
    rmspropStep(
      param + o, grad + o, squareAvg + o, gradAvg + o, buf + o, false, n - body,
      vlr, va, v1a, veps, vwd, vm, decay, centered, momentum,
    );
  }
}

/** One vector of {@link rmspropUpdate} (the first `count` lanes unless `full`). */
@inline
function rmspropStep(
  param: usize, grad: usize, squareAvg: usize, gradAvg: usize, buf: usize, full: bool, count: usize,
  vlr: v128, va: v128, v1a: v128, veps: v128, vwd: v128, vm: v128, decay: bool, centered: bool, momentum: bool,
): void {
  const p = loadMasked(param, full, count);
  let g = loadMasked(grad, full, count);
  if (decay) g = f32x4.add(g, f32x4.mul(vwd, p));
  const sqOld = loadMasked(squareAvg, full, count);
  const sq = f32x4.add(f32x4.mul(va, sqOld), f32x4.mul(v1a, f32x4.mul(g, g)));
  let avg: v128;
  if (centered) {
    const gaOld = loadMasked(gradAvg, full, count);
    const ga = f32x4.add(gaOld, f32x4.mul(v1a, f32x4.sub(g, gaOld)));
    storeMasked(gradAvg, ga, full, count);
    avg = f32x4.add(f32x4.sqrt(f32x4.sub(sq, f32x4.mul(ga, ga))), veps);
  } else {
    avg = f32x4.add(f32x4.sqrt(sq), veps);
  }
  let step: v128;
  if (momentum) {
    const b = f32x4.add(f32x4.mul(vm, loadMasked(buf, full, count)), f32x4.div(g, avg));
    storeMasked(buf, b, full, count);
    step = b;
  } else {
    step = f32x4.div(g, avg);
  }
  storeMasked(squareAvg, sq, full, count);
  storeMasked(param, f32x4.sub(p, f32x4.mul(vlr, step)), full, count);
}

/**
 * Adam / AdamW (torch.optim.Adam, torch.optim.AdamW), one step with bias corrections from the caller
 * (stepSize = lr / (1 − β1^t), bc2Sqrt = √(1 − β2^t)):
 *   decoupled (AdamW): param ·= 1 − lr·wd;  otherwise g = grad + wd·param
 *   m = m + (1 − β1)·(g − m);  v = β2·v + (1 − β2)·g²
 *   amsgrad: vmax = max(vmax, v) and use it for v below
 *   param −= stepSize · m / (√v / bc2Sqrt + eps)            — eps outside the square root
 * Each combination of weight decay (none, decoupled, L2) and amsgrad runs its own loop (as in
 * {@link sgdUpdate}).
 */
export function adamUpdate(
  param: usize, grad: usize, expAvg: usize, expAvgSq: usize, maxExpAvgSq: usize, n: usize,
  lr: f32, beta1: f32, beta2: f32, eps: f32, weightDecay: f32, decoupled: i32, amsgrad: i32,
  stepSize: f32, bc2Sqrt: f32,
): void {
  const v1b1 = f32x4.splat(1 - beta1);
  const vb2 = f32x4.splat(beta2);
  const v1b2 = f32x4.splat(1 - beta2);
  const veps = f32x4.splat(eps);
  const vwd = f32x4.splat(weightDecay);
  const vdecay = f32x4.splat(1 - lr * weightDecay);
  const vstep = f32x4.splat(stepSize);
  const vbc2 = f32x4.splat(bc2Sqrt);
  const p = param, g = grad, m = expAvg, v = expAvgSq, vmax = maxExpAvgSq;
  const l2 = weightDecay != 0 && !decoupled;
  const scale = weightDecay != 0 && decoupled != 0;
  if (amsgrad) {
    if (l2) adamLoop(p, g, m, v, vmax, n, v1b1, vb2, v1b2, veps, vwd, vdecay, vstep, vbc2, true, false, true);
    else if (scale) adamLoop(p, g, m, v, vmax, n, v1b1, vb2, v1b2, veps, vwd, vdecay, vstep, vbc2, false, true, true);
    else adamLoop(p, g, m, v, vmax, n, v1b1, vb2, v1b2, veps, vwd, vdecay, vstep, vbc2, false, false, true);
  } else if (l2) adamLoop(p, g, m, v, vmax, n, v1b1, vb2, v1b2, veps, vwd, vdecay, vstep, vbc2, true, false, false);
  else if (scale) adamLoop(p, g, m, v, vmax, n, v1b1, vb2, v1b2, veps, vwd, vdecay, vstep, vbc2, false, true, false);
  else adamLoop(p, g, m, v, vmax, n, v1b1, vb2, v1b2, veps, vwd, vdecay, vstep, vbc2, false, false, false);
}

/**
 * {@link adamUpdate} over n floats for one combination of L2 decay (`l2`), decoupled decay (`scale`)
 * and `amsgrad` (constants once inlined).
 */
@inline
function adamLoop(
  param: usize, grad: usize, expAvg: usize, expAvgSq: usize, maxExpAvgSq: usize, n: usize,
  v1b1: v128, vb2: v128, v1b2: v128, veps: v128, vwd: v128, vdecay: v128, vstep: v128, vbc2: v128,
  l2: bool, scale: bool, amsgrad: bool,
): void {
  const body = count4(n);
  for (let i: usize = 0; i < body; i += 4) {
    const o = i << 2;
    adamStep(
      param + o, grad + o, expAvg + o, expAvgSq + o, maxExpAvgSq + o, true, 4,
      v1b1, vb2, v1b2, veps, vwd, vdecay, vstep, vbc2, l2, scale, amsgrad,
    );
  }
  if (body < n) {
    const o = body << 2;
    adamStep(
      param + o, grad + o, expAvg + o, expAvgSq + o, maxExpAvgSq + o, false, n - body,
      v1b1, vb2, v1b2, veps, vwd, vdecay, vstep, vbc2, l2, scale, amsgrad,
    );
  }
}

/** One vector of {@link adamUpdate} (the first `count` lanes unless `full`). */
@inline
function adamStep(
  param: usize, grad: usize, expAvg: usize, expAvgSq: usize, maxExpAvgSq: usize, full: bool, count: usize,
  v1b1: v128, vb2: v128, v1b2: v128, veps: v128, vwd: v128, vdecay: v128, vstep: v128, vbc2: v128,
  l2: bool, scale: bool, amsgrad: bool,
): void {
  let p = loadMasked(param, full, count);
  let g = loadMasked(grad, full, count);
  if (scale) p = f32x4.mul(p, vdecay);
  if (l2) g = f32x4.add(g, f32x4.mul(vwd, p));
  const mOld = loadMasked(expAvg, full, count);
  const m = f32x4.add(mOld, f32x4.mul(v1b1, f32x4.sub(g, mOld)));
  const vOld = loadMasked(expAvgSq, full, count);
  const v = f32x4.add(f32x4.mul(vb2, vOld), f32x4.mul(v1b2, f32x4.mul(g, g)));
  let vUse = v;
  if (amsgrad) {
    vUse = f32x4.max(loadMasked(maxExpAvgSq, full, count), v);
    storeMasked(maxExpAvgSq, vUse, full, count);
  }
  const denom = f32x4.add(f32x4.div(f32x4.sqrt(vUse), vbc2), veps);
  storeMasked(expAvg, m, full, count);
  storeMasked(expAvgSq, v, full, count);
  storeMasked(param, f32x4.sub(p, f32x4.mul(vstep, f32x4.div(m, denom))), full, count);
}
