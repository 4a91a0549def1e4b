// The CNN view's training worker: a small conv net learns the bundled 8×8 digits with `fit`, one
// epoch at a time; between batches it answers the page's requests to classify the drawn input.
import { loadDigits, trainTestSplit } from '@myelin/data';
import * as nn from '@myelin/nn';
import { Adam } from '@myelin/optim';
import { manualSeed, noGrad, type Tensor, tensor, tidy } from '@myelin/tensor';
import type { FeatureMaps, FromCnnWorker, ToCnnWorker } from './protocol.js';

const SEED = 0;
const MAX_EPOCHS = 30;
const BATCH_SIZE = 32;
const LEARNING_RATE = 0.01;

const post = (message: FromCnnWorker, transfer: Transferable[] = []) =>
  (self as unknown as Worker).postMessage(message, transfer);

/** conv 8@3×3 → ReLU → max-pool 2 → conv 16@3×3 → ReLU → max-pool 2 → linear 64 → 10 (1,898 parameters). */
function makeModel(): nn.Sequential {
  manualSeed(SEED);
  return new nn.Sequential(
    new nn.Conv2d(1, 8, 3, { padding: 1 }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Conv2d(8, 16, 3, { padding: 1 }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Flatten(),
    new nn.Linear(16 * 2 * 2, 10),
  );
}

const ARCHITECTURE = [
  'input 1×8×8 (pixels 0..16, divided by 16)',
  'conv1: 8 filters 3×3, padding 1 → 8×8×8, ReLU',
  'max-pool 2×2 → 8×4×4',
  'conv2: 16 filters 3×3×8, padding 1 → 16×4×4, ReLU',
  'max-pool 2×2 → 16×2×2',
  'flatten → linear 64 → 10 class scores, softmax',
];

// The data: a stratified 80/20 split of the 1,797 digits, fixed for the page's lifetime.
const digits = loadDigits();
const split = trainTestSplit(digits.images, digits.target, { testSize: 0.2, stratify: true, seed: SEED });
const train = { x: split.xTrain.div(16), y: split.yTrain };
const test = { x: split.xTest.div(16), y: split.yTest };
const testLabels = Int32Array.from(split.yTest.data());
const testImages = Float32Array.from(split.xTest.data());
for (const t of [digits.data, digits.images, digits.target, split.xTrain, split.xTest]) t.dispose();

interface Session {
  model: nn.Sequential;
  optimizer: Adam;
  epoch: number;
  /** Aborted by a reset: the running epoch stops after its current batch. */
  abort: AbortController;
  /** The running training loop, if any. */
  running: Promise<void> | null;
}

let session = newSession();
let playing = false;
let input: Float32Array = new Float32Array(64);
let inputId = -1;

function newSession(): Session {
  const model = makeModel();
  return {
    model,
    optimizer: new Adam(model.parameters(), { lr: LEARNING_RATE }),
    epoch: 0,
    abort: new AbortController(),
    running: null,
  };
}

/**
 * Trains epoch after epoch while playing. A pause takes effect at the end of the epoch (a fraction of
 * a second), so the test-set numbers shown are always those of the network that answers.
 */
async function run(s: Session): Promise<void> {
  while (playing && s.epoch < MAX_EPOCHS && !s.abort.signal.aborted) {
    const history = await nn.fit(s.model, [train.x, train.y], {
      optimizer: s.optimizer,
      loss: nn.crossEntropy,
      epochs: 1,
      batchSize: BATCH_SIZE,
      seed: SEED + s.epoch, // a different shuffle each epoch, the same ones after a reset
      verbose: 0,
      signal: s.abort.signal,
    });
    if (history.stopReason === 'aborted') return;
    s.epoch++;
    report(s, history.history['loss']?.[0] ?? Number.NaN);
    classify(s);
  }
  if (playing) setPlaying(false); // reached MAX_EPOCHS
}

function setPlaying(on: boolean): void {
  playing = on;
  const s = session;
  if (on)
    s.running ??= run(s).finally(() => {
      s.running = null;
      post({ type: 'state', playing, training: false });
    });
  post({ type: 'state', playing, training: s.running !== null });
}

/** The epoch's numbers on the whole test set: loss, accuracy, confusion matrix, predictions. */
function report(s: Session, loss: number): void {
  const { testLoss, predictions } = tidy(() =>
    noGrad(() => {
      const logits = s.model.forward(test.x);
      return {
        testLoss: nn.crossEntropy(logits, test.y).item(),
        predictions: Int32Array.from(logits.argmax(1).data()),
      };
    }),
  );
  const correct = predictions.filter((p, i) => p === testLabels[i]).length;
  const conv1 = s.model.at(0) as nn.Conv2d;
  const filters = Float32Array.from(conv1.weight.data());
  post(
    {
      type: 'epoch',
      epoch: s.epoch,
      loss,
      testLoss,
      testAccuracy: correct / predictions.length,
      confusion: nn.confusionMatrix(predictions, testLabels, 10),
      testPredictions: predictions,
      filters,
      filterSize: conv1.weight.shape[2]!,
    },
    [predictions.buffer, filters.buffer],
  );
}

/** The class probabilities for the current input, and each convolution's feature maps. */
function classify(s: Session): void {
  const maps: FeatureMaps[] = [];
  const probabilities = tidy(() =>
    noGrad(() => {
      let out: Tensor = tensor(input, { shape: [1, 1, 8, 8] }).div(16);
      let previous: nn.Module | null = null;
      for (const layer of s.model) {
        out = layer.forward(out);
        if (layer instanceof nn.ReLU && previous instanceof nn.Conv2d) {
          const [, channels, size] = out.shape as [number, number, number, number];
          const label = `conv${maps.length + 1} (${previous.inChannels}→${channels} channels, 3×3) + ReLU: ${channels} maps ${size}×${size}`;
          maps.push({ label, channels, size, values: Float32Array.from(out.data()) });
        }
        previous = layer;
      }
      return Array.from(out.softmax(1).data());
    }),
  );
  post(
    { type: 'prediction', inputId, epoch: s.epoch, probabilities, maps },
    maps.map((m) => m.values.buffer),
  );
}

async function reset(): Promise<void> {
  const old = session;
  playing = false;
  old.abort.abort();
  await old.running;
  playing = false; // a Play that came while the old epoch was stopping is superseded by the reset
  old.model.dispose();
  old.optimizer.dispose();
  session = newSession();
  post({ type: 'state', playing: false, training: false });
  report(session, Number.NaN);
  classify(session);
}

self.onmessage = async (event: MessageEvent<ToCnnWorker>) => {
  try {
    const message = event.data;
    if (message.type === 'play') setPlaying(true);
    else if (message.type === 'pause') setPlaying(false);
    else if (message.type === 'reset') await reset();
    else if (message.type === 'input') {
      if (message.pixels.length !== 64)
        throw new RangeError(`expected 64 pixels, got ${message.pixels.length}`);
      [input, inputId] = [message.pixels, message.id];
      classify(session);
    }
  } catch (error) {
    post({ type: 'error', message: `Training stopped: ${(error as Error).message}` });
  }
};

// The page waits for this before sending anything: messages that arrive while a module worker is
// still evaluating (awaiting the kernels) can be lost.
post({
  type: 'ready',
  testImages,
  testLabels,
  trainSize: train.y.shape[0]!,
  architecture: ARCHITECTURE,
  maxEpochs: MAX_EPOCHS,
});
report(session, Number.NaN);
classify(session);
