// Drawing: the decision-boundary heatmap with the points, the loss chart, the network diagram.
import { FEATURE_FNS } from './features.js';
import { EXTENT, GRID, NEURON_GRID, type Point } from './protocol.js';
import type { Feature } from './state.js';

const ORANGE = [245, 147, 34];
const BLUE = [8, 119, 189];
const WHITE = [232, 234, 235];

/**
 * The classes' colours on the multi-class sets: Okabe and Ito's palette for colour-blind readers
 * (orange, blue, bluish green, reddish purple, vermillion), told apart by people with any common
 * colour-vision deficiency.
 */
export const CLASS_COLORS: readonly (readonly [number, number, number])[] = [
  [230, 159, 0],
  [0, 114, 178],
  [0, 158, 115],
  [204, 121, 167],
  [213, 94, 0],
];

/** `rgb` blended towards the heatmap's white by 1 − `k` (k = 1: the colour itself). */
const shade = (rgb: readonly number[], k: number) =>
  [0, 1, 2].map((i) => Math.round(WHITE[i]! + (rgb[i]! - WHITE[i]!) * k)) as [number, number, number];

/**
 * A pixel of a multi-class map: the colour of its most probable class, paler the less sure the network
 * is (white at 1/k, the full colour at certainty; the full colour always when `discretize`).
 * @example classColor(new Float32Array([0.1, 0.8, 0.1]), 0, 3, false) // blue, 70% of the way from white
 */
export function classColor(
  probabilities: Float32Array,
  point: number,
  classes: number,
  discretize: boolean,
): [number, number, number] {
  let best = 0;
  for (let c = 1; c < classes; c++)
    if (probabilities[point * classes + c]! > probabilities[point * classes + best]!) best = c;
  const chance = 1 / classes;
  const confidence = (probabilities[point * classes + best]! - chance) / (1 - chance);
  return shade(CLASS_COLORS[best]!, discretize ? 1 : Math.max(0, Math.min(1, confidence)));
}

/** TensorFlow Playground's colours: orange for −1, white for 0, blue for +1. */
function color(v: number): [number, number, number] {
  const t = Math.max(-1, Math.min(1, v));
  const [a, b] = t < 0 ? [WHITE, ORANGE] : [WHITE, BLUE];
  const k = Math.abs(t);
  return [0, 1, 2].map((i) => Math.round(a[i]! + (b[i]! - a[i]!) * k)) as [number, number, number];
}

/**
 * Sizes a canvas's pixels to its CSS size times the device pixel ratio (sharp on high-density
 * screens) and returns its context, scaled so that drawing is in CSS pixels.
 */
function fitCanvas(canvas: HTMLCanvasElement, cssWidth: number, cssHeight: number): CanvasRenderingContext2D {
  const ratio = window.devicePixelRatio || 1;
  const [width, height] = [Math.round(cssWidth * ratio), Math.round(cssHeight * ratio)];
  if (canvas.width !== width || canvas.height !== height) [canvas.width, canvas.height] = [width, height];
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(width / cssWidth, 0, 0, height / cssHeight, 0, 0);
  return ctx;
}

/**
 * Paints the network's output over the plane, then the points (test points hollow); `size` in CSS
 * pixels. With `outputs` > 1 (a multi-class set) `grid` holds each class's probability per point and
 * each pixel takes its most probable class's colour, and the points their class's colour.
 */
