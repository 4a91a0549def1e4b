import { cdist, noGrad, type Tensor, tensor } from '@myelin/tensor';
import { checkOptions, requireChoice, requireInteger, requireTensor } from '../validate.js';

/**
 * k-nearest-neighbour classification: a query takes the majority class of its k nearest training
 * samples under the L2 (default) or L1 distance. Ties in the vote go to the tied class whose
 * neighbours are closer in total, then to the smaller class index. Distances run on the SIMD
 * kernels (L2 through SGEMM: ‖a − b‖² = ‖a‖² + ‖b‖² − 2a·b).
 *
 * @example const knn = new KNNClassifier({ k: 5 }).fit(xTrain, yTrain); knn.predict(xTest)
 */
export class KNNClassifier {
  readonly k: number;
  readonly metric: 'l2' | 'l1';
  private x: Tensor | null = null;
  private labels: Int32Array | null = null;

  constructor(options: { k?: number; metric?: 'l2' | 'l1' } = {}) {
    checkOptions('KNNClassifier', options, ['k', 'metric']);
    const { k = 5, metric = 'l2' } = options;
    requireInteger('KNNClassifier', 'k', k, 1);
    requireChoice('KNNClassifier', 'metric', metric, ['l2', 'l1']);
    this.k = k;
    this.metric = metric;
  }

  /** Stores the training samples x [N, F] and int32 labels y [N]. Returns this. */
  fit(x: Tensor, y: Tensor): this {
    requireTensor('KNNClassifier.fit', 'x', x, 'float32');
    requireTensor('KNNClassifier.fit', 'y', y, 'int32');
    if (x.ndim !== 2)
      throw new RangeError(`KNNClassifier.fit: expected x [N, F], got [${x.shape.join(',')}]`);
    if (y.dtype !== 'int32' || y.ndim !== 1 || y.shape[0] !== x.shape[0]) {
      throw new RangeError(
        `KNNClassifier.fit: expected int32 labels [${x.shape[0]}], got ${y.dtype} [${y.shape.join(',')}]`,
      );
    }
    if (this.k > x.shape[0]!)
      throw new RangeError(`KNNClassifier.fit: k = ${this.k} exceeds the ${x.shape[0]} training samples`);
    this.dispose();
    this.x = noGrad(() => x.contiguous().mul(1)).keep();
    this.labels = y.data() as Int32Array;
    return this;
  }

  /** Distances [M, N] from each query row to each training row (squared for L2). */
  distances(queries: Tensor): Tensor {
    const train = this.requireFitted();
    requireTensor('KNNClassifier', 'queries', queries, 'float32');
    if (queries.ndim !== 2 || queries.shape[1] !== train.shape[1]) {
      throw new RangeError(
        `KNNClassifier: queries must be [M, ${train.shape[1]}], got [${queries.shape.join(',')}]`,
      );
    }
    return noGrad(() => {
      if (this.metric === 'l2') {
        const q2 = queries.square().sum(1, true);
        const t2 = train.square().sum(1).unsqueeze(0);
        return q2.add(t2).sub(queries.matmul(train.transpose()).mul(2)).clamp(0);
      }
      return cdist(queries, train, { p: 1 });
    });
  }

  /** Predicted class (int32) for each row of `queries`. */
  predict(queries: Tensor): Tensor {
    const d = this.distances(queries);
    const values = d.data();
    d.dispose();
    const [m, n] = [queries.shape[0]!, this.labels!.length];
    const out = new Int32Array(m);
    const order = new Int32Array(n);
    for (let i = 0; i < m; i++) {
      const row = values.subarray(i * n, (i + 1) * n);
      for (let j = 0; j < n; j++) order[j] = j;
      order.sort((a, b) => row[a]! - row[b]! || a - b);
      const votes = new Map<number, { count: number; distance: number }>();
      for (const j of order.subarray(0, this.k)) {
        const label = this.labels![j]!;
        const v = votes.get(label) ?? { count: 0, distance: 0 };
        v.count++;
        v.distance += row[j]!;
        votes.set(label, v);
      }
      out[i] = [...votes.entries()].sort(
        (a, b) => b[1].count - a[1].count || a[1].distance - b[1].distance || a[0] - b[0],
      )[0]![0];
    }
    return tensor(out);
  }

  /** Frees the stored training samples. */
  dispose(): void {
    this.x?.dispose();
    this.x = null;
  }

  private requireFitted(): Tensor {
    if (this.x === null) throw new Error('KNNClassifier: call fit() before predict()');
    return this.x;
  }
}
