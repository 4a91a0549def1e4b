// Checks that keep bad gradients and bad saved state from reaching the fused kernels (issue 12 #3
// and #15): each throws a clear error before anything changes, and leaks nothing.
import { full, memory, type Tensor, tensor, zeros } from '@myelin/tensor';
import { describe, expect, it } from 'vitest';
import { Adagrad, Adam, AdamW, type Optimizer, type OptimizerStateDict, RMSprop, SGD } from './index.js';

type Make = (params: Tensor[]) => Optimizer<{ lr: number }>;
const OPTIMIZERS: [string, Make][] = [
  ['SGD', (p) => new SGD(p, { lr: 0.1 })],
  ['SGD', (p) => new SGD(p, { lr: 0.1, momentum: 0.9 })],
  ['Adam', (p) => new Adam(p, { lr: 0.1, amsgrad: true })],
  ['AdamW', (p) => new AdamW(p, { lr: 0.1 })],
  ['RMSprop', (p) => new RMSprop(p, { lr: 0.1, centered: true, momentum: 0.5 })],
  ['Adagrad', (p) => new Adagrad(p, { lr: 0.1 })],
];

/** Runs `fn`, expecting it to throw `error`, and checks that no tensor or byte was left behind. */
function expectThrowsWithoutLeak(fn: () => void, error: RegExp): void {
  const before = memory();
  expect(fn).toThrow(error);
  expect(memory().tensors).toBe(before.tensors);
  expect(memory().bytes).toBe(before.bytes);
}

describe('step() checks every gradient before updating (issue 12 #3)', () => {
  it.each(OPTIMIZERS)(
    '%s rejects a gradient of the wrong shape, dtype or lifetime, changing nothing',
    (name, make) => {
      const good = tensor([1, 2, 3], { requiresGrad: true });
      const p = full([2000], 1, { requiresGrad: true });
      const opt = make([good, p]);
      good.grad = tensor([1, 1, 1]);
      // The [1] gradient of a [2000] parameter made the fused update read 1999 values past it. Such a
      // gradient can no longer be assigned (the .grad setter checks shape and dtype, issue 12 #2);
      // step() keeps its own check as a second line of defence for what the setter cannot see.
      expect(() => {
        p.grad = tensor([5]);
      }).toThrow(/grad: the assigned gradient has shape \[1\]/);
      expect(() => {
        p.grad = zeros([2000], { dtype: 'int32' });
      }).toThrow(/grad: .*int32/);
      const disposed = zeros([2000]);
      p.grad = disposed;
      disposed.dispose();
      expectThrowsWithoutLeak(() => opt.step(), /the gradient of parameter 1 .* was disposed/);
      // Nothing moved and no state was created, not even for the parameter whose gradient was fine.
      expect(good.toArray()).toEqual([1, 2, 3]);
      expect(p.data().every((v) => v === 1)).toBe(true);
      expect(opt.stateDict().state).toEqual({});
      p.dispose();
      expect(() => opt.step()).toThrow(
        new RegExp(`^${name}\\.step: parameter 1 of group 0 \\(shape \\[2000\\]\\) was disposed$`),
      );
    },
  );

  it.each(OPTIMIZERS)(
    '%s reads a non-contiguous gradient by its layout (transposed, expanded)',
    (_, make) => {
      const run = (grad: () => Tensor): number[] => {
        const p = tensor(
          [
            [1, 2, 3],
            [4, 5, 6],
          ],
          { requiresGrad: true },
        );
        const opt = make([p]);
        for (let t = 0; t < 2; t++) {
          p.grad = grad();
          opt.step();
        }
        opt.dispose();
        return Array.from(p.data());
      };
      const dense = [
        [0.5, -1, 2],
        [3, 0.25, -4],
      ];
      const want = run(() => tensor(dense));
      const transposed = run(() =>
        tensor([
          [0.5, 3],
          [-1, 0.25],
          [2, -4],
        ]).transpose(),
      );
      expect(transposed).toEqual(want);
      const row = [0.5, -1, 2];
      expect(run(() => tensor([row]).expand(2, 3))).toEqual(run(() => tensor([row, row])));
    },
  );

  it('the contiguous copy of a non-contiguous gradient is freed after the step', () => {
    const p = zeros([4, 4], { requiresGrad: true });
    const opt = new Adam([p]);
    p.grad = tensor([1, 2, 3, 4]).expand(4, 4);
    opt.step();
    const before = memory();
    for (let t = 0; t < 5; t++) opt.step();
    expect(memory().tensors).toBe(before.tensors);
    expect(memory().bytes).toBe(before.bytes);
  });
});

