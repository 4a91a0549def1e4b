// The CNN view: draw a digit (or pick a test image) and watch a small conv net, training in a
// worker, classify it; its filters, feature maps, confusion matrix and mistakes are drawn live.
import { formatNumber, hiDpiContext } from '../views/canvas.js';
import { drawChart } from '../views/chart.js';
import type { FeatureMaps, FromCnnWorker, ToCnnWorker } from './protocol.js';
import { type Point, rasterizeStrokes, SIDE } from './rasterize.js';

type EpochReport = Extract<FromCnnWorker, { type: 'epoch' }>;
type Prediction = Extract<FromCnnWorker, { type: 'prediction' }>;
type Source = { kind: 'empty' } | { kind: 'drawn' } | { kind: 'test'; index: number };

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const MISCLASSIFIED_SHOWN = 48;

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const send = (message: ToCnnWorker) => worker.postMessage(message);

let ready = false;
let playing = false;
/** Whether the worker is in an epoch (it finishes the epoch after a pause). */
let training = false;
let testImages: Float32Array = new Float32Array(0);
let testLabels: Int32Array = new Int32Array(0);
/** Per epoch since the last reset (index 0: the untrained network). */
const curves = { loss: [] as number[], testLoss: [] as number[], accuracy: [] as number[] };
let report: EpochReport | null = null;
let prediction: Prediction | null = null;
let strokes: Point[][] = [];
/** The stroke being drawn, while a pointer is down. */
let stroke: Point[] | null = null;
let input: Float32Array = new Float32Array(SIDE * SIDE);
let source: Source = { kind: 'empty' };
/** Ids of the input: the latest, and the one the worker is classifying (null when none is). */
let inputId = 0;
let inFlight: number | null = null;

// Reads for tests and the curious: everything the page shows, as numbers.
(window as unknown as { cnnView: unknown }).cnnView = {
  state: () => ({
    ready,
    playing,
    training,
    epoch: report?.epoch ?? 0,
    maxEpochs: Number($('max-epochs').textContent),
    loss: report?.loss ?? Number.NaN,
    testAccuracy: report?.testAccuracy ?? Number.NaN,
    /** Test accuracy after each epoch since the last reset (index 0: untrained). */
    accuracyPerEpoch: [...curves.accuracy],
    confusion: report?.confusion ?? [],
    testSize: testLabels.length,
    testLabels: Array.from(testLabels),
    testPredictions: Array.from(report?.testPredictions ?? []),
    filters: $('filters').querySelectorAll('canvas').length,
    maps: [...$('maps').querySelectorAll<HTMLElement>('.layer')].map((layer) => ({
      channels: layer.querySelectorAll('canvas').length,
      size: Number(layer.dataset.size),
    })),
    misclassified: $('misclassified').querySelectorAll('button').length,
    input: Array.from(input),
    inputId,
    source,
    prediction: prediction && {
      inputId: prediction.inputId,
      epoch: prediction.epoch,
      probabilities: prediction.probabilities,
      top: argmax(prediction.probabilities),
    },
  }),
};

function argmax(values: readonly number[]): number {
  return values.reduce((best, v, i) => (v > values[best]! ? i : best), 0);
}

// ---- the input ----------------------------------------------------------------------------------

/** Sends the input to be classified, at most one request in flight (the latest input wins). */
function classifyInput(): void {
  if (!ready || inFlight !== null) return;
  inFlight = inputId;
  send({ type: 'input', id: inputId, pixels: input.slice() });
}

function setInput(pixels: Float32Array, from: Source): void {
  input = pixels;
  source = from;
  inputId++;
  $('source').textContent =
    from.kind === 'test'
      ? `Test image ${from.index + 1} of ${testLabels.length}: a ${testLabels[from.index]}.`
      : from.kind === 'drawn'
        ? 'Your drawing.'
        : 'Draw a digit 0–9 (large, filling the box), or pick a test image.';
  drawInput();
  classifyInput();
}

let framePending = false;
/** Re-rasterises the drawing at most once per frame. */
function drawingChanged(): void {
  if (framePending) return;
  framePending = true;
  requestAnimationFrame(() => {
    framePending = false;
    setInput(rasterizeStrokes(strokes), strokes.length ? { kind: 'drawn' } : { kind: 'empty' });
  });
}

