// Multi-layer, optionally bidirectional recurrent layers over whole sequences (PyTorch's torch.nn.RNN,
// LSTM and GRU: same parameter names, shapes, gate order and initialisation, so a PyTorch state dict
// loads unchanged), and padSequence for batches of sequences of different lengths.
//
// Per layer and direction: one matrix product projects every time step's input at once
// (x [T·B, I]·W_ihᵀ), then each step adds h·W_hhᵀ and runs the (fused) cell. Variable lengths are
// masks: a sequence that has ended keeps its state and outputs zeros, which gives exactly what
// PyTorch's packed sequences give (the reverse direction starts at each sequence's own last step).
import { cat, full, lstmSequence, stack, Tensor, tensor, unbind, where } from '@myelin/tensor';
import { Module } from '../module.js';
import {
  checkOptions,
  describeValue,
  halfOpen,
  requireBoolean,
  requireChoice,
  requireInteger,
  requireNumber,
  requireTensor,
} from '../validate.js';
import { dropout } from './dropout.js';
import {
  type CellWeights,
  GATES,
  projectInput,
  type RecurrentMode,
  type RecurrentState,
  recurrentParameter,
  recurrentStep,
  zeroState,
} from './rnn-cells.js';

/** Options of {@link RNN}, {@link LSTM} and {@link GRU} (PyTorch's, camelCased). */
export interface RecurrentOptions {
  /** Stacked layers (default 1); each layer's output sequence is the next one's input. */
  numLayers?: number;
  /** Add the biases b_ih and b_hh (default true). */
  bias?: boolean;
  /** Inputs and outputs are [batch, time, features] instead of [time, batch, features] (default false). */
  batchFirst?: boolean;
  /** Dropout probability on the outputs of every layer but the last, in training mode (default 0). */
  dropout?: number;
  /** Also run each layer backwards in time and concatenate both directions' outputs (default false). */
  bidirectional?: boolean;
}

/** Options of {@link RNN}: {@link RecurrentOptions} and the nonlinearity. */
export interface RNNOptions extends RecurrentOptions {
  /** 'tanh' (default) or 'relu'. */
  nonlinearity?: 'tanh' | 'relu';
}

/** Options of {@link LSTM}: {@link RecurrentOptions} and the projection size. */
export interface LSTMOptions extends RecurrentOptions {
  /**
   * With projSize > 0 (and < hiddenSize), h is projected to projSize features after each step,
   * h = (o·tanh(c))·W_hrᵀ (Sak et al. 2014; parameter `weight_hr_l{k}`). Default 0: none.
   */
  projSize?: number;
}

/** Options of a recurrent layer's forward. */
export interface RecurrentForwardOptions {
  /**
   * The length of each sequence of a padded batch (numbers, or an int32 tensor, each in 1..T): the
   * outputs and final states are those of each sequence run alone (PyTorch's pack_padded_sequence
   * then pad_packed_sequence; any order, no sorting needed). The output has max(lengths) steps and
   * zeros past each sequence's end.
   */
  lengths?: readonly number[] | Tensor;
}

/** What RNN, LSTM and GRU share: options, parameters and the loop over layers, directions and time. */
abstract class RecurrentBase extends Module {
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  /** LSTM only: the projection size (0: none). */
  readonly projSize: number;
  private readonly weights: CellWeights[] = [];

