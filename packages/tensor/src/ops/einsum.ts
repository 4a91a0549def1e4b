// einsum: Einstein summation written with diagonal, sum, permute, reshape and matmul, so autograd
// differentiates it without a backward of its own. Each operand first takes the diagonal of any
// repeated subscript and sums the subscripts used nowhere else; operands are then contracted left to
// right, each pair as one batched matrix product [batch, left, contracted] @ [batch, contracted, right].
import { describeValue } from '../errors.js';
import { formatShape, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { requireFloat } from './common.js';
import { matmul } from './matmul.js';
import { diagonal } from './shape-extra.js';

/** An operand and the subscript of each of its dimensions. */
interface Term {
  x: Tensor;
  subs: string[];
}

function fail(message: string): never {
  throw new RangeError(`einsum: ${message}`);
}

/** Parses `equation` into input subscripts and the output subscript (implicit: the letters used once, sorted). */
function parse(equation: string, count: number): { inputs: string[][]; output: string[] } {
  if (typeof equation !== 'string')
    throw new TypeError(`einsum: the equation must be a string, got ${describeValue(equation)}`);
  const clean = equation.replace(/\s+/g, '');
  if (clean.includes('.'))
    fail(`ellipsis ('...') is not supported in '${equation}'; write every dimension's subscript out`);
  const [lhs, rhs, extra] = clean.split('->');
  if (extra !== undefined) fail(`'${equation}' has more than one '->'`);
  const inputs = lhs!.split(',').map((term) => [...term]);
  const letters = [...lhs!.replace(/,/g, ''), ...(rhs ?? '')];
  for (const c of letters)
    if (!/[a-zA-Z]/.test(c))
      fail(`invalid subscript '${c}' in '${equation}' (subscripts are letters a-z, A-Z)`);
  if (inputs.length !== count)
    fail(
      `the equation '${equation}' has ${inputs.length} operand subscripts but ${count} operands were given`,
    );
  let output: string[];
  if (rhs === undefined) {
    const all = inputs.flat();
    output = [...new Set(all)].filter((c) => all.indexOf(c) === all.lastIndexOf(c)).sort();
  } else {
    output = [...rhs];
    const used = new Set(inputs.flat());
    for (const c of output) {
      if (!used.has(c)) fail(`the output subscript '${c}' in '${equation}' appears in no operand`);
      if (output.indexOf(c) !== output.lastIndexOf(c))
        fail(`the output subscript '${c}' appears more than once in '${equation}'`);
    }
  }
  return { inputs, output };
}

/** Sums the dimensions whose subscripts `keep` rejects. */
function sumOut(term: Term, keep: (c: string) => boolean): Term {
  const dims = term.subs.flatMap((c, d) => (keep(c) ? [] : [d]));
  if (dims.length === 0) return term;
  return { x: term.x.sum(dims), subs: term.subs.filter((c) => keep(c)) };
}

/** Takes the diagonal of every repeated subscript (ii -> i). */
function takeDiagonals(term: Term): Term {
  let { x, subs } = term;
  for (;;) {
    const j = subs.findIndex((c, k) => subs.indexOf(c) !== k);
    if (j < 0) return { x, subs };
    const i = subs.indexOf(subs[j]!);
    x = diagonal(x, 0, i, j);
    subs = [...subs.filter((_, k) => k !== i && k !== j), subs[j]!];
  }
}

/** Permutes `term` so that its subscripts follow `order` (a permutation of them). */
function arrange(term: Term, order: readonly string[]): Tensor {
  const dims = order.map((c) => term.subs.indexOf(c));
  return dims.every((d, i) => d === i) ? term.x : term.x.permute(dims);
}

/** Contracts two terms over their shared subscripts not in `later`, keeping the others. */
function contract(a: Term, b: Term, later: ReadonlySet<string>, sizes: Map<string, number>): Term {
  const batch = a.subs.filter((c) => b.subs.includes(c) && later.has(c));
  const summed = a.subs.filter((c) => b.subs.includes(c) && !later.has(c));
  const left = a.subs.filter((c) => !b.subs.includes(c));
  const right = b.subs.filter((c) => !a.subs.includes(c));
  const size = (cs: readonly string[]) => sizeOf(cs.map((c) => sizes.get(c)!));
  const am = arrange(a, [...batch, ...left, ...summed]).reshape([size(batch), size(left), size(summed)]);
  const bm = arrange(b, [...batch, ...summed, ...right]).reshape([size(batch), size(summed), size(right)]);
  const subs = [...batch, ...left, ...right];
  return { x: matmul(am, bm).reshape(subs.map((c) => sizes.get(c)!)), subs };
}

/**
 * Einstein summation over subscripted operands, as torch.einsum: each operand's dimensions are named
 * by letters, repeated letters are multiplied together, and letters missing from the output (after
 * `->`; without it, the letters used once, in alphabetical order) are summed over. Differentiable.
 * Ellipsis ('...') and broadcasting of size-1 dimensions are not supported.
 *
 * @example
 * einsum('ij,jk->ik', a, b);   // matrix product
 * einsum('bij,bjk->bik', a, b); // batched matrix product
 * einsum('ii', a);              // trace
 * einsum('i,j->ij', u, v);      // outer product
 */
export function einsum(equation: string, ...operands: Tensor[]): Tensor {
  if (operands.length === 1 && Array.isArray(operands[0]))
    operands = [...(operands[0] as unknown as Tensor[])];
  if (operands.length === 0) fail('expected at least one operand');
  operands.forEach((t, i) => {
    if (!(t instanceof Tensor))
      throw new TypeError(`einsum: operand ${i} is not a tensor but ${describeValue(t)}`);
    t._check('einsum');
    requireFloat('einsum', t);
  });
  const { inputs, output } = parse(equation, operands.length);
  const sizes = new Map<string, number>();
  operands.forEach((t, i) => {
    const subs = inputs[i]!;
    if (subs.length !== t.ndim)
      fail(
        `operand ${i} has shape ${formatShape(t.shape)} but subscripts '${subs.join('')}' (${subs.length} dimensions)`,
      );
    subs.forEach((c, d) => {
      const known = sizes.get(c);
      if (known !== undefined && known !== t.shape[d])
        fail(`subscript '${c}' has size ${known} and ${t.shape[d]} in '${equation}' (sizes must match)`);
      sizes.set(c, t.shape[d]!);
    });
  });
  /** Subscripts used by the output or by the operands from `from` on. */
  const usedFrom = (from: number) => new Set([...output, ...inputs.slice(from).flat()]);
  const prepared = operands.map((x, i) => {
    const others = new Set([...output, ...inputs.filter((_, k) => k !== i).flat()]);
    return sumOut(takeDiagonals({ x, subs: inputs[i]! }), (c) => others.has(c));
  });
  let result = prepared[0]!;
  for (let i = 1; i < prepared.length; i++) {
    const later = usedFrom(i + 1);
    const next = prepared[i]!;
    // Subscripts of one side that the other side and the rest no longer need are summed first.
    const a = sumOut(result, (c) => later.has(c) || next.subs.includes(c));
    const b = sumOut(next, (c) => later.has(c) || a.subs.includes(c));
    result = contract(a, b, later, sizes);
  }
  result = sumOut(result, (c) => output.includes(c));
  const out = arrange(result, output);
  return out === operands[0] ? out.reshape([...out.shape]) : out;
}
