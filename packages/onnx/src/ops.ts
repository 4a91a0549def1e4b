// How each traced Myelin primitive becomes ONNX nodes: one entry per op name. An entry receives the
// traced call (inputs, outputs, plain attributes) and adds nodes to the graph; ops without an entry
// cannot be exported. See the README for the table in prose.
import type { OpCall } from '@myelin/tensor';
import type { Attribute, GraphBuilder } from './graph.js';

/** What a mapping knows besides the call. */
export interface MapContext {
  readonly graph: GraphBuilder;
  readonly opset: number;
  /** The dotted path of the module whose forward made the call ('' for the top level). */
  readonly scope: string;
}

/** Thrown by a mapping when this particular call cannot be exported (the exporter names the op). */
export class UnsupportedCall extends Error {}

type Mapping = (call: OpCall, context: MapContext) => void;

const ints = (values: readonly number[]): Attribute => ({ ints: values });
const int = (value: number | boolean): Attribute => ({ int: Number(value) });
const float = (value: number): Attribute => ({ float: value });

/** A node with the call's inputs and outputs. */
function direct(
  opType: string,
  attributes: (call: OpCall) => Record<string, Attribute> = () => ({}),
): Mapping {
  return (call, { graph, scope }) => {
    graph.node(
      opType,
      call.inputs.map((t) => graph.value(t)),
      call.outputs,
      attributes(call),
      scope,
    );
  };
}

/** A binary op whose second operand may be a number (the `scalar` attribute). */
function binary(opType: string): Mapping {
  return (call, { graph, scope }) => {
    const [a, b] = call.inputs;
    const second = b === undefined ? graph.scalar(call.attrs.scalar as number) : graph.value(b);
    graph.node(opType, [graph.value(a!), second], call.outputs, {}, scope);
  };
}

/**
 * The shape input of Reshape (`expand` false) or Expand: when the input carries the batch, the
 * first dimension becomes −1 (Reshape: whatever the batch makes it) or 1 (Expand: broadcast keeps
 * the input's).
 */
function shapeInput(call: OpCall, context: MapContext, shape: readonly number[], expand: boolean): string {
  const { graph } = context;
  const x = call.inputs[0]!;
  const out = [...shape];
  if (graph.hasBatch(x) && out.length > 0) {
    if (expand) {
      if (out[0] === x.shape[0]) out[0] = 1;
    } else if (out[0]! % graph.batch! === 0) out[0] = -1;
    else {
      throw new UnsupportedCall(
        `the batch dimension (${graph.batch} in the example input) leaves the first dimension in reshape to [${shape.join(',')}]`,
      );
    }
  }
  return graph.int64(out, 'shape');
}

/** Pads [h, w] (symmetric) as ONNX's [top, left, bottom, right]. */
const pads = (padding: readonly number[]) => [...padding, ...padding];

/** AveragePool/MaxPool for an adaptive pool whose windows are all equal, else a global pool or an error. */
function adaptive(global: string, pool: string): Mapping {
  return (call, { graph, scope }) => {
    const x = call.inputs[0]!;
    const [outH, outW] = call.attrs.outputSize as readonly number[];
    const [height, width] = [x.shape[2]!, x.shape[3]!];
    const input = [graph.value(x)];
    const outputs = call.outputs.slice(0, 1);
    if (outH === 1 && outW === 1) {
      graph.node(global, input, outputs, {}, scope);
      return;
    }
    if (height % outH! !== 0 || width % outW! !== 0) {
      throw new UnsupportedCall(
        `output size [${outH},${outW}] does not divide the input size [${height},${width}] (ONNX has no adaptive pooling)`,
      );
    }
    const kernel = [height / outH!, width / outW!];
    graph.node(pool, input, outputs, { kernel_shape: ints(kernel), strides: ints(kernel) }, scope);
  };
}