  constructor(
    protected readonly layerName: string,
    protected readonly mode: RecurrentMode,
    readonly inputSize: number,
    readonly hiddenSize: number,
    options: RNNOptions & LSTMOptions,
  ) {
    super();
    const fn = layerName;
    requireInteger(fn, 'inputSize', inputSize, 1);
    requireInteger(fn, 'hiddenSize', hiddenSize, 1);
    const {
      numLayers = 1,
      bias = true,
      batchFirst = false,
      dropout = 0,
      bidirectional = false,
      projSize = 0,
    } = options;
    requireInteger(fn, 'numLayers', numLayers, 1);
    requireBoolean(fn, 'bias', bias);
    requireBoolean(fn, 'batchFirst', batchFirst);
    requireNumber(fn, 'dropout', dropout, halfOpen(0, 1));
    requireBoolean(fn, 'bidirectional', bidirectional);
    requireInteger(fn, 'projSize', projSize, 0);
    if (projSize >= hiddenSize)
      throw new RangeError(
        `${fn}: projSize must be smaller than hiddenSize = ${hiddenSize}, got ${projSize}`,
      );
    this.projSize = projSize;
    this.numLayers = numLayers;
    this.bias = bias;
    this.batchFirst = batchFirst;
    this.dropout = dropout;
    this.bidirectional = bidirectional;
    const directions = bidirectional ? 2 : 1;
    const rows = GATES[mode] * hiddenSize;
    const outputSize = this.outputSize;
    // PyTorch's registration order and names: per layer, per direction, weight_ih, weight_hh,
    // bias_ih, bias_hh (, weight_hr).
    for (let layer = 0; layer < numLayers; layer++) {
      const input = layer === 0 ? inputSize : directions * outputSize;
      for (let d = 0; d < directions; d++) {
        const suffix = `_l${layer}${d === 1 ? '_reverse' : ''}`;
        const add = (name: string, shape: number[]) =>
          this.addParameter(`${name}${suffix}`, recurrentParameter(shape, hiddenSize));
        this.weights.push({
          weightIh: add('weight_ih', [rows, input]),
          weightHh: add('weight_hh', [rows, outputSize]),
          biasIh: bias ? add('bias_ih', [rows]) : null,
          biasHh: bias ? add('bias_hh', [rows]) : null,
          weightHr: projSize > 0 ? add('weight_hr', [projSize, hiddenSize]) : null,
        });
      }
    }
  }

  private get directions(): number {
    return this.bidirectional ? 2 : 1;
  }

  /** Features of h: projSize for a projected LSTM, else hiddenSize. */
  protected get outputSize(): number {
    return this.projSize > 0 ? this.projSize : this.hiddenSize;
  }

  /**
   * Runs the layers. `initial` holds the given initial states ([layers·directions, batch, hidden],
   * already batched), `x` is [T, B, I] time-major. Returns the last layer's output [T, B, D·H] and
   * the final states per layer and direction.
   */
  protected run(
    fn: string,
    input: unknown,
    initial: (Tensor | null)[],
    options: RecurrentForwardOptions,
  ): { output: Tensor; finals: RecurrentState[]; batched: boolean } {
    const { x, batched } = this.sequenceOf(fn, input);
    checkOptions(fn, options, ['lengths']);
    const [, batch] = x.shape as [number, number, number];
    const lengths = options.lengths === undefined ? null : this.lengthsOf(fn, options.lengths, x.shape);
    const steps = lengths === null ? x.shape[0]! : Math.max(...lengths);
    let layerInput = steps === x.shape[0] ? x : x.slice(0, 0, steps);
    const masks = lengths === null ? null : stepMasks(lengths, steps);
    const states = initial.map((t) => (t === null ? null : unbind(t, 0)));
    const finals: RecurrentState[] = [];
    for (let layer = 0; layer < this.numLayers; layer++) {
      const outputs: Tensor[] = [];
      for (let d = 0; d < this.directions; d++) {
        const index = layer * this.directions + d;
        const start = this.startState(batch, states[0]?.[index] ?? null, states[1]?.[index] ?? null);
        const { output, final } = this.direction(layerInput, this.weights[index]!, start, d === 1, masks);
        outputs.push(output);
        finals.push(final);
      }
      layerInput = outputs.length === 1 ? outputs[0]! : cat(outputs, 2);
      if (layer < this.numLayers - 1 && this.dropout > 0)
        layerInput = dropout(layerInput, this.dropout, this.training);
    }
    return { output: layerInput, finals, batched };
  }

  private startState(batch: number, h: Tensor | null, c: Tensor | null): RecurrentState {
    const zero = zeroState(this.mode, batch, this.hiddenSize, this.outputSize);
    if (h === null) return zero;
    return { h, c: c ?? zero.c, zero: false };
  }

