// The ONNX graph being built from a trace: value names for tensors (by identity), nodes,
// initializers, and which values depend on the graph input (so that shapes carrying the batch size
// can be written batch-independent).
import type { Tensor } from '@myelin/tensor';
import { UnsupportedCall } from './ops.js';
import { AttributeType, DataType, int64 } from './proto.js';

/** An attribute value as written: an int, a float, a string, or a list of ints or strings. */
export type Attribute =
  | { readonly int: number }
  | { readonly float: number }
  | { readonly string: string }
  | { readonly ints: readonly number[] }
  | { readonly strings: readonly string[] };

/** An int64 field as protobufjs encodes it (see {@link int64}). */
type Int64 = ReturnType<typeof int64>;

/** A node attribute as protobufjs encodes it. */
interface AttributeMessage {
  name: string;
  type: number;
  i?: Int64;
  f?: number;
  s?: Uint8Array;
  ints?: Int64[];
  strings?: Uint8Array[];
}

/** A NodeProto as protobufjs encodes it. */
export interface NodeMessage {
  name: string;
  opType: string;
  input: string[];
  output: string[];
  attribute: AttributeMessage[];
}

/** A TensorProto as protobufjs encodes it. */
export interface TensorMessage {
  name: string;
  dims: Int64[];
  dataType: number;
  rawData?: Uint8Array;
  int64Data?: Int64[];
}

/** What a traced tensor is when it is first met: the graph input, a named parameter, or other. */
export interface GraphSources {
  readonly input: Tensor;
  readonly inputName: string;
  /** Parameters and buffers by identity, with their dotted names. */
  readonly named: ReadonlyMap<Tensor, string>;
  /** The batch size of the example input when the batch dimension is dynamic, else null. */
  readonly batch: number | null;
  /** The input's other dynamic axes (after the first): their symbols and example sizes. */
  readonly otherAxes: readonly { readonly name: string; readonly size: number }[];
}

export class GraphBuilder {
  readonly nodes: NodeMessage[] = [];
  readonly initializers: TensorMessage[] = [];
  private readonly names = new Map<Tensor, string>();
  private readonly dynamic = new Set<Tensor>();
  private readonly dynamicNames = new Set<string>();
  private readonly used = new Set<string>();
  private readonly sharedValues = new Map<string, string>();
  private counter = 0;

  constructor(readonly sources: GraphSources) {
    this.names.set(sources.input, sources.inputName);
    this.used.add(sources.inputName);
    this.dynamic.add(sources.input);
    this.dynamicNames.add(sources.inputName);
  }

  /** The batch size when dynamic, else null. */
  get batch(): number | null {
    return this.sources.batch;
  }

  /**
   * The value name of `t`; a tensor not seen before becomes an initializer holding its values now,
   * except a constant filled with one value whose first dimension is the example's batch (e.g. the
   * zero state a recurrent cell makes with `zeros([batch, hidden])`): that one is expanded to the
   * batch of the graph input (Shape, Slice, Concat, Expand), so that it follows any batch size.
   */
  value(t: Tensor): string {
    const known = this.names.get(t);
    if (known !== undefined) return known;
    const named = this.sources.named.get(t);
    const alias = named === undefined ? this.sameView(t) : undefined;
    if (alias !== undefined) {
      this.names.set(t, alias);
      if (this.dynamicNames.has(alias)) this.dynamic.add(t);
      return alias;
    }
    const data = t.data();
    const filled =
      this.batch !== null && t.ndim > 0 && t.shape[0] === this.batch && data.every((v) => v === data[0]);
    if (named === undefined && filled) {
      const name = this.batchFilled(t, data[0]!);
      this.names.set(t, name);
      this.dynamic.add(t);
      return name;
    }
    if (named === undefined) this.requireUnfixed(t.shape, `a constant of shape [${t.shape.join(',')}]`);
    const name = this.unique(named ?? 'const');
    this.names.set(t, name);
    this.initializers.push(tensorMessage(name, t));
    return name;
  }

  /**
   * The name of a live traced tensor that `t` is an untraced view of with the same layout (e.g.
   * `y.detach()`, which is no op), if any.
   */
  private sameView(t: Tensor): string | undefined {
    for (const [known, name] of this.names) {
      if (known.isDisposed || known._ptr !== t._ptr || known.dtype !== t.dtype) continue;
      const same = (a: readonly number[], b: readonly number[]) =>
        a.length === b.length && a.every((v, i) => v === b[i]);
      if (same(known.shape, t.shape) && same(known.strides, t.strides)) return name;
    }
    return undefined;
  }

  /** Expand(value, [batch of the graph input, ...t.shape[1:]]) for a batch-shaped constant `t`. */
  private batchFilled(t: Tensor, value: number): string {
    const [shape] = this.node('Shape', [this.sources.inputName], [this.temp('input_shape')]);
    const starts = this.int64([0], 'starts');
    const [batch] = this.node('Slice', [shape!, starts, this.int64([1], 'ends')], [this.temp('batch')]);
    const [full] = this.node(
      'Concat',
      [batch!, this.int64(t.shape.slice(1), 'shape')],
      [this.temp('shape')],
      {
        axis: { int: 0 },
      },
    );
    const name = this.unique('filled');
    const raw = t.dtype === 'int32' ? new Int32Array([value]) : new Float32Array([value]);
    const dataType = t.dtype === 'int32' ? DataType.INT32 : DataType.FLOAT;
    this.initializers.push({ name, dims: [], dataType, rawData: new Uint8Array(raw.buffer) });
    return this.node('Expand', [name, full!], [this.temp('expanded')])[0]!;
  }

