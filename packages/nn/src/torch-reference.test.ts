// Checks against values computed by PyTorch itself (scripts/torch-fixtures.py; the generated file is
// committed, so no Python is needed at test time). Tolerances: float32 on both sides, different
// operation order — 2e-5 relative, 1e-6 absolute.
import { type Tensor, tensor } from '@myelin/tensor';
import { describe, expect, it } from 'vitest';
import { torchFixtures as T } from './fixtures/torch.generated.js';
import {
  BatchNorm1d,
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  crossEntropy,
  GroupNorm,
  huberLoss,
  LayerNorm,
  l1Loss,
  type Module,
  mseLoss,
  multiMarginLoss,
  nllLoss,
} from './index.js';

type Nested = number | readonly Nested[];
const flat = (v: Nested): number[] => (Array.isArray(v) ? (v as Nested[]).flatMap(flat) : [v as number]);

function expectClose(label: string, got: ArrayLike<number> | number, want: Nested): void {
  const g = typeof got === 'number' ? [got] : Array.from(got);
  const w = flat(want);
  expect(g.length, `${label}: length`).toBe(w.length);
  g.forEach((v, i) => {
    if (Math.abs(v - w[i]!) > 1e-6 + 2e-5 * Math.abs(w[i]!))
      throw new Error(`${label}[${i}]: ${v}, PyTorch ${w[i]}`);
  });
}

const targets = () => tensor([...T.targets], { dtype: 'int32' });
const weight = () => tensor([...T.weight]);
const probabilities = () => tensor(T.probabilities as unknown as number[][]);
const regressionTargets = () => tensor(T.regressionTargets as unknown as number[][]);

const LOSSES: Record<string, (x: Tensor) => Tensor> = {
  plain: (x) => crossEntropy(x, targets()),
  sum: (x) => crossEntropy(x, targets(), { reduction: 'sum' }),
  none: (x) => crossEntropy(x, targets(), { reduction: 'none' }),
  smoothing: (x) => crossEntropy(x, targets(), { labelSmoothing: 0.1 }),
  weight: (x) => crossEntropy(x, targets(), { weight: weight() }),
  weightSmoothing: (x) => crossEntropy(x, targets(), { weight: weight(), labelSmoothing: 0.2 }),
  weightSmoothingSum: (x) =>
    crossEntropy(x, targets(), { weight: weight(), labelSmoothing: 0.2, reduction: 'sum' }),
  probabilities: (x) => crossEntropy(x, probabilities()),
  probabilitiesSmoothing: (x) => crossEntropy(x, probabilities(), { labelSmoothing: 0.1 }),
  probabilitiesWeight: (x) => crossEntropy(x, probabilities(), { weight: weight() }),
  nllWeight: (x) => nllLoss(x.logSoftmax(1), targets(), { weight: weight() }),
  multiMargin: (x) => multiMarginLoss(x, targets()),
  multiMarginP2: (x) => multiMarginLoss(x, targets(), { p: 2, margin: 0.5 }),
  multiMarginWeight: (x) => multiMarginLoss(x, targets(), { weight: weight() }),
  mse: (x) => mseLoss(x, regressionTargets()),
  l1Sum: (x) => l1Loss(x, regressionTargets(), { reduction: 'sum' }),
  huber: (x) => huberLoss(x, regressionTargets()),
  huberDelta2: (x) => huberLoss(x, regressionTargets(), { delta: 2 }),
  bceWithLogits: (x) => binaryCrossEntropyWithLogits(x, regressionTargets()),
  bceWithLogitsPosWeight: (x) =>
    binaryCrossEntropyWithLogits(x, regressionTargets(), { posWeight: tensor([2, 0.5, 3]) }),
  bce: (x) => binaryCrossEntropy(x.sigmoid(), regressionTargets()),
};

describe('losses against PyTorch (values and gradients)', () => {
  const reference = { ...T.crossEntropy, ...T.regression } as Record<string, { value: Nested; grad: Nested }>;
  for (const [name, fn] of Object.entries(LOSSES)) {
    it(name, () => {
      const x = tensor(T.logits as unknown as number[][], { requiresGrad: true });
      const value = fn(x);
      (value.ndim > 0 ? value.sum() : value).backward();
      expectClose(`${name} value`, value.data(), reference[name]!.value);
      expectClose(`${name} gradient`, x.grad!.data(), reference[name]!.grad);
    });
  }
});

/** Runs a normalisation module as the fixture script does: forward `steps − 1` times, then forward + backward of Σ out·w. */
function runNorm(module: Module, input: Nested, outputWeights: Nested, shape: number[], steps = 1) {
  const data = flat(input);
  for (let s = 0; s < steps - 1; s++) module.forward(tensor(data, { shape }));
  const x = tensor(data, { shape, requiresGrad: true });
  const out = module.forward(x);
  out
    .mul(tensor(flat(outputWeights), { shape }))
    .sum()
    .backward();
  return { out, x };
}

describe('normalisation layers against PyTorch', () => {
  it('BatchNorm1d: two training steps (outputs, gradients, running statistics), then evaluation', () => {
    const bn = new BatchNorm1d(3);
    const { out, x } = runNorm(bn, T.normInput, T.normOutputWeights, [5, 3], 2);
    const ref = T.batchNormTrain;
    expectClose('output', out.data(), ref.output);
    expectClose('grad input', x.grad!.data(), ref.gradInput);
    expectClose('grad weight', bn.weight!.grad!.data(), ref.grad_weight);
    expectClose('grad bias', bn.bias!.grad!.data(), ref.grad_bias);
    expectClose('running mean', bn.runningMean!.data(), ref.running_mean);
    expectClose('running var', bn.runningVar!.data(), ref.running_var);
    expect(bn.numBatchesTracked!.item()).toBe(ref.num_batches_tracked);
    bn.eval();
    expectClose(
      'eval output',
      bn.forward(tensor(flat(T.normInput), { shape: [5, 3] })).data(),
      T.batchNormEval.output,
    );
  });

  it('LayerNorm', () => {
    const ln = new LayerNorm(3);
    const { out, x } = runNorm(ln, T.normInput, T.normOutputWeights, [5, 3]);
    expectClose('output', out.data(), T.layerNorm.output);
    expectClose('grad input', x.grad!.data(), T.layerNorm.gradInput);
    expectClose('grad weight', ln.weight!.grad!.data(), T.layerNorm.grad_weight);
    expectClose('grad bias', ln.bias!.grad!.data(), T.layerNorm.grad_bias);
  });

  it('GroupNorm', () => {
    const gn = new GroupNorm(2, 4);
    const { out, x } = runNorm(gn, T.groupNormInput, T.groupNormOutputWeights, [2, 4, 3]);
    expectClose('output', out.data(), T.groupNorm.output);
    expectClose('grad input', x.grad!.data(), T.groupNorm.gradInput);
    expectClose('grad weight', gn.weight!.grad!.data(), T.groupNorm.grad_weight);
    expectClose('grad bias', gn.bias!.grad!.data(), T.groupNorm.grad_bias);
  });
});
