import { arange, memory, type Tensor, tensor, tidy } from '@myelin/tensor';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { DataLoader, type Dataset, Subset, TensorDataset } from './index.js';

const x = () => arange(10).reshape(10, 1);
const y = () => tensor(Int32Array.from({ length: 10 }, (_, i) => i % 3));

describe('TensorDataset and Subset', () => {
  it('index rows and check bounds and shapes', () => {
    const ds = new TensorDataset(x(), y());
    expect(ds.length).toBe(10);
    const [xi, yi] = ds.get(4);
    expect(xi!.toArray()).toEqual([4]);
    expect(yi!.item()).toBe(1);
    expect(() => ds.get(10)).toThrow('TensorDataset: index 10 is out of range for a dataset of 10 samples');
    expect(() => new TensorDataset(x(), tensor([1, 2]))).toThrow(
      /tensor 1 has shape \[2\], but every tensor needs 10 rows/,
    );
    const sub = new Subset(ds, [9, 0]);
    expect(sub.get(0)[0]!.toArray()).toEqual([9]);
    expect(() => new Subset(ds, [11])).toThrow(/Subset: index 11 is out of range/);
  });
});

describe('DataLoader', () => {
  it('batches in order, with a short last batch or dropLast', () => {
    // Read each batch inside the loop: it is released when the next one is taken.
    const batches: unknown[][] = [];
    for (const [xb, yb] of new DataLoader(new TensorDataset(x(), y()), { batchSize: 4 }))
      batches.push([xb!.toArray(), yb!.toArray()]);
    expect(batches.length).toBe(3);
    expect(batches[0]).toEqual([
      [[0], [1], [2], [3]],
      [0, 1, 2, 0],
    ]);
    expect(batches[2]![0]).toEqual([[8], [9]]);
    const loader = new DataLoader(new TensorDataset(x(), y()), { batchSize: 4, dropLast: true });
    expect(loader.length).toBe(2);
    let count = 0;
    for (const _ of loader) count++;
    expect(count).toBe(2);
    expect(() => new DataLoader(new TensorDataset(x()), { batchSize: 0 })).toThrow(
      /batchSize must be an integer >= 1/,
    );
  });

  it('shuffles deterministically under a seed, differently each epoch, covering every sample', () => {
    const order = (loader: DataLoader) => {
      const out: number[] = [];
      for (const [xb] of loader) for (const r of xb!.toArray() as number[][]) out.push(r[0]!);
      return out;
    };
    const a = new DataLoader(new TensorDataset(x()), { batchSize: 3, shuffle: true, seed: 7 });
    const b = new DataLoader(new TensorDataset(x()), { batchSize: 3, shuffle: true, seed: 7 });
    const epoch1 = order(a);
    expect(order(b)).toEqual(epoch1);
    expect([...epoch1].sort((p, q) => p! - q!)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(order(a)).not.toEqual(epoch1);
  });

  it('batches a Subset of a TensorDataset and any Dataset through collate', () => {
    const sub = new Subset(new TensorDataset(x(), y()), [5, 6, 7]);
    for (const [xb, yb] of new DataLoader(sub, { batchSize: 3 })) {
      expect(xb!.toArray()).toEqual([[5], [6], [7]]);
      expect(yb!.dtype).toBe('int32');
    }
    const squares: Dataset<[number, number]> = { length: 4, get: (i) => [i, i * i] };
    for (const batch of new DataLoader(squares, { batchSize: 4 })) {
      expect(batch.map((t) => t.toArray())).toEqual([
        [0, 1, 2, 3],
        [0, 1, 4, 9],
      ]);
    }
    const custom = new DataLoader(squares, {
      batchSize: 2,
      collate: (s) => [tensor(s.map(([a, b]) => a + b))],
    });
    const sums: unknown[] = [];
    for (const [t] of custom) sums.push(t!.toArray());
    expect(sums).toEqual([
      [0, 2],
      [6, 12],
    ]);
  });

  it('releases each batch when the next is taken (and at the end or on break), unless kept', () => {
    const loader = new DataLoader(new TensorDataset(x(), y()), { batchSize: 2 });
    const before = memory().tensors;
    const seen: ReturnType<typeof tensor>[] = [];
    for (const [xb] of loader) seen.push(xb!);
    expect(seen.slice(0, -1).every((t) => t.isDisposed)).toBe(true);
    expect(memory().tensors).toBe(before);
    let kept: ReturnType<typeof tensor> | undefined;
    for (const [xb] of loader) {
      kept = xb!.keep();
      break;
    }
    expect(kept!.isDisposed).toBe(false);
    expect(memory().tensors).toBe(before + 1);
    kept!.dispose();
  });

  // issue 12 #17: a loop left early must not hold its batch until garbage collection. Each way of
  // leaving calls the iterator's return(), which releases the current batch.
  it('releases the current batch however a loop is left early', async () => {
    const loader = new DataLoader(new TensorDataset(x(), y()), { batchSize: 2 });
    const before = memory().tensors;
    for (const _ of loader) break;
    expect(memory().tensors).toBe(before);
    const first = () => {
      for (const batch of loader) return batch;
    };
    first();
    expect(memory().tensors).toBe(before);
    expect(() => {
      for (const _ of loader) throw new Error('stop');
    }).toThrow('stop');
    expect(memory().tensors).toBe(before);
    for await (const _ of loader) break;
    expect(memory().tensors).toBe(before);
    const iterator = loader[Symbol.iterator]();
    iterator.next();
    iterator.next();
    expect(memory().tensors).toBe(before + 2);
    iterator.return?.();
    expect(memory().tensors).toBe(before);
  });

  it('a loop over 10,000 batches keeps memory flat', () => {
    const ds = new TensorDataset(
      arange(200).reshape(100, 2),
      tensor(Int32Array.from({ length: 100 }, (_, i) => i % 2)),
    );
    const loader = new DataLoader(ds, { batchSize: 1, shuffle: true, seed: 1 });
    for (const _ of loader) break;
    const before = memory();
    let batches = 0;
    while (batches < 10_000) {
      for (const [xb] of loader) {
        batches++;
        tidy(() => {
          xb!.sum();
        });
      }
    }
    expect(batches).toBe(10_000);
    expect(memory()).toMatchObject({
      tensors: before.tensors,
      bytes: before.bytes,
      storages: before.storages,
    });
  });

  it('iterates with for await, yielding to the event loop between batches', async () => {
    const loader = new DataLoader(new TensorDataset(x()), { batchSize: 5 });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const seen: number[][] = [];
    for await (const [xb] of loader) seen.push((xb!.toArray() as number[][]).map((r) => r[0]!));
    clearInterval(timer);
    expect(seen).toEqual([
      [0, 1, 2, 3, 4],
      [5, 6, 7, 8, 9],
    ]);
    expect(ticks).toBeGreaterThan(0); // the timer ran while the loop was between batches
  });
});

// Issue 16 item 8: batches are typed as tuples, so a `noUncheckedIndexedAccess` project (this one)
// destructures them without `!`. `pnpm typecheck` checks these lines: with `Tensor[]` batches, `xb`
// was `Tensor | undefined` and every @ts-expect-error below was unused.
describe('batch types', () => {
  it('are a tuple with one tensor per field of a sample', () => {
    const ds = new TensorDataset(x(), y());
    expectTypeOf(ds.get(0)).toEqualTypeOf<[Tensor, Tensor]>();
    const loader = new DataLoader(ds, { batchSize: 5 });
    expectTypeOf(loader).toEqualTypeOf<DataLoader<[Tensor, Tensor], [Tensor, Tensor]>>();
    for (const batch of loader) {
      const [xb, yb] = batch;
      expectTypeOf(xb).toEqualTypeOf<Tensor>();
      expect(xb.size + yb.size).toBe(10); // no `!`
      // @ts-expect-error a batch of a two-tensor dataset has no third tensor
      expect(batch[2]).toBeUndefined();
      break;
    }
    const pairs: Dataset<[number, Tensor]> = { length: 2, get: (i) => [i, tensor([i])] };
    expectTypeOf(new DataLoader(pairs)).toEqualTypeOf<DataLoader<[number, Tensor], [Tensor, Tensor]>>();
    expectTypeOf(new DataLoader(new Subset(ds, [1]))).toEqualTypeOf<
      DataLoader<[Tensor, Tensor], [Tensor, Tensor]>
    >();
  });

  it('follow collate when one is given, and a tuple loader is still a loader of Tensor[]', () => {
    const collate = (samples: [Tensor, Tensor][]): [Tensor] => [tensor([samples.length])];
    const loader = new DataLoader(new TensorDataset(x(), y()), { batchSize: 4, collate });
    expectTypeOf(loader).toEqualTypeOf<DataLoader<[Tensor, Tensor], [Tensor]>>();
    const counts: number[] = [];
    for (const [count] of loader) counts.push(count.item());
    expect(counts).toEqual([4, 4, 2]);
    const general: DataLoader = loader; // covariant: functions taking a DataLoader accept it
    expect(general.length).toBe(3);
  });
});
