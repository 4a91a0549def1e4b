// Modules for the activations of nn.functional's completion (issue 16 item 7): GELU, Softplus, Mish,
// Hardtanh, LogSigmoid and SiLU, each a thin wrapper over its function in ../functional-extra.ts.
import type { Tensor } from '@myelin/tensor';
import { gelu, hardtanh, logsigmoid, mish, silu, softplus } from '../functional-extra.js';
import { Module } from '../module.js';
import { checkOptions, requireTensor } from '../validate.js';

/** A module applying an elementwise function, checking its input in `name.forward`'s name. */
abstract class Elementwise extends Module {
  protected constructor(
    private readonly name: string,
    private readonly apply: (x: Tensor) => Tensor,
  ) {
    super();
  }

  forward(x: Tensor): Tensor {
    requireTensor(`${this.name}.forward`, 'the input', x, 'float32');
    return this.apply(x);
  }
}

/** GELU layer, exact or `approximate: 'tanh'`; see {@link gelu}. @example new GELU({ approximate: 'tanh' }) */
export class GELU extends Elementwise {
  static override readonly layerName = 'GELU';
  constructor(readonly options: { approximate?: 'none' | 'tanh' } = {}) {
    super('GELU', (x) => gelu(x, options));
    checkOptions('GELU', options, ['approximate']);
    const { approximate = 'none' } = options;
    if (approximate !== 'none' && approximate !== 'tanh') {
      throw new RangeError(`GELU: approximate must be 'none' or 'tanh', got '${String(approximate)}'`);
    }
  }

  protected override describe(): string {
    return `approximate='${this.options.approximate ?? 'none'}'`;
  }
}

/** Softplus layer; see {@link softplus}. @example new Softplus({ beta: 2 }) */
export class Softplus extends Elementwise {
  static override readonly layerName = 'Softplus';
  constructor(readonly options: { beta?: number; threshold?: number } = {}) {
    super('Softplus', (x) => softplus(x, options));
    checkOptions('Softplus', options, ['beta', 'threshold']);
    const { beta = 1, threshold = 20 } = options;
    if (!(Number.isFinite(beta) && beta > 0) || !Number.isFinite(threshold)) {
      throw new RangeError(
        `Softplus: beta must be a number > 0 and threshold a finite number, got beta=${beta}, threshold=${threshold}`,
      );
    }
  }

  protected override describe(): string {
    return `beta=${this.options.beta ?? 1}, threshold=${this.options.threshold ?? 20}`;
  }
}

/** Mish layer, x·tanh(softplus(x)). @example new Mish() */
export class Mish extends Elementwise {
  static override readonly layerName = 'Mish';
  constructor() {
    super('Mish', mish);
  }
}

/** Hardtanh layer (clamp to [minVal, maxVal], default [−1, 1]). @example new Hardtanh({ minVal: 0, maxVal: 6 }) */
export class Hardtanh extends Elementwise {
  static override readonly layerName = 'Hardtanh';
  constructor(readonly options: { minVal?: number; maxVal?: number } = {}) {
    super('Hardtanh', (x) => hardtanh(x, options));
    checkOptions('Hardtanh', options, ['minVal', 'maxVal']);
    const { minVal = -1, maxVal = 1 } = options;
    if (!(Number.isFinite(minVal) && Number.isFinite(maxVal) && minVal <= maxVal)) {
      throw new RangeError(
        `Hardtanh: minVal and maxVal must be finite numbers with minVal <= maxVal, got ${minVal} and ${maxVal}`,
      );
    }
  }

  protected override describe(): string {
    return `minVal=${this.options.minVal ?? -1}, maxVal=${this.options.maxVal ?? 1}`;
  }
}

/** LogSigmoid layer, log σ(x) computed stably. @example new LogSigmoid() */
export class LogSigmoid extends Elementwise {
  static override readonly layerName = 'LogSigmoid';
  constructor() {
    super('LogSigmoid', logsigmoid);
  }
}

/** SiLU (swish) layer, x·σ(x). @example new SiLU() */
export class SiLU extends Elementwise {
  static override readonly layerName = 'SiLU';
  constructor() {
    super('SiLU', silu);
  }
}
