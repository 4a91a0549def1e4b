import type { Generator, Tensor } from '@myelin/tensor';
import { Module } from '../module.js';
import {
  checkOptions,
  describeValue,
  halfOpen,
  requireBoolean,
  requireChoice,
  requireInteger,
  requireNumber,
  requireTensor,
} from '../validate.js';
import { applyDropoutMask } from './dropout.js';

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
  static override readonly layerName = 'Residual';
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
 * Stochastic depth on a residual branch's output, as torchvision.ops.stochastic_depth(input, p, mode,
 * training): in training each sample's branch ('row', default) — or the whole batch's ('batch') — is
 * zeroed with probability p and scaled by 1/(1 − p) when kept; at evaluation (or p = 0) the input is
 * returned unchanged, so a network's eval output is deterministic. Masks come from `generator`, else
 * from the running `fit`'s generator (when it has a seed), else from the default one (`manualSeed`).
 *
 * NOTE: Huang et al. 2016 (and the course notes, 001 "SoC: Learning in a Library" §10.3: layers are
 * dropped in training and kept "intact during testing") train the branch unscaled and multiply it by
 * its survival probability 1 − p at test time. This is the inverted form (torchvision's): the same
 * expected output in training and the same function at test time once the branch's last (linear)
 * layer's weight and bias are multiplied by the survival probability 1 − p (tested in
 * norm-layers.test.ts).
 *
 * @example const y = x.add(stochasticDepth(branch.forward(x), 0.2, 'row', model.training));
 */
export function stochasticDepth(
  input: Tensor,
  p: number,
  mode: 'row' | 'batch' = 'row',
  training = true,
  options: { generator?: Generator } = {},
): Tensor {
  requireTensor('stochasticDepth', 'input', input);
  requireNumber('stochasticDepth', 'p', p, halfOpen(0, 1));
  requireChoice('stochasticDepth', 'mode', mode, ['row', 'batch']);
  requireBoolean('stochasticDepth', 'training', training);
  checkOptions('stochasticDepth', options, ['generator']);
  if (!training || p === 0) return input;
  const rows = mode === 'row' && input.ndim > 0 ? input.shape[0]! : 1;
  const maskShape = input.ndim === 0 ? [] : [rows, ...input.shape.slice(1).map(() => 1)];
  return applyDropoutMask(input, p, maskShape, options.generator);
}

/**
 * The linear-decay rule of stochastic depth (Huang et al. 2016, eq. 4): the survival probability of
 * residual block l of L is p_l = 1 − (l / L)·(1 − p_L), falling linearly from 1 at the input
 * (l = 0) to `finalSurvival` p_L at the last block (the paper uses p_L = 0.5). The course notes (001
 * "SoC: Learning in a Library" §10.3) say only that the drop probability "is a function of depth";
 * this is the function of the paper they summarise. Layers count from 1; the drop probability to
 * give {@link StochasticDepth} is 1 − p_l.
 *
 * @example
 * const blocks = [1, 2, 3, 4].map((l) => new StochasticDepth(block(), 1 - stochasticDepthSurvival(l, 4, 0.5)));
 * stochasticDepthSurvival(4, 4, 0.5); // 0.5 (the last block); stochasticDepthSurvival(2, 4, 0.5) is 0.75
 */
export function stochasticDepthSurvival(layerIndex: number, numLayers: number, finalSurvival = 0.5): number {
  const fn = 'stochasticDepthSurvival';
  requireInteger(fn, 'numLayers', numLayers, 1);
  if (!Number.isInteger(layerIndex) || layerIndex < 0 || layerIndex > numLayers)
    throw new RangeError(
      `${fn}: layerIndex must be an integer in 0..${numLayers} (blocks count from 1), got ${describeValue(layerIndex)}`,
    );
  requireNumber(fn, 'finalSurvival', finalSurvival, { low: 0, high: 1, lowOpen: true, text: 'in (0, 1]' });
  return 1 - (layerIndex / numLayers) * (1 - finalSurvival);
}

/**
 * Stochastic depth (Huang et al. 2016): a residual block x + f(x) whose branch is dropped with
 * probability p during training — per sample ('row', default) or for the whole batch ('batch') —
 * and scaled by 1/(1 − p) when kept, so that evaluation uses x + f(x) unchanged (see
 * {@link stochasticDepth} for the notes' convention, and {@link stochasticDepthSurvival} for the
 * linear-decay rule over depth).
 *
 * @example new StochasticDepth(block, 0.1)
 * @example new StochasticDepth(block, 1 - stochasticDepthSurvival(l, numBlocks, 0.5)) // block l of numBlocks
 */
export class StochasticDepth extends Module {
  static override readonly layerName = 'StochasticDepth';
  readonly generator: Generator | undefined;

  constructor(
    readonly branch: Module,
    readonly p: number,
    readonly mode: 'row' | 'batch' = 'row',
    options: { generator?: Generator } = {},
  ) {
    super();
    requireModule('StochasticDepth', branch);
    requireNumber('StochasticDepth', 'p', p, halfOpen(0, 1));
    requireChoice('StochasticDepth', 'mode', mode, ['row', 'batch']);
    checkOptions('StochasticDepth', options, ['generator']);
    this.generator = options.generator;
    this.addModule('branch', branch);
  }

  forward(x: Tensor): Tensor {
    requireTensor('StochasticDepth.forward', 'the input', x);
    const y = checkedBranch('StochasticDepth', this.branch, x);
    const kept = stochasticDepth(y, this.p, this.mode, this.training, { generator: this.generator });
    const out = x.add(kept);
    // free the intermediates (autograd keeps what backward needs); the branch may return x itself
    if (kept !== y) kept.dispose();
    if (y !== x) y.dispose();
    return out;
  }

  protected override describe(): string {
    return `p=${this.p}, mode=${this.mode}`;
  }
}