  /** One layer in one direction over the whole sequence [T, B, I] → output [T, B, H] and final state. */
  private direction(
    x: Tensor,
    w: CellWeights,
    start: RecurrentState,
    reverse: boolean,
    masks: (Tensor | null)[] | null,
  ): { output: Tensor; final: RecurrentState } {
    const [steps, batch, features] = x.shape as [number, number, number];
    const projected = projectInput(this.mode, x.reshape([steps * batch, features]), w);
    if (this.mode === 'lstm' && masks === null && !w.weightHr) {
      // The whole direction as one op: one product per step forward and backward, and the recurrent
      // weight's gradient as one product over all steps (see lstmSequence).
      const [output, h, c] = lstmSequence(
        projected.reshape([steps, batch, 4 * this.hiddenSize]),
        start.h,
        start.c!,
        w.weightHh,
        {
          reverse,
        },
      );
      return { output, final: { h, c, zero: false } };
    }
    const perStep = unbind(projected.reshape([steps, batch, projected.shape[1]!]), 0);
    const outputs = new Array<Tensor>(steps);
    // A zero initial state skips its h·W_hhᵀ, unless that product is weight_hh's only use (PyTorch
    // then gives it a zero gradient, not none).
    let state = steps > 1 ? start : { ...start, zero: false };
    for (let k = 0; k < steps; k++) {
      const t = reverse ? steps - 1 - k : k;
      const next = recurrentStep(this.mode, perStep[t]!, state, w);
      const mask = masks?.[t] ?? null;
      if (mask === null) {
        state = next;
        outputs[t] = next.h;
      } else {
        // Ended sequences keep their state (the reverse direction: the initial one until they start).
        state = {
          h: where(mask, next.h, state.h),
          c: next.c === null ? null : where(mask, next.c, state.c!),
          zero: false,
        };
        outputs[t] = next.h.mul(mask);
      }
    }
    return { output: stack(outputs, 0), final: state };
  }

  /** The input as [T, B, I] (time-major), and whether it was batched. */
  private sequenceOf(fn: string, x: unknown): { x: Tensor; batched: boolean } {
    requireTensor(fn, 'the input', x, 'float32');
    const order = this.batchFirst ? 'batch, time' : 'time, batch';
    if ((x.ndim !== 2 && x.ndim !== 3) || x.shape[x.ndim - 1] !== this.inputSize || x.shape.includes(0)) {
      throw new RangeError(
        `${fn}: the input must be [${order}, ${this.inputSize}] or unbatched [time, ${this.inputSize}], got [${x.shape.join(',')}]`,
      );
    }
    if (x.ndim === 2) return { x: x.unsqueeze(1), batched: false };
    // One copy into time-major order, so that the input projection is a single matrix product.
    return { x: this.batchFirst ? x.transpose(0, 1).contiguous() : x, batched: true };
  }

  private lengthsOf(fn: string, lengths: readonly number[] | Tensor, shape: readonly number[]): number[] {
    const [steps, batch] = shape as [number, number];
    const values = lengths instanceof Tensor ? Array.from(lengths.data()) : lengths;
    if (!Array.isArray(values) && !ArrayBuffer.isView(values))
      throw new TypeError(
        `${fn}: lengths must be an array of numbers or a tensor, got ${describeValue(lengths)}`,
      );
    const list = Array.from(values as ArrayLike<number>);
    const bad = list.findIndex((n) => !(Number.isInteger(n) && n >= 1 && n <= steps));
    if (list.length !== batch || bad !== -1) {
      throw new RangeError(
        `${fn}: lengths must hold ${batch} integers in 1..${steps} (one per sequence), got ${describeValue(list)}`,
      );
    }
    return list;
  }

  /** Checks a state tensor: [layers·directions, batch, hidden] (or 2-D for an unbatched input). */
  protected stateOf(
    fn: string,
    name: string,
    t: unknown,
    input: unknown,
    size = this.outputSize,
  ): Tensor | null {
    if (t === undefined || t === null) return null;
    requireTensor(fn, 'the input', input, 'float32');
    requireTensor(fn, name, t, 'float32');
    const x = input;
    const batched = x.ndim === 3;
    const rows = this.numLayers * this.directions;
    const batch = batched ? x.shape[this.batchFirst ? 0 : 1]! : 1;
    const shape = batched ? [rows, batch, size] : [rows, size];
    if (t.ndim !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      throw new RangeError(`${fn}: ${name} must have shape [${shape.join(',')}], got [${t.shape.join(',')}]`);
    }
    return batched ? t : t.unsqueeze(1);
  }

  /** The output in the caller's layout, and a final-state tensor [layers·directions, batch, hidden]. */
  protected finish(output: Tensor, states: Tensor[], batched: boolean): [Tensor, Tensor] {
    const final = stack(states, 0);
    if (!batched) return [output.squeeze(1), final.squeeze(1)];
    return [this.batchFirst ? output.transpose(0, 1) : output, final];
  }

  protected override describe(): string {
    const extra = [
      this.numLayers !== 1 ? `numLayers=${this.numLayers}` : '',
      !this.bias ? 'bias=false' : '',
      this.batchFirst ? 'batchFirst=true' : '',
      this.dropout !== 0 ? `dropout=${this.dropout}` : '',
      this.bidirectional ? 'bidirectional=true' : '',
      this.projSize > 0 ? `projSize=${this.projSize}` : '',
    ].filter((s) => s !== '');
    return [`${this.inputSize}`, `${this.hiddenSize}`, ...extra].join(', ');
  }
}

