// The page: controls bound to the state (kept in the URL hash), a training worker, and drawing.
import { DATASET_NOTES } from './datasets.js';
import { drawHeatmap, drawLossChart, drawLrChart, drawNetwork, drawPreview } from './draw.js';
import { appendLoss, type LossPoint } from './history.js';
import type { FromWorker, Point, ToWorker } from './protocol.js';

type Update = Extract<FromWorker, { type: 'update' }>;
type ToWorkerTune = Extract<ToWorker, { type: 'tune' }>;

import {
  CLASS_COUNTS,
  consistent,
  decodeHash,
  encodeHash,
  FEATURES,
  isMultiClass,
  LEARNING_RATES,
  MAX_LAYERS,
  MAX_NEURONS,
  minBatchSize,
  OPTIMIZER_DEFAULTS,
  outputCount,
  type PlaygroundState,
  REGULARIZATION_RATES,
} from './state.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
/** Messages wait until the worker has said it is ready (see worker.ts). */
let workerReady = false;
const outbox: ToWorker[] = [];
const send = (message: ToWorker) => {
  if (workerReady) worker.postMessage(message);
  else outbox.push(message);
};

let state: PlaygroundState = decodeHash(location.hash);
let playing = false;
let data: { train: Point[]; test: Point[] } = { train: [], test: [] };
let grid: Float32Array | null = null;
/** The output nodes `grid` was computed for (an update sent before a change of data set may arrive after it). */
let gridOutputs = 1;
let weights: number[][][] | null = null;
let biases: number[][] | null = null;
let neurons: Float32Array[] | null = null;
let history: LossPoint[] = [];
/** The last learning-rate range test, drawn until the network changes. */
let lrFinder: Extract<FromWorker, { type: 'lrFinder' }> | null = null;
/** A run's loss history kept by "Pin this run", overlaid dashed on the chart (a bounded copy). */
let pinned: LossPoint[] | null = null;
/** The latest update not drawn yet: updates arriving within one frame are drawn once. */
let pending: Update | null = null;
let frameRequested = false;
/** Frames drawn so far. */
let frames = 0;
/** The node whose map is enlarged (hovered or focused), if any. */
let previewed: SVGGElement | null = null;
/** CSS sizes of the elements drawn at their own resolution, kept by a ResizeObserver (no layout reads per frame). */
const sizes = new Map<Element, { width: number; height: number }>();
const resized = new ResizeObserver((entries) => {
  for (const entry of entries) {
    const box = entry.contentBoxSize[0]!;
    sizes.set(entry.target, { width: box.inlineSize, height: box.blockSize });
  }
  requestFrame();
});
/** An element's CSS size (the fallback until the observer has reported a size). */
const sizeOf = (el: Element, fallback: { width: number; height: number }) => {
  const size = sizes.get(el);
  return size && size.width > 0 && size.height > 0 ? size : fallback;
};
/** The enlarged map's side in CSS pixels (as in style.css). */
const PREVIEW_SIZE = 160;

/** For tests and curious users: the loss history as the page received it, the state, frames drawn. */
(window as unknown as { playground: unknown }).playground = {
  history: () => history,
  pinned: () => pinned,
  /** The last learning-rate range test: lrs, smoothed losses, suggested lr. */
  lrFinder: () => lrFinder,
  state: () => state,
  frames: () => frames,
  /** Records a loss as if the worker had reported it (to try long sessions without training them). */
  recordLoss: (epoch: number, train: number, test: number) => {
    appendLoss(history, { epoch, train, test });
    requestFrame();
  },
};

const FEATURE_LABELS: Record<string, string> = {
  x1: 'X₁',
  x2: 'X₂',
  x1Squared: 'X₁²',
  x2Squared: 'X₂²',
  x1x2: 'X₁X₂',
  sinX1: 'sin(X₁)',
  sinX2: 'sin(X₂)',
};

function fillSelect(select: HTMLSelectElement, values: number[]): void {
  select.innerHTML = values.map((v) => `<option value="${v}">${v}</option>`).join('');
}

