// The classic conv nets of `models` (issue 19): output shapes, parameter counts (checked against the
// same architectures built in PyTorch 1.13: sum(p.numel() for p in model.parameters())), backward,
// and memory flat over training steps.
import { SGD } from '@myelin/optim';
import { manualSeed, memory, randn, type Tensor, tensor, tidy, zeros } from '@myelin/tensor';
import { describe, expect, it } from 'vitest';
import { crossEntropy, type Module, models, Sequential, summary } from './index.js';

/** Runs a few SGD steps; returns the live tensors and bytes after the first and after the last. */
function trainSteps(model: Module, x: Tensor, y: Tensor, steps = 3) {
  const optimizer = new SGD(model.parameters(), { lr: 0.01 });
  const step = () =>
    tidy(() => {
      optimizer.zeroGrad();
      const loss = crossEntropy(model.forward(x), y);
      loss.backward();
      optimizer.step();
      return loss.item();
    });
  step();
  const before = memory();
  let loss = 0;
  for (let i = 0; i < steps; i++) loss = step();
  const after = memory();
  return { before, after, loss };
}

function expectTrainable(model: Module, inputShape: number[], numClasses = 10) {
  const x = randn(inputShape);
  const y = tensor(
    Array.from({ length: inputShape[0]! }, (_, i) => i % numClasses),
    { dtype: 'int32' },
  );
  expect(model.forward(x).shape).toEqual([inputShape[0], numClasses]);
  const { before, after, loss } = trainSteps(model, x, y);
  expect(Number.isFinite(loss)).toBe(true);
  for (const p of model.parameters()) expect(p.grad, 'every parameter gets a gradient').not.toBeNull();
  expect(after.tensors).toBe(before.tensors);
  expect(after.bytes).toBe(before.bytes);
}

describe('models.lenet5', () => {
  it('the classic 32×32 LeNet-5 has 61,706 parameters and trains', () => {
    manualSeed(0);
    const model = models.lenet5();
    // conv 156 + conv 2,416 + fc 48,120 + fc 10,164 + fc 850
    expect(model.numParameters()).toBe(61_706);
    expectTrainable(model, [4, 1, 32, 32]);
  });

  it('inputSize 28 pads the first convolution by 2: same feature-map sizes and parameters', () => {
    const model = models.lenet5({ inputSize: 28, activation: 'relu', pooling: 'max' });
    expect(model.numParameters()).toBe(61_706);
    const text = summary(model, zeros([1, 1, 28, 28]));
    expect(text).toMatch(/\(0\): Conv2d\(1, 6, kernelSize=5, padding=2\)\s+\[N, 6, 28, 28\]\s+156/);
    expect(text).toMatch(/\(2\): MaxPool2d.*\[N, 6, 14, 14\]/);
    expect(text).toMatch(/\(3\): Conv2d\(6, 16, kernelSize=5\)\s+\[N, 16, 10, 10\]\s+2,416/);
    expect(text).toMatch(/\(6\): Flatten.*\[N, 400\]/);
    expect(text).toMatch(/Total parameters: 61,706/);
    expectTrainable(model, [3, 1, 28, 28]);
    expect(() => models.lenet5({ inputSize: 64 as never })).toThrow(
      /lenet5: inputSize must be one of 28, 32/,
    );
  });
});

describe('models.alexnetSmall', () => {
  it('maps 32×32 RGB images to 10 classes with 2,115,018 parameters, and trains', () => {
    manualSeed(1);
    const model = models.alexnetSmall();
    expect(model.numParameters()).toBe(2_115_018);
    expectTrainable(model, [2, 3, 32, 32]);
    expect(
      models.alexnetSmall({ inChannels: 1, numClasses: 4, dropout: 0 }).forward(randn([1, 1, 32, 32])).shape,
    ).toEqual([1, 4]);
  });
});

describe('models.vggBlock', () => {
  it('numConvs 3×3 convolutions with ReLU, then a 2×2 max pool', () => {
    const block = models.vggBlock(3, 64, 2);
    expect(block.numParameters()).toBe(38_720); // (3·9·64 + 64) + (64·9·64 + 64)
    expect(block.length).toBe(5);
    expect(block.forward(randn([2, 3, 16, 16])).shape).toEqual([2, 64, 8, 8]);
    const net = new Sequential(models.vggBlock(1, 8, 1), models.vggBlock(8, 16, 2));
    expect(net.forward(randn([1, 1, 8, 8])).shape).toEqual([1, 16, 2, 2]);
    expect(() => models.vggBlock(3, 64, 0)).toThrow(/vggBlock: numConvs must be an integer >= 1/);
  });
});

describe('models.resnet', () => {
  it('resnetSmall: 175,258 parameters, torchvision names, shapes in the summary, trains', () => {
    manualSeed(2);
    const model = models.resnetSmall();
    expect(model.numParameters()).toBe(175_258);
    const names = [...model.namedParameters()].map(([n]) => n);
    expect(names.slice(0, 3)).toEqual(['conv1.weight', 'bn1.weight', 'bn1.bias']);
    expect(names).toContain('layer2.0.downsample.0.weight');
    expect(names).not.toContain('layer1.0.downsample.0.weight'); // identity shortcut
    expect([...model.stateDict().keys()]).toContain('layer3.1.bn2.running_var');
    const text = summary(model, zeros([2, 3, 32, 32]));
    expect(text).toMatch(/\(layer1\): Sequential\(\)\s+\[N, 16, 32, 32\]/);
    expect(text).toMatch(/\(0\): BasicBlock\(16, 32, stride=2\)\s+\[N, 32, 16, 16\]/);
    expect(text).toMatch(
      /\(conv1\): Conv2d\(16, 32, kernelSize=3, stride=2, padding=1, bias=false\)\s+\[N, 32, 16, 16\]\s+4,608/,
    );
    expect(text).toMatch(/\(layer3\): Sequential\(\)\s+\[N, 64, 8, 8\]/);
    expect(text).toMatch(/\(fc\): Linear.*\[N, 10\]\s+650/);
    expectTrainable(model, [2, 3, 32, 32]);
  });

  it('resnet with custom stages on 28×28 grey images; the ResNet-18 layout has 11,173,962 parameters', () => {
    const tiny = models.resnet({ blocks: [1, 1], channels: [8, 16], inChannels: 1, numClasses: 10 });
    expect(tiny.numParameters()).toBe(5_122);
    expectTrainable(tiny, [2, 1, 28, 28]);
    const eighteen = models.resnet();
    expect(eighteen.numParameters()).toBe(11_173_962);
    eighteen.dispose();
    expect(() => models.resnet({ blocks: [2, 2], channels: [16] })).toThrow(
      /resnet: blocks and channels must have one entry per stage, got 2 and 1/,
    );
    expect(() => models.resnet({ blocks: [] })).toThrow(
      /resnet: blocks must be a non-empty array of positive integers/,
    );
  });

  it('a basic block keeps the identity shortcut when shapes match', () => {
    const block = new models.BasicBlock(4, 4);
    expect(block.downsample).toBeNull();
    expect(new models.BasicBlock(4, 8, 2).forward(randn([2, 4, 6, 6])).shape).toEqual([2, 8, 3, 3]);
  });
});
