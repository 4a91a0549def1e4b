// One optimizer from @myelin/optim walking down a surface: a 2-element parameter tensor, its path
// and the loss along it.
import { Adagrad, Adam, RMSprop, SGD } from '@myelin/optim';
import { noGrad, type Tensor, tensor, tidy } from '@myelin/tensor';
import type { OptimizerId, Surface } from './surfaces.js';

/** What a runner needs of an optimizer (all of @myelin/optim's have it). */
interface StepOptimizer {
  step(): void;
  zeroGrad(): void;
  dispose(): void;
}

export interface HyperParameter {
  key: string;
  label: string;
  value: number;
  step: number;
}

export interface OptimizerSpec {
  id: OptimizerId;
  label: string;
  /** Editable hyper-parameters with their starting values (the learning rate comes from the surface). */
  hyper: HyperParameter[];
  /** Builds the optimizer over `param` from the hyper-parameters' current values. */
  make: (param: Tensor, h: Record<string, number>) => StepOptimizer;
}

const LR = { key: 'lr', label: 'lr', value: 0.01, step: 0.001 };
const MOMENTUM = { key: 'momentum', label: 'momentum', value: 0.9, step: 0.05 };

/** The six optimizers, in the order of the course notes' optimizer chapter. */
export const OPTIMIZERS: OptimizerSpec[] = [
  { id: 'sgd', label: 'SGD', hyper: [LR], make: (p, h) => new SGD([p], { lr: h.lr }) },
  {
    id: 'momentum',
    label: 'Momentum',
    hyper: [LR, MOMENTUM],
    make: (p, h) => new SGD([p], { lr: h.lr, momentum: h.momentum }),
  },
  {
    id: 'nesterov',
    label: 'Nesterov',
    hyper: [LR, MOMENTUM],
    make: (p, h) => new SGD([p], { lr: h.lr, momentum: h.momentum, nesterov: true }),
  },
  { id: 'adagrad', label: 'Adagrad', hyper: [LR], make: (p, h) => new Adagrad([p], { lr: h.lr }) },
  {
    id: 'rmsprop',
    label: 'RMSprop',
    hyper: [LR, { key: 'alpha', label: 'α', value: 0.99, step: 0.01 }, { ...MOMENTUM, value: 0 }],
    make: (p, h) => new RMSprop([p], { lr: h.lr, alpha: h.alpha, momentum: h.momentum }),
  },
  {
    id: 'adam',
    label: 'Adam',
    hyper: [
      LR,
      { key: 'beta1', label: 'β₁', value: 0.9, step: 0.01 },
      { key: 'beta2', label: 'β₂', value: 0.999, step: 0.001 },
    ],
    make: (p, h) => new Adam([p], { lr: h.lr, betas: [h.beta1!, h.beta2!] }),
  },
];

/** A path leaving the plot by this many plot widths counts as diverged and stops. */
const ESCAPE = 10;

/**
 * One optimizer on one surface: `step()` takes a gradient step with autograd and records the new
 * point and its loss.
 *
 * @example const r = new Runner(OPTIMIZERS[0], { lr: 0.1 }, SURFACES[0], [-4, 3]); r.step(); r.losses.at(-1);
 */
export class Runner {
  readonly points: [number, number][] = [];
  readonly losses: number[] = [];
  diverged = false;
  private readonly param: Tensor;
  private readonly optimizer: StepOptimizer;

  constructor(
    readonly spec: OptimizerSpec,
    hyper: Record<string, number>,
    private readonly surface: Surface,
    start: [number, number],
  ) {
    this.param = tensor(start, { requiresGrad: true });
    try {
      this.optimizer = spec.make(this.param, hyper);
    } catch (error) {
      this.param.dispose();
      throw error;
    }
    this.record();
  }

  step(): void {
    if (this.diverged) return;
    tidy(() => {
      this.optimizer.zeroGrad();
      this.surface.f(this.param).backward();
      this.optimizer.step();
    });
    this.record();
  }

  /** Frees the parameter and the optimizer's state (they live in wasm memory). */
  dispose(): void {
    this.optimizer.dispose();
    this.param.dispose();
  }

  private record(): void {
    const xy = this.param.data();
    const [x, y] = [xy[0]!, xy[1]!];
    const loss = noGrad(() => tidy(() => this.surface.f(this.param).item()));
    const { x: xr, y: yr } = this.surface;
    const far =
      Math.abs(x - (xr[0] + xr[1]) / 2) > ESCAPE * (xr[1] - xr[0]) ||
      Math.abs(y - (yr[0] + yr[1]) / 2) > ESCAPE * (yr[1] - yr[0]);
    if (!Number.isFinite(loss) || far) this.diverged = true;
    else {
      this.points.push([x, y]);
      this.losses.push(loss);
    }
  }
}
