// The recurrent cells (PyTorch's RNNCell, LSTMCell, GRUCell) and the step functions that the cells
// and the sequence layers (rnn.ts) share. A step is split as PyTorch's fused implementation splits
// it: the input projection x·W_ihᵀ (done for a whole sequence at once by the layers), the recurrent
// product h·W_hhᵀ, and the elementwise cell (one fused kernel for LSTM and GRU).
import { gruCell, lstmCell, type Tensor, zeros } from '@myelin/tensor';
import * as init from '../init.js';
import { Module } from '../module.js';
import { checkOptions, requireBoolean, requireChoice, requireInteger, requireTensor } from '../validate.js';

/** Which recurrence: the plain RNN with its nonlinearity, LSTM or GRU. */
export type RecurrentMode = 'rnnTanh' | 'rnnRelu' | 'lstm' | 'gru';

/** Rows of W_ih and W_hh per hidden unit: the gates, stacked in PyTorch's order. */
export const GATES: Readonly<Record<RecurrentMode, number>> = { rnnTanh: 1, rnnRelu: 1, lstm: 4, gru: 3 };

/** The parameters of one layer and direction. */
export interface CellWeights {
  readonly weightIh: Tensor;
  readonly weightHh: Tensor;
  readonly biasIh: Tensor | null;
  readonly biasHh: Tensor | null;
  /** LSTM with projections only: W_hr [proj, hidden], h = (o·tanh(c))·W_hrᵀ. */
  readonly weightHr?: Tensor | null;
}

/**
 * A new parameter of `shape` drawn from U(−1/√hidden, 1/√hidden), PyTorch's initialisation of every
 * recurrent weight and bias.
 */
export function recurrentParameter(shape: number[], hiddenSize: number): Tensor {
  const bound = 1 / Math.sqrt(hiddenSize);
  return init.uniform(zeros(shape), -bound, bound);
}

/**
 * The input's part of every gate for all rows of `x` ([rows, input]) at once: x·W_ihᵀ + b_ih, plus
 * b_hh where it simply adds to the gates (all but GRU, whose b_hh sits inside r·(h·W_hhᵀ + b_hh)).
 */
export function projectInput(mode: RecurrentMode, x: Tensor, w: CellWeights): Tensor {
  const xw = x.matmul(w.weightIh.transpose());
  const bias =
    mode === 'gru' || w.biasHh === null ? w.biasIh : w.biasIh === null ? w.biasHh : w.biasIh.add(w.biasHh);
  return bias === null ? xw : xw.add(bias);
}

/** The recurrent state: h, and c for LSTM. `zero` marks the all-zero initial state (no h·W_hhᵀ needed). */
export interface RecurrentState {
  readonly h: Tensor;
  readonly c: Tensor | null;
  readonly zero: boolean;
}

/** A zero state for `batch` rows (h has `outputSize` columns: the projection size of a projected LSTM). */
export function zeroState(
  mode: RecurrentMode,
  batch: number,
  hidden: number,
  outputSize = hidden,
): RecurrentState {
  return { h: zeros([batch, outputSize]), c: mode === 'lstm' ? zeros([batch, hidden]) : null, zero: true };
}

/**
 * One time step from the projected input `xw` ([batch, gates·hidden], from {@link projectInput}) and
 * the previous state.
 *
 * NOTE: each step transposes W_hh itself (a view) rather than sharing one transposed view: the
 * per-step gradients then accumulate into W_hh's dense layout, not into a transposed view (which
 * takes the slower strided path).
 */
export function recurrentStep(
  mode: RecurrentMode,
  xw: Tensor,
  state: RecurrentState,
  { weightHh, biasHh, weightHr }: CellWeights,
): RecurrentState {
  if (mode === 'gru') {
    let gh: Tensor;
    if (!state.zero) gh = state.h.matmul(weightHh.mT);
    else gh = zeros(xw.shape);
    if (biasHh !== null) gh = gh.add(biasHh);
    return { h: gruCell(xw, gh, state.h), c: null, zero: false };
  }
  const pre = state.zero ? xw : xw.add(state.h.matmul(weightHh.mT));
  if (mode === 'lstm') {
    const [h, c] = lstmCell(pre, state.c!);
    return { h: weightHr ? h.matmul(weightHr.mT) : h, c, zero: false };
  }
  return { h: mode === 'rnnTanh' ? pre.tanh() : pre.relu(), c: null, zero: false };
}

