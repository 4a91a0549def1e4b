import { tensor } from '@myelin/tensor';
import { describe, expect, it } from 'vitest';
import { CharTokenizer, loadText, WordTokenizer } from '../index.js';

describe('CharTokenizer', () => {
  it('orders the vocabulary by frequency, ties by code point, after <unk>', () => {
    const tokenizer = CharTokenizer.fromText('hello world');
    // l ×3, o ×2, then ' ', d, e, h, r, w once each, in code-unit order
    expect(tokenizer.vocabulary).toEqual(['<unk>', 'l', 'o', ' ', 'd', 'e', 'h', 'r', 'w']);
    expect(tokenizer.vocabSize).toBe(9);
    expect(tokenizer.unkId).toBe(0);
    expect(tokenizer.padId).toBe(-1);
  });

  it('gives the same ids for the same text whatever the order it met the characters in', () => {
    const a = CharTokenizer.fromText('abcabc');
    const b = CharTokenizer.fromText('cbacba');
    expect(b.vocabulary).toEqual(a.vocabulary);
    expect(Array.from(a.encode('cab'))).toEqual([3, 1, 2]);
  });

  it('round-trips text, code points included (no split surrogate pairs)', () => {
    const text = 'Héllo, wörld! 🙂 “quoted”\nnew line';
    const tokenizer = CharTokenizer.fromText(text);
    const ids = tokenizer.encode(text);
    expect(ids).toBeInstanceOf(Int32Array);
    expect(ids.length).toBe(Array.from(text).length);
    expect(tokenizer.decode(ids)).toBe(text);
    expect(tokenizer.vocabulary).toContain('🙂');
  });

  it('maps unseen characters to <unk>, which decodes as "<unk>"', () => {
    const tokenizer = CharTokenizer.fromText('abc');
    expect(Array.from(tokenizer.encode('abz'))).toEqual([1, 2, 0]);
    expect(tokenizer.decode(tokenizer.encode('abz'))).toBe('ab<unk>');
  });

  it('minFreq and maxSize drop rare characters to <unk>; maxSize counts the special tokens', () => {
    const text = 'aaaabbbccd';
    expect(CharTokenizer.fromText(text, { minFreq: 2 }).vocabulary).toEqual(['<unk>', 'a', 'b', 'c']);
    const capped = CharTokenizer.fromText(text, { maxSize: 3, pad: true });
    expect(capped.vocabulary).toEqual(['<pad>', '<unk>', 'a']);
    expect(Array.from(capped.encode('ab'))).toEqual([2, 1]);
  });

  it('reserves id 0 for <pad>, which decodes to nothing', () => {
    const tokenizer = CharTokenizer.fromText('ab', { pad: true });
    expect(tokenizer.padId).toBe(0);
    expect(tokenizer.unkId).toBe(1);
    expect(tokenizer.decode([2, 3, 0, 0])).toBe('ab');
  });

  it('encodes to an int32 tensor and decodes tensors, arrays and typed arrays', () => {
    const tokenizer = CharTokenizer.fromText('abc');
    const ids = tokenizer.encodeTensor('cab');
    expect(ids.dtype).toBe('int32');
    expect(ids.shape).toEqual([3]);
    expect(tokenizer.decode(ids)).toBe('cab');
    expect(tokenizer.decode(tensor(new Int32Array([1, 2, 3, 1]), { shape: [2, 2] }))).toBe('abca');
    ids.dispose();
  });

  it('saves and loads its vocabulary as JSON', () => {
    const tokenizer = CharTokenizer.fromText('the quick brown fox', { pad: true });
    const saved = tokenizer.toJSONString();
    const loaded = CharTokenizer.fromJSON(saved);
    expect(loaded.vocabulary).toEqual(tokenizer.vocabulary);
    expect(loaded.padId).toBe(0);
    expect(Array.from(loaded.encode('brown fix'))).toEqual(Array.from(tokenizer.encode('brown fix')));
    expect(CharTokenizer.fromJSON(JSON.parse(saved)).vocabSize).toBe(tokenizer.vocabSize);
  });

  it('refuses bad input with errors naming the function', () => {
    const tokenizer = CharTokenizer.fromText('abc');
    expect(() => tokenizer.decode([0, 4])).toThrow(
      'CharTokenizer.decode: id 4 at position 1 is not in the vocabulary (ids are 0..3)',
    );
    expect(() => tokenizer.decode(tensor([1, 2]))).toThrow('CharTokenizer.decode: expected an int32 tensor');
    expect(() => tokenizer.encode(3 as unknown as string)).toThrow('CharTokenizer.encode: expected a string');
    expect(() => CharTokenizer.fromText('abc', { minFreq: 0 })).toThrow(
      'CharTokenizer.fromText: minFreq must be an integer >= 1, got 0',
    );
    expect(() => CharTokenizer.fromText('abc', { maxSize: 1, pad: true })).toThrow(
      'CharTokenizer.fromText: maxSize must be an integer >= 2, got 1',
    );
    expect(() => CharTokenizer.fromText('abc', { lowercase: true } as never)).toThrow(
      "CharTokenizer.fromText: unknown option 'lowercase'",
    );
    expect(() => new CharTokenizer(['ab'])).toThrow('CharTokenizer: every token must be one character');
    expect(() => new CharTokenizer(['a', 'a'])).toThrow("CharTokenizer: the token 'a' appears twice");
    expect(() => CharTokenizer.fromJSON('{"kind":"word","vocabulary":["<unk>"]}')).toThrow(
      "CharTokenizer.fromJSON: the vocabulary is of kind the string 'word', expected 'char'",
    );
    expect(() => CharTokenizer.fromJSON('{"kind":"char","vocabulary":["a","<unk>"]}')).toThrow(
      "CharTokenizer.fromJSON: the vocabulary must start with '<unk>'",
    );
    expect(() => CharTokenizer.fromJSON('not json')).toThrow('CharTokenizer.fromJSON: the text is not JSON');
  });
});

