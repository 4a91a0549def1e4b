// Backpropagation by hand vs autograd (notes 001_b1d89e8e5c8deb0f.txt §9.2 "Backprop for
// feed-forward NNs", 004_dd40d634f9b46b7b.txt "Back Propagation", 002_267a31ebb5518d37.txt §3.2
// "Backwards Pass"): the chain rule written out layer by layer for a 3-4-2 sigmoid network with a
// mean-squared-error loss gives the same gradients as loss.backward().
//   node examples/dist/backprop.js [--batch 8] [--seed 0]
import { Linear, mseLoss, Sequential, Sigmoid } from '@myelin/nn';
import { manualSeed, noGrad, randn, type Tensor } from '@myelin/tensor';
import { isMain, parseArgs } from './args.js';
import { Claims, exitIfFailed } from './claims.js';

export const defaults = { batch: 8, seed: 0, verbose: 1 };

/** Computes every gradient of the network twice (by hand, by autograd); returns the largest difference. */
export function runBackprop(overrides: Partial<typeof defaults> = {}): {
  maxDifference: number;
  claims: Claims;
} {
  const options = { ...defaults, ...overrides };
  const log = options.verbose > 0 ? console.log : () => {};
  const claims = new Claims(log);
  manualSeed(options.seed);
  const [layer1, layer2] = [new Linear(3, 4), new Linear(4, 2)];
  const model = new Sequential(layer1, new Sigmoid(), layer2);
  const x = randn([options.batch, 3]);
  const y = randn([options.batch, 2]);

  // autograd
  const loss = mseLoss(model.forward(x), y);
  loss.backward();

  // by hand: forward, keeping what the backward pass needs
  const byHand = noGrad(() => {
    const [w1, b1, w2, b2] = [layer1.weight, layer1.bias!, layer2.weight, layer2.bias!];
    const a1 = x.matmul(w1.transpose(0, 1)).add(b1).sigmoid(); // a¹ = σ(x·W¹ᵀ + b¹)
    const z2 = a1.matmul(w2.transpose(0, 1)).add(b2); //          z² = a¹·W²ᵀ + b²
    const dz2 = z2.sub(y).mul(2 / z2.size); //                    ∂L/∂z² of the mean of (z² − y)²
    const da1 = dz2.matmul(w2); //                                ∂L/∂a¹ = ∂L/∂z²·W²
    const dz1 = da1.mul(a1).mul(a1.neg().add(1)); //              σ′ = σ(1 − σ)
    return {
      'layer 1 weight': dz1.transpose(0, 1).matmul(x), //         ∂L/∂W¹ = (∂L/∂z¹)ᵀ·x
      'layer 1 bias': dz1.sum(0),
      'layer 2 weight': dz2.transpose(0, 1).matmul(a1),
      'layer 2 bias': dz2.sum(0),
    } as Record<string, Tensor>;
  });
  const autograd: Record<string, Tensor> = {
    'layer 1 weight': layer1.weight.grad!,
    'layer 1 bias': layer1.bias!.grad!,
    'layer 2 weight': layer2.weight.grad!,
    'layer 2 bias': layer2.bias!.grad!,
  };
  let maxDifference = 0;
  for (const name of Object.keys(byHand)) {
    const difference = byHand[name]!.sub(autograd[name]!).abs().max().item();
    maxDifference = Math.max(maxDifference, difference);
    log(
      `${name.padEnd(15)} by hand ${fmt(byHand[name]!)}  autograd ${fmt(autograd[name]!)}  max |Δ| ${difference.toExponential(1)}`,
    );
  }
  claims.check('the chain rule by hand gives autograd’s gradients to 1e-6', maxDifference < 1e-6);
  model.dispose();
  return { maxDifference, claims };
}

const fmt = (t: Tensor) => `[${Array.from(t.data().slice(0, 3), (v) => v.toFixed(4)).join(', ')}, …]`;

if (isMain(import.meta.url)) exitIfFailed(runBackprop(parseArgs(defaults)).claims);
