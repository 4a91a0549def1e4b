import { fusedUpdates, type Tensor } from '@myelin/tensor';
import { Optimizer, type ParamState, type ParamsInput, type StateLayout } from './optimizer.js';
import { requireBoolean, requireNonNegative } from './validate.js';

/** Options of {@link RMSprop} (torch.optim.RMSprop's, camelCased). */
export interface RMSpropOptions {
  lr: number;
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  centered: boolean;
}

const RMSPROP_DEFAULTS: RMSpropOptions = {
  lr: 1e-2,
  alpha: 0.99,
  eps: 1e-8,
  weightDecay: 0,
  momentum: 0,
  centered: false,
};

/**
 * RMSprop (Hinton, Neural Networks for Machine Learning, lecture 6e), as torch.optim.RMSprop:
 * g ← ∇ + λw;  v ← αv + (1 − α)g²;  centered: ḡ ← αḡ + (1 − α)g, d = √(v − ḡ²) + ε, else d = √v + ε;
 * momentum μ > 0: b ← μb + g/d, w ← w − ηb;  otherwise w ← w − ηg/d.
 *
 * @example const opt = new RMSprop(params, { lr: 1e-3 });
 */
export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: ParamsInput<RMSpropOptions>, options: Partial<RMSpropOptions> = {}) {
    super('RMSprop', params, RMSPROP_DEFAULTS, options);
  }

  protected override checkOptions(o: RMSpropOptions): void {
    super.checkOptions(o);
    requireNonNegative(this.name, 'alpha', o.alpha);
    requireNonNegative(this.name, 'eps', o.eps);
    requireNonNegative(this.name, 'weightDecay', o.weightDecay);
    requireNonNegative(this.name, 'momentum', o.momentum);
    requireBoolean(this.name, 'centered', o.centered);
  }

  protected stateLayout(o: RMSpropOptions): StateLayout {
    const layout: StateLayout = { squareAvg: { fill: 0 } };
    if (o.centered) layout['gradAvg'] = { fill: 0 };
    if (o.momentum > 0) layout['momentumBuffer'] = { fill: 0 };
    return layout;
  }

  protected update(param: Tensor, grad: Tensor, state: ParamState, o: RMSpropOptions): void {
    const squareAvg = state['squareAvg'] as Tensor;
    const gradAvg = state['gradAvg'] as Tensor | undefined;
    const buffer = state['momentumBuffer'] as Tensor | undefined;
    fusedUpdates.rmsprop(
      param,
      grad,
      { squareAvg, gradAvg, momentumBuffer: buffer },
      { lr: o.lr, alpha: o.alpha, eps: o.eps, weightDecay: o.weightDecay, momentum: o.momentum },
    );
  }
}
