// Recurrent layers are exported whole, as ONNX's RNN/LSTM/GRU operators (one node per layer, both
// directions in it), instead of op by op: their forwards run per time step (cells, unbind, stack),
// which would unroll the sequence length into the graph. The exporter recognises the module while
// tracing, ignores the ops its forward calls and maps its inputs to its returned tensors here.
//
// Layouts: PyTorch's weight_ih_l{k} [G·H, I] with gates (i, f, g, o) for LSTM and (r, z, n) for GRU;
// ONNX's W [D, G·H, I] with gates (i, o, f, c) and (z, r, h), R likewise, B [D, 2·G·H] = (Wb, Rb).
// PyTorch's GRU applies r after the recurrent product (n = tanh(W_in·x + b_in + r·(W_hn·h + b_hn))):
// ONNX's linear_before_reset = 1. ONNX's Y is [T, D, B, H]; PyTorch's output [T, B, D·H].
// LSTMCell and GRUCell are exported the same way, as a one-step (T = 1) LSTM/GRU node.
import { GRU, GRUCell, LSTM, LSTMCell, type Module, RNN } from '@myelin/nn';
import type { Tensor } from '@myelin/tensor';
import type { Attribute } from './graph.js';
import { type MapContext, UnsupportedCall } from './ops.js';

type Mode = 'rnn' | 'lstm' | 'gru';

/** For each ONNX gate block, the PyTorch block it comes from. */
const GATE_ORDER: Record<Mode, readonly number[]> = {
  rnn: [0],
  lstm: [0, 3, 1, 2], // i, f, g, o → i, o, f, c
  gru: [1, 0, 2], // r, z, n → z, r, h
};

/** A module exported whole: a recurrent layer, or an LSTM/GRU cell. */
export type WholeModule = RNN | LSTM | GRU | LSTMCell | GRUCell;

/** Whether `module` is exported whole by {@link exportRecurrent}. */
export function isRecurrent(module: Module): module is WholeModule {
  return (
    module instanceof RNN ||
    module instanceof LSTM ||
    module instanceof GRU ||
    module instanceof LSTMCell ||
    module instanceof GRUCell
  );
}

/** A node in `scope` with fresh output names (`outputs` of them). */
function nodeIn({ graph, scope }: MapContext) {
  return (op: string, inputs: string[], attributes: Record<string, Attribute> = {}, outputs = 1) =>
    graph.node(
      op,
      inputs,
      Array.from({ length: outputs }, () => graph.temp(op)),
      attributes,
      scope,
    );
}

/**
 * Adds the ONNX nodes of one call `cell.forward(x, state)` that returned `result` (h′, or [h′, c′]):
 * one LSTM/GRU node over a sequence of one step, x [B, I] (or [I]) as [1, B, I], the states [B, H]
 * as [1, B, H], and the node's final states Y_h/Y_c [1, B, H] back as [B, H] (or [H]).
 */
function exportCell(
  cell: LSTMCell | GRUCell,
  args: readonly unknown[],
  result: unknown,
  context: MapContext,
): void {
  const { graph, scope } = context;
  const mode: Mode = cell instanceof LSTMCell ? 'lstm' : 'gru';
  const [x, state] = args as [Tensor, unknown];
  const [h0, c0] = (mode === 'lstm' ? (state ?? [null, null]) : [state ?? null, null]) as [
    Tensor | null,
    Tensor | null,
  ];
  const [hN, cN] = mode === 'lstm' ? (result as [Tensor, Tensor]) : [result as Tensor, null];
  const node = nodeIn(context);
  const hidden = cell.hiddenSize;
  const asStep = (t: Tensor | null, size: number) =>
    t === null ? '' : node('Reshape', [graph.value(t), graph.int64([1, -1, size], 'shape')])[0]!;
  const prefix = scope === '' ? '' : `${scope}.`;
  const w = stackGates([cell.weight_ih], mode, `${prefix}W`, context);
  const r = stackGates([cell.weight_hh], mode, `${prefix}R`, context);
  const b =
    cell.bias_ih !== null && cell.bias_hh !== null
      ? stackBiases([cell.bias_ih], [cell.bias_hh], mode, `${prefix}B`, context)
      : '';
  const inputs = [asStep(x, cell.inputSize), w, r, b, '', asStep(h0, hidden)];
  if (mode === 'lstm') inputs.push(asStep(c0, hidden));
  while (inputs[inputs.length - 1] === '') inputs.pop();
  const attributes: Record<string, Attribute> = { hidden_size: { int: hidden } };
  if (mode === 'gru') attributes.linear_before_reset = { int: 1 };
  const [, yH, yC] = node(mode === 'lstm' ? 'LSTM' : 'GRU', inputs, attributes, mode === 'lstm' ? 3 : 2);
  const shape = graph.int64(x.ndim === 2 ? [-1, hidden] : [hidden], 'shape');
  graph.node('Reshape', [yH!, shape], [hN], {}, scope);
  if (cN !== null) graph.node('Reshape', [yC!, shape], [cN], {}, scope);
}

