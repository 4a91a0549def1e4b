// Loss functions (notes 004_dd40d634f9b46b7b.txt "Loss Functions" — "Regression" and
// "Classification"; 002_267a31ebb5518d37.txt §2.3 "Softmax Loss"; 001_b1d89e8e5c8deb0f.txt §5.1
// "Typical loss functions"): cross-entropy is minus the log-probability of the right class, is ln N
// at initialisation, binary cross-entropy carries its minus sign, and a log loss keeps the gradient
// that squared error loses through a saturated sigmoid.
//   node examples/dist/losses.js [--seed 0]
import { loadDigits } from '@myelin/data';
import { binaryCrossEntropy, binaryCrossEntropyWithLogits, crossEntropy, Linear, mseLoss } from '@myelin/nn';
import { manualSeed, noGrad, randint, randn, type Tensor, tensor } from '@myelin/tensor';
import { isMain, parseArgs } from './args.js';
import { Claims, exitIfFailed } from './claims.js';

export const defaults = { seed: 0, verbose: 1 };

/** Checks each claim of the chapter; returns the numbers it printed. */
export function runLosses(overrides: Partial<typeof defaults> = {}): {
  initialLoss: number;
  gradientRatio: number;
  claims: Claims;
} {
  const options = { ...defaults, ...overrides };
  const log = options.verbose > 0 ? console.log : () => {};
  const claims = new Claims(log);
  manualSeed(options.seed);

  // 1. cross-entropy = mean of −ln softmax(logits)[target], with class indices or one-hot targets
  const logits = randn([6, 4]);
  const target = randint(0, 4, [6]);
  const ce = crossEntropy(logits, target).item();
  const picked = logits.logSoftmax(1).gather(1, target.reshape([6, 1]));
  const byHand = picked.neg().mean().item();
  const oneHot = noGrad(() =>
    tensor(Array.from(target.data(), (c) => [0, 1, 2, 3].map((k) => (k === c ? 1 : 0)))),
  );
  const withProbabilities = crossEntropy(logits, oneHot).item();
  log(
    `cross-entropy ${ce.toFixed(6)}; −mean ln p(right class) ${byHand.toFixed(6)}; with one-hot targets ${withProbabilities.toFixed(6)}`,
  );
  claims.check(
    'categorical cross-entropy is −Σ y·ln softmax(z), the same for class indices and one-hot targets',
    Math.abs(ce - byHand) < 1e-6 && Math.abs(ce - withProbabilities) < 1e-6,
  );

  // 2. at initialisation (small weights, near-uniform softmax) the loss is ln N (002 §2.3, point 2)
  const { data, target: digits } = loadDigits();
  const classifier = new Linear(64, 10);
  noGrad(() => classifier.weight.mul_(0.001));
  const initialLoss = crossEntropy(classifier.forward(data.div(16)), digits).item();
  log(
    `a 10-class linear classifier on the digits with small initial weights (× 0.001): loss ${initialLoss.toFixed(4)}, ln 10 = ${Math.log(10).toFixed(4)}`,
  );
  claims.check(
    'the loss at initialisation is ln N (within 0.05)',
    Math.abs(initialLoss - Math.log(10)) < 0.05,
  );
  classifier.dispose();

  // 3. binary cross-entropy −(y ln a + (1 − y) ln(1 − a)) — with its minus sign, so it is ≥ 0
  const z = randn([8]);
  const y = randint(0, 2, [8]).float();
  const a = z.sigmoid();
  const bceByHand = y
    .mul(a.log())
    .add(y.neg().add(1).mul(a.neg().add(1).log()))
    .neg()
    .mean()
    .item();
  const bce = binaryCrossEntropy(a, y).item();
  const fromLogits = binaryCrossEntropyWithLogits(z, y).item();
  log(
    `binary cross-entropy ${bce.toFixed(6)}, by hand ${bceByHand.toFixed(6)}, from logits ${fromLogits.toFixed(6)}`,
  );
  claims.check(
    'BCE = −(y·ln a + (1 − y)·ln(1 − a)) ≥ 0, and from logits it equals BCE of the sigmoid',
    bce > 0 && Math.abs(bce - bceByHand) < 1e-5 && Math.abs(bce - fromLogits) < 1e-5,
  );

  // 4. a confidently wrong sigmoid output (z = −8, y = 1): squared error's gradient vanishes
  const gradientOf = (loss: (p: Tensor) => Tensor) => {
    const logit = tensor([-8], { requiresGrad: true });
    loss(logit).backward();
    return Math.abs(logit.grad!.item());
  };
  const one = tensor([1]);
  const mseGradient = gradientOf((l) => mseLoss(l.sigmoid(), one));
  const bceGradient = gradientOf((l) => binaryCrossEntropyWithLogits(l, one));
  const gradientRatio = bceGradient / mseGradient;
  log(
    `|∂L/∂z| at z = −8, y = 1: squared error ${mseGradient.toExponential(2)}, binary cross-entropy ${bceGradient.toExponential(2)}`,
  );
  claims.check(
    'with a sigmoid output, the log loss keeps > 1000× more gradient than squared error when wrong',
    gradientRatio > 1000,
  );
  return { initialLoss, gradientRatio, claims };
}

if (isMain(import.meta.url)) exitIfFailed(runLosses(parseArgs(defaults)).claims);
