/** Row-major strides of a contiguous tensor of `shape`. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let step = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = step;
    step *= shape[d]!;
  }
  return strides;
}

/** Number of elements of `shape`. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Calls `visit(flatOutputIndex, offsetA, offsetB)` for every element of `shape` in row-major order. */
export function forEachIndex(
  shape: readonly number[],
  stridesA: readonly number[],
  stridesB: readonly number[],
  visit: (i: number, offsetA: number, offsetB: number) => void,
): void {
  const n = sizeOf(shape);
  const index = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < n; i++) {
    let oa = 0;
    let ob = 0;
    for (let d = 0; d < shape.length; d++) {
      oa += index[d]! * stridesA[d]!;
      ob += index[d]! * stridesB[d]!;
    }
    visit(i, oa, ob);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++index[d]! < shape[d]!) break;
      index[d] = 0;
    }
  }
}
