// Every public entry point of @myelin/nn rejects bad arguments in its own name — never an internal
// op's name (`sub:`, `neg:`, `matmul:`) or a JavaScript crash — says what it got and what it
// expected, and leaks nothing (issue 12 #16, issue 16 #5; misspelt options are errors, issue 11 #8).
import { memory, type Tensor, tensor, zeros } from '@myelin/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import * as nn from './index.js';

const x = zeros([4, 3]);
const floatLabels = tensor([0, 1, 2, 0]);
const intLabels = tensor([0, 1, 2, 0], { dtype: 'int32' });
const intTarget = tensor([[1], [0], [1], [0]], { dtype: 'int32' });
const column = zeros([4, 1]);
const vector = zeros([4]);
const wide = zeros([4, 5]);
const square = zeros([2, 2]);
const outOfRange = tensor([0, 1, 5, 0], { dtype: 'int32' });
const row5 = tensor([5], { dtype: 'int32' });
const linear = new nn.Linear(3, 2);
const embedding = new nn.Embedding(3, 2);
afterAll(() => {
  for (const t of [x, floatLabels, intLabels, intTarget, column, vector, wide, square, outOfRange, row5])
    t.dispose();
  linear.dispose();
  embedding.dispose();
});

// biome-ignore lint/suspicious/noExplicitAny: the point is to pass what the types forbid.
const bad = (value: unknown): any => value;

