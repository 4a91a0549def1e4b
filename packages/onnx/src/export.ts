// exportOnnx: runs a module's forward once under a trace of the primitive ops and writes the traced
// graph as an ONNX model.
import type { Module } from '@myelin/nn';
import { checkOptions, describeValue, noGrad, type OpCall, Tensor, tidy, traceOps } from '@myelin/tensor';
import { GraphBuilder } from './graph.js';
import { type MapContext, mappings, UnsupportedCall } from './ops.js';
import { DataType, ModelProto } from './proto.js';
import { exportRecurrent, isRecurrent, type WholeModule } from './recurrent.js';

/** Options of {@link exportOnnx}. */
export interface ExportOnnxOptions {
  /** The ONNX operator set to target, 13 to 21 (default 17). */
  opsetVersion?: number;
  /** The graph input's name (default ['input']). */
  inputNames?: readonly string[];
  /** The graph output's name (default ['output']). */
  outputNames?: readonly string[];
  /**
   * Whether the first dimension is a symbolic 'batch' size (default true): the exported model then
   * accepts any batch size. The example input's batch size must then differ from the model's other
   * dimensions where they meet (use 2 or more, not 1).
   */
  dynamicBatch?: boolean;
  /**
   * The dynamic (symbolic) axes of the input and the output, as in PyTorch's `dynamic_axes`: by
   * name, either `{ axis: 'symbol' }` or a list of axes (named `<name>_dynamic_axes_<k>`), e.g.
   * `{ input: { 0: 'time', 1: 'batch' }, output: { 0: 'time', 1: 'batch' } }` for a time-major
   * recurrent model. Replaces `dynamicBatch` (default: `{ input: { 0: 'batch' } }`, the output's first
   * dimension following it); `{}` fixes every dimension.
   */
  dynamicAxes?: Readonly<Record<string, DynamicAxes>>;
}

/** The dynamic axes of one graph input or output: `{ axis: 'symbol' }` or `[axis, …]`. */
export type DynamicAxes = Readonly<Record<number, string>> | readonly number[];

const fn = 'exportOnnx';
/** The IR version to write for each opset (onnx/onnx docs/Versioning.md). */
const irVersionFor = (opset: number) => (opset <= 18 ? 8 : opset <= 20 ? 9 : 10);

/**
 * Exports `model` as an ONNX model (the bytes of a ModelProto, e.g. to write to a `.onnx` file): runs
 * `model.forward(exampleInput)` once in evaluation mode without gradients, maps every primitive op it
 * calls to ONNX nodes, and stores the parameters, buffers and other constants it reads as
 * initializers. The model's training mode is restored afterwards.
 *
 * Throws naming the op (and the module path) when the forward calls an op that has no ONNX mapping.
 *
 * @example
 * const model = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 3));
 * const bytes = exportOnnx(model, randn([2, 4]));
 * writeFileSync('model.onnx', bytes); // then e.g. onnxruntime's InferenceSession.create('model.onnx')
 */
