// Contour plot of a surface: its values on a grid (computed by the library, under noGrad), filled
// bands and marching-squares contour lines at logarithmically spaced levels, plus the coordinate
// mapping used to draw paths and to read clicks.
import { noGrad, tensor, tidy } from '@myelin/tensor';
import type { Surface } from './surfaces.js';

export interface Grid {
  /** Points per side. */
  n: number;
  /** Row-major, row 0 at the top (largest y). */
  values: Float32Array;
  min: number;
  max: number;
}

/**
 * The surface's values on an n×n grid over its plotted ranges, computed with the same tensor
 * function the optimizers differentiate.
 *
 * @example const grid = evaluateGrid(SURFACES[0], 120); grid.values.length // 14400
 */
export function evaluateGrid(surface: Surface, n: number): Grid {
  const points = new Float32Array(n * n * 2);
  for (let j = 0; j < n; j++)
    for (let i = 0; i < n; i++) {
      const [x, y] = fromUnit(surface, i / (n - 1), j / (n - 1));
      points[2 * (j * n + i)] = x;
      points[2 * (j * n + i) + 1] = y;
    }
  const values = noGrad(() =>
    tidy(() => Float32Array.from(surface.f(tensor(points, { shape: [n * n, 2] })).data())),
  );
  let [min, max] = [Infinity, -Infinity];
  for (const v of values) [min, max] = [Math.min(min, v), Math.max(max, v)];
  return { n, values, min, max };
}

/** Plot coordinates in [0, 1]² (v downwards) → surface coordinates. */
export function fromUnit(surface: Surface, u: number, v: number): [number, number] {
  const { x, y } = surface;
  return [x[0] + u * (x[1] - x[0]), y[1] - v * (y[1] - y[0])];
}

/** Surface coordinates → plot coordinates in [0, 1]² (v downwards). */
export function toUnit(surface: Surface, px: number, py: number): [number, number] {
  const { x, y } = surface;
  return [(px - x[0]) / (x[1] - x[0]), (y[1] - py) / (y[1] - y[0])];
}

/** log-scaled height in [0, 1]: contour levels equally spaced in it crowd near the minimum. */
function heightOf(grid: Grid): (v: number) => number {
  const floor = (grid.max - grid.min) * 1e-4 || 1;
  const top = Math.log(grid.max - grid.min + floor);
  const bottom = Math.log(floor);
  return (v) => (Math.log(v - grid.min + floor) - bottom) / (top - bottom);
}

/**
 * Draws the filled, banded surface and its contour lines into a width×height area of `ctx`.
 *
 * @example drawContours(ctx, 400, 400, evaluateGrid(surface, 120));
 */
export function drawContours(
  ctx: CanvasRenderingContext2D,
  width: number,
  height: number,
  grid: Grid,
  levels = 16,
): void {
  const { n, values } = grid;
  const h = heightOf(grid);
  const heights = Float32Array.from(values, h);
  const image = new ImageData(n, n);
  for (let k = 0; k < n * n; k++) {
    const t = Math.floor(heights[k]! * levels) / levels; // banded
    // Low = pale blue, high = pale sand.
    image.data[4 * k] = 215 + 35 * t;
    image.data[4 * k + 1] = 232 + 5 * t;
    image.data[4 * k + 2] = 250 - 60 * t;
    image.data[4 * k + 3] = 255;
  }
  const off = document.createElement('canvas');
  [off.width, off.height] = [n, n];
  off.getContext('2d')!.putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(off, 0, 0, width, height);

  ctx.strokeStyle = '#5b6f7a';
  ctx.lineWidth = 0.8;
  ctx.beginPath();
  const sx = width / (n - 1);
  const sy = height / (n - 1);
  for (let level = 1; level < levels; level++) {
    const t = level / levels;
    for (let j = 0; j < n - 1; j++)
      for (let i = 0; i < n - 1; i++) {
        // Corners clockwise from the top left, and where the level crosses each edge.
        const c = [
          [i, j],
          [i + 1, j],
          [i + 1, j + 1],
          [i, j + 1],
        ] as const;
        const hs = c.map(([a, b]) => heights[b * n + a]! - t);
        const crossings: [number, number][] = [];
        for (let e = 0; e < 4; e++) {
          const [h0, h1] = [hs[e]!, hs[(e + 1) % 4]!];
          if (h0 < 0 === h1 < 0) continue;
          const f = h0 / (h0 - h1);
          const [p0, p1] = [c[e]!, c[(e + 1) % 4]!];
          crossings.push([(p0[0] + f * (p1[0] - p0[0])) * sx, (p0[1] + f * (p1[1] - p0[1])) * sy]);
        }
        for (let s = 0; s + 1 < crossings.length; s += 2) {
          ctx.moveTo(...crossings[s]!);
          ctx.lineTo(...crossings[s + 1]!);
        }
      }
  }
  ctx.stroke();
}
