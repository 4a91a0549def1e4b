// Recurrent layers beyond the PyTorch fixtures (rnn-reference.test.ts): shapes for every layout,
// padded batches against each sequence run alone, padSequence, parameter names, init, errors,
// inter-layer dropout, gradcheck of the cells, memory, and a small learning task.
import { Adam } from '@myelin/optim';
import { gradcheck, manualSeed, memory, randn, type Tensor, tensor, tidy, traceOps } from '@myelin/tensor';
import { describe, expect, it } from 'vitest';
import { GRU, GRUCell, Linear, LSTM, LSTMCell, mseLoss, padSequence, RNN, RNNCell } from './index.js';

function expectAllClose(got: Tensor, want: Tensor, tol = 2e-5): void {
  expect(got.shape).toEqual(want.shape);
  const a = got.data();
  const b = want.data();
  for (let i = 0; i < a.length; i++) {
    if (!(Math.abs(a[i]! - b[i]!) <= tol)) throw new Error(`[${i}]: ${a[i]} vs ${b[i]}`);
  }
}

type AnyLayer = RNN | LSTM | GRU;
/** [output, hN] of any of the three (hN of an LSTM: its h). */
function run(layer: AnyLayer, x: Tensor, h0?: Tensor | null, lengths?: number[]): [Tensor, Tensor] {
  const options = lengths === undefined ? {} : { lengths };
  if (layer instanceof LSTM) {
    const [out, [h]] = layer.forward(x, h0 ? [h0, h0.mul(0.5)] : null, options);
    return [out, h];
  }
  return layer.forward(x, h0, options);
}

describe('recurrent layer shapes', () => {
  manualSeed(21);
  const make = {
    RNN: (o: object) => new RNN(3, 4, o),
    LSTM: (o: object) => new LSTM(3, 4, o),
    GRU: (o: object) => new GRU(3, 4, o),
  };
  for (const [name, build] of Object.entries(make)) {
    for (const numLayers of [1, 2]) {
      for (const bidirectional of [false, true]) {
        for (const batchFirst of [false, true]) {
          it(`${name} numLayers ${numLayers} bidirectional ${bidirectional} batchFirst ${batchFirst}`, () => {
            const layer = build({ numLayers, bidirectional, batchFirst });
            const D = bidirectional ? 2 : 1;
            const x = batchFirst ? randn([2, 5, 3]) : randn([5, 2, 3]);
            const [out, hN] = run(layer, x);
            expect(out.shape).toEqual(batchFirst ? [2, 5, D * 4] : [5, 2, D * 4]);
            expect(hN.shape).toEqual([numLayers * D, 2, 4]);
            // Unbatched [T, I] (batchFirst does not apply) with an unbatched h0.
            const [u, uh] = run(layer, randn([5, 3]), randn([numLayers * D, 4]));
            expect(u.shape).toEqual([5, D * 4]);
            expect(uh.shape).toEqual([numLayers * D, 4]);
            if (layer instanceof LSTM) {
              const [, [, cN]] = layer.forward(x);
              expect(cN.shape).toEqual([numLayers * D, 2, 4]);
            }
          });
        }
      }
    }
  }

  it('projects the input of all steps with one matmul per layer and direction; an LSTM direction is then one op', () => {
    const calls: string[] = [];
    const lstm = new LSTM(3, 4, { numLayers: 2, bidirectional: true });
    traceOps(
      () => lstm.forward(randn([5, 2, 3])),
      (c) => calls.push(c.op),
    );
    // 2 layers × 2 directions × (1 projection + 1 whole-sequence LSTM op).
    expect(calls.filter((op) => op === 'matmul')).toHaveLength(4);
    expect(calls.filter((op) => op === 'lstmSequence')).toHaveLength(4);
    const gruCalls: string[] = [];
    traceOps(
      () => new GRU(3, 4).forward(randn([5, 2, 3])),
      (c) => gruCalls.push(c.op),
    );
    // 1 projection + 4 recurrent products (the zero h0 needs none), one fused cell per step.
    expect(gruCalls.filter((op) => op === 'matmul')).toHaveLength(5);
    expect(gruCalls.filter((op) => op === 'gruCell')).toHaveLength(5);
  });

  it('the last step of a unidirectional output is hN of the last layer', () => {
    const gru = new GRU(3, 4, { numLayers: 2 });
    const [out, hN] = gru.forward(randn([6, 2, 3]));
    expectAllClose(out.slice(0, 5, 6).squeeze(0), hN.slice(0, 1, 2).squeeze(0), 0);
  });

  it('an unbatched input gives the batch-of-one result', () => {
    const lstm = new LSTM(3, 4, { bidirectional: true });
    const x = randn([5, 3]);
    const [u, [uh, uc]] = lstm.forward(x);
    const [b, [bh, bc]] = lstm.forward(x.unsqueeze(1));
    expectAllClose(u, b.squeeze(1), 0);
    expectAllClose(uh, bh.squeeze(1), 0);
    expectAllClose(uc, bc.squeeze(1), 0);
  });
});