export function exportOnnx(model: Module, exampleInput: Tensor, options: ExportOnnxOptions = {}): Uint8Array {
  checkOptions(fn, options, ['opsetVersion', 'inputNames', 'outputNames', 'dynamicBatch', 'dynamicAxes']);
  const { opsetVersion = 17, dynamicBatch = true } = options;
  if (!Number.isInteger(opsetVersion) || opsetVersion < 13 || opsetVersion > 21)
    throw new RangeError(
      `${fn}: opsetVersion must be an integer from 13 to 21, got ${describeValue(opsetVersion)}`,
    );
  const inputName = singleName('inputNames', options.inputNames, 'input');
  const outputName = singleName('outputNames', options.outputNames, 'output');
  if (typeof dynamicBatch !== 'boolean')
    throw new TypeError(`${fn}: dynamicBatch must be a boolean, got ${describeValue(dynamicBatch)}`);
  if (typeof model?.forward !== 'function' || typeof model.namedModules !== 'function')
    throw new TypeError(`${fn}: model must be a Module, got ${describeValue(model)}`);
  if (!(exampleInput instanceof Tensor))
    throw new TypeError(`${fn}: exampleInput must be a tensor, got ${describeValue(exampleInput)}`);
  exampleInput._check(fn);
  if (options.dynamicAxes === undefined && dynamicBatch && exampleInput.ndim === 0)
    throw new RangeError(`${fn}: dynamicBatch needs an input with a batch dimension, got a 0-d tensor`);
  if (options.dynamicAxes !== undefined && options.dynamicBatch !== undefined)
    throw new TypeError(`${fn}: give dynamicAxes or dynamicBatch, not both`);
  const axes =
    options.dynamicAxes === undefined
      ? { [inputName]: dynamicBatch ? { 0: 'batch' } : {} }
      : options.dynamicAxes;
  const dynamic = dynamicAxesOf(axes, inputName, outputName);
  checkAxes(dynamic.input, inputName, 'input', exampleInput.shape);

  const named = new Map<Tensor, string>();
  for (const [name, t] of [...model.namedParameters(), ...model.namedBuffers()]) named.set(t, name);
  const leading = dynamic.input.get(0);
  const otherAxes = [...dynamic.input]
    .filter(([axis]) => axis > 0)
    .map(([axis, name]) => ({ name, size: exampleInput.shape[axis]! }));
  const graph = new GraphBuilder({
    input: exampleInput,
    inputName,
    named,
    batch: leading === undefined ? null : exampleInput.shape[0]!,
    otherAxes,
  });

  const { shape: outputShape, value: outputValue } = traceForward(model, exampleInput, graph, opsetVersion);
  checkAxes(dynamic.output, outputName, 'output', outputShape.shape);
  let output = outputValue;
  if (output === inputName || !graph.nodes.some((n) => n.output.includes(output))) {
    output = graph.node('Identity', [output], [graph.temp('identity')])[0]!;
  }
  graph.rename(output, outputName);

  // Unless dynamicAxes names them, the output's dimensions follow the input's dynamic ones: the first
  // when it carries the input's first (`batch`, or e.g. `batch*3` after merging the batch with another
  // dimension), the others by their example size.
  const batch = exampleInput.shape[0]!;
  const dims = (
    shape: readonly number[],
    symbols: ReadonlyMap<number, string>,
    follows: { dynamic: boolean; batched: boolean },
  ) =>
    shape.map((d, i) => {
      const symbol = symbols.get(i);
      if (symbol !== undefined) return { dimParam: symbol };
      if (i === 0 && follows.batched && leading !== undefined)
        return { dimParam: d === batch ? leading : `${leading}*${d / batch}` };
      const other =
        follows.dynamic && (i > 0 || !follows.batched) ? otherAxes.find((a) => a.size === d) : undefined;
      return other === undefined ? { dimValue: d } : { dimParam: other.name };
    });
  const valueInfo = (
    name: string,
    t: { shape: readonly number[]; dtype: string },
    symbols: ReadonlyMap<number, string>,
    follows: { dynamic: boolean; batched: boolean },
  ) => ({
    name,
    type: {
      tensorType: {
        elemType: t.dtype === 'int32' ? DataType.INT32 : DataType.FLOAT,
        shape: { dim: dims(t.shape, symbols, follows) },
      },
    },
  });
  const message = ModelProto.create({
    irVersion: irVersionFor(opsetVersion),
    opsetImport: [{ domain: '', version: opsetVersion }],
    producerName: 'myelin',
    producerVersion: '0.0.0',
    graph: {
      name: model.typeName,
      node: graph.nodes,
      initializer: graph.initializers,
      input: [valueInfo(inputName, exampleInput, dynamic.input, { dynamic: false, batched: false })],
      output: [valueInfo(outputName, outputShape, dynamic.output, outputShape)],
    },
  });
  return ModelProto.encode(message).finish();
}

