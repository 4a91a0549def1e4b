import { fileURLToPath } from 'node:url';
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
  build: {
    target: 'esnext',
    // One app, several pages: the playground and its extra views (issue 17).
    rollupOptions: {
      input: Object.fromEntries(
        ['index', 'optimizers', 'activations', 'lessons', 'cnn'].map((page) => [
          page,
          fileURLToPath(new URL(`${page}.html`, import.meta.url)),
        ]),
      ),
    },
  },
  worker: { format: 'es' },
});
