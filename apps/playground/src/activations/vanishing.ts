// The vanishing-gradient experiment: a deep MLP from @myelin/nn trained with SGD on a small data set,
// recording each layer's weight-gradient norm at every step and how many hidden units saturated.
import { circles } from '@myelin/data';
import * as nn from '@myelin/nn';
import { SGD } from '@myelin/optim';
import { manualSeed, noGrad, type Tensor, tidy } from '@myelin/tensor';

export const DEEP_ACTIVATIONS = ['sigmoid', 'tanh', 'relu', 'leakyRelu', 'elu', 'selu', 'softsign'] as const;
export type DeepActivation = (typeof DEEP_ACTIVATIONS)[number];
export const INITS = ['default', 'xavier', 'kaiming', 'large'] as const;
export type Init = (typeof INITS)[number];

export interface VanishingOptions {
  /** Hidden layers. */
  depth: number;
  activation: DeepActivation;
  init: Init;
  width: number;
  lr: number;
  seed: number;
}

/**
 * When an activation's output counts as saturated — in a flat part, where its derivative is (nearly)
 * 0: the bounded ones near their bounds, ReLU at 0.
 */
const SATURATED: Partial<Record<DeepActivation, (y: number) => boolean>> = {
  sigmoid: (y) => y < 0.02 || y > 0.98,
  tanh: (y) => Math.abs(y) > 0.96,
  softsign: (y) => Math.abs(y) > 0.9,
  relu: (y) => y <= 0,
};

const MODULES: Record<DeepActivation, () => nn.Module> = {
  sigmoid: () => new nn.Sigmoid(),
  tanh: () => new nn.Tanh(),
  relu: () => new nn.ReLU(),
  leakyRelu: () => new nn.LeakyReLU(),
  elu: () => new nn.ELU(),
  selu: () => new nn.SELU(),
  softsign: () => new nn.Softsign(),
};

export interface StepRecord {
  loss: number;
  /** L2 norm of each linear layer's weight gradient, input layer first. */
  norms: number[];
  /** Fraction of hidden-unit outputs in a flat part of the activation (0 where it has none). */
  saturated: number;
}

/**
 * One run of the experiment; call `step()` repeatedly, then `dispose()`.
 *
 * @example const run = new VanishingRun({ depth: 8, activation: 'sigmoid', init: 'default', width: 8, lr: 0.1, seed: 0 });
 * run.step().norms[0]; run.dispose();
 */
export class VanishingRun {
  readonly records: StepRecord[] = [];
  private readonly linears: nn.Linear[] = [];
  private readonly model: nn.Sequential;
  private readonly optimizer: SGD;
  private readonly x: Tensor;
  private readonly y: Tensor;

  constructor(readonly options: VanishingOptions) {
    const { depth, activation, init, width, lr, seed } = options;
    manualSeed(seed);
    const data = circles(200, { noise: 0.1, seed, factor: 0.5 });
    this.x = data.x;
    this.y = noGrad(() => tidy(() => data.y.reshape(-1, 1).float()));
    data.y.dispose();
    const layers: nn.Module[] = [];
    for (let i = 0; i <= depth; i++) {
      const linear = new nn.Linear(i === 0 ? 2 : width, i === depth ? 1 : width);
      initialise(linear, init, activation);
      this.linears.push(linear);
      layers.push(linear);
      if (i < depth) layers.push(MODULES[activation]());
    }
    this.model = new nn.Sequential(...layers);
    this.optimizer = new SGD(this.model.parameters(), { lr });
  }

  /** One full-batch step; returns what it recorded. */
  step(): StepRecord {
    const saturates = SATURATED[this.options.activation];
    const record = tidy(() => {
      this.optimizer.zeroGrad();
      let h = this.x;
      let [saturated, total] = [0, 0];
      for (const [i, layer] of this.linears.entries()) {
        h = layer.forward(h);
        if (i === this.linears.length - 1) break;
        h = MODULES_APPLY[this.options.activation](h);
        if (saturates) {
          const values = noGrad(() => h.data());
          for (const v of values) if (saturates(v)) saturated++;
          total += values.length;
        }
      }
      const loss = nn.binaryCrossEntropyWithLogits(h, this.y);
      loss.backward();
      const norms = this.linears.map((l) => l.weight.grad!.square().sum().sqrt().item());
      this.optimizer.step();
      return { loss: loss.item(), norms, saturated: total === 0 ? 0 : saturated / total };
    });
    this.records.push(record);
    return record;
  }

  dispose(): void {
    this.optimizer.dispose();
    this.model.dispose();
    this.x.dispose();
    this.y.dispose();
  }
}

/** The functional form of each activation, for the step's own forward pass (which looks inside). */
const MODULES_APPLY: Record<DeepActivation, (x: Tensor) => Tensor> = {
  sigmoid: nn.functional.sigmoid,
  tanh: nn.functional.tanh,
  relu: nn.functional.relu,
  leakyRelu: (x) => nn.functional.leakyRelu(x),
  elu: (x) => nn.functional.elu(x),
  selu: nn.functional.selu,
  softsign: nn.functional.softsign,
};

/** The standard deviation of the 'large' initialisation (weights and biases): it saturates sigmoid and tanh. */
export const LARGE_STD = 3;

function initialise(linear: nn.Linear, init: Init, activation: DeepActivation): void {
  if (init === 'default') return; // PyTorch's: U(±1/√fan_in)
  noGrad(() => {
    if (init === 'xavier') nn.init.xavierNormal(linear.weight);
    else if (init === 'kaiming')
      nn.init.kaimingNormal(linear.weight, {
        nonlinearity: activation === 'leakyRelu' ? 'leakyRelu' : 'relu',
      });
    else {
      nn.init.normal(linear.weight, 0, LARGE_STD);
      if (linear.bias) nn.init.normal(linear.bias, 0, LARGE_STD);
    }
  });
}

export type Diagnosis =
  | { reason: 'saturated'; ratio: number; saturated: number }
  | { reason: 'small-derivative'; ratio: number }
  | { reason: 'none'; ratio: number };

/** A first-layer gradient norm under this fraction of the last layer's, or under TINY, has vanished. */
export const COLLAPSE_RATIO = 1e-3;
export const TINY = 1e-6;
/** This share of saturated hidden outputs (ReLU: of zeros, 60%) explains a collapse by saturation. */
export const SATURATION_SHARE = { bounded: 0.25, relu: 0.6 };

/**
 * Why the gradient vanished, if it did, judged on the latest step: the first layer's gradient norm
 * under TINY or under COLLAPSE_RATIO times the last layer's, and whether the hidden units had
 * saturated (sat in a flat part of the activation).
 *
 * @example diagnose({ loss: 0.7, norms: [1e-9, 1e-2], saturated: 0.6 }, 'sigmoid').reason // 'saturated'
 */
export function diagnose(record: StepRecord, activation: DeepActivation): Diagnosis {
  const [first, last] = [record.norms[0]!, record.norms.at(-1)!];
  const ratio = last > 0 ? first / last : first > 0 ? Infinity : 0;
  if (!(first < TINY || ratio < COLLAPSE_RATIO)) return { reason: 'none', ratio };
  const share = activation === 'relu' ? SATURATION_SHARE.relu : SATURATION_SHARE.bounded;
  if (record.saturated >= share) return { reason: 'saturated', ratio, saturated: record.saturated };
  return { reason: 'small-derivative', ratio };
}
