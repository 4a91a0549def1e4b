import { describeValue, fusedUpdates, type Tensor } from '@myelin/tensor';
import { Optimizer, type ParamState, type ParamsInput, type StateLayout } from './optimizer.js';
import { requireBoolean, requireNonNegative, requireUnitInterval } from './validate.js';

/** Options of {@link Adam} and {@link AdamW} (torch.optim's, camelCased). */
export interface AdamOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
}

const ADAM_DEFAULTS: AdamOptions = {
  lr: 1e-3,
  betas: [0.9, 0.999],
  eps: 1e-8,
  weightDecay: 0,
  amsgrad: false,
};

/** The shared Adam update; `decoupled` selects AdamW's weight decay. */
abstract class AdamBase extends Optimizer<AdamOptions> {
  protected abstract readonly decoupled: boolean;

  protected override checkOptions(o: AdamOptions): void {
    super.checkOptions(o);
    if (!Array.isArray(o.betas) || o.betas.length !== 2)
      throw new RangeError(
        `${this.name}: betas must be a pair [beta1, beta2], got ${describeValue(o.betas)}`,
      );
    requireUnitInterval(this.name, 'betas[0]', o.betas[0]);
    requireUnitInterval(this.name, 'betas[1]', o.betas[1]);
    requireNonNegative(this.name, 'eps', o.eps);
    requireNonNegative(this.name, 'weightDecay', o.weightDecay);
    requireBoolean(this.name, 'amsgrad', o.amsgrad);
  }

  protected stateLayout(o: AdamOptions): StateLayout {
    const layout: StateLayout = { step: 'count', expAvg: { fill: 0 }, expAvgSq: { fill: 0 } };
    if (o.amsgrad) layout['maxExpAvgSq'] = { fill: 0 };
    return layout;
  }

  protected update(param: Tensor, grad: Tensor, state: ParamState, o: AdamOptions): void {
    const step = (state['step'] as number) + 1;
    state['step'] = step;
    const expAvg = state['expAvg'] as Tensor;
    const expAvgSq = state['expAvgSq'] as Tensor;
    const maxExpAvgSq = state['maxExpAvgSq'] as Tensor | undefined;
    fusedUpdates.adam(
      param,
      grad,
      { expAvg, expAvgSq, maxExpAvgSq },
      { lr: o.lr, betas: o.betas, eps: o.eps, weightDecay: o.weightDecay, decoupled: this.decoupled, step },
    );
  }
}

/**
 * Adam (Kingma & Ba 2015), as torch.optim.Adam: g ← ∇ + λw (L2);  m ← β₁m + (1 − β₁)g;
 * v ← β₂v + (1 − β₂)g²;  w ← w − η/(1 − β₁ᵗ) · m / (√v/√(1 − β₂ᵗ) + ε)  — ε outside the square
 * root; with amsgrad the running maximum of v is used (Reddi et al. 2018).
 *
 * @example const opt = new Adam(model.parameters(), { lr: 1e-3 });
 */
export class Adam extends AdamBase {
  protected readonly decoupled = false;

  constructor(params: ParamsInput<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super('Adam', params, { ...ADAM_DEFAULTS, weightDecay: 0 }, options);
  }
}

/**
 * AdamW (Loshchilov & Hutter 2019): Adam with decoupled weight decay, w ← w·(1 − ηλ) before the
 * Adam step, as torch.optim.AdamW (default weightDecay 0.01).
 *
 * @example const opt = new AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.05 });
 */
export class AdamW extends AdamBase {
  protected readonly decoupled = true;

  constructor(params: ParamsInput<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super('AdamW', params, { ...ADAM_DEFAULTS, weightDecay: 1e-2 }, options);
  }
}