/** Throws unless a cell's state `t` is [batch, hidden] (or [hidden] for an unbatched input). */
function requireState(fn: string, name: string, t: unknown, shape: readonly number[]): asserts t is Tensor {
  requireTensor(fn, name, t, 'float32');
  if (t.ndim !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new RangeError(`${fn}: ${name} must have shape [${shape.join(',')}], got [${t.shape.join(',')}]`);
  }
}

/** What the cells share: sizes, parameters with PyTorch's names, input checks. */
abstract class RecurrentCellBase extends Module {
  readonly weight_ih: Tensor;
  readonly weight_hh: Tensor;
  readonly bias_ih: Tensor | null;
  readonly bias_hh: Tensor | null;

  constructor(
    protected readonly cellName: string,
    protected readonly mode: RecurrentMode,
    readonly inputSize: number,
    readonly hiddenSize: number,
    bias: boolean,
  ) {
    super();
    requireInteger(cellName, 'inputSize', inputSize, 1);
    requireInteger(cellName, 'hiddenSize', hiddenSize, 1);
    requireBoolean(cellName, 'bias', bias);
    const rows = GATES[mode] * hiddenSize;
    this.weight_ih = this.addParameter('weight_ih', recurrentParameter([rows, inputSize], hiddenSize));
    this.weight_hh = this.addParameter('weight_hh', recurrentParameter([rows, hiddenSize], hiddenSize));
    this.bias_ih = bias ? this.addParameter('bias_ih', recurrentParameter([rows], hiddenSize)) : null;
    this.bias_hh = bias ? this.addParameter('bias_hh', recurrentParameter([rows], hiddenSize)) : null;
  }

  /** Checks `x` ([batch, input] or unbatched [input]) and returns it as a batch with the batch size. */
  protected batchOf(x: unknown): { x: Tensor; batched: boolean; batch: number } {
    const fn = `${this.cellName}.forward`;
    requireTensor(fn, 'the input', x, 'float32');
    if ((x.ndim !== 1 && x.ndim !== 2) || x.shape[x.ndim - 1] !== this.inputSize) {
      throw new RangeError(
        `${fn}: the input must be [batch, ${this.inputSize}] or [${this.inputSize}], got [${x.shape.join(',')}]`,
      );
    }
    const batched = x.ndim === 2;
    return { x: batched ? x : x.unsqueeze(0), batched, batch: batched ? x.shape[0]! : 1 };
  }

  /** A given state (checked, made 2-D) or null. */
  protected stateOf(name: string, t: unknown, batched: boolean, batch: number): Tensor | null {
    if (t === undefined || t === null) return null;
    const shape = batched ? [batch, this.hiddenSize] : [this.hiddenSize];
    requireState(`${this.cellName}.forward`, name, t, shape);
    return batched ? t : t.unsqueeze(0);
  }

  /** One step from the (2-D) input and state. */
  protected step(x: Tensor, h: Tensor | null, c: Tensor | null): RecurrentState {
    const batch = x.shape[0]!;
    const w = {
      weightIh: this.weight_ih,
      weightHh: this.weight_hh,
      biasIh: this.bias_ih,
      biasHh: this.bias_hh,
    };
    const zero = zeroState(this.mode, batch, this.hiddenSize);
    // NOTE: h·W_hhᵀ runs even on a zero state, so that weight_hh gets a (zero) gradient as in PyTorch.
    const state = { h: h ?? zero.h, c: c ?? zero.c, zero: false };
    return recurrentStep(this.mode, projectInput(this.mode, x, w), state, w);
  }

  protected override describe(): string {
    return `${this.inputSize}, ${this.hiddenSize}, bias=${this.bias_ih !== null}`;
  }
}

/**
 * An Elman RNN cell (PyTorch's torch.nn.RNNCell): h′ = act(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh) with
 * act tanh (default) or relu. Parameters `weight_ih` [hidden, input], `weight_hh` [hidden, hidden],
 * `bias_ih`, `bias_hh` [hidden], all U(−1/√hidden, 1/√hidden). `forward(x, h?)` takes x [batch,
 * input] (or unbatched [input]) and h like the output (zeros when omitted).
 *
 * @example const cell = new RNNCell(10, 20); let h = cell.forward(x0); h = cell.forward(x1, h);
 */