/** The one name in `names` (default `fallback`). */
function singleName(option: string, names: readonly string[] | undefined, fallback: string): string {
  if (names === undefined) return fallback;
  if (!Array.isArray(names) || names.length !== 1 || typeof names[0] !== 'string' || names[0] === '')
    throw new TypeError(`${fn}: ${option} must be a list of one non-empty name, got ${describeValue(names)}`);
  return names[0];
}

/**
 * The `dynamicAxes` option checked, as the symbol of each dynamic axis of the input and the output
 * (a list of axes gets PyTorch's names, `<name>_dynamic_axes_<k>`).
 */
function dynamicAxesOf(
  option: unknown,
  inputName: string,
  outputName: string,
): { input: Map<number, string>; output: Map<number, string> } {
  const plain = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Tensor);
  if (!plain(option))
    throw new TypeError(
      `${fn}: dynamicAxes must be an object { name: axes } (e.g. { ${inputName}: { 0: 'batch' } }), got ${describeValue(option)}`,
    );
  const result = { input: new Map<number, string>(), output: new Map<number, string>() };
  for (const [name, axes] of Object.entries(option)) {
    const which = name === inputName ? 'input' : name === outputName ? 'output' : null;
    if (which === null)
      throw new RangeError(
        `${fn}: dynamicAxes names '${name}', which is neither the input ('${inputName}') nor the output ('${outputName}')`,
      );
    const symbols = result[which];
    if (!Array.isArray(axes) && !plain(axes))
      throw new TypeError(
        `${fn}: dynamicAxes['${name}'] must be { axis: 'name' } or a list of axes, got ${describeValue(axes)}`,
      );
    const entries: [unknown, unknown][] = Array.isArray(axes)
      ? axes.map((axis, k) => [axis, `${name}_dynamic_axes_${k + 1}`])
      : Object.entries(axes).map(([axis, symbol]) => [/^\d+$/.test(axis) ? Number(axis) : axis, symbol]);
    for (const [axis, symbol] of entries) {
      if (!Number.isInteger(axis) || (axis as number) < 0)
        throw new RangeError(
          `${fn}: dynamicAxes['${name}'] has axis ${describeValue(axis)}; axes are integers from 0`,
        );
      if (symbols.has(axis as number))
        throw new RangeError(`${fn}: dynamicAxes['${name}'] lists axis ${axis} twice`);
      if (typeof symbol !== 'string' || symbol === '')
        throw new TypeError(
          `${fn}: dynamicAxes['${name}'] names axis ${axis} ${describeValue(symbol)}; expected a non-empty string`,
        );
      symbols.set(axis as number, symbol);
    }
  }
  return result;
}

/** Throws unless every dynamic axis of the input or output `name` is one of its dimensions. */
function checkAxes(
  symbols: ReadonlyMap<number, string>,
  name: string,
  what: string,
  shape: readonly number[],
): void {
  for (const axis of symbols.keys()) {
    if (axis >= shape.length)
      throw new RangeError(
        `${fn}: dynamicAxes['${name}'] has axis ${axis}, but the ${what} has shape [${shape.join(',')}] ` +
          `(axes 0 to ${shape.length - 1})`,
      );
  }
}

/**
 * Runs the forward in eval mode under noGrad and a trace, adding each call's nodes to `graph` as it
 * happens (constants are read while they are alive); releases every tensor the forward made.
 */
