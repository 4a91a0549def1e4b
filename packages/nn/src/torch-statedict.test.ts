// Moving weights between PyTorch and Myelin (issue 15 items 3 and 4): state dicts PyTorch saved as
// safetensors load strictly into the same Myelin architecture and compute PyTorch's output; Myelin
// saves PyTorch's names. Fixtures: scripts/torch-statedict-fixtures.py.
import { Adam } from '@myelin/optim';
import { manualSeed, memory, randn, type Tensor, tensor, tidy, zeros } from '@myelin/tensor';
import { describe, expect, it } from 'vitest';
import { torchStateDictFixtures as F } from './fixtures/torch-statedict.generated.js';
import {
  BatchNorm1d,
  BatchNorm2d,
  Conv2d,
  Flatten,
  Linear,
  LSTM,
  loadModule,
  type Module,
  mseLoss,
  parseSafetensors,
  ReLU,
  Sequential,
  saveModule,
  toSafetensors,
} from './index.js';

const bytesOf = (base64: string) => Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));

const architectures: Record<keyof typeof F, () => { model: Module; run: (x: Tensor) => Tensor }> = {
  mlp: () => {
    const model = new Sequential(new Linear(4, 8), new BatchNorm1d(8), new ReLU(), new Linear(8, 3));
    return { model, run: (x) => model.forward(x) };
  },
  cnn: () => {
    const model = new Sequential(
      new Conv2d(2, 4, 3),
      new BatchNorm2d(4),
      new ReLU(),
      new Flatten(),
      new Linear(4 * 4 * 4, 3),
    );
    return { model, run: (x) => model.forward(x) };
  },
  lstm: () => {
    const model = new LSTM(3, 5, { numLayers: 2, batchFirst: true });
    return { model, run: (x) => model.forward(x)[0] };
  },
};

function expectClose(actual: ArrayLike<number>, expected: readonly number[], tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  const worst = Math.max(...expected.map((e, i) => Math.abs(actual[i]! - e)));
  expect(worst).toBeLessThan(tolerance);
}

describe('state dicts saved by PyTorch', () => {
  for (const name of Object.keys(F) as (keyof typeof F)[]) {
    it(`the ${name} loads strictly and computes PyTorch's output within 1e-5`, () => {
      const fixture = F[name];
      const { model, run } = architectures[name]();
      // The same names in PyTorch's order, module by module: own parameters, own buffers, children
      // (issue 15 item 4: Myelin listed every parameter before every buffer).
      expect([...model.stateDict().keys()]).toEqual([...fixture.keys]);
      loadModule(model, bytesOf(fixture.file), { strict: true });
      model.eval();
      const x = tensor(fixture.input.data, { shape: fixture.input.shape });
      const y = run(x);
      expect(y.shape).toEqual(fixture.output.shape);
      expectClose(y.data(), fixture.output.data, 1e-5);
      model.dispose();
    });
  }

  it('reads num_batches_tracked, int64 in PyTorch, as int32', () => {
    const { tensors } = parseSafetensors(bytesOf(F.mlp.file));
    const count = tensors.get('1.num_batches_tracked')!;
    expect(count.dtype).toBe('int32');
    expect(count.item()).toBe(3); // three training batches in the generator
    for (const t of tensors.values()) t.dispose();
  });
});

describe("Myelin's state dict names", () => {
  it('BatchNorm buffers use PyTorch’s names (issue 15 item 3: they were camelCase)', () => {
    for (const bn of [new BatchNorm1d(3), new BatchNorm2d(3)]) {
      expect([...bn.stateDict().keys()]).toEqual([
        'weight',
        'bias',
        'running_mean',
        'running_var',
        'num_batches_tracked',
      ]);
      const { tensors } = parseSafetensors(saveModule(bn));
      expect([...tensors.keys()]).toContain('running_var');
      for (const t of tensors.values()) t.dispose();
      bn.dispose();
    }
  });

  it('files saved with the old camelCase BatchNorm names still load', () => {
    const model = new Sequential(new Linear(2, 3), new BatchNorm2d(3));
    const old = {
      '0.weight': zeros([3, 2]).add(0.5),
      '0.bias': zeros([3]),
      '1.weight': zeros([3]).add(2),
      '1.bias': zeros([3]),
      '1.runningMean': zeros([3]).add(0.25),
      '1.runningVar': zeros([3]).add(4),
      '1.numBatchesTracked': tensor([7], { shape: [], dtype: 'int32' }),
    };
    loadModule(model, toSafetensors(old), { strict: true });
    const bn = model.at(1) as BatchNorm2d;
    expect(Array.from(bn.runningMean!.data())).toEqual([0.25, 0.25, 0.25]);
    expect(Array.from(bn.runningVar!.data())).toEqual([4, 4, 4]);
    expect(bn.numBatchesTracked!.item()).toBe(7);
    expect(Array.from(bn.weight!.data())).toEqual([2, 2, 2]);
    for (const t of Object.values(old)) t.dispose();
    model.dispose();
  });

  it('rejects a buffer given under both its old and its new name, loading nothing', () => {
    const bn = new BatchNorm1d(2);
    const state = new Map<string, Tensor>(bn.stateDict());
    const stray = zeros([2]).add(9);
    state.set('runningMean', stray);
    expect(() => bn.loadStateDict(state)).toThrow(
      "BatchNorm1d.loadStateDict: 'runningMean' and 'running_mean' are the same tensor, given twice (nothing was loaded)",
    );
    expect(Array.from(bn.runningMean!.data())).toEqual([0, 0]);
    stray.dispose();
    bn.dispose();
  });

  it('round-trips Myelin → safetensors → Myelin with PyTorch’s names and no leak', () => {
    const before = memory().tensors;
    const a = architectures.cnn();
    const b = architectures.cnn();
    loadModule(b.model, saveModule(a.model));
    for (const [name, t] of a.model.stateDict())
      expect(Array.from(b.model.stateDict().get(name)!.data())).toEqual(Array.from(t.data()));
    a.model.dispose();
    b.model.dispose();
    expect(memory().tensors).toBe(before);
  });
});

describe('resuming training from a model file and an optimizer file (issue 15 item 4)', () => {
  it('continuing and resuming from saveModule + saveState are bit-identical', () => {
    manualSeed(15);
    const x = randn([8, 4]);
    const y = randn([8, 3]);
    const make = () => architectures.mlp().model;
    const train = (model: Module, opt: Adam, steps: number) => {
      for (let i = 0; i < steps; i++) {
        opt.zeroGrad();
        tidy(() => mseLoss(model.forward(x), y).backward());
        opt.step();
      }
    };
    const model = make();
    const opt = new Adam(model.parameters(), { lr: 0.01 });
    train(model, opt, 3);
    const modelFile = saveModule(model);
    const optimizerFile = opt.saveState();
    train(model, opt, 3);

    const resumed = make();
    loadModule(resumed, modelFile);
    const resumedOpt = new Adam(resumed.parameters(), { lr: 0.5 }); // the file restores lr too
    resumedOpt.loadState(optimizerFile);
    train(resumed, resumedOpt, 3);
    for (const [name, t] of model.stateDict())
      expect(Array.from(resumed.stateDict().get(name)!.data()), name).toEqual(Array.from(t.data()));
    for (const m of [model, resumed]) m.dispose();
    for (const o of [opt, resumedOpt]) o.dispose();
    x.dispose();
    y.dispose();
  });
});
