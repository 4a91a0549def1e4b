// Convolution benchmarks: conv2d forward as im2col + SGEMM (one im2col for the whole batch, then a
// batched SGEMM sharing the weight), in GFLOPS of the convolution's own 2·N·Cout·HWout·Cin·kh·kw
// flops, against TF.js's conv2d (NHWC, its only layout on wasm/cpu). Compare with the SGEMM case of
// the same [Cout × Cin·kh·kw]·[Cin·kh·kw × HW] shape to see what im2col costs.
import { colsLength, conv2dGeometry } from '@myelin/kernels-wasm';
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

function upload(kernels, data) {
  const ptr = kernels.allocate(data.length * 4);
  kernels.f32.set(data, ptr / 4);
  return ptr;
}

/**
 * conv2d forward of [batch, cin, size, size] with a [cout, cin, k, k] kernel, stride 1, zero padding
 * `padding`. With `gemmOnly`, times just the SGEMM on ready columns (the ceiling for this shape).
 */
export function conv2dCase({ batch, cin, cout, size, kernel, padding, gemmOnly = false }) {
  const g = conv2dGeometry({ batch, channels: cin, height: size, width: size, kernel, padding });
  const depth = cin * kernel * kernel;
  const hw = g.outH * g.outW;
  const flops = 2 * batch * cout * hw * depth;
  const x = randomData(batch * cin * size * size, 1);
  const w = randomData(cout * depth, 2);
  const shape = `[${batch}×${cin}×${size}×${size}] * [${cout}×${cin}×${kernel}×${kernel}] pad ${padding}`;
  return {
    name: gemmOnly ? `sgemm part of conv2d ${shape}` : `conv2d (im2col + sgemm) ${shape}`,
    unit: 'GFLOPS',
    myelin(kernels) {
      const px = upload(kernels, x);
      const pw = upload(kernels, w);
      const cols = kernels.allocate(4 * colsLength(g));
      kernels.im2col(px, cols, g);
      const s = secondsPerCall(() => {
        const y = kernels.allocate(4 * batch * cout * hw);
        if (!gemmOnly) kernels.im2col(px, cols, g);
        kernels.sgemm({ m: cout, n: hw, k: depth, a: pw, b: cols, c: y, batch, strideA: 0 });
        kernels.free(y);
      });
      kernels.free(cols);
      kernels.free(px);
      kernels.free(pw);
      return flops / s / 1e9;
    },
    tf(tf) {
      if (gemmOnly) return undefined; // TF.js's conv2d has no separate product to time
      const tx = tf.tensor4d(randomData(batch * size * size * cin, 1), [batch, size, size, cin]);
      const tw = tf.tensor4d(randomData(kernel * kernel * cin * cout, 2), [kernel, kernel, cin, cout]);
      const pad = [
        [0, 0],
        [padding, padding],
        [padding, padding],
        [0, 0],
      ];
      const s = secondsPerCall(() => {
        tf.conv2d(tx, tw, 1, pad).dispose();
      });
      tx.dispose();
      tw.dispose();
      return flops / s / 1e9;
    },
  };
}

/** LeNet-5's two convolutions (batch 32) and a ResNet-style 3×3 layer (batch 8). */
export const convCases = () => [
  conv2dCase({ batch: 32, cin: 1, cout: 6, size: 28, kernel: 5, padding: 2 }),
  conv2dCase({ batch: 32, cin: 6, cout: 16, size: 14, kernel: 5, padding: 0 }),
  conv2dCase({ batch: 8, cin: 64, cout: 64, size: 32, kernel: 3, padding: 1 }),
  conv2dCase({ batch: 8, cin: 64, cout: 64, size: 32, kernel: 3, padding: 1, gemmOnly: true }),
];