describe('loadStateDict validates everything before changing anything (issue 12 #15)', () => {
  /** An Adam over two parameters, stepped 3 times, and its snapshot. */
  function trained(): { opt: Adam; good: OptimizerStateDict } {
    const params = [tensor([1, 2, 3], { requiresGrad: true }), tensor([4, 5], { requiresGrad: true })];
    const opt = new Adam(params, { lr: 0.01 });
    for (let t = 0; t < 3; t++) {
      params[0]!.grad = tensor([0.1, -0.2, 0.3]);
      params[1]!.grad = tensor([1, -1]);
      opt.step();
    }
    return { opt, good: opt.stateDict() };
  }

  /** A snapshot as parsed JSON, typed loosely so that a test can break it in any way. */
  interface Snapshot {
    state: Record<string, unknown>;
    paramGroups: unknown[];
  }
  const entry = (d: Snapshot) => d.state['1'] as Record<string, unknown>;
  const buffer = (d: Snapshot) => entry(d)['expAvg'] as { shape: unknown; data: unknown[] };
  const group = (d: Snapshot) => d.paramGroups[0] as Record<string, unknown>;

  /** The snapshot through JSON, changed by `edit`. */
  function edited(good: OptimizerStateDict, edit: (d: Snapshot) => void): OptimizerStateDict {
    const copy = JSON.parse(JSON.stringify(good));
    edit(copy);
    return copy;
  }

  const CASES: [string, (d: Snapshot) => void, RegExp][] = [
    [
      'a missing buffer',
      (d) => delete entry(d)['expAvgSq'],
      /^Adam\.loadStateDict: 'expAvgSq' of parameter 1 is missing$/,
    ],
    [
      'step -1',
      (d) => (entry(d)['step'] = -1),
      /'step' of parameter 1 is -1, expected a non-negative integer/,
    ],
    ['step 1.5', (d) => (entry(d)['step'] = 1.5), /'step' of parameter 1 is 1.5, expected a non-negative/],
    ['step 1e300', (d) => (entry(d)['step'] = 1e300), /'step' of parameter 1 is 1e\+300, expected/],
    ['step as a string', (d) => (entry(d)['step'] = '3'), /'step' of parameter 1 is "3", expected/],
    [
      'a string in a buffer',
      (d) => (buffer(d).data[1] = 'x'),
      /'expAvg' of parameter 1 holds "x" at index 1/,
    ],
    [
      'a short buffer',
      (d) => buffer(d).data.pop(),
      /'expAvg' of parameter 1 has 1 values, expected an array of 2 numbers/,
    ],
    [
      'a buffer of another shape',
      (d) => (buffer(d).shape = [1, 2]),
      /'expAvg' of parameter 1 has shape \[1,2\], the parameter \[2\]/,
    ],
    [
      'a buffer without data',
      (d) => (entry(d)['expAvg'] = { shape: [2] }),
      /'expAvg' of parameter 1 has data undefined/,
    ],
    [
      'an unexpected entry',
      (d) => (entry(d)['momentum'] = 1),
      /unexpected state entry "momentum" for parameter 1/,
    ],
    [
      'amsgrad without its buffer',
      (d) => (group(d)['amsgrad'] = true),
      /'maxExpAvgSq' of parameter 0 is missing/,
    ],
    [
      'a state for a parameter that does not exist',
      (d) => (d.state['2'] = entry(d)),
      /state for parameter "2", but there are only 2/,
    ],
    ['a state keyed by a non-index', (d) => (d.state['01'] = entry(d)), /state for parameter "01"/],
    [
      'a state that is not an object',
      (d) => (d.state['1'] = 5),
      /the state of parameter 1 is 5, expected an object/,
    ],
    ['no state', (d) => delete (d as Partial<Snapshot>).state, /'state' is undefined, expected an object/],
    [
      'wrong positions',
      (d) => (group(d)['params'] = [1, 0]),
      /lists parameter position 1 at index 0, expected 0/,
    ],
    ['too few parameters', (d) => (group(d)['params'] = [0]), /group 0 has 1 parameters, expected 2/],
    ['an unknown option', (d) => (group(d)['lR'] = 1), /group 0 has an unknown option "lR"/],
    [
      'an option of the wrong type',
      (d) => (group(d)['amsgrad'] = 'yes'),
      /option 'amsgrad' of group 0 is "yes", expected a boolean/,
    ],
    [
      'a negative learning rate',
      (d) => (group(d)['lr'] = -1),
      /^Adam\.loadStateDict: group 0: lr must be a finite number >= 0, got -1/,
    ],
    ['one beta', (d) => (group(d)['betas'] = [0.9]), /group 0: betas must be a pair/],
    [
      'a group that is not an object',
      (d) => (d.paramGroups[0] = null),
      /group 0 is null, expected an object/,
    ],
  ];

  it.each(CASES)('rejects %s: the optimizer is unchanged and no tensor leaks', (_, edit, error) => {
    const { opt, good } = trained();
    expectThrowsWithoutLeak(() => opt.loadStateDict(edited(good, edit)), error);
    expect(opt.stateDict()).toEqual(good);
    opt.loadStateDict(edited(good, () => {})); // and the unedited snapshot still loads
    expect(opt.stateDict()).toEqual(good);
  });

  it('rejects a dict that is not an object, and an SGD flag other than 0 or 1', () => {
    const { opt } = trained();
    expect(() => opt.loadStateDict(null as never)).toThrow(/^Adam\.loadStateDict: expected an object/);
    const p = tensor([1, 2], { requiresGrad: true });
    const sgd = new SGD([p], { lr: 0.1, momentum: 0.9 });
    p.grad = tensor([1, 1]);
    sgd.step();
    const saved = sgd.stateDict();
    expectThrowsWithoutLeak(
      () =>
        sgd.loadStateDict(edited(saved, (d) => ((d.state['0'] as Record<string, unknown>)['started'] = 2))),
      /^SGD\.loadStateDict: 'started' of parameter 0 is 2, expected 0 or 1$/,
    );
    expect(sgd.stateDict()).toEqual(saved);
  });
});
