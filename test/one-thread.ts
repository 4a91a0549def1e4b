// The Chromium suite's page is cross-origin isolated, so Myelin would start its kernel threads by
// default; like the Node and Deno suites (see vitest.config.ts) it runs on one, set before any test
// file imports @myelin/tensor. The thread tests turn threads on themselves.
(globalThis as { MYELIN_THREADS?: number }).MYELIN_THREADS = 1;
