// Optimizer state as safetensors (issue 15 item 4): saveState() writes every buffer as an F32
// tensor and the scalars as metadata; loadState() checks everything first and resumes exactly.
import { memory, type Tensor, tensor } from '@myelin/tensor';
import { describe, expect, it } from 'vitest';
import {
  Adagrad,
  Adam,
  AdamW,
  CosineAnnealingLR,
  type Optimizer,
  ReduceLROnPlateau,
  RMSprop,
  SGD,
  StepLR,
} from './index.js';

type Make = (params: Tensor[]) => Optimizer<{ lr: number }>;
const OPTIMIZERS: [string, Make][] = [
  ['SGD with momentum', (p) => new SGD(p, { lr: 0.05, momentum: 0.9, nesterov: true })],
  ['Adam amsgrad', (p) => new Adam(p, { lr: 0.05, amsgrad: true })],
  ['AdamW', (p) => new AdamW([{ params: p.slice(0, 1) }, { params: p.slice(1), lr: 0.01 }], { lr: 0.05 })],
  ['RMSprop centered', (p) => new RMSprop(p, { lr: 0.01, centered: true, momentum: 0.5 })],
  ['Adagrad', (p) => new Adagrad(p, { lr: 0.1 })],
];

const X = [0.5, -1, 2, 0.25, -0.75, 1.5];
const Y = [1, -2, 0.5];

/** A tiny least-squares model: w [2], b [1]; the loss of (x·w + b − y)². */
function model([w0, w1, b]: readonly number[] = [0.3, -0.2, 0.1]): Tensor[] {
  return [tensor([w0!, w1!], { requiresGrad: true }), tensor([b!], { requiresGrad: true })];
}

function train(params: Tensor[], opt: Optimizer<{ lr: number }>, steps: number): void {
  const x = tensor(X, { shape: [3, 2] });
  const y = tensor(Y, { shape: [3, 1] });
  for (let i = 0; i < steps; i++) {
    opt.zeroGrad();
    x.matmul(params[0]!.reshape([2, 1]))
      .add(params[1]!)
      .sub(y)
      .square()
      .mean()
      .backward();
    opt.step();
  }
  x.dispose();
  y.dispose();
}

const values = (params: Tensor[]) => params.flatMap((p) => Array.from(p.data()));

