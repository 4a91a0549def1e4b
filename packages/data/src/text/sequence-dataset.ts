import { stack, type Tensor, tensor, tidy } from '@myelin/tensor';
import type { Dataset } from '../dataset.js';
import { checkOptions, describeValue, requireInteger } from '../validate.js';

/** Options of {@link SequenceDataset}. */
export interface SequenceDatasetOptions {
  /** Tokens per window (the model's context length). */
  seqLength: number;
  /** Tokens between the starts of consecutive windows (default `seqLength`: windows do not overlap). */
  stride?: number;
}

const NAME = 'SequenceDataset';

function readIds(ids: unknown): Int32Array {
  const maybe = ids as Partial<Tensor> | null;
  if (typeof maybe?.data === 'function' && Array.isArray(maybe.shape)) {
    if (maybe.isDisposed) throw new Error(`${NAME}: the ids tensor was disposed`);
    if (maybe.dtype !== 'int32' || maybe.shape.length !== 1)
      throw new TypeError(`${NAME}: ids must be a 1-D int32 tensor, got ${describeValue(ids)}`);
    return maybe.data() as Int32Array;
  }
  if (!Array.isArray(ids) && !ArrayBuffer.isView(ids))
    throw new TypeError(
      `${NAME}: ids must be token ids (an Int32Array, an array or a 1-D int32 tensor), got ${describeValue(ids)}`,
    );
  const values = ids as ArrayLike<number>;
  for (let i = 0; i < values.length; i++) {
    const id = values[i]!;
    if (!Number.isInteger(id) || id < 0 || id > 2147483647)
      throw new RangeError(`${NAME}: ids must be integers >= 0, got ${describeValue(id)} at position ${i}`);
  }
  return Int32Array.from(values);
}

/**
 * Next-token windows over a stream of token ids, for language models: sample `i` is
 * `[input, target]`, two int32 tensors of shape [seqLength], where input is
 * `ids[i·stride … i·stride + seqLength)` and target the same window shifted by one token. There
 * are `floor((ids.length - seqLength - 1) / stride) + 1` windows.
 *
 * Memory: the ids are held once (as one int32 tensor, released by `dispose()`); `get(i)` returns
 * views of them, not copies. Give the DataLoader `collate: dataset.collate`: it stacks the windows
 * into the [batchSize, seqLength] batch (the only copy) and releases the views, so a training loop
 * keeps memory flat.
 *
 * NOTE: with the DataLoader's default collate the batches are the same, but each window's two views
 * stay alive until garbage collection; pass `dataset.collate`.
 *
 * @example
 * const tokenizer = CharTokenizer.fromText(text);
 * const dataset = new SequenceDataset(tokenizer.encode(text), { seqLength: 64 });
 * const loader = new DataLoader(dataset, { batchSize: 32, shuffle: true, seed: 0, collate: dataset.collate });
 * for (const [input, target] of loader) { ... } // int32 [32, 64] each
 */
export class SequenceDataset implements Dataset<Tensor[]> {
  readonly seqLength: number;
  readonly stride: number;
  readonly length: number;
  private readonly ids: Tensor;

  constructor(ids: Int32Array | ArrayLike<number> | Tensor, options: SequenceDatasetOptions) {
    if (typeof options !== 'object' || options === null)
      throw new TypeError(`${NAME}: expected options { seqLength, stride? }, got ${describeValue(options)}`);
    checkOptions(NAME, options, ['seqLength', 'stride']);
    const { seqLength, stride = seqLength } = options;
    requireInteger(NAME, 'seqLength', seqLength, 1);
    requireInteger(NAME, 'stride', stride, 1);
    const values = readIds(ids);
    if (values.length < seqLength + 1)
      throw new RangeError(
        `${NAME}: ${values.length} ids are too few for one window of seqLength ${seqLength} (it needs ${seqLength + 1}: the target is shifted by one)`,
      );
    this.seqLength = seqLength;
    this.stride = stride;
    this.length = Math.floor((values.length - seqLength - 1) / stride) + 1;
    this.ids = tensor(values).keep();
  }

  /** Window `index`: [input, target], views of the ids (int32 [seqLength] each). */
  get(index: number): Tensor[] {
    if (this.ids.isDisposed) throw new Error(`${NAME}.get: the dataset was disposed`);
    if (!Number.isInteger(index) || index < 0 || index >= this.length)
      throw new RangeError(
        `${NAME}.get: index ${describeValue(index)} is out of range for a dataset of ${this.length} windows`,
      );
    const start = index * this.stride;
    return [
      this.ids.slice(0, start, start + this.seqLength),
      this.ids.slice(0, start + 1, start + 1 + this.seqLength),
    ];
  }

  /**
   * Stacks windows into [inputs, targets] (int32 [windows, seqLength] each) and releases the
   * windows' views: the DataLoader's `collate` for this dataset (already bound).
   *
   * @example new DataLoader(dataset, { batchSize: 32, collate: dataset.collate })
   */
  readonly collate = (samples: Tensor[][]): Tensor[] => {
    const inputs = samples.map((s) => s[0]!);
    const targets = samples.map((s) => s[1]!);
    // tidy: stack's intermediate per-window views are released too.
    const batch = tidy(() => [stack(inputs), stack(targets)]);
    for (const view of [...inputs, ...targets]) if (!view.isKept) view.dispose();
    return batch;
  };

  /** Releases the ids; the dataset cannot be used afterwards. */
  dispose(): void {
    this.ids.dispose();
  }
}
