import { defaultGenerator, Generator, noGrad, randperm, stack, type Tensor, tensor } from '@myelin/tensor';
import { type Dataset, indexTensor, Subset, TensorDataset } from './dataset.js';
import { checkOptions, describeValue, requireBoolean, requireInteger } from './validate.js';

/**
 * The batch that {@link defaultCollate} makes of samples of type `T`: one tensor per field of a
 * sample, a tuple when the sample is one (`[Tensor, Tensor]` for a `TensorDataset` of two tensors).
 */
export type Batch<T> = T extends readonly unknown[] ? { -readonly [K in keyof T]: Tensor } : [Tensor];

/** Options of {@link DataLoader}. */
export interface DataLoaderOptions<T, B extends Tensor[] = Batch<T>> {
  /** Samples per batch (default 1). */
  batchSize?: number;
  /** Reshuffle the order at the start of every pass (default false). */
  shuffle?: boolean;
  /** Seed of the shuffling (default: the global generator, which `manualSeed` sets). */
  seed?: number;
  /** Drop the last batch if it is smaller than batchSize (default false). */
  dropLast?: boolean;
  /** Turns a list of samples into a batch (default: stack tensors, numbers become a tensor). */
  collate?: (samples: T[]) => B;
}

/** Stacks each field of the samples: tensors along a new first dimension, numbers into a vector. */
export function defaultCollate(samples: readonly unknown[]): Tensor[] {
  const first = samples[0];
  const fields = Array.isArray(first) ? first.length : 1;
  const field = (s: unknown, f: number) => (Array.isArray(first) ? (s as unknown[])[f] : s);
  return Array.from({ length: fields }, (_, f) => {
    const values = samples.map((s) => field(s, f));
    if (typeof values[0] === 'number') return tensor(values as number[]);
    return stack(values as Tensor[]);
  });
}

/**
 * Iterates a dataset in batches, synchronously (`for…of`) or asynchronously (`for await`). Each
 * batch's tensors are released when the next batch is taken, or when the loop ends — unless
 * `keep()`-ed — so a loop over a loader does not grow memory. Leaving a loop early (`break`,
 * `return`, an exception) releases the current batch too.
 *
 * NOTE: an iterator stepped by hand with `next()` holds its current batch until it is exhausted or
 * its `return()` is called; one that is simply dropped holds it until garbage collection.
 *
 * Batches are typed from the dataset's samples ({@link Batch}), or from `collate`'s result: a
 * `TensorDataset` of `x` and `y` gives `[Tensor, Tensor]` batches.
 *
 * @example
 * const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 32, shuffle: true, seed: 0 });
 * for (const [xb, yb] of loader) { ... } // xb, yb: Tensor
 */
export class DataLoader<T = Tensor[], B extends Tensor[] = Batch<T>>
  implements Iterable<B>, AsyncIterable<B>
{
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  private readonly generator: Generator;
  // Typed over unknown samples so that a loader of tuples is also a loader of `Tensor[]` (covariant).
  private readonly collate: (samples: readonly unknown[]) => B;

  constructor(
    readonly dataset: Dataset<T>,
    options: DataLoaderOptions<T, B> = {},
  ) {
    const name = 'DataLoader';
    if (
      typeof (dataset as Partial<Dataset<T>> | null)?.get !== 'function' ||
      typeof dataset.length !== 'number'
    ) {
      throw new TypeError(
        `${name}: expected a dataset with length and get(i) (e.g. new TensorDataset(x, y)), got ${describeValue(dataset)}`,
      );
    }
    checkOptions(name, options, ['batchSize', 'shuffle', 'seed', 'dropLast', 'collate']);
    const { batchSize = 1, shuffle = false, dropLast = false, seed } = options;
    requireInteger(name, 'batchSize', batchSize, 1);
    requireBoolean(name, 'shuffle', shuffle);
    requireBoolean(name, 'dropLast', dropLast);
    if (seed !== undefined) requireInteger(name, 'seed', seed);
    if (options.collate !== undefined && typeof options.collate !== 'function')
      throw new TypeError(
        `${name}: collate must be a function of the samples, got ${describeValue(options.collate)}`,
      );
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.generator = seed === undefined ? defaultGenerator : new Generator(seed);
    this.collate = (options.collate ?? defaultCollate) as (samples: readonly unknown[]) => B;
  }

  /** Batches per pass. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  *[Symbol.iterator](): Iterator<B> {
    let previous: Tensor[] = [];
    const release = () => {
      for (const t of previous) if (!t.isKept) t.dispose();
      previous = [];
    };
    try {
      const order = this.order();
      for (let b = 0; b < this.length; b++) {
        release();
        const positions = order.subarray(
          b * this.batchSize,
          Math.min((b + 1) * this.batchSize, order.length),
        );
        const batch = noGrad(() => this.batch(positions));
        previous = batch;
        yield batch;
      }
    } finally {
      release();
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<B> {
    for (const batch of this) {
      yield batch;
      // Let the event loop run between batches (a page or a progress bar stays live).
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
    }
  }

  private order(): Int32Array {
    const n = this.dataset.length;
    if (!this.shuffle) return Int32Array.from({ length: n }, (_, i) => i);
    const permutation = randperm(n, { generator: this.generator });
    const out = permutation.data() as Int32Array;
    permutation.dispose();
    return out;
  }

  private batch(positions: Int32Array): B {
    if (this.collate === (defaultCollate as unknown)) {
      // Fast path for tensors: one indexSelect per tensor instead of per-sample views.
      const dataset = this.dataset as unknown;
      if (dataset instanceof TensorDataset) return selectRows(dataset, positions) as B;
      if (dataset instanceof Subset && dataset.dataset instanceof TensorDataset) {
        return selectRows(
          dataset.dataset,
          Int32Array.from(positions, (p) => dataset.indices[p]!),
        ) as B;
      }
    }
    return this.collate(Array.from(positions, (p) => this.dataset.get(p)));
  }
}

function selectRows(source: TensorDataset, rows: Int32Array): Tensor[] {
  const index = indexTensor(rows);
  const out = source.tensors.map((t) => t.indexSelect(0, index));
  index.dispose();
  return out;
}
