import { type Tensor, tensor } from '@myelin/tensor';

/**
 * One-hot rows (float32 [n, numClasses]) from class indices (int32 or float32 [n]).
 *
 * @example oneHot(tensor([2, 0], { dtype: 'int32' }), 3).toArray(); // [[0, 0, 1], [1, 0, 0]]
 */
export function oneHot(labels: Tensor, numClasses?: number): Tensor {
  if (labels.ndim !== 1)
    throw new RangeError(`oneHot: expected 1-D labels, got shape [${labels.shape.join(',')}]`);
  const values = labels.data();
  const classes = numClasses ?? (values.length === 0 ? 0 : Math.max(...values) + 1);
  const out = new Float32Array(values.length * classes);
  values.forEach((v, i) => {
    if (!Number.isInteger(v) || v < 0 || v >= classes)
      throw new RangeError(`oneHot: label ${v} at ${i} is not a class index in 0..${classes - 1}`);
    out[i * classes + v] = 1;
  });
  return tensor(out, { shape: [values.length, classes] });
}

/**
 * Maps arbitrary labels (strings or numbers) to class indices 0..k−1, sorted as scikit-learn's
 * LabelEncoder does.
 *
 * @example const enc = new LabelEncoder().fit(['cat', 'dog', 'cat']); enc.transform(['dog']) // int32 [1]
 */
export class LabelEncoder<L extends string | number = string | number> {
  classes: L[] = [];
  private index = new Map<L, number>();

  fit(labels: readonly L[]): this {
    this.classes = [...new Set(labels)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    this.index = new Map(this.classes.map((c, i) => [c, i]));
    return this;
  }

  transform(labels: readonly L[]): Tensor {
    return tensor(
      Int32Array.from(labels, (l, i) => {
        const k = this.index.get(l);
        if (k === undefined)
          throw new RangeError(`LabelEncoder: label ${String(l)} at ${i} was not seen by fit()`);
        return k;
      }),
    );
  }

  fitTransform(labels: readonly L[]): Tensor {
    return this.fit(labels).transform(labels);
  }

  inverseTransform(indices: Tensor): L[] {
    return Array.from(indices.data(), (k, i) => {
      const label = this.classes[k];
      if (label === undefined) throw new RangeError(`LabelEncoder: index ${k} at ${i} is not a class`);
      return label;
    });
  }
}