/** Writes the state into every control and the URL, and hides controls listed in `hide`. */
function render(): void {
  writeHash();
  ($('dataset') as HTMLSelectElement).value = state.dataset;
  $('dataset-note').textContent = DATASET_NOTES[state.dataset];
  ($('classes') as HTMLSelectElement).value = String(state.classes);
  $('loss-kind').textContent = isMultiClass(state.dataset)
    ? 'cross-entropy'
    : 'as in TF Playground: ½·mean squared error';
  for (const [id, value] of [
    ['ratio', state.ratio],
    ['noise', state.noise],
    ['batch', state.batchSize],
  ] as const) {
    ($(id) as HTMLInputElement).value = String(value);
    $(`${id}-value`).textContent = String(value);
  }
  const minBatch = minBatchSize(state);
  ($('batch') as HTMLInputElement).min = String(minBatch);
  $('batch-note').textContent =
    minBatch > 1
      ? 'Batch norm needs at least 2 examples per batch, so batch size 1 is off while it is on.'
      : '';
  ($('activation') as HTMLSelectElement).value = state.activation;
  ($('learningRate') as HTMLSelectElement).value = String(state.learningRate);
  ($('regularization') as HTMLSelectElement).value = state.regularization;
  ($('regularizationRate') as HTMLSelectElement).value = String(state.regularizationRate);
  ($('optimizer') as HTMLSelectElement).value = state.optimizer;
  ($('schedule') as HTMLSelectElement).value = state.schedule;
  ($('dropout') as HTMLSelectElement).value = String(state.dropout);
  ($('momentum') as HTMLSelectElement).value = String(state.momentum);
  ($('beta1') as HTMLSelectElement).value = String(state.beta1);
  ($('beta2') as HTMLSelectElement).value = String(state.beta2);
  ($('showTest') as HTMLInputElement).checked = state.showTest;
  ($('discretize') as HTMLInputElement).checked = state.discretize;
  $('features').innerHTML =
    '<legend>Input features</legend>' +
    FEATURES.map(
      (f) =>
        `<label><input type="checkbox" value="${f}" ${state.features.includes(f) ? 'checked' : ''}/> ${FEATURE_LABELS[f]}</label>`,
    ).join('');
  $('layer-count').textContent = String(state.layers.length);
  $('layer-sizes').innerHTML = state.layers
    .map(
      (n, i) =>
        `<span class="layer">Layer ${i + 1}: ${n} <button type="button" data-layer="${i}" data-delta="1" aria-label="More neurons in layer ${i + 1}">+</button><button type="button" data-layer="${i}" data-delta="-1" aria-label="Fewer neurons in layer ${i + 1}">−</button>` +
        ` <label class="inline"><input type="checkbox" data-flag="dropoutLayers" data-index="${i}" aria-label="Dropout after layer ${i + 1}" ${state.dropoutLayers[i] ? 'checked' : ''}/> dropout</label>` +
        ` <label class="inline"><input type="checkbox" data-flag="batchNormLayers" data-index="${i}" aria-label="Batch norm in layer ${i + 1}" ${state.batchNormLayers[i] ? 'checked' : ''}/> BN</label></span>`,
    )
    .join('');
  // A control is hidden when the URL says so (embedding), or when it is an option of another optimizer.
  for (const el of document.querySelectorAll<HTMLElement>('[data-control]')) {
    const forOptimizers = el.dataset['for']?.split(' ');
    el.hidden =
      state.hide.includes(el.dataset['control']!) ||
      (forOptimizers !== undefined && !forOptimizers.includes(state.optimizer)) ||
      (el.dataset['control'] === 'classes' && !isMultiClass(state.dataset));
  }
  redraw();
}

/** Keeps the URL hash in step with the state, without adding history entries. */
function writeHash(): void {
  const hash = `#${encodeHash(state)}`;
  if (location.hash !== hash) window.history.replaceState(null, '', hash);
}

/** Asks for one redraw at the next animation frame, however many changes arrive before it. */
function requestFrame(): void {
  if (frameRequested) return;
  frameRequested = true;
  requestAnimationFrame(() => {
    frameRequested = false;
    frames++;
    if (pending) showUpdate(pending);
    redraw();
    if (pending) send({ type: 'ack' }); // the worker posts the next update only now
    pending = null;
  });
}