describe('variable lengths', () => {
  manualSeed(22);
  const layers: [string, () => AnyLayer][] = [
    ['LSTM 2 layers bidirectional', () => new LSTM(3, 4, { numLayers: 2, bidirectional: true })],
    ['GRU bidirectional batchFirst', () => new GRU(3, 4, { bidirectional: true, batchFirst: true })],
    ['RNN relu 2 layers', () => new RNN(3, 4, { numLayers: 2, nonlinearity: 'relu' })],
  ];
  for (const [name, build] of layers) {
    it(`${name}: a padded batch gives each sequence's own outputs, final states and gradients`, () => {
      const layer = build();
      const lengths = [3, 6, 1, 4];
      const sequences = lengths.map((n) => randn([n, 3], { requiresGrad: true }));
      const D = layer.bidirectional ? 2 : 1;
      const h0 = randn([layer.numLayers * D, 4, 4]);
      const x = padSequence(sequences, { batchFirst: layer.batchFirst, paddingValue: 9 });
      const [out, hN] = run(layer, x, h0, lengths);
      out.sum().add(hN.mul(2).sum()).backward();
      const paddedGrads = sequences.map((s) => s.grad!.clone());
      const paddedParamGrads = layer.parameters().map((p) => p.grad!.clone());
      layer.zeroGrad();
      for (const s of sequences) s.grad!.zero_();
      lengths.forEach((n, b) => {
        const xb = layer.batchFirst ? sequences[b]!.unsqueeze(0) : sequences[b]!.unsqueeze(1);
        const [ob, hb] = run(layer, xb, h0.slice(1, b, b + 1));
        const row = layer.batchFirst
          ? out.slice(0, b, b + 1).slice(1, 0, n)
          : out.slice(1, b, b + 1).slice(0, 0, n);
        expectAllClose(row, ob);
        // Past its end the padded output is zero.
        const rest = layer.batchFirst
          ? out.slice(0, b, b + 1).slice(1, n)
          : out.slice(1, b, b + 1).slice(0, n);
        expect(Array.from(rest.data()).every((v) => v === 0)).toBe(true);
        expectAllClose(hN.slice(1, b, b + 1), hb);
        ob.sum().add(hb.mul(2).sum()).backward();
      });
      sequences.forEach((s, b) => {
        expectAllClose(s.grad!, paddedGrads[b]!);
      });
      layer.parameters().forEach((p, i) => {
        expectAllClose(p.grad!, paddedParamGrads[i]!, 1e-4);
      });
    });
  }

  it('the output has max(lengths) steps (as pad_packed_sequence) and lengths may be an int32 tensor', () => {
    const gru = new GRU(2, 3);
    const [out] = gru.forward(randn([7, 2, 2]), null, { lengths: tensor([4, 2], { dtype: 'int32' }) });
    expect(out.shape).toEqual([4, 2, 3]);
  });
});

describe('padSequence', () => {
  it('pads time-major or batch-first with a padding value, and is differentiable', () => {
    const a = tensor([[1], [2], [3]], { requiresGrad: true });
    const b = tensor([[4]], { requiresGrad: true });
    expect(padSequence([a, b]).toArray()).toEqual([
      [[1], [4]],
      [[2], [0]],
      [[3], [0]],
    ]);
    const bf = padSequence([a, b], { batchFirst: true, paddingValue: -1 });
    expect(bf.toArray()).toEqual([
      [[1], [2], [3]],
      [[4], [-1], [-1]],
    ]);
    bf.mul(
      tensor([
        [[1], [2], [3]],
        [[4], [5], [6]],
      ]),
    )
      .sum()
      .backward();
    expect(a.grad!.toArray()).toEqual([[1], [2], [3]]);
    expect(b.grad!.toArray()).toEqual([[4]]);
  });

  it('rejects mismatched feature shapes and empty lists in its own name', () => {
    expect(() => padSequence([randn([2, 3]), randn([2, 4])])).toThrow(/^padSequence: every sequence must be/);
    expect(() => padSequence([])).toThrow(/^padSequence: sequences must be a non-empty array/);
  });
});

