import { fusedUpdates, type Tensor } from '@myelin/tensor';
import { Optimizer, type ParamState, type ParamsInput, type StateLayout } from './optimizer.js';
import { requireNonNegative } from './validate.js';

/** Options of {@link Adagrad} (torch.optim.Adagrad's, camelCased). */
export interface AdagradOptions {
  lr: number;
  lrDecay: number;
  weightDecay: number;
  initialAccumulatorValue: number;
  eps: number;
}

const ADAGRAD_DEFAULTS: AdagradOptions = {
  lr: 1e-2,
  lrDecay: 0,
  weightDecay: 0,
  initialAccumulatorValue: 0,
  eps: 1e-10,
};

/**
 * Adagrad (Duchi, Hazan & Singer 2011): per-coordinate steps shrinking with the accumulated squared
 * gradients, as torch.optim.Adagrad: η_t = η / (1 + (t − 1)·decay);  g ← ∇ + λw;  s ← s + g²;
 * w ← w − η_t·g / (√s + ε).
 *
 * @example const opt = new Adagrad(params, { lr: 0.1 });
 */
export class Adagrad extends Optimizer<AdagradOptions> {
  constructor(params: ParamsInput<AdagradOptions>, options: Partial<AdagradOptions> = {}) {
    super('Adagrad', params, ADAGRAD_DEFAULTS, options);
  }

  protected override checkOptions(o: AdagradOptions): void {
    super.checkOptions(o);
    requireNonNegative(this.name, 'lrDecay', o.lrDecay);
    requireNonNegative(this.name, 'weightDecay', o.weightDecay);
    requireNonNegative(this.name, 'initialAccumulatorValue', o.initialAccumulatorValue);
    requireNonNegative(this.name, 'eps', o.eps);
  }

  protected stateLayout(o: AdagradOptions): StateLayout {
    return { sum: { fill: o.initialAccumulatorValue }, step: 'count' };
  }

  protected update(param: Tensor, grad: Tensor, state: ParamState, o: AdagradOptions): void {
    const step = (state['step'] as number) + 1;
    state['step'] = step;
    const clr = o.lr / (1 + (step - 1) * o.lrDecay);
    fusedUpdates.adagrad(param, grad, state['sum'] as Tensor, {
      clr,
      weightDecay: o.weightDecay,
      eps: o.eps,
    });
  }
}
