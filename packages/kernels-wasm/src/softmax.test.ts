import { describe, it } from 'vitest';
import { expectClose } from './testing/compare.js';
import { loadAllVariants, put, take } from './testing/harness.js';
import { mulberry32, uniform } from './testing/random.js';

function softmaxRef(x: ArrayLike<number>, rows: number, cols: number, log: boolean): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    let m = -Infinity;
    for (let c = 0; c < cols; c++) m = Math.max(m, x[r * cols + c]!);
    let s = 0;
    for (let c = 0; c < cols; c++) s += Math.exp(x[r * cols + c]! - m);
    for (let c = 0; c < cols; c++) {
      const v = x[r * cols + c]! - m;
      out[r * cols + c] = log ? v - Math.log(s) : Math.exp(v) / s;
    }
  }
  return out;
}

const variants = await loadAllVariants();
const SHAPES: [number, number][] = [
  [1, 1],
  [2, 3],
  [3, 4],
  [4, 7],
  [5, 17],
  [2, 1000],
  [1, 1030],
  [3, 0],
  [0, 5],
];

describe.each(variants.map((k) => [k.variant, k] as const))('softmax kernels (%s build)', (_, kernels) => {
  for (const log of [false, true]) {
    const name = log ? 'logSoftmax' : 'softmax';
    for (const [rows, cols] of SHAPES) {
      it(`${name} of [${rows}, ${cols}] rows`, () => {
        const x = uniform(mulberry32(rows * 31 + cols), rows * cols, -20, 20);
        const out = put(kernels, new Float32Array(rows * cols), 2);
        kernels.softmax(put(kernels, x, 1), out, rows, cols, log);
        expectClose(name, take(kernels, out, rows * cols), softmaxRef(x, rows, cols, log), {
          rel: 1e-6,
          abs: 1e-7,
        });
      });
    }

    it(`${name} is stable for huge and tiny logits, and in place`, () => {
      const x = Float32Array.from([1000, 1001, 1002, -1000, -1001, -999, 1e30, 0, -1e30, 88, 89, 90]);
      const p = put(kernels, x);
      kernels.softmax(p, p, 4, 3, log);
      expectClose(`${name} extreme`, take(kernels, p, 12), softmaxRef(x, 4, 3, log), {
        rel: 1e-6,
        abs: 1e-30,
      });
    });

    it(`${name} backward matches the analytic gradient`, () => {
      const random = mulberry32(log ? 5 : 6);
      for (const [rows, cols] of [
        [3, 5],
        [2, 17],
        [4, 1],
      ] as const) {
        const x = uniform(random, rows * cols, -3, 3);
        const gy = uniform(random, rows * cols, -1, 1);
        const y = put(kernels, new Float32Array(rows * cols));
        kernels.softmax(put(kernels, x), y, rows, cols, log);
        const gx = put(kernels, new Float32Array(rows * cols));
        kernels.softmaxBackward(y, put(kernels, gy), gx, rows, cols, log);
        const s = softmaxRef(x, rows, cols, false);
        const want = new Float64Array(rows * cols);
        for (let r = 0; r < rows; r++) {
          let dot = 0;
          let sum = 0;
          for (let c = 0; c < cols; c++) {
            dot += gy[r * cols + c]! * s[r * cols + c]!;
            sum += gy[r * cols + c]!;
          }
          for (let c = 0; c < cols; c++) {
            const i = r * cols + c;
            want[i] = log ? gy[i]! - s[i]! * sum : s[i]! * (gy[i]! - dot);
          }
        }
        expectClose(`${name} backward`, take(kernels, gx, rows * cols), want, { rel: 1e-5, abs: 1e-6 });
      }
    });
  }
});
