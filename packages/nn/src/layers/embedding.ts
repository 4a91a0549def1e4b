import { noGrad, randn, type Tensor } from '@myelin/tensor';
import { Module } from '../module.js';
import { checkOptions, describeValue, requireInteger, requireTensor } from '../validate.js';

/**
 * A lookup table of `numEmbeddings` trainable vectors of size `embeddingDim`, initialised N(0, 1)
 * as PyTorch. `forward(indices)` (int32, any shape) returns [...indices.shape, embeddingDim]; the
 * gradient scatter-adds into the rows that were looked up (repeated indices accumulate). The
 * `paddingIdx` row starts at zero and receives no gradient.
 *
 * @example const emb = new Embedding(1000, 32); emb.forward(tokenIds) // [batch, seq, 32]
 */
export class Embedding extends Module {
  readonly weight: Tensor;

  constructor(
    readonly numEmbeddings: number,
    readonly embeddingDim: number,
    readonly options: { paddingIdx?: number } = {},
  ) {
    super();
    requireInteger('Embedding', 'numEmbeddings', numEmbeddings, 1);
    requireInteger('Embedding', 'embeddingDim', embeddingDim, 1);
    checkOptions('Embedding', options, ['paddingIdx']);
    const { paddingIdx } = options;
    if (
      paddingIdx !== undefined &&
      !(Number.isInteger(paddingIdx) && paddingIdx >= 0 && paddingIdx < numEmbeddings)
    ) {
      throw new RangeError(
        `Embedding: paddingIdx must be a row in 0..${numEmbeddings - 1}, got ${describeValue(paddingIdx)}`,
      );
    }
    this.weight = this.addParameter('weight', randn([numEmbeddings, embeddingDim]));
    if (paddingIdx !== undefined) noGrad(() => this.weight.slice(0, paddingIdx, paddingIdx + 1).zero_());
  }

  forward(indices: Tensor): Tensor {
    requireTensor('Embedding.forward', 'indices', indices, 'int32');
    const values = indices.data();
    const bad = values.findIndex((i) => i < 0 || i >= this.numEmbeddings);
    if (bad !== -1) {
      throw new RangeError(
        `Embedding.forward: index ${values[bad]} at flat position ${bad} is not a row in 0..${this.numEmbeddings - 1}`,
      );
    }
    const flat = indices.reshape([-1]);
    let rows = this.weight.indexSelect(0, flat);
    const { paddingIdx } = this.options;
    if (paddingIdx !== undefined) {
      // Multiply padding lookups by 0 so that their rows receive no gradient.
      const keep = noGrad(() => flat.float().ne(paddingIdx).unsqueeze(1));
      rows = rows.mul(keep);
    }
    return rows.reshape([...indices.shape, this.embeddingDim]);
  }

  protected override describe(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}`;
  }
}
