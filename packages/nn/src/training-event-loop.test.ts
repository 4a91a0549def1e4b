import { manualSeed, randn } from '@myelin/tensor';
import { describe, expect, it } from 'vitest';
import { fit, Linear, mseLoss, ReLU, Sequential } from './index.js';

/** A regression fit that takes about a second here (64 batches per epoch). */
function secondLongFit() {
  manualSeed(0);
  const model = new Sequential(new Linear(32, 64), new ReLU(), new Linear(64, 1));
  const data = [randn([2048, 32]), randn([2048, 1])] as const;
  const optimizer = { lr: 0, step() {}, zeroGrad() {} };
  return { model, data, options: { optimizer, loss: mseLoss, batchSize: 32, verbose: 0 } as const };
}

function isNode(): boolean {
  const g = globalThis as { Deno?: unknown; process?: { versions?: { node?: string } }; window?: unknown };
  return g.Deno === undefined && g.process?.versions?.node !== undefined && g.window === undefined;
}

describe('fit and the event loop', () => {
  // issue 12 #9: fit yielded through a MessageChannel, which in Node never let timers run.
  it('lets timers run while it trains', async () => {
    const { model, data, options } = secondLongFit();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    try {
      await fit(model, data, { ...options, epochs: 60 });
    } finally {
      clearInterval(timer);
    }
    // The old MessageChannel yield let 0–1 ticks through in 1.8 s; a fit that yields to timers lets
    // one through every ~15 ms (this fit lasts a few hundred ms even on a fast machine).
    expect(ticks).toBeGreaterThanOrEqual(3);
  });

  // issue 12 #9: an AbortSignal.timeout never fired during a Node fit.
  it('is stopped by AbortSignal.timeout', async () => {
    const { model, data, options } = secondLongFit();
    const history = await fit(model, data, { ...options, epochs: 500, signal: AbortSignal.timeout(100) });
    expect(history.stopReason).toBe('aborted');
    expect(history.epochs.length).toBeLessThan(500);
  });

  // issue 16 #1: an open MessageChannel kept Deno running forever after fit returned. This is a
  // liveness check (the child must exit by itself), not a timing assertion.
  it.runIf(isNode())('leaves nothing that keeps Node or Deno alive once it returns', async () => {
    const { execFile } = await import(/* @vite-ignore */ 'node:child_process');
    const { existsSync } = await import(/* @vite-ignore */ 'node:fs');
    const { fileURLToPath } = await import(/* @vite-ignore */ 'node:url');
    const packageDir = fileURLToPath(new URL('..', import.meta.url));
    const script = `
      import { fit, Linear, mseLoss } from './dist/index.js';
      import { randn } from '@myelin/tensor';
      const model = new Linear(4, 1);
      const history = await fit(model, [randn([256, 4]), randn([256, 1])], {
        optimizer: { lr: 0, step() {}, zeroGrad() {} }, loss: mseLoss, epochs: 50, batchSize: 4, verbose: 0,
      });
      console.log(history.stopReason);`;
    const run = (command: string, args: string[]) =>
      new Promise<{ code: number | null; signal: string | null; stdout: string }>((resolve) => {
        const child = execFile(
          command,
          [...args, script],
          { cwd: packageDir, timeout: 30_000, env: { ...process.env, DENO_NO_UPDATE_CHECK: '1' } },
          (_error, stdout) => resolve({ code: child.exitCode, signal: child.signalCode, stdout }),
        );
      });
    expect(await run(process.execPath, ['--input-type=module', '-e'])).toEqual({
      code: 0,
      signal: null,
      stdout: 'completed\n',
    });
    const deno = fileURLToPath(new URL('../../../node_modules/.bin/deno', import.meta.url));
    if (existsSync(deno))
      expect(await run(deno, ['eval'])).toEqual({ code: 0, signal: null, stdout: 'completed\n' });
  });
});
