import { Generator, randn, tensor } from '@myelin/tensor';
import { describe, expect, it } from 'vitest';
import { sampleLogits } from './index.js';

const softmax = (row: number[], t = 1) => {
  const m = Math.max(...row);
  const e = row.map((v) => Math.exp((v - m) / t));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};

/** Frequencies of each id over `draws` samples of a one-row logits tensor. */
function frequencies(logits: number[], draws: number, options: Parameters<typeof sampleLogits>[1]) {
  const batch = tensor(Array.from({ length: draws }, () => logits));
  const ids = sampleLogits(batch, options).data();
  const counts = new Array<number>(logits.length).fill(0);
  for (const id of ids) counts[id]!++;
  batch.dispose();
  return counts.map((c) => c / draws);
}

describe('sampleLogits', () => {
  it('gives int32 ids, one per row: [batch] for [batch, vocab], a scalar for [vocab]', () => {
    const ids = sampleLogits(
      tensor([
        [0, 1, 2],
        [2, 1, 0],
      ]),
      { generator: new Generator(0) },
    );
    expect(ids.dtype).toBe('int32');
    expect(ids.shape).toEqual([2]);
    const one = sampleLogits(tensor([0, 5, 1]), { topK: 1 });
    expect(one.shape).toEqual([]);
    expect(one.item()).toBe(1);
  });

  it('topK 1 and a temperature near 0 both equal argmax (first index on ties)', () => {
    const logits = randn([64, 50], { generator: new Generator(1) });
    const argmax = Array.from(logits.argmax(1).data());
    expect(Array.from(sampleLogits(logits, { topK: 1, generator: new Generator(2) }).data())).toEqual(argmax);
    expect(
      Array.from(sampleLogits(logits, { temperature: 1e-4, generator: new Generator(3) }).data()),
    ).toEqual(argmax);
    expect(sampleLogits(tensor([1, 3, 3, 0]), { topK: 1 }).item()).toBe(1);
  });

  it('draws with the frequencies of softmax(logits / T): every |freq - p| < 0.01 over 40,000 seeded draws', () => {
    // The standard error of a frequency is sqrt(p(1-p)/N) <= 0.0025 at N = 40,000: 0.01 is 4 of them.
    const logits = [1.5, 0.2, -0.7, 0.9, 0];
    for (const temperature of [1, 0.5, 2]) {
      const freq = frequencies(logits, 40_000, { temperature, generator: new Generator(7) });
      const p = softmax(logits, temperature);
      for (const [i, f] of freq.entries()) expect(Math.abs(f - p[i]!)).toBeLessThan(0.01);
    }
  });

  it('topK and topP draw only from the renormalised top tokens, with their frequencies', () => {
    const logits = [2, 1, 0, -1, -2];
    const top2 = frequencies(logits, 40_000, { topK: 2, generator: new Generator(8) });
    const p2 = softmax([2, 1]);
    expect(top2.slice(2)).toEqual([0, 0, 0]);
    expect(Math.abs(top2[0]! - p2[0]!)).toBeLessThan(0.01);
    // softmax = [0.636, 0.234, 0.086, 0.032, 0.012]: topP 0.8 keeps the first two (0.636 < 0.8 <= 0.870)
    const nucleus = frequencies(logits, 40_000, { topP: 0.8, generator: new Generator(9) });
    expect(nucleus.slice(2)).toEqual([0, 0, 0]);
    expect(Math.abs(nucleus[1]! - p2[1]!)).toBeLessThan(0.01);
    // topP small enough keeps only the most probable token
    expect(frequencies(logits, 100, { topP: 0.1 })).toEqual([1, 0, 0, 0, 0]);
  });

  it('never draws a -Infinity logit (a mask)', () => {
    const freq = frequencies([0, Number.NEGATIVE_INFINITY, 0], 2000, { generator: new Generator(4) });
    expect(freq[1]).toBe(0);
  });

  it('is reproducible: the same seed gives the same ids, another seed other ids', () => {
    const logits = randn([200, 30], { generator: new Generator(5) });
    const draw = (seed: number) =>
      Array.from(sampleLogits(logits, { temperature: 1.3, topK: 10, generator: new Generator(seed) }).data());
    expect(draw(11)).toEqual(draw(11));
    expect(draw(11)).not.toEqual(draw(12));
  });

  it('refuses bad options and logits with errors naming sampleLogits', () => {
    const logits = tensor([[0, 1]]);
    expect(() => sampleLogits(logits, { temperature: 0 })).toThrow(
      'sampleLogits: temperature must be a number > 0, got 0',
    );
    expect(() => sampleLogits(logits, { temperature: -1 })).toThrow(
      'sampleLogits: temperature must be a number > 0, got -1',
    );
    expect(() => sampleLogits(logits, { topK: 0 })).toThrow(
      'sampleLogits: topK must be an integer >= 1, got 0',
    );
    expect(() => sampleLogits(logits, { topK: 1.5 })).toThrow(
      'sampleLogits: topK must be an integer >= 1, got 1.5',
    );
    expect(() => sampleLogits(logits, { topP: 0 })).toThrow(
      'sampleLogits: topP must be a number in (0, 1], got 0',
    );
    expect(() => sampleLogits(logits, { topP: 1.2 })).toThrow(
      'sampleLogits: topP must be a number in (0, 1]',
    );
    expect(() => sampleLogits(logits, { generator: 3 as never })).toThrow(
      'sampleLogits: generator must be a Generator, got 3',
    );
    expect(() => sampleLogits(logits, { seed: 1 } as never)).toThrow("sampleLogits: unknown option 'seed'");
    expect(() => sampleLogits(tensor([[[0]]]))).toThrow(
      'sampleLogits: logits must be [vocab] or [batch, vocab], got shape [1,1,1]',
    );
    expect(() => sampleLogits(tensor([1, 2], { dtype: 'int32' }))).toThrow(
      'sampleLogits: logits must be a float32 tensor',
    );
    expect(() => sampleLogits(tensor([0, Number.NaN]))).toThrow(
      'sampleLogits: logits row 0 holds NaN at index 1; expected finite numbers or -Infinity',
    );
    expect(() => sampleLogits(tensor([Number.NEGATIVE_INFINITY]))).toThrow(
      'sampleLogits: every logit of row 0 is -Infinity; nothing can be drawn',
    );
  });
});
