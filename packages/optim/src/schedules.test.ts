import { tensor } from '@myelin/tensor';
import { describe, expect, it } from 'vitest';
import {
  CosineAnnealingLR,
  cosineSchedule,
  ExponentialLR,
  LambdaLR,
  LinearLR,
  type LRScheduler,
  MultiStepLR,
  ReduceLROnPlateau,
  SGD,
  StepLR,
  stepSchedule,
} from './index.js';

const optimizer = (lr: number) => new SGD([tensor([1], { requiresGrad: true })], { lr });

/** The learning rates a scheduler sets at steps 0..n−1 (step 0 is applied at construction). */
function sequence(scheduler: LRScheduler, n: number): number[] {
  const lrs = [scheduler.getLastLr()[0]!];
  for (let i = 1; i < n; i++) {
    scheduler.step();
    lrs.push(scheduler.getLastLr()[0]!);
  }
  return lrs;
}

function expectSequence(got: number[], want: number[]): void {
  expect(got.length).toBe(want.length);
  for (const [i, v] of got.entries()) expect(v).toBeCloseTo(want[i]!, 10);
}

// Expected sequences as PyTorch produces them (torch.optim.lr_scheduler, epochs 0, 1, 2, …).
describe('learning-rate schedulers', () => {
  it('StepLR', () => {
    expectSequence(
      sequence(new StepLR(optimizer(0.1), { stepSize: 2, gamma: 0.5 }), 7),
      [0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.0125],
    );
  });

  it('MultiStepLR', () => {
    expectSequence(
      sequence(new MultiStepLR(optimizer(1), { milestones: [5, 2] }), 7),
      [1, 1, 0.1, 0.1, 0.1, 0.01, 0.01],
    );
  });

  it('ExponentialLR', () => {
    expectSequence(sequence(new ExponentialLR(optimizer(1), { gamma: 0.5 }), 4), [1, 0.5, 0.25, 0.125]);
  });

  it('CosineAnnealingLR, including past tMax', () => {
    const c = Math.cos(Math.PI / 4);
    expectSequence(sequence(new CosineAnnealingLR(optimizer(1), { tMax: 4 }), 6), [
      1,
      (1 + c) / 2,
      0.5,
      (1 - c) / 2,
      0,
      (1 - c) / 2,
    ]);
    expectSequence(
      sequence(new CosineAnnealingLR(optimizer(1), { tMax: 2, etaMin: 0.5 }), 3),
      [1, 0.75, 0.5],
    );
  });

  it('LinearLR (warm-up)', () => {
    expectSequence(
      sequence(new LinearLR(optimizer(1), { startFactor: 0.5, totalIters: 4 }), 6),
      [0.5, 0.625, 0.75, 0.875, 1, 1],
    );
  });

  it('LambdaLR', () => {
    expectSequence(sequence(new LambdaLR(optimizer(2), { lrLambda: (e) => 1 / (e + 1) }), 4), [
      2,
      1,
      2 / 3,
      0.5,
    ]);
  });

  it('schedules each parameter group from its own base rate, and resume from stateDict', () => {
    const a = tensor([1], { requiresGrad: true });
    const b = tensor([1], { requiresGrad: true });
    const opt = new SGD([{ params: [a] }, { params: [b], lr: 1 }], { lr: 0.1 });
    const s = new StepLR(opt, { stepSize: 1, gamma: 0.5 });
    s.step();
    expect(s.getLastLr()).toEqual([0.05, 0.5]);
    const resumed = new StepLR(optimizer(0.1), { stepSize: 1, gamma: 0.5 });
    // Only the step: the saved base rates (one per group, issue 15 item 5) are the two groups' of `opt`.
    expect(() => resumed.loadStateDict(s.stateDict())).toThrow('StepLR.loadStateDict: baseLrs must hold 1');
    resumed.loadStateDict({ lastEpoch: s.stateDict().lastEpoch });
    expect(resumed.getLastLr()).toEqual([0.05]);
  });

  it('plain schedule functions work without an optimizer', () => {
    expect(stepSchedule(0.1, 30)(65)).toBeCloseTo(0.001, 12);
    expect(cosineSchedule(1, 10)(5)).toBeCloseTo(0.5, 12);
    expect(() => stepSchedule(0.1, 0)).toThrow(/stepSize must be an integer >= 1/);
    expect(() => cosineSchedule(1, 0)).toThrow(/tMax must be a finite number > 0/);
  });

  it('ReduceLROnPlateau cuts the rate after `patience` steps without improvement', () => {
    const opt = optimizer(1);
    const plateau = new ReduceLROnPlateau(opt, { patience: 2, factor: 0.5 });
    const lrs = [10, 9, 9, 9, 9, 9, 8, 8, 8, 8].map((loss) => {
      plateau.step(loss);
      return opt.lr;
    });
    expect(lrs).toEqual([1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.25]);
  });

  it('ReduceLROnPlateau: mode max, cooldown, minLr', () => {
    const opt = optimizer(1);
    const plateau = new ReduceLROnPlateau(opt, {
      mode: 'max',
      patience: 0,
      factor: 0.1,
      cooldown: 1,
      minLr: 0.005,
    });
    const lrs = [0.5, 0.4, 0.4, 0.4, 0.4, 0.4].map((acc) => {
      plateau.step(acc);
      return opt.lr;
    });
    // bad at step 2 → 0.1; cooldown swallows step 3; bad at step 4 → 0.01; cooldown; step 6 → 0.005 (minLr).
    expectSequence(lrs, [1, 0.1, 0.1, 0.01, 0.01, 0.005]);
    expect(() => new ReduceLROnPlateau(opt, { factor: 1 })).toThrow(/factor must be in \[0, 1\)/);
  });
});
