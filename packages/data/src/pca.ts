import { linalg, noGrad, type Tensor, tensor, tidy } from '@myelin/tensor';
import { checkOptions, describeValue } from './validate.js';

/** Options of {@link PCA}. */
export interface PCAOptions {
  /**
   * Components to keep: a count (1 ≤ n ≤ min(samples, features)), or a fraction in (0, 1) to keep the
   * fewest components whose explained variance reaches it. Default: all, min(samples, features).
   */
  nComponents?: number;
  /** Scale each projected component to unit variance (default false). */
  whiten?: boolean;
}

/**
 * Principal component analysis, as scikit-learn's PCA: centres the data and projects it on the
 * directions of largest variance, found by the SVD of the centred data (float64). Components'
 * signs are fixed so that each component's largest-magnitude entry is positive, so results are
 * reproducible. Variances use the sample estimate (divide by samples − 1).
 *
 * @example
 * const pca = new PCA({ nComponents: 2 });
 * const projected = pca.fitTransform(loadIris().data); // [150, 2]
 * pca.explainedVarianceRatio!.toArray(); // [0.9246, 0.0531]
 */
export class PCA {
  /** Principal axes, [components, features], rows orthonormal (after fit). */
  components: Tensor | null = null;
  /** Variance of the data along each component, [components] (after fit). */
  explainedVariance: Tensor | null = null;
  /** Fraction of the total variance along each component, [components] (after fit). */
  explainedVarianceRatio: Tensor | null = null;
  /** Singular values of the centred data for the kept components (after fit). */
  singularValues: Tensor | null = null;
  /** Per-feature mean subtracted before projecting (after fit). */
  mean: Tensor | null = null;

  constructor(readonly options: PCAOptions = {}) {
    checkOptions('PCA', options, ['nComponents', 'whiten']);
    if (options.whiten !== undefined && typeof options.whiten !== 'boolean')
      throw new TypeError(`PCA: whiten must be true or false, got ${describeValue(options.whiten)}`);
    const n = options.nComponents;
    if (n !== undefined && !(n > 0 && (n < 1 || Number.isInteger(n))))
      throw new RangeError(`PCA: nComponents must be a positive integer or a fraction in (0, 1), got ${n}`);
  }

  /** Learns the mean and the principal axes from `x` ([samples, features]). Returns this. */
  fit(x: Tensor): this {
    if (x.ndim !== 2)
      throw new RangeError(`PCA: expected a [samples, features] matrix, got shape [${x.shape.join(',')}]`);
    const [samples, features] = x.shape as [number, number];
    if (samples < 2)
      throw new RangeError(`PCA: needs at least 2 samples to estimate variance, got ${samples}`);
    const fitted = tidy(() =>
      noGrad(() => {
        const mean = x.mean(0);
        const { S, Vh } = linalg.svd(x.sub(mean));
        return { mean, S, Vh };
      }),
    );
    const singular = Float64Array.from(fitted.S.data());
    const axes = Float64Array.from(fitted.Vh.data());
    fitted.S.dispose();
    fitted.Vh.dispose();
    const variance = singular.map((s) => (s * s) / (samples - 1));
    const total = variance.reduce((a, b) => a + b, 0);
    const ratio = variance.map((v) => (total > 0 ? v / total : 0));
    const k = this.componentCount(ratio, Math.min(samples, features));
    // Deterministic signs: the largest-magnitude entry of each axis is positive.
    const components = new Float32Array(k * features);
    for (let c = 0; c < k; c++) {
      const row = axes.subarray(c * features, (c + 1) * features);
      let largest = 0;
      for (let j = 1; j < features; j++) if (Math.abs(row[j]!) > Math.abs(row[largest]!)) largest = j;
      const sign = row[largest]! < 0 ? -1 : 1;
      for (let j = 0; j < features; j++) components[c * features + j] = sign * row[j]!;
    }
    this.dispose();
    this.mean = fitted.mean.keep();
    this.components = tensor(components, { shape: [k, features] }).keep();
    this.explainedVariance = tensor(Array.from(variance.subarray(0, k))).keep();
    this.explainedVarianceRatio = tensor(Array.from(ratio.subarray(0, k))).keep();
    this.singularValues = tensor(Array.from(singular.subarray(0, k))).keep();
    return this;
  }

  /** Projects `x` ([samples, features]) onto the components: [samples, components]. */
  transform(x: Tensor): Tensor {
    const { mean, components, variance } = this.fitted(x);
    return tidy(() =>
      noGrad(() => {
        const projected = x.sub(mean).matmul(components.transpose());
        return this.options.whiten ? projected.div(variance.sqrt()) : projected;
      }),
    );
  }

  /** Maps projected data ([samples, components]) back to feature space (exact if all components were kept). */
  inverseTransform(z: Tensor): Tensor {
    const { mean, components, variance } = this.fitted();
    if (z.ndim !== 2 || z.shape[1] !== components.shape[0])
      throw new RangeError(
        `PCA.inverseTransform: expected [samples, ${components.shape[0]}], got shape [${z.shape.join(',')}]`,
      );
    return tidy(() =>
      noGrad(() => (this.options.whiten ? z.mul(variance.sqrt()) : z).matmul(components).add(mean)),
    );
  }

  /** `fit(x)` then `transform(x)`. */
  fitTransform(x: Tensor): Tensor {
    return this.fit(x).transform(x);
  }

  /** Frees the fitted tensors. */
  dispose(): void {
    for (const t of [
      this.components,
      this.explainedVariance,
      this.explainedVarianceRatio,
      this.singularValues,
      this.mean,
    ])
      t?.dispose();
    this.components = this.explainedVariance = this.explainedVarianceRatio = null;
    this.singularValues = this.mean = null;
  }

  private componentCount(ratio: Float64Array, available: number): number {
    const n = this.options.nComponents;
    if (n === undefined) return available;
    if (n >= 1) {
      if (n > available)
        throw new RangeError(`PCA: nComponents ${n} exceeds min(samples, features) = ${available}`);
      return n;
    }
    let cumulative = 0;
    for (let c = 0; c < available; c++) {
      cumulative += ratio[c]!;
      if (cumulative >= n) return c + 1;
    }
    return available;
  }

  private fitted(x?: Tensor): { mean: Tensor; components: Tensor; variance: Tensor } {
    const { mean, components, explainedVariance: variance } = this;
    if (mean === null || components === null || variance === null)
      throw new Error('PCA: call fit() before transform()');
    if (x !== undefined && (x.ndim !== 2 || x.shape[1] !== mean.shape[0]))
      throw new RangeError(`PCA: fitted on ${mean.shape[0]} features, got shape [${x.shape.join(',')}]`);
    return { mean, components, variance };
  }
}