const CASES: [string, () => unknown, RegExp][] = [
  // Losses: checked before any op runs, in the loss's own name.
  [
    'mseLoss int32 target',
    () => nn.mseLoss(column, intTarget),
    /^mseLoss: target must be a float32 tensor, got an? int32 tensor of shape \[4,1\] \(convert with \.float\(\)\)/,
  ],
  [
    'mseLoss shapes',
    () => nn.mseLoss(column, vector),
    /^mseLoss: input shape \[4,1\] and target shape \[4\] differ/,
  ],
  [
    'mseLoss misspelt option',
    () => nn.mseLoss(column, column, bad({ reduce: 'sum' })),
    /^mseLoss: unknown option 'reduce'; valid options are 'reduction'/,
  ],
  [
    'l1Loss reduction',
    () => nn.l1Loss(column, column, bad({ reduction: 'avg' })),
    /^l1Loss: reduction must be one of 'mean', 'sum', 'none', got the string 'avg'/,
  ],
  [
    'huberLoss delta',
    () => nn.huberLoss(column, column, bad({ delta: '1' })),
    /^huberLoss: delta must be a number > 0, got the string '1'/,
  ],
  [
    'binaryCrossEntropy int32 target',
    () => nn.binaryCrossEntropy(column, intTarget),
    /^binaryCrossEntropy: target must be a float32 tensor/,
  ],
  [
    'binaryCrossEntropyWithLogits int32 target',
    () => nn.binaryCrossEntropyWithLogits(column, intTarget),
    /^binaryCrossEntropyWithLogits: target must be a float32 tensor/,
  ],
  [
    'binaryCrossEntropyWithLogits posWeight',
    () => nn.binaryCrossEntropyWithLogits(column, column, bad({ posWeight: '2' })),
    /^binaryCrossEntropyWithLogits: posWeight must be a tensor, got the string '2'/,
  ],
  [
    'crossEntropy float labels',
    () => nn.crossEntropy(x, floatLabels),
    /^crossEntropy: class-index targets must be int32, got a float32 tensor of shape \[4\] \(convert with \.int\(\), or create them with \{ dtype: 'int32' \}\)/,
  ],
  [
    'crossEntropy misspelt option',
    () => nn.crossEntropy(x, intLabels, bad({ label_smoothing: 0.1 })),
    /^crossEntropy: unknown option 'label_smoothing'/,
  ],
  [
    'crossEntropy labelSmoothing',
    () => nn.crossEntropy(x, intLabels, { labelSmoothing: 2 }),
    /^crossEntropy: labelSmoothing must be a number in \[0, 1\], got 2/,
  ],
  [
    'crossEntropy weight shape',
    () => nn.crossEntropy(x, intLabels, { weight: column }),
    /^crossEntropy: weight must have shape \[3\], got \[4,1\]/,
  ],
  [
    'crossEntropy logits not a tensor',
    () => nn.crossEntropy(bad([[1, 2]]), intLabels),
    /^crossEntropy: logits must be a tensor, got an array/,
  ],
  [
    'nllLoss labels out of range',
    () => nn.nllLoss(x, outOfRange),
    /^nllLoss: target 5 at position 2 is not a class index in 0\.\.2/,
  ],
  [
    'multiMarginLoss p',
    () => nn.multiMarginLoss(x, intLabels, bad({ p: 3 })),
    /^multiMarginLoss: p must be one of 1, 2, got 3/,
  ],
  // Layers: constructor arguments and options, forward inputs.
  [
    'Linear fractional size',
    () => new nn.Linear(2.5, 3),
    /^Linear: inFeatures must be an integer >= 1, got 2\.5/,
  ],
  [
    'Linear misspelt option',
    () => new nn.Linear(2, 3, bad({ useBias: false })),
    /^Linear: unknown option 'useBias'; valid options are 'bias'/,
  ],
  [
    'Linear.forward inner size',
    () => linear.forward(wide),
    /^Linear\.forward: input of shape \[4,5\] does not end in inFeatures = 3/,
  ],
  [
    'Linear.forward int32 input',
    () => linear.forward(intTarget),
    /^Linear\.forward: the input must be a float32 tensor, got an? int32 tensor/,
  ],
  [
    'Linear.forward not a tensor',
    () => linear.forward(bad([[1, 2, 3]])),
    /^Linear\.forward: the input must be a tensor, got an array/,
  ],
  ['Dropout(1)', () => new nn.Dropout(1), /^Dropout: p must be a number in \[0, 1\), got 1/],
  [
    'Dropout string p',
    () => new nn.Dropout(bad('0.5')),
    /^Dropout: p must be a number in \[0, 1\), got the string '0\.5'/,
  ],
  [
    'dropout training flag',
    () => nn.functional.dropout(x, 0.5, bad('yes')),
    /^dropout: training must be true or false/,
  ],
  [
    'BatchNorm1d misspelt',
    () => new nn.BatchNorm1d(3, bad({ epsilon: 1e-3 })),
    /^BatchNorm1d: unknown option 'epsilon'/,
  ],
  [
    'BatchNorm1d momentum',
    () => new nn.BatchNorm1d(3, { momentum: 2 }),
    /^BatchNorm1d: momentum must be a number in \[0, 1\], got 2/,
  ],
  [
    'LayerNorm shape',
    () => new nn.LayerNorm(bad([0])),
    /^LayerNorm: normalizedShape must be an integer >= 1/,
  ],
  [
    'GroupNorm numGroups',
    () => new nn.GroupNorm(bad('2'), 4),
    /^GroupNorm: numGroups must be an integer >= 1, got the string '2'/,
  ],
  [
    'Embedding paddingIdx',
    () => new nn.Embedding(3, 2, { paddingIdx: 3 }),
    /^Embedding: paddingIdx must be a row in 0\.\.2, got 3/,
  ],
  [
    'Embedding.forward out of range',
    () => embedding.forward(row5),
    /^Embedding\.forward: index 5 at flat position 0 is not a row in 0\.\.2/,
  ],
  ['Maxout sizes', () => new nn.Maxout(2.5, 2, 2), /^Maxout: inFeatures must be an integer >= 1, got 2\.5/],
  [
    'Residual branch',
    () => new nn.Residual(bad(linear.forward)),
    /^Residual: branch must be a Module, got a function/,
  ],
  [
    'StochasticDepth mode',
    () => new nn.StochasticDepth(linear, 0.1, bad('rows')),
    /^StochasticDepth: mode must be one of 'row', 'batch'/,
  ],
  [
    'Flatten dims',
    () => new nn.Flatten(bad('1')),
    /^Flatten: startDim must be an integer, got the string '1'/,
  ],
  ['ReLU.forward', () => new nn.ReLU().forward(bad(3)), /^ReLU\.forward: the input must be a tensor, got 3/],
  [
    'LeakyReLU slope',
    () => new nn.LeakyReLU(bad('0.1')),
    /^LeakyReLU: negativeSlope must be a finite number, got the string '0\.1'/,
  ],
  ['Softmax dim', () => new nn.Softmax(0.5), /^Softmax: dim must be an integer, got 0\.5/],
  ['functional.relu', () => nn.functional.relu(bad(null)), /^relu: x must be a tensor, got null/],
  ['derivative name', () => nn.derivative(bad('swish'), x), /^derivative: name must be one of 'sigmoid'/],
  // Initialisers and penalties.
  ['init.normal std', () => nn.init.normal(x, 0, -1), /^init\.normal: std must be a number >= 0, got -1/],
  [
    'init.kaimingUniform misspelt',
    () => nn.init.kaimingUniform(square, bad({ nonLinearity: 'relu' })),
    /^init\.kaimingUniform: unknown option 'nonLinearity'/,
  ],
  [
    'init on a non-tensor',
    () => nn.init.xavierUniform(bad([1, 2])),
    /^init: the tensor must be a tensor, got an array/,
  ],
  [
    'l2Penalty misspelt',
    () => nn.l2Penalty(linear, bad({ biases: true })),
    /^l2Penalty: unknown option 'biases'/,
  ],
  [
    'l1Penalty source',
    () => nn.l1Penalty(bad(5)),
    /^l1Penalty: expected a Module or a list of tensors, got 5/,
  ],
  [
    'loadStateDict misspelt',
    () => linear.loadStateDict(linear.stateDict(), bad({ strcit: false })),
    /^Linear\.loadStateDict: unknown option 'strcit'/,
  ],
  // Classic models, callbacks, metrics, fit/evaluate/predict.
  [
    'KNNClassifier misspelt',
    () => new nn.KNNClassifier(bad({ neighbours: 3 })),
    /^KNNClassifier: unknown option 'neighbours'/,
  ],
  [
    'Perceptron misspelt',
    () => new nn.Perceptron(2, bad({ lr: 0.1 })),
    /^Perceptron: unknown option 'lr'; valid options are 'learningRate'/,
  ],
  [
    'Perceptron.fit epochs',
    () => new nn.Perceptron(3).fit(x, floatLabels, { epochs: 0 }),
    /^Perceptron\.fit: epochs must be an integer >= 1, got 0/,
  ],
  [
    'LearningRateScheduler without step()',
    () => new nn.LearningRateScheduler(bad({})),
    /^LearningRateScheduler: expected a scheduler with step\(\)/,
  ],
  [
    'EarlyStopping misspelt',
    () => new nn.EarlyStopping(bad({ patients: 3 })),
    /^EarlyStopping: unknown option 'patients'/,
  ],
  [
    'EarlyStopping mode',
    () => new nn.EarlyStopping(bad({ mode: 'minimum' })),
    /^EarlyStopping: mode must be one of 'min', 'max', 'auto'/,
  ],
  [
    'ModelCheckpoint misspelt',
    () => new nn.ModelCheckpoint(bad({ filepath: 'a' })),
    /^ModelCheckpoint: unknown option 'filepath'/,
  ],
  ['Accuracy misspelt', () => new nn.Accuracy(bad({ logits: true })), /^Accuracy: unknown option 'logits'/],
  ['TopKAccuracy k', () => new nn.TopKAccuracy(0), /^TopKAccuracy: k must be an integer >= 1, got 0/],
  [
    'Precision numClasses',
    () => new nn.Precision(bad('3')),
    /^Precision: numClasses must be an integer >= 1, got the string '3'/,
  ],
  [
    'confusionMatrix lengths',
    () => nn.confusionMatrix([0, 1], [0], 2),
    /^confusionMatrix: 2 predicted labels but 1 actual ones/,
  ],
  [
    'evaluate misspelt',
    () => nn.evaluate(linear, [x, floatLabels], bad({ batch_size: 2 })),
    /^evaluate: unknown option 'batch_size'/,
  ],
  [
    'predict batchSize',
    () => nn.predict(linear, x, { batchSize: 0 }),
    /^predict: batchSize must be an integer >= 1, got 0/,
  ],
  [
    'predict not a model',
    () => nn.predict(bad({}), x),
    /^predict: model must be a Module with forward\(\), got an object/,
  ],
];

describe('argument errors name the entry point and leak nothing (issue 12 #16, issue 16 #5)', () => {
  it.each(CASES)('%s', (_, call, message) => {
    const before = memory();
    expect(call).toThrow(message);
    expect(memory().tensors).toBe(before.tensors);
    expect(memory().bytes).toBe(before.bytes);
  });

  it('fit rejects a misspelt option before training (issue 11 #8)', async () => {
    const before = memory();
    const optimizer = { step() {}, zeroGrad() {}, lr: 0.1 };
    await expect(
      nn.fit(linear, [x, floatLabels], bad({ optimizer, loss: nn.mseLoss, epoch: 5 })),
    ).rejects.toThrow(/^fit: unknown option 'epoch'; valid options are 'optimizer', 'loss', 'epochs'/);
    await expect(nn.fit(linear, [x, floatLabels], bad(undefined))).rejects.toThrow(
      /^fit: options \{ optimizer, loss/,
    );
    expect(memory().tensors).toBe(before.tensors);
  });

  it('valid calls still work', () => {
    const t: Tensor = nn.crossEntropy(x, intLabels, { labelSmoothing: 0.1, reduction: 'sum' });
    expect(Number.isFinite(t.item())).toBe(true);
    t.dispose();
  });
});