/**
 * Adds the ONNX nodes of one call `module.forward(...args)` that returned `result`: the returned
 * output and final state tensors become the values of those nodes.
 */
export function exportRecurrent(
  module: WholeModule,
  args: readonly unknown[],
  result: unknown,
  context: MapContext,
): void {
  if (module instanceof LSTMCell || module instanceof GRUCell) {
    exportCell(module, args, result, context);
    return;
  }
  const { graph, scope } = context;
  const mode: Mode = module instanceof LSTM ? 'lstm' : module instanceof GRU ? 'gru' : 'rnn';
  const [x, state, options] = args as [Tensor, unknown, { lengths?: unknown } | undefined];
  if (options?.lengths !== undefined)
    throw new UnsupportedCall('variable-length sequences (the lengths option)');
  if (module.projSize > 0) throw new UnsupportedCall('projSize (ONNX LSTM has no projection)');
  const [h0, c0] = (mode === 'lstm' ? (state ?? [null, null]) : [state ?? null, null]) as [
    Tensor | null,
    Tensor | null,
  ];
  const [output, final] = result as [Tensor, Tensor | [Tensor, Tensor]];
  const [hN, cN] = mode === 'lstm' ? (final as [Tensor, Tensor]) : [final as Tensor, null];

  const node = nodeIn(context);
  const reshape = (value: string, shape: number[]) =>
    node('Reshape', [value, graph.int64(shape, 'shape')])[0]!;
  const batched = x.ndim === 3;
  // Time-major [T, B, I]; an unbatched [T, I] gets a batch of 1, states [L·D, H] → [L·D, 1, H].
  const asBatch = (t: Tensor | null) =>
    t === null ? null : batched ? graph.value(t) : reshape(graph.value(t), [0, 1, -1]);
  let sequence = graph.value(x);
  if (!batched) sequence = reshape(sequence, [0, 1, -1]);
  else if (module.batchFirst) sequence = node('Transpose', [sequence], { perm: { ints: [1, 0, 2] } })[0]!;
  const initialH = asBatch(h0);
  const initialC = asBatch(c0);

  const directions = module.bidirectional ? 2 : 1;
  const hidden = module.hiddenSize;
  const parameters = new Map(module.namedParameters());
  const prefix = scope === '' ? '' : `${scope}.`;
  const finalH: string[] = [];
  const finalC: string[] = [];
  for (let layer = 0; layer < module.numLayers; layer++) {
    const suffixes = Array.from({ length: directions }, (_, d) => `_l${layer}${d === 1 ? '_reverse' : ''}`);
    const weights = (name: string) => suffixes.map((s) => parameters.get(`${name}${s}`)!);
    const w = stackGates(weights('weight_ih'), mode, `${prefix}W_l${layer}`, context);
    const r = stackGates(weights('weight_hh'), mode, `${prefix}R_l${layer}`, context);
    const b = module.bias
      ? stackBiases(weights('bias_ih'), weights('bias_hh'), mode, `${prefix}B_l${layer}`, context)
      : '';
    const rows = (value: string | null) =>
      value === null
        ? ''
        : module.numLayers === 1
          ? value
          : node('Slice', [
              value,
              graph.int64([layer * directions], 'starts'),
              graph.int64([(layer + 1) * directions], 'ends'),
              graph.int64([0], 'axes'),
            ])[0]!;
    const inputs = [sequence, w, r, b, '', rows(initialH)];
    if (mode === 'lstm') inputs.push(rows(initialC));
    while (inputs[inputs.length - 1] === '') inputs.pop();
    const attributes: Record<string, Attribute> = {
      hidden_size: { int: hidden },
      direction: { string: directions === 2 ? 'bidirectional' : 'forward' },
    };
    if (mode === 'gru') attributes.linear_before_reset = { int: 1 };
    if (module instanceof RNN && module.nonlinearity === 'relu')
      attributes.activations = { strings: new Array(directions).fill('Relu') };
    const op = { rnn: 'RNN', lstm: 'LSTM', gru: 'GRU' }[mode];
    const [y, yH, yC] = node(op, inputs, attributes, mode === 'lstm' ? 3 : 2);
    finalH.push(yH!);
    if (yC !== undefined) finalC.push(yC);
    // [T, D, B, H] → [T, B, D, H] → [T, B, D·H]
    const swapped = node('Transpose', [y!], { perm: { ints: [0, 2, 1, 3] } })[0]!;
    sequence = reshape(swapped, [0, 0, -1]);
  }

  // The returned tensors: output in the caller's layout, states [L·D, B, H] (or [L·D, H]).
  const finish = (value: string, t: Tensor, perm: number[] | null) => {
    if (!batched) graph.node('Reshape', [value, graph.int64([0, -1], 'shape')], [t], {}, scope);
    else if (perm !== null) graph.node('Transpose', [value], [t], { perm: { ints: perm } }, scope);
    else graph.node('Identity', [value], [t], {}, scope);
  };
  finish(sequence, output, module.batchFirst ? [1, 0, 2] : null);
  finish(node('Concat', finalH, { axis: { int: 0 } })[0]!, hN, null);
  if (cN !== null) finish(node('Concat', finalC, { axis: { int: 0 } })[0]!, cN, null);
}

