// Stacked linear layers collapse to one linear map (notes 000_336045b6ca766860.txt §1.3 "The
// Perceptron and XOR" and §2.1 "Introducing Nonlinearities"): z³ = W³W²W¹a + W³W²b¹ + W³b² + b³, so
// three Linear layers compute exactly what one does, cannot learn XOR, and a ReLU between them can.
//   node examples/dist/linear-collapse.js [--epochs 300] [--seed 0]
import { binaryCrossEntropyWithLogits, evaluate, fit, Linear, ReLU, Sequential } from '@myelin/nn';
import { Adam } from '@myelin/optim';
import { manualSeed, noGrad, randn, tensor } from '@myelin/tensor';
import { isMain, parseArgs } from './args.js';
import { Claims, exitIfFailed } from './claims.js';

export const defaults = { epochs: 300, seed: 0, verbose: 1 };

/** Composes three Linear layers into one, then trains both kinds of stack on XOR. */
export async function runLinearCollapse(overrides: Partial<typeof defaults> = {}): Promise<{
  maxDifference: number;
  linearAccuracy: number;
  reluAccuracy: number;
  claims: Claims;
}> {
  const options = { ...defaults, ...overrides };
  const log = options.verbose > 0 ? console.log : () => {};
  const claims = new Claims(log);
  manualSeed(options.seed);

  const [l1, l2, l3] = [new Linear(2, 16), new Linear(16, 16), new Linear(16, 1)];
  const { maxDifference } = noGrad(() => {
    // W = W³W²W¹ and b = W³W²b¹ + W³b² + b³ (Linear stores W as [out, in]: y = x·Wᵀ + b)
    const w = l3.weight.matmul(l2.weight).matmul(l1.weight);
    const b = l3.weight.matmul(l2.weight).matmul(l1.bias!).add(l3.weight.matmul(l2.bias!)).add(l3.bias!);
    const x = randn([1000, 2]);
    const stacked = l3.forward(l2.forward(l1.forward(x)));
    const single = x.matmul(w.transpose(0, 1)).add(b);
    return { maxDifference: stacked.sub(single).abs().max().item() };
  });
  log(
    `three Linear layers (2→16→16→1) vs the single map W = W³W²W¹: max |difference| ${maxDifference.toExponential(2)}`,
  );
  claims.check('the stack equals one linear map to 1e-5', maxDifference < 1e-5);

  const x = tensor([
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ]);
  const labels = tensor([0, 1, 1, 0], { dtype: 'int32' });
  const train = async (relu: boolean) => {
    manualSeed(options.seed);
    const layers = relu
      ? [new Linear(2, 16), new ReLU(), new Linear(16, 16), new ReLU(), new Linear(16, 1)]
      : [new Linear(2, 16), new Linear(16, 16), new Linear(16, 1)];
    const model = new Sequential(...layers);
    await fit(model, [x, labels.float().reshape([4, 1])], {
      optimizer: new Adam(model.parameters(), { lr: 0.02 }),
      loss: binaryCrossEntropyWithLogits,
      epochs: options.epochs,
      batchSize: 4,
      verbose: 0,
    });
    const { accuracy } = evaluate(model, [x, labels], { metrics: ['accuracy'] });
    model.dispose();
    return accuracy!;
  };
  const linearAccuracy = await train(false);
  const reluAccuracy = await train(true);
  log(
    `XOR after ${options.epochs} epochs: linear stack ${linearAccuracy * 100}%, with ReLUs ${reluAccuracy * 100}%`,
  );
  // a line classifies at most 3 of XOR's 4 points correctly
  claims.check('the linear stack cannot learn XOR (accuracy <= 75%)', linearAccuracy <= 0.75);
  claims.check('adding ReLUs between the layers learns XOR (100%)', reluAccuracy === 1);
  return { maxDifference, linearAccuracy, reluAccuracy, claims };
}

if (isMain(import.meta.url)) exitIfFailed((await runLinearCollapse(parseArgs(defaults))).claims);
