// Kernel-level benchmarks: SGEMM, elementwise add/relu, row softmax, per-call overhead.
// Each case returns a number per contender in the case's unit; higher is better unless noted.
// TF.js executes ops eagerly and synchronously on its wasm and cpu backends, so its timings need no
// readback (which would add a copy that Myelin's side does not pay).
import { BinaryOp, UnaryOp } from '@myelin/kernels-wasm';
import { secondsPerCall } from '../lib/timing.mjs';

function randomData(n, seed) {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 4294967296 - 0.5;
  }
  return out;
}

/** Puts `data` into a fresh block of the kernels' memory and returns the pointer. */
function upload(kernels, data) {
  const ptr = kernels.allocate(data.length * 4);
  kernels.f32.set(data, ptr / 4);
  return ptr;
}

/**
 * SGEMM C = op(A)·op(B) with op(A) m×k and op(B) k×n. Both sides allocate and free their output on
 * every call (TF.js always does), so the comparison includes that cost.
 */
export function gemmCase(m, n, k, transA, transB) {
  const label = `${transA ? 'Aᵀ' : 'A'}·${transB ? 'Bᵀ' : 'B'}`;
  const a = randomData(m * k, 1);
  const b = randomData(k * n, 2);
  const flops = 2 * m * n * k;
  return {
    name: `sgemm ${label} [${m}×${k}]·[${k}×${n}]`,
    unit: 'GFLOPS',
    myelin(kernels) {
      const pa = upload(kernels, a);
      const pb = upload(kernels, b);
      const s = secondsPerCall(() => {
        const c = kernels.allocate(m * n * 4);
        kernels.sgemm({ m, n, k, a: pa, b: pb, c, transA, transB });
        kernels.free(c);
      });
      kernels.free(pa);
      kernels.free(pb);
      return flops / s / 1e9;
    },
    tf(tf) {
      const ta = tf.tensor2d(a, transA ? [k, m] : [m, k]);
      const tb = tf.tensor2d(b, transB ? [n, k] : [k, n]);
      const s = secondsPerCall(() => {
        tf.matMul(ta, tb, transA, transB).dispose();
      });
      ta.dispose();
      tb.dispose();
      return flops / s / 1e9;
    },
  };
}

/** Elementwise op over n floats, reported as memory traffic in GB/s (bytes read + written). */
function elementwiseCase(name, n, bytesPerElement, myelinOp, tfOp) {
  const x = randomData(n, 3);
  const y = randomData(n, 4);
  return {
    name: `${name} [${n}]`,
    unit: 'GB/s',
    myelin(kernels) {
      const px = upload(kernels, x);
      const py = upload(kernels, y);
      const s = secondsPerCall(() => {
        const out = kernels.allocate(n * 4);
        myelinOp(kernels, px, py, out, n);
        kernels.free(out);
      });
      kernels.free(px);
      kernels.free(py);
      return (bytesPerElement * n) / s / 1e9;
    },
    tf(tf) {
      const tx = tf.tensor1d(x);
      const ty = tf.tensor1d(y);
      const s = secondsPerCall(() => {
        tfOp(tf, tx, ty).dispose();
      });
      tx.dispose();
      ty.dispose();
      return (bytesPerElement * n) / s / 1e9;
    },
  };
}

export const addCase = (n) =>
  elementwiseCase(
    'add',
    n,
    12,
    (k, a, b, out, len) => k.binary(BinaryOp.Add, a, b, out, len),
    (tf, a, b) => tf.add(a, b),
  );

export const reluCase = (n) =>
  elementwiseCase(
    'relu',
    n,
    8,
    (k, a, _b, out, len) => k.unary(UnaryOp.Relu, a, out, len),
    (tf, a) => tf.relu(a),
  );

/** Row softmax of a rows×cols matrix, in milliseconds (lower is better). */
export function softmaxCase(rows, cols) {
  const x = randomData(rows * cols, 5);
  return {
    name: `softmax rows [${rows}×${cols}]`,
    unit: 'ms',
    lowerIsBetter: true,
    myelin(kernels) {
      const px = upload(kernels, x);
      const s = secondsPerCall(() => {
        const out = kernels.allocate(rows * cols * 4);
        kernels.softmax(px, out, rows, cols);
        kernels.free(out);
      });
      kernels.free(px);
      return s * 1e3;
    },
    tf(tf) {
      const tx = tf.tensor2d(x, [rows, cols]);
      const s = secondsPerCall(() => {
        tf.softmax(tx).dispose();
      });
      tx.dispose();
      return s * 1e3;
    },
  };
}

/**
 * Per-call overhead: add of two 16-float buffers, in microseconds per call (lower is better).
 * Myelin here is the raw kernel call with an output allocation; TF.js is tf.add on [16] tensors.
 */
export function tinyAddCase() {
  const n = 16;
  const x = randomData(n, 6);
  return {
    name: 'add of 16 floats (per-call overhead)',
    unit: 'µs',
    lowerIsBetter: true,
    myelin(kernels) {
      const px = upload(kernels, x);
      const s = secondsPerCall(() => {
        const out = kernels.allocate(n * 4);
        kernels.binary(BinaryOp.Add, px, px, out, n);
        kernels.free(out);
      });
      kernels.free(px);
      return s * 1e6;
    },
    tf(tf) {
      const tx = tf.tensor1d(x);
      const s = secondsPerCall(() => {
        tf.add(tx, tx).dispose();
      });
      tx.dispose();
      return s * 1e6;
    },
  };
}

/**
 * Broadcast add out[i, j] = x[i, j] + y[·] of an [rows, cols] matrix and a row ([cols], as a bias)
 * or column ([rows, 1]) vector, in GB/s of the output's read+write traffic. Myelin's strided kernel
 * runs the broadcast in its inner loop; the `materialise` variant first expands y with copyStrided
 * and then adds contiguously (the alternative design issue 2 asked to measure).
 */
export function broadcastAddCase(rows, cols, along, materialise = false) {
  const x = randomData(rows * cols, 7);
  const y = randomData(along === 'row' ? cols : rows, 8);
  const shapeY = along === 'row' ? [cols] : [rows, 1];
  const stridesY = along === 'row' ? [0, 1] : [1, 0];
  const bytes = 12 * rows * cols;
  return {
    name: `add [${rows}×${cols}] + [${shapeY.join('×')}]${materialise ? ' (materialise, then add)' : ''}`,
    unit: 'GB/s',
    myelin(kernels) {
      const px = upload(kernels, x);
      const py = upload(kernels, y);
      const s = secondsPerCall(() => {
        const out = kernels.allocate(rows * cols * 4);
        if (materialise) {
          const expanded = kernels.allocate(rows * cols * 4);
          kernels.copyStrided(py, stridesY, expanded, [rows, cols]);
          kernels.binary(BinaryOp.Add, px, expanded, out, rows * cols);
          kernels.free(expanded);
        } else {
          kernels.binaryStrided(BinaryOp.Add, px, [cols, 1], py, stridesY, out, [rows, cols]);
        }
        kernels.free(out);
      });
      kernels.free(px);
      kernels.free(py);
      return bytes / s / 1e9;
    },
    tf(tf) {
      const tx = tf.tensor2d(x, [rows, cols]);
      const ty = tf.tensor(y, shapeY);
      const s = secondsPerCall(() => {
        tf.add(tx, ty).dispose();
      });
      tx.dispose();
      ty.dispose();
      return bytes / s / 1e9;
    },
  };
}
