// Canvas helpers shared by the extra views (optimizers, activations).

/**
 * Sizes `canvas`'s backing store to its CSS size times devicePixelRatio (so lines stay sharp on
 * high-density screens) and returns a 2-D context that draws in CSS pixels.
 *
 * @example const { ctx, width, height } = hiDpiContext(canvas); ctx.fillRect(0, 0, width, height);
 */
export function hiDpiContext(canvas: HTMLCanvasElement): {
  ctx: CanvasRenderingContext2D;
  width: number;
  height: number;
} {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth || canvas.width;
  const height = canvas.clientHeight || canvas.height;
  const [w, h] = [Math.round(width * ratio), Math.round(height * ratio)];
  if (canvas.width !== w || canvas.height !== h) [canvas.width, canvas.height] = [w, h];
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  return { ctx, width, height };
}

/** Colours for up to eight series, distinguishable with the common colour-vision deficiencies (Okabe–Ito). */
export const SERIES_COLOURS = [
  '#0072b2',
  '#d55e00',
  '#009e73',
  '#cc79a7',
  '#e69f00',
  '#56b4e9',
  '#000000',
  '#f0e442',
];

/** A number for display: 3 significant digits, exponent notation outside 1e-3…1e4. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a < 1e-3 || a >= 1e4 ? v.toExponential(2) : String(Number(v.toPrecision(3)));
}