export function drawHeatmap(
  canvas: HTMLCanvasElement,
  size: number,
  grid: Float32Array | null,
  outputs: number,
  train: Point[],
  test: Point[],
  options: { showTest: boolean; discretize: boolean },
): void {
  const multiClass = outputs > 1;
  const ctx = fitCanvas(canvas, size, size);
  // The map is translucent: without clearing first, old points would show through it.
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, size, size);
  if (grid) {
    const image = ctx.createImageData(GRID, GRID);
    for (let i = 0; i < GRID * GRID; i++) {
      const [r, g, b] = multiClass
        ? classColor(grid, i, outputs, options.discretize)
        : color(options.discretize ? Math.sign(grid[i]!) : grid[i]!);
      image.data.set([r, g, b, 160], i * 4);
    }
    const off = new OffscreenCanvas(GRID, GRID);
    off.getContext('2d')!.putImageData(image, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(off, 0, 0, size, size);
  }
  const toPixel = (v: number) => ((v + EXTENT) / (2 * EXTENT)) * size;
  const dot = (p: Point, hollow: boolean) => {
    const [r, g, b] = multiClass ? (CLASS_COLORS[p.label] ?? WHITE) : color(p.label);
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

/** A node's map enlarged (the hover preview), `size` in CSS pixels. */
export function drawPreview(canvas: HTMLCanvasElement, size: number, source: HTMLCanvasElement): void {
  const ctx = fitCanvas(canvas, size, size);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(source, 0, 0, size, size);
}

/**
 * Round tick values from 0 at 1, 2 or 5 × a power of ten, about `count` of them: up to `max` or, with
 * `cover`, up to the first tick at or above it.
 * @example niceTicks(0.37, 4, true) // [0, 0.1, 0.2, 0.3, 0.4]
 */
export function niceTicks(max: number, count: number, cover = false): number[] {
  if (!(max > 0) || !Number.isFinite(max)) return [0, 1];
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw * 0.999)!;
  const ticks = [0];
  while (ticks.at(-1)! < max * (1 - 1e-9) && (cover || ticks.at(-1)! + step <= max * (1 + 1e-9)))
    ticks.push(Number((ticks.length * step).toPrecision(12)));
  return ticks;
}

const LOSS_MARGIN = { left: 44, right: 10, top: 18, bottom: 32 };
const chartSizes = new WeakMap<SVGSVGElement, string>();

type LossHistory = { epoch: number; train: number; test: number }[];

/**
 * Training (grey) and test (black) loss over the epochs, with epoch and loss axes; `width` and
 * `height` in CSS pixels. A pinned run's curves, if given, are overlaid dashed (both runs share the
 * axes). `lossName` titles the loss axis. The skeleton is built once per size; each frame sets the
 * lines and ticks.
 * @example drawLossChart(svg, 320, 150, history, pinnedHistory, 'cross-entropy');
 */
export function drawLossChart(
  svg: SVGSVGElement,
  width: number,
  height: number,
  history: LossHistory,
  pinned: LossHistory | null = null,
  lossName = 'loss',
): void {
  const { left, right, top, bottom } = LOSS_MARGIN;
  const [plotWidth, plotHeight] = [width - left - right, height - top - bottom];
  const size = `${width}x${height}`;
  if (chartSizes.get(svg) !== size) {
    chartSizes.set(svg, size);
    svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
    svg.innerHTML =
      `<g class="y-ticks"></g><g class="x-ticks"></g>` +
      `<path class="axis" d="M${left} ${top}V${top + plotHeight}H${left + plotWidth}" />` +
      `<polyline class="pinned-train" /><polyline class="pinned-test" />` +
      `<polyline class="train" /><polyline class="test" />` +
      `<text class="axis-title" x="${left + plotWidth / 2}" y="${height - 2}" text-anchor="middle">epoch</text>` +
      `<text class="axis-title loss-name" x="${left - 30}" y="${top - 6}">loss</text>` +
      `<text class="legend test" x="${width - right}" y="${top - 6}" text-anchor="end">test</text>` +
      `<text class="legend train" x="${width - right - 30}" y="${top - 6}" text-anchor="end">training</text>` +
      `<text class="legend pinned" x="${width - right - 84}" y="${top - 6}" text-anchor="end">- - pinned</text>`;
  }
  const runs = pinned ? [history, pinned] : [history];
  let maxLoss = 0; // a loop: spreading a long history into Math.max overflows the stack
  let maxEpoch = 0;
  for (const run of runs) {
    for (const h of run) if (Number.isFinite(h.train + h.test)) maxLoss = Math.max(maxLoss, h.train, h.test);
    maxEpoch = Math.max(maxEpoch, run.at(-1)?.epoch ?? 0);
  }
  const lossTicks = niceTicks(maxLoss, 4, true);
  const epochTicks = niceTicks(maxEpoch, 5);
  const [topLoss, lastEpoch] = [lossTicks.at(-1)!, Math.max(1, maxEpoch)];
  const x = (epoch: number) => left + (epoch / lastEpoch) * plotWidth;
  const y = (loss: number) => top + plotHeight * (1 - Math.min(loss, topLoss) / topLoss);
  svg.querySelector('.y-ticks')!.innerHTML = lossTicks
    .map(
      (t) =>
        `<line x1="${left - 4}" x2="${left + plotWidth}" y1="${y(t)}" y2="${y(t)}" />` +
        `<text x="${left - 6}" y="${y(t) + 4}" text-anchor="end">${t}</text>`,
    )
    .join('');
  svg.querySelector('.x-ticks')!.innerHTML = epochTicks
    .map(
      (t) =>
        `<line x1="${x(t)}" x2="${x(t)}" y1="${top + plotHeight}" y2="${top + plotHeight + 4}" />` +
        `<text x="${x(t)}" y="${top + plotHeight + 16}" text-anchor="middle">${t}</text>`,
    )
    .join('');
  const line = (run: LossHistory, key: 'train' | 'test') =>
    run
      .filter((h) => Number.isFinite(h[key]))
      .map((h) => `${x(h.epoch).toFixed(1)},${y(h[key]).toFixed(1)}`)
      .join(' ');
  for (const key of ['train', 'test'] as const) {
    svg.querySelector(`polyline.${key}`)!.setAttribute('points', line(history, key));
    svg.querySelector(`polyline.pinned-${key}`)!.setAttribute('points', pinned ? line(pinned, key) : '');
  }
  svg.querySelector<SVGTextElement>('.legend.pinned')!.style.display = pinned ? '' : 'none';
  const title = svg.querySelector('.loss-name')!;
  if (title.textContent !== lossName) title.textContent = lossName;
}

/**
 * The learning-rate range test: smoothed loss against the learning rate on a log axis (ticks at powers
 * of ten), with the suggested rate marked; `width` and `height` in CSS pixels.
 * @example drawLrChart(svg, 320, 150, [1e-5, 1e-4, 1e-3], [0.7, 0.6, 0.3], 1e-4);
 */
export function drawLrChart(
  svg: SVGSVGElement,
  width: number,
  height: number,
  lrs: number[],
  losses: number[],
  suggested: number,
): void {
  const { left, right, top, bottom } = LOSS_MARGIN;
  const [plotWidth, plotHeight] = [width - left - right, height - top - bottom];
  const [lo, hi] = [Math.floor(Math.log10(lrs[0] ?? 1e-5)), Math.ceil(Math.log10(lrs.at(-1) ?? 10))];
  let maxLoss = 0;
  for (const l of losses) maxLoss = Math.max(maxLoss, l);
  const lossTicks = niceTicks(maxLoss, 4, true);
  const topLoss = lossTicks.at(-1)!;
  const x = (lr: number) => left + ((Math.log10(lr) - lo) / Math.max(1, hi - lo)) * plotWidth;
  const y = (loss: number) => top + plotHeight * (1 - loss / topLoss);
  const decades = Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.innerHTML =
    `<g class="y-ticks">${lossTicks
      .map(
        (t) =>
          `<line x1="${left - 4}" x2="${left + plotWidth}" y1="${y(t)}" y2="${y(t)}" />` +
          `<text x="${left - 6}" y="${y(t) + 4}" text-anchor="end">${t}</text>`,
      )
      .join('')}</g>` +
    `<g class="x-ticks">${decades
      .map(
        (e) =>
          `<line x1="${x(10 ** e)}" x2="${x(10 ** e)}" y1="${top + plotHeight}" y2="${top + plotHeight + 4}" />` +
          `<text x="${x(10 ** e)}" y="${top + plotHeight + 16}" text-anchor="middle">1e${e}</text>`,
      )
      .join('')}</g>` +
    `<path class="axis" d="M${left} ${top}V${top + plotHeight}H${left + plotWidth}" />` +
    `<polyline class="test" points="${lrs.map((lr, i) => `${x(lr).toFixed(1)},${y(losses[i]!).toFixed(1)}`).join(' ')}" />` +
    `<line class="suggested" x1="${x(suggested)}" x2="${x(suggested)}" y1="${top}" y2="${top + plotHeight}" />` +
    `<text class="axis-title" x="${left + plotWidth / 2}" y="${height - 2}" text-anchor="middle">learning rate (log scale)</text>` +
    `<text class="axis-title" x="${left}" y="${top - 6}" text-anchor="middle">loss</text>`;
}

/** Colours of 256 values spread over [−1, 1], so drawing a map allocates nothing per pixel. */
const PALETTE = Array.from({ length: 256 }, (_, i) => color((i / 255) * 2 - 1));

/**
 * Paints a size² map of `value(i)` (i = lattice point) into a canvas, divided by `scale` (by default
 * the largest magnitude, so that every neuron's pattern shows), in TF Playground's orange–white–blue or,
 * given `tint`, from white (0) to that colour (1) (a class's probability).
 */
function paintMap(
  canvas: HTMLCanvasElement,
  size: number,
  value: (i: number) => number,
  scale = 0,
  tint?: readonly number[],
): void {
  const ctx = canvas.getContext('2d')!;
  const n = size * size;
  if (scale === 0) for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(value(i)));
  const image = ctx.createImageData(size, size);
  for (let i = 0; i < n; i++) {
    const v = scale === 0 ? 0 : value(i) / scale;
    // A diverged network's NaN paints as 0 (white).
    const [r, g, b] = tint
      ? shade(tint, Number.isNaN(v) ? 0 : Math.max(0, Math.min(1, v)))
      : PALETTE[Number.isNaN(v) ? 128 : Math.round((Math.max(-1, Math.min(1, v)) + 1) * 127.5)]!;
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
  /** biases[c - 1][i]: node i of column c ≥ 1 (hidden and output neurons), its bias square and tooltip. */
  biases: { node: SVGGElement; square: SVGRectElement; title: Text }[][];
}

const diagrams = new WeakMap<SVGSVGElement, Diagram>();

/** The diagram's geometry in SVG units: room for the feature labels, and links wider than the nodes. */
const NODE = 26;
const LABEL_ROOM = 72;
const COLUMN_SPACING = 92;
const ROW_SPACING = 44;
/** The largest scale the diagram is drawn at (CSS pixels per SVG unit). */
const MAX_ZOOM = 1.25;

/** What a node is, for its accessible name. */
function nodeName(column: number, index: number, columns: number[]): string {
  if (column === columns.length - 1)
    return columns[column]! > 1 ? `Output neuron of class ${index + 1}` : 'Output neuron';
  return `Neuron ${index + 1} of hidden layer ${column}`;
}

/** Builds the diagram's elements (once per architecture) and paints the input features' fixed maps. */
function buildDiagram(
  svg: SVGSVGElement,
  key: string,
  features: readonly Feature[],
  labels: readonly string[],
  columns: number[],
): Diagram {
  const width = LABEL_ROOM + (columns.length - 1) * COLUMN_SPACING + NODE / 2 + 12;
  const height = 24 + Math.max(...columns) * ROW_SPACING;
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.style.maxWidth = `${width * MAX_ZOOM}px`; // a small network is not blown up to fill the panel
  const x = (c: number) => LABEL_ROOM + c * COLUMN_SPACING;
  const y = (c: number, i: number) => 12 + (i + 0.5) * ((height - 24) / columns[c]!);
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
      const [nx, ny] = [x(c) - NODE / 2, y(c, i) - NODE / 2];
      const size = last ? GRID : NEURON_GRID;
      // Hidden and output neurons have a bias: a small square at the bottom left (as in TF
      // Playground) coloured by it; the node is a button that edits it.
      const editable =
        c === 0
          ? `aria-label="Feature ${labels[i]}"`
          : `data-layer="${c - 1}" data-neuron="${i}" tabindex="0" role="button" aria-label="${nodeName(c, i, columns)}: edit its bias"`;
      parts.push(
        `<g class="node" data-column="${c}" data-index="${i}" ${editable}>`,
        `<rect x="${nx - 1}" y="${ny - 1}" width="${NODE + 2}" height="${NODE + 2}" rx="3" fill="#fff" stroke="#666" />`,
        `<foreignObject x="${nx}" y="${ny}" width="${NODE}" height="${NODE}"><canvas width="${size}" height="${size}"></canvas></foreignObject>`,
        c === 0
          ? `<text x="${nx - 6}" y="${y(c, i) + 4}" text-anchor="end" font-size="11">${labels[i]}</text>`
          : `<rect class="bias" x="${nx - 6}" y="${ny + NODE - 4}" width="8" height="8" stroke="#666"><title> </title></rect>`,
        '</g>',
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
  const nodes = (c: number) => [...svg.querySelectorAll<SVGGElement>(`g.node[data-column="${c}"]`)];
  const maps = columns.map((_, c) => nodes(c).map((node) => node.querySelector('canvas')!));
  const biases = columns.slice(1).map((_, c) =>
    nodes(c + 1).map((node) => {
      const square = node.querySelector<SVGRectElement>('rect.bias')!;
      return { node, square, title: square.firstElementChild!.firstChild as Text };
    }),
  );
  features.forEach((f, i) => {
    const fn = FEATURE_FNS[f];
    paintMap(maps[0]![i]!, NEURON_GRID, (p) => fn(...latticePoint(p)));
  });
  return { key, links, maps, biases };
}

/**
 * The network: input features, hidden neurons and the output (one node, or one per class of a
 * multi-class set: its probability, in the class's colour), each node showing its own map over the
 * plane (what that feature, neuron or the whole network computes), links coloured and sized by weight,
 * and each neuron's bias as the colour of the square at its corner. The elements are built once per
 * architecture; later calls only repaint them, so a link or node stays under the pointer while the
 * network trains.
 */
export function drawNetwork(
  svg: SVGSVGElement,
  features: readonly Feature[],
  labels: readonly string[],
  layers: number[],
  weights: number[][][] | null,
  biases: number[][] | null,
  neurons: Float32Array[] | null,
  output: Float32Array | null,
  outputs = 1,
): void {
  const columns = [features.length, ...layers, outputs];
  const key = `${features.join()}|${layers.join()}|${outputs}`;
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
  diagram.biases.forEach((layer, c) => {
    layer.forEach(({ node, square, title }, i) => {
      const bias = biases?.[c]?.[i] ?? 0;
      const [r, g, b] = color(bias);
      node.setAttribute('data-bias', String(bias));
      square.setAttribute('fill', `rgb(${r},${g},${b})`);
      title.data = `bias ${bias.toFixed(3)} (click the neuron to edit)`;
    });
  });
  for (let c = 1; c < columns.length - 1; c++) {
    const acts = neurons?.[c - 1];
    const count = columns[c]!;
    diagram.maps[c]!.forEach((canvas, i) => {
      paintMap(canvas, NEURON_GRID, (p) => (acts ? acts[p * count + i]! : 0));
    });
  }
  diagram.maps[columns.length - 1]!.forEach((canvas, i) => {
    const value = (p: number) => (output ? output[p * outputs + i]! : 0);
    paintMap(canvas, GRID, value, 1, outputs > 1 ? CLASS_COLORS[i] : undefined);
  });
}
