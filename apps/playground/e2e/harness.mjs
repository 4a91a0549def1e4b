// What an end-to-end spec file needs: the production build served by `vite preview` on 127.0.0.1,
// Debian's Chromium driven by Playwright, named tests and a summary (every e2e/*.mjs spec uses it).
import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright';

const here = dirname(fileURLToPath(import.meta.url));
/** Screenshots are kept here (git-ignored). */
export const artifacts = join(here, 'artifacts');
const PORT = Number(process.env.E2E_PORT ?? 4173);
export const BASE = `http://127.0.0.1:${PORT}/`;

export function expect(condition, message) {
  if (!condition) throw new Error(message);
}

/**
 * Serves the build, launches Chromium, runs `body({ browser, test })` and exits 0 only if every test
 * passed. E2E_ONLY=text runs only the tests whose names contain that text.
 */
export async function runSpec(title, body) {
  const require = createRequire(import.meta.url);
  const viteBin = join(dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
  const preview = spawn(
    process.execPath,
    [viteBin, 'preview', '--host', '127.0.0.1', '--port', String(PORT), '--strictPort'],
    { cwd: join(here, '..'), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let previewLog = '';
  preview.stdout.on('data', (d) => (previewLog += d));
  preview.stderr.on('data', (d) => (previewLog += d));
  const results = [];
  const only = process.env.E2E_ONLY;
  const test = async (name, fn) => {
    if (only && !name.includes(only)) return;
    try {
      await fn();
      results.push(true);
      console.log(`  ✓ ${name}`);
    } catch (error) {
      results.push(false);
      console.log(`  ✗ ${name}\n    ${error?.stack ?? error}`);
    }
  };
  let browser;
  try {
    await mkdir(artifacts, { recursive: true });
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        if ((await fetch(BASE)).ok) break;
      } catch {}
      if (Date.now() > deadline) throw new Error(`vite preview did not start:\n${previewLog}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--headless',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    console.log(title);
    await body({ browser, test });
  } finally {
    await browser?.close();
    preview.kill();
  }
  const passed = results.filter(Boolean).length;
  console.log(`${passed} passed, ${results.length - passed} failed`);
  process.exit(passed === results.length && results.length > 0 ? 0 : 1);
}

/**
 * A page at `viewport` (and device pixel ratio) that collects console errors, with `open(hash)`
 * loading the playground in that state and waiting for its first update.
 */
export async function openPage(browser, { width = 1280, height = 800, deviceScaleFactor = 1 } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  const open = async (hash) => {
    await page.goto(`${BASE}#${hash}`);
    await page.reload();
    await page.waitForFunction(() => window.playground?.history().length > 0, null, { timeout: 30_000 });
  };
  return { page, errors, open, close: () => context.close() };
}