/** Per time step, a [batch, 1] mask of the sequences still running, or null when all are. */
function stepMasks(lengths: readonly number[], steps: number): (Tensor | null)[] {
  const shortest = Math.min(...lengths);
  return Array.from({ length: steps }, (_, t) =>
    t < shortest ? null : tensor(lengths.map((n) => [t < n ? 1 : 0])),
  );
}

/**
 * A multi-layer Elman RNN (PyTorch's torch.nn.RNN): per layer and time step
 * h_t = act(x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh), act tanh or relu. `forward(x, h0?, { lengths })`
 * takes x [time, batch, inputSize] ([batch, time, inputSize] with batchFirst; unbatched [time,
 * inputSize]) and h0 [numLayers·directions, batch, hiddenSize] (zeros when omitted), and returns
 * `[output, hN]`: output [time, batch, directions·hiddenSize] (the last layer's h at every step,
 * both directions concatenated) and hN like h0. Parameters `weight_ih_l{k}`, `weight_hh_l{k}`,
 * `bias_ih_l{k}`, `bias_hh_l{k}` (`…_reverse` for the backward direction), U(−1/√hidden, 1/√hidden).
 *
 * @example const rnn = new RNN(10, 20, { numLayers: 2 }); const [out, hN] = rnn.forward(randn([5, 3, 10]));
 */
export class RNN extends RecurrentBase {
  static override readonly layerName = 'RNN';
  readonly nonlinearity: 'tanh' | 'relu';

  constructor(inputSize: number, hiddenSize: number, options: RNNOptions = {}) {
    checkOptions('RNN', options, [
      'numLayers',
      'nonlinearity',
      'bias',
      'batchFirst',
      'dropout',
      'bidirectional',
    ]);
    const nonlinearity = options.nonlinearity ?? 'tanh';
    requireChoice('RNN', 'nonlinearity', nonlinearity, ['tanh', 'relu']);
    super('RNN', nonlinearity === 'tanh' ? 'rnnTanh' : 'rnnRelu', inputSize, hiddenSize, options);
    this.nonlinearity = nonlinearity;
  }

  forward(x: Tensor, h0?: Tensor | null, options: RecurrentForwardOptions = {}): [Tensor, Tensor] {
    const h = this.stateOf('RNN.forward', 'h0', h0, x);
    const { output, finals, batched } = this.run('RNN.forward', x, [h], options);
    return this.finish(
      output,
      finals.map((s) => s.h),
      batched,
    );
  }
}

/**
 * A multi-layer long short-term memory (Hochreiter & Schmidhuber 1997; PyTorch's torch.nn.LSTM), gates
 * in PyTorch's order (i, f, g, o): c_t = f·c_{t−1} + i·g, h_t = o·tanh(c_t). Options and shapes as
 * {@link RNN}; the state is the pair `[h0, c0]` and `forward(x, [h0, c0]?, { lengths })` returns
 * `[output, [hN, cN]]`. `weight_ih_l{k}` is [4·hidden, input]; the cell after the matrix products is
 * one fused kernel. With `projSize` (Sak et al. 2014) h is projected by `weight_hr_l{k}` [projSize,
 * hidden] after each step: output, h0 and hN then have projSize features, c0 and cN hiddenSize.
 *
 * @example
 * const lstm = new LSTM(28, 128, { batchFirst: true });
 * const [out, [hN, cN]] = lstm.forward(images); // images: [64, 28, 28]
 */
export class LSTM extends RecurrentBase {
  static override readonly layerName = 'LSTM';
  constructor(inputSize: number, hiddenSize: number, options: LSTMOptions = {}) {
    checkOptions('LSTM', options, [
      'numLayers',
      'bias',
      'batchFirst',
      'dropout',
      'bidirectional',
      'projSize',
    ]);
    super('LSTM', 'lstm', inputSize, hiddenSize, options);
  }

