import { isGradEnabled, noGrad, tidy } from './scope.js';
import { formatShape } from './shape.js';
import type { Tensor } from './tensor.js';

/** Computes the gradients of an op's inputs from its output gradient and its saved tensors. */
export type BackwardFn = (gradOutput: Tensor, saved: readonly Tensor[]) => readonly (Tensor | null)[];

/** Where an input's gradient goes: the node that produced it, or the leaf tensor itself. */
interface Edge {
  node: Node | null;
  leaf: Tensor | null;
}

/**
 * One recorded operation of the autograd graph. Nodes are reference-counted by the tensors whose
 * `gradFn` they are and by the nodes that consume them: when the last reference goes (the output
 * tensors disposed and no later op uses them), the node releases its saved tensors and lets go of
 * its inputs, so a graph that is never backpropagated does not leak.
 */
export class Node {
  private refs = 0;
  private freed = false;

  constructor(
    readonly name: string,
    private readonly edges: readonly Edge[],
    private saved: readonly Tensor[],
    private readonly backwardFn: BackwardFn,
  ) {
    for (const edge of edges) edge.node?.ref();
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
    for (const t of this.saved) t.dispose();
    this.saved = [];
  }

  /** @internal */
  apply(gradOutput: Tensor): readonly (Tensor | null)[] {
    if (this.freed) {
      throw new Error(
        `backward: trying to backpropagate through '${this.name}' a second time, but its saved tensors were ` +
          'already freed; pass { retainGraph: true } to the first backward() if you need to do this',
      );
    }
    return this.backwardFn(gradOutput, this.saved);
  }
}

/**
 * Attaches a backward rule to `out` if grad mode is on and any input requires grad. `saved` are the
 * tensors the rule needs; private views of them are kept (so the caller may dispose its own).
 */
export function record(
  out: Tensor,
  name: string,
  inputs: readonly Tensor[],
  saved: readonly Tensor[],
  backward: BackwardFn,
): void {
  if (!isGradEnabled() || !inputs.some((t) => t.requiresGrad)) return;
  const edges = inputs.map((t) => ({
    node: t.requiresGrad ? t._gradFn : null,
    leaf: t.requiresGrad && t._gradFn === null ? t : null,
  }));
  const node = new Node(
    name,
    edges,
    saved.map((t) => t._privateView()),
    backward,
  );
  out._attachGradFn(node);
}

/** Options of {@link backward}. */
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
  if (gradient !== undefined && formatShape(gradient.shape) !== formatShape(root.shape)) {
    throw new RangeError(
      `backward: gradient of shape ${formatShape(gradient.shape)} does not match the tensor's shape ${formatShape(root.shape)}`,
    );
  }
  tidy(() =>
    noGrad(() => {
      const seed = gradient !== undefined ? gradient.contiguous() : root._onesLike();
      const rootNode = root._gradFn;
      if (rootNode === null) {
        root._accumulateGrad(seed);
        return;
      }
      const order = topologicalOrder(rootNode);
      const grads = new Map<Node, Tensor>([[rootNode, seed]]);
      for (const node of order) {
        const gradOutput = grads.get(node);
        if (gradOutput === undefined) continue;
        grads.delete(node);
        const inputGrads = node.apply(gradOutput);
        // A rule may pass its incoming gradient through (add) or return one tensor for several
        // inputs: each consumer then gets its own view, and nothing returned is disposed here.
        // Views are taken up front, before any consumer can dispose the shared tensor.
        const owned = inputGrads.map((g, i) =>
          g === null || g === undefined ? null : inputGrads.indexOf(g) < i ? g._view(g.shape, g.strides) : g,
        );
        if (!inputGrads.includes(gradOutput)) gradOutput.dispose();
        node.inputs.forEach((edge, i) => {
          const g = owned[i];
          if (g === null || g === undefined) return;
          if (edge.node !== null) {
            const previous = grads.get(edge.node);
            if (previous === undefined) {
              grads.set(edge.node, g);
            } else {
              grads.set(edge.node, previous.add(g));
              previous.dispose();
              g.dispose();
            }
          } else if (edge.leaf !== null) {
            edge.leaf._accumulateGrad(g);
            g.dispose();
          } else {
            g.dispose();
          }
        });
        if (!options.retainGraph) node.releaseSaved();
      }
    }),
  );
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
