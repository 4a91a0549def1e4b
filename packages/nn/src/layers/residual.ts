import { noGrad, rand, type Tensor } from '@myelin/tensor';
import { Module } from '../module.js';
import { describeValue, halfOpen, requireChoice, requireNumber, requireTensor } from '../validate.js';

function requireModule(owner: string, branch: unknown): void {
  if (!(branch instanceof Module))
    throw new TypeError(`${owner}: branch must be a Module, got ${describeValue(branch)}`);
}

/**
 * A residual connection (He et al. 2016): x + f(x). The branch must keep the input's shape.
 *
 * @example new Residual(new Sequential(new Linear(64, 64), new ReLU(), new Linear(64, 64)))
 */
export class Residual extends Module {
  constructor(readonly branch: Module) {
    super();
    requireModule('Residual', branch);
    this.addModule('branch', branch);
  }

  forward(x: Tensor): Tensor {
    requireTensor('Residual.forward', 'the input', x);
    return x.add(checkedBranch('Residual', this.branch, x));
  }
}

function checkedBranch(owner: string, branch: Module, x: Tensor): Tensor {
  const y: Tensor = branch.forward(x);
  if (y.ndim !== x.ndim || y.shape.some((d, i) => d !== x.shape[i])) {
    throw new RangeError(
      `${owner}: the branch maps shape [${x.shape.join(',')}] to [${y.shape.join(',')}]; a residual branch must keep the shape`,
    );
  }
  return y;
}

/**
 * Stochastic depth (Huang et al. 2016): a residual block x + f(x) whose branch is dropped with
 * probability p during training — per sample ('row', default) or for the whole batch ('batch') —
 * and scaled by 1/(1 − p) when kept, so that evaluation uses x + f(x) unchanged.
 *
 * @example new StochasticDepth(block, 0.1)
 */
export class StochasticDepth extends Module {
  constructor(
    readonly branch: Module,
    readonly p: number,
    readonly mode: 'row' | 'batch' = 'row',
  ) {
    super();
    requireModule('StochasticDepth', branch);
    requireNumber('StochasticDepth', 'p', p, halfOpen(0, 1));
    requireChoice('StochasticDepth', 'mode', mode, ['row', 'batch']);
    this.addModule('branch', branch);
  }

  forward(x: Tensor): Tensor {
    requireTensor('StochasticDepth.forward', 'the input', x);
    if (!this.training || this.p === 0) return x.add(checkedBranch('StochasticDepth', this.branch, x));
    const n = this.mode === 'row' ? x.shape[0]! : 1;
    const maskShape = [n, ...x.shape.slice(1).map(() => 1)];
    const mask = noGrad(() =>
      rand(maskShape)
        .ge(this.p)
        .div(1 - this.p),
    );
    return x.add(checkedBranch('StochasticDepth', this.branch, x).mul(mask));
  }

  protected override describe(): string {
    return `p=${this.p}, mode=${this.mode}`;
  }
}
