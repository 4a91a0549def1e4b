import { genesisDescription, genesisText } from '../generated/bundled.js';
import { describeValue } from '../validate.js';

/** A bundled text: its content and where it comes from. */
export interface BundledText {
  /** The whole text (UTF-8 decoded; lines end with '\n'). */
  text: string;
  /** The text's source, layout and licence. */
  description: string;
}

/** Names of the bundled texts. */
export type BundledTextName = 'genesis';

const texts: Record<BundledTextName, () => BundledText> = {
  genesis: () => ({ text: genesisText, description: genesisDescription }),
};

/**
 * A small public-domain English text bundled in the package (no download; synchronous in Node, Deno
 * and browsers), for character- and word-level language models.
 *
 * - `'genesis'`: the Book of Genesis, World English Bible (public domain), 183,853 characters,
 *   one verse per line under `Chapter N` headings; see `description` for the source.
 *
 * @example
 * const { text } = loadText('genesis');
 * const tokenizer = CharTokenizer.fromText(text);
 * const ids = tokenizer.encode(text); // Int32Array of 183,853 ids
 */
export function loadText(name: BundledTextName): BundledText {
  const load = Object.hasOwn(texts, name) ? texts[name] : undefined;
  if (load === undefined)
    throw new RangeError(
      `loadText: no bundled text is named ${describeValue(name)}; available: ${Object.keys(texts)
        .map((n) => `'${n}'`)
        .join(', ')}`,
    );
  return load();
}