/** Writes an update's numbers into the page. */
function showUpdate(m: Update): void {
  $('epoch').textContent = String(m.epoch);
  $('current-lr').textContent = String(+m.learningRate.toPrecision(3));
  // Vanishing or exploding gradients show up as norms orders of magnitude apart across layers.
  $('gradient-norms').innerHTML = m.gradientNorms
    .map(
      (g, i) =>
        `<li>${i === m.gradientNorms.length - 1 ? 'output' : `layer ${i + 1}`}: ${g === 0 ? '0' : g.toExponential(2)}</li>`,
    )
    .join('');
  $('test-loss').textContent = m.testLoss.toFixed(3);
  $('train-loss').textContent = m.trainLoss.toFixed(3);
  const percent = (a: number | null) => (a === null ? '–' : `${(100 * a).toFixed(1)}%`);
  $('accuracy').hidden = m.trainAccuracy === null;
  $('train-accuracy').textContent = percent(m.trainAccuracy);
  $('test-accuracy').textContent = percent(m.testAccuracy);
  if (m.epochsPerSecond !== null) $('epochs-per-second').textContent = m.epochsPerSecond.toFixed(0);
  else if (!m.playing) $('epochs-per-second').textContent = '–';
}

function redraw(): void {
  const outputs = outputCount(state);
  const output = gridOutputs === outputs ? grid : null;
  const heatmap = $('heatmap') as HTMLCanvasElement;
  drawHeatmap(
    heatmap,
    sizeOf(heatmap, { width: 320, height: 320 }).width,
    output,
    outputs,
    data.train,
    data.test,
    state,
  );
  const chart = $('loss-chart') as unknown as SVGSVGElement;
  const { width, height } = sizeOf(chart, { width: 320, height: 150 });
  drawLossChart(
    chart,
    width,
    height,
    history,
    pinned,
    isMultiClass(state.dataset) ? 'cross-entropy' : 'loss',
  );
  drawNetwork(
    $('network') as unknown as SVGSVGElement,
    state.features,
    state.features.map((f) => FEATURE_LABELS[f]!),
    state.layers,
    weights,
    biases,
    neurons,
    output,
    outputs,
  );
  const lrFinderBox = $('lr-finder');
  lrFinderBox.hidden = lrFinder === null;
  if (lrFinder) {
    const lrChart = $('lr-chart') as unknown as SVGSVGElement;
    const size = sizeOf(lrChart, { width: 280, height: 150 });
    drawLrChart(lrChart, size.width, size.height, lrFinder.lrs, lrFinder.losses, lrFinder.suggested);
  }
  if (previewed?.isConnected) {
    const preview = $('neuron-preview') as HTMLCanvasElement;
    drawPreview(preview, PREVIEW_SIZE, previewed.querySelector('canvas')!);
  } else if (previewed) hidePreview();
}

/** Shows a node's map enlarged beside it (TF Playground shows it in the big map; this keeps both). */
function showPreview(node: SVGGElement): void {
  previewed = node;
  const preview = $('neuron-preview');
  const box = node.getBoundingClientRect();
  const panel = preview.parentElement!.getBoundingClientRect();
  const size = PREVIEW_SIZE;
  // Beside the node, on the side with room, inside the diagram.
  const right = box.right - panel.left + 8;
  const left = right + size <= panel.width ? right : box.left - panel.left - size - 8;
  preview.style.left = `${Math.max(0, left)}px`;
  preview.style.top = `${Math.min(Math.max(0, box.top - panel.top - size / 2), Math.max(0, panel.height - size))}px`;
  preview.hidden = false;
  requestFrame();
}

function hidePreview(): void {
  previewed = null;
  $('neuron-preview').hidden = true;
}

/** Shows a message under the output; errors can be dismissed. */
function setStatus(text: string): void {
  $('status').textContent = text;
  $('dismiss').hidden = text === '';
}

