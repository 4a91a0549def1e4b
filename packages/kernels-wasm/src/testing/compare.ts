/** Tolerance for {@link expectClose}: |got − want| ≤ abs + rel·|want|. */
export interface Tolerance {
  rel?: number;
  abs?: number;
}

/**
 * Asserts that `got` matches `want` (rounded to float32) elementwise within the tolerance (default:
 * exact). NaN matches only NaN; infinities match only themselves. The error names the
 * first mismatching index, both values and the input there.
 */
export function expectClose(
  label: string,
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  tolerance: Tolerance = {},
  inputs?: ArrayLike<number>[],
): void {
  const { rel = 0, abs = 0 } = tolerance;
  if (got.length !== want.length) throw new Error(`${label}: length ${got.length}, expected ${want.length}`);
  for (let i = 0; i < got.length; i++) {
    const g = got[i]!;
    const w = Math.fround(want[i]!); // the correctly rounded float32 answer
    const ok = Number.isNaN(w)
      ? Number.isNaN(g)
      : !Number.isFinite(w)
        ? g === w
        : Math.abs(g - w) <= abs + rel * Math.abs(w);
    if (!ok) {
      const at = inputs ? ` for input ${inputs.map((x) => x[i]).join(', ')}` : '';
      throw new Error(
        `${label}: element ${i} is ${g}, expected ${w}${at} (tolerance rel ${rel}, abs ${abs}; ` +
          `error ${Math.abs(g - w)})`,
      );
    }
  }
}

/** Largest relative error |got − want| / |want| over finite, normal-range expected values. */
export function maxRelativeError(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  floor = 1.1754943508222875e-38,
): number {
  let worst = 0;
  for (let i = 0; i < got.length; i++) {
    const w = want[i]!;
    if (!Number.isFinite(Math.fround(w)) || Math.abs(w) < floor) continue;
    worst = Math.max(worst, Math.abs(got[i]! - w) / Math.abs(w));
  }
  return worst;
}
