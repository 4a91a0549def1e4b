// Pairwise distances between the rows of two matrices, for nearest-neighbour methods. (Squared
// Euclidean distances come from SGEMM: ‖a − b‖² = ‖a‖² + ‖b‖² − 2a·b.)

import { loadPartial } from './simd/lanes';

/**
 * out[i][j] = Σ_k |a[i][k] − b[j][k]| for a [m, d] and b [n, d] (contiguous rows), out [m, n].
 * Accumulates in float32 vectors; the last 1–3 elements of each row through partial lanes.
 */
export function pairwiseL1(a: usize, b: usize, out: usize, m: usize, n: usize, d: usize): void {
  const rowBytes = d << 2;
  const body = d & ~3;
  const zero = f32x4.splat(0);
  for (let i: usize = 0; i < m; i++) {
    const ai = a + i * rowBytes;
    for (let j: usize = 0; j < n; j++) {
      const bj = b + j * rowBytes;
      let acc = zero;
      for (let k: usize = 0; k < body; k += 4) {
        acc = f32x4.add(acc, f32x4.abs(f32x4.sub(v128.load(ai + (k << 2)), v128.load(bj + (k << 2)))));
      }
      if (body < d) {
        const rest = d - body;
        acc = f32x4.add(acc, f32x4.abs(f32x4.sub(loadPartial(ai + (body << 2), rest, zero), loadPartial(bj + (body << 2), rest, zero))));
      }
      const s = f32x4.add(acc, v128.shuffle<f32>(acc, acc, 2, 3, 0, 1));
      store<f32>(out + ((i * n + j) << 2), f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1));
    }
  }
}
