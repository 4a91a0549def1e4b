import { type Tensor, tidy } from '@myelin/tensor';
import { Optimizer, type ParamState, type ParamsInput, type StateLayout } from './optimizer.js';
import { requireNonNegative } from './validate.js';

/** Options of {@link Adadelta} (torch.optim.Adadelta's, camelCased). */
export interface AdadeltaOptions {
  /** Scale applied to the step (default 1: the method's own units). */
  lr: number;
  /** Decay of both running averages (default 0.9). */
  rho: number;
  /** Added inside both square roots (default 1e-6). */
  eps: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
}

const ADADELTA_DEFAULTS: AdadeltaOptions = { lr: 1, rho: 0.9, eps: 1e-6, weightDecay: 0 };

/**
 * Adadelta (Zeiler 2012): Adagrad's per-coordinate steps with running averages instead of sums, and
 * a step measured in the parameter's own units, as torch.optim.Adadelta:
 * g ← ∇ + λw;  v ← ρv + (1 − ρ)g²;  Δ ← √(u + ε) / √(v + ε) · g;  u ← ρu + (1 − ρ)Δ²;  w ← w − η·Δ.
 * (ε is inside the square roots here, unlike Adam's.) The state is `squareAvg` (v), `accDelta` (u)
 * and `step`.
 *
 * @example const opt = new Adadelta(model.parameters()); // lr 1, rho 0.9, eps 1e-6
 */
export class Adadelta extends Optimizer<AdadeltaOptions> {
  constructor(params: ParamsInput<AdadeltaOptions>, options: Partial<AdadeltaOptions> = {}) {
    super('Adadelta', params, ADADELTA_DEFAULTS, options);
  }

  protected override checkOptions(o: AdadeltaOptions): void {
    super.checkOptions(o);
    requireNonNegative(this.name, 'rho', o.rho);
    if (o.rho > 1) throw new RangeError(`${this.name}: rho must be a number in [0, 1], got ${o.rho}`);
    requireNonNegative(this.name, 'eps', o.eps);
    requireNonNegative(this.name, 'weightDecay', o.weightDecay);
  }

  protected stateLayout(): StateLayout {
    return { squareAvg: { fill: 0 }, accDelta: { fill: 0 }, step: 'count' };
  }

  protected update(param: Tensor, grad: Tensor, state: ParamState, o: AdadeltaOptions): void {
    state['step'] = (state['step'] as number) + 1;
    const squareAvg = state['squareAvg'] as Tensor;
    const accDelta = state['accDelta'] as Tensor;
    // A composite update of in-place tensor ops (step() runs it under noGrad); tidy frees the temporaries.
    tidy(() => {
      const g = o.weightDecay !== 0 ? grad.add(param.mul(o.weightDecay)) : grad;
      squareAvg.mul_(o.rho).add_(g.square().mul(1 - o.rho));
      const delta = accDelta.add(o.eps).sqrt().div(squareAvg.add(o.eps).sqrt()).mul(g);
      accDelta.mul_(o.rho).add_(delta.square().mul(1 - o.rho));
      param.sub_(delta.mul(o.lr));
    });
  }
}
