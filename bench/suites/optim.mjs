// Optimizer benchmark: one Adam step over 1M parameters (10 tensors of 100K), against TF.js's
// tf.train.adam applying the same gradients.
import { Adam } from '@myelin/optim';
import { randn } from '@myelin/tensor';
import { secondsPerCall } from '../lib/timing.mjs';

const TENSORS = 10;
const SIZE = 100_000;

export function adamStepCase() {
  return {
    name: `Adam step over ${(TENSORS * SIZE) / 1e6}M parameters (${TENSORS} tensors)`,
    unit: 'steps/s',
    myelin() {
      const params = Array.from({ length: TENSORS }, () => randn([SIZE], { requiresGrad: true }));
      for (const p of params) p.grad = randn([SIZE]);
      const opt = new Adam(params, { lr: 1e-3 });
      const s = secondsPerCall(() => opt.step());
      opt.dispose();
      for (const p of params) p.dispose();
      return 1 / s;
    },
    tf(tf) {
      const variables = Array.from({ length: TENSORS }, () => tf.variable(tf.randomNormal([SIZE])));
      const grads = Object.fromEntries(variables.map((v) => [v.name, tf.randomNormal([SIZE])]));
      const opt = tf.train.adam(1e-3);
      const s = secondsPerCall(() => opt.applyGradients(grads));
      opt.dispose();
      for (const t of [...variables, ...Object.values(grads)]) t.dispose();
      return 1 / s;
    },
  };
}
