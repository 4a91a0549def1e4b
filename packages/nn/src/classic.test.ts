import { and, loadDigits, loadIris, or, StandardScaler, trainTestSplit, xor } from '@myelin/data';
import { tensor } from '@myelin/tensor';
import { describe, expect, it } from 'vitest';
import { KNNClassifier, Perceptron } from './index.js';

const accuracy = (pred: { data(): Int32Array | Float32Array }, y: { data(): Int32Array | Float32Array }) => {
  const p = Array.from(pred.data());
  const t = y.data();
  return p.filter((v, i) => v === t[i]).length / t.length;
};

describe('Perceptron (learning rule w ← w + α(y − h(x))x)', () => {
  it('learns AND and OR exactly and reports convergence', () => {
    for (const data of [and(), or()]) {
      const p = new Perceptron(2);
      const result = p.fit(data.x, data.y);
      expect(result.converged).toBe(true);
      expect(result.errorsPerEpoch.at(-1)).toBe(0);
      expect(Array.from(p.predict(data.x).data())).toEqual(Array.from(data.y.data()));
    }
  });

  it('follows the rule by hand on AND: the first update after (0,0) → 0 is at (1,1)', () => {
    const p = new Perceptron(2);
    const { x, y } = and();
    p.fit(x, y, { epochs: 1 });
    // Epoch 1 with w = 0, b = 0: (0,0),(0,1),(1,0) predict 0 = label; (1,1) predicts 0 ≠ 1 → w = (1,1), b = 1.
    expect(Array.from(p.weight)).toEqual([1, 1]);
    expect(p.bias).toBe(1);
  });

  it('cannot learn XOR and says so', () => {
    const { x, y } = xor(200, { seed: 0 });
    const p = new Perceptron(2);
    const result = p.fit(x, y, { epochs: 50 });
    expect(result.converged).toBe(false);
    expect(result.epochs).toBe(50);
    expect(accuracy(p.predict(x), y)).toBeLessThan(0.8);
    const truthTable = new Perceptron(2).fit(
      tensor([
        [0, 0],
        [0, 1],
        [1, 0],
        [1, 1],
      ]),
      tensor([0, 1, 1, 0], { dtype: 'int32' }),
      { epochs: 100 },
    );
    expect(truthTable.converged).toBe(false);
  });

  it('validates its inputs', () => {
    expect(() => new Perceptron(2).fit(tensor([[1, 2, 3]]), tensor([1]))).toThrow(/expected x \[N, 2\]/);
    expect(() => new Perceptron(1).fit(tensor([[1]]), tensor([2]))).toThrow(/labels must be 0 or 1, got 2/);
    expect(() => new Perceptron(0)).toThrow(/inFeatures must be an integer >= 1/);
  });
});

describe('KNNClassifier', () => {
  it('classifies Iris well with L2 and L1 distances (stratified hold-out)', () => {
    const { data, target } = loadIris();
    const { xTrain, xTest, yTrain, yTest } = trainTestSplit(data, target, {
      testSize: 0.3,
      stratify: true,
      seed: 0,
    });
    const scaler = new StandardScaler().fit(xTrain);
    for (const metric of ['l2', 'l1'] as const) {
      const knn = new KNNClassifier({ k: 5, metric }).fit(scaler.transform(xTrain), yTrain);
      expect(accuracy(knn.predict(scaler.transform(xTest)), yTest)).toBeGreaterThanOrEqual(0.9);
      knn.dispose();
    }
  });

  it('reaches ≥ 97% on the digits', () => {
    const { data, target } = loadDigits();
    const { xTrain, xTest, yTrain, yTest } = trainTestSplit(data, target, {
      testSize: 0.2,
      stratify: true,
      seed: 1,
    });
    const knn = new KNNClassifier({ k: 3 }).fit(xTrain, yTrain);
    expect(accuracy(knn.predict(xTest), yTest)).toBeGreaterThanOrEqual(0.97);
  });

  it('distances are exact on a hand-computed case; the vote and its tie-breaking', () => {
    const knn = new KNNClassifier({ k: 3 }).fit(
      tensor([
        [0, 0],
        [3, 4],
        [1, 0],
        [10, 10],
      ]),
      tensor([0, 1, 1, 2], { dtype: 'int32' }),
    );
    expect(knn.distances(tensor([[0, 0]])).toArray()).toEqual([[0, 25, 1, 200]]);
    expect(
      new KNNClassifier({ k: 2, metric: 'l1' })
        .fit(
          tensor([
            [0, 0],
            [3, 4],
          ]),
          tensor([0, 1], { dtype: 'int32' }),
        )
        .distances(tensor([[1, 1]]))
        .toArray(),
    ).toEqual([[2, 5]]);
    // Neighbours of (0,0): labels 0 (d 0), 1 (d 1), 1 (d 25) → class 1 by majority.
    expect(Array.from(knn.predict(tensor([[0, 0]])).data())).toEqual([1]);
    // k = 2 tie (one vote each): the closer class wins.
    const tie = new KNNClassifier({ k: 2 }).fit(
      tensor([
        [0, 0],
        [1, 0],
      ]),
      tensor([5, 3], { dtype: 'int32' }),
    );
    expect(Array.from(tie.predict(tensor([[0.2, 0]])).data())).toEqual([5]);
    expect(() => new KNNClassifier().predict(tensor([[1]]))).toThrow(/call fit\(\) before predict\(\)/);
    expect(() => new KNNClassifier({ k: 9 }).fit(tensor([[1]]), tensor([0], { dtype: 'int32' }))).toThrow(
      /k = 9 exceeds the 1 training samples/,
    );
  });
});