/** PyTorch's per-direction [G·H, …] matrices (or vectors) as ONNX's [D, G·H, …] layout. */
function gateRows(
  tensors: readonly Tensor[],
  mode: Mode,
): { data: Float32Array; rows: number; columns: number } {
  const order = GATE_ORDER[mode];
  const rows = tensors[0]!.shape[0]!;
  const columns = tensors[0]!.ndim === 2 ? tensors[0]!.shape[1]! : 1;
  const block = (rows / order.length) * columns;
  const data = new Float32Array(tensors.length * rows * columns);
  tensors.forEach((t, d) => {
    const source = t.data() as Float32Array;
    order.forEach((from, to) => {
      data.set(source.subarray(from * block, (from + 1) * block), d * rows * columns + to * block);
    });
  });
  return { data, rows, columns };
}

/**
 * The ONNX [D, G·H, …] initializer named `name` of PyTorch's per-direction matrices (made once: a
 * layer or cell called several times shares it).
 */
function stackGates(tensors: readonly Tensor[], mode: Mode, name: string, { graph }: MapContext): string {
  return graph.shared(name, () => {
    const { data, rows, columns } = gateRows(tensors, mode);
    return graph.floats(data, [tensors.length, rows, columns], name);
  });
}

function stackBiases(
  input: readonly Tensor[],
  recurrent: readonly Tensor[],
  mode: Mode,
  name: string,
  { graph }: MapContext,
): string {
  return graph.shared(name, () => {
    const a = gateRows(input, mode);
    const b = gateRows(recurrent, mode);
    const directions = input.length;
    const data = new Float32Array(2 * a.data.length);
    for (let d = 0; d < directions; d++) {
      data.set(a.data.subarray(d * a.rows, (d + 1) * a.rows), 2 * d * a.rows);
      data.set(b.data.subarray(d * a.rows, (d + 1) * a.rows), (2 * d + 1) * a.rows);
    }
    return graph.floats(data, [directions, 2 * a.rows], name);
  });
}
