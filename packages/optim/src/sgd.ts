import { fusedUpdates, type Tensor } from '@myelin/tensor';
import { Optimizer, type ParamState, type ParamsInput, type StateLayout } from './optimizer.js';
import { requireBoolean, requireNonNegative } from './validate.js';

/** Options of {@link SGD} (torch.optim.SGD's, camelCased). */
export interface SGDOptions {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
}

const SGD_DEFAULTS: SGDOptions = { lr: 1e-3, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false };

/**
 * Stochastic gradient descent with optional momentum (Polyak 1964), Nesterov momentum (Sutskever
 * et al. 2013) and L2 weight decay, exactly as torch.optim.SGD:
 * g ← ∇ + λw;  b ← μb + (1 − τ)g (b ← g on the first step);  g ← nesterov ? g + μb : b;  w ← w − ηg.
 *
 * NOTE: the course-notes form v ← μv + ηg; w ← w − v is the same update for a constant learning
 * rate η (then v = η·b); they differ only in when a changed η takes effect.
 *
 * @example const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 */
export class SGD extends Optimizer<SGDOptions> {
  constructor(params: ParamsInput<SGDOptions>, options: Partial<SGDOptions> = {}) {
    super('SGD', params, SGD_DEFAULTS, options);
  }

  protected override checkOptions(o: SGDOptions): void {
    super.checkOptions(o);
    requireNonNegative(this.name, 'momentum', o.momentum);
    requireNonNegative(this.name, 'dampening', o.dampening);
    requireNonNegative(this.name, 'weightDecay', o.weightDecay);
    requireBoolean(this.name, 'nesterov', o.nesterov);
    if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) {
      throw new RangeError('SGD: nesterov momentum requires momentum > 0 and dampening = 0');
    }
  }

  protected stateLayout(o: SGDOptions): StateLayout {
    return o.momentum !== 0 ? { momentumBuffer: { fill: 0 }, started: 'flag' } : {};
  }

  protected update(param: Tensor, grad: Tensor, state: ParamState, o: SGDOptions): void {
    const buffer = state['momentumBuffer'] as Tensor | undefined;
    fusedUpdates.sgd(param, grad, buffer, {
      lr: o.lr,
      momentum: o.momentum,
      dampening: o.dampening,
      weightDecay: o.weightDecay,
      nesterov: o.nesterov,
      first: state['started'] === 0,
    });
    if (buffer !== undefined) state['started'] = 1;
  }
}
