// Every ```ts runnable block of the guides in docs/ runs, so the guides cannot rot (issue 16 item
// 10). Each block is transpiled, its `@myelin/*` imports (and Deno's `npm:@myelin/*`) are pointed at
// the built packages (packages/*/dist: run the build first), and it runs in a fresh Node process that
// must exit with 0 and print nothing to stderr — unless the fence says `warns`, in which case stderr
// must hold Myelin's leak warning. Blocks fenced ```ts fragment (configuration files, code that needs
// a browser) are not run; a plain ```ts fence is an error, so no block is skipped by accident.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

const docsDir = dirname(fileURLToPath(import.meta.url));
const root = resolve(docsDir, '..');
const workDir = mkdtempSync(join(tmpdir(), 'myelin-guides-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

interface Snippet {
  file: string;
  line: number;
  flags: string[];
  code: string;
}

/** The ```ts runnable blocks of a Markdown text, with the line each starts on. */
function runnableSnippets(file: string, markdown: string): Snippet[] {
  const snippets: Snippet[] = [];
  const fence = /^```ts runnable([^\n]*)\n([\s\S]*?)^```$/gm;
  for (const match of markdown.matchAll(fence)) {
    const line = markdown.slice(0, match.index).split('\n').length;
    snippets.push({ file, line, flags: match[1]!.trim().split(/\s+/).filter(Boolean), code: match[2]! });
  }
  return snippets;
}

/** TypeScript → JavaScript, with the published packages' names resolved to the built ones. */
function toRunnableModule(code: string): string {
  const js = ts.transpileModule(code, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  return js.replace(/(['"])(?:npm:)?@myelin\/([a-z-]+)\1/g, (_all, quote: string, name: string) => {
    const url = pathToFileURL(join(root, 'packages', name, 'dist', 'index.js')).href;
    return `${quote}${url}${quote}`;
  });
}

const guides = readdirSync(docsDir).filter((f) => f.endsWith('.md'));
const snippets = guides.flatMap((f) => runnableSnippets(f, readFileSync(join(docsDir, f), 'utf8')));

describe('the guides in docs/', () => {
  it('have runnable snippets in every guide that teaches code', () => {
    for (const guide of ['getting-started.md', 'memory.md', 'pytorch.md']) {
      expect(snippets.filter((s) => s.file === guide).length, guide).toBeGreaterThan(0);
    }
  });

  it('finds fenced blocks and their flags (the extractor itself)', () => {
    const md = 'text\n```ts runnable warns\nconst a = 1;\n```\n```ts\nfragment;\n```\n';
    expect(runnableSnippets('x.md', md)).toEqual([
      { file: 'x.md', line: 2, flags: ['warns'], code: 'const a = 1;\n' },
    ]);
  });

  it('mark every TypeScript block as runnable or as a fragment (so none is left out unnoticed)', () => {
    for (const guide of guides) {
      const text = readFileSync(join(docsDir, guide), 'utf8');
      const unmarked = [...text.matchAll(/^```(ts|typescript|js|javascript)\s*$/gm)].map(
        (m) => `${guide}:${text.slice(0, m.index).split('\n').length}`,
      );
      expect(unmarked, 'fence these ```ts runnable or ```ts fragment').toEqual([]);
    }
  });

  for (const snippet of snippets) {
    it(`${snippet.file}:${snippet.line} runs`, () => {
      const path = join(workDir, `${snippet.file.replace('.md', '')}-${snippet.line}.mjs`);
      writeFileSync(path, toRunnableModule(snippet.code));
      const run = spawnSync(process.execPath, [path], { cwd: workDir, encoding: 'utf8', timeout: 60_000 });
      const where = `${snippet.file}:${snippet.line}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
      expect(run.status, where).toBe(0);
      if (snippet.flags.includes('warns')) expect(run.stderr, where).toContain('@myelin/tensor:');
      else expect(run.stderr, where).toBe('');
    });
  }
});
