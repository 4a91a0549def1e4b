/** One call of the `sgemm` export without its scratch: the arguments of `Kernels.sgemm`, resolved. */
export interface SgemmCall {
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
  a: number;
  lda: number;
  b: number;
  ldb: number;
  c: number;
  ldc: number;
  beta: number;
  batch: number;
  strideA: number;
  strideB: number;
  strideC: number;
}

/** Below this many multiply-adds (64³) a product runs on the calling thread alone: waking a worker costs more. */
export const THREADED_SGEMM_MIN_WORK = 64 * 64 * 64;

/**
 * Below this many elements an elementwise kernel (unary, binary, optimizer update) or a pooling
 * call (input plus output elements) runs on the calling thread alone: waking a worker costs more.
 */
export const THREADED_ELEMENTWISE_MIN_WORK = 64 * 1024;

/** Cuts `total` into at most `parts` ranges whose sizes are multiples of `unit` (the last takes the rest). */
function ranges(total: number, parts: number, unit: number): [number, number][] {
  const size = Math.ceil(total / parts / unit) * unit;
  const out: [number, number][] = [];
  for (let start = 0; start < total; start += size) out.push([start, Math.min(total, start + size)]);
  return out;
}

/**
 * Splits one SGEMM into at most `parts` independent calls over disjoint blocks of C: whole batch
 * entries when there are at least `parts` of them and their blocks of C do not overlap (a `strideC`
 * of 0 sums the batch into one C, in batch order), otherwise rows (in multiples of the micro-kernel's
 * 4) when op(A) has at least as many rows as op(B) has columns, otherwise columns (multiples of 8).
 * Every element of C is still computed by the same code from the same operands in the same order
 * (the kernel's K blocking does not depend on where a block starts), so the result is bit-identical
 * to the unsplit call.
 *
 * @example splitSgemm(call, 2) // [rows 0..255, rows 256..511] of a 512×512 product
 */
export function splitSgemm(call: SgemmCall, parts: number): SgemmCall[] {
  const { m, n, k, batch } = call;
  if (parts < 2 || m * n * k * batch < THREADED_SGEMM_MIN_WORK) return [call];
  if (batch >= parts && call.strideC >= (m - 1) * call.ldc + n) {
    return ranges(batch, parts, 1).map(([from, to]) => ({
      ...call,
      a: call.a + from * call.strideA * 4,
      b: call.b + from * call.strideB * 4,
      c: call.c + from * call.strideC * 4,
      batch: to - from,
    }));
  }
  if (m >= n) {
    return ranges(m, parts, 4).map(([from, to]) => ({
      ...call,
      m: to - from,
      a: call.a + (call.transA ? from : from * call.lda) * 4,
      c: call.c + from * call.ldc * 4,
    }));
  }
  return ranges(n, parts, 8).map(([from, to]) => ({
    ...call,
    n: to - from,
    b: call.b + (call.transB ? from * call.ldb : from) * 4,
    c: call.c + from * 4,
  }));
}

/**
 * Splits one kernel call over `total` independent units (elements, planes, rows) into at most
 * `parts` calls over consecutive ranges whose sizes are multiples of `unit` (the last takes the
 * rest): in each, the argument at `countAt` becomes the range's size and each pointer argument
 * `[index, bytesPerUnit]` moves to the range's start. With `unit` 4 for elementwise kernels every
 * range but the last is whole SIMD vectors, so the same elements as in the unsplit call fall into
 * the kernel's partial-vector tail: results are bit-identical.
 *
 * @example
 * // unary(op, x, out, n, alpha) over 100 floats in 2 parts: [op, x, out, 52, a], [op, x + 208, out + 208, 48, a]
 * splitRange([op, x, out, 100, a], 100, 3, [[1, 4], [2, 4]], 2, 4)
 */
export function splitRange(
  args: readonly number[],
  total: number,
  countAt: number,
  pointers: readonly (readonly [index: number, bytesPerUnit: number])[],
  parts: number,
  unit: number,
): number[][] {
  if (parts < 2 || total <= unit) return [[...args]];
  return ranges(total, parts, unit).map(([from, to]) => {
    const part = [...args];
    part[countAt] = to - from;
    for (const [index, bytes] of pointers) part[index] = args[index]! + from * bytes;
    return part;
  });
}
