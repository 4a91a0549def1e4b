// RNN, LSTM, GRU and their cells against PyTorch (scripts/torch-fixtures-rnn.py): the fixture's
// parameters are loaded as a PyTorch state dict (same names), then outputs, final states and every
// gradient (input, h0, c0, each parameter by name) are compared. The reference is float64 on
// float32-exact inputs; Myelin computes in float32: 2e-4 relative + 2e-5 absolute.
import { type Tensor, tensor } from '@myelin/tensor';
import { describe, expect, it } from 'vitest';
import { torchRnnFixtures } from './fixtures/torch-rnn.generated.js';
import { GRU, GRUCell, LSTM, LSTMCell, type Module, RNN, RNNCell } from './index.js';

type Nested = number | readonly Nested[];
const flat = (v: Nested): number[] => (Array.isArray(v) ? (v as Nested[]).flatMap(flat) : [v as number]);
const input = (v: unknown) => tensor(v as number[][], { requiresGrad: true });

function expectClose(label: string, got: Tensor | null | undefined, want: Nested): void {
  expect(got, `${label}: missing`).toBeTruthy();
  const g = Array.from(got!.data());
  const w = flat(want);
  expect(g.length, `${label}: length`).toBe(w.length);
  g.forEach((v, i) => {
    if (!(Math.abs(v - w[i]!) <= 2e-5 + 2e-4 * Math.abs(w[i]!)))
      throw new Error(`${label}[${i}]: ${v}, PyTorch ${w[i]}`);
  });
}

/** The generator's cotangent: cos(0.7·i + phase), rounded to float32. */
function cotangent(shape: readonly number[], phase: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(Array.from({ length: n }, (_, i) => Math.fround(Math.cos(0.7 * i + phase)))).reshape([
    ...shape,
  ]);
}

/** The fixture's parameters as a state dict by PyTorch's names. */
function stateDict(params: Record<string, Nested>): Map<string, Tensor> {
  return new Map(Object.entries(params).map(([name, v]) => [name, tensor(v as number[])]));
}

function checkParameterGrads(module: Module, want: Record<string, Nested>): void {
  const names = [...module.namedParameters()].map(([n]) => n);
  expect(names.sort()).toEqual(Object.keys(want).sort());
  for (const [name, p] of module.namedParameters()) expectClose(`grad of ${name}`, p.grad, want[name]!);
}

describe('recurrent layers against PyTorch', () => {
  for (const [label, c] of Object.entries(torchRnnFixtures.layers)) {
    it(label, () => {
      const options = {
        numLayers: c.numLayers,
        bias: c.bias,
        batchFirst: c.batchFirst,
        bidirectional: c.bidirectional,
      };
      const module =
        c.kind === 'lstm'
          ? new LSTM(c.inputSize, c.hiddenSize, { ...options, projSize: c.projSize })
          : c.kind === 'gru'
            ? new GRU(c.inputSize, c.hiddenSize, options)
            : new RNN(c.inputSize, c.hiddenSize, {
                ...options,
                nonlinearity: c.kind === 'rnnRelu' ? 'relu' : 'tanh',
              });
      module.loadStateDict(stateDict(c.params as Record<string, Nested>));
      const x = input(c.x);
      const h0 = c.h0 === null ? null : input(c.h0);
      const c0 = c.c0 === null ? null : input(c.c0);
      const forwardOptions = c.lengths === null ? {} : { lengths: [...c.lengths] };
      let output: Tensor;
      let hN: Tensor;
      let cN: Tensor | null = null;
      if (module instanceof LSTM) {
        [output, [hN, cN]] = module.forward(x, h0 === null ? null : [h0, c0!], forwardOptions);
      } else {
        [output, hN] = (module as RNN).forward(x, h0, forwardOptions);
      }
      expect(output.shape).toEqual(c.outputShape);
      expect(hN.shape).toEqual(c.hNShape);
      expectClose('output', output, c.output);
      expectClose('hN', hN, c.hN);
      if (cN !== null) expectClose('cN', cN, c.cN!);
      let loss = output
        .mul(cotangent(output.shape, 0.3))
        .sum()
        .add(hN.mul(cotangent(hN.shape, 1.1)).sum());
      if (cN !== null) loss = loss.add(cN.mul(cotangent(cN.shape, 2.3)).sum());
      loss.backward();
      expectClose('grad of x', x.grad, c.gradX);
      if (h0 !== null) expectClose('grad of h0', h0.grad, c.gradH0!);
      if (c0 !== null) expectClose('grad of c0', c0.grad, c.gradC0!);
      checkParameterGrads(module, c.gradParams as Record<string, Nested>);
    });
  }
});

describe('recurrent cells against PyTorch', () => {
  for (const [label, c] of Object.entries(torchRnnFixtures.cells)) {
    it(label, () => {
      const module =
        c.kind === 'lstm'
          ? new LSTMCell(c.inputSize, c.hiddenSize, { bias: c.bias })
          : c.kind === 'gru'
            ? new GRUCell(c.inputSize, c.hiddenSize, { bias: c.bias })
            : new RNNCell(c.inputSize, c.hiddenSize, { bias: c.bias });
      module.loadStateDict(stateDict(c.params as Record<string, Nested>));
      const x = input(c.x);
      const h0 = c.h0 === null ? null : input(c.h0);
      const c0 = c.c0 === null ? null : input(c.c0);
      let h: Tensor;
      let cell: Tensor | null = null;
      if (module instanceof LSTMCell) [h, cell] = module.forward(x, h0 === null ? null : [h0, c0!]);
      else h = (module as GRUCell).forward(x, h0);
      expectClose('h', h, c.h);
      if (cell !== null) expectClose('c', cell, c.c!);
      let loss = h.mul(cotangent(h.shape, 0.3)).sum();
      if (cell !== null) loss = loss.add(cell.mul(cotangent(cell.shape, 2.3)).sum());
      loss.backward();
      expectClose('grad of x', x.grad, c.gradX);
      if (h0 !== null) expectClose('grad of h0', h0.grad, c.gradH0!);
      if (c0 !== null) expectClose('grad of c0', c0.grad, c.gradC0!);
      checkParameterGrads(module, c.gradParams as Record<string, Nested>);
    });
  }
});