describe('parameters and state dicts', () => {
  it('registers PyTorch names in PyTorch order with PyTorch shapes', () => {
    const lstm = new LSTM(3, 5, { numLayers: 2, bidirectional: true });
    const names = [...lstm.namedParameters()].map(([n, p]) => `${n} ${p.shape.join('x')}`);
    expect(names).toEqual([
      'weight_ih_l0 20x3',
      'weight_hh_l0 20x5',
      'bias_ih_l0 20',
      'bias_hh_l0 20',
      'weight_ih_l0_reverse 20x3',
      'weight_hh_l0_reverse 20x5',
      'bias_ih_l0_reverse 20',
      'bias_hh_l0_reverse 20',
      'weight_ih_l1 20x10',
      'weight_hh_l1 20x5',
      'bias_ih_l1 20',
      'bias_hh_l1 20',
      'weight_ih_l1_reverse 20x10',
      'weight_hh_l1_reverse 20x5',
      'bias_ih_l1_reverse 20',
      'bias_hh_l1_reverse 20',
    ]);
    expect([...new GRU(3, 5, { bias: false }).namedParameters()].map(([n, p]) => `${n} ${p.shape}`)).toEqual([
      'weight_ih_l0 15,3',
      'weight_hh_l0 15,5',
    ]);
    expect([...new LSTMCell(3, 5).namedParameters()].map(([n]) => n)).toEqual([
      'weight_ih',
      'weight_hh',
      'bias_ih',
      'bias_hh',
    ]);
  });

  it('LSTM projSize: weight_hr after the biases, h of projSize features, c of hiddenSize', () => {
    const lstm = new LSTM(3, 6, { projSize: 2, numLayers: 2 });
    expect([...lstm.namedParameters()].map(([n, p]) => `${n} ${p.shape}`)).toEqual([
      'weight_ih_l0 24,3',
      'weight_hh_l0 24,2',
      'bias_ih_l0 24',
      'bias_hh_l0 24',
      'weight_hr_l0 2,6',
      'weight_ih_l1 24,2',
      'weight_hh_l1 24,2',
      'bias_ih_l1 24',
      'bias_hh_l1 24',
      'weight_hr_l1 2,6',
    ]);
    const [out, [hN, cN]] = lstm.forward(randn([4, 5, 3]));
    expect([out.shape, hN.shape, cN.shape]).toEqual([
      [4, 5, 2],
      [2, 5, 2],
      [2, 5, 6],
    ]);
    expect(() => new LSTM(3, 6, { projSize: 6 })).toThrow(
      'LSTM: projSize must be smaller than hiddenSize = 6, got 6',
    );
  });

  it('initialises every parameter from U(−1/√hidden, 1/√hidden)', () => {
    const gru = new GRU(6, 16, { numLayers: 2 });
    for (const [name, p] of gru.namedParameters()) {
      const v = Array.from(p.data());
      expect(Math.max(...v.map(Math.abs)), name).toBeLessThanOrEqual(0.25);
      expect(Math.max(...v.map(Math.abs)), name).toBeGreaterThan(0.2);
    }
  });

  it('round-trips a state dict into a fresh layer, which then computes the same', () => {
    const a = new LSTM(3, 4, { numLayers: 2 });
    const b = new LSTM(3, 4, { numLayers: 2 });
    b.loadStateDict(a.stateDict());
    const x = randn([4, 2, 3]);
    expectAllClose(a.forward(x)[0], b.forward(x)[0], 0);
    expect(() => new LSTM(3, 4).loadStateDict(a.stateDict())).toThrow(/unexpected keys: weight_ih_l1/);
  });
});

describe('recurrent layer errors', () => {
  it('name the layer and say what was expected', () => {
    const lstm = new LSTM(3, 4, { numLayers: 2 });
    expect(() => lstm.forward(randn([5, 2, 4]))).toThrow(
      'LSTM.forward: the input must be [time, batch, 3] or unbatched [time, 3], got [5,2,4]',
    );
    expect(() => lstm.forward(randn([5, 2, 3]), [randn([1, 2, 4]), randn([2, 2, 4])])).toThrow(
      'LSTM.forward: h0 must have shape [2,2,4], got [1,2,4]',
    );
    expect(() => lstm.forward(randn([5, 2, 3]), null, { lengths: [5, 6] })).toThrow(
      /^LSTM.forward: lengths must hold 2 integers in 1..5/,
    );
    expect(() => new GRU(3, 4).forward(randn([5, 2, 3]), null, { length: [1] } as object)).toThrow(
      /^GRU.forward: unknown option 'length'/,
    );
    expect(() => new RNN(3, 4, { nonlinearity: 'sigmoid' as 'tanh' })).toThrow(
      /^RNN: nonlinearity must be one of 'tanh', 'relu'/,
    );
    expect(() => new GRU(3, 4, { dropout: 1 })).toThrow(/^GRU: dropout must be a number in \[0, 1\)/);
    expect(() => new LSTM(3, 0)).toThrow(/^LSTM: hiddenSize must be an integer >= 1/);
    expect(() => new GRUCell(3, 4).forward(randn([2, 5]))).toThrow(
      'GRUCell.forward: the input must be [batch, 3] or [3], got [2,5]',
    );
  });
});

