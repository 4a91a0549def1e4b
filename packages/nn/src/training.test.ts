import { DataLoader, loadIris, StandardScaler, TensorDataset, trainTestSplit } from '@myelin/data';
import { Adam, SGD, StepLR } from '@myelin/optim';
import { liveTensorSites, manualSeed, memory, randn, setDebug, type Tensor, tensor } from '@myelin/tensor';
import { describe, expect, it } from 'vitest';
import {
  type Callback,
  crossEntropy,
  Dropout,
  EarlyStopping,
  evaluate,
  fit,
  LearningRateScheduler,
  Linear,
  ModelCheckpoint,
  Module,
  mseLoss,
  predict,
  ReLU,
  Sequential,
} from './index.js';

function irisSplit() {
  const { data, target } = loadIris();
  const s = trainTestSplit(data, target, { testSize: 0.3, stratify: true, seed: 0 });
  const scaler = new StandardScaler().fit(s.xTrain);
  return {
    xTrain: scaler.transform(s.xTrain),
    xTest: scaler.transform(s.xTest),
    yTrain: s.yTrain,
    yTest: s.yTest,
  };
}

const mlp = () => new Sequential(new Linear(4, 16), new ReLU(), new Linear(16, 3));

describe('fit, evaluate, predict', () => {
  it('learns Iris to ≥ 90% test accuracy, from tensors, a DataLoader or a dataset', async () => {
    const { xTrain, xTest, yTrain, yTest } = irisSplit();
    const sources = [
      [xTrain, yTrain] as const,
      new DataLoader(new TensorDataset(xTrain, yTrain), { batchSize: 16, shuffle: true, seed: 1 }),
      new TensorDataset(xTrain, yTrain),
    ];
    for (const source of sources) {
      manualSeed(0);
      const model = mlp();
      const history = await fit(model, source, {
        optimizer: new Adam(model.parameters(), { lr: 0.02 }),
        loss: crossEntropy,
        epochs: 40,
        batchSize: 16,
        metrics: ['accuracy'],
        verbose: 0,
        seed: 0,
      });
      expect(history.epochs.length).toBe(40);
      expect(history.get('loss')[39]!).toBeLessThan(history.get('loss')[0]!);
      expect(evaluate(model, [xTest, yTest], { metrics: ['accuracy'] })['accuracy']).toBeGreaterThanOrEqual(
        0.9,
      );
      const out = predict(model, xTest, { batchSize: 7 });
      expect(out.shape).toEqual([45, 3]);
    }
  });

  it('validates its options', async () => {
    const model = mlp();
    const data = [randn([4, 4]), tensor([0, 1, 2, 0], { dtype: 'int32' })] as const;
    const optimizer = new SGD(model.parameters(), { lr: 0.1 });
    await expect(fit(model, data, { optimizer, loss: crossEntropy, epochs: 0 })).rejects.toThrow(
      /epochs must be an integer >= 1/,
    );
    await expect(fit(model, data, { optimizer: {} as never, loss: crossEntropy })).rejects.toThrow(
      /optimizer must have step\(\) and zeroGrad\(\)/,
    );
    await expect(fit(model, data, { optimizer, loss: crossEntropy, validationSplit: 1.5 })).rejects.toThrow(
      /validationSplit must be a number in \(0, 1\)/,
    );
    await expect(
      fit(model, [randn([4, 4]), tensor([0], { dtype: 'int32' })], {
        optimizer,
        loss: crossEntropy,
        verbose: 0,
      }),
    ).rejects.toThrow(/4 samples but targets have 1/);
  });

  it('validationSplit holds out the last samples and logs val* values', async () => {
    const { xTrain, yTrain } = irisSplit();
    const model = mlp();
    const history = await fit(model, [xTrain, yTrain], {
      optimizer: new Adam(model.parameters(), { lr: 0.01 }),
      loss: crossEntropy,
      epochs: 3,
      validationSplit: 0.2,
      metrics: ['accuracy'],
      verbose: 0,
    });
    expect(Object.keys(history.history).sort()).toEqual(['accuracy', 'loss', 'valAccuracy', 'valLoss']);
  });

  it('switches train() for training and eval() for validation, then restores the mode', async () => {
    const seen: boolean[] = [];
    class Probe extends Module {
      readonly fc = this.addModule('fc', new Linear(2, 2));
      forward(x: Tensor): Tensor {
        seen.push(this.training);
        return this.fc.forward(x);
      }
    }
    const model = new Probe().eval();
    const data = [randn([4, 2]), tensor([0, 1, 1, 0], { dtype: 'int32' })] as const;
    await fit(model, data, {
      optimizer: new SGD(model.parameters(), { lr: 0.1 }),
      loss: crossEntropy,
      epochs: 1,
      batchSize: 4,
      validationData: data,
      verbose: 0,
    });
    expect(seen).toEqual([true, false]);
    expect(model.training).toBe(false);
  });

  it('callbacks fire in order', async () => {
    const events: string[] = [];
    const recorder: Callback = {
      onTrainBegin: () => void events.push('trainBegin'),
      onEpochBegin: (e) => void events.push(`epochBegin ${e}`),
      onBatchEnd: (b) => void events.push(`batch ${b}`),
      onEpochEnd: (e, logs) => void events.push(`epochEnd ${e} ${Object.keys(logs).join(',')}`),
      onTrainEnd: () => void events.push('trainEnd'),
    };
    const model = mlp();
    const data = [randn([6, 4]), tensor([0, 1, 2, 0, 1, 2], { dtype: 'int32' })] as const;
    await fit(model, data, {
      optimizer: new SGD(model.parameters(), { lr: 0.1 }),
      loss: crossEntropy,
      epochs: 2,
      batchSize: 4,
      callbacks: [recorder],
      verbose: 0,
    });
    expect(events).toEqual([
      'trainBegin',
      'epochBegin 0',
      'batch 0',
      'batch 1',
      'epochEnd 0 loss',
      'epochBegin 1',
      'batch 0',
      'batch 1',
      'epochEnd 1 loss',
      'trainEnd',
    ]);
  });

  it('early stopping stops after `patience` epochs without improvement and restores the best weights', async () => {
    const model = new Sequential(new Linear(1, 1));
    const stopper = new EarlyStopping({
      monitor: 'score',
      mode: 'max',
      patience: 2,
      restoreBestWeights: true,
    });
    const scores = [0.1, 0.5, 0.4, 0.3, 0.2, 0.9];
    const weightAtEpoch: number[] = [];
    const scripted: Callback = {
      onEpochEnd: (epoch, logs) => {
        logs['score'] = scores[epoch]!;
        weightAtEpoch.push(model.parameters()[0]!.item());
      },
    };
    const data = [randn([8, 1]), randn([8, 1])] as const;
    const history = await fit(model, data, {
      optimizer: new SGD(model.parameters(), { lr: 0.1 }),
      loss: mseLoss,
      epochs: 6,
      callbacks: [scripted, stopper],
      verbose: 0,
    });
    expect(history.epochs).toEqual([0, 1, 2, 3]); // best at 1, no improvement at 2 and 3 → stop
    expect(history.stopReason).toMatch(
      /early stopping: 'score' did not improve for 2 epochs \(best 0.5000 at epoch 2\)/,
    );
    expect(stopper.bestEpoch).toBe(1);
    expect(model.parameters()[0]!.item()).toBe(weightAtEpoch[1]);
  });

  it('LearningRateScheduler steps a schedule each epoch (or with a monitored value); ModelCheckpoint keeps the best weights', async () => {
    const model = mlp();
    const optimizer = new SGD(model.parameters(), { lr: 0.1 });
    const lrs: number[] = [];
    const plateau = { step: (metric?: number) => void lrs.push(metric ?? Number.NaN) };
    const checkpoint = new ModelCheckpoint({ monitor: 'loss' });
    const { xTrain, yTrain } = irisSplit();
    await fit(model, [xTrain, yTrain], {
      optimizer,
      loss: crossEntropy,
      epochs: 3,
      verbose: 0,
      callbacks: [
        new LearningRateScheduler(new StepLR(optimizer, { stepSize: 1, gamma: 0.5 })),
        new LearningRateScheduler(plateau, { monitor: 'loss' }),
        checkpoint,
      ],
    });
    expect(optimizer.lr).toBeCloseTo(0.1 * 0.5 ** 3, 12);
    expect(lrs.length).toBe(3);
    expect(lrs.every(Number.isFinite)).toBe(true);
    expect(checkpoint.bestState!.size).toBe(4);
    expect(checkpoint.best).toBeCloseTo(Math.min(...lrs), 12);
    checkpoint.dispose();
  });

  it('memory stays flat over 2,000 training steps', async () => {
    const model = mlp();
    const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
    const data = [
      randn([64, 4]),
      tensor(
        Array.from({ length: 64 }, (_, i) => i % 3),
        { dtype: 'int32' },
      ),
    ] as const;
    const options = {
      optimizer,
      loss: crossEntropy,
      batchSize: 8,
      metrics: ['accuracy'],
      validationData: data,
      verbose: 0,
    } as const;
    await fit(model, data, { ...options, epochs: 1 }); // optimizer state is created on the first step
    // Debug mode holds every tensor created from now on (so the garbage collector cannot hide a leak,
    // and tensors left over from other tests do not count): after fit, only the parameters'
    // gradients from the last step may still be alive — a fixed number, however many steps ran.
    setDebug(true);
    try {
      const history = await fit(model, data, { ...options, epochs: 250 }); // 250 × 8 = 2,000 steps
      expect(history.epochs.length).toBe(250);
      const alive = liveTensorSites().reduce((n, site) => n + site.count, 0);
      expect(alive).toBe(model.parameters().length);
      expect(model.parameters().every((p) => p.grad !== null)).toBe(true);
    } finally {
      setDebug(false);
    }
  });

  it('an AbortSignal stops training between batches', async () => {
    const controller = new AbortController();
    const model = mlp();
    let batches = 0;
    const abortAfterThree: Callback = {
      onBatchEnd: () => {
        if (++batches === 3) controller.abort();
      },
    };
    const data = [
      randn([64, 4]),
      tensor(
        Array.from({ length: 64 }, (_, i) => i % 3),
        { dtype: 'int32' },
      ),
    ] as const;
    const history = await fit(model, data, {
      optimizer: new SGD(model.parameters(), { lr: 0.1 }),
      loss: crossEntropy,
      epochs: 10,
      batchSize: 8,
      signal: controller.signal,
      callbacks: [abortAfterThree],
      verbose: 0,
    });
    expect(history.stopReason).toBe('aborted');
    expect(batches).toBe(3);
    expect(history.epochs.length).toBe(0);
  });

  it('clipGradNorm bounds each step; L2 regularisation shrinks the weights', async () => {
    const data = [randn([16, 4]).mul(100), randn([16, 1]).mul(100)] as const;
    const model = new Sequential(new Linear(4, 1));
    const w0 = Array.from(model.parameters()[0]!.data());
    await fit(model, data, {
      optimizer: new SGD(model.parameters(), { lr: 0.1 }),
      loss: mseLoss,
      epochs: 1,
      batchSize: 16,
      clipGradNorm: 1,
      verbose: 0,
    });
    const w1 = Array.from(model.parameters()[0]!.data());
    const step = Math.sqrt(w1.reduce((s, v, i) => s + (v - w0[i]!) ** 2, 0));
    expect(step).toBeLessThanOrEqual(0.1 * 1 + 1e-6);
    const norm = async (l2: number) => {
      manualSeed(3);
      const m = new Sequential(new Linear(4, 1));
      await fit(m, [randn([32, 4]), randn([32, 1])], {
        optimizer: new SGD(m.parameters(), { lr: 0.05 }),
        loss: mseLoss,
        epochs: 30,
        regularization: { l2 },
        verbose: 0,
        seed: 0,
      });
      return m.parameters()[0]!.square().sum().item();
    };
    expect(await norm(1)).toBeLessThan(await norm(0));
  });
});

