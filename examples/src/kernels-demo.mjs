// A tour of Myelin's WebAssembly kernels: which build runs here, and what it computes how fast.
// Run it with `node examples/src/kernels-demo.mjs` after a build (Node; add --experimental-wasm-relaxed-simd
// to node in Node 20 to get the relaxed-SIMD build).
import { BinaryOp, loadKernels, ReduceOp, supportedVariants, UnaryOp } from '@myelin/kernels-wasm';

const kernels = await loadKernels();
console.log(
  `Myelin kernels: '${kernels.variant}' build (this runtime supports: ${supportedVariants().join(', ')})`,
);

/** Milliseconds per call of `fn`, the best of a few timed batches. */
function time(fn, reps) {
  fn();
  let best = Infinity;
  for (let trial = 0; trial < 3; trial++) {
    const start = performance.now();
    for (let i = 0; i < reps; i++) fn();
    best = Math.min(best, (performance.now() - start) / reps);
  }
  return best;
}

function random(n, seed = 1) {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648 - 0.5;
  });
}

// 1. Matrix multiply, the heart of dense layers: C = A·B and the transposed forms backprop needs.
const size = 512;
const a = kernels.allocate(size * size * 4);
const b = kernels.allocate(size * size * 4);
const c = kernels.allocate(size * size * 4);
kernels.f32.set(random(size * size, 1), a / 4);
kernels.f32.set(random(size * size, 2), b / 4);
for (const [transA, transB, label] of [
  [false, false, 'A·B '],
  [true, false, 'Aᵀ·B'],
  [false, true, 'A·Bᵀ'],
]) {
  const ms = time(() => kernels.sgemm({ m: size, n: size, k: size, a, b, c, transA, transB }), 10);
  console.log(
    `sgemm ${label} ${size}×${size}×${size}: ${ms.toFixed(2)} ms = ${((2 * size ** 3) / ms / 1e6).toFixed(1)} GFLOPS`,
  );
}
// Check one element against a float64 dot product.
kernels.sgemm({ m: size, n: size, k: size, a, b, c });
const f32 = kernels.f32;
let dot = 0;
for (let k = 0; k < size; k++) dot += f32[a / 4 + 7 * size + k] * f32[b / 4 + k * size + 11];
console.log(`  C[7][11] = ${f32[c / 4 + 7 * size + 11].toFixed(6)} (float64 reference ${dot.toFixed(6)})`);

// 2. Elementwise ops and their accuracy: exp over 1M floats against Math.exp.
const n = 1 << 20;
const x = kernels.allocate(n * 4);
const y = kernels.allocate(n * 4);
kernels.f32.set(
  random(n, 3).map((v) => v * 40),
  x / 4,
);
const addMs = time(() => kernels.binary(BinaryOp.Add, x, x, y, n), 50);
const reluMs = time(() => kernels.unary(UnaryOp.Relu, x, y, n), 50);
const expMs = time(() => kernels.unary(UnaryOp.Exp, x, y, n), 20);
let worst = 0;
const input = kernels.f32.subarray(x / 4, x / 4 + n);
const output = kernels.f32.subarray(y / 4, y / 4 + n);
for (let i = 0; i < n; i++)
  worst = Math.max(worst, Math.abs(output[i] - Math.exp(input[i])) / Math.exp(input[i]));
console.log(`add  1M floats: ${addMs.toFixed(3)} ms = ${((3 * 4 * n) / addMs / 1e6).toFixed(1)} GB/s`);
console.log(`relu 1M floats: ${reluMs.toFixed(3)} ms = ${((2 * 4 * n) / reluMs / 1e6).toFixed(1)} GB/s`);
console.log(
  `exp  1M floats: ${expMs.toFixed(3)} ms, max relative error vs Math.exp ${worst.toExponential(2)}`,
);

// 3. Row softmax (the output layer of a classifier) and a reduction.
const rows = 1024;
const cols = 1024;
const softmaxMs = time(() => kernels.softmax(x, y, rows, cols), 10);
kernels.softmax(x, y, rows, cols);
const sums = kernels.allocate(rows * 4);
kernels.reduce(ReduceOp.Sum, y, sums, rows, cols, 1);
console.log(
  `softmax of ${rows}×${cols} rows: ${softmaxMs.toFixed(2)} ms; row 0 sums to ${kernels.f32[sums / 4].toFixed(7)}`,
);

for (const p of [a, b, c, x, y, sums]) kernels.free(p);
const stats = kernels.allocator.stats();
console.log(
  `memory: ${(stats.memoryBytes / 2 ** 20).toFixed(0)} MiB linear memory, ${stats.blocksInUse} blocks in use ` +
    `(${stats.bytesInUse} bytes), ${(stats.bytesCached / 2 ** 20).toFixed(1)} MiB cached for reuse`,
);
