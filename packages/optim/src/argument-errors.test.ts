// Every public entry point of @myelin/optim rejects bad arguments in its own name, saying what it got
// and what it expected, and leaks nothing (issue 11 #8: one options style, misspelt options are
// errors; issue 12 #16: argument validation everywhere; issue 16 #5: no JS crash or internal name).
import { memory, type Tensor, tensor } from '@myelin/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import {
  Adagrad,
  Adam,
  AdamW,
  CosineAnnealingLR,
  cosineSchedule,
  ExponentialLR,
  exponentialSchedule,
  LambdaLR,
  LinearLR,
  linearSchedule,
  MultiStepLR,
  multiStepSchedule,
  ReduceLROnPlateau,
  RMSprop,
  SGD,
  StepLR,
  stepSchedule,
} from './index.js';

const w = tensor([1, 2], { requiresGrad: true });
const params: Tensor[] = [w];
const opt = new SGD(params, { lr: 0.1 });
afterAll(() => w.dispose());

// biome-ignore lint/suspicious/noExplicitAny: the point is to pass what the types forbid.
const bad = (value: unknown): any => value;

const CASES: [string, () => unknown, RegExp][] = [
  // issue 11 #8: a misspelt option was silently ignored (lr stayed 0.001).
  [
    'Adam misspelt lr',
    () => new Adam(params, bad({ learningRate: 0.1 })),
    /^Adam: unknown option 'learningRate'; valid options are 'lr', /,
  ],
  ['SGD options not an object', () => new SGD(params, bad(0.1)), /^SGD: options must be an object, got 0\.1/],
  [
    'AdamW unknown option',
    () => new AdamW(params, bad({ weight_decay: 0.1 })),
    /^AdamW: unknown option 'weight_decay'/,
  ],
  [
    'RMSprop unknown option',
    () => new RMSprop(params, bad({ beta: 0.9 })),
    /^RMSprop: unknown option 'beta'/,
  ],
  [
    'Adagrad unknown option',
    () => new Adagrad(params, bad({ decay: 0.1 })),
    /^Adagrad: unknown option 'decay'/,
  ],
  // Param groups may hold the optimizer's options and 'params', nothing else.
  [
    'param group misspelt',
    () => new SGD([{ params, learning_rate: 1 }] as never),
    /^SGD: parameter group 0: unknown option 'learning_rate'; valid options are 'params', 'lr'/,
  ],
  [
    'param group without params',
    () => new Adam([{ params }, { params: 3 }] as never),
    /^Adam: parameter group 1 must have params, an iterable of tensors, got 3/,
  ],
  // A string lr was reported as "invalid learning rate 0.1".
  [
    'string lr',
    () => new SGD(params, bad({ lr: '0.1' })),
    /^SGD: lr must be a finite number >= 0, got the string '0\.1'/,
  ],
  [
    'infinite lr',
    () => new Adam(params, { lr: Number.POSITIVE_INFINITY }),
    /^Adam: lr must be a finite number >= 0, got Infinity/,
  ],
  [
    'string momentum',
    () => new SGD(params, bad({ momentum: '0.9' })),
    /^SGD: momentum must be a finite number >= 0, got the string '0\.9'/,
  ],
  [
    'string nesterov',
    () => new SGD(params, bad({ momentum: 0.9, nesterov: 'false' })),
    /^SGD: nesterov must be true or false, got the string 'false'/,
  ],
  [
    'betas not a pair',
    () => new Adam(params, bad({ betas: 0.9 })),
    /^Adam: betas must be a pair \[beta1, beta2\], got 0\.9/,
  ],
  [
    'string beta',
    () => new Adam(params, bad({ betas: ['0.9', 0.999] })),
    /^Adam: betas\[0\] must be a number in \[0, 1\), got the string '0\.9'/,
  ],
  [
    'negative eps',
    () => new RMSprop(params, { eps: -1 }),
    /^RMSprop: eps must be a finite number >= 0, got -1/,
  ],
  [
    'NaN weightDecay',
    () => new AdamW(params, { weightDecay: Number.NaN }),
    /^AdamW: weightDecay must be a finite number >= 0, got NaN/,
  ],
  [
    'string centered',
    () => new RMSprop(params, bad({ centered: 1 })),
    /^RMSprop: centered must be true or false, got 1/,
  ],
  [
    'params not iterable',
    () => new SGD(bad(undefined)),
    /^SGD: params must be an iterable of tensors .*got undefined/,
  ],
  [
    'a single tensor as params',
    () => new Adam(bad(w)),
    /^Adam: params must be an iterable of tensors .*got a float32 tensor of shape \[2\]/,
  ],
  [
    'params of numbers',
    () => new Adagrad(bad([1, 2])),
    /^Adagrad: parameter 0 of group 0 is 1, expected a tensor/,
  ],
  [
    'lr setter string',
    () => {
      opt.lr = bad('1');
    },
    /^SGD: lr must be a finite number >= 0, got the string '1'/,
  ],
  // Schedulers: options checked, optimizer checked, no destructuring crash.
  [
    'StepLR without options',
    () => new StepLR(opt, bad(undefined)),
    /^StepLR: stepSize must be an integer >= 1, got undefined/,
  ],
  ['StepLR misspelt', () => new StepLR(opt, bad({ step_size: 2 })), /^StepLR: unknown option 'step_size'/],
  [
    'StepLR string stepSize',
    () => new StepLR(opt, bad({ stepSize: '2' })),
    /^StepLR: stepSize must be an integer >= 1, got the string '2'/,
  ],
  [
    'StepLR not an optimizer',
    () => new StepLR(bad({}), { stepSize: 2 }),
    /^StepLR: expected an optimizer with a learning rate/,
  ],
  [
    'MultiStepLR milestones',
    () => new MultiStepLR(opt, bad({ milestones: 5 })),
    /^MultiStepLR: milestones must be an array of integers >= 0, got 5/,
  ],
  [
    'ExponentialLR without gamma',
    () => new ExponentialLR(opt, bad(undefined)),
    /^ExponentialLR: gamma must be a finite number >= 0, got undefined/,
  ],
  [
    'CosineAnnealingLR string tMax',
    () => new CosineAnnealingLR(opt, bad({ tMax: '10' })),
    /^CosineAnnealingLR: tMax must be a finite number > 0, got the string '10'/,
  ],
  [
    'LinearLR string factor',
    () => new LinearLR(opt, bad({ startFactor: '0.5' })),
    /^LinearLR: startFactor must be in \(0, 1\] and endFactor in \[0, 1\], got the string '0\.5'/,
  ],
  ['LinearLR misspelt', () => new LinearLR(opt, bad({ warmup: 5 })), /^LinearLR: unknown option 'warmup'/],
  [
    'LambdaLR not a function',
    () => new LambdaLR(opt, bad({ lrLambda: 0.9 })),
    /^LambdaLR: lrLambda must be a function of the step, got 0\.9/,
  ],
  [
    'loadStateDict',
    () => new StepLR(opt, { stepSize: 1 }).loadStateDict(bad({ lastEpoch: -1 })),
    /^StepLR\.loadStateDict: lastEpoch must be an integer >= 0, got -1/,
  ],
  [
    'ReduceLROnPlateau misspelt',
    () => new ReduceLROnPlateau(opt, bad({ paitence: 3 })),
    /^ReduceLROnPlateau: unknown option 'paitence'/,
  ],
  [
    'ReduceLROnPlateau patience',
    () => new ReduceLROnPlateau(opt, { patience: 1.5 }),
    /^ReduceLROnPlateau: patience must be an integer >= 0, got 1\.5/,
  ],
  [
    'ReduceLROnPlateau thresholdMode',
    () => new ReduceLROnPlateau(opt, bad({ thresholdMode: 'relative' })),
    /^ReduceLROnPlateau: thresholdMode must be 'rel' or 'abs', got the string 'relative'/,
  ],
  [
    'ReduceLROnPlateau.step string',
    () => new ReduceLROnPlateau(opt).step(bad('0.5')),
    /^ReduceLROnPlateau\.step: the metric must be a number .*got the string '0\.5'/,
  ],
  // Schedule functions report in their own name.
  ['stepSchedule', () => stepSchedule(0.1, 0), /^stepSchedule: stepSize must be an integer >= 1, got 0/],
  [
    'multiStepSchedule',
    () => multiStepSchedule(0.1, bad(['2'])),
    /^multiStepSchedule: milestones must be an array of integers >= 0/,
  ],
  [
    'exponentialSchedule',
    () => exponentialSchedule(bad('1'), 0.9),
    /^exponentialSchedule: lr must be a finite number >= 0, got the string '1'/,
  ],
  ['cosineSchedule', () => cosineSchedule(1, 0), /^cosineSchedule: tMax must be a finite number > 0, got 0/],
  [
    'linearSchedule',
    () => linearSchedule(1, 0.5, 1, 2.5),
    /^linearSchedule: totalIters must be an integer >= 1, got 2\.5/,
  ],
];

describe('argument errors name the entry point and leak nothing (issue 12 #16, issue 11 #8)', () => {
  it.each(CASES)('%s', (_, call, message) => {
    const before = memory();
    expect(call).toThrow(message);
    expect(memory().tensors).toBe(before.tensors);
    expect(memory().bytes).toBe(before.bytes);
  });

  it('accepts param groups that set known options, and keeps the given lr', () => {
    const a = new Adam([{ params, lr: 0.5 }], { lr: 0.1 });
    expect(a.paramGroups[0]!.options.lr).toBe(0.5);
    expect(new Adam(params, { lr: 0.1 }).lr).toBe(0.1);
  });
});
