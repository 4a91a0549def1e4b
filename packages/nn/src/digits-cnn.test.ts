// Learning test (issue 19): a tiny CNN on the bundled 8×8 digits, trained with `fit`, beats the
// digits MLP's promised test accuracy — 97% (examples/src/examples.test.ts, "the main job: the
// digits MLP reaches >= 97% test accuracy") — on a stratified 20% test split.
import { loadDigits, trainTestSplit } from '@myelin/data';
import { Adam } from '@myelin/optim';
import { manualSeed, memory } from '@myelin/tensor';
import { describe, expect, it } from 'vitest';
import {
  Conv2d,
  crossEntropy,
  evaluate,
  Flatten,
  fit,
  Linear,
  MaxPool2d,
  ReLU,
  Sequential,
} from './index.js';

describe('a tiny CNN on the 8×8 digits', () => {
  it('reaches >= 97% test accuracy (the MLP’s threshold) with fit, memory flat across epochs', async () => {
    manualSeed(0);
    const { data, images, target } = loadDigits();
    const x = images.reshape([-1, 1, 8, 8]).div(16);
    const { xTrain, xTest, yTrain, yTest } = trainTestSplit(x, target, {
      testSize: 0.2,
      stratify: true,
      seed: 0,
    });
    // Freed now rather than by the garbage collector's backstop at some await of fit, which would
    // change the count of live tensors between epochs.
    for (const t of [data, images, target, x]) t.dispose();
    const model = new Sequential(
      new Conv2d(1, 16, 3, { padding: 1 }),
      new ReLU(),
      new MaxPool2d(2),
      new Conv2d(16, 32, 3, { padding: 1 }),
      new ReLU(),
      new MaxPool2d(2),
      new Flatten(),
      new Linear(32 * 2 * 2, 10),
    );
    const live: number[] = [];
    await fit(model, [xTrain, yTrain], {
      optimizer: new Adam(model.parameters(), { lr: 0.01 }),
      loss: crossEntropy,
      epochs: 12,
      batchSize: 32,
      seed: 0,
      verbose: 0,
      callbacks: [{ onEpochEnd: () => void live.push(memory().tensors) }],
    });
    const accuracy = evaluate(model, [xTest, yTest], { metrics: ['accuracy'] })['accuracy']!;
    expect(accuracy).toBeGreaterThanOrEqual(0.97);
    // No growth from epoch to epoch (the garbage collector's backstop may free an escaped tensor at
    // some await, so the count can only fall).
    for (const count of live.slice(2)) expect(count, JSON.stringify(live)).toBeLessThanOrEqual(live[1]!);
  });
});
