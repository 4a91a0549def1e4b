// The training worker: builds the data and the network from the state and trains on Myelin's
// wasm kernels; the page only draws what it posts.
import * as nn from '@myelin/nn';
import { Adagrad, Adam, CosineAnnealingLR, ExponentialLR, RMSprop, SGD, StepLR } from '@myelin/optim';
import {
  getNumThreads,
  manualSeed,
  noGrad,
  type Tensor,
  tensor,
  threadsUnavailableReason,
  tidy,
} from '@myelin/tensor';
import { generateDataset, sampleCount, seededRandom } from './datasets.js';
import { FEATURE_FNS } from './features.js';
import { EXTENT, type FromWorker, GRID, NEURON_GRID, type Point, type ToWorker } from './protocol.js';
import { type Feature, isMultiClass, isRegression, outputCount, type PlaygroundState } from './state.js';

const post = (message: FromWorker, transfer: Transferable[] = []) =>
  (self as unknown as Worker).postMessage(message, transfer);

/** The data set's points in [−6, 6]², drawn from a generator seeded by the URL's seed. */
function makePoints(state: PlaygroundState): Point[] {
  return generateDataset(
    state.dataset,
    sampleCount(state.dataset),
    state.noise / 100,
    seededRandom(state.seed),
    state.classes,
  );
}

function featureMatrix(points: { x: number; y: number }[], features: readonly Feature[]): Tensor {
  const values = new Float32Array(points.length * features.length);
  points.forEach((p, i) => {
    features.forEach((f, j) => {
      values[i * features.length + j] = FEATURE_FNS[f](p.x, p.y);
    });
  });
  return tensor(values, { shape: [points.length, features.length] });
}

const ACTIVATIONS: Record<PlaygroundState['activation'], () => nn.Module> = {
  tanh: () => new nn.Tanh(),
  relu: () => new nn.ReLU(),
  sigmoid: () => new nn.Sigmoid(),
  linear: () => new nn.Identity(),
  leakyRelu: () => new nn.LeakyReLU(0.1),
  elu: () => new nn.ELU(),
  selu: () => new nn.SELU(),
  softsign: () => new nn.Softsign(),
};

interface Session {
  state: PlaygroundState;
  model: nn.Sequential;
  linears: nn.Linear[];
  optimizer: { step(): void; zeroGrad(): void; lr: number };
  schedule: { step(): void } | null;
  gradientNorms: number[];
  train: { x: Tensor; y: Tensor };
  test: { x: Tensor; y: Tensor };
  grid: Tensor;
  /** The features on the coarse lattice drawn inside each neuron. */
  neuronGrid: Tensor;
  epoch: number;
  /** State of the generator that shuffles the batches, seeded from the URL's seed. */
  shuffleState: number;
}

