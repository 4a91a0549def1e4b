import { memory, tensor } from '@myelin/tensor';
import { describe, expect, it } from 'vitest';
import { CharTokenizer, DataLoader, loadText, SequenceDataset } from '../index.js';

const range = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

describe('SequenceDataset', () => {
  it('windows of seqLength with the target shifted by one; stride defaults to seqLength', () => {
    const ds = new SequenceDataset(range(10), { seqLength: 3 });
    // windows start at 0, 3, 6 (the last needs ids 6..9)
    expect(ds.length).toBe(3);
    const [input, target] = ds.get(2);
    expect(input!.dtype).toBe('int32');
    expect(input!.shape).toEqual([3]);
    expect(Array.from(input!.data())).toEqual([6, 7, 8]);
    expect(Array.from(target!.data())).toEqual([7, 8, 9]);
    ds.dispose();
  });

  it('overlapping windows with stride 1: floor((n - seqLength - 1) / stride) + 1 of them', () => {
    const ds = new SequenceDataset([5, 6, 7, 8, 9], { seqLength: 2, stride: 1 });
    expect(ds.length).toBe(3);
    expect(Array.from({ length: 3 }, (_, i) => Array.from(ds.get(i)[0]!.data()))).toEqual([
      [5, 6],
      [6, 7],
      [7, 8],
    ]);
    expect(new SequenceDataset(range(11), { seqLength: 4, stride: 3 }).length).toBe(3); // starts 0, 3, 6
  });

  it('batches into [batchSize, seqLength] int32 with the DataLoader, shuffled or not', () => {
    const ds = new SequenceDataset(range(21), { seqLength: 4 }); // 5 windows
    const batches: number[][][][] = [];
    for (const [x, y] of new DataLoader(ds, { batchSize: 2, collate: ds.collate })) {
      expect(x!.dtype).toBe('int32');
      expect(y!.dtype).toBe('int32');
      batches.push([x!.toArray() as number[][], y!.toArray() as number[][]]);
    }
    const shuffled = new DataLoader(ds, { batchSize: 5, shuffle: true, seed: 3, collate: ds.collate });
    for (const [x, y] of shuffled) {
      const inputs = x!.toArray() as number[][];
      expect(inputs.map((row) => row[0]).sort((a, b) => a! - b!)).toEqual([0, 4, 8, 12, 16]);
      // every target row is its input row shifted by one
      expect(y!.toArray()).toEqual(inputs.map((row) => row.map((v) => v + 1)));
    }
    ds.dispose();
  });

  // Fails without the tidy in collate: stack leaves its per-window unsqueeze views alive.
  it('keeps memory flat over an epoch with its collate (views released, the batch is the only copy)', () => {
    const { text } = loadText('genesis');
    const tokenizer = CharTokenizer.fromText(text);
    const ds = new SequenceDataset(tokenizer.encode(text), { seqLength: 64, stride: 32 });
    const loader = new DataLoader(ds, { batchSize: 16, collate: ds.collate });
    const before = memory();
    let batches = 0;
    for (const [x, y] of loader) {
      expect(x!.shape).toEqual([16, 64]);
      expect(y!.shape).toEqual([16, 64]);
      if (++batches === 200) break;
    }
    expect(memory().tensors).toBe(before.tensors);
    expect(memory().bytes).toBe(before.bytes);
    // the first window decodes to the text's first 64 characters
    expect(tokenizer.decode(ds.get(0)[0]!)).toBe(Array.from(text).slice(0, 64).join(''));
    ds.dispose();
  });

  it('takes an int32 tensor and holds its own copy', () => {
    const ids = tensor(range(6));
    const ds = new SequenceDataset(ids, { seqLength: 2, stride: 2 });
    ids.dispose();
    expect(Array.from(ds.get(1)[1]!.data())).toEqual([3, 4]);
    ds.dispose();
    expect(() => ds.get(0)).toThrow('SequenceDataset.get: the dataset was disposed');
  });

  it('refuses bad arguments with errors naming SequenceDataset', () => {
    expect(() => new SequenceDataset(range(4), { seqLength: 4 })).toThrow(
      'SequenceDataset: 4 ids are too few for one window of seqLength 4 (it needs 5: the target is shifted by one)',
    );
    expect(() => new SequenceDataset(range(9), { seqLength: 0 })).toThrow(
      'SequenceDataset: seqLength must be an integer >= 1, got 0',
    );
    expect(() => new SequenceDataset(range(9), { seqLength: 2, stride: 1.5 })).toThrow(
      'SequenceDataset: stride must be an integer >= 1, got 1.5',
    );
    expect(() => new SequenceDataset(range(9), { seqLength: 2, step: 1 } as never)).toThrow(
      "SequenceDataset: unknown option 'step'",
    );
    expect(() => new SequenceDataset([0, 1, -2, 3], { seqLength: 2 })).toThrow(
      'SequenceDataset: ids must be integers >= 0, got -2 at position 2',
    );
    expect(() => new SequenceDataset(tensor([0, 1, 2]), { seqLength: 1 })).toThrow(
      'SequenceDataset: ids must be a 1-D int32 tensor, got a float32 tensor of shape [3]',
    );
    expect(() => new SequenceDataset('abc' as never, { seqLength: 1 })).toThrow(
      'SequenceDataset: ids must be token ids',
    );
    const ds = new SequenceDataset(range(9), { seqLength: 2 });
    expect(() => ds.get(4)).toThrow(
      'SequenceDataset.get: index 4 is out of range for a dataset of 4 windows',
    );
    ds.dispose();
  });
});