/** Applies a change: updates the URL and restarts training with a fresh network (as TF Playground). */
function update(change: Partial<PlaygroundState>, restart = true): void {
  state = consistent({ ...state, ...change });
  render();
  if (restart) reset();
}

/** Applies a training setting to the running network: no reset (unlike changes to the data or network). */
function tune(change: ToWorkerTune['change']): void {
  update(change, false);
  // The values as made consistent with the rest of the state.
  const applied = Object.fromEntries(Object.keys(change).map((k) => [k, state[k as keyof typeof change]]));
  send({ type: 'tune', change: applied });
}

function reset(): void {
  history = [];
  lrFinder = null;
  pending = null;
  grid = null;
  weights = null;
  biases = null;
  neurons = null;
  $('epoch').textContent = '0';
  $('test-loss').textContent = '–';
  $('train-loss').textContent = '–';
  send({ type: 'configure', state });
  if (playing) send({ type: 'play' });
}

function setPlaying(on: boolean): void {
  playing = on;
  $('play-label').textContent = on ? 'Pause' : 'Play';
  // Two bars for pause, a triangle for play (drawn, not a font's glyph).
  $('play-icon').setAttribute(
    'd',
    on ? 'M2.5 1.5h2.5v9h-2.5zM7 1.5h2.5v9h-2.5z' : 'M2.5 1.5L10.5 6L2.5 10.5Z',
  );
  send({ type: on ? 'play' : 'pause' });
}

worker.onmessage = (event: MessageEvent<FromWorker>) => {
  const m = event.data;
  if (m.type === 'ready') {
    workerReady = true;
    $('threads').textContent = `threads: ${m.threads}${m.threadsNote ? ` (${m.threadsNote})` : ''}`;
    for (const message of outbox.splice(0)) worker.postMessage(message);
    return;
  }
  if (m.type === 'data') {
    data = { train: m.train, test: m.test };
  } else if (m.type === 'update') {
    grid = m.grid;
    gridOutputs = m.outputs;
    weights = m.weights;
    biases = m.biases;
    neurons = m.neurons;
    appendLoss(history, { epoch: m.epoch, train: m.trainLoss, test: m.testLoss });
    pending = m;
  } else if (m.type === 'lrFinder') {
    lrFinder = m;
    ($('find-lr') as HTMLButtonElement).disabled = false;
    const offered = nearestRate(m.suggested);
    $('lr-suggestion').textContent =
      `Steepest descent at lr ≈ ${+m.suggested.toPrecision(2)}; the nearest rate offered is ${offered}.`;
    $('apply-lr').dataset['rate'] = String(offered);
    $('apply-lr').textContent = `Use lr = ${offered}`;
  } else if (m.type === 'exported') {
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([m.bytes], { type: 'application/octet-stream' }));
    link.download = 'myelin-playground.safetensors';
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
    setStatus(`Exported ${m.bytes.byteLength} bytes of weights`);
  } else {
    ($('find-lr') as HTMLButtonElement).disabled = false;
    setStatus(m.message);
  }
  requestFrame();
};
worker.onerror = (event) => {
  setStatus(`Training stopped: ${event.message}`);
};