function traceForward(
  model: Module,
  input: Tensor,
  graph: GraphBuilder,
  opset: number,
): { shape: { shape: number[]; dtype: string; dynamic: boolean; batched: boolean }; value: string } {
  const modes = [...model.namedModules()].map(([, m]) => [m, m.training] as const);
  const state: TraceState = { failure: null, scopes: [], wholeModules: 0 };
  const restore = instrumentForwards(model, state, (scope) => ({ graph, opset, scope }));
  model.eval();
  try {
    return tidy(() =>
      noGrad(() => {
        const out = traceOps(
          () => model.forward(input),
          (call) =>
            mapCall(call, { graph, opset, scope: state.scopes[state.scopes.length - 1] ?? '' }, state),
        );
        if (state.failure !== null) throw state.failure;
        if (!(out instanceof Tensor))
          throw new TypeError(`${fn}: the forward must return one tensor, got ${describeValue(out)}`);
        const shape = {
          shape: [...out.shape],
          dtype: out.dtype,
          dynamic: graph.isDynamic(out),
          batched: graph.hasBatch(out),
        };
        return { shape, value: graph.value(out) };
      }),
    );
  } finally {
    restore();
    for (const [m, training] of modes) m.training = training;
  }
}

/** What the trace tracks besides the graph. */
interface TraceState {
  /** The first call (or module) that could not be exported; mapping stops there. */
  failure: Error | null;
  /** The module paths of the forwards running, innermost last. */
  scopes: string[];
  /** How many modules exported whole (recurrent layers) are running: their ops are not mapped. */
  wholeModules: number;
}

/**
 * Maps one traced call. An op without a mapping throws at once; a call its mapping cannot export is
 * remembered in `state` (and mapping stops) so that an op without a mapping later in the forward,
 * the more fundamental problem, is the one reported.
 */
function mapCall(call: OpCall, context: MapContext, state: TraceState): void {
  if (state.wholeModules > 0) return;
  const where = context.scope === '' ? '' : ` (in module '${context.scope}')`;
  const mapping = mappings[call.op];
  if (mapping === undefined) {
    throw new Error(
      `${fn}: op '${call.op}'${where} has no ONNX mapping yet; supported ops: ${Object.keys(mappings).join(', ')}`,
    );
  }
  if (state.failure !== null) return;
  try {
    mapping(call, context);
  } catch (error) {
    if (!(error instanceof UnsupportedCall)) throw error;
    state.failure = new Error(`${fn}: op '${call.op}'${where} cannot be exported: ${error.message}`);
  }
}

/**
 * Wraps every submodule's forward so that the module path of each traced call is known (for node
 * names and error messages), and every recurrent layer's (the model's own included) so that it is
 * exported whole, as one ONNX RNN/LSTM/GRU node per layer; returns the function that undoes it.
 */
function instrumentForwards(
  model: Module,
  state: TraceState,
  contextOf: (scope: string) => MapContext,
): () => void {
  const undo: (() => void)[] = [];
  for (const [path, module] of model.namedModules()) {
    const whole = isRecurrent(module);
    if (path === '' && !whole) continue;
    const own = Object.hasOwn(module, 'forward');
    const original = module.forward;
    module.forward = (...args: Parameters<Module['forward']>) => {
      state.scopes.push(path);
      if (whole) state.wholeModules++;
      let result: unknown;
      try {
        result = original.apply(module, args);
      } finally {
        state.scopes.pop();
        if (whole) state.wholeModules--;
      }
      if (whole && state.wholeModules === 0 && state.failure === null)
        exportWhole(module, args, result, contextOf(path), state);
      return result;
    };
    undo.push(() => {
      if (own) module.forward = original;
      else delete (module as { forward?: unknown }).forward;
    });
  }
  return () => {
    for (const u of undo) u();
  };
}

/** Exports one call of a recurrent layer, or remembers why it cannot be (as {@link mapCall}). */
function exportWhole(
  module: WholeModule,
  args: unknown[],
  result: unknown,
  context: MapContext,
  state: TraceState,
): void {
  try {
    exportRecurrent(module, args, result, context);
  } catch (error) {
    if (!(error instanceof UnsupportedCall)) throw error;
    const where = context.scope === '' ? '' : ` (module '${context.scope}')`;
    state.failure = new Error(`${fn}: ${module.typeName}${where} cannot be exported: ${error.message}`);
  }
}