describe('fit releases what it made, however it ends (issue 12 #17)', () => {
  /** A model whose gradients already exist, so that a fit adds no long-lived tensor of its own. */
  async function warmModel() {
    const model = new Sequential(new Linear(4, 1));
    const optimizer = new SGD(model.parameters(), { lr: 0.01 });
    const options = { optimizer, loss: mseLoss, epochs: 1, verbose: 0 } as const;
    const warmUp = [randn([8, 4]), randn([8, 1])] as const;
    await fit(model, warmUp, options);
    for (const t of warmUp) t.dispose();
    return { model, options };
  }

  const counts = () => {
    const { tensors, storages, bytes } = memory();
    return { tensors, storages, bytes };
  };

  it('validationSplit keeps no view of the data once fit returns', async () => {
    const { model, options } = await warmModel();
    const before = counts();
    const x = randn([50, 4]);
    const y = randn([50, 1]);
    await fit(model, [x, y], { ...options, epochs: 2, validationSplit: 0.2 });
    x.dispose();
    y.dispose();
    expect(counts()).toEqual(before); // 4 views (3,000 bytes with the data) stayed alive
  });

  it("EarlyStopping's best weights are released when fit throws", async () => {
    const { model, options } = await warmModel();
    const before = counts();
    const x = randn([50, 4]);
    const y = randn([50, 1]);
    const failAtThirdEpoch: Callback = {
      onEpochBegin: (epoch) => {
        if (epoch === 2) throw new Error('callback failed');
      },
    };
    const stopper = new EarlyStopping({ monitor: 'valLoss', patience: 5, restoreBestWeights: true });
    await expect(
      fit(model, [x, y], {
        ...options,
        epochs: 5,
        validationData: [x, y],
        callbacks: [stopper, failAtThirdEpoch],
      }),
    ).rejects.toThrow('callback failed');
    x.dispose();
    y.dispose();
    expect(counts()).toEqual(before); // the snapshot of the 2 parameters stayed alive
  });
});

