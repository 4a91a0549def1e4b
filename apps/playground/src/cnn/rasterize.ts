// A drawing turned into the bundled digits' input format. The UCI digits (loadDigits) were made from
// 32×32 bitmaps, normalised to fill the frame, by counting the on pixels in each of the 8×8
// non-overlapping 4×4 blocks: integers 0..16. We do the same with the drawn strokes.

/** A point of a stroke, in any unit (the drawing canvas's CSS pixels). */
export interface Point {
  x: number;
  y: number;
}

/** The bitmap's side, as in the digits data set (NIST's normalised 32×32 bitmaps). */
const BITMAP = 32;
/** Side of the image the network sees. */
export const SIDE = 8;
const BLOCK = BITMAP / SIDE;

/**
 * Rasterises `strokes` like the digits data set was made: scaled (keeping the aspect ratio) and
 * centred so the drawing fills a 32×32 bitmap, pen `penWidth` bitmap pixels wide, then each 4×4
 * block's count of inked pixels (0..16). Returns 64 values, row by row; all zeros for no strokes.
 *
 * NOTE: the data set's digits fill the whole height of the frame (and about ¾ of its width), so the
 * drawing is stretched to fill it too: where on the canvas and how big it was drawn does not matter.
 *
 * @example rasterizeStrokes([[{ x: 50, y: 10 }, { x: 50, y: 90 }]]) // a "1": the middle columns inked
 */
export function rasterizeStrokes(strokes: readonly (readonly Point[])[], penWidth = 5): Float32Array {
  const counts = new Float32Array(SIDE * SIDE);
  // Bounds by a loop: a long drawing has too many points to spread into Math.min's arguments.
  let [minX, maxX, minY, maxY] = [Infinity, -Infinity, Infinity, -Infinity];
  for (const p of strokes.flat()) {
    [minX, maxX] = [Math.min(minX, p.x), Math.max(maxX, p.x)];
    [minY, maxY] = [Math.min(minY, p.y), Math.max(maxY, p.y)];
  }
  if (minX === Infinity) return counts;
  // The pen's centre line spans BITMAP - penWidth, so the ink reaches the frame's edges.
  const scale = (BITMAP - penWidth) / Math.max(maxX - minX, maxY - minY, 1e-9);
  const map = (p: Point): Point => ({
    x: BITMAP / 2 + (p.x - (minX + maxX) / 2) * scale,
    y: BITMAP / 2 + (p.y - (minY + maxY) / 2) * scale,
  });
  // A pixel is inked when its centre lies within the pen's radius of a segment; each segment only
  // looks at the pixels of its own bounding box. A stroke of one point is a dot (a zero-length segment).
  const inked = new Uint8Array(BITMAP * BITMAP);
  const radius = penWidth / 2;
  for (const stroke of strokes) {
    const mapped = stroke.map(map);
    mapped.forEach((b, i) => {
      const a = mapped[Math.max(i - 1, 0)]!;
      const [c0, c1] = [Math.min(a.x, b.x) - radius, Math.max(a.x, b.x) + radius];
      const [r0, r1] = [Math.min(a.y, b.y) - radius, Math.max(a.y, b.y) + radius];
      for (let row = Math.max(0, Math.floor(r0)); row <= Math.min(BITMAP - 1, r1); row++)
        for (let col = Math.max(0, Math.floor(c0)); col <= Math.min(BITMAP - 1, c1); col++)
          if (distance2({ x: col + 0.5, y: row + 0.5 }, a, b) <= radius * radius)
            inked[row * BITMAP + col] = 1;
    });
  }
  inked.forEach((on, i) => {
    const [row, col] = [Math.floor(i / BITMAP), i % BITMAP];
    if (on) counts[Math.floor(row / BLOCK) * SIDE + Math.floor(col / BLOCK)]!++;
  });
  return counts;
}

/** Squared distance from `p` to the segment a–b. */
function distance2(p: Point, a: Point, b: Point): number {
  const [dx, dy] = [b.x - a.x, b.y - a.y];
  const length2 = dx * dx + dy * dy;
  const t = length2 === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / length2));
  const [ex, ey] = [a.x + t * dx - p.x, a.y + t * dy - p.y];
  return ex * ex + ey * ey;
}