describe('WordTokenizer', () => {
  it('splits words (apostrophes inside kept), punctuation as tokens, whitespace away', () => {
    const tokenizer = new WordTokenizer([]);
    expect(tokenizer.split("Don't stop — God’s “light,” (at 10:30)!\n")).toEqual([
      "Don't",
      'stop',
      '—',
      'God’s',
      '“',
      'light',
      ',',
      '”',
      '(',
      'at',
      '10',
      ':',
      '30',
      ')',
      '!',
    ]);
    expect(new WordTokenizer([], { lowercase: true }).split('The Earth.')).toEqual(['the', 'earth', '.']);
  });

  it('builds a deterministic vocabulary and round-trips ids and (normalised) text', () => {
    const text = 'The earth was formless and empty. Darkness was on the surface of the deep.';
    const tokenizer = WordTokenizer.fromText(text, { lowercase: true });
    expect(tokenizer.vocabulary.slice(0, 5)).toEqual(['<unk>', 'the', '.', 'was', 'and']);
    const ids = tokenizer.encode(text);
    expect(tokenizer.decode(ids)).toBe(text.toLowerCase());
    expect(Array.from(tokenizer.encode(tokenizer.decode(ids)))).toEqual(Array.from(ids));
    const quoted = WordTokenizer.fromText('God said, “Let there be light,” and there was light.');
    expect(quoted.decode(quoted.encode('God said, “Let there be light,” and there was light.'))).toBe(
      'God said, “Let there be light,” and there was light.',
    );
  });

  it('unknown words encode as <unk>; minFreq and maxSize limit the vocabulary', () => {
    const tokenizer = WordTokenizer.fromText('a a a b b c', { minFreq: 2, pad: true });
    expect(tokenizer.vocabulary).toEqual(['<pad>', '<unk>', 'a', 'b']);
    expect(Array.from(tokenizer.encode('a c zebra b'))).toEqual([2, 1, 1, 3]);
    expect(tokenizer.decode(tokenizer.encode('a c'))).toBe('a <unk>');
    expect(WordTokenizer.fromText('a a a b b c', { maxSize: 2 }).vocabulary).toEqual(['<unk>', 'a']);
  });

  it('saves and loads its vocabulary and its lowercase setting as JSON', () => {
    const tokenizer = WordTokenizer.fromText('In the beginning, God created', { lowercase: true });
    const loaded = WordTokenizer.fromJSON(tokenizer.toJSONString());
    expect(loaded.lowercase).toBe(true);
    expect(loaded.vocabulary).toEqual(tokenizer.vocabulary);
    expect(Array.from(loaded.encode('IN THE BEGINNING'))).toEqual(
      Array.from(tokenizer.encode('in the beginning')),
    );
    expect(() => WordTokenizer.fromJSON(CharTokenizer.fromText('ab').toJSON())).toThrow(
      "WordTokenizer.fromJSON: the vocabulary is of kind the string 'char', expected 'word'",
    );
    expect(() => new WordTokenizer(['two words'])).toThrow(
      "WordTokenizer: every token must be one word or one punctuation mark, got 'two words'",
    );
    expect(() => new WordTokenizer(['<unk>'])).toThrow("WordTokenizer: '<unk>' is reserved");
  });

  it('tokenizes the bundled text: a word vocabulary of the expected size', () => {
    const { text } = loadText('genesis');
    const tokenizer = WordTokenizer.fromText(text, { lowercase: true, minFreq: 2 });
    const ids = tokenizer.encode(text);
    // Reference values: the same rule and ordering counted with Python's re over the text.
    expect(tokenizer.vocabulary.slice(1, 6)).toEqual([',', 'the', '.', 'and', 'of']);
    expect(tokenizer.vocabSize).toBe(1471);
    expect(ids.length).toBe(42_610);
    // With every word in the vocabulary (no <unk>), decoding and encoding again gives the same ids.
    const full = WordTokenizer.fromText(text);
    const allIds = full.encode(text);
    expect(Array.from(full.encode(full.decode(allIds)))).toEqual(Array.from(allIds));
  });
});
