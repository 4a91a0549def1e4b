// Tensor-level benchmarks: the overhead of the Tensor API on tiny ops, and forward + backward of an
// MLP (784-256-128-10, batch 64, cross-entropy) against TF.js's tf.variableGrads.
import { manualSeed, noGrad, randint, randn, tidy } from '@myelin/tensor';
import { secondsPerCall } from '../lib/timing.mjs';

/** 1,000 adds of two [16] tensors through each library's tensor API, µs per add (lower is better). */
export function tensorAddOverheadCase() {
  return {
    name: 'tensor API: add of two [16] tensors',
    unit: 'µs',
    lowerIsBetter: true,
    myelin() {
      const a = randn([16]);
      const b = randn([16]);
      const s = secondsPerCall(() => {
        for (let i = 0; i < 1000; i++) a.add(b).dispose();
      });
      a.dispose();
      b.dispose();
      return (s / 1000) * 1e6;
    },
    tf(tf) {
      const a = tf.randomNormal([16]);
      const b = tf.randomNormal([16]);
      const s = secondsPerCall(() => {
        for (let i = 0; i < 1000; i++) tf.add(a, b).dispose();
      });
      a.dispose();
      b.dispose();
      return (s / 1000) * 1e6;
    },
  };
}

const LAYERS = [784, 256, 128, 10];
const BATCH = 64;

/** Forward + backward of the MLP, training steps per second (higher is better). */
export function mlpStepCase() {
  return {
    name: `MLP ${LAYERS.join('-')} forward+backward, batch ${BATCH}`,
    unit: 'steps/s',
    myelin() {
      manualSeed(0);
      const params = [];
      for (let i = 0; i < LAYERS.length - 1; i++) {
        const scale = 1 / Math.sqrt(LAYERS[i]);
        params.push(noGrad(() => randn([LAYERS[i], LAYERS[i + 1]]).mul(scale)).requiresGrad_());
        params.push(noGrad(() => randn([LAYERS[i + 1]]).mul(0)).requiresGrad_());
      }
      const x = randn([BATCH, LAYERS[0]]);
      const y = randint(0, 10, [BATCH, 1]);
      const s = secondsPerCall(() => {
        tidy(() => {
          let h = x;
          for (let i = 0; i < params.length; i += 2) {
            h = h.matmul(params[i]).add(params[i + 1]);
            if (i + 2 < params.length) h = h.relu();
          }
          const loss = h.logSoftmax(1).gather(1, y).neg().mean();
          loss.backward();
        });
        for (const p of params) p.grad = null;
      });
      for (const t of [...params, x, y]) t.dispose();
      return 1 / s;
    },
    tf(tf) {
      const variables = [];
      for (let i = 0; i < LAYERS.length - 1; i++) {
        variables.push(tf.variable(tf.randomNormal([LAYERS[i], LAYERS[i + 1]], 0, 1 / Math.sqrt(LAYERS[i]))));
        variables.push(tf.variable(tf.zeros([LAYERS[i + 1]])));
      }
      const x = tf.randomNormal([BATCH, LAYERS[0]]);
      const labels = tf.oneHot(tf.randomUniform([BATCH], 0, 10, 'int32'), 10);
      const s = secondsPerCall(() => {
        const { value, grads } = tf.variableGrads(() => {
          let h = x;
          for (let i = 0; i < variables.length; i += 2) {
            h = tf.add(tf.matMul(h, variables[i]), variables[i + 1]);
            if (i + 2 < variables.length) h = tf.relu(h);
          }
          return tf.losses.softmaxCrossEntropy(labels, h);
        });
        value.dispose();
        for (const g of Object.values(grads)) g.dispose();
      });
      for (const t of [...variables, x, labels]) t.dispose();
      return 1 / s;
    },
  };
}