export class RNNCell extends RecurrentCellBase {
  static override readonly layerName = 'RNNCell';
  constructor(
    inputSize: number,
    hiddenSize: number,
    options: { bias?: boolean; nonlinearity?: 'tanh' | 'relu' } = {},
  ) {
    checkOptions('RNNCell', options, ['bias', 'nonlinearity']);
    const nonlinearity = options.nonlinearity ?? 'tanh';
    requireChoice('RNNCell', 'nonlinearity', nonlinearity, ['tanh', 'relu']);
    super(
      'RNNCell',
      nonlinearity === 'tanh' ? 'rnnTanh' : 'rnnRelu',
      inputSize,
      hiddenSize,
      options.bias ?? true,
    );
  }

  forward(x: Tensor, h?: Tensor | null): Tensor {
    const b = this.batchOf(x);
    const out = this.step(b.x, this.stateOf('h', h, b.batched, b.batch), null).h;
    return b.batched ? out : out.squeeze(0);
  }
}

/**
 * A long short-term memory cell (Hochreiter & Schmidhuber 1997; PyTorch's torch.nn.LSTMCell) with
 * gates in PyTorch's order (i, f, g, o): i, f, o = σ(·), g = tanh(·) of x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh,
 * c′ = f·c + i·g, h′ = o·tanh(c′). `weight_ih` is [4·hidden, input], `weight_hh` [4·hidden, hidden].
 * `forward(x, [h, c]?)` returns `[h′, c′]`; the cell after the products is one fused kernel.
 *
 * @example const cell = new LSTMCell(10, 20); const [h, c] = cell.forward(x0); cell.forward(x1, [h, c]);
 */
export class LSTMCell extends RecurrentCellBase {
  static override readonly layerName = 'LSTMCell';
  constructor(inputSize: number, hiddenSize: number, options: { bias?: boolean } = {}) {
    checkOptions('LSTMCell', options, ['bias']);
    super('LSTMCell', 'lstm', inputSize, hiddenSize, options.bias ?? true);
  }

  forward(x: Tensor, hx?: readonly [Tensor, Tensor] | null): [Tensor, Tensor] {
    const b = this.batchOf(x);
    if (hx !== undefined && hx !== null && (!Array.isArray(hx) || hx.length !== 2)) {
      throw new TypeError('LSTMCell.forward: the state must be a pair [h, c] of tensors');
    }
    const h = this.stateOf('h', hx?.[0], b.batched, b.batch);
    const c = this.stateOf('c', hx?.[1], b.batched, b.batch);
    const out = this.step(b.x, h, c);
    return b.batched ? [out.h, out.c!] : [out.h.squeeze(0), out.c!.squeeze(0)];
  }
}

/**
 * A gated recurrent unit cell (Cho et al. 2014; PyTorch's torch.nn.GRUCell) with gates in PyTorch's
 * order (r, z, n): r = σ(x·W_irᵀ + b_ir + h·W_hrᵀ + b_hr), z likewise, n = tanh(x·W_inᵀ + b_in +
 * r·(h·W_hnᵀ + b_hn)), h′ = (1 − z)·n + z·h. `weight_ih` is [3·hidden, input], `weight_hh`
 * [3·hidden, hidden]. `forward(x, h?)` returns h′; the cell after the products is one fused kernel.
 *
 * @example const cell = new GRUCell(10, 20); let h = cell.forward(x0); h = cell.forward(x1, h);
 */
export class GRUCell extends RecurrentCellBase {
  static override readonly layerName = 'GRUCell';
  constructor(inputSize: number, hiddenSize: number, options: { bias?: boolean } = {}) {
    checkOptions('GRUCell', options, ['bias']);
    super('GRUCell', 'gru', inputSize, hiddenSize, options.bias ?? true);
  }

  forward(x: Tensor, h?: Tensor | null): Tensor {
    const b = this.batchOf(x);
    const out = this.step(b.x, this.stateOf('h', h, b.batched, b.batch), null).h;
    return b.batched ? out : out.squeeze(0);
  }
}
