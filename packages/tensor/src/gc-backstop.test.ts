import { describe, expect, it } from 'vitest';

function isNode(): boolean {
  const g = globalThis as { Deno?: unknown; process?: { versions?: { node?: string } }; window?: unknown };
  return g.Deno === undefined && g.process?.versions?.node !== undefined && g.window === undefined;
}

// The garbage-collection backstop (tensor.ts) frees a tensor's memory when an unreachable tensor is
// collected, but only watches tensors no scope holds: a scope holds its tensors strongly and
// disposes or hands them on when it ends. These check the three ways a tensor ends up outside
// every scope (created outside one, returned from the outermost tidy, kept) and that scoped
// tensors still never reach the backstop twice. A child process with --expose-gc runs each case.
describe.runIf(isNode())('the garbage-collection backstop', () => {
  async function liveAfterCollection(body: string): Promise<string> {
    const { execFile } = await import(/* @vite-ignore */ 'node:child_process');
    const { fileURLToPath } = await import(/* @vite-ignore */ 'node:url');
    const packageDir = fileURLToPath(new URL('..', import.meta.url));
    const script = `
      import { memory, randn, tidy } from './dist/index.js';
      const base = memory().tensors;
      (() => { ${body} })();
      const before = memory().tensors - base;
      for (let i = 0; i < 10 && memory().tensors > base; i++) {
        globalThis.gc();
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      console.log(before + ' ' + (memory().tensors - base));`;
    return new Promise((resolve, reject) => {
      execFile(
        process.execPath,
        ['--expose-gc', '--input-type=module', '-e', script],
        { cwd: packageDir, timeout: 30_000 },
        (error, stdout, stderr) =>
          error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout.trim()),
      );
    });
  }

  it('frees a dropped tensor created outside any scope', async () => {
    expect(await liveAfterCollection('for (let i = 0; i < 5; i++) randn([100]);')).toBe('5 0');
  });

  it('frees a dropped tensor returned from the outermost tidy', async () => {
    expect(await liveAfterCollection('for (let i = 0; i < 5; i++) tidy(() => randn([100]).mul(2));')).toBe(
      '5 0',
    );
  });

  it('frees a dropped tensor kept inside a tidy', async () => {
    expect(
      await liveAfterCollection('tidy(() => { for (let i = 0; i < 5; i++) randn([100]).keep(); });'),
    ).toBe('5 0');
  });

  it("frees a dropped autograd result's saved tensors with it", async () => {
    const [before, after] = (
      await liveAfterCollection(
        'for (let i = 0; i < 5; i++) tidy(() => randn([100]).requiresGrad_().mul(randn([100])).relu());',
      )
    ).split(' ');
    expect(Number(before)).toBeGreaterThan(5); // the results and the views their nodes saved
    expect(after).toBe('0');
  });

  it('leaves nothing for the backstop after a tidy that returns nothing', async () => {
    expect(
      await liveAfterCollection('for (let i = 0; i < 5; i++) tidy(() => { randn([100]).mul(2); });'),
    ).toBe('0 0');
  });
});