fillSelect($('learningRate'), LEARNING_RATES);
fillSelect($('regularizationRate'), REGULARIZATION_RATES);
fillSelect($('classes'), CLASS_COUNTS);
$('dataset').addEventListener('change', (e) =>
  update({ dataset: (e.target as HTMLSelectElement).value as PlaygroundState['dataset'] }),
);
$('classes').addEventListener('change', (e) =>
  update({ classes: Number((e.target as HTMLSelectElement).value) }),
);
$('ratio').addEventListener('input', (e) => update({ ratio: Number((e.target as HTMLInputElement).value) }));
$('noise').addEventListener('input', (e) => update({ noise: Number((e.target as HTMLInputElement).value) }));
$('batch').addEventListener('input', (e) =>
  tune({ batchSize: Number((e.target as HTMLInputElement).value) }),
);
$('activation').addEventListener('change', (e) =>
  update({ activation: (e.target as HTMLSelectElement).value as PlaygroundState['activation'] }),
);
$('learningRate').addEventListener('change', (e) =>
  tune({ learningRate: Number((e.target as HTMLSelectElement).value) }),
);
$('regularization').addEventListener('change', (e) =>
  tune({ regularization: (e.target as HTMLSelectElement).value as PlaygroundState['regularization'] }),
);
$('regularizationRate').addEventListener('change', (e) =>
  tune({ regularizationRate: Number((e.target as HTMLSelectElement).value) }),
);
$('optimizer').addEventListener('change', (e) => {
  const optimizer = (e.target as HTMLSelectElement).value as PlaygroundState['optimizer'];
  update({ optimizer, ...OPTIMIZER_DEFAULTS[optimizer] });
});
$('showTest').addEventListener('change', (e) =>
  update({ showTest: (e.target as HTMLInputElement).checked }, false),
);
$('discretize').addEventListener('change', (e) =>
  update({ discretize: (e.target as HTMLInputElement).checked }, false),
);
$('features').addEventListener('change', () => {
  const chosen = [...document.querySelectorAll<HTMLInputElement>('#features input:checked')].map(
    (i) => i.value,
  ) as PlaygroundState['features'];
  update({ features: chosen.length > 0 ? chosen : state.features });
});
$('add-layer').addEventListener('click', () => {
  if (state.layers.length < MAX_LAYERS) {
    update({
      layers: [...state.layers, 2],
      dropoutLayers: [...state.dropoutLayers, 0],
      batchNormLayers: [...state.batchNormLayers, 0],
    });
  }
});
$('remove-layer').addEventListener('click', () => {
  if (state.layers.length > 0) {
    update({
      layers: state.layers.slice(0, -1),
      dropoutLayers: state.dropoutLayers.slice(0, -1),
      batchNormLayers: state.batchNormLayers.slice(0, -1),
    });
  }
});
$('layer-sizes').addEventListener('click', (e) => {
  const button = (e.target as HTMLElement).closest<HTMLButtonElement>('button[data-layer]');
  if (!button) return;
  const i = Number(button.dataset['layer']);
  const layers = [...state.layers];
  layers[i] = Math.min(MAX_NEURONS, Math.max(1, layers[i]! + Number(button.dataset['delta'])));
  update({ layers });
});
$('schedule').addEventListener('change', (e) =>
  update({ schedule: (e.target as HTMLSelectElement).value as PlaygroundState['schedule'] }),
);
$('dropout').addEventListener('change', (e) =>
  update({ dropout: Number((e.target as HTMLSelectElement).value) }),
);
$('momentum').addEventListener('change', (e) =>
  update({ momentum: Number((e.target as HTMLSelectElement).value) }),
);
$('beta1').addEventListener('change', (e) =>
  update({ beta1: Number((e.target as HTMLSelectElement).value) }),
);
$('beta2').addEventListener('change', (e) =>
  update({ beta2: Number((e.target as HTMLSelectElement).value) }),
);
$('layer-sizes').addEventListener('change', (e) => {
  const box = (e.target as HTMLElement).closest<HTMLInputElement>('input[data-flag]');
  if (!box) return;
  const key = box.dataset['flag'] as 'dropoutLayers' | 'batchNormLayers';
  const flags = [...state[key]];
  flags[Number(box.dataset['index'])] = box.checked ? 1 : 0;
  update({ [key]: flags });
});
$('export').addEventListener('click', () => send({ type: 'export' }));
$('import').addEventListener('change', async (e) => {
  const file = (e.target as HTMLInputElement).files?.[0];
  if (!file) return;
  setStatus('');
  send({ type: 'import', bytes: await file.arrayBuffer() });
  (e.target as HTMLInputElement).value = ''; // choosing the same file again imports it again
});
$('network').addEventListener('click', (e) => {
  const link = (e.target as Element).closest('line[data-layer]');
  if (!link) return;
  const [layer, out, input] = ['layer', 'out', 'in'].map((k) => Number(link.getAttribute(`data-${k}`)));
  const answer = window.prompt(
    `Weight of this link (layer ${layer! + 1}, ${input} → ${out}):`,
    link.getAttribute('data-weight') ?? '0',
  );
  if (answer === null) return;
  const value = Number(answer);
  if (!Number.isFinite(value)) {
    setStatus(`Could not set the weight: "${answer}" is not a number.`);
    return;
  }
  send({ type: 'setWeight', layer: layer!, out: out!, in: input!, value });
});
/** Asks for a neuron's bias (clicking it, or Enter or Space on it) and sets it. */
function editBias(node: Element): void {
  const [layer, neuron] = ['layer', 'neuron'].map((k) => Number(node.getAttribute(`data-${k}`)));
  const answer = window.prompt(
    `${node.getAttribute('aria-label')?.replace(/: edit its bias$/, '')}: bias`,
    node.getAttribute('data-bias') ?? '0',
  );
  if (answer === null) return;
  const value = Number(answer);
  if (answer.trim() === '' || !Number.isFinite(value)) {
    setStatus(`Could not set the bias: "${answer}" is not a number.`);
    return;
  }
  send({ type: 'setBias', layer: layer!, neuron: neuron!, value });
}
$('network').addEventListener('click', (e) => {
  const node = (e.target as Element).closest('g.node[data-neuron]');
  if (node) editBias(node);
});
$('network').addEventListener('keydown', (e) => {
  const node = (e.target as Element).closest('g.node[data-neuron]');
  if (node && (e.key === 'Enter' || e.key === ' ')) {
    e.preventDefault();
    editBias(node);
  }
});
for (const [event, show] of [
  ['pointerover', true],
  ['focusin', true],
  ['pointerout', false],
  ['focusout', false],
] as const) {
  $('network').addEventListener(event, (e) => {
    const node = (e.target as Element).closest<SVGGElement>('g.node');
    if (!node) return;
    const into = (e as PointerEvent | FocusEvent).relatedTarget as Node | null;
    if (show) showPreview(node);
    else if (!into || !node.contains(into)) hidePreview();
  });
}
/** The learning rate offered in the menu closest to `lr` on a log scale. */
const nearestRate = (lr: number) =>
  LEARNING_RATES.reduce((best, r) => (Math.abs(Math.log(r / lr)) < Math.abs(Math.log(best / lr)) ? r : best));
