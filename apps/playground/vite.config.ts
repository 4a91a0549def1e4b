import { defineConfig } from 'vite';

// Cross-origin isolation (SharedArrayBuffer, for threaded kernels) in dev and preview alike.
const headers = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  server: { headers },
  preview: { headers },
  // The packages use top-level await (the kernels load once per realm).
  build: { target: 'esnext' },
  worker: { format: 'es' },
});