function loadTestImage(index: number): void {
  strokes = [];
  setInput(testImages.slice(index * 64, (index + 1) * 64), { kind: 'test', index });
}

const pad = $<HTMLCanvasElement>('pad');
function pointOf(event: PointerEvent): Point {
  const r = pad.getBoundingClientRect();
  return { x: event.clientX - r.left, y: event.clientY - r.top };
}
pad.addEventListener('pointerdown', (event) => {
  if (event.pointerType === 'mouse' && event.button !== 0) return;
  event.preventDefault();
  pad.setPointerCapture(event.pointerId);
  if (source.kind === 'test') strokes = [];
  stroke = [pointOf(event)];
  strokes.push(stroke);
  drawingChanged();
});
pad.addEventListener('pointermove', (event) => {
  if (stroke === null) return;
  for (const e of event.getCoalescedEvents?.() ?? [event]) stroke.push(pointOf(e));
  drawingChanged();
});
for (const type of ['pointerup', 'pointercancel'] as const)
  pad.addEventListener(type, () => {
    stroke = null;
  });
$('clear').addEventListener('click', () => {
  strokes = [];
  drawingChanged();
});
$('pick').addEventListener('click', () => loadTestImage(Math.floor(Math.random() * testLabels.length)));

/** Draws `values` (side×side, row by row) as squares filling `canvas`, coloured by `colour`. */
function drawPixels(
  canvas: HTMLCanvasElement,
  values: ArrayLike<number>,
  side: number,
  colour: (v: number) => string,
): void {
  const { ctx, width, height } = hiDpiContext(canvas);
  const [w, h] = [width / side, height / side];
  for (let r = 0; r < side; r++)
    for (let c = 0; c < side; c++) {
      ctx.fillStyle = colour(values[r * side + c]!);
      // Overlap by a fraction of a pixel so no seams show between the squares.
      ctx.fillRect(c * w, r * h, w + 0.5, h + 0.5);
    }
}

/** Ink on paper: 0 white … 16 black, as the data set's images are usually shown. */
const ink = (v: number) => `hsl(0 0% ${100 - (Math.min(Math.max(v, 0), 16) / 16) * 100}%)`;

function drawInput(): void {
  drawPixels($('seen'), input, SIDE, ink);
  if (source.kind === 'test') {
    drawPixels(pad, input, SIDE, ink);
    return;
  }
  const { ctx, width } = hiDpiContext(pad);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, width);
  ctx.strokeStyle = '#111';
  ctx.lineWidth = width / 14;
  [ctx.lineCap, ctx.lineJoin] = ['round', 'round'];
  for (const s of strokes) {
    ctx.beginPath();
    ctx.moveTo(s[0]!.x, s[0]!.y);
    for (const p of s) ctx.lineTo(p.x, p.y);
    ctx.stroke();
  }
}

// ---- the prediction ------------------------------------------------------------------------------

const bars = Array.from({ length: 10 }, (_, digit) => {
  const item = document.createElement('li');
  item.dataset.class = String(digit);
  item.innerHTML = `<span class="digit">${digit}</span><span class="bar"><span></span></span><span class="number">–</span>`;
  $('bars').append(item);
  return item;
});

function showPrediction(p: Prediction): void {
  prediction = p;
  const top = argmax(p.probabilities);
  p.probabilities.forEach((probability, digit) => {
    const item = bars[digit]!;
    item.classList.toggle('top', digit === top);
    (item.querySelector('.bar > span') as HTMLElement).style.width = `${probability * 100}%`;
    item.querySelector('.number')!.textContent = `${(probability * 100).toFixed(1)}%`;
    item.setAttribute('aria-label', `${digit}: ${(probability * 100).toFixed(0)}%`);
  });
  // A live region: its text changes only when the answer does, not at every update.
  const verdict =
    source.kind === 'empty'
      ? 'Draw a digit to see what the network thinks it is.'
      : `The network reads a ${top}${p.epoch === 0 ? ' (untrained: press Play)' : ''}.`;
  if ($('verdict').textContent !== verdict) $('verdict').textContent = verdict;
  drawMaps(p.maps);
}

