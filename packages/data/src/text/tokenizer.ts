import { type Tensor, tensor } from '@myelin/tensor';
import { checkOptions, describeValue, requireBoolean, requireInteger } from '../validate.js';

/** The token that stands for anything outside the vocabulary. */
export const UNK = '<unk>';
/** The padding token: id 0 when a tokenizer has one; decodes to nothing. */
export const PAD = '<pad>';

/** Options of `CharTokenizer.fromText` and `WordTokenizer.fromText`. */
export interface VocabularyOptions {
  /** Keep only tokens seen at least this often (default 1); the rest encode as `<unk>`. */
  minFreq?: number;
  /** At most this many ids in all, `<unk>` and `<pad>` included (default: no limit). */
  maxSize?: number;
  /** Reserve id 0 for `<pad>` (default false); `<unk>` then has id 1. */
  pad?: boolean;
}

/** A tokenizer's vocabulary as JSON: what `toJSON()` gives and `fromJSON()` takes. */
export interface TokenizerJSON {
  kind: 'char' | 'word';
  /** Every token, in id order, `<pad>` (when present) and `<unk>` first. */
  vocabulary: string[];
  /** Whether the word tokenizer lowercases its input (word tokenizers only). */
  lowercase?: boolean;
}

/**
 * The vocabulary and the id mapping shared by {@link CharTokenizer} and {@link WordTokenizer}:
 * ids are positions in `vocabulary`, `<pad>` (optional) is 0, then `<unk>`, then the tokens.
 */
export abstract class Tokenizer {
  /** Every token in id order. */
  readonly vocabulary: readonly string[];
  /** Id of `<unk>`. */
  readonly unkId: number;
  /** Id of `<pad>` (0), or -1 without padding. */
  readonly padId: number;
  private readonly ids: Map<string, number>;

  protected constructor(
    protected readonly owner: string,
    tokens: readonly string[],
    pad: boolean,
  ) {
    if (!Array.isArray(tokens))
      throw new TypeError(`${owner}: tokens must be an array of strings, got ${describeValue(tokens)}`);
    requireBoolean(owner, 'pad', pad);
    const specials = pad ? [PAD, UNK] : [UNK];
    this.vocabulary = Object.freeze([...specials, ...tokens]);
    this.padId = pad ? 0 : -1;
    this.unkId = pad ? 1 : 0;
    this.ids = new Map();
    for (const token of tokens) {
      if (typeof token !== 'string')
        throw new TypeError(`${owner}: every token must be a string, got ${describeValue(token)}`);
      if (token === UNK || token === PAD)
        throw new Error(`${owner}: '${token}' is reserved; it cannot be a token of the vocabulary`);
      this.checkToken(token);
    }
    this.vocabulary.forEach((token, id) => {
      if (this.ids.has(token)) throw new Error(`${owner}: the token '${token}' appears twice`);
      this.ids.set(token, id);
    });
  }

  /** Throws unless `token` can be produced by this tokenizer's splitting. */
  protected abstract checkToken(token: string): void;
  /** Splits text into tokens (before the vocabulary lookup). */
  abstract split(text: string): string[];
  /** Joins decoded tokens into text. */
  protected abstract join(tokens: string[]): string;
  /** The vocabulary as JSON (see {@link TokenizerJSON}). */
  abstract toJSON(): TokenizerJSON;

  /** Number of ids: the size of an embedding table or of the output layer. */
  get vocabSize(): number {
    return this.vocabulary.length;
  }

  /** The id of `token`, or `<unk>`'s id when the vocabulary does not hold it. */
  tokenToId(token: string): number {
    return this.ids.get(token) ?? this.unkId;
  }

  /**
   * The ids of `text`, one per token; tokens outside the vocabulary become `<unk>`.
   *
   * @example CharTokenizer.fromText('hello').encode('hole'); // Int32Array [2, 4, 3, 1]
   */
  encode(text: string): Int32Array {
    if (typeof text !== 'string')
      throw new TypeError(`${this.owner}.encode: expected a string, got ${describeValue(text)}`);
    const tokens = this.split(text);
    const out = new Int32Array(tokens.length);
    for (let i = 0; i < tokens.length; i++) out[i] = this.tokenToId(tokens[i]!);
    return out;
  }

  /**
   * `encode(text)` as an int32 tensor of shape [tokens].
   *
   * @example const ids = tokenizer.encodeTensor('In the beginning'); // int32 [16]
   */
  encodeTensor(text: string): Tensor {
    return tensor(this.encode(text));
  }