$('find-lr').addEventListener('click', () => {
  ($('find-lr') as HTMLButtonElement).disabled = true;
  send({ type: 'findLr' });
});
$('apply-lr').addEventListener('click', () => tune({ learningRate: Number($('apply-lr').dataset['rate']) }));

/** Keeps the current run's loss curves on the chart (the history is bounded, so is the copy), or drops them. */
function pin(on: boolean): void {
  pinned = on ? history.map((h) => ({ ...h })) : null;
  const button = $('pin');
  button.textContent = on ? 'Unpin the run' : 'Pin this run';
  button.setAttribute('aria-pressed', String(on));
  requestFrame();
}
$('pin').addEventListener('click', () => pin(pinned === null));
$('dismiss').addEventListener('click', () => setStatus(''));
$('regenerate').addEventListener('click', () => update({ seed: (state.seed + 1) % 2147483647 }));
$('play').addEventListener('click', () => setPlaying(!playing));
$('step').addEventListener('click', () => {
  setPlaying(false);
  send({ type: 'step' });
});
$('reset').addEventListener('click', () => reset());
window.addEventListener('keydown', (e) => {
  const target = e.target as HTMLElement;
  if (target.closest('input, select, textarea')) return;
  // Space on a focused button or link presses that control, as everywhere else.
  if (e.key === ' ' && target.closest('button, a, summary, [role=button]')) return;
  if (e.key === ' ') {
    e.preventDefault();
    setPlaying(!playing);
  } else if (e.key === 's') $('step').click();
  else if (e.key === 'r') reset();
});
window.addEventListener('hashchange', () => {
  state = decodeHash(location.hash);
  render();
  reset();
});

for (const id of ['heatmap', 'loss-chart', 'lr-chart']) resized.observe($(id));

render();
reset();
