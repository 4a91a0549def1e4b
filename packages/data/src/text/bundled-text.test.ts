import { describe, expect, it } from 'vitest';
import { loadText } from '../index.js';

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

describe('loadText', () => {
  it("'genesis': the exact text whose SHA-256 data/genesis.rst states, in every runtime", async () => {
    const { text, description } = loadText('genesis');
    expect(text.length).toBe(183_853);
    expect(await sha256Hex(text)).toBe('20e7f93407a1beaddb6e92fbfd62eb4f9e9f21c37c77cdac2112655005c8ea4e');
    expect(description).toContain('20e7f93407a1beaddb6e92fbfd62eb4f9e9f21c37c77cdac2112655005c8ea4e');
    expect(description).toContain('public domain');
    expect(text.startsWith('Chapter 1\n\nIn the beginning, God created the heavens and the earth.\n')).toBe(
      true,
    );
    expect(text.endsWith('and he was put in a coffin in Egypt.\n')).toBe(true);
    expect(text.split('\n').filter((line) => line.startsWith('Chapter ')).length).toBe(50);
  });

  it('names the available texts when asked for another', () => {
    expect(() => loadText('shakespeare' as never)).toThrow(
      "loadText: no bundled text is named the string 'shakespeare'; available: 'genesis'",
    );
    expect(() => loadText('toString' as never)).toThrow('loadText: no bundled text is named');
  });
});
