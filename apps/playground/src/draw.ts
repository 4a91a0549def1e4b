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
  // The map is translucent: without clearing first, old points would show through it.
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, size, size);
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
  let max = 1e-9; // a loop: spreading a long history into Math.max overflows the stack
  for (const h of history) max = Math.max(max, h.train, h.test);
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

/** Colours of 256 values spread over [−1, 1], so drawing a map allocates nothing per pixel. */
const PALETTE = Array.from({ length: 256 }, (_, i) => color((i / 255) * 2 - 1));

/**
 * Paints a size² map of `value(i)` (i = lattice point) into a canvas, divided by `scale` (by default
 * the largest magnitude, so that every neuron's pattern shows).
 */
function paintMap(canvas: HTMLCanvasElement, size: number, value: (i: number) => number, scale = 0): void {
  const ctx = canvas.getContext('2d')!;
  const n = size * size;
  if (scale === 0) for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(value(i)));
  const image = ctx.createImageData(size, size);
  for (let i = 0; i < n; i++) {
    const v = scale === 0 ? 0 : value(i) / scale;
    // A diverged network's NaN paints as 0 (white).
    const [r, g, b] =
      PALETTE[Number.isNaN(v) ? 128 : Math.round((Math.max(-1, Math.min(1, v)) + 1) * 127.5)]!;
    image.data[i * 4] = r;
    image.data[i * 4 + 1] = g;
    image.data[i * 4 + 2] = b;
    image.data[i * 4 + 3] = 255;
  }
  ctx.putImageData(image, 0, 0);
}

/** Lattice coordinates of point i (row-major from the top), as the worker builds them. */
function latticePoint(i: number): [number, number] {
  const step = (2 * EXTENT) / NEURON_GRID;
  return [-EXTENT + ((i % NEURON_GRID) + 0.5) * step, EXTENT - (Math.floor(i / NEURON_GRID) + 0.5) * step];
}

/** The diagram's elements for one architecture, kept so that training only updates them. */
interface Diagram {
  key: string;
  /** links[c][j][i]: the link from node i of column c to node j of column c + 1, and its tooltip. */
  links: { line: SVGLineElement; title: Text }[][][];
  /** maps[c][i]: the canvas inside node i of column c. */
  maps: HTMLCanvasElement[][];
}

const diagrams = new WeakMap<SVGSVGElement, Diagram>();

/** Builds the diagram's elements (once per architecture) and paints the input features' fixed maps. */
function buildDiagram(
  svg: SVGSVGElement,
  key: string,
  features: readonly Feature[],
  labels: readonly string[],
  columns: number[],
): Diagram {
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
        parts.push(
          `<line data-layer="${c}" data-out="${j}" data-in="${i}" x1="${x(c)}" y1="${y(c, i)}" x2="${x(c + 1)}" y2="${y(c + 1, j)}"><title> </title></line>`,
        );
      }
    }
  }
  columns.forEach((count, c) => {
    const last = c === columns.length - 1;
    for (let i = 0; i < count; i++) {
      const [nx, ny] = [x(c) - node / 2, y(c, i) - node / 2];
      parts.push(
        `<rect x="${nx - 1}" y="${ny - 1}" width="${node + 2}" height="${node + 2}" rx="3" fill="#fff" stroke="#666" />`,
        `<foreignObject x="${nx}" y="${ny}" width="${node}" height="${node}"><canvas data-column="${c}" width="${last ? GRID : NEURON_GRID}" height="${last ? GRID : NEURON_GRID}"></canvas></foreignObject>`,
      );
      if (c === 0)
        parts.push(
          `<text x="${nx - 4}" y="${y(c, i) + 4}" text-anchor="end" font-size="10">${labels[i]}</text>`,
        );
    }
  });
  svg.innerHTML = parts.join('');
  const lines = [...svg.querySelectorAll('line')];
  const links = columns.slice(1).map((outs, c) =>
    Array.from({ length: outs }, () =>
      Array.from({ length: columns[c]! }, () => {
        const line = lines.shift()!;
        return { line, title: line.firstElementChild!.firstChild as Text };
      }),
    ),
  );
  const maps = columns.map((_, c) => [
    ...svg.querySelectorAll<HTMLCanvasElement>(`canvas[data-column="${c}"]`),
  ]);
  features.forEach((f, i) => {
    const fn = FEATURE_FNS[f];
    paintMap(maps[0]![i]!, NEURON_GRID, (p) => fn(...latticePoint(p)));
  });
  return { key, links, maps };
}

/**
 * The network: input features, hidden neurons and the output, each node showing its own map over the
 * plane (what that feature, neuron or the whole network computes), links coloured and sized by weight.
 * The elements are built once per architecture; later calls only repaint them, so a link stays under
 * the pointer while the network trains.
 */
export function drawNetwork(
  svg: SVGSVGElement,
  features: readonly Feature[],
  labels: readonly string[],
  layers: number[],
  weights: number[][][] | null,
  neurons: Float32Array[] | null,
  output: Float32Array | null,
): void {
  const columns = [features.length, ...layers, 1];
  const key = `${features.join()}|${layers.join()}`;
  let diagram = diagrams.get(svg);
  if (diagram?.key !== key) {
    diagram = buildDiagram(svg, key, features, labels, columns);
    diagrams.set(svg, diagram);
  }
  diagram.links.forEach((layer, c) => {
    layer.forEach((row, j) => {
      row.forEach(({ line, title }, i) => {
        const w = weights?.[c]?.[j]?.[i] ?? 0;
        const [r, g, b] = color(w);
        line.setAttribute('data-weight', String(w));
        line.setAttribute('stroke', `rgb(${r},${g},${b})`);
        line.setAttribute('stroke-width', Math.min(6, 1 + Math.abs(w) * 2).toFixed(2));
        title.data = `weight ${w.toFixed(3)} (click to edit)`;
      });
    });
  });
  for (let c = 1; c < columns.length - 1; c++) {
    const acts = neurons?.[c - 1];
    const count = columns[c]!;
    diagram.maps[c]!.forEach((canvas, i) => {
      paintMap(canvas, NEURON_GRID, (p) => (acts ? acts[p * count + i]! : 0));
    });
  }
  paintMap(diagram.maps[columns.length - 1]![0]!, GRID, (p) => (output ? output[p]! : 0), 1);
}
