// The lessons: annotated presets of the main playground, each a link into its URL-hash state.
import type { PlaygroundState } from '../state.js';

export type Settings = Partial<Omit<PlaygroundState, 'hide'>>;

export interface Lesson {
  id: string;
  title: string;
  /** Two or three sentences, with the course notes cited by file and section. */
  text: string;
  /** The links to try, in order (typically the problem, then the fix). */
  links: { label: string; settings: Settings }[];
  /** Another view that shows the same idea. */
  see?: { label: string; href: string };
}

/**
 * The playground URL for `settings` (only those keys; the page's defaults fill in the rest).
 *
 * @example playgroundHref({ dataset: 'xor', layers: [] }) // 'index.html#dataset=xor&layers='
 */
export function playgroundHref(settings: Settings): string {
  const p = new URLSearchParams();
  for (const [key, value] of Object.entries(settings))
    p.set(key, Array.isArray(value) ? value.join(',') : String(value));
  return `index.html#${p.toString().replaceAll('%2C', ',')}`;
}

export const LESSONS: Lesson[] = [
  {
    id: 'xor',
    title: 'XOR needs a hidden layer',
    text: 'With no hidden layer the network is a perceptron: its decision boundary is one straight line, and no line separates the two diagonals of exclusive-or — the loss stays near its start however long it trains. One hidden layer of a few neurons bends the boundary and solves it. Course notes: 000_336045b6ca766860.txt §1.3 "The Perceptron and XOR"; 004_dd40d634f9b46b7b.txt "Perceptron".',
    links: [
      { label: 'No hidden layer', settings: { dataset: 'xor', features: ['x1', 'x2'], layers: [] } },
      { label: 'One hidden layer of 4', settings: { dataset: 'xor', features: ['x1', 'x2'], layers: [4] } },
    ],
  },
  {
    id: 'features',
    title: 'Feature engineering solves the circle with no hidden layer',
    text: 'On X₁ and X₂ alone a network without hidden layers can only draw a line, which cannot enclose the inner ring. Give it X₁² and X₂² instead and the circle x₁² + x₂² = r² is a straight line in those features: the same linear model now solves it. Hidden layers learn such features by themselves, which is why networks need little hand-made "feature engineering" (000_336045b6ca766860.txt §1.1 "Fundamental Structure"; nonlinearity: §2.1 "Introducing Nonlinearities").',
    links: [
      { label: 'X₁, X₂ only', settings: { dataset: 'circle', features: ['x1', 'x2'], layers: [] } },
      {
        label: 'X₁², X₂² instead',
        settings: { dataset: 'circle', features: ['x1Squared', 'x2Squared'], layers: [] },
      },
    ],
  },
  {
    id: 'overfitting',
    title: 'Overfitting and regularisation',
    text: 'A large network trained on few, noisy points (10% of the data, noise 35) fits the training points and their noise: the training loss falls while the test loss (test points shown) stays high or rises. L2 regularisation penalises large weights, which smooths the boundary and narrows the gap. Course notes: 004_dd40d634f9b46b7b.txt "Over-fitting" and "Regularisation"; 001_b1d89e8e5c8deb0f.txt §13.1 "L2 Regularization"; 003_d258a1444254457f.txt "Overfitting".',
    links: [
      {
        label: 'Overfitting',
        settings: { dataset: 'circle', ratio: 10, noise: 35, layers: [8, 8, 8], showTest: true },
      },
      {
        label: 'With L2 regularisation (0.01)',
        settings: {
          dataset: 'circle',
          ratio: 10,
          noise: 35,
          layers: [8, 8, 8],
          showTest: true,
          regularization: 'l2',
          regularizationRate: 0.01,
        },
      },
    ],
  },
  {
    id: 'dead-relu',
    title: 'Dead ReLUs',
    text: 'A ReLU whose input is negative for every example outputs 0 and has derivative 0, so no gradient reaches its weights and it never recovers. A large learning rate (here 1) can throw units there within a few steps — a dead unit’s small map in the diagram is one flat colour. Leaky ReLU keeps a small slope for negative inputs, so its units can come back. Course notes: 002_267a31ebb5518d37.txt §3.3 "Sidenote: Neuron Activation Functions" ("dying ReLU"); 000_336045b6ca766860.txt §2.2 "Common Activation Functions" (Leaky ReLU and dead neurons).',
    links: [
      {
        label: 'ReLU at learning rate 1',
        settings: { dataset: 'spiral', activation: 'relu', learningRate: 1, layers: [8, 8] },
      },
      {
        label: 'Leaky ReLU, same rate',
        settings: { dataset: 'spiral', activation: 'leakyRelu', learningRate: 1, layers: [8, 8] },
      },
    ],
    see: { label: 'the activation explorer', href: 'activations.html' },
  },
  {
    id: 'vanishing',
    title: 'Vanishing gradients with sigmoid',
    text: 'Sigmoid’s derivative is at most 0.25, and backpropagation multiplies by it once per layer: in six sigmoid layers the first layers’ gradients (the per-layer gradient norms under the diagram) are orders of magnitude smaller than the last’s, and training stalls. ReLU’s derivative is 1 where it is active, so the same network trains. Course notes: 004_dd40d634f9b46b7b.txt "Back-propagation" (why ReLU is preferred); 001_b1d89e8e5c8deb0f.txt §6 "Activation functions"; 000_336045b6ca766860.txt §3.3 "Gradient Flow".',
    links: [
      {
        label: 'Six sigmoid layers',
        settings: { dataset: 'circle', activation: 'sigmoid', layers: [8, 8, 8, 8, 8, 8] },
      },
      {
        label: 'Six ReLU layers',
        settings: { dataset: 'circle', activation: 'relu', layers: [8, 8, 8, 8, 8, 8] },
      },
    ],
    see: { label: 'the gradient-norm chart', href: 'activations.html#depth=8&activation=sigmoid' },
  },
  {
    id: 'batch-norm',
    title: 'Batch norm speeds training',
    text: 'Batch normalisation rescales each layer’s pre-activations to zero mean and unit variance over the batch (then learns a scale and shift), so deep layers see inputs in a steady range and tolerate larger steps. Compare the epochs the two runs of this four-layer network need on the spiral. Course notes: 000_336045b6ca766860.txt §4.2 "Batch Normalization"; 001_b1d89e8e5c8deb0f.txt §23.3 "Benefits of Batch Normalization".',
    links: [
      {
        label: 'Without batch norm',
        settings: {
          dataset: 'spiral',
          activation: 'tanh',
          layers: [8, 8, 8, 8],
          batchNormLayers: [0, 0, 0, 0],
        },
      },
      {
        label: 'With batch norm in every layer',
        settings: {
          dataset: 'spiral',
          activation: 'tanh',
          layers: [8, 8, 8, 8],
          batchNormLayers: [1, 1, 1, 1],
        },
      },
    ],
  },
];
