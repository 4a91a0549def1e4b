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
const string = (value: string): Attribute => ({ string: value });

/** ONNX's data type codes of the Cast targets used here. */
const CAST_TO = { float32: 1, int32: 6, bool: 9 } as const;

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
  if (graph.isDynamic(x)) graph.requireUnfixed(out, `${call.op} to [${shape.join(',')}]`);
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
    if (graph.isDynamic(x)) graph.requireUnfixed([height, width], 'the window of adaptive pooling');
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

/** A comparison (ONNX gives bool) followed by a Cast to Myelin's float32 1/0; `ne` is Not(Equal). */
function comparison(opType: string, negate = false, scalar = 'scalar'): Mapping {
  return (call, { graph, scope }) => {
    const [a, b] = call.inputs;
    const second = b === undefined ? graph.scalar(call.attrs[scalar] as number) : graph.value(b);
    let [result] = graph.node(opType, [graph.value(a!), second], [graph.temp(opType)], {}, scope);
    if (negate) [result] = graph.node('Not', [result!], [graph.temp('not')], {}, scope);
    graph.node('Cast', [result!], call.outputs, { to: int(CAST_TO.float32) }, scope);
  };
}

/** `f(x + 1)` or `f(x) − 1`: log1p and expm1 (ONNX has neither). */
function offsetUnary(opType: string, before: boolean): Mapping {
  return (call, { graph, scope }) => {
    const x = graph.value(call.inputs[0]!);
    const one = graph.scalar(1);
    if (before) {
      const [shifted] = graph.node('Add', [x, one], [graph.temp('plus_one')], {}, scope);
      graph.node(opType, [shifted!], call.outputs, {}, scope);
    } else {
      const [y] = graph.node(opType, [x], [graph.temp(opType)], {}, scope);
      graph.node('Sub', [y!, one], call.outputs, {}, scope);
    }
  };
}

/**
 * ONNX Pad from torch.nn.functional.pad's amounts, which list (before, after) pairs from the LAST
 * dimension: ONNX wants every axis's begin, then every axis's end, in axis order.
 */
const padMapping: Mapping = (call, { graph, scope }) => {
  const x = call.inputs[0]!;
  const { pad, mode, value } = call.attrs as { pad: readonly number[]; mode: string; value: number };
  const begins = new Array<number>(x.ndim).fill(0);
  const ends = new Array<number>(x.ndim).fill(0);
  for (let i = 0; i < pad.length / 2; i++) {
    begins[x.ndim - 1 - i] = pad[2 * i]!;
    ends[x.ndim - 1 - i] = pad[2 * i + 1]!;
  }
  const onnxMode = { constant: 'constant', reflect: 'reflect', replicate: 'edge' }[mode];
  if (onnxMode === undefined) throw new UnsupportedCall(`pad mode '${mode}'`);
  const inputs = [graph.value(x), graph.int64([...begins, ...ends], 'pads')];
  if (mode === 'constant') inputs.push(graph.scalar(value));
  graph.node('Pad', inputs, call.outputs, { mode: string(onnxMode) }, scope);
};

/**
 * ONNX Resize for interpolate (NCHW): a scale factor becomes Resize's scales (PyTorch maps
 * coordinates with the factor too); a size becomes Resize's sizes, the batch and channels taken
 * from the input's Shape so the batch stays dynamic. PyTorch's 'nearest' is ONNX's 'asymmetric'
 * transformation with nearest_mode 'floor'; 'bilinear' is 'linear' with 'align_corners' or
 * 'pytorch_half_pixel'.
 */
const interpolateMapping: Mapping = (call, { graph, scope }) => {
  const x = call.inputs[0]!;
  const { size, scaleFactor, mode, alignCorners } = call.attrs as {
    size: readonly number[];
    scaleFactor: readonly number[];
    mode: string;
    alignCorners: boolean;
  };
  const input = graph.value(x);
  const inputs = [input, ''];
  if (scaleFactor.length === 2) {
    inputs.push(graph.floats(new Float32Array([1, 1, ...scaleFactor]), [4], 'scales'));
  } else {
    const [shape] = graph.node('Shape', [input], [graph.temp('shape')], {}, scope);
    const [batchChannels] = graph.node(
      'Slice',
      [shape!, graph.int64([0], 'starts'), graph.int64([2], 'ends')],
      [graph.temp('batch_channels')],
      {},
      scope,
    );
    const [sizes] = graph.node(
      'Concat',
      [batchChannels!, graph.int64(size, 'size')],
      [graph.temp('sizes')],
      { axis: int(0) },
      scope,
    );
    inputs.push('', sizes!);
  }
  const attributes: Record<string, Attribute> =
    mode === 'nearest'
      ? {
          mode: string('nearest'),
          coordinate_transformation_mode: string('asymmetric'),
          nearest_mode: string('floor'),
        }
      : {
          mode: string('linear'),
          coordinate_transformation_mode: string(alignCorners ? 'align_corners' : 'pytorch_half_pixel'),
        };
  graph.node('Resize', inputs, call.outputs, attributes, scope);
};

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
  log1p: offsetUnary('Log', true),
  expm1: offsetUnary('Exp', false),
  step: comparison('Greater', false, 'threshold'),
  gt: comparison('Greater'),
  ge: comparison('GreaterOrEqual'),
  lt: comparison('Less'),
  le: comparison('LessOrEqual'),
  eq: comparison('Equal'),
  ne: comparison('Equal', true),
  where: (call, { graph, scope }) => {
    const { a, b } = call.attrs as { a: number | null; b: number | null };
    const [condition, ...branches] = call.inputs.map((t) => graph.value(t));
    const [bool] = graph.node(
      'Cast',
      [condition!],
      [graph.temp('condition')],
      { to: int(CAST_TO.bool) },
      scope,
    );
    const first = a === null ? branches.shift()! : graph.scalar(a);
    const second = b === null ? branches.shift()! : graph.scalar(b);
    graph.node('Where', [bool!, first, second], call.outputs, {}, scope);
  },
  cast: (call, { graph, scope }) => {
    const to = CAST_TO[call.attrs.dtype as 'float32' | 'int32'];
    graph.node('Cast', [graph.value(call.inputs[0]!)], call.outputs, { to: int(to) }, scope);
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
    } else if (graph.isDynamic(x)) {
      // Up to the end of another dimension: to its end, whatever its size.
      if (end === x.shape[dim]) end = 2 ** 53 - 1;
      else graph.requireUnfixed([x.shape[dim]!], `slice along dimension ${dim}`);
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
  convTranspose2d: direct('ConvTranspose', (c) => ({
    kernel_shape: ints(c.inputs[1]!.shape.slice(2)),
    strides: ints(c.attrs.stride as readonly number[]),
    pads: ints(pads(c.attrs.padding as readonly number[])),
    dilations: ints(c.attrs.dilation as readonly number[]),
    group: int(c.attrs.groups as number),
    output_padding: ints(c.attrs.outputPadding as readonly number[]),
  })),
  pad: padMapping,
  interpolate: interpolateMapping,
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
