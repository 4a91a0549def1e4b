// Drawing: the decision-boundary heatmap with the points, the loss chart, the network diagram.
import { FEATURE_FNS } from './features.js';
import { EXTENT, GRID, NEURON_GRID, type Point } from './protocol.js';
import type { Feature } from './state.js';

const ORANGE = [245, 147, 34];
const BLUE = [8, 119, 189];
const WHITE = [232, 234, 235];

/** TensorFlow Playground's colours: orange for −1, white for 0, blue for +1. */
function color(v: number): [number, number, number] {
  const t = Math.max(-1, Math.min(1, v));
  const [a, b] = t < 0 ? [WHITE, ORANGE] : [WHITE, BLUE];
  const k = Math.abs(t);
  return [0, 1, 2].map((i) => Math.round(a[i]! + (b[i]! - a[i]!) * k)) as [number, number, number];
}

/** Paints the network's output over the plane, then the points (test points hollow). */
export function drawHeatmap(
  canvas: HTMLCanvasElement,
  grid: Float32Array | null,
  train: Point[],
  test: Point[],
  options: { showTest: boolean; discretize: boolean },
): void {
  const ctx = canvas.getContext('2d')!;
  const size = canvas.width;
  if (grid) {
    const image = ctx.createImageData(GRID, GRID);
    grid.forEach((v, i) => {
      const [r, g, b] = color(options.discretize ? Math.sign(v) : v);
      image.data.set([r, g, b, 160], i * 4);
    });
    const off = new OffscreenCanvas(GRID, GRID);
    off.getContext('2d')!.putImageData(image, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(off, 0, 0, size, size);
  } else {
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, size, size);
  }
  const toPixel = (v: number) => ((v + EXTENT) / (2 * EXTENT)) * size;
  const dot = (p: Point, hollow: boolean) => {
    const [r, g, b] = color(p.label);
    ctx.beginPath();
    ctx.arc(toPixel(p.x), size - toPixel(p.y), 3, 0, 2 * Math.PI);
    ctx.fillStyle = `rgb(${r},${g},${b})`;
    ctx.strokeStyle = hollow ? '#000' : '#fff';
    if (!hollow) ctx.fill();
    ctx.stroke();
  };
  for (const p of train) dot(p, false);
  if (options.showTest) for (const p of test) dot(p, true);
}

/** Training (grey) and test (black) loss over the epochs so far. */
export function drawLossChart(canvas: HTMLCanvasElement, history: { train: number; test: number }[]): void {
  const ctx = canvas.getContext('2d')!;
  const { width, height } = canvas;
  ctx.clearRect(0, 0, width, height);
  if (history.length < 2) return;
  const max = Math.max(...history.map((h) => Math.max(h.train, h.test)), 1e-9);
  for (const [key, style] of [
    ['train', '#999'],
    ['test', '#000'],
  ] as const) {
    ctx.beginPath();
    history.forEach((h, i) => {
      const x = (i / (history.length - 1)) * width;
      const y = height - (h[key] / max) * (height - 2) - 1;
      if (i === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    });
    ctx.strokeStyle = style;
    ctx.stroke();
  }
}

const tile = typeof document === 'undefined' ? null : document.createElement('canvas');

/** A NEURON_GRID² map of `value(i)` (i = lattice point), scaled by its largest magnitude, as a data URL. */
function miniHeatmap(value: (i: number) => number): string {
  if (tile === null) return '';
  tile.width = tile.height = NEURON_GRID;
  const ctx = tile.getContext('2d')!;
  const n = NEURON_GRID * NEURON_GRID;
  let scale = 0;
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(value(i)));
  const image = ctx.createImageData(NEURON_GRID, NEURON_GRID);
  for (let i = 0; i < n; i++) {
    const [r, g, b] = color(scale === 0 ? 0 : value(i) / scale);
    image.data.set([r, g, b, 255], i * 4);
  }
  ctx.putImageData(image, 0, 0);
  return tile.toDataURL();
}

/** Lattice coordinates of point i (row-major from the top), as the worker builds them. */
function latticePoint(i: number): [number, number] {
  const step = (2 * EXTENT) / NEURON_GRID;
  return [-EXTENT + ((i % NEURON_GRID) + 0.5) * step, EXTENT - (Math.floor(i / NEURON_GRID) + 0.5) * step];
}

/**
 * The network: input features, hidden neurons and the output, each node showing its own map over the
 * plane (what that feature or neuron computes), links coloured and sized by weight.
 */
export function drawNetwork(
  svg: SVGSVGElement,
  features: readonly Feature[],
  labels: readonly string[],
  layers: number[],
  weights: number[][][] | null,
  neurons: Float32Array[] | null,
): void {
  const columns = [features.length, ...layers, 1];
  const width = 340;
  const node = 26;
  const height = 40 + Math.max(...columns) * 40;
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  const x = (c: number) => 44 + (c * (width - 74)) / (columns.length - 1);
  const y = (c: number, i: number) => 20 + (i + 0.5) * ((height - 40) / columns[c]!);
  const parts: string[] = [];
  for (let c = 0; c + 1 < columns.length; c++) {
    for (let j = 0; j < columns[c + 1]!; j++) {
      for (let i = 0; i < columns[c]!; i++) {
        const w = weights?.[c]?.[j]?.[i] ?? 0;
        const [r, g, b] = color(w);
        parts.push(
          `<line data-layer="${c}" data-out="${j}" data-in="${i}" data-weight="${w}" x1="${x(c)}" y1="${y(c, i)}" x2="${x(c + 1)}" y2="${y(c + 1, j)}" stroke="rgb(${r},${g},${b})" stroke-width="${Math.min(6, 1 + Math.abs(w) * 2).toFixed(2)}"><title>weight ${w.toFixed(3)} (click to edit)</title></line>`,
        );
      }
    }
  }
  columns.forEach((count, c) => {
    for (let i = 0; i < count; i++) {
      let map = '';
      if (c === 0) {
        const f = FEATURE_FNS[features[i]!];
        map = miniHeatmap((p) => f(...latticePoint(p)));
      } else if (c < columns.length - 1 && neurons?.[c - 1]) {
        const acts = neurons[c - 1]!;
        map = miniHeatmap((p) => acts[p * count + i]!);
      }
      const [nx, ny] = [x(c) - node / 2, y(c, i) - node / 2];
      parts.push(
        `<rect x="${nx - 1}" y="${ny - 1}" width="${node + 2}" height="${node + 2}" rx="3" fill="#fff" stroke="#666" />`,
      );
      if (map !== '')
        parts.push(
          `<image href="${map}" x="${nx}" y="${ny}" width="${node}" height="${node}" preserveAspectRatio="none" />`,
        );
      if (c === 0)
        parts.push(
          `<text x="${nx - 4}" y="${y(c, i) + 4}" text-anchor="end" font-size="10">${labels[i]}</text>`,
        );
    }
  });
  svg.innerHTML = parts.join('');
}
