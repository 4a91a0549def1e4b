import { type Tensor, tensor } from '@myelin/tensor';
import { describeValue, requireTensor } from './validate.js';

/** Random access to samples: `length` and `get(i)` (PyTorch's map-style Dataset). */
export interface Dataset<T = Tensor[]> {
  readonly length: number;
  get(index: number): T;
}

function checkIndex(owner: string, index: number, length: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= length) {
    throw new RangeError(`${owner}: index ${index} is out of range for a dataset of ${length} samples`);
  }
}

/**
 * Samples are the rows (first dimension) of the given tensors, e.g. features and labels.
 * `get(i)` returns views of row i; the DataLoader batches a TensorDataset without per-sample work.
 * A sample is typed as a tuple with one tensor per argument (`[Tensor, Tensor]` for `(x, y)`), so
 * destructuring it needs no `!` under `noUncheckedIndexedAccess`.
 *
 * @example const ds = new TensorDataset(x, y); const [xi, yi] = ds.get(0);
 */
export class TensorDataset<T extends Tensor[] = Tensor[]> implements Dataset<T> {
  readonly tensors: Readonly<T>;

  constructor(...tensors: T) {
    if (tensors.length === 0) throw new Error('TensorDataset: expected at least one tensor');
    const n = (tensors[0] as Tensor | undefined)?.shape?.[0];
    for (const [i, t] of tensors.entries()) {
      requireTensor('TensorDataset', `argument ${i}`, t);
      if (t.ndim === 0 || t.shape[0] !== n) {
        throw new RangeError(
          `TensorDataset: tensor ${i} has shape [${t.shape.join(',')}], but every tensor needs ${n} rows`,
        );
      }
    }
    this.tensors = tensors;
  }

  get length(): number {
    return this.tensors[0]!.shape[0]!;
  }

  get(index: number): T {
    checkIndex('TensorDataset', index, this.length);
    return this.tensors.map((t) => t.slice(0, index, index + 1).squeeze(0)) as T;
  }
}

/**
 * The samples of `dataset` at `indices`, in that order (a split or a fold).
 *
 * @example const firstHundred = new Subset(ds, Array.from({ length: 100 }, (_, i) => i));
 */
export class Subset<T> implements Dataset<T> {
  readonly indices: Int32Array;

  constructor(
    readonly dataset: Dataset<T>,
    indices: ArrayLike<number>,
  ) {
    if (typeof (dataset as Partial<Dataset<T>> | null)?.get !== 'function')
      throw new TypeError(`Subset: expected a dataset with length and get(i), got ${describeValue(dataset)}`);
    if (!Array.isArray(indices) && !ArrayBuffer.isView(indices))
      throw new TypeError(
        `Subset: indices must be an array of sample positions, got ${describeValue(indices)}`,
      );
    this.indices = Int32Array.from(indices);
    for (const i of this.indices) checkIndex('Subset', i, dataset.length);
  }

  get length(): number {
    return this.indices.length;
  }

  get(index: number): T {
    checkIndex('Subset', index, this.length);
    return this.dataset.get(this.indices[index]!);
  }
}

/** An int32 index tensor from a list of positions. */
export function indexTensor(indices: ArrayLike<number>): Tensor {
  return tensor(Int32Array.from(indices));
}
