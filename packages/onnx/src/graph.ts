// The ONNX graph being built from a trace: value names for tensors (by identity), nodes,
// initializers, and which values depend on the graph input (so that shapes carrying the batch size
// can be written batch-independent).
import type { Tensor } from '@myelin/tensor';
import { AttributeType, DataType } from './proto.js';

/** An attribute value as written: an int, a float, or a list of ints. */
export type Attribute =
  | { readonly int: number }
  | { readonly float: number }
  | { readonly ints: readonly number[] };

/** A node attribute as protobufjs encodes it. */
interface AttributeMessage {
  name: string;
  type: number;
  i?: number;
  f?: number;
  ints?: number[];
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
  dims: number[];
  dataType: number;
  rawData?: Uint8Array;
  int64Data?: number[];
}

/** What a traced tensor is when it is first met: the graph input, a named parameter, or other. */
export interface GraphSources {
  readonly input: Tensor;
  readonly inputName: string;
  /** Parameters and buffers by identity, with their dotted names. */
  readonly named: ReadonlyMap<Tensor, string>;
  /** The batch size of the example input when the batch dimension is dynamic, else null. */
  readonly batch: number | null;
}

export class GraphBuilder {
  readonly nodes: NodeMessage[] = [];
  readonly initializers: TensorMessage[] = [];
  private readonly names = new Map<Tensor, string>();
  private readonly dynamic = new Set<Tensor>();
  private readonly dynamicNames = new Set<string>();
  private readonly used = new Set<string>();
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

  /** The value name of `t`; a tensor not seen before becomes an initializer holding its values now. */
  value(t: Tensor): string {
    const known = this.names.get(t);
    if (known !== undefined) return known;
    const name = this.unique(this.sources.named.get(t) ?? 'const');
    this.names.set(t, name);
    this.initializers.push(tensorMessage(name, t));
    return name;
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

  /** A new int64 initializer (shapes, axes, …). */
  int64(values: readonly number[], hint: string): string {
    const name = this.unique(hint);
    this.initializers.push({ name, dims: [values.length], dataType: DataType.INT64, int64Data: [...values] });
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
    this.initializers.push({ name, dims: [length], dataType: DataType.FLOAT, rawData: raw });
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
  if ('int' in value) return { name, type: AttributeType.INT, i: value.int };
  if ('float' in value) return { name, type: AttributeType.FLOAT, f: value.float };
  return { name, type: AttributeType.INTS, ints: [...value.ints] };
}

/** `t`'s values as a TensorProto (raw little-endian bytes; int32 stays int32). */
function tensorMessage(name: string, t: Tensor): TensorMessage {
  const data = t.data();
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
  return {
    name,
    dims: [...t.shape],
    dataType: t.dtype === 'int32' ? DataType.INT32 : DataType.FLOAT,
    rawData: bytes,
  };
}