  /**
   * The text of `ids` (an array, a typed array or an integer tensor of any shape, read in order).
   * `<pad>` decodes to nothing and `<unk>` to the string '<unk>'.
   *
   * @example tokenizer.decode(tokenizer.encode('the earth')); // 'the earth'
   */
  decode(ids: ArrayLike<number> | Tensor): string {
    const values = this.idValues(ids);
    const tokens: string[] = [];
    for (let i = 0; i < values.length; i++) {
      const id = values[i]!;
      if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize) {
        throw new RangeError(
          `${this.owner}.decode: id ${describeValue(id)} at position ${i} is not in the vocabulary (ids are 0..${this.vocabSize - 1})`,
        );
      }
      if (id !== this.padId) tokens.push(this.vocabulary[id]!);
    }
    return this.join(tokens);
  }

  /** `toJSON()` as a string, to save. @example writeFileSync('vocab.json', tokenizer.toJSONString()) */
  toJSONString(): string {
    return JSON.stringify(this.toJSON());
  }

  private idValues(ids: ArrayLike<number> | Tensor): ArrayLike<number> {
    const maybe = ids as Partial<Tensor> | null;
    if (typeof maybe?.data === 'function' && Array.isArray(maybe.shape)) {
      if (maybe.isDisposed) throw new Error(`${this.owner}.decode: the ids tensor was disposed`);
      if (maybe.dtype !== 'int32')
        throw new TypeError(
          `${this.owner}.decode: expected an int32 tensor of ids, got ${describeValue(ids)}`,
        );
      return (ids as Tensor).data();
    }
    if (!Array.isArray(ids) && !ArrayBuffer.isView(ids))
      throw new TypeError(
        `${this.owner}.decode: expected ids as an array, a typed array or an int32 tensor, got ${describeValue(ids)}`,
      );
    return ids as ArrayLike<number>;
  }
}

/**
 * The tokens of a vocabulary built from `tokens`: those seen at least `minFreq` times, most frequent
 * first, ties in code-unit order of the token (so the same text always gives the same ids), cut so
 * that the whole vocabulary (with `<unk>` and `<pad>`) has at most `maxSize` ids.
 */
export function buildVocabulary(
  owner: string,
  tokens: Iterable<string>,
  options: VocabularyOptions,
  otherOptions: string[] = [],
): string[] {
  checkOptions(owner, options, ['minFreq', 'maxSize', 'pad', ...otherOptions]);
  const { minFreq = 1, maxSize, pad = false } = options;
  requireInteger(owner, 'minFreq', minFreq, 1);
  requireBoolean(owner, 'pad', pad);
  const specials = pad ? 2 : 1;
  if (maxSize !== undefined) requireInteger(owner, 'maxSize', maxSize, specials);
  const counts = new Map<string, number>();
  for (const token of tokens) counts.set(token, (counts.get(token) ?? 0) + 1);
  const kept = [...counts].filter(([token, n]) => n >= minFreq && token !== UNK && token !== PAD);
  kept.sort(([a, na], [b, nb]) => nb - na || (a < b ? -1 : a > b ? 1 : 0));
  const limit = maxSize === undefined ? kept.length : maxSize - specials;
  return kept.slice(0, limit).map(([token]) => token);
}

/** Checks the shape of a saved vocabulary and returns its tokens (without specials) and padding. */
export function readVocabularyJSON(
  owner: string,
  kind: TokenizerJSON['kind'],
  json: unknown,
): { tokens: string[]; pad: boolean; value: Partial<TokenizerJSON> } {
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (error) {
      throw new SyntaxError(`${owner}: the text is not JSON (${(error as Error).message})`);
    }
  }
  const object = value as Partial<TokenizerJSON> | null;
  if (typeof object !== 'object' || object === null || Array.isArray(object))
    throw new TypeError(`${owner}: expected a saved vocabulary object, got ${describeValue(value)}`);
  if (object.kind !== kind)
    throw new Error(`${owner}: the vocabulary is of kind ${describeValue(object.kind)}, expected '${kind}'`);
  const vocabulary = object.vocabulary;
  if (!Array.isArray(vocabulary) || vocabulary.some((t) => typeof t !== 'string'))
    throw new TypeError(`${owner}: vocabulary must be an array of strings, got ${describeValue(vocabulary)}`);
  const pad = vocabulary[0] === PAD;
  if (vocabulary[pad ? 1 : 0] !== UNK)
    throw new Error(
      `${owner}: the vocabulary must start with '${UNK}' (or '${PAD}', '${UNK}'), got ${JSON.stringify(vocabulary.slice(0, 2))}`,
    );
  return { tokens: vocabulary.slice(pad ? 2 : 1), pad, value: object };
}
