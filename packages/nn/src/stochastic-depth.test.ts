// Issue 18 item 3: stochastic depth with the linear-decay rule over depth. The course notes
// (001_b1d89e8e5c8deb0f.txt "SoC: Learning in a Library" §10.3 "Stochastic Depth") say residual
// layers are dropped with a probability "that is a function of depth" and kept "intact during
// testing"; the function is Huang et al. 2016's eq. 4, p_l = 1 − (l / L)·(1 − p_L). Myelin follows
// torchvision.ops.stochastic_depth (inverted: kept branches scaled by 1/(1 − p) in training, the
// identity at evaluation); the paper's test-time scaling is the same function (tested below).
import { Generator, manualSeed, memory, noGrad, rand, randn, type Tensor, tidy } from '@myelin/tensor';
import { describe, expect, it } from 'vitest';
import {
  Identity,
  Linear,
  models,
  StochasticDepth,
  stochasticDepth,
  stochasticDepthSurvival,
} from './index.js';

const values = (t: Tensor) => Array.from(t.data());

describe('stochasticDepthSurvival (the linear-decay rule)', () => {
  it('falls linearly from 1 at the input to p_L at the last of L blocks', () => {
    const rule = [0, 1, 2, 3, 4].map((l) => stochasticDepthSurvival(l, 4, 0.5));
    expect(rule).toEqual([1, 0.875, 0.75, 0.625, 0.5]);
    // Huang et al.'s 110-layer ResNet: 54 blocks, p_L = 0.5; the middle block survives 75% of the time
    expect(stochasticDepthSurvival(27, 54, 0.5)).toBeCloseTo(0.75, 12);
    expect(stochasticDepthSurvival(3, 3)).toBe(0.5); // p_L defaults to the paper's 0.5
    expect(stochasticDepthSurvival(3, 3, 1)).toBe(1); // p_L = 1: no stochastic depth
  });

  it('rejects a block outside 0..L and a survival probability outside (0, 1]', () => {
    expect(() => stochasticDepthSurvival(5, 4, 0.5)).toThrow(
      /^stochasticDepthSurvival: layerIndex must be an integer in 0\.\.4 \(blocks count from 1\), got 5$/,
    );
    expect(() => stochasticDepthSurvival(1, 0, 0.5)).toThrow(
      /^stochasticDepthSurvival: numLayers must be an integer >= 1, got 0$/,
    );
    expect(() => stochasticDepthSurvival(1, 4, 0)).toThrow(
      /^stochasticDepthSurvival: finalSurvival must be a number in \(0, 1\], got 0$/,
    );
  });
});

describe('stochasticDepth (functional, as torchvision.ops.stochastic_depth)', () => {
  manualSeed(11);

  it("'row' zeroes whole samples with probability p and scales the kept ones by 1/(1 − p)", () => {
    const x = noGrad(() => randn([4000, 3]).abs().add(1));
    const y = stochasticDepth(x, 0.3, 'row', true, { generator: new Generator(2) });
    const rows = y.toArray() as number[][];
    const input = x.toArray() as number[][];
    let dropped = 0;
    let worst = 0; // largest error of a kept row against input / (1 − p)
    rows.forEach((row, i) => {
      if (row.every((v) => v === 0)) dropped++;
      else for (const [j, v] of row.entries()) worst = Math.max(worst, Math.abs(v - input[i]![j]! / 0.7));
    });
    expect(worst).toBeLessThan(1e-5);
    // binomial(4000, 0.3): standard deviation 0.0072, so ±0.03 is more than 4 of them
    expect(Math.abs(dropped / 4000 - 0.3)).toBeLessThan(0.03);
    const batch = values(stochasticDepth(x, 0.5, 'batch', true, { generator: new Generator(3) }));
    const flat = values(x);
    expect(batch.every((v) => v === 0) || batch.every((v, i) => v === flat[i]! * 2)).toBe(true);
  });

  it('in eval mode (training false) or with p = 0 it returns the input itself: deterministic, unscaled', () => {
    const x = randn([5, 2]);
    expect(stochasticDepth(x, 0.9, 'row', false)).toBe(x);
    expect(stochasticDepth(x, 0, 'row', true)).toBe(x);
    expect(() => stochasticDepth(x, 1, 'row')).toThrow(
      /^stochasticDepth: p must be a number in \[0, 1\), got 1$/,
    );
    expect(() => stochasticDepth(x, 0.1, 'rows' as 'row')).toThrow(
      /^stochasticDepth: mode must be one of 'row', 'batch', got the string 'rows'$/,
    );
  });

  it("the paper's convention (train unscaled, multiply by p_l at test) is the same network with the branch's weights × p_l", () => {
    // Huang et al. 2016 eq. 5: at test time H = x + p_l·f(x). Myelin: x + f'(x) with f' = p_l·f,
    // and in training x + (b / p_l)·f'(x) = x + b·f(x) for the same keep mask b.
    const survival = 0.6;
    const paper = new Linear(4, 4);
    const myelin = new Linear(4, 4);
    noGrad(() => {
      myelin.weight.copy_(paper.weight.mul(survival));
      myelin.bias!.copy_(paper.bias!.mul(survival));
    });
    const x = randn([50, 4]);
    // the keep mask b that StochasticDepth will draw from the same seeded generator
    const mask = noGrad(() =>
      rand([50, 1], { generator: new Generator(4) })
        .ge(1 - survival)
        .float(),
    );
    const paperTrain = x.add(paper.forward(x).mul(mask));
    const sd = new StochasticDepth(myelin, 1 - survival, 'row', { generator: new Generator(4) });
    expect(maxDifference(sd.forward(x), paperTrain)).toBeLessThan(1e-5);
    sd.eval();
    const paperTest = x.add(paper.forward(x).mul(survival));
    expect(maxDifference(sd.forward(x), paperTest)).toBeLessThan(1e-5);
  });
});

