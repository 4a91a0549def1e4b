import { anomalyState, hasNonFinite } from './anomaly.js';
import { callSite } from './call-site.js';
import { isGradEnabled, noGrad, tidy } from './scope.js';
import { formatShape } from './shape.js';
import type { Tensor } from './tensor.js';

/**
 * The backward rule of a one-output op: the gradients of its inputs from the output's gradient and
 * the tensors it saved. `needsGrad[i]` says whether input i wants a gradient: a rule skips the work
 * for the others and returns null there (the engine ignores what is not needed either way).
 */
export type BackwardFn = (
  gradOutput: Tensor,
  saved: readonly Tensor[],
  needsGrad: readonly boolean[],
) => readonly (Tensor | null)[];

/**
 * The backward rule of a multi-output op. `gradOutputs[k]` is null when output k received no
 * gradient (unused, or not part of the loss); the rule treats it as zeros.
 */
export type MultiBackwardFn = (
  gradOutputs: readonly (Tensor | null)[],
  saved: readonly Tensor[],
  needsGrad: readonly boolean[],
) => readonly (Tensor | null)[];

/** Where an input's gradient goes: output `output` of the node that produced it, or the leaf itself. */
interface Edge {
  node: Node | null;
  output: number;
  leaf: Tensor | null;
}

/** A saved tensor and the version of its storage when it was saved (to detect in-place changes). */
interface SavedTensor {
  tensor: Tensor;
  version: number;
}

/**
 * One recorded operation of the autograd graph, with one or more outputs. Nodes are
 * reference-counted by the tensors whose `gradFn` they are and by the nodes that consume them: when
 * the last reference goes (the outputs disposed and no later op uses them), the node releases its
 * saved tensors and lets go of its inputs, so a graph that is never backpropagated does not leak.
 */
export class Node {
  private refs = 0;
  private freed = false;
  /** Whether each input wants a gradient (it requires grad). */
  readonly needsGrad: readonly boolean[];
  /** Where user code called the op (recorded in anomaly mode only). */
  readonly site: string | null = anomalyState.enabled ? callSite() : null;

  constructor(
    readonly name: string,
    private readonly edges: readonly Edge[],
    private saved: readonly SavedTensor[],
    private readonly backwardFn: MultiBackwardFn,
    /** How many outputs the op has. */
    readonly outputs: number,
  ) {
    for (const edge of edges) edge.node?.ref();
    this.needsGrad = edges.map((e) => e.node !== null || e.leaf !== null);
  }

  ref(): void {
    this.refs++;
  }

  /** Drops one reference; frees this node and, iteratively, any inputs left unreferenced. */
  unref(): void {
    const stack: Node[] = [this];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (--node.refs > 0) continue;
      node.releaseSaved();
      for (const edge of node.edges) if (edge.node !== null) stack.push(edge.node);
    }
  }

  /** @internal */
  get inputs(): readonly Edge[] {
    return this.edges;
  }

  /** @internal */
  releaseSaved(): void {
    if (this.freed) return;
    this.freed = true;
    for (const s of this.saved) s.tensor.dispose();
    this.saved = [];
  }

  /** @internal */
  apply(gradOutputs: readonly (Tensor | null)[]): readonly (Tensor | null)[] {
    if (this.freed) {
      throw new Error(
        `backward: trying to backpropagate through '${this.name}' a second time, but its saved tensors were ` +
          'already freed; pass { retainGraph: true } to the first backward() if you need to do this',
      );
    }
    for (const s of this.saved) {
      const now = s.tensor._version;
      if (now !== s.version) {
        throw new Error(
          `backward: a tensor of shape ${formatShape(s.tensor.shape)} that '${this.name}' saved for its gradient ` +
            `was modified in place by '${s.tensor._lastInPlaceOp}' after it was saved (version ${now}, ` +
            `expected ${s.version}); use the out-of-place op (e.g. add instead of add_) or clone() first`,
        );
      }
    }
    return this.backwardFn(
      gradOutputs,
      this.saved.map((s) => s.tensor),
      this.needsGrad,
    );
  }
}

/**
 * Attaches a backward rule to the outputs of an op if grad mode is on and any input requires grad.
 * `saved` are the tensors the rule needs; private views of them are kept (so the caller may dispose
 * its own), and an in-place change to one of them before backward is an error.
 */
export function recordMulti(
  outputs: readonly Tensor[],
  name: string,
  inputs: readonly Tensor[],
  saved: readonly Tensor[],
  backward: MultiBackwardFn,
): void {
  if (!isGradEnabled() || !inputs.some((t) => t.requiresGrad)) return;
  const edges = inputs.map((t) => ({
    node: t.requiresGrad ? t._gradFn : null,
    output: t._outputIndex,
    leaf: t.requiresGrad && t._gradFn === null ? t : null,
  }));
  const node = new Node(
    name,
    edges,
    saved.map((t) => ({ tensor: t._privateView(), version: t._version })),
    backward,
    outputs.length,
  );
  outputs.forEach((out, i) => {
    out._attachGradFn(node, i);
  });
}