describe('Optimizer.saveState / loadState (issue 15 item 4)', () => {
  it.each(OPTIMIZERS)('%s: continuing and resuming from the bytes are bit-identical', (_, make) => {
    const params = model();
    const opt = make(params);
    train(params, opt, 3);
    const saved = opt.saveState();
    const savedParams = values(params);
    train(params, opt, 4);

    const resumedParams = model(savedParams);
    const resumed = make(resumedParams);
    resumed.loadState(saved);
    train(resumedParams, resumed, 4);
    expect(values(resumedParams)).toEqual(values(params));
    expect(resumed.stateDict()).toEqual(opt.stateDict());
    for (const o of [opt, resumed]) o.dispose();
    for (const p of [...params, ...resumedParams]) p.dispose();
  });

  it('names buffers state.<position>.<name> and keeps scalars in the metadata', () => {
    const params = model();
    const opt = new Adam(params, { lr: 0.05 });
    train(params, opt, 2);
    const bytes = opt.saveState();
    const length = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length)));
    expect(Object.keys(header).sort()).toEqual([
      '__metadata__',
      'state.0.expAvg',
      'state.0.expAvgSq',
      'state.1.expAvg',
      'state.1.expAvgSq',
    ]);
    expect(header['state.0.expAvg']).toEqual({ dtype: 'F32', shape: [2], data_offsets: [0, 8] });
    const meta = header.__metadata__;
    expect(meta['state.0.step']).toBe('2');
    expect(meta.optimizer).toBe('Adam');
    expect(JSON.parse(meta.param_groups)[0]).toMatchObject({ lr: 0.05, betas: [0.9, 0.999], params: [0, 1] });
    opt.dispose();
    for (const p of params) p.dispose();
  });

  it('rejects a bad file with a clear error, leaving the optimizer unchanged and leaking nothing', () => {
    const params = model();
    const opt = new Adam(params, { lr: 0.05 });
    train(params, opt, 2);
    const good = opt.saveState();
    const before = JSON.stringify(opt.stateDict());
    const otherParams = model();
    const adamW = new AdamW(otherParams).saveState();
    const tensorsBefore = memory().tensors;
    /** `good` with `from` replaced by `to` in its header (the header length updated). */
    const edit = (from: string, to: string) => {
      const length = Number(new DataView(good.buffer).getBigUint64(0, true));
      const text = new TextDecoder().decode(good.subarray(8, 8 + length));
      expect(text).toContain(from);
      const header = new TextEncoder().encode(text.replace(from, to));
      const out = new Uint8Array(8 + header.length + good.length - 8 - length);
      new DataView(out.buffer).setBigUint64(0, BigInt(header.length), true);
      out.set(header, 8);
      out.set(good.subarray(8 + length), 8 + header.length);
      return out;
    };
    const cases: [unknown, RegExp][] = [
      ['bytes', /Adam\.loadState: expected a Uint8Array or ArrayBuffer, got "bytes"/],
      [good.subarray(0, 5), /Adam\.loadState: the file is 5 bytes/],
      [
        good.subarray(0, good.length - 4),
        /the tensors cover 24 of 20 data bytes \(truncated or corrupted file\?\)/,
      ],
      [adamW, /the file holds the state of "AdamW", expected Adam/],
      [edit('"state.0.step":"2"', '"state.0.step":"-2"'), /Adam\.loadState: 'step' of parameter 0 is -2/],
      [edit('"state.0.step":"2"', '"state.0.step":"xy"'), /"state.0.step" is "xy", expected a number/],
      [edit('\\"lr\\":0.05', '\\"lr\\":-0.5'), /Adam\.loadState: group 0: .*lr/],
      [edit('"state.1.expAvg"', '"state.7.expAvg"'), /Adam\.loadState: 'expAvg' of parameter 1 is missing/],
      [edit('"state.1.expAvg"', '"bogus.1.expAvg"'), /unexpected entry "bogus.1.expAvg"/],
    ];
    for (const [input, error] of cases) {
      expect(() => opt.loadState(input as Uint8Array)).toThrow(error);
      expect(JSON.stringify(opt.stateDict())).toBe(before);
    }
    expect(memory().tensors).toBe(tensorsBefore);
    opt.dispose();
    for (const p of [...params, ...otherParams]) p.dispose();
  });
});