describe('dropout between layers', () => {
  it('applies in training mode only, and not after the last layer', () => {
    manualSeed(3);
    const gru = new GRU(3, 8, { numLayers: 2, dropout: 0.5 });
    const x = randn([4, 2, 3]);
    const [a] = gru.forward(x);
    const [b] = gru.forward(x);
    expect(Array.from(a.data())).not.toEqual(Array.from(b.data()));
    gru.eval();
    const [c] = gru.forward(x);
    const [d] = gru.forward(x);
    expect(Array.from(c.data())).toEqual(Array.from(d.data()));
    // A single layer has nothing to drop.
    const one = new GRU(3, 8, { dropout: 0.5 });
    expect(Array.from(one.forward(x)[0].data())).toEqual(Array.from(one.forward(x)[0].data()));
  });
});

describe('gradcheck of the cells', () => {
  manualSeed(23);
  it('RNNCell (tanh and relu), LSTMCell, GRUCell in input, state and weights', () => {
    for (const nonlinearity of ['tanh', 'relu'] as const) {
      const cell = new RNNCell(3, 2, { nonlinearity });
      const x = randn([2, 3], { requiresGrad: true });
      const h = randn([2, 2], { requiresGrad: true });
      gradcheck((xi, hi) => cell.forward(xi!, hi), [x, h, cell.weight_hh]);
    }
    const lstm = new LSTMCell(3, 2);
    const x = randn([2, 3], { requiresGrad: true });
    const h = randn([2, 2], { requiresGrad: true });
    const c = randn([2, 2], { requiresGrad: true });
    gradcheck(
      (xi, hi, ci) => {
        const [h1, c1] = lstm.forward(xi!, [hi!, ci!]);
        return h1.add(c1.mul(0.5));
      },
      [x, h, c, lstm.weight_ih, lstm.bias_hh!],
    );
    const gru = new GRUCell(3, 2);
    gradcheck((xi, hi) => gru.forward(xi!, hi), [x, h, gru.weight_hh, gru.bias_hh!]);
  });

  it('LSTM over a sequence with lengths, in x and h0', () => {
    const lstm = new LSTM(2, 3, { bidirectional: true });
    const x = randn([4, 2, 2], { requiresGrad: true });
    const h0 = randn([2, 2, 3], { requiresGrad: true });
    gradcheck((xi, hi) => lstm.forward(xi!, [hi!, hi!.mul(-1)], { lengths: [4, 2] })[0], [x, h0]);
  });
});

describe('recurrent training memory', () => {
  it('stays flat over 30 tidy’d LSTM training steps', () => {
    manualSeed(24);
    const lstm = new LSTM(4, 8, { numLayers: 2, bidirectional: true, batchFirst: true });
    const head = new Linear(16, 1);
    const params = [...lstm.parameters(), ...head.parameters()];
    const opt = new Adam(params, { lr: 1e-3 });
    const x = randn([3, 5, 4]).keep();
    const y = randn([3, 1]).keep();
    const step = () =>
      tidy(() => {
        opt.zeroGrad();
        const [out, [hN]] = lstm.forward(x, null, { lengths: [5, 2, 4] });
        mseLoss(head.forward(out.slice(1, 0, 1).squeeze(1)).add(hN.sum(0).sum(1, true)), y).backward();
        opt.step();
      });
    step();
    step();
    const before = memory();
    for (let i = 0; i < 30; i++) step();
    expect(memory().tensors).toBe(before.tensors);
    expect(memory().bytes).toBe(before.bytes);
  });
});

describe('learning', () => {
  it('an LSTM learns the sum of a 6-step sequence (test MSE < 0.02; predicting the mean gives ≈ 2)', () => {
    manualSeed(25);
    const lstm = new LSTM(1, 16, { batchFirst: true });
    const head = new Linear(16, 1);
    const opt = new Adam([...lstm.parameters(), ...head.parameters()], { lr: 0.01 });
    const batch = () => {
      const x = randn([32, 6, 1]).mul(0.6);
      return [x, x.sum(1)] as const;
    };
    const predict = (x: Tensor) => head.forward(lstm.forward(x)[1][0].squeeze(0));
    for (let i = 0; i < 400; i++) {
      tidy(() => {
        const [x, y] = batch();
        opt.zeroGrad();
        mseLoss(predict(x), y).backward();
        opt.step();
      });
    }
    const test = tidy(() => {
      const [x, y] = batch();
      return mseLoss(predict(x), y).item();
    });
    expect(test).toBeLessThan(0.02);
  });
});
