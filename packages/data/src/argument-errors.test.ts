// Every public entry point of @myelin/data that takes options rejects unknown ones and bad
// arguments in its own name, and leaks nothing (issue 11 #8, issue 12 #16).
import { memory, tensor, zeros } from '@myelin/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import {
  circles,
  DataLoader,
  gaussianBlobs,
  kFold,
  moons,
  PCA,
  randomSplit,
  Subset,
  TensorDataset,
  trainTestSplit,
  trainValidationTestSplit,
  xor,
} from './index.js';

const x = zeros([6, 2]);
const y = tensor([0, 1, 0, 1, 0, 1], { dtype: 'int32' });
const dataset = new TensorDataset(x, y);
afterAll(() => {
  x.dispose();
  y.dispose();
});

// biome-ignore lint/suspicious/noExplicitAny: the point is to pass what the types forbid.
const bad = (value: unknown): any => value;

const CASES: [string, () => unknown, RegExp][] = [
  [
    'DataLoader batchSize 0',
    () => new DataLoader(dataset, { batchSize: 0 }),
    /^DataLoader: batchSize must be an integer >= 1, got 0/,
  ],
  [
    'DataLoader string batchSize',
    () => new DataLoader(dataset, bad({ batchSize: '32' })),
    /^DataLoader: batchSize must be an integer >= 1, got the string '32'/,
  ],
  [
    'DataLoader misspelt',
    () => new DataLoader(dataset, bad({ batch_size: 32 })),
    /^DataLoader: unknown option 'batch_size'; valid options are 'batchSize'/,
  ],
  [
    'DataLoader string shuffle',
    () => new DataLoader(dataset, bad({ shuffle: 'true' })),
    /^DataLoader: shuffle must be true or false, got the string 'true'/,
  ],
  [
    'DataLoader collate',
    () => new DataLoader(dataset, bad({ collate: 1 })),
    /^DataLoader: collate must be a function/,
  ],
  [
    'DataLoader not a dataset',
    () => new DataLoader(bad([x, y])),
    /^DataLoader: expected a dataset with length and get\(i\)/,
  ],
  [
    'TensorDataset non-tensor',
    () => new TensorDataset(x, bad([1, 2])),
    /^TensorDataset: argument 1 must be a tensor, got an array/,
  ],
  [
    'Subset indices',
    () => new Subset(dataset, bad(3)),
    /^Subset: indices must be an array of sample positions, got 3/,
  ],
  [
    'randomSplit misspelt',
    () => randomSplit(dataset, [0.5, 0.5], bad({ seeds: 1 })),
    /^randomSplit: unknown option 'seeds'/,
  ],
  [
    'randomSplit lengths',
    () => randomSplit(dataset, bad(0.5)),
    /^randomSplit: lengths must be an array of numbers, got 0\.5/,
  ],
  [
    'trainTestSplit misspelt',
    () => trainTestSplit(x, y, bad({ test_size: 0.2 })),
    /^trainTestSplit: unknown option 'test_size'/,
  ],
  [
    'trainTestSplit string testSize',
    () => trainTestSplit(x, y, bad({ testSize: '0.2' })),
    /^trainTestSplit: testSize must be a number, got the string '0\.2'/,
  ],
  [
    'trainTestSplit x',
    () => trainTestSplit(bad([[1]]), y),
    /^trainTestSplit: x must be a tensor, got an array/,
  ],
  [
    'trainValidationTestSplit misspelt',
    () => trainValidationTestSplit(x, y, bad({ valSize: 0.2 })),
    /^trainValidationTestSplit: unknown option 'valSize'/,
  ],
  ['kFold misspelt', () => kFold(10, 2, bad({ stratify: [] })), /^kFold: unknown option 'stratify'/],
  ['kFold n', () => kFold(bad('10'), 2), /^kFold: n must be an integer >= 2, got the string '10'/],
  ['PCA misspelt', () => new PCA(bad({ components: 2 })), /^PCA: unknown option 'components'/],
  [
    'moons misspelt',
    () => moons(10, bad({ noize: 0.1 })),
    /^moons: unknown option 'noize'; valid options are 'noise', 'seed'/,
  ],
  [
    'circles misspelt',
    () => circles(10, bad({ scale: 0.1 })),
    /^circles: unknown option 'scale'; valid options are 'noise', 'seed', 'factor'/,
  ],
  [
    'gaussianBlobs misspelt',
    () => gaussianBlobs(10, bad({ sigma: 1 })),
    /^gaussianBlobs: unknown option 'sigma'/,
  ],
  ['xor options not an object', () => xor(10, bad(0.1)), /^xor: options must be an object, got 0\.1/],
];

describe('argument errors name the entry point and leak nothing (issue 12 #16, issue 11 #8)', () => {
  it.each(CASES)('%s', (_, call, message) => {
    const before = memory();
    expect(call).toThrow(message);
    expect(memory().tensors).toBe(before.tensors);
    expect(memory().bytes).toBe(before.bytes);
  });
});