/** {@link recordMulti} for the common one-output op. */
export function record(
  out: Tensor,
  name: string,
  inputs: readonly Tensor[],
  saved: readonly Tensor[],
  backward: BackwardFn,
): void {
  recordMulti([out], name, inputs, saved, (grads, s, needs) => backward(grads[0]!, s, needs));
}

/** Options of {@link Tensor.backward}. */
export interface BackwardOptions {
  /** Keep the saved tensors so the graph can be backpropagated again (default false). */
  retainGraph?: boolean;
}

/**
 * Reverse-mode differentiation from `root`: accumulates d(root)/d(leaf) into `.grad` of every leaf
 * that requires grad. Iterative (deep graphs do not overflow the stack); each node's saved tensors
 * are released as soon as it has run, unless `retainGraph`.
 */
export function backward(root: Tensor, gradient?: Tensor, options: BackwardOptions = {}): void {
  root._check('backward');
  if (!root.requiresGrad) {
    throw new Error(
      'backward: the tensor does not require grad (no input of the computation had requiresGrad: true)',
    );
  }
  if (gradient === undefined && root.size !== 1) {
    throw new Error(
      `backward: a gradient can only be created implicitly for a tensor with one element, but this one has shape ` +
        `${formatShape(root.shape)}; pass backward(gradient) with a gradient of that shape`,
    );
  }
  if (gradient !== undefined) {
    gradient._check('backward');
    if (formatShape(gradient.shape) !== formatShape(root.shape) || gradient.dtype !== 'float32') {
      throw new RangeError(
        `backward: gradient of shape ${formatShape(gradient.shape)} (${gradient.dtype}) does not match the tensor's ` +
          `shape ${formatShape(root.shape)} (float32)`,
      );
    }
  }
  tidy(() =>
    noGrad(() => {
      const seed = gradient !== undefined ? gradient._copy() : root._onesLike();
      const rootNode = root._gradFn;
      if (rootNode === null) {
        if (!root._accumulateGrad(seed)) seed.dispose();
        return;
      }
      const order = topologicalOrder(rootNode);
      const grads = new Map<Node, (Tensor | null)[]>();
      slotsOf(grads, rootNode)[root._outputIndex] = seed;
      for (const node of order) {
        const gradOutputs = grads.get(node);
        if (gradOutputs === undefined) continue;
        grads.delete(node);
        const inputGrads = node.apply(gradOutputs);
        if (anomalyState.enabled) checkBackward(node, inputGrads);
        // A rule may pass an incoming gradient through (add) or return one tensor for several
        // inputs: each consumer then gets its own view, and nothing returned is disposed here.
        // Views are taken up front, before any consumer can dispose the shared tensor.
        const owned = inputGrads.map((g, i) =>
          g === null || g === undefined ? null : inputGrads.indexOf(g) < i ? g._view(g.shape, g.strides) : g,
        );
        for (const g of gradOutputs) if (g !== null && !inputGrads.includes(g)) g.dispose();
        node.inputs.forEach((edge, i) => {
          const g = owned[i];
          if (g === null || g === undefined) return;
          if (edge.node !== null) {
            const slots = slotsOf(grads, edge.node);
            const previous = slots[edge.output];
            if (previous === null || previous === undefined) {
              slots[edge.output] = g;
            } else {
              slots[edge.output] = previous.add(g);
              previous.dispose();
              g.dispose();
            }
          } else if (edge.leaf !== null) {
            if (!edge.leaf._accumulateGrad(g)) g.dispose();
          } else {
            g.dispose();
          }
        });
        if (!options.retainGraph) node.releaseSaved();
      }
    }),
  );
}

/** In anomaly mode: throws if a backward rule returned a NaN/Inf gradient. */
function checkBackward(node: Node, grads: readonly (Tensor | null)[]): void {
  const bad = grads.findIndex((g) => g !== null && g !== undefined && hasNonFinite(g));
  if (bad < 0) return;
  throw new Error(
    `detectAnomaly: the backward of '${node.name}' returned NaN or Inf in the gradient of its input ${bad} ` +
      `(shape ${formatShape(grads[bad]!.shape)}); the op was called ${node.site ?? '(before anomaly detection was on)'}`,
  );
}

function slotsOf(grads: Map<Node, (Tensor | null)[]>, node: Node): (Tensor | null)[] {
  let slots = grads.get(node);
  if (slots === undefined) {
    slots = new Array<Tensor | null>(node.outputs).fill(null);
    grads.set(node, slots);
  }
  return slots;
}

/** Nodes reachable from `root`, each after every node that consumes it (iterative DFS). */
function topologicalOrder(root: Node): Node[] {
  const postorder: Node[] = [];
  const visited = new Set<Node>([root]);
  const stack: { node: Node; next: number }[] = [{ node: root, next: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const edges = top.node.inputs;
    if (top.next < edges.length) {
      const child = edges[top.next++]!.node;
      if (child !== null && !visited.has(child)) {
        visited.add(child);
        stack.push({ node: child, next: 0 });
      }
    } else {
      postorder.push(top.node);
      stack.pop();
    }
  }
  return postorder.reverse();
}
