// The playground's whole state, and its encoding in the URL hash (so a setup can be shared).

export const DATASETS = [
  'circle',
  'xor',
  'gaussian',
  'spiral',
  'moons',
  'blobs',
  'kblobs',
  'kspiral',
  'plane',
  'multigaussian',
] as const;
export const FEATURES = ['x1', 'x2', 'x1Squared', 'x2Squared', 'x1x2', 'sinX1', 'sinX2'] as const;
export const ACTIVATIONS = [
  'tanh',
  'relu',
  'sigmoid',
  'linear',
  'leakyRelu',
  'elu',
  'selu',
  'softsign',
] as const;
export const OPTIMIZERS = ['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam'] as const;
export const LEARNING_RATES = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
export const REGULARIZATION_RATES = [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
export const SCHEDULES = ['none', 'step', 'exponential', 'cosine'] as const;
export const DROPOUT_RATES = [0.1, 0.2, 0.3, 0.5];
export const MOMENTA = [0, 0.5, 0.9, 0.95, 0.99];
export const BETA1 = [0.5, 0.8, 0.9, 0.95];
export const BETA2 = [0.9, 0.99, 0.999, 0.9999];
/** The class counts the multi-class data sets offer. */
export const CLASS_COUNTS = [3, 4, 5];
export const MAX_LAYERS = 6;
export const MAX_NEURONS = 8;

export type Dataset = (typeof DATASETS)[number];
export type Feature = (typeof FEATURES)[number];

export interface PlaygroundState {
  dataset: Dataset;
  /** Percent of the points used for training. */
  ratio: number;
  /** 0–50, as in TensorFlow Playground. */
  noise: number;
  /** Number of classes (3–5) of the multi-class data sets (`kblobs`, `kspiral`); the others ignore it. */
  classes: number;
  batchSize: number;
  features: Feature[];
  /** Neurons per hidden layer. */
  layers: number[];
  activation: (typeof ACTIVATIONS)[number];
  learningRate: number;
  regularization: 'none' | 'l1' | 'l2';
  regularizationRate: number;
  optimizer: (typeof OPTIMIZERS)[number];
  /** Learning-rate schedule, stepped every epoch. */
  schedule: (typeof SCHEDULES)[number];
  /** Dropout rate, applied after the activation of the hidden layers listed in `dropoutLayers`. */
  dropout: number;
  /** Per hidden layer: dropout on (1) or off (0). */
  dropoutLayers: number[];
  /** Per hidden layer: batch normalisation before the activation on (1) or off (0). */
  batchNormLayers: number[];
  /** Momentum of SGD with momentum, Nesterov and RMSprop. */
  momentum: number;
  /** Adam's β₁ and β₂. */
  beta1: number;
  beta2: number;
  seed: number;
  showTest: boolean;
  discretize: boolean;
  /** Controls hidden when the playground is embedded in a lesson (data-control names). */
  hide: string[];
}

/** TensorFlow Playground's defaults. */
export const DEFAULTS: PlaygroundState = {
  dataset: 'circle',
  ratio: 50,
  noise: 0,
  classes: 3,
  batchSize: 10,
  features: ['x1', 'x2'],
  layers: [4, 2],
  activation: 'tanh',
  learningRate: 0.03,
  regularization: 'none',
  regularizationRate: 0,
  optimizer: 'sgd',
  schedule: 'none',
  dropout: 0.2,
  dropoutLayers: [0, 0],
  batchNormLayers: [0, 0],
  momentum: 0.9,
  beta1: 0.9,
  beta2: 0.999,
  seed: 0,
  showTest: false,
  discretize: false,
  hide: [],
};

/**
 * What choosing an optimizer sets along with it: rates at which each trains the playground's data
 * sets (RMSprop diverges at SGD's 0.03, and with momentum 0.9).
 */
export const OPTIMIZER_DEFAULTS: Record<
  (typeof OPTIMIZERS)[number],
  Partial<Pick<PlaygroundState, 'learningRate' | 'momentum'>>
> = {
  sgd: { learningRate: 0.03 },
  momentum: { learningRate: 0.03, momentum: 0.9 },
  nesterov: { learningRate: 0.03, momentum: 0.9 },
  adagrad: { learningRate: 0.1 },
  rmsprop: { learningRate: 0.003, momentum: 0 },
  adam: { learningRate: 0.01 },
};

/** Batch norm needs batch statistics, so batches of at least two examples while any layer uses it. */
export const minBatchSize = (state: Pick<PlaygroundState, 'batchNormLayers'>) =>
  state.batchNormLayers.some(Boolean) ? 2 : 1;

/**
 * The state with the settings that cannot go together made consistent (batch size 1 becomes 2 when
 * batch norm is on).
 * @example consistent({ ...DEFAULTS, batchSize: 1, batchNormLayers: [1, 0] }).batchSize // 2
 */
export function consistent(state: PlaygroundState): PlaygroundState {
  return { ...state, batchSize: Math.max(state.batchSize, minBatchSize(state)) };
}

export const isRegression = (d: Dataset) => d === 'plane' || d === 'multigaussian';
/** The data sets with 3–5 classes (labels 0…k−1, a softmax output and cross-entropy), none in TF Playground. */
export const isMultiClass = (d: Dataset) => d === 'kblobs' || d === 'kspiral';

/**
 * The output layer's width: one node for the binary and regression sets (TF Playground's tanh or
 * linear output), one per class for the multi-class sets.
 * @example outputCount({ dataset: 'kblobs', classes: 4 }) // 4
 */
export const outputCount = (state: Pick<PlaygroundState, 'dataset' | 'classes'>) =>
  isMultiClass(state.dataset) ? state.classes : 1;

const clampInt = (v: number, lo: number, hi: number, fallback: number) =>
  Number.isFinite(v) ? Math.min(hi, Math.max(lo, Math.round(v))) : fallback;
const oneOf = <T extends string>(values: readonly T[], v: string | null, fallback: T): T =>
  values.includes(v as T) ? (v as T) : fallback;
const nearest = (values: number[], v: number, fallback: number) =>
  Number.isFinite(v)
    ? values.reduce((best, x) => (Math.abs(x - v) < Math.abs(best - v) ? x : best))
    : fallback;

/** 0/1 flags for `count` layers (missing ones off). */
function perLayer(values: string[], count: number): number[] {
  return Array.from({ length: count }, (_, i) => (values[i] === '1' ? 1 : 0));
}

/** `#dataset=xor&layers=4,2&…` → state (unknown or out-of-range values fall back to defaults). */
export function decodeHash(hash: string): PlaygroundState {
  const p = new URLSearchParams(hash.replace(/^#/, ''));
  const num = (key: string) => (p.has(key) ? Number(p.get(key)) : Number.NaN);
  const list = (key: string) => (p.get(key) ?? '').split(',').filter((s) => s !== '');
  const layers = p.has('layers')
    ? list('layers')
        .map((s) => clampInt(Number(s), 1, MAX_NEURONS, 1))
        .slice(0, MAX_LAYERS)
    : DEFAULTS.layers;
  const features = p.has('features')
    ? (list('features').filter((f) => (FEATURES as readonly string[]).includes(f)) as Feature[])
    : DEFAULTS.features;
  return consistent({
    dataset: oneOf(DATASETS, p.get('dataset'), DEFAULTS.dataset),
    ratio: clampInt(num('ratio'), 10, 90, DEFAULTS.ratio),
    noise: clampInt(num('noise'), 0, 50, DEFAULTS.noise),
    classes: clampInt(num('classes'), CLASS_COUNTS[0]!, CLASS_COUNTS.at(-1)!, DEFAULTS.classes),
    batchSize: clampInt(num('batchSize'), 1, 30, DEFAULTS.batchSize),
    features: features.length > 0 ? features : DEFAULTS.features,
    layers,
    activation: oneOf(ACTIVATIONS, p.get('activation'), DEFAULTS.activation),
    learningRate: nearest(LEARNING_RATES, num('learningRate'), DEFAULTS.learningRate),
    regularization: oneOf(['none', 'l1', 'l2'] as const, p.get('regularization'), DEFAULTS.regularization),
    regularizationRate: nearest(REGULARIZATION_RATES, num('regularizationRate'), DEFAULTS.regularizationRate),
    optimizer: oneOf(OPTIMIZERS, p.get('optimizer'), DEFAULTS.optimizer),
    schedule: oneOf(SCHEDULES, p.get('schedule'), DEFAULTS.schedule),
    dropout: nearest(DROPOUT_RATES, num('dropout'), DEFAULTS.dropout),
    dropoutLayers: perLayer(list('dropoutLayers'), layers.length),
    batchNormLayers: perLayer(list('batchNormLayers'), layers.length),
    momentum: nearest(MOMENTA, num('momentum'), DEFAULTS.momentum),
    beta1: nearest(BETA1, num('beta1'), DEFAULTS.beta1),
    beta2: nearest(BETA2, num('beta2'), DEFAULTS.beta2),
    seed: clampInt(num('seed'), 0, 2 ** 31 - 1, DEFAULTS.seed),
    showTest: p.get('showTest') === 'true',
    discretize: p.get('discretize') === 'true',
    hide: list('hide'),
  });
}

/** State → `dataset=xor&…` (every field, so a shared link reproduces the setup exactly). */
export function encodeHash(state: PlaygroundState): string {
  const p = new URLSearchParams();
  for (const [key, value] of Object.entries(state))
    p.set(key, Array.isArray(value) ? value.join(',') : String(value));
  return p.toString();
}