/** ReduceMax/ReduceMin: axes are an attribute before opset 18, an input from 18. */
function reduceExtreme(opType: string): Mapping {
  return (call, { graph, opset, scope }) => {
    const dims = call.attrs.dims as readonly number[];
    const keepdims = int(call.attrs.keepDim as boolean);
    const x = graph.value(call.inputs[0]!);
    if (opset >= 18) graph.node(opType, [x, graph.int64(dims, 'axes')], call.outputs, { keepdims }, scope);
    else graph.node(opType, [x], call.outputs, { axes: ints(dims), keepdims }, scope);
  };
}

/** ArgMax/ArgMin (int64 in ONNX) followed by a Cast to Myelin's int32. */
function argExtreme(opType: string): Mapping {
  return (call, { graph, scope }) => {
    const x = call.inputs[0]!;
    let input = graph.value(x);
    let axis = call.attrs.dim as number | null;
    const keepDim = call.attrs.keepDim as boolean;
    if (axis === null) {
      if (keepDim && x.ndim > 1) throw new UnsupportedCall('argmax over all dimensions with keepDim');
      input = graph.node('Reshape', [input, graph.int64([-1], 'shape')], [graph.temp('flat')], {}, scope)[0]!;
      axis = 0;
    }
    const [index] = graph.node(
      opType,
      [input],
      [graph.temp(opType)],
      { axis: int(axis), keepdims: int(keepDim) },
      scope,
    );
    graph.node('Cast', [index!], call.outputs, { to: int(6) }, scope);
  };
}

