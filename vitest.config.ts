import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';

// One set of test files, four runs: Node with the plain SIMD build only, Node with relaxed SIMD
// enabled (so both builds are exercised in Node), Deno (vitest's CLI runs under Deno, see the
// root package.json) and headless Chromium. `provide` tells the tests which runtime they should
// find themselves in, and src/runtime.test.ts checks it, so a run cannot silently test the wrong one.
const include = [
  'packages/*/src/**/*.test.ts',
  'examples/src/**/*.test.ts',
  'apps/playground/src/**/*.test.ts',
];
// Inline projects do not inherit the root's test options: each gets this explicitly.
const testTimeout = 60_000;

// The suites run on one kernel thread (Myelin's default is every core, up to 4): the thread tests
// turn threads on themselves, and runtime-defaults.test.ts checks the default in a fresh process.
// (Several test files run at once, each with its own kernels: spinning worker threads of every
// file on this 2-core machine would only slow each other down.) Chromium: see test/one-thread.ts.
process.env.MYELIN_THREADS ??= '1';

const chromiumArgs = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export default defineConfig({
  test: {
    projects: [
      // The guides' snippets (docs/guides.test.ts) run once, in Node: each spawns its own process.
      {
        test: {
          name: 'node',
          include: [...include, 'docs/**/*.test.ts'],
          testTimeout,
          provide: { runtime: 'node', relaxedSimd: false },
        },
      },
      {
        test: {
          name: 'node-relaxed',
          include,
          testTimeout,
          execArgv: ['--experimental-wasm-relaxed-simd'],
          provide: { runtime: 'node', relaxedSimd: true },
        },
      },
      { test: { name: 'deno', include, testTimeout, provide: { runtime: 'deno', relaxedSimd: true } } },
      {
        server: {
          headers: {
            'Cross-Origin-Opener-Policy': 'same-origin',
            'Cross-Origin-Embedder-Policy': 'require-corp',
          },
        },
        test: {
          name: 'chromium',
          include,
          testTimeout,
          provide: { runtime: 'chromium', relaxedSimd: true },
          setupFiles: ['./test/one-thread.ts'],
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({
              launchOptions: { executablePath: '/usr/bin/chromium', args: chromiumArgs },
            }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
    ],
  },
});
