// Image kernels for data pipelines on [batch, channels, height, width] float32 batches: a crop of
// the zero-padded image at per-image offsets, a per-image horizontal flip, a per-channel affine map,
// and uint8 pixels to float32. Each is one pass over its output.

/**
 * out[n, c, y, x] = src[n, c, top[n] + y, left[n] + x], 0 where that falls outside the image (the
 * crop of a zero-padded image). `offsets` holds int32 pairs (top, left) per image, in the unpadded
 * image's coordinates (negative inside the padding). Reads only inside the image for any offsets.
 */
export function cropPadded2d(
  src: usize,
  out: usize,
  batch: i32,
  channels: i32,
  height: i32,
  width: i32,
  outH: i32,
  outW: i32,
  offsets: usize,
): void {
  const outRowBytes = <usize>outW << 2;
  const plane = <usize>height * <usize>width;
  let po = out;
  for (let n: usize = 0; n < <usize>batch; n++) {
    // In 64 bits, so that no offset can wrap around into the image.
    const top = <i64>load<i32>(offsets + (n << 3));
    const left = <i64>load<i32>(offsets + (n << 3) + 4);
    // Columns [x0, x1) of the output read image columns [left + x0, left + x1).
    const x0 = min(max(-left, 0), <i64>outW);
    const x1 = max(min(<i64>width - left, <i64>outW), x0);
    const runBytes = <usize>(x1 - x0) << 2;
    for (let c: usize = 0; c < <usize>channels; c++) {
      const image = src + ((n * <usize>channels + c) * plane << 2);
      for (let y: i64 = 0; y < <i64>outH; y++) {
        const sy = top + y;
        if (sy < 0 || sy >= <i64>height || runBytes == 0) {
          memory.fill(po, 0, outRowBytes);
        } else {
          if (x0 > 0) memory.fill(po, 0, <usize>x0 << 2);
          const from = image + ((<usize>sy * <usize>width + <usize>(left + x0)) << 2);
          memory.copy(po + (<usize>x0 << 2), from, runBytes);
          if (x1 < <i64>outW) memory.fill(po + (<usize>x1 << 2), 0, <usize>(<i64>outW - x1) << 2);
        }
        po += outRowBytes;
      }
    }
  }
}

/**
 * Copies `batch` images of `rows` rows of `width` floats from src to out, mirroring the rows of
 * image n left–right where the int32 flags[n] is nonzero. Vectors of four from the row's two ends.
 */
export function flipHorizontal(src: usize, out: usize, batch: i32, rows: i32, width: i32, flags: usize): void {
  const rowBytes = <usize>width << 2;
  const imageBytes = <usize>rows * rowBytes;
  const body = <usize>width & ~3;
  for (let n: usize = 0; n < <usize>batch; n++) {
    const s = src + n * imageBytes;
    const o = out + n * imageBytes;
    if (load<i32>(flags + (n << 2)) == 0) {
      memory.copy(o, s, imageBytes);
      continue;
    }
    for (let r: usize = 0; r < <usize>rows; r++) {
      const sr = s + r * rowBytes;
      const or = o + r * rowBytes;
      // out[x .. x+3] = reverse(src[width-4-x .. width-1-x])
      for (let x: usize = 0; x < body; x += 4) {
        const v = v128.load(sr + rowBytes - 16 - (x << 2));
        v128.store(or + (x << 2), v128.shuffle<f32>(v, v, 3, 2, 1, 0));
      }
      for (let x = body; x < <usize>width; x++) {
        store<f32>(or + (x << 2), load<f32>(sr + rowBytes - 4 - (x << 2)));
      }
    }
  }
}

/**
 * out[n, c, i] = x[n, c, i] · scale[c] + shift[c] over [batch, channels, plane] (a multiply then an
 * add, never fused, so both builds give identical results). In place when out == x.
 */
export function channelAffine(
  x: usize,
  out: usize,
  batch: i32,
  channels: i32,
  plane: i32,
  scale: usize,
  shift: usize,
): void {
  const n = <usize>plane;
  const body = n & ~3;
  let px = x;
  let po = out;
  for (let b = 0; b < batch; b++) {
    for (let c: usize = 0; c < <usize>channels; c++) {
      const a = load<f32>(scale + (c << 2));
      const d = load<f32>(shift + (c << 2));
      const va = f32x4.splat(a);
      const vd = f32x4.splat(d);
      for (let i: usize = 0; i < body; i += 4) {
        const at = i << 2;
        v128.store(po + at, f32x4.add(f32x4.mul(v128.load(px + at), va), vd));
      }
      for (let i = body; i < n; i++) store<f32>(po + (i << 2), load<f32>(px + (i << 2)) * a + d);
      px += n << 2;
      po += n << 2;
    }
  }
}

/** out[i] = f32(src[i]) / divisor for `n` uint8 values (e.g. pixels to [0, 1] with divisor 255). */
export function u8ToF32(src: usize, out: usize, n: i32, divisor: f32): void {
  const count = <usize>n;
  const body = count & ~15;
  const vd = f32x4.splat(divisor);
  for (let i: usize = 0; i < body; i += 16) {
    const bytes = v128.load(src + i);
    const lo = i16x8.extend_low_i8x16_u(bytes);
    const hi = i16x8.extend_high_i8x16_u(bytes);
    const o = out + (i << 2);
    v128.store(o, f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(lo)), vd));
    v128.store(o + 16, f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(lo)), vd));
    v128.store(o + 32, f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(hi)), vd));
    v128.store(o + 48, f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(hi)), vd));
  }
  for (let i = body; i < count; i++) store<f32>(out + (i << 2), <f32>load<u8>(src + i) / divisor);
}
