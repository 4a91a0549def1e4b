import { noGrad, randn, type Tensor, where } from '@myelin/tensor';
import { Module } from '../module.js';
import { checkOptions, describeValue, requireBoolean, requireInteger, requireTensor } from '../validate.js';

/**
 * The rows of `weight` at int32 `indices` (already checked to be in range): [...indices.shape, dim].
 * Lookups of `paddingIdx` read the row detached (no gradient). Shared with nn.functional.embedding.
 */
export function lookup(weight: Tensor, indices: Tensor, paddingIdx: number | null): Tensor {
  const flat = indices.reshape([-1]);
  let rows = weight.indexSelect(0, flat);
  if (paddingIdx !== null) {
    // Padding lookups read the row detached: its value (zero, or a pretrained one), no gradient.
    const keep = noGrad(() => flat.float().ne(paddingIdx).unsqueeze(1));
    rows = where(keep, rows, rows.detach());
  }
  return rows.reshape([...indices.shape, weight.shape[1]!]);
}

/**
 * A lookup table of `numEmbeddings` trainable vectors of size `embeddingDim`, initialised N(0, 1)
 * as PyTorch. `forward(indices)` (int32, any shape) returns [...indices.shape, embeddingDim]; the
 * gradient scatter-adds into the rows that were looked up (repeated indices accumulate). The
 * `paddingIdx` row (negative counts from the end, as PyTorch) starts at zero and receives no
 * gradient; lookups of it return its current value (e.g. a pretrained one).
 *
 * @example const emb = new Embedding(1000, 32); emb.forward(tokenIds) // [batch, seq, 32]
 */
export class Embedding extends Module {
  static override readonly layerName = 'Embedding';
  readonly weight: Tensor;
  /** The padding row, in 0..numEmbeddings − 1, or null. */
  readonly paddingIdx: number | null;

  /**
   * An embedding whose table is a copy of `embeddings` [numEmbeddings, embeddingDim] (PyTorch's
   * Embedding.from_pretrained): frozen (no gradient) unless `freeze: false`. With `paddingIdx`, that
   * row keeps its pretrained value and gets no gradient.
   *
   * @example const emb = Embedding.fromPretrained(gloveVectors, { freeze: false, paddingIdx: 0 });
   */
  static fromPretrained(
    embeddings: Tensor,
    options: { freeze?: boolean; paddingIdx?: number } = {},
  ): Embedding {
    requireTensor('Embedding.fromPretrained', 'embeddings', embeddings, 'float32');
    if (embeddings.ndim !== 2 || embeddings.shape.includes(0)) {
      throw new RangeError(
        `Embedding.fromPretrained: embeddings must be a non-empty 2-D tensor [numEmbeddings, embeddingDim], got ${describeValue(embeddings)}`,
      );
    }
    checkOptions('Embedding.fromPretrained', options, ['freeze', 'paddingIdx']);
    const { freeze = true, paddingIdx } = options;
    requireBoolean('Embedding.fromPretrained', 'freeze', freeze);
    const [rows, dim] = embeddings.shape as [number, number];
    const emb = new Embedding(rows, dim, paddingIdx === undefined ? {} : { paddingIdx });
    noGrad(() => emb.weight.copy_(embeddings));
    if (freeze) emb.weight.requiresGrad_(false);
    return emb;
  }

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
      !(Number.isInteger(paddingIdx) && paddingIdx >= -numEmbeddings && paddingIdx < numEmbeddings)
    ) {
      throw new RangeError(
        `Embedding: paddingIdx must be a row in 0..${numEmbeddings - 1}, got ${describeValue(paddingIdx)} (negative ones count from the end: -${numEmbeddings}..-1)`,
      );
    }
    const padding =
      paddingIdx === undefined ? null : paddingIdx < 0 ? paddingIdx + numEmbeddings : paddingIdx;
    this.paddingIdx = padding;
    this.weight = this.addParameter('weight', randn([numEmbeddings, embeddingDim]));
    if (padding !== null) noGrad(() => this.weight.slice(0, padding, padding + 1).zero_());
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
    return lookup(this.weight, indices, this.paddingIdx);
  }

  protected override describe(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}`;
  }
}
