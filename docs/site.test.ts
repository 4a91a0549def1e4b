// The documentation site is built next to the playground (issue 16 item 10): the playground's build
// runs TypeDoc (warnings are errors: a broken {@link} fails the build) into apps/playground/dist/docs,
// and the app links to it. This checks the built output, so run the build first (npm test does).

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const site = join(root, 'apps', 'playground', 'dist');

function page(path: string): string {
  const file = join(site, path);
  expect(existsSync(file), `${file} (build the playground first)`).toBe(true);
  return readFileSync(file, 'utf8');
}

describe('the docs site in the playground build', () => {
  it('has the API reference of every published package', () => {
    const index = page('docs/index.html');
    for (const pkg of ['tensor', 'nn', 'optim', 'data', 'onnx']) {
      expect(index).toContain(`href="modules/_myelin_${pkg}.html"`);
      expect(page(`docs/modules/_myelin_${pkg}.html`)).toContain(`<title>@myelin/${pkg} | Myelin</title>`);
    }
    expect(page('docs/classes/_myelin_tensor.Tensor.html')).toContain('matmul');
  });

  it('has the guides, with their code', () => {
    for (const [file, title] of [
      ['Getting_started', 'Getting started'],
      ['The_memory_model', 'The memory model'],
      ['For_PyTorch_users', 'For PyTorch users'],
      ['Conventions', 'Conventions'],
    ] as const) {
      expect(page(`docs/documents/${file}.html`)).toContain(`<title>${title} | Myelin</title>`);
    }
    expect(page('docs/documents/The_memory_model.html')).toContain('<code class="ts">');
  });

  it('is linked from the app, and links back to it', () => {
    expect(page('index.html')).toMatch(/<a href="docs\/"[^>]*>Docs &amp; API reference<\/a>/);
    expect(page('docs/index.html')).toContain('<a href="/">Playground</a>');
  });
});
