// The op table. Every primitive operation is defined once, here or beside its family, as an
// `OpDefinition`: its name, its attributes (a plain serialisable object), its forward (the kernels it
// calls), the tensors its backward needs, and its backward (the gradient of each input, given which
// inputs need one). `defineOp` registers the definition in `opTable` and returns the function that
// runs it: it checks the inputs, runs the forward without recording, records the autograd node, and
// reports the call to an active trace (what an exporter such as ONNX reads).
//
// Composite operations (activations, losses, norms, mean, var, …) are plain functions of these
// primitives and need no backward of their own.
import { anomalyState, hasNonFinite } from '../anomaly.js';
import { recordMulti } from '../autograd.js';
import { callSite } from '../call-site.js';
import { isGradEnabled, noGrad } from '../scope.js';
import { formatShape, type Shape } from '../shape.js';
import type { DType, Tensor } from '../tensor.js';

/** An op's attributes: a plain, serialisable object (numbers, booleans, strings, number lists, null). */
export type Attributes = {
  readonly [key: string]: number | boolean | string | null | readonly number[];
};

/** What a backward rule knows about an input without holding on to its data. */
export interface InputInfo {
  readonly shape: Shape;
  readonly dtype: DType;
}

/** The arguments of a backward rule. */
export interface BackwardArgs<A extends Attributes> {
  /** The gradient of each output (null: the output received none, i.e. zeros). */
  readonly grads: readonly (Tensor | null)[];
  /** The tensors `save` chose, in that order. */
  readonly saved: readonly Tensor[];
  readonly attrs: A;
  /** Whether each input wants a gradient: compute only those (return null for the others). */
  readonly needs: readonly boolean[];
  /** Shape and dtype of each input. */
  readonly inputs: readonly InputInfo[];
}

/** One primitive op: see the file's header. */
export interface OpDefinition<A extends Attributes> {
  /** The op's name: in error messages, in `gradFnName`, and in traces. */
  readonly name: string;
  /** Validates inputs and attributes (throwing in the op's name) before anything is allocated. */
  check?(inputs: readonly Tensor[], attrs: A): void;
  /**
   * Computes the outputs with kernels; runs without recording. An op whose backward needs values
   * computed on the way (not inputs or outputs) returns them as `intermediates`, for `save`; they are
   * disposed after recording. `context.recording` says whether a backward can follow (when it
   * cannot, skip the intermediates).
   */
  forward(inputs: readonly Tensor[], attrs: A, context: ForwardContext): ForwardResult;
  /** The tensors backward reads (inputs, outputs or intermediates); default none. */
  save?(
    inputs: readonly Tensor[],
    outputs: readonly Tensor[],
    attrs: A,
    intermediates: readonly Tensor[],
  ): readonly Tensor[];
  /** The gradient of each input; absent for ops that are not differentiable (comparisons, argmax). */
  backward?(args: BackwardArgs<A>): readonly (Tensor | null)[];
}

/** What a forward knows about the call. */
export interface ForwardContext {
  /** Whether the call is recorded for autograd (grad mode on and an input requires grad). */
  readonly recording: boolean;
}

/** A forward's result: the output(s), or outputs plus intermediates for `save`. */
export type ForwardResult =
  | Tensor
  | Tensor[]
  | { readonly outputs: Tensor[]; readonly intermediates: readonly Tensor[] };

/** One op call as a trace sees it. */
export interface OpCall {
  readonly op: string;
  readonly inputs: readonly Tensor[];
  readonly outputs: readonly Tensor[];
  readonly attrs: Attributes;
}

/** Every op defined so far, by name. */
export const opTable = new Map<string, OpDefinition<Attributes>>();

let tracer: ((call: OpCall) => void) | null = null;
let depth = 0;

/**
 * Registers `definition` in {@link opTable} and returns the function that runs it.
 *
 * @example
 * const negate = defineOp<{}>({
 *   name: 'myNeg',
 *   forward: ([x]) => x!.mul(-1),
 *   backward: ({ grads }) => [grads[0]!.neg()],
 * });
 * negate([tensor([1, 2])], {})[0]; // [-1, -2]
 */
export function defineOp<A extends Attributes>(
  definition: OpDefinition<A>,
): (inputs: readonly Tensor[], attrs: A) => Tensor[] {
  if (opTable.has(definition.name))
    throw new Error(`defineOp: an op named '${definition.name}' exists already`);
  opTable.set(definition.name, definition as unknown as OpDefinition<Attributes>);
  return (inputs, attrs) => runOp(definition, inputs, attrs);
}

/** Runs an op: checks, forward without recording, autograd node, trace. */
export function runOp<A extends Attributes>(
  definition: OpDefinition<A>,
  inputs: readonly Tensor[],
  attrs: A,
): Tensor[] {
  for (const t of inputs) t._check(definition.name);
  definition.check?.(inputs, attrs);
  const { backward } = definition;
  const recording = backward !== undefined && isGradEnabled() && inputs.some((t) => t.requiresGrad);
  depth++;
  let outputs: Tensor[];
  let intermediates: readonly Tensor[] = [];
  try {
    const result = noGrad(() => definition.forward(inputs, attrs, { recording }));
    if (Array.isArray(result)) outputs = result;
    else if ('outputs' in result) ({ outputs, intermediates } = result);
    else outputs = [result];
  } finally {
    depth--;
  }
  if (anomalyState.enabled) checkForward(definition.name, inputs, outputs);
  if (backward !== undefined) {
    const saved = definition.save?.(inputs, outputs, attrs, intermediates) ?? [];
    const infos = inputs.map((t) => ({ shape: t.shape, dtype: t.dtype }));
    recordMulti(outputs, definition.name, inputs, saved, (grads, s, needs) =>
      backward({ grads, saved: s, attrs, needs, inputs: infos }),
    );
  }
  for (const t of intermediates) t.dispose(); // saved ones live on as the node's private views
  if (tracer !== null && depth === 0) tracer({ op: definition.name, inputs, outputs, attrs });
  return outputs;
}

/** In anomaly mode: throws if an op made NaN/Inf out of finite inputs. */
function checkForward(name: string, inputs: readonly Tensor[], outputs: readonly Tensor[]): void {
  const bad = outputs.findIndex(hasNonFinite);
  if (bad < 0 || inputs.some(hasNonFinite)) return;
  throw new Error(
    `detectAnomaly: '${name}' produced NaN or Inf in its output ${bad} (shape ${formatShape(outputs[bad]!.shape)}) ` +
      `from finite inputs, called ${callSite()}`,
  );
}

/**
 * Runs `fn` and reports every primitive op it calls (not the ops inside another op's forward), in
 * order: the graph an exporter turns into ONNX nodes. Traces do not nest.
 *
 * @example const calls: OpCall[] = []; traceOps(() => model.forward(x), (c) => calls.push(c));
 */
export function traceOps<T>(fn: () => T, onCall: (call: OpCall) => void): T {
  if (tracer !== null) throw new Error('traceOps: a trace is already running');
  tracer = onCall;
  try {
    return fn();
  } finally {
    tracer = null;
  }
}
