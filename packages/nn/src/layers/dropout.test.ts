import { Generator, manualSeed, ones, rand } from '@myelin/tensor';
import { describe, expect, it } from 'vitest';
import { Dropout, dropout } from './dropout.js';

describe('Dropout with a generator of its own (issue 12 #10)', () => {
  it('draws its masks from the generator, leaving the default stream alone', () => {
    const x = ones([4, 8]);
    manualSeed(3);
    const expected = rand([3]).data();
    manualSeed(3);
    const a = new Dropout(0.5, { generator: new Generator().manualSeed(1) }).forward(x).data();
    rand([10]); // other draws from the default generator do not change the masks
    const b = new Dropout(0.5, { generator: new Generator().manualSeed(1) }).forward(x).data();
    expect(b).toEqual(a);
    expect(dropout(x, 0.5, true, { generator: new Generator(1) }).data()).toEqual(a);
    manualSeed(3);
    new Dropout(0.5, { generator: new Generator(1) }).forward(x);
    expect(rand([3]).data()).toEqual(expected);
  });
});