/** A uniform number in [0, 1) from the session's own generator (mulberry32), so runs reproduce. */
function nextRandom(s: Session): number {
  s.shuffleState = (s.shuffleState + 0x6d2b79f5) | 0;
  let t = s.shuffleState;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

let session: Session | null = null;
let playing = false;
/** Whether an update posted while playing has not been drawn yet (the page acks each frame it draws). */
let awaitingAck = false;

function makeSchedule(state: PlaygroundState, optimizer: Session['optimizer']): Session['schedule'] {
  switch (state.schedule) {
    case 'none':
      return null;
    case 'step':
      return new StepLR(optimizer, { stepSize: 100, gamma: 0.5 });
    case 'exponential':
      return new ExponentialLR(optimizer, { gamma: 0.995 });
    case 'cosine':
      return new CosineAnnealingLR(optimizer, { tMax: 500 });
  }
}

function makeOptimizer(state: PlaygroundState, params: Tensor[]): Session['optimizer'] {
  const lr = state.learningRate;
  switch (state.optimizer) {
    case 'sgd':
      return new SGD(params, { lr });
    case 'momentum':
      return new SGD(params, { lr, momentum: state.momentum });
    case 'nesterov':
      return new SGD(params, { lr, momentum: state.momentum, nesterov: true });
    case 'adagrad':
      return new Adagrad(params, { lr });
    case 'rmsprop':
      return new RMSprop(params, { lr, momentum: state.momentum });
    case 'adam':
      return new Adam(params, { lr, betas: [state.beta1, state.beta2] });
  }
}

/** Points of a size×size lattice over [−6, 6]², row-major from the top. */
function latticeOf(size: number): { x: number; y: number }[] {
  return Array.from({ length: size * size }, (_, i) => ({
    x: -EXTENT + ((i % size) + 0.5) * ((2 * EXTENT) / size),
    y: EXTENT - (Math.floor(i / size) + 0.5) * ((2 * EXTENT) / size),
  }));
}

/** Each hidden layer's activations over the coarse lattice: [lattice points × neurons], row-major. */
function neuronActivations(s: Session): Float32Array[] {
  const out: Float32Array[] = [];
  let h = s.neuronGrid;
  const modules = [...s.model];
  modules.forEach((m, i) => {
    h = m.forward(h);
    const next = modules[i + 1];
    // A hidden layer's output: after its activation (and dropout, the identity in eval mode).
    const endOfHidden = next === undefined ? false : next instanceof nn.Linear;
    if (endOfHidden) out.push(h.data() as Float32Array);
  });
  return out;
}

function dispose(s: Session): void {
  s.model.dispose();
  (s.optimizer as { dispose?: () => void }).dispose?.();
  for (const t of [s.train.x, s.train.y, s.test.x, s.test.y, s.grid, s.neuronGrid]) t.dispose();
}

/** The network the state describes: hidden layers (with batch norm, activation, dropout) and the output. */
function buildNetwork(state: PlaygroundState): { model: nn.Sequential; linears: nn.Linear[] } {
  const layers: nn.Module[] = [];
  const linears: nn.Linear[] = [];
  let width = state.features.length;
  state.layers.forEach((size, l) => {
    const linear = new nn.Linear(width, size);
    linears.push(linear);
    layers.push(linear);
    if (state.batchNormLayers[l]) layers.push(new nn.BatchNorm1d(size));
    layers.push(ACTIVATIONS[state.activation]());
    if (state.dropoutLayers[l]) layers.push(new nn.Dropout(state.dropout));
    width = size;
  });
  const output = new nn.Linear(width, outputCount(state));
  linears.push(output);
  layers.push(output);
  // Binary sets: outputs in [−1, 1] like the ±1 labels (TF Playground). Multi-class sets: one logit per
  // class, turned into probabilities by the softmax inside the cross-entropy.
  if (!isRegression(state.dataset) && !isMultiClass(state.dataset)) layers.push(new nn.Tanh());
  const model = new nn.Sequential(layers);
  return { model, linears };
}

function configure(state: PlaygroundState): void {
  if (session) dispose(session);
  manualSeed(state.seed);
  const points = makePoints(state);
  // Shuffle, then split by the ratio (the first part trains).
  let s = state.seed + 7;
  const order = points.map((p) => {
    s = (s * 48271) % 2147483647;
    return { p, key: s };
  });
  order.sort((a, b) => a.key - b.key);
  const shuffled = order.map((o) => o.p);
  const cut = Math.round((shuffled.length * state.ratio) / 100);
  const trainPoints = shuffled.slice(0, cut);
  const testPoints = shuffled.slice(cut);
  post({ type: 'data', train: trainPoints, test: testPoints });
  // Targets: a column of ±1 labels or regression targets; for the multi-class sets int32 class indices.
  const column = (pts: Point[]) =>
    isMultiClass(state.dataset)
      ? tensor(
          Int32Array.from(pts, (p) => p.label),
          { shape: [pts.length] },
        ).keep()
      : tensor(
          pts.map((p) => p.label),
          { shape: [pts.length, 1] },
        ).keep();
  const lattice = latticeOf(GRID);
  const { model, linears } = buildNetwork(state);
  const optimizer = makeOptimizer(state, model.parameters());
  session = {
    state,
    model,
    linears,
    optimizer,
    schedule: makeSchedule(state, optimizer),
    gradientNorms: linears.map(() => 0),
    train: { x: featureMatrix(trainPoints, state.features).keep(), y: column(trainPoints) },
    test: { x: featureMatrix(testPoints, state.features).keep(), y: column(testPoints) },
    grid: featureMatrix(lattice, state.features).keep(),
    neuronGrid: featureMatrix(latticeOf(NEURON_GRID), state.features).keep(),
    epoch: 0,
    shuffleState: state.seed,
  };
  report();
}

/** Applies training settings to the running session: the network and the optimizer's state stay. */
function tune(s: Session, change: Partial<PlaygroundState>): void {
  s.state = { ...s.state, ...change };
  if (change.learningRate !== undefined) {
    s.optimizer.lr = change.learningRate;
    // A schedule scales its base rate: restart it from the new rate, at the epoch reached.
    s.schedule = makeSchedule(s.state, s.optimizer);
    for (let i = 0; i < s.epoch; i++) s.schedule?.step();
  }
}

/**
 * The loss: TensorFlow Playground's ½·mean((output − target)²), or for the multi-class sets the
 * cross-entropy of the logits against the class indices.
 */
const loss = (state: PlaygroundState, output: Tensor, target: Tensor) =>
  isMultiClass(state.dataset) ? nn.crossEntropy(output, target) : nn.mseLoss(output, target).mul(0.5);

/** What training minimises on a batch: the loss plus the regularisation penalty. */
function objective(state: PlaygroundState, model: nn.Sequential, xb: Tensor, yb: Tensor): Tensor {
  let value = loss(state, model.forward(xb), yb);
  const rate = state.regularizationRate;
  if (state.regularization === 'l1' && rate > 0) value = value.add(nn.l1Penalty(model).mul(rate));
  if (state.regularization === 'l2' && rate > 0) value = value.add(nn.l2Penalty(model).mul(rate));
  return value;
}

/** The learning-rate range test's span and length: lr grows geometrically from the first to the last. */
const LR_RANGE = { from: 1e-5, to: 10, steps: 100 };
/**
 * Weight of the past in the smoothed loss (an exponential moving average, bias-corrected): it averages
 * about 10 batches, short enough to follow a 100-step test (fastai's 0.98 lags by about 50).
 */
const LR_SMOOTHING = 0.9;

/**
 * The learning-rate range test (L. Smith, "Cyclical Learning Rates for Training Neural Networks",
 * 2015; fastai's `lr_find`): a copy of the current network trains on ~100 mini-batches while the
 * learning rate grows geometrically; the smoothed loss at each rate is recorded, stopping early once
 * it exceeds 4× its lowest. The suggestion is the rate where the smoothed loss falls fastest (the
 * steepest descent against log lr). The session's network and optimizer are left untouched.
 */
function findLearningRate(s: Session): Extract<FromWorker, { type: 'lrFinder' }> {
  const { model } = buildNetwork(s.state);
  nn.loadModule(model, nn.saveModule(s.model));
  const optimizer = makeOptimizer({ ...s.state, learningRate: LR_RANGE.from }, model.parameters());
  const random = seededRandom(s.state.seed + 1);
  const n = s.train.x.shape[0]!;
  const batch = Math.min(s.state.batchSize, n); // at least 2 with batch norm (see consistent())
  const [lrs, losses] = [[] as number[], [] as number[]];
  let [average, lowest] = [0, Infinity];
  model.train();
  for (let i = 0; i < LR_RANGE.steps; i++) {
    const lr = LR_RANGE.from * (LR_RANGE.to / LR_RANGE.from) ** (i / (LR_RANGE.steps - 1));
    optimizer.lr = lr;
    const raw = tidy(() => {
      const index = tensor(Int32Array.from({ length: batch }, () => Math.floor(random() * n)));
      optimizer.zeroGrad();
      const value = objective(
        s.state,
        model,
        s.train.x.indexSelect(0, index),
        s.train.y.indexSelect(0, index),
      );
      value.backward();
      optimizer.step();
      return value.item();
    });
    average = LR_SMOOTHING * average + (1 - LR_SMOOTHING) * raw;
    const smoothed = average / (1 - LR_SMOOTHING ** (i + 1));
    if (!Number.isFinite(smoothed)) break;
    lrs.push(lr);
    losses.push(smoothed);
    if (smoothed > 4 * lowest) break;
    lowest = Math.min(lowest, smoothed);
  }
  model.dispose();
  (optimizer as { dispose?: () => void }).dispose?.();
  return { type: 'lrFinder', lrs, losses, suggested: steepest(lrs, losses) };
}

/**
 * The rate where the smoothed loss falls fastest against log lr: slopes over ±3 points (a third of a
 * decade), leaving out the first 10 points, where the average still holds only a few noisy batches.
 */
function steepest(lrs: number[], losses: number[]): number {
  const [skip, w] = [10, 3];
  let [best, slope] = [lrs[Math.floor(lrs.length / 2)] ?? LR_RANGE.from, Infinity];
  for (let i = Math.max(skip, w); i + w < losses.length; i++) {
    const g = (losses[i + w]! - losses[i - w]!) / Math.log(lrs[i + w]! / lrs[i - w]!);
    if (g < slope) [best, slope] = [lrs[i]!, g];
  }
  return best;
}

function trainEpoch(s: Session): void {
  const n = s.train.x.shape[0]!;
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(nextRandom(s) * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  s.model.train();
  for (let start = 0; start < n; start += s.state.batchSize) {
    // Batch statistics need two samples: a final batch of one is skipped when batch norm is on.
    if (s.state.batchNormLayers.some(Boolean) && Math.min(s.state.batchSize, n - start) < 2) continue;
    tidy(() => {
      const index = tensor(Int32Array.from(order.slice(start, start + s.state.batchSize)));
      const xb = s.train.x.indexSelect(0, index);
      const yb = s.train.y.indexSelect(0, index);
      s.optimizer.zeroGrad();
      objective(s.state, s.model, xb, yb).backward();
      s.gradientNorms = s.linears.map((lin) => {
        const g = lin.weight.grad;
        return g === null ? 0 : g.square().sum().sqrt().item(); // inside the step's tidy
      });
      s.optimizer.step();
    });
  }
  s.schedule?.step();
  s.epoch++;
}

/** The epoch and time of the last report while playing, for the epochs/s readout. */
let lastReport: { epoch: number; time: number } | null = null;

/** Epochs trained per second since the last report while playing (null when paused or just started). */
function speed(s: Session): number | null {
  const now = { epoch: s.epoch, time: performance.now() };
  const last = lastReport;
  lastReport = playing ? now : null;
  if (!playing || !last || now.epoch <= last.epoch || now.time <= last.time) return null;
  return ((now.epoch - last.epoch) * 1000) / (now.time - last.time);
}

function report(): void {
  if (!session) return;
  const s = session;
  const classify = !isRegression(s.state.dataset);
  const multiClass = isMultiClass(s.state.dataset);
  const [[trainLoss, trainAccuracy], [testLoss, testAccuracy], grid, neurons] = tidy(() =>
    noGrad(() => {
      s.model.eval();
      /**
       * Loss, and for classification the share of points classified right: on the right side of 0
       * (labels ±1), or, for the multi-class sets, whose most probable class is the label.
       */
      const measure = (d: { x: Tensor; y: Tensor }): [number, number | null] => {
        if (d.x.shape[0] === 0) return [0, null];
        const output = s.model.forward(d.x);
        const value = loss(s.state, output, d.y).item();
        if (!classify) return [value, null];
        const [out, labels] = [(multiClass ? output.argmax(1) : output).data(), d.y.data()];
        let right = 0;
        for (let i = 0; i < out.length; i++)
          if ((multiClass ? out[i] : out[i]! >= 0 ? 1 : -1) === labels[i]) right++;
        return [value, right / out.length];
      };
      // The output over the plane: tanh or linear values, or each class's probability (softmax).
      const surface = s.model.forward(s.grid);
      return [
        measure(s.train),
        measure(s.test),
        (multiClass ? surface.softmax(1) : surface).data() as Float32Array,
        neuronActivations(s),
      ] as const;
    }),
  );
  const weights = s.linears.map((lin) => lin.weight.toArray() as number[][]);
  const biases = s.linears.map((lin) => (lin.bias ? Array.from(lin.bias.data()) : []));
  post(
    {
      type: 'update',
      epoch: s.epoch,
      trainLoss,
      testLoss,
      trainAccuracy,
      testAccuracy,
      epochsPerSecond: speed(s),
      grid,
      outputs: outputCount(s.state),
      neurons,
      weights,
      biases,
      gradientNorms: s.gradientNorms,
      learningRate: s.optimizer.lr,
      playing,
    },
    [grid.buffer, ...neurons.map((n) => n.buffer)],
  );
}

async function run(): Promise<void> {
  while (playing && session) {
    const started = performance.now();
    // Train for ~16 ms, then report unless the page has not drawn the last report yet: the page
    // is never sent more than it can draw, however slow its frames.
    do trainEpoch(session);
    while (performance.now() - started < 16);
    if (!awaitingAck) {
      report();
      awaitingAck = true;
    }
    await new Promise((resolve) => setTimeout(resolve, 0)); // let pause/configure messages in
  }
  report();
}

self.onmessage = (event: MessageEvent<ToWorker>) => {
  try {
    const message = event.data;
    if (message.type === 'configure') configure(message.state);
    else if (message.type === 'play') {
      if (!playing) {
        playing = true;
        void run();
      }
    } else if (message.type === 'tune' && session) {
      tune(session, message.change);
      report();
    } else if (message.type === 'findLr' && session) {
      post(findLearningRate(session));
    } else if (message.type === 'pause') playing = false;
    else if (message.type === 'ack') awaitingAck = false;
    else if (message.type === 'step' && session) {
      playing = false;
      trainEpoch(session);
      report();
    } else if (message.type === 'setWeight' && session) {
      const linear = session.linears[message.layer];
      if (!linear || message.out >= linear.outFeatures || message.in >= linear.inFeatures)
        throw new RangeError('there is no such link');
      if (!Number.isFinite(message.value)) throw new RangeError(`${message.value} is not a number`);
      noGrad(() =>
        linear.weight
          .slice(0, message.out, message.out + 1)
          .slice(1, message.in, message.in + 1)
          .fill_(message.value),
      );
      report();
    } else if (message.type === 'setBias' && session) {
      const bias = session.linears[message.layer]?.bias;
      if (!bias || message.neuron >= bias.shape[0]!) throw new RangeError('there is no such neuron');
      if (!Number.isFinite(message.value)) throw new RangeError(`${message.value} is not a number`);
      noGrad(() => bias.slice(0, message.neuron, message.neuron + 1).fill_(message.value));
      report();
    } else if (message.type === 'export' && session) {
      const bytes = nn.saveModule(session.model, {
        app: 'myelin-playground',
        state: JSON.stringify(session.state),
      });
      post({ type: 'exported', bytes: bytes.buffer as ArrayBuffer }, [bytes.buffer as ArrayBuffer]);
    } else if (message.type === 'import' && session) {
      nn.loadModule(session.model, message.bytes); // throws, changing nothing, if the network differs
      report();
    }
  } catch (error) {
    post({ type: 'error', message: failure(event.data.type, error) });
  }
};

const FAILURES: Partial<Record<ToWorker['type'], string>> = {
  import: 'Could not import the weights',
  export: 'Could not export the weights',
  setWeight: 'Could not set the weight',
  setBias: 'Could not set the bias',
  findLr: 'Could not find a learning rate',
};

/**
 * What failed, said for the person at the page: the library's messages start with the function's
 * name (`loadModule: …`, `Sequential.loadStateDict: …`), which the bundle minifies, so that prefix
 * is replaced by what the person was doing.
 */
function failure(action: ToWorker['type'], error: unknown): string {
  const detail = (error instanceof Error ? error.message : String(error))
    .replace(/^[\w$.]+: /, '')
    .replace(/ \(nothing was loaded\)$/, '');
  const end = /[.?!]$/.test(detail) ? '' : '.';
  const unchanged = action === 'import' ? ' The network was left as it was.' : '';
  return `${FAILURES[action] ?? 'Training stopped'}: ${detail}${end}${unchanged}`;
}

// Myelin starts its kernels on every core (up to 4) by itself where the page is cross-origin
// isolated (the e2e tests check that this default took effect here); otherwise say why not.
const threadsNote = getNumThreads() > 1 ? undefined : threadsUnavailableReason();

// The page waits for this before sending anything: messages that arrive while a module worker is
// still evaluating (awaiting the kernels) can be lost.
post({ type: 'ready', threads: getNumThreads(), threadsNote });