  /** Whether `t` depends on the graph input (its batch dimension follows the input's). */
  isDynamic(t: Tensor): boolean {
    return this.dynamic.has(t);
  }

  /**
   * Whether `t`'s first dimension carries the batch (dynamic export, dependent on the input, and a
   * multiple of the example's batch size: e.g. [N·L, E] after merging the batch and a sequence).
   */
  hasBatch(t: Tensor): boolean {
    return this.batch !== null && this.isDynamic(t) && t.ndim > 0 && t.shape[0]! % this.batch === 0;
  }

  /**
   * Throws (an {@link UnsupportedCall}) when `sizes`, about to be written into the graph as `what`,
   * hold the example size of a dynamic input axis other than the first: the exported model would only
   * work at that size. (The first axis is handled by {@link hasBatch}.)
   *
   * NOTE: sizes are told apart by value, as for the batch: give dynamic axes example sizes that no
   * other dimension of the model has.
   */
  requireUnfixed(sizes: readonly number[], what: string): void {
    for (const { name, size } of this.sources.otherAxes) {
      if (sizes.includes(size))
        throw new UnsupportedCall(
          `the dynamic axis '${name}' (${size} in the example input) would be fixed by ${what}`,
        );
    }
  }

  /** A new int64 vector initializer (shapes, axes, pads, sizes, …). */
  int64(values: readonly (number | bigint)[], hint: string): string {
    const name = this.unique(hint);
    this.initializers.push({
      name,
      dims: [int64(values.length)],
      dataType: DataType.INT64,
      int64Data: values.map(int64),
    });
    return name;
  }

  /** A new float32 initializer holding `data` with shape `dims`. */
  floats(data: Float32Array, dims: readonly number[], hint: string): string {
    const name = this.unique(hint);
    const raw = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
    this.initializers.push({ name, dims: dims.map(int64), dataType: DataType.FLOAT, rawData: raw });
    return name;
  }

  /**
   * The value made by `make` the first time `key` is asked for (e.g. a recurrent layer's converted
   * weights, which every call of the layer shares), that same value afterwards.
   */
  shared(key: string, make: () => string): string {
    let name = this.sharedValues.get(key);
    if (name === undefined) {
      name = make();
      this.sharedValues.set(key, name);
    }
    return name;
  }

  /** A new float32 scalar initializer. */
  scalar(value: number): string {
    const name = this.unique('scalar');
    const raw = new Uint8Array(new Float32Array([value]).buffer);
    this.initializers.push({ name, dims: [], dataType: DataType.FLOAT, rawData: raw });
    return name;
  }

  /** A new float32 vector initializer filled with `value`. */
  filled(length: number, value: number, hint: string): string {
    const name = this.unique(hint);
    const raw = new Uint8Array(new Float32Array(length).fill(value).buffer);
    this.initializers.push({ name, dims: [int64(length)], dataType: DataType.FLOAT, rawData: raw });
    return name;
  }

  /**
   * Adds a node. `outputs` are the traced tensors it computes (they are dynamic when an input is), or
   * value names for nodes whose output feeds another node of the same op.
   */
  node(
    opType: string,
    inputs: readonly string[],
    outputs: readonly (Tensor | string)[],
    attributes: Readonly<Record<string, Attribute>> = {},
    scope = '',
  ): string[] {
    const dynamic = inputs.some((name) => this.dynamicNames.has(name));
    const names = outputs.map((o) => {
      if (typeof o === 'string') return o;
      const name = this.unique(opType);
      this.names.set(o, name);
      if (dynamic) this.dynamic.add(o);
      return name;
    });
    for (const name of names) if (dynamic) this.dynamicNames.add(name);
    this.nodes.push({
      name: this.unique(scope === '' ? `${opType}_node` : `${scope}/${opType}`),
      opType,
      input: [...inputs],
      output: names,
      attribute: Object.entries(attributes).map(([name, value]) => attributeMessage(name, value)),
    });
    return names;
  }

  /** A fresh value name for an intermediate of a multi-node mapping. */
  temp(hint: string): string {
    return this.unique(hint);
  }

  /** Renames value `from` to `to` everywhere (the graph output gets its user-facing name). */
  rename(from: string, to: string): void {
    for (const node of this.nodes) {
      node.input = node.input.map((n) => (n === from ? to : n));
      node.output = node.output.map((n) => (n === from ? to : n));
    }
  }

  private unique(hint: string): string {
    let name = hint;
    while (this.used.has(name)) name = `${hint}_${++this.counter}`;
    this.used.add(name);
    return name;
  }
}

function attributeMessage(name: string, value: Attribute): AttributeMessage {
  const utf8 = (text: string) => new TextEncoder().encode(text);
  if ('int' in value) return { name, type: AttributeType.INT, i: int64(value.int) };
  if ('float' in value) return { name, type: AttributeType.FLOAT, f: value.float };
  if ('string' in value) return { name, type: AttributeType.STRING, s: utf8(value.string) };
  if ('strings' in value) return { name, type: AttributeType.STRINGS, strings: value.strings.map(utf8) };
  return { name, type: AttributeType.INTS, ints: value.ints.map(int64) };
}

/** `t`'s values as a TensorProto (raw little-endian bytes; int32 stays int32). */
function tensorMessage(name: string, t: Tensor): TensorMessage {
  const data = t.data();
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
  return {
    name,
    dims: t.shape.map(int64),
    dataType: t.dtype === 'int32' ? DataType.INT32 : DataType.FLOAT,
    rawData: bytes,
  };
}