/** Each convolution's maps for the input: white 0 … dark blue at the layer's largest value. */
function drawMaps(maps: FeatureMaps[]): void {
  const container = $('maps');
  if (container.children.length !== maps.length) container.replaceChildren();
  maps.forEach((m, l) => {
    let layer = container.children[l] as HTMLElement | undefined;
    if (layer === undefined) {
      layer = document.createElement('div');
      layer.className = 'layer';
      layer.innerHTML = `<h3 class="sub"></h3><div class="tiles"></div>`;
      container.append(layer);
    }
    layer.dataset.size = String(m.size);
    layer.querySelector('h3')!.textContent = m.label;
    const tiles = tilesFor(layer.querySelector('.tiles')!, m.channels, (i) => `${m.label}, map ${i + 1}`);
    let max = 0;
    for (const v of m.values) max = Math.max(max, v);
    const area = m.size * m.size;
    const blue = (v: number) => `hsl(212 80% ${100 - (max > 0 ? v / max : 0) * 75}%)`;
    tiles.forEach((canvas, c) => {
      drawPixels(canvas, m.values.subarray(c * area, (c + 1) * area), m.size, blue);
    });
  });
}

/** `count` small canvases in `container` (made once), named by `name(i)`. */
function tilesFor(container: Element, count: number, name: (i: number) => string): HTMLCanvasElement[] {
  while (container.children.length > count) container.lastElementChild!.remove();
  while (container.children.length < count) {
    const canvas = document.createElement('canvas');
    canvas.className = 'tile';
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', name(container.children.length));
    container.append(canvas);
  }
  return [...container.children] as HTMLCanvasElement[];
}

// ---- training ------------------------------------------------------------------------------------

function showEpoch(r: EpochReport): void {
  report = r;
  if (r.epoch === 0) for (const values of Object.values(curves)) values.length = 0;
  curves.loss[r.epoch] = r.loss;
  curves.testLoss[r.epoch] = r.testLoss;
  curves.accuracy[r.epoch] = r.testAccuracy;
  $('epoch').textContent = String(r.epoch);
  $('epoch-2').textContent = String(r.epoch);
  $('loss').textContent = Number.isNaN(r.loss) ? '–' : formatNumber(r.loss);
  $('test-loss').textContent = formatNumber(r.testLoss);
  $('accuracy').textContent = `${(r.testAccuracy * 100).toFixed(1)}%`;
  drawCurves();
  drawFilters(r);
  drawConfusion(r.confusion);
  drawMisclassified(r);
}

function drawCurves(): void {
  drawChart(
    $('chart'),
    [
      { colour: '#0072b2', values: curves.loss },
      { colour: '#d55e00', values: curves.testLoss },
      { colour: '#009e73', values: curves.accuracy },
    ],
    { xLabel: 'epoch' },
  );
}

/** conv1's filters, each on its own symmetric scale: blue negative, white 0, orange positive. */
function drawFilters(r: EpochReport): void {
  const area = r.filterSize * r.filterSize;
  const count = r.filters.length / area;
  const tiles = tilesFor($('filters'), count, (i) => `conv1 filter ${i + 1}`);
  tiles.forEach((canvas, f) => {
    const weights = r.filters.subarray(f * area, (f + 1) * area);
    const scale = Math.max(...Array.from(weights, Math.abs)) || 1;
    drawPixels(canvas, weights, r.filterSize, (w) => {
      const t = Math.abs(w) / scale;
      return w < 0 ? `hsl(202 100% ${100 - t * 65}%)` : `hsl(25 100% ${100 - t * 58}%)`;
    });
    canvas.setAttribute(
      'aria-label',
      `conv1 filter ${f + 1}: ${Array.from(weights, (w) => formatNumber(w)).join(', ')}`,
    );
  });
}

function drawConfusion(confusion: number[][]): void {
  const table = $<HTMLTableElement>('confusion');
  const header = `<caption class="note">Rows: the true class; columns: the class predicted. The diagonal counts the test images classified right.</caption><thead><tr><th scope="col">true ↓<br />predicted →</th>${confusion.map((_, c) => `<th scope="col">${c}</th>`).join('')}</tr></thead>`;
  const rows = confusion.map((row, t) => {
    const total = row.reduce((a, b) => a + b, 0) || 1;
    const cells = row.map((n, p) => {
      const share = n / total;
      const hue = p === t ? 160 : 25;
      // Lightness 95% (few) to 60% (all): the dark text keeps a contrast of at least 6:1 (axe-core's
      // colour-contrast rule failed at the 45% this went down to).
      const style = n === 0 ? '' : ` style="background:hsl(${hue} 80% ${95 - share * 35}%)"`;
      return `<td${style}>${n}</td>`;
    });
    return `<tr><th scope="row">${t}</th>${cells.join('')}</tr>`;
  });
  table.innerHTML = `${header}<tbody>${rows.join('')}</tbody>`;
}

