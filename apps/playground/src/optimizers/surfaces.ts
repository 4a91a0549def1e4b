// The 2-D loss surfaces the optimizers race on. Each is written once with tensor ops, so the same
// function gives the optimizers their loss (and, by autograd, their gradient) and the contour plot
// its values.
import type { Tensor } from '@myelin/tensor';

export type OptimizerId = 'sgd' | 'momentum' | 'nesterov' | 'adagrad' | 'rmsprop' | 'adam';

export interface Surface {
  id: string;
  name: string;
  /** One or two sentences shown under the plot. */
  description: string;
  /** The loss at points `p` of shape [..., 2] (x, y in the last dimension): shape [...]. */
  f: (p: Tensor) => Tensor;
  /** The plotted ranges of x and y. */
  x: [number, number];
  y: [number, number];
  /** Where the paths start until the plot is clicked. */
  start: [number, number];
  /** The minima marked on the plot (the first is the global one). */
  minima: [number, number][];
  /** Learning rates at which every optimizer makes visible progress here in a few hundred steps. */
  learningRates: Record<OptimizerId, number>;
}

const coordinates = (p: Tensor): [Tensor, Tensor] => [p.select(-1, 0), p.select(-1, 1)];

/** A Gaussian well of depth `depth` and width `width` centred at (cx, cy). */
const well = (x: Tensor, y: Tensor, cx: number, cy: number, depth: number, width: number) =>
  x
    .sub(cx)
    .square()
    .add(y.sub(cy).square())
    .div(-2 * width * width)
    .exp()
    .mul(-depth);

export const SURFACES: Surface[] = [
  {
    id: 'bowl',
    name: 'Ill-conditioned bowl',
    description:
      'f(x, y) = 0.05x² + y²: twenty times steeper across than along. Plain SGD zig-zags across the valley or crawls along it; momentum and the adaptive methods do not.',
    f: (p) => {
      const [x, y] = coordinates(p);
      return x.square().mul(0.05).add(y.square());
    },
    x: [-5, 5],
    y: [-5, 5],
    start: [-4.5, 3],
    minima: [[0, 0]],
    learningRates: { sgd: 0.9, momentum: 0.1, nesterov: 0.1, adagrad: 1, rmsprop: 0.05, adam: 0.2 },
  },
  {
    id: 'rosenbrock',
    name: 'Rosenbrock',
    description:
      'f(x, y) = (1 − x)² + 100(y − x²)²: a narrow curved valley; finding the valley is easy, following it to the minimum at (1, 1) is not.',
    f: (p) => {
      const [x, y] = coordinates(p);
      return x.neg().add(1).square().add(y.sub(x.square()).square().mul(100));
    },
    x: [-2, 2],
    y: [-1, 3],
    start: [-1.5, 2.5],
    minima: [[1, 1]],
    learningRates: { sgd: 0.001, momentum: 0.001, nesterov: 0.001, adagrad: 1.5, rmsprop: 0.01, adam: 0.1 },
  },
  {
    id: 'saddle',
    name: 'Saddle point',
    description:
      'f(x, y) = x² − y² + y⁴/4: a saddle at the origin between two minima at (0, ±√2). Started near the ridge y = 0, plain gradient descent lingers at the saddle, where the gradient almost vanishes.',
    f: (p) => {
      const [x, y] = coordinates(p);
      return x.square().sub(y.square()).add(y.pow(4).mul(0.25));
    },
    x: [-3, 3],
    y: [-3, 3],
    start: [-2.8, 0.001],
    minima: [
      [0, Math.SQRT2],
      [0, -Math.SQRT2],
    ],
    learningRates: { sgd: 0.05, momentum: 0.02, nesterov: 0.02, adagrad: 0.5, rmsprop: 0.02, adam: 0.05 },
  },
  {
    id: 'wells',
    name: 'Several local minima',
    description:
      'A shallow bowl with three Gaussian wells (the deepest at (2, 2)): from the default start every optimizer settles in the nearer, shallower well. Click elsewhere to see the start decide the outcome, or raise the learning rate or momentum to carry a path over a rim.',
    f: (p) => {
      const [x, y] = coordinates(p);
      return x
        .square()
        .add(y.square())
        .mul(0.02)
        .add(well(x, y, 2, 2, 2, 1))
        .add(well(x, y, -2, 1, 1.2, 0.8))
        .add(well(x, y, 0.5, -2.5, 1.5, 0.7));
    },
    x: [-5, 5],
    y: [-5, 5],
    start: [-4, -1],
    minima: [
      [2, 2],
      [-2, 1],
      [0.5, -2.5],
    ],
    learningRates: { sgd: 0.5, momentum: 0.1, nesterov: 0.1, adagrad: 0.5, rmsprop: 0.02, adam: 0.1 },
  },
];