  forward(
    x: Tensor,
    hx?: readonly [Tensor, Tensor] | null,
    options: RecurrentForwardOptions = {},
  ): [Tensor, [Tensor, Tensor]] {
    if (hx !== undefined && hx !== null && (!Array.isArray(hx) || hx.length !== 2))
      throw new TypeError(
        `LSTM.forward: the state must be a pair [h0, c0] of tensors, got ${describeValue(hx)}`,
      );
    const h = this.stateOf('LSTM.forward', 'h0', hx?.[0], x);
    const c = this.stateOf('LSTM.forward', 'c0', hx?.[1], x, this.hiddenSize);
    if ((h === null) !== (c === null)) throw new TypeError('LSTM.forward: give both h0 and c0, or neither');
    const { output, finals, batched } = this.run('LSTM.forward', x, [h, c], options);
    const [out, hN] = this.finish(
      output,
      finals.map((s) => s.h),
      batched,
    );
    const cN = stack(
      finals.map((s) => s.c!),
      0,
    );
    return [out, [hN, batched ? cN : cN.squeeze(1)]];
  }
}

/**
 * A multi-layer gated recurrent unit (Cho et al. 2014; PyTorch's torch.nn.GRU), gates in PyTorch's
 * order (r, z, n): n = tanh(x·W_inᵀ + b_in + r·(h·W_hnᵀ + b_hn)), h_t = (1 − z)·n + z·h_{t−1}.
 * Options, shapes and `forward(x, h0?, { lengths })` → `[output, hN]` as {@link RNN};
 * `weight_ih_l{k}` is [3·hidden, input]; the cell after the matrix products is one fused kernel.
 *
 * @example const gru = new GRU(10, 20, { bidirectional: true }); const [out, hN] = gru.forward(x);
 */
export class GRU extends RecurrentBase {
  static override readonly layerName = 'GRU';
  constructor(inputSize: number, hiddenSize: number, options: RecurrentOptions = {}) {
    checkOptions('GRU', options, ['numLayers', 'bias', 'batchFirst', 'dropout', 'bidirectional']);
    super('GRU', 'gru', inputSize, hiddenSize, options);
  }

  forward(x: Tensor, h0?: Tensor | null, options: RecurrentForwardOptions = {}): [Tensor, Tensor] {
    const h = this.stateOf('GRU.forward', 'h0', h0, x);
    const { output, finals, batched } = this.run('GRU.forward', x, [h], options);
    return this.finish(
      output,
      finals.map((s) => s.h),
      batched,
    );
  }
}

/**
 * Pads sequences of different lengths ([L_i, ...features], same features) into one tensor
 * [maxL, count, ...features] ([count, maxL, ...] with batchFirst), filled with `paddingValue`
 * (default 0) past each sequence's end (PyTorch's torch.nn.utils.rnn.pad_sequence). Differentiable;
 * pass the lengths to a recurrent layer's forward to ignore the padding.
 *
 * @example
 * const x = padSequence([randn([5, 8]), randn([3, 8])]); // [5, 2, 8]
 * const [out, hN] = new GRU(8, 16).forward(x, null, { lengths: [5, 3] });
 */
export function padSequence(
  sequences: readonly Tensor[],
  options: { batchFirst?: boolean; paddingValue?: number } = {},
): Tensor {
  checkOptions('padSequence', options, ['batchFirst', 'paddingValue']);
  const { batchFirst = false, paddingValue = 0 } = options;
  requireBoolean('padSequence', 'batchFirst', batchFirst);
  requireNumber('padSequence', 'paddingValue', paddingValue);
  if (!Array.isArray(sequences) || sequences.length === 0)
    throw new TypeError(
      `padSequence: sequences must be a non-empty array of tensors, got ${describeValue(sequences)}`,
    );
  for (const [i, s] of sequences.entries()) requireTensor('padSequence', `sequences[${i}]`, s);
  const first = sequences[0]!;
  const features = first.shape.slice(1);
  sequences.forEach((s: Tensor, i: number) => {
    if (
      s.ndim !== first.ndim ||
      s.ndim === 0 ||
      s.shape.slice(1).some((d, k) => d !== features[k]) ||
      s.dtype !== first.dtype
    ) {
      throw new RangeError(
        `padSequence: every sequence must be [length, ${features.join(', ')}] (${first.dtype}) like the first, got ` +
          `${describeValue(s)} at position ${i}`,
      );
    }
  });
  const longest = Math.max(...sequences.map((s) => s.shape[0]!));
  const padded = sequences.map((s) =>
    s.shape[0] === longest
      ? s
      : cat([s, full([longest - s.shape[0]!, ...features], paddingValue, { dtype: s.dtype })], 0),
  );
  return stack(padded, batchFirst ? 0 : 1);
}
