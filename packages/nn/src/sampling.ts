import { defaultGenerator, Generator, type Tensor, tensor } from '@myelin/tensor';
import { checkOptions, describeValue, positive, requireNumber, requireTensor } from './validate.js';

/** Options of {@link sampleLogits}. */
export interface SampleLogitsOptions {
  /** Divides the logits before the softmax (default 1): below 1 sharper, above 1 flatter. Must be > 0. */
  temperature?: number;
  /** Sample only among the `topK` largest logits of each row (default: all). An integer >= 1. */
  topK?: number;
  /**
   * Nucleus sampling: sample only among the most probable tokens whose probabilities (after
   * temperature and topK) add up to at least `topP` (default 1: all). In (0, 1].
   */
  topP?: number;
  /** Random stream (default: the global one, which `manualSeed` sets). */
  generator?: Generator;
}

const NAME = 'sampleLogits';

/**
 * Draws one token id per row of `logits` from `softmax(logits / temperature)`, restricted to the
 * `topK` largest logits and then to the `topP` nucleus (Holtzman et al., 2020, "The Curious Case of
 * Neural Text Degeneration"). `logits` is float32 [vocab] or [batch, vocab]; the result is int32 of
 * shape [] or [batch]. Each row uses exactly one uniform draw of the generator, so a seeded
 * generator gives the same ids in every runtime.
 *
 * `topK: 1` (or a temperature near 0) is greedy decoding: the argmax, the first one on ties.
 * `-Infinity` logits are never drawn (a mask).
 *
 * @example
 * const generator = new Generator(0);
 * const next = sampleLogits(model.forward(context).slice(1, -1).squeeze(1), { temperature: 0.8, topK: 40, generator });
 */
export function sampleLogits(logits: Tensor, options: SampleLogitsOptions = {}): Tensor {
  requireTensor(NAME, 'logits', logits, 'float32');
  if (logits.ndim !== 1 && logits.ndim !== 2)
    throw new RangeError(
      `${NAME}: logits must be [vocab] or [batch, vocab], got shape [${logits.shape.join(',')}]`,
    );
  checkOptions(NAME, options, ['temperature', 'topK', 'topP', 'generator']);
  const { temperature = 1, topK, topP = 1, generator = defaultGenerator } = options;
  requireNumber(NAME, 'temperature', temperature, positive);
  if (topK !== undefined && (typeof topK !== 'number' || !Number.isInteger(topK) || topK < 1))
    throw new RangeError(`${NAME}: topK must be an integer >= 1, got ${describeValue(topK)}`);
  requireNumber(NAME, 'topP', topP, { low: 0, high: 1, lowOpen: true, text: 'in (0, 1]' });
  if (!(generator instanceof Generator))
    throw new TypeError(`${NAME}: generator must be a Generator, got ${describeValue(generator)}`);
  const vocab = logits.shape[logits.ndim - 1]!;
  const rows = logits.ndim === 2 ? logits.shape[0]! : 1;
  if (vocab === 0) throw new RangeError(`${NAME}: logits have no entries to sample from (vocab size 0)`);
  const values = logits.data();
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    out[r] = sampleRow(
      values.subarray(r * vocab, (r + 1) * vocab),
      r,
      temperature,
      topK ?? vocab,
      topP,
      generator,
    );
  }
  return tensor(out, { shape: logits.ndim === 2 ? [rows] : [] });
}

function sampleRow(
  row: Float32Array | Int32Array,
  r: number,
  temperature: number,
  topK: number,
  topP: number,
  generator: Generator,
): number {
  for (let i = 0; i < row.length; i++) {
    const v = row[i]!;
    if (Number.isNaN(v) || v === Number.POSITIVE_INFINITY)
      throw new RangeError(
        `${NAME}: logits row ${r} holds ${v} at index ${i}; expected finite numbers or -Infinity`,
      );
  }
  // Candidates, largest logit first (ties: lower index first, so topK 1 is argmax's choice).
  const order = Array.from(row.keys()).filter((i) => row[i]! !== Number.NEGATIVE_INFINITY);
  if (order.length === 0)
    throw new RangeError(`${NAME}: every logit of row ${r} is -Infinity; nothing can be drawn`);
  order.sort((a, b) => row[b]! - row[a]! || a - b);
  const kept = order.slice(0, Math.min(topK, order.length));
  // Softmax of logits / temperature over the candidates, in float64, shifted by the maximum.
  const top = row[kept[0]!]!;
  const weights = kept.map((i) => Math.exp((row[i]! - top) / temperature));
  let total = weights.reduce((s, w) => s + w, 0);
  if (topP < 1) {
    let cumulative = 0;
    let n = 0;
    while (n < weights.length && cumulative < topP * total) cumulative += weights[n++]!;
    weights.length = Math.max(n, 1);
    total = weights.reduce((s, w) => s + w, 0);
  }
  const u = generator.nextFloat() * total;
  let cumulative = 0;
  for (let j = 0; j < weights.length; j++) {
    cumulative += weights[j]!;
    if (u < cumulative) return kept[j]!;
  }
  return kept[weights.length - 1]!; // u within rounding of the total
}