describe('saveState / loadState with a learning-rate scheduler (issue 15 item 5)', () => {
  // Before: the scheduler's state was not in the file, so a resumed run restarted its schedule.
  it('Adam + StepLR: one file resumes both, bit-identical to the run that continued', () => {
    const run = (params: Tensor[], opt: Optimizer<{ lr: number }>, scheduler: StepLR, steps: number) => {
      for (let i = 0; i < steps; i++) {
        train(params, opt, 1);
        scheduler.step();
      }
    };
    const params = model();
    const opt = new Adam(params, { lr: 0.05 });
    const scheduler = new StepLR(opt, { stepSize: 2, gamma: 0.5 });
    run(params, opt, scheduler, 3);
    const saved = opt.saveState({ scheduler });
    const savedParams = values(params);
    run(params, opt, scheduler, 4);

    const resumedParams = model(savedParams);
    const resumed = new Adam(resumedParams, { lr: 0.05 });
    const resumedScheduler = new StepLR(resumed, { stepSize: 2, gamma: 0.5 });
    resumed.loadState(saved, { scheduler: resumedScheduler });
    expect(resumedScheduler.lastEpoch).toBe(3);
    expect(resumedScheduler.getLastLr()).toEqual([0.05 * 0.5]);
    run(resumedParams, resumed, resumedScheduler, 4);
    expect(values(resumedParams)).toEqual(values(params));
    expect(resumedScheduler.stateDict()).toEqual(scheduler.stateDict());
    expect(resumed.lr).toBe(opt.lr);
    for (const o of [opt, resumed]) o.dispose();
    for (const p of [...params, ...resumedParams]) p.dispose();
  });

  it('restores the base rates even when the scheduler was built on an already decayed rate', () => {
    const params = model();
    const opt = new SGD(params, { lr: 0.1 });
    const scheduler = new CosineAnnealingLR(opt, { tMax: 10 });
    for (let i = 0; i < 4; i++) scheduler.step();
    const saved = opt.saveState({ scheduler });
    const other = new SGD(model(), { lr: 0.1 });
    other.loadState(saved); // the optimizer alone: its lr is now the decayed one
    const late = new CosineAnnealingLR(other, { tMax: 10 }); // base rate taken from the decayed lr
    other.loadState(saved, { scheduler: late });
    expect(late.baseLrs).toEqual([0.1]);
    scheduler.step();
    late.step();
    expect(other.lr).toBe(opt.lr);
    for (const p of [...params, ...other.paramGroups[0]!.params]) p.dispose();
  });

  it('ReduceLROnPlateau: its counters and an infinite best value round-trip', () => {
    const params = model();
    const opt = new SGD(params, { lr: 0.1 });
    const plateau = new ReduceLROnPlateau(opt, { patience: 1 });
    const fresh = new ReduceLROnPlateau(opt, { patience: 1 });
    opt.loadState(opt.saveState({ scheduler: plateau }), { scheduler: fresh });
    expect(fresh.best).toBe(Infinity);
    for (const metric of [1, 0.5, 0.6, 0.7]) plateau.step(metric);
    const other = new SGD(model(), { lr: 0.1 });
    const resumed = new ReduceLROnPlateau(other, { patience: 1 });
    other.loadState(opt.saveState({ scheduler: plateau }), { scheduler: resumed });
    expect(resumed.stateDict()).toEqual(plateau.stateDict());
    expect(other.lr).toBeCloseTo(0.01, 12);
    for (const metric of [0.8, 0.4, 0.9, 0.95]) {
      plateau.step(metric);
      resumed.step(metric);
    }
    expect(other.lr).toBe(opt.lr);
    expect(resumed.stateDict()).toEqual(plateau.stateDict());
    for (const p of [...params, ...other.paramGroups[0]!.params]) p.dispose();
  });

  it('rejects a file without scheduler state, another kind of scheduler or another optimizer, changing nothing', () => {
    const params = model();
    const opt = new SGD(params, { lr: 0.1 });
    const scheduler = new StepLR(opt, { stepSize: 1 });
    const plain = opt.saveState();
    const withStep = opt.saveState({ scheduler });
    scheduler.step();
    expect(() => opt.loadState(plain, { scheduler })).toThrow(
      'SGD.loadState: the file holds no scheduler state (saved without { scheduler }?)',
    );
    const plateau = new ReduceLROnPlateau(opt);
    expect(() => opt.loadState(withStep, { scheduler: plateau })).toThrow(
      'SGD.loadState: the file holds the state of a "StepLR" scheduler, expected ReduceLROnPlateau',
    );
    const another = new SGD(model(), { lr: 0.1 });
    expect(() => another.saveState({ scheduler })).toThrow(
      'SGD.saveState: the scheduler drives another optimizer than this SGD',
    );
    expect(() => opt.saveState({ scheduler: {} as never })).toThrow(
      'SGD.saveState: scheduler must be a learning-rate scheduler',
    );
    expect(opt.lr).toBeCloseTo(0.01, 12);
    expect(scheduler.lastEpoch).toBe(1);
    for (const p of [...params, ...another.paramGroups[0]!.params]) p.dispose();
  });
});
