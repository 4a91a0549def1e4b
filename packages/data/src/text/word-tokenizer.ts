import { checkOptions, describeValue, requireBoolean } from '../validate.js';
import {
  buildVocabulary,
  readVocabularyJSON,
  Tokenizer,
  type TokenizerJSON,
  type VocabularyOptions,
} from './tokenizer.js';

/** Options of {@link WordTokenizer}. */
export interface WordTokenizerOptions {
  /** Lowercase the text before splitting it (default false). */
  lowercase?: boolean;
  /** Reserve id 0 for `<pad>` (default false). */
  pad?: boolean;
}

// A word is a run of letters, digits and combining marks, with apostrophes inside it ("don't",
// "God’s"); every other non-space character is a token of its own; whitespace separates.
const WORD_OR_SYMBOL = /[\p{L}\p{N}\p{M}]+(?:['’][\p{L}\p{N}\p{M}]+)*|[^\s\p{L}\p{N}\p{M}]/gu;
// Punctuation written against the word before it, or against the word after it, when decoding.
const CLOSES = new Set(['.', ',', ';', ':', '!', '?', ')', ']', '}', '”', '’', '»', '…', '%']);
const OPENS = new Set(['(', '[', '{', '“', '‘', '«']);

/**
 * Word-level tokens. Splitting rule: a word is a run of letters, digits and marks (Unicode), with
 * apostrophes inside it kept ("don't", "God’s"); every punctuation mark or symbol is a token of its
 * own; whitespace only separates. With `lowercase`, text is lowercased first.
 *
 * NOTE: whitespace is not kept, so `decode` rebuilds text by joining tokens with single spaces,
 * without a space before closing punctuation (`. , ; : ! ? ) ” ’`) or after an opening one
 * (`( “ ‘`). When no id is `<unk>`, `encode(decode(ids))` equals `ids` and `decode(encode(text))`
 * equals `text` up to spacing (and case, with `lowercase`).
 *
 * @example
 * const tokenizer = WordTokenizer.fromText('The earth was formless and empty.', { lowercase: true });
 * tokenizer.split('The earth.'); // ['the', 'earth', '.']
 * tokenizer.decode(tokenizer.encode('The earth was empty.')); // 'the earth was empty.'
 */
export class WordTokenizer extends Tokenizer {
  readonly lowercase: boolean;

  /** A tokenizer over `words` (in id order, after `<pad>`/`<unk>`). Most code uses `fromText`. */
  constructor(words: readonly string[], options: WordTokenizerOptions = {}) {
    checkOptions('WordTokenizer', options, ['lowercase', 'pad']);
    super('WordTokenizer', words, options.pad ?? false);
    this.lowercase = options.lowercase ?? false;
    requireBoolean('WordTokenizer', 'lowercase', this.lowercase);
  }

  /**
   * Builds the vocabulary from the words of `text` (see {@link VocabularyOptions}): the same text and
   * options always give the same ids.
   *
   * @example const tokenizer = WordTokenizer.fromText(corpus, { lowercase: true, minFreq: 2, maxSize: 5000 });
   */
  static fromText(text: string, options: VocabularyOptions & WordTokenizerOptions = {}): WordTokenizer {
    const owner = 'WordTokenizer.fromText';
    if (typeof text !== 'string') throw new TypeError(`${owner}: expected a string, got ${typeof text}`);
    const { lowercase = false, pad = false } = options;
    requireBoolean(owner, 'lowercase', lowercase);
    const splitter = new WordTokenizer([], { lowercase });
    const tokens = buildVocabulary(owner, splitter.split(text), options, ['lowercase']);
    return new WordTokenizer(tokens, { lowercase, pad });
  }

  /**
   * A tokenizer from a saved vocabulary: `toJSON()`'s object or its JSON string.
   *
   * @example const same = WordTokenizer.fromJSON(JSON.parse(readFileSync('vocab.json', 'utf8')));
   */
  static fromJSON(json: string | TokenizerJSON): WordTokenizer {
    const owner = 'WordTokenizer.fromJSON';
    const { tokens, pad, value } = readVocabularyJSON(owner, 'word', json);
    const lowercase = value.lowercase ?? false;
    if (typeof lowercase !== 'boolean')
      throw new TypeError(`${owner}: lowercase must be true or false, got ${describeValue(lowercase)}`);
    return new WordTokenizer(tokens, { lowercase, pad });
  }

  /** The tokens of `text` by the splitting rule above. @example split("Don't stop!") // ["Don't", 'stop', '!'] */
  split(text: string): string[] {
    return (this.lowercase ? text.toLowerCase() : text).match(WORD_OR_SYMBOL) ?? [];
  }

  protected join(tokens: string[]): string {
    let text = '';
    let previous = '';
    for (const token of tokens) {
      if (text !== '' && !CLOSES.has(token) && !OPENS.has(previous)) text += ' ';
      text += token;
      previous = token;
    }
    return text;
  }

  protected checkToken(token: string): void {
    const parts = token.match(WORD_OR_SYMBOL);
    if (parts?.length !== 1 || parts[0] !== token)
      throw new Error(
        `${this.owner}: every token must be one word or one punctuation mark, got '${token.slice(0, 20)}'`,
      );
  }

  toJSON(): TokenizerJSON {
    return { kind: 'word', vocabulary: [...this.vocabulary], lowercase: this.lowercase };
  }
}
