// Elementwise binary kernels: out[i] = f(a[i], b[i]) with contiguous, scalar and general strided
// (broadcast) operands. Every path evaluates the same vector function, so results are identical
// whichever layout the operands have.

import { BinaryOp } from '../src/opcodes';
import { K_ONE, K_ZERO, k } from './simd/constants';
import { loadPartial, loadStrided, loadStridedPartial, storePartial } from './simd/lanes';
import { powIntv, powv } from './simd/math';

/** One vector of the binary op `op` (a compile-time constant wherever this is inlined). */
@inline
export function binaryVec(op: i32, a: v128, b: v128): v128 {
  switch (op) {
    case BinaryOp.Add:
      return f32x4.add(a, b);
    case BinaryOp.Sub:
      return f32x4.sub(a, b);
    case BinaryOp.Mul:
      return f32x4.mul(a, b);
    case BinaryOp.Div:
      return f32x4.div(a, b);
    case BinaryOp.Pow:
      return powv(a, b);
    case BinaryOp.Maximum:
      return f32x4.max(a, b); // propagates NaN, as torch.maximum does
    case BinaryOp.Minimum:
      return f32x4.min(a, b);
    case BinaryOp.Gt:
      return v128.and(f32x4.gt(a, b), k(K_ONE));
    case BinaryOp.Ge:
      return v128.and(f32x4.ge(a, b), k(K_ONE));
    case BinaryOp.Lt:
      return v128.and(f32x4.lt(a, b), k(K_ONE));
    case BinaryOp.Le:
      return v128.and(f32x4.le(a, b), k(K_ONE));
    case BinaryOp.Eq:
      return v128.and(f32x4.eq(a, b), k(K_ONE));
    case BinaryOp.Ne:
      return v128.and(f32x4.ne(a, b), k(K_ONE));
    default:
      unreachable();
      return a;
  }
}

/** Contiguous inner run of `n` elements; `strideA`/`strideB` are element strides, each 0 or 1 here
 * or anything for the gathering fallback. */
@inline
function binaryRun(op: i32, a: usize, strideA: usize, b: usize, strideB: usize, out: usize, n: usize): void {
  const body = n & ~3;
  const zero = k(K_ZERO);
  if (strideA == 1 && strideB == 1) {
    for (let i: usize = 0; i < body; i += 4) {
      const o = i << 2;
      v128.store(out + o, binaryVec(op, v128.load(a + o), v128.load(b + o)));
    }
    if (body < n) {
      const o = body << 2;
      const rest = n - body;
      storePartial(out + o, binaryVec(op, loadPartial(a + o, rest, zero), loadPartial(b + o, rest, zero)), rest);
    }
  } else if (strideA == 1 && strideB == 0) {
    const vb = v128.load32_splat(b);
    for (let i: usize = 0; i < body; i += 4) {
      const o = i << 2;
      v128.store(out + o, binaryVec(op, v128.load(a + o), vb));
    }
    if (body < n) {
      const o = body << 2;
      const rest = n - body;
      storePartial(out + o, binaryVec(op, loadPartial(a + o, rest, zero), vb), rest);
    }
  } else if (strideA == 0 && strideB == 1) {
    const va = v128.load32_splat(a);
    for (let i: usize = 0; i < body; i += 4) {
      const o = i << 2;
      v128.store(out + o, binaryVec(op, va, v128.load(b + o)));
    }
    if (body < n) {
      const o = body << 2;
      const rest = n - body;
      storePartial(out + o, binaryVec(op, va, loadPartial(b + o, rest, zero)), rest);
    }
  } else {
    const sa = strideA << 2;
    const sb = strideB << 2;
    for (let i: usize = 0; i < body; i += 4) {
      v128.store(out + (i << 2), binaryVec(op, loadStrided(a + i * sa, sa), loadStrided(b + i * sb, sb)));
    }
    if (body < n) {
      const rest = n - body;
      const va = loadStridedPartial(a + body * sa, sa, rest, zero);
      const vb = loadStridedPartial(b + body * sb, sb, rest, zero);
      storePartial(out + (body << 2), binaryVec(op, va, vb), rest);
    }
  }
}

/** Runs one strided inner loop of `op`; the switch picks the op's specialised (inlined) loop once. */
function binaryDispatch(op: i32, a: usize, strideA: usize, b: usize, strideB: usize, out: usize, n: usize): void {
  switch (op) {
    case BinaryOp.Add: binaryRun(BinaryOp.Add, a, strideA, b, strideB, out, n); break;
    case BinaryOp.Sub: binaryRun(BinaryOp.Sub, a, strideA, b, strideB, out, n); break;
    case BinaryOp.Mul: binaryRun(BinaryOp.Mul, a, strideA, b, strideB, out, n); break;
    case BinaryOp.Div: binaryRun(BinaryOp.Div, a, strideA, b, strideB, out, n); break;
    case BinaryOp.Pow: binaryRun(BinaryOp.Pow, a, strideA, b, strideB, out, n); break;
    case BinaryOp.Maximum: binaryRun(BinaryOp.Maximum, a, strideA, b, strideB, out, n); break;
    case BinaryOp.Minimum: binaryRun(BinaryOp.Minimum, a, strideA, b, strideB, out, n); break;
    case BinaryOp.Gt: binaryRun(BinaryOp.Gt, a, strideA, b, strideB, out, n); break;
    case BinaryOp.Ge: binaryRun(BinaryOp.Ge, a, strideA, b, strideB, out, n); break;
    case BinaryOp.Lt: binaryRun(BinaryOp.Lt, a, strideA, b, strideB, out, n); break;
    case BinaryOp.Le: binaryRun(BinaryOp.Le, a, strideA, b, strideB, out, n); break;
    case BinaryOp.Eq: binaryRun(BinaryOp.Eq, a, strideA, b, strideB, out, n); break;
    case BinaryOp.Ne: binaryRun(BinaryOp.Ne, a, strideA, b, strideB, out, n); break;
    default: unreachable();
  }
}