describe('seeded fits are reproducible', () => {
  // issue 12 #10: Dropout drew from the one global generator, so interleaved fits disturbed each other.
  it('two concurrent fits with the same seed give bit-identical weights, with Dropout', async () => {
    const data = [randn([64, 4]), randn([64, 1])] as const;
    // Every batch waits for a macrotask, so the two fits surely interleave batch by batch.
    const interleave: Callback = { onBatchEnd: () => new Promise((resolve) => setTimeout(resolve, 0)) };
    const run = (seed: number) => {
      manualSeed(0);
      const model = new Sequential(new Linear(4, 16), new ReLU(), new Dropout(0.5), new Linear(16, 1));
      const done = fit(model, data, {
        optimizer: new SGD(model.parameters(), { lr: 0.05 }),
        loss: mseLoss,
        epochs: 3,
        batchSize: 8,
        seed,
        callbacks: [interleave],
        verbose: 0,
      });
      return done.then(() => model.parameters().map((p) => Array.from(p.data())));
    };
    const [a, b, other] = await Promise.all([run(7), run(7), run(8)]);
    expect(b).toEqual(a);
    expect(other).not.toEqual(a); // the seed does matter
  });
});

describe('fit stops on a non-finite loss (issue 16 #6)', () => {
  it('stops before the step that would make the weights NaN, and says why', async () => {
    const model = new Linear(2, 1);
    const before = Array.from(model.weight.data());
    const x = tensor([
      [1, 2],
      [Number.NaN, 1],
      [0, 1],
      [1, 1],
    ]);
    const y = tensor([[1], [2], [3], [4]]);
    const history = await fit(model, [x, y], {
      optimizer: new SGD(model.parameters(), { lr: 0.01 }),
      loss: mseLoss,
      epochs: 3,
      batchSize: 4,
      shuffle: false,
      verbose: 0,
    });
    expect(history.stopReason).toMatch(
      /^non-finite loss \(NaN\) at epoch 1, batch 1; the weights are those before that step/,
    );
    expect(Array.from(model.weight.data())).toEqual(before);
    const goOn = await fit(model, [x, y], {
      optimizer: new SGD(model.parameters(), { lr: 0.01 }),
      loss: mseLoss,
      epochs: 1,
      batchSize: 4,
      verbose: 0,
      terminateOnNaN: false,
    });
    expect(goOn.stopReason).toBe('completed');
    expect(Number.isNaN(model.weight.data()[0])).toBe(true);
    for (const v of [x, y]) v.dispose();
    model.dispose();
  });
});
