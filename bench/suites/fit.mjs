// fit throughput: the 784-256-128-10 MLP at batch 64, one epoch over 6,400 random samples, against
// TF.js model.fit of the same Keras model (Adam, cross-entropy, no validation).
import { crossEntropy, fit, Linear, ReLU, Sequential } from '@myelin/nn';
import { Adam } from '@myelin/optim';
import { manualSeed, randint, randn } from '@myelin/tensor';

const SAMPLES = 6400;
const BATCH = 64;

/** Seconds of the fastest of `runs` calls of the async `fn` (after a warm-up). */
async function bestSeconds(fn, runs = 3) {
  await fn();
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    best = Math.min(best, (performance.now() - start) / 1000);
  }
  return best;
}

export function fitCase() {
  return {
    name: `fit: MLP 784-256-128-10, batch ${BATCH}, ${SAMPLES} samples/epoch`,
    unit: 'samples/s',
    async myelin() {
      manualSeed(0);
      const model = new Sequential(
        new Linear(784, 256),
        new ReLU(),
        new Linear(256, 128),
        new ReLU(),
        new Linear(128, 10),
      );
      const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
      const x = randn([SAMPLES, 784]);
      const y = randint(0, 10, [SAMPLES]);
      const s = await bestSeconds(() =>
        fit(model, [x, y], { optimizer, loss: crossEntropy, epochs: 1, batchSize: BATCH, verbose: 0 }),
      );
      model.dispose();
      return SAMPLES / s;
    },
    async tf(tf) {
      const model = tf.sequential({
        layers: [
          tf.layers.dense({ inputShape: [784], units: 256, activation: 'relu' }),
          tf.layers.dense({ units: 128, activation: 'relu' }),
          tf.layers.dense({ units: 10 }),
        ],
      });
      model.compile({ optimizer: tf.train.adam(1e-3), loss: tf.losses.softmaxCrossEntropy });
      const x = tf.randomNormal([SAMPLES, 784]);
      const y = tf.oneHot(tf.randomUniform([SAMPLES], 0, 10, 'int32'), 10);
      const s = await bestSeconds(() =>
        model.fit(x, y, { epochs: 1, batchSize: BATCH, verbose: 0, shuffle: true }),
      );
      model.dispose();
      x.dispose();
      y.dispose();
      return SAMPLES / s;
    },
  };
}
