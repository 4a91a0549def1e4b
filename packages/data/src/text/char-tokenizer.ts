import {
  buildVocabulary,
  readVocabularyJSON,
  Tokenizer,
  type TokenizerJSON,
  type VocabularyOptions,
} from './tokenizer.js';

/**
 * One token per character (per Unicode code point, so an emoji or a letter outside the Basic
 * Multilingual Plane is one token, never two surrogate halves). Ids: `<pad>` (optional) 0, `<unk>`,
 * then the characters, most frequent first. `decode(encode(text))` gives `text` back whenever every
 * character of `text` is in the vocabulary.
 *
 * @example
 * const tokenizer = CharTokenizer.fromText(loadText('genesis').text);
 * const ids = tokenizer.encode('In the beginning'); // Int32Array of 16 ids
 * tokenizer.decode(ids); // 'In the beginning'
 */
export class CharTokenizer extends Tokenizer {
  /** A tokenizer over `characters` (in id order, after `<pad>`/`<unk>`). Most code uses `fromText`. */
  constructor(characters: readonly string[], options: { pad?: boolean } = {}) {
    super('CharTokenizer', characters, options.pad ?? false);
  }

  /**
   * Builds the vocabulary from the characters of `text` (see {@link VocabularyOptions}): the same
   * text and options always give the same ids.
   *
   * @example const tokenizer = CharTokenizer.fromText(corpus, { minFreq: 2, pad: true });
   */
  static fromText(text: string, options: VocabularyOptions = {}): CharTokenizer {
    if (typeof text !== 'string')
      throw new TypeError(`CharTokenizer.fromText: expected a string, got ${typeof text}`);
    const tokens = buildVocabulary('CharTokenizer.fromText', text, options);
    return new CharTokenizer(tokens, { pad: options.pad ?? false });
  }

  /**
   * A tokenizer from a saved vocabulary: `toJSON()`'s object or its JSON string.
   *
   * @example const same = CharTokenizer.fromJSON(tokenizer.toJSONString());
   */
  static fromJSON(json: string | TokenizerJSON): CharTokenizer {
    const { tokens, pad } = readVocabularyJSON('CharTokenizer.fromJSON', 'char', json);
    return new CharTokenizer(tokens, { pad });
  }

  /** The characters of `text` (code points). */
  split(text: string): string[] {
    return Array.from(text);
  }

  protected join(tokens: string[]): string {
    return tokens.join('');
  }

  protected checkToken(token: string): void {
    if (Array.from(token).length !== 1)
      throw new Error(`${this.owner}: every token must be one character, got '${token.slice(0, 20)}'`);
  }

  toJSON(): TokenizerJSON {
    return { kind: 'char', vocabulary: [...this.vocabulary] };
  }
}
