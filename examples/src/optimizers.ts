// Optimizers compared on the same problem (notes 001_b1d89e8e5c8deb0f.txt §15 "Optimizers" —
// SGD + momentum, Adagrad, RMSProp, Adam — and 000_336045b6ca766860.txt §3.4 "Optimizers and
// Learning Rates"): every optimizer starts from the same point of an ill-conditioned bowl
// f(w) = ½(w₁² + 100·w₂²), whose curvatures differ 100×, and takes the same number of steps.
//   node examples/dist/optimizers.js [--steps 100] [--seed 0]
import { Adadelta, Adagrad, Adam, RMSprop, SGD } from '@myelin/optim';
import { type Tensor, tensor, tidy } from '@myelin/tensor';
import { isMain, parseArgs } from './args.js';
import { Claims, exitIfFailed } from './claims.js';

export const defaults = { steps: 100, verbose: 1 };

type Maker = (w: Tensor) => { step(): void; zeroGrad(): void };

/** The optimizers raced, with learning rates each could use on this bowl. */
const OPTIMIZERS: Record<string, Maker> = {
  'SGD lr 0.019': (w) => new SGD([w], { lr: 0.019 }),
  'SGD lr 0.021 (> 2/100)': (w) => new SGD([w], { lr: 0.021 }),
  'SGD + momentum 0.9, lr 0.019': (w) => new SGD([w], { lr: 0.019, momentum: 0.9 }),
  'Adagrad lr 0.5': (w) => new Adagrad([w], { lr: 0.5 }),
  'RMSprop lr 0.05': (w) => new RMSprop([w], { lr: 0.05 }),
  'Adam lr 0.3': (w) => new Adam([w], { lr: 0.3 }),
  'Adadelta lr 1': (w) => new Adadelta([w], { lr: 1 }),
};

/** Runs each optimizer for `steps` steps from (−5, 1); returns the final loss of each. */
export function runOptimizers(overrides: Partial<typeof defaults> = {}): {
  finalLoss: Record<string, number>;
  claims: Claims;
} {
  const options = { ...defaults, ...overrides };
  const log = options.verbose > 0 ? console.log : () => {};
  const claims = new Claims(log);
  const curvature = tensor([0.5, 50]);
  const finalLoss: Record<string, number> = {};
  log(
    `f(w) = ½(w₁² + 100·w₂²) from w = (−5, 1), f = ${(12.5 + 50).toFixed(1)}; ${options.steps} steps each:`,
  );
  for (const [name, make] of Object.entries(OPTIMIZERS)) {
    const w = tensor([-5, 1], { requiresGrad: true });
    const optimizer = make(w);
    const losses: number[] = [];
    for (let i = 0; i < options.steps; i++) {
      losses.push(
        tidy(() => {
          const loss = w.square().mul(curvature).sum();
          loss.backward();
          return loss.item();
        }),
      );
      optimizer.step();
      optimizer.zeroGrad();
    }
    finalLoss[name] = tidy(() => w.square().mul(curvature).sum().item());
    log(
      `${name.padEnd(30)} loss after 10 steps ${fmt(losses[10]!)}, after ${options.steps}: ${fmt(finalLoss[name]!)}`,
    );
    (optimizer as { dispose?: () => void }).dispose?.();
    w.dispose();
  }
  curvature.dispose();
  const loss = (name: string) => finalLoss[name]!;
  claims.check(
    'plain SGD is limited by the steep direction: lr above 2/λmax = 0.02 diverges',
    !(loss('SGD lr 0.021 (> 2/100)') < 62.5),
  );
  claims.check(
    'momentum accelerates along the shallow direction: 100× lower loss than SGD at the same lr',
    loss('SGD + momentum 0.9, lr 0.019') * 100 < loss('SGD lr 0.019'),
  );
  claims.check(
    'per-parameter step sizes (Adagrad, RMSprop, Adam) beat plain SGD on the ill-conditioned bowl',
    ['Adagrad lr 0.5', 'RMSprop lr 0.05', 'Adam lr 0.3'].every((n) => loss(n) < loss('SGD lr 0.019')),
  );
  claims.check(
    'every optimizer with a stable learning rate lowers the loss',
    Object.keys(finalLoss).every((n) => n.includes('0.021') || loss(n) < 62.5),
  );
  return { finalLoss, claims };
}

const fmt = (v: number) => (Number.isFinite(v) ? v.toExponential(2) : String(v));

if (isMain(import.meta.url)) exitIfFailed(runOptimizers(parseArgs(defaults)).claims);
