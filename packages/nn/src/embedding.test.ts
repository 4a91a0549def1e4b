// Embedding.fromPretrained and paddingIdx as PyTorch: the padding row reads its value and gets no
// gradient; negative paddingIdx counts from the end.
import { tensor } from '@myelin/tensor';
import { describe, expect, it } from 'vitest';
import { Embedding } from './index.js';

const table = () =>
  tensor([
    [0.5, -1],
    [1, 2],
    [3, 4],
  ]);
const ids = () => tensor([2, 0, 2, 1], { dtype: 'int32' });

describe('Embedding.fromPretrained', () => {
  it('copies the table and is frozen by default', () => {
    const source = table();
    const emb = Embedding.fromPretrained(source);
    expect(emb.forward(tensor([2, 0], { dtype: 'int32' })).toArray()).toEqual([
      [3, 4],
      [0.5, -1],
    ]);
    expect(emb.weight.requiresGrad).toBe(false);
    source.fill_(0); // a copy: the source can change or go
    expect((emb.weight.toArray() as number[][])[1]).toEqual([1, 2]);
  });

  it('trains with freeze: false; the padding row keeps its pretrained value and gets no gradient', () => {
    // Defect covered: padding lookups used to be multiplied by 0, so a pretrained (nonzero) padding
    // row read as zeros — PyTorch returns the row's value and only blocks its gradient.
    const emb = Embedding.fromPretrained(table(), { freeze: false, paddingIdx: 0 });
    const out = emb.forward(ids());
    expect((out.toArray() as number[][])[1]).toEqual([0.5, -1]);
    out
      .mul(tensor([[1], [2], [3], [4]]))
      .sum()
      .backward();
    expect(emb.weight.grad!.toArray()).toEqual([
      [0, 0],
      [4, 4],
      [4, 4],
    ]);
  });

  it('rejects a table that is not 2-D and unknown options, in its own name', () => {
    expect(() => Embedding.fromPretrained(tensor([1, 2]))).toThrow(
      /^Embedding.fromPretrained: embeddings must be a non-empty 2-D tensor/,
    );
    expect(() => Embedding.fromPretrained(table(), { frozen: true } as object)).toThrow(
      /^Embedding.fromPretrained: unknown option 'frozen'/,
    );
  });
});

describe('Embedding paddingIdx', () => {
  it('a negative paddingIdx counts from the end, as PyTorch', () => {
    const emb = new Embedding(3, 2, { paddingIdx: -1 });
    expect(emb.paddingIdx).toBe(2);
    expect((emb.weight.toArray() as number[][])[2]).toEqual([0, 0]);
    emb.forward(ids()).sum().backward();
    expect((emb.weight.grad!.toArray() as number[][])[2]).toEqual([0, 0]);
    expect(() => new Embedding(3, 2, { paddingIdx: -4 })).toThrow(
      /^Embedding: paddingIdx must be a row in 0..2, got -4/,
    );
  });

  it('after loading a state dict with a nonzero padding row, lookups return that row', () => {
    const emb = new Embedding(3, 2, { paddingIdx: 1 });
    emb.loadStateDict({ weight: table() });
    expect((emb.forward(ids()).toArray() as number[][])[3]).toEqual([1, 2]);
  });
});
