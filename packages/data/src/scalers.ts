import { noGrad, type Tensor, tensor, tidy } from '@myelin/tensor';

function requireMatrix(owner: string, x: Tensor): void {
  if (x.ndim !== 2)
    throw new RangeError(`${owner}: expected a [samples, features] matrix, got shape [${x.shape.join(',')}]`);
}

/** Per-feature statistics kept by a fitted scaler (released by dispose). */
abstract class Scaler {
  protected shift: Tensor | null = null;
  protected scale: Tensor | null = null;

  protected constructor(readonly name: string) {}

  /** Learns the statistics from `x` ([samples, features]). Returns this. */
  abstract fit(x: Tensor): this;

  /** (x − shift) / scale, per feature. */
  transform(x: Tensor): Tensor {
    const { shift, scale } = this.fitted(x);
    return tidy(() => noGrad(() => x.sub(shift).div(scale))); // frees x − shift
  }

  /** The inverse: x·scale + shift. */
  inverseTransform(x: Tensor): Tensor {
    const { shift, scale } = this.fitted(x);
    return tidy(() => noGrad(() => x.mul(scale).add(shift))); // frees x·scale
  }

  /** `fit(x)` then `transform(x)`. */
  fitTransform(x: Tensor): Tensor {
    return this.fit(x).transform(x);
  }

  /** Frees the statistics. */
  dispose(): void {
    this.shift?.dispose();
    this.scale?.dispose();
    this.shift = this.scale = null;
  }

  protected setStatistics(shift: Tensor, scale: Tensor): void {
    this.dispose();
    this.shift = shift.keep();
    this.scale = scale.keep();
  }

  private fitted(x: Tensor): { shift: Tensor; scale: Tensor } {
    if (this.shift === null || this.scale === null)
      throw new Error(`${this.name}: call fit() before transform()`);
    if (x.shape[x.ndim - 1] !== this.shift.shape[0]) {
      throw new RangeError(
        `${this.name}: fitted on ${this.shift.shape[0]} features, got shape [${x.shape.join(',')}]`,
      );
    }
    return { shift: this.shift, scale: this.scale };
  }
}

/**
 * Standardisation (z-score): each feature shifted to mean 0 and scaled to unit (population)
 * standard deviation, as scikit-learn's StandardScaler. Constant features keep scale 1.
 *
 * @example const scaler = new StandardScaler(); const xs = scaler.fitTransform(xTrain); scaler.transform(xTest);
 */
export class StandardScaler extends Scaler {
  constructor() {
    super('StandardScaler');
  }

  fit(x: Tensor): this {
    requireMatrix(this.name, x);
    // tidy frees std's intermediates (and std itself once read); only the statistics survive.
    tidy(() => {
      const [mean, std] = noGrad(() => [x.mean(0), x.std(0, { correction: 0 })]);
      const scale = std!.data().map((s) => (s === 0 ? 1 : s));
      this.setStatistics(mean!, tensor(scale));
    });
    return this;
  }

  /** Per-feature means (after fit). */
  get mean(): Tensor | null {
    return this.shift;
  }

  /** Per-feature standard deviations (after fit; 1 for constant features). */
  get std(): Tensor | null {
    return this.scale;
  }
}

/**
 * Min-max feature scaling to `featureRange` (default [0, 1]), as scikit-learn's MinMaxScaler.
 *
 * @example new MinMaxScaler([-1, 1]).fitTransform(x)
 */
export class MinMaxScaler extends Scaler {
  constructor(readonly featureRange: [number, number] = [0, 1]) {
    super('MinMaxScaler');
    if (!(featureRange[0] < featureRange[1]))
      throw new RangeError(`MinMaxScaler: featureRange [${featureRange.join(', ')}] must be increasing`);
  }

  fit(x: Tensor): this {
    requireMatrix(this.name, x);
    const [lo, hi] = this.featureRange;
    const [minT, maxT] = [x.min(0), x.max(0)];
    const [min, max] = [minT.data(), maxT.data()];
    minT.dispose();
    maxT.dispose();
    // x' = (x − min)·(hi − lo)/(max − min) + lo  =  (x − shift)/scale
    const scale = min.map((m, i) => (max[i]! - m === 0 ? 1 : (max[i]! - m) / (hi - lo)));
    const shift = min.map((m, i) => m - lo * scale[i]!);
    this.setStatistics(tensor(shift), tensor(scale));
    return this;
  }
}