/** out[i] = op(a[i], b[i]) for i < n over contiguous buffers; `out` may alias either input. */
export function binary(op: i32, a: usize, b: usize, out: usize, n: usize): void {
  binaryDispatch(op, a, 1, b, 1, out, n);
}

/**
 * out[i] = op(a[i], s), or op(s, a[i]) when `scalarFirst`, for i < n. The scalar is passed as a
 * pointer to one float so that it may also live in a tensor. Pow with a small integer exponent
 * (|s| ≤ 64) multiplies by repeated squaring instead of going through exp and log.
 */
export function binaryScalar(op: i32, a: usize, s: usize, out: usize, n: usize, scalarFirst: bool): void {
  if (scalarFirst) {
    binaryDispatch(op, s, 0, a, 1, out, n);
    return;
  }
  if (op == BinaryOp.Pow) {
    const e = load<f32>(s);
    if (e == Mathf.trunc(e) && Mathf.abs(e) <= 64) {
      powIntRun(a, out, n, <i32>e);
      return;
    }
  }
  binaryDispatch(op, a, 1, s, 0, out, n);
}

function powIntRun(a: usize, out: usize, n: usize, e: i32): void {
  const body = n & ~3;
  for (let i: usize = 0; i < body; i += 4) {
    v128.store(out + (i << 2), powIntv(v128.load(a + (i << 2)), e));
  }
  if (body < n) {
    const rest = n - body;
    storePartial(out + (body << 2), powIntv(loadPartial(a + (body << 2), rest, k(K_ONE)), e), rest);
  }
}

/**
 * out = op(a, b) broadcast over an n-d shape, with element strides per operand (0 where broadcast).
 * `meta` points to int32s: shape[ndim], stridesA[ndim], stridesB[ndim], then ndim ints of scratch.
 * `out` is contiguous in that shape. The innermost dimension picks a vector path by its strides.
 * Strides are non-negative.
 */
export function binaryStrided(op: i32, a: usize, b: usize, out: usize, ndim: i32, meta: usize): void {
  if (ndim <= 0) {
    binaryDispatch(op, a, 1, b, 1, out, 1);
    return;
  }
  const shape = meta;
  const stridesA = meta + (<usize>ndim << 2);
  const stridesB = stridesA + (<usize>ndim << 2);
  const counters = stridesB + (<usize>ndim << 2);
  const last = <usize>(ndim - 1) << 2;
  const n = <usize>load<i32>(shape + last);
  const innerA = <usize>load<i32>(stridesA + last);
  const innerB = <usize>load<i32>(stridesB + last);
  let outer: usize = 1;
  for (let d = 0; d < ndim - 1; d++) {
    outer *= <usize>load<i32>(shape + (<usize>d << 2));
    store<i32>(counters + (<usize>d << 2), 0);
  }
  if (n == 0) return;
  let pa = a;
  let pb = b;
  let po = out;
  for (let o: usize = 0; o < outer; o++) {
    binaryDispatch(op, pa, innerA, pb, innerB, po, n);
    po += n << 2;
    for (let d = ndim - 2; d >= 0; d--) {
      const at = <usize>d << 2;
      const count = load<i32>(counters + at) + 1;
      const size = load<i32>(shape + at);
      const sa = <usize>load<i32>(stridesA + at) << 2;
      const sb = <usize>load<i32>(stridesB + at) << 2;
      if (count < size) {
        store<i32>(counters + at, count);
        pa += sa;
        pb += sb;
        break;
      }
      store<i32>(counters + at, 0);
      pa -= <usize>(size - 1) * sa;
      pb -= <usize>(size - 1) * sb;
    }
  }
}

/** out[i] = cond[i] != 0 ? a[i] : b[i] over contiguous buffers (NaN in cond counts as true). */
export function where(cond: usize, a: usize, b: usize, out: usize, n: usize): void {
  const zero = k(K_ZERO);
  const body = n & ~3;
  for (let i: usize = 0; i < body; i += 4) {
    const o = i << 2;
    const mask = f32x4.ne(v128.load(cond + o), zero);
    v128.store(out + o, v128.bitselect(v128.load(a + o), v128.load(b + o), mask));
  }
  if (body < n) {
    const o = body << 2;
    const rest = n - body;
    const mask = f32x4.ne(loadPartial(cond + o, rest, zero), zero);
    storePartial(out + o, v128.bitselect(loadPartial(a + o, rest, zero), loadPartial(b + o, rest, zero), mask), rest);
  }
}