/** The mapping of every exportable op. */
export const mappings: Readonly<Record<string, Mapping>> = {
  add: binary('Add'),
  sub: binary('Sub'),
  mul: binary('Mul'),
  div: binary('Div'),
  pow: binary('Pow'),
  maximum: binary('Max'),
  minimum: binary('Min'),

  neg: direct('Neg'),
  abs: direct('Abs'),
  sign: direct('Sign'),
  exp: direct('Exp'),
  log: direct('Log'),
  sqrt: direct('Sqrt'),
  reciprocal: direct('Reciprocal'),
  square: (call, { graph, scope }) => {
    const x = graph.value(call.inputs[0]!);
    graph.node('Mul', [x, x], call.outputs, {}, scope);
  },
  sigmoid: direct('Sigmoid'),
  tanh: direct('Tanh'),
  relu: direct('Relu'),
  leakyRelu: direct('LeakyRelu', (c) => ({ alpha: float(c.attrs.negativeSlope as number) })),
  elu: direct('Elu', (c) => ({ alpha: float(c.attrs.alpha as number) })),
  selu: direct('Selu'),
  softsign: direct('Softsign'),
  clamp: (call, { graph, scope }) => {
    const { min, max } = call.attrs as { min: number | null; max: number | null };
    const inputs = [graph.value(call.inputs[0]!), min === null ? '' : graph.scalar(min)];
    if (max !== null) inputs.push(graph.scalar(max));
    graph.node('Clip', inputs, call.outputs, {}, scope);
  },

  matmul: direct('MatMul'),
  softmax: direct('Softmax', (c) => ({ axis: int(c.attrs.dim as number) })),
  logSoftmax: direct('LogSoftmax', (c) => ({ axis: int(c.attrs.dim as number) })),

  reshape: (call, context) => {
    const { graph, scope } = context;
    const shape = shapeInput(call, context, call.attrs.shape as readonly number[], false);
    graph.node('Reshape', [graph.value(call.inputs[0]!), shape], call.outputs, {}, scope);
  },
  expand: (call, context) => {
    const { graph, scope } = context;
    const shape = shapeInput(call, context, call.attrs.shape as readonly number[], true);
    graph.node('Expand', [graph.value(call.inputs[0]!), shape], call.outputs, {}, scope);
  },
  permute: direct('Transpose', (c) => ({ perm: ints(c.attrs.dims as readonly number[]) })),
  contiguous: direct('Identity'),
  clone: direct('Identity'),
  slice: (call, { graph, scope }) => {
    const x = call.inputs[0]!;
    const { dim, start, step } = call.attrs as { dim: number; start: number; step: number };
    let end = call.attrs.end as number;
    // Up to the end of the batch dimension: to the end of whatever batch the model gets.
    if (dim === 0 && graph.hasBatch(x)) {
      if (start !== 0 || step !== 1 || end !== x.shape[0])
        throw new UnsupportedCall('the batch dimension can only be sliced whole');
      end = 2 ** 53 - 1;
    }
    const inputs = [graph.value(x), graph.int64([start], 'starts'), graph.int64([end], 'ends')];
    inputs.push(graph.int64([dim], 'axes'), graph.int64([step], 'steps'));
    graph.node('Slice', inputs, call.outputs, {}, scope);
  },
  cat: direct('Concat', (c) => ({ axis: int(c.attrs.dim as number) })),
  indexSelect: direct('Gather', (c) => ({ axis: int(c.attrs.dim as number) })),
  gather: direct('GatherElements', (c) => ({ axis: int(c.attrs.dim as number) })),

  sum: (call, { graph, scope }) => {
    const axes = graph.int64(call.attrs.dims as readonly number[], 'axes');
    const keepdims = int(call.attrs.keepDim as boolean);
    graph.node('ReduceSum', [graph.value(call.inputs[0]!), axes], call.outputs, { keepdims }, scope);
  },
  max: reduceExtreme('ReduceMax'),
  min: reduceExtreme('ReduceMin'),
  argmax: argExtreme('ArgMax'),
  argmin: argExtreme('ArgMin'),

  conv2d: direct('Conv', (c) => ({
    kernel_shape: ints(c.inputs[1]!.shape.slice(2)),
    strides: ints(c.attrs.stride as readonly number[]),
    pads: ints(pads(c.attrs.padding as readonly number[])),
    dilations: ints(c.attrs.dilation as readonly number[]),
    group: int(c.attrs.groups as number),
  })),
  maxPool2d: (call, { graph, scope }) => {
    const a = call.attrs as Record<string, readonly number[]>;
    graph.node(
      'MaxPool',
      [graph.value(call.inputs[0]!)],
      call.outputs.slice(0, 1),
      {
        kernel_shape: ints(a.kernel!),
        strides: ints(a.stride!),
        pads: ints(pads(a.padding!)),
        dilations: ints(a.dilation!),
        ceil_mode: int(call.attrs.ceilMode as boolean),
      },
      scope,
    );
  },
  avgPool2d: (call, { graph, opset, scope }) => {
    const a = call.attrs as Record<string, readonly number[]>;
    if (call.attrs.divisorOverride !== null) throw new UnsupportedCall('divisorOverride');
    const dilated = a.dilation!.some((d) => d !== 1);
    if (dilated && opset < 19) throw new UnsupportedCall('dilation before opset 19');
    const attributes: Record<string, Attribute> = {
      kernel_shape: ints(a.kernel!),
      strides: ints(a.stride!),
      pads: ints(pads(a.padding!)),
      ceil_mode: int(call.attrs.ceilMode as boolean),
      count_include_pad: int(call.attrs.countIncludePad as boolean),
    };
    if (dilated) attributes.dilations = ints(a.dilation!);
    graph.node('AveragePool', [graph.value(call.inputs[0]!)], call.outputs, attributes, scope);
  },
  adaptiveAvgPool2d: adaptive('GlobalAveragePool', 'AveragePool'),
  adaptiveMaxPool2d: adaptive('GlobalMaxPool', 'MaxPool'),

  batchNorm: (call, { graph, scope }) => {
    const { training, eps, hasWeight, hasBias } = call.attrs as {
      training: boolean;
      eps: number;
      hasWeight: boolean;
      hasBias: boolean;
    };
    if (training) throw new UnsupportedCall('batch statistics (training mode)');
    const [x, mean, variance, ...rest] = call.inputs as [...(typeof call.inputs)[number][]];
    const channels = x!.shape[1]!;
    const scale = hasWeight ? graph.value(rest[0]!) : graph.filled(channels, 1, 'scale');
    const bias = hasBias ? graph.value(rest[hasWeight ? 1 : 0]!) : graph.filled(channels, 0, 'bias');
    const inputs = [graph.value(x!), scale, bias, graph.value(mean!), graph.value(variance!)];
    graph.node('BatchNormalization', inputs, call.outputs, { epsilon: float(eps) }, scope);
  },
};
