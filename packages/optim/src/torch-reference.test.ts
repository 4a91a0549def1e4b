// Checks against torch.optim itself (scripts/torch-fixtures.py; the generated file is committed).
import { tensor, tidy } from '@myelin/tensor';
import { describe, expect, it } from 'vitest';
import { torchFixtures as T } from './fixtures/torch.generated.js';
import {
  Adagrad,
  Adam,
  AdamW,
  CosineAnnealingLR,
  ExponentialLR,
  LinearLR,
  type LRScheduler,
  MultiStepLR,
  type Optimizer,
  ReduceLROnPlateau,
  RMSprop,
  SGD,
  StepLR,
} from './index.js';

type Make = (params: ReturnType<typeof tensor>[]) => Optimizer<{ lr: number }>;

// The same configurations the fixture script runs, by name.
const OPTIMIZERS: Record<keyof typeof T.trajectories, Make> = {
  SGD: (p) => new SGD(p, { lr: 1e-3 }),
  'SGD momentum': (p) => new SGD(p, { lr: 1e-3, momentum: 0.9 }),
  'SGD momentum, dampening, weight decay': (p) =>
    new SGD(p, { lr: 1e-3, momentum: 0.8, dampening: 0.3, weightDecay: 0.1 }),
  'SGD nesterov': (p) => new SGD(p, { lr: 1e-3, momentum: 0.9, nesterov: true }),
  Adagrad: (p) => new Adagrad(p, { lr: 0.05 }),
  'Adagrad lrDecay, weightDecay, initialAccumulatorValue': (p) =>
    new Adagrad(p, { lr: 0.05, lrDecay: 0.01, weightDecay: 0.1, initialAccumulatorValue: 0.1 }),
  RMSprop: (p) => new RMSprop(p, { lr: 1e-3 }),
  'RMSprop centered': (p) => new RMSprop(p, { lr: 1e-3, centered: true }),
  'RMSprop momentum, weight decay': (p) => new RMSprop(p, { lr: 1e-3, momentum: 0.5, weightDecay: 0.1 }),
  'RMSprop centered + momentum, alpha 0.9': (p) =>
    new RMSprop(p, { lr: 1e-3, alpha: 0.9, momentum: 0.5, centered: true }),
  Adam: (p) => new Adam(p, { lr: 0.01 }),
  'Adam betas, eps, weight decay (L2)': (p) =>
    new Adam(p, { lr: 0.01, betas: [0.8, 0.99], eps: 1e-6, weightDecay: 0.1 }),
  'Adam amsgrad': (p) => new Adam(p, { lr: 0.01, amsgrad: true }),
  AdamW: (p) => new AdamW(p, { lr: 0.01 }),
  'AdamW amsgrad, weight decay 0.1': (p) => new AdamW(p, { lr: 0.01, weightDecay: 0.1, amsgrad: true }),
};

describe('optimizer trajectories against torch.optim (30 steps on Rosenbrock)', () => {
  for (const [name, make] of Object.entries(OPTIMIZERS)) {
    it(name, () => {
      const w = tensor([...T.start], { requiresGrad: true });
      const opt = make([w]);
      for (let t = 0; t < T.steps; t++) {
        opt.zeroGrad();
        tidy(() => {
          const head = w.slice(0, 0, 6);
          const tail = w.slice(0, 1);
          w.neg().add(1).square().sum().add(tail.sub(head.square()).square().sum().mul(10)).backward();
        });
        opt.step();
      }
      const want = T.trajectories[name as keyof typeof T.trajectories];
      Array.from(w.data()).forEach((v, i) => {
        // float32 on both sides; 30 steps of a non-linear problem let rounding differences grow a little.
        if (Math.abs(v - want[i]!) > 1e-5 + 1e-4 * Math.abs(want[i]!))
          throw new Error(`${name}[${i}]: ${v}, PyTorch ${want[i]}`);
      });
    });
  }
});

describe('learning-rate schedules against torch.optim.lr_scheduler', () => {
  const optimizer = (lr: number) => new SGD([tensor([0], { requiresGrad: true })], { lr });
  const cases: [keyof typeof T.schedules, () => LRScheduler][] = [
    ['StepLR', () => new StepLR(optimizer(0.1), { stepSize: 2, gamma: 0.5 })],
    ['MultiStepLR', () => new MultiStepLR(optimizer(1), { milestones: [2, 5], gamma: 0.1 })],
    ['ExponentialLR', () => new ExponentialLR(optimizer(1), { gamma: 0.5 })],
    ['CosineAnnealingLR', () => new CosineAnnealingLR(optimizer(1), { tMax: 4 })],
    ['CosineAnnealingLR etaMin', () => new CosineAnnealingLR(optimizer(1), { tMax: 2, etaMin: 0.5 })],
    ['LinearLR', () => new LinearLR(optimizer(1), { startFactor: 0.5, totalIters: 4 })],
  ];
  for (const [name, make] of cases) {
    it(name, () => {
      const scheduler = make();
      const want = T.schedules[name] as readonly number[];
      const got = [scheduler.getLastLr()[0]!];
      for (let i = 1; i < want.length; i++) {
        scheduler.step();
        got.push(scheduler.getLastLr()[0]!);
      }
      got.forEach((v, i) => {
        expect(v).toBeCloseTo(want[i]!, 10);
      });
    });
  }

  it('ReduceLROnPlateau', () => {
    const opt = optimizer(1);
    const plateau = new ReduceLROnPlateau(opt, { patience: 2, factor: 0.5 });
    const lrs = [10, 9, 9, 9, 9, 9, 8, 8, 8, 8].map((loss) => {
      plateau.step(loss);
      return opt.lr;
    });
    expect(lrs).toEqual([...T.schedules.ReduceLROnPlateau]);
  });
});
