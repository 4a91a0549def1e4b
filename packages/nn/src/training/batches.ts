import { defaultGenerator, Generator, noGrad, randperm, stack, type Tensor, tensor } from '@myelin/tensor';

/** Training or evaluation data: [inputs, targets] tensors, an iterable of batches (e.g. a DataLoader), or a dataset. */
export type TrainingData =
  | readonly [Tensor, Tensor]
  | Iterable<Tensor[]>
  | { readonly length: number; get(index: number): Tensor[] };

function isTensorPair(data: TrainingData): data is readonly [Tensor, Tensor] {
  return Array.isArray(data) && data.length === 2 && Array.isArray((data[0] as Tensor).shape);
}

function isDataset(data: TrainingData): data is { readonly length: number; get(index: number): Tensor[] } {
  return (
    !Array.isArray(data) &&
    typeof (data as { get?: unknown }).get === 'function' &&
    !(Symbol.iterator in Object(data))
  );
}

/** Samples and batches per pass, where they can be known in advance. */
export function sizeOf(data: TrainingData, batchSize: number): { samples?: number; batches?: number } {
  if (isTensorPair(data)) {
    const n = data[0].shape[0]!;
    return { samples: n, batches: Math.ceil(n / batchSize) };
  }
  if (isDataset(data)) return { samples: data.length, batches: Math.ceil(data.length / batchSize) };
  const batches = (data as { length?: number }).length;
  return typeof batches === 'number' ? { batches } : {};
}

/**
 * Batches of [inputs, targets]. Tensors and datasets are batched here (shuffled with `seed` when
 * asked); an iterable (a DataLoader) is used as it is. Batches made here are released when the
 * next one is taken.
 */
export function* batchesOf(
  data: TrainingData,
  batchSize: number,
  shuffle: boolean,
  generator: Generator | undefined,
): IterableIterator<Tensor[]> {
  if (!isTensorPair(data) && !isDataset(data)) {
    yield* data as Iterable<Tensor[]>;
    return;
  }
  const n = isTensorPair(data) ? data[0].shape[0]! : data.length;
  if (isTensorPair(data) && data[1].shape[0] !== n) {
    throw new RangeError(`fit: inputs have ${n} samples but targets have ${data[1].shape[0]}`);
  }
  let order: Int32Array;
  if (shuffle) {
    const perm = randperm(n, { generator: generator ?? defaultGenerator });
    order = perm.data() as Int32Array;
    perm.dispose();
  } else {
    order = Int32Array.from({ length: n }, (_, i) => i);
  }
  let previous: Tensor[] = [];
  try {
    for (let start = 0; start < n; start += batchSize) {
      for (const t of previous) if (!t.isKept) t.dispose();
      const rows = order.subarray(start, Math.min(start + batchSize, n));
      previous = noGrad(() => {
        if (isTensorPair(data)) {
          const index = tensor(rows);
          const out = data.map((t) => t.indexSelect(0, index));
          index.dispose();
          return out;
        }
        const samples = Array.from(rows, (i) => data.get(i));
        return samples[0]!.map((_, field) => stack(samples.map((s) => s[field]!)));
      });
      yield previous;
    }
  } finally {
    for (const t of previous) if (!t.isKept) t.dispose();
  }
}

/** The generator for `seed`. */
export function generatorFor(seed: number | undefined): Generator | undefined {
  return seed === undefined ? undefined : new Generator(seed);
}