function maxDifference(a: Tensor, b: Tensor): number {
  return a.sub(b).abs().max().item();
}

describe('StochasticDepth and models.resnet({ stochasticDepth })', () => {
  manualSeed(13);

  it('resnet gives block l of L the drop probability 1 − p_l of the linear-decay rule', () => {
    const model = models.resnet({
      blocks: [2, 2],
      channels: [4, 8],
      inChannels: 1,
      numClasses: 3,
      stochasticDepth: { finalSurvival: 0.5 },
    });
    const drops = model.layers.flatMap((layer) =>
      [...layer.children()].map((block) => (block as models.BasicBlock).stochasticDepth),
    );
    expect(drops).toEqual([0.125, 0.25, 0.375, 0.5]);
    expect(
      models
        .resnet({ blocks: [1], channels: [4] })
        .layers[0]!.children()
        .next().value,
    ).toHaveProperty('stochasticDepth', 0);
    expect(() => models.resnet({ stochasticDepth: { finalSurvival: 0 } })).toThrow(
      /^resnet: stochasticDepth\.finalSurvival must be a number in \(0, 1\], got 0$/,
    );
    expect(() => models.resnet({ stochasticDepth: { finalSurvival: 0.5, rate: 1 } as never })).toThrow(
      /^resnet: stochasticDepth: unknown option 'rate'/,
    );
  });

  it('in eval mode the network is deterministic and equals the same weights without stochastic depth', () => {
    const options = { blocks: [1, 1], channels: [4, 8], inChannels: 1, numClasses: 3 };
    const dropping = models.resnet({ ...options, stochasticDepth: { finalSurvival: 0.2 } });
    const plain = models.resnet(options);
    plain.loadStateDict(dropping.stateDict());
    const x = randn([6, 1, 8, 8]);
    dropping.eval();
    plain.eval();
    const first = values(dropping.forward(x));
    expect(values(dropping.forward(x))).toEqual(first);
    expect(values(plain.forward(x))).toEqual(first);
    dropping.train();
    plain.train();
    // in training the last block (survival 0.2) is dropped for most samples: outputs differ
    const trained = values(dropping.forward(x));
    expect(trained).not.toEqual(values(plain.forward(x)));
  });

  it('a forward pass leaves nothing behind but its output, and training steps keep memory flat', () => {
    // Before issue 18 the module left its mask's rand → ge → div and the masked branch alive (+5).
    const sd = new StochasticDepth(new Identity(), 0.5);
    const x = randn([8, 3]);
    const before = memory().tensors;
    const y = noGrad(() => sd.forward(x));
    expect(memory().tensors).toBe(before + 1);
    y.dispose();
    x.requiresGrad_();
    const z = sd.forward(x); // with autograd: the graph keeps what backward needs, nothing more
    const total = z.sum();
    total.backward();
    total.dispose();
    z.dispose();
    expect(memory().tensors).toBe(before + 1); // x.grad
    const block = new StochasticDepth(new Linear(3, 3), 0.5);
    const step = () =>
      tidy(() => {
        block.forward(x).square().sum().backward();
        block.zeroGrad();
      });
    step();
    const settled = memory().tensors;
    for (let i = 0; i < 5; i++) step();
    expect(memory().tensors).toBe(settled);
  });
});