function drawMisclassified(r: EpochReport): void {
  const wrong = Array.from(r.testPredictions.keys()).filter((i) => r.testPredictions[i] !== testLabels[i]);
  const strip = $('misclassified');
  // The strip is rebuilt every epoch: a keyboard user's focus stays on the same example if it is still there.
  const focused = strip.contains(document.activeElement)
    ? (document.activeElement as HTMLElement).dataset.index
    : undefined;
  strip.replaceChildren();
  for (const index of wrong.slice(0, MISCLASSIFIED_SHOWN)) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'example';
    const [label, predicted] = [testLabels[index]!, r.testPredictions[index]!];
    // The name starts with the visible caption, so speech input can say what is seen (axe-core's
    // label-content-name-mismatch rule).
    button.setAttribute(
      'aria-label',
      `${label}→${predicted}: test image ${index + 1}, a ${label}, predicted ${predicted}`,
    );
    button.dataset.index = String(index);
    const canvas = document.createElement('canvas');
    canvas.className = 'tile';
    const caption = document.createElement('span');
    caption.textContent = `${label}→${predicted}`;
    button.append(canvas, caption);
    button.addEventListener('click', () => loadTestImage(index));
    strip.append(button);
    drawPixels(canvas, testImages.subarray(index * 64, (index + 1) * 64), SIDE, ink);
  }
  if (focused !== undefined) strip.querySelector<HTMLElement>(`button[data-index="${focused}"]`)?.focus();
  if (wrong.length > MISCLASSIFIED_SHOWN) {
    const more = document.createElement('span');
    more.className = 'note';
    more.textContent = `and ${wrong.length - MISCLASSIFIED_SHOWN} more`;
    strip.append(more);
  }
  if (wrong.length === 0) strip.textContent = 'None: every test image is classified right.';
}

function setPlaying(on: boolean): void {
  playing = on;
  $('play-label').textContent = on ? 'Pause' : 'Play';
  $('play').setAttribute('aria-pressed', String(on));
  // Two bars for pause, a triangle for play (drawn, not a font's glyph).
  $('play-icon').setAttribute(
    'd',
    on ? 'M2.5 1.5h2.5v9h-2.5zM7 1.5h2.5v9h-2.5z' : 'M2.5 1.5L10.5 6L2.5 10.5Z',
  );
}

$('play').addEventListener('click', () => {
  setPlaying(!playing);
  send({ type: playing ? 'play' : 'pause' });
});
$('reset').addEventListener('click', () => {
  setPlaying(false);
  send({ type: 'reset' });
});

worker.onmessage = (event: MessageEvent<FromCnnWorker>) => {
  const m = event.data;
  if (m.type === 'ready') {
    [testImages, testLabels] = [m.testImages, m.testLabels];
    $('max-epochs').textContent = String(m.maxEpochs);
    $('architecture').innerHTML = m.architecture.map((line) => `<li>${line}</li>`).join('');
    ready = true;
    $<HTMLButtonElement>('play').disabled = false;
    classifyInput();
  } else if (m.type === 'epoch') showEpoch(m);
  else if (m.type === 'prediction') {
    showPrediction(m);
    if (m.inputId === inFlight) {
      inFlight = null;
      if (inputId !== m.inputId) classifyInput();
    }
  } else if (m.type === 'state') {
    setPlaying(m.playing);
    training = m.training;
  } else if (m.type === 'error') $('status').textContent = m.message;
};
worker.onerror = (event) => {
  $('status').textContent = `The training worker failed: ${event.message}`;
};

window.addEventListener('resize', () => {
  drawInput();
  if (report) showEpoch(report);
  if (prediction) drawMaps(prediction.maps);
});
drawInput();
