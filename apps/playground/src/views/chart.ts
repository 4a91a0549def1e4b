// A small line chart with axes, on a devicePixelRatio-aware canvas (linear x, linear or log10 y).
import { formatNumber, hiDpiContext } from './canvas.js';

export interface Series {
  colour: string;
  values: number[];
  dashed?: boolean;
  /** x of each value (default: its index). */
  xs?: ArrayLike<number>;
}

/**
 * Draws `series` with axes and tick labels; on a log scale, values ≤ 0 or not finite are gaps.
 *
 * @example drawChart(canvas, [{ colour: '#0072b2', values: [1, 0.1, 0.01] }], { log: true, xLabel: 'step' });
 */
export function drawChart(
  canvas: HTMLCanvasElement,
  series: Series[],
  options: { log?: boolean; xLabel?: string; yLabel?: string; zeroLine?: boolean } = {},
): void {
  const { ctx, width, height } = hiDpiContext(canvas);
  const { log = false } = options;
  const t = (v: number) => (log ? Math.log10(v) : v);
  const usable = (v: number) => Number.isFinite(v) && (!log || v > 0);
  let [xMin, xMax, yMin, yMax] = [Infinity, -Infinity, Infinity, -Infinity];
  for (const s of series)
    s.values.forEach((v, i) => {
      if (!usable(v)) return;
      const x = s.xs?.[i] ?? i;
      [xMin, xMax] = [Math.min(xMin, x), Math.max(xMax, x)];
      [yMin, yMax] = [Math.min(yMin, t(v)), Math.max(yMax, t(v))];
    });
  if (!Number.isFinite(xMin)) return;
  if (log) [yMin, yMax] = [Math.floor(yMin), Math.ceil(yMax)];
  if (yMax - yMin < 1e-9) [yMin, yMax] = [yMin - 1, yMax + 1];
  if (xMax === xMin) xMax = xMin + 1;
  const pad = { left: 48, right: 8, top: 8, bottom: 30 };
  const px = (x: number) => pad.left + ((x - xMin) / (xMax - xMin)) * (width - pad.left - pad.right);
  const py = (y: number) =>
    height - pad.bottom - ((y - yMin) / (yMax - yMin)) * (height - pad.top - pad.bottom);

  ctx.font = '11px system-ui, sans-serif';
  ctx.fillStyle = '#444';
  ctx.strokeStyle = '#ddd';
  ctx.lineWidth = 1;
  // y ticks: every power of ten on a log scale (thinned to ≤ 8), else round numbers.
  const yTicks: number[] = [];
  if (log) {
    const every = Math.ceil((yMax - yMin) / 8);
    for (let e = yMin; e <= yMax; e += every) yTicks.push(e);
  } else yTicks.push(...niceTicks(yMin, yMax));
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const y of yTicks) {
    ctx.beginPath();
    ctx.moveTo(pad.left, py(y));
    ctx.lineTo(width - pad.right, py(y));
    ctx.stroke();
    ctx.fillText(log ? `1e${y}` : formatNumber(y), pad.left - 4, py(y));
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const x of niceTicks(xMin, xMax)) ctx.fillText(formatNumber(x), px(x), height - pad.bottom + 4);
  if (options.xLabel) ctx.fillText(options.xLabel, (pad.left + width) / 2, height - 13);
  if (options.zeroLine && yMin < 0 && yMax > 0) {
    ctx.strokeStyle = '#999';
    ctx.beginPath();
    ctx.moveTo(px(xMin), py(0));
    ctx.lineTo(px(xMax), py(0));
    ctx.moveTo(px(0), py(yMin));
    ctx.lineTo(px(0), py(yMax));
    ctx.stroke();
  }
  if (options.yLabel) {
    ctx.save();
    ctx.translate(10, (pad.top + height - pad.bottom) / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textBaseline = 'middle';
    ctx.fillText(options.yLabel, 0, 0);
    ctx.restore();
  }
  ctx.strokeStyle = '#888';
  ctx.strokeRect(pad.left, pad.top, width - pad.left - pad.right, height - pad.top - pad.bottom);
  for (const s of series) {
    ctx.strokeStyle = s.colour;
    ctx.lineWidth = 1.8;
    ctx.setLineDash(s.dashed ? [5, 3] : []);
    ctx.beginPath();
    let drawing = false;
    s.values.forEach((v, i) => {
      if (!usable(v)) {
        drawing = false;
        return;
      }
      const point: [number, number] = [px(s.xs?.[i] ?? i), py(t(v))];
      if (drawing) ctx.lineTo(...point);
      else ctx.moveTo(...point);
      drawing = true;
    });
    ctx.stroke();
  }
  ctx.setLineDash([]);
}

/** About `count` round numbers (steps of 1, 2 or 5 times a power of ten) between lo and hi. */
function niceTicks(lo: number, hi: number, count = 5): number[] {
  const rough = (hi - lo) / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
    ticks.push(Number(v.toPrecision(12)));
  return ticks;
}
