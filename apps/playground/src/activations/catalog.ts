// Every elementwise activation @myelin/nn has, with its adjustable parameters, and f and f′ on a
// range of inputs — f′ by autograd, exactly the gradient training uses.
import { functional as F } from '@myelin/nn';
import { type Tensor, tensor, tidy } from '@myelin/tensor';

export interface ActivationParameter {
  key: string;
  label: string;
  value: number;
  step: number;
}

export interface ActivationEntry {
  id: string;
  label: string;
  /** The formula, as shown on its card. */
  formula: string;
  params: ActivationParameter[];
  apply: (x: Tensor, p: Record<string, number>) => Tensor;
}

export const ACTIVATIONS: ActivationEntry[] = [
  { id: 'relu', label: 'ReLU', formula: 'max(0, x)', params: [], apply: (x) => F.relu(x) },
  {
    id: 'leakyRelu',
    label: 'Leaky ReLU',
    formula: 'x if x > 0, else slope·x',
    params: [{ key: 'slope', label: 'negative slope', value: 0.01, step: 0.01 }],
    apply: (x, p) => F.leakyRelu(x, p.slope),
  },
  {
    id: 'elu',
    label: 'ELU',
    formula: 'x if x > 0, else α(eˣ − 1)',
    params: [{ key: 'alpha', label: 'α', value: 1, step: 0.1 }],
    apply: (x, p) => F.elu(x, p.alpha),
  },
  {
    id: 'selu',
    label: 'SELU',
    formula: 'λ·elu(x, α), λ ≈ 1.0507, α ≈ 1.6733',
    params: [],
    apply: (x) => F.selu(x),
  },
  { id: 'gelu', label: 'GELU', formula: 'x·Φ(x)', params: [], apply: (x) => F.gelu(x) },
  { id: 'sigmoid', label: 'Sigmoid', formula: '1 / (1 + e⁻ˣ)', params: [], apply: (x) => F.sigmoid(x) },
  { id: 'tanh', label: 'Tanh', formula: 'tanh(x)', params: [], apply: (x) => F.tanh(x) },
  {
    id: 'softplus',
    label: 'Softplus',
    formula: 'log(1 + exp(βx)) / β',
    params: [{ key: 'beta', label: 'β', value: 1, step: 0.1 }],
    apply: (x, p) => F.softplus(x, { beta: p.beta }),
  },
  { id: 'softsign', label: 'Softsign', formula: 'x / (1 + |x|)', params: [], apply: (x) => F.softsign(x) },
  { id: 'mish', label: 'Mish', formula: 'x·tanh(softplus(x))', params: [], apply: (x) => F.mish(x) },
  { id: 'silu', label: 'SiLU (swish)', formula: 'x·σ(x)', params: [], apply: (x) => F.silu(x) },
  {
    id: 'hardtanh',
    label: 'Hardtanh',
    formula: 'x clamped to [min, max]',
    params: [
      { key: 'minVal', label: 'min', value: -1, step: 0.5 },
      { key: 'maxVal', label: 'max', value: 1, step: 0.5 },
    ],
    apply: (x, p) => F.hardtanh(x, { minVal: p.minVal, maxVal: p.maxVal }),
  },
  { id: 'logsigmoid', label: 'Log-sigmoid', formula: 'log σ(x)', params: [], apply: (x) => F.logsigmoid(x) },
  {
    id: 'step',
    label: 'Step (perceptron)',
    formula: '1 if x > threshold, else 0',
    params: [{ key: 'threshold', label: 'threshold', value: 0, step: 0.5 }],
    apply: (x, p) => F.step(x, p.threshold),
  },
  { id: 'identity', label: 'Identity (linear)', formula: 'x', params: [], apply: (x) => F.identity(x) },
];

export interface Curve {
  x: Float32Array;
  y: Float32Array;
  /** f′(x), by autograd. */
  dy: Float32Array;
}

/**
 * f and f′ of an activation at `xs`: f′ is the gradient autograd computes for sum(f(x)), which for an
 * elementwise f is f′ at every element. Throws the library's error for invalid parameters.
 *
 * @example curve(ACTIVATIONS[0], {}, Float32Array.of(-1, 2)).dy // [0, 1]
 */
export function curve(entry: ActivationEntry, params: Record<string, number>, xs: Float32Array): Curve {
  return tidy(() => {
    const x = tensor(xs, { requiresGrad: true });
    const y = entry.apply(x, params);
    // The step function has no gradient path at all: its derivative is 0 everywhere.
    if (!y.requiresGrad) return { x: xs, y: Float32Array.from(y.data()), dy: new Float32Array(xs.length) };
    y.sum().backward();
    return { x: xs, y: Float32Array.from(y.data()), dy: Float32Array.from(x.grad!.data()) };
  });
}
