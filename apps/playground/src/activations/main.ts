// The activation explorer: f and f′ of every activation, and the vanishing-gradient experiment.
import { formatNumber } from '../views/canvas.js';
import { drawChart } from '../views/chart.js';
import { ACTIVATIONS, type ActivationEntry, type Curve, curve } from './catalog.js';
import {
  DEEP_ACTIVATIONS,
  type DeepActivation,
  diagnose,
  INITS,
  type Init,
  type VanishingOptions,
  VanishingRun,
} from './vanishing.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const XS = Float32Array.from({ length: 201 }, (_, i) => -5 + i * 0.05);
const STEPS = 150;
const STEPS_PER_FRAME = 5;

/** The curves as last drawn, by activation id (for tests and the curious). */
const curves: Record<string, Curve> = {};
let run: VanishingRun | null = null;

(window as unknown as { activationExplorer: unknown }).activationExplorer = {
  curve: (id: string) => curves[id],
  norms: () => run?.records.map((r) => r.norms) ?? [],
  done: () => (run?.records.length ?? 0) >= STEPS,
  diagnosis: () => {
    const last = run?.records.at(-1);
    return last && run ? diagnose(last, run.options.activation) : null;
  },
};

function card(entry: ActivationEntry): void {
  const item = document.createElement('li');
  item.className = 'card';
  item.innerHTML = `<h3>${entry.label}</h3><p class="note">${entry.formula}</p>`;
  const canvas = document.createElement('canvas');
  canvas.dataset.activation = entry.id;
  canvas.setAttribute('role', 'img');
  const params = Object.fromEntries(entry.params.map((p) => [p.key, p.value]));
  const error = document.createElement('p');
  error.className = 'status';
  const redraw = () => {
    try {
      const c = curve(entry, params, XS);
      curves[entry.id] = c;
      error.textContent = '';
      drawChart(
        canvas,
        [
          { colour: '#0072b2', values: Array.from(c.y), xs: XS },
          { colour: '#d55e00', values: Array.from(c.dy), xs: XS, dashed: true },
        ],
        { zeroLine: true },
      );
      const at = (x: number) => Math.round((x + 5) / 0.05);
      canvas.setAttribute(
        'aria-label',
        `${entry.label} and its derivative: f′(−2) = ${formatNumber(c.dy[at(-2)]!)}, f′(0.5) = ${formatNumber(c.dy[at(0.5)]!)}, f′(2) = ${formatNumber(c.dy[at(2)]!)}`,
      );
    } catch (e) {
      error.textContent = (e as Error).message;
    }
  };
  item.append(canvas);
  for (const p of entry.params) {
    const label = document.createElement('label');
    label.textContent = `${p.label} `;
    const input = document.createElement('input');
    input.type = 'number';
    input.step = String(p.step);
    input.value = String(p.value);
    input.id = `${entry.id}-${p.key}`;
    input.addEventListener('input', () => {
      if (input.value === '') return;
      params[p.key] = Number(input.value);
      redraw();
    });
    label.append(input);
    item.append(label);
  }
  item.append(error);
  $('cards').append(item);
  redraw();
}

/** The experiment's settings, kept in the URL hash (#depth=8&activation=sigmoid&init=default). */
function readOptions(): VanishingOptions {
  const p = new URLSearchParams(location.hash.slice(1));
  const depth = Number(p.get('depth'));
  const activation = p.get('activation') as DeepActivation;
  const init = p.get('init') as Init;
  return {
    depth: Number.isInteger(depth) && depth >= 1 && depth <= 12 ? depth : 8,
    activation: DEEP_ACTIVATIONS.includes(activation) ? activation : 'sigmoid',
    init: INITS.includes(init) ? init : 'default',
    width: 8,
    lr: 0.1,
    seed: 0,
  };
}

function layerColour(i: number, count: number): string {
  // From dark blue (first layer) to orange (last), so "which end vanished" reads at a glance.
  const t = count === 1 ? 0 : i / (count - 1);
  return `hsl(${220 - 190 * t} 75% ${30 + 25 * t}%)`;
}

function drawNorms(): void {
  if (run === null) return;
  const records = run.records;
  const layers = records[0]?.norms.length ?? 0;
  drawChart(
    $('norm-chart'),
    Array.from({ length: layers }, (_, l) => ({
      colour: layerColour(l, layers),
      values: records.map((r) => r.norms[l]!),
    })),
    { log: true, xLabel: 'training step', yLabel: '‖∇W‖' },
  );
  const last = records.at(-1);
  if (last === undefined) return;
  $('norm-legend').innerHTML = last.norms
    .map(
      (n, l) =>
        `<li><span class="swatch" style="background:${layerColour(l, layers)}"></span> layer ${l + 1}: ${formatNumber(n)}</li>`,
    )
    .join('');
  const d = diagnose(last, run.options.activation);
  $('vanishing-step').textContent = String(records.length);
  $('vanishing-loss').textContent = formatNumber(last.loss);
  $('vanishing-ratio').textContent = formatNumber(d.ratio);
  $('vanishing-saturated').textContent = `${Math.round(last.saturated * 100)}%`;
  const explanation = $('explanation');
  explanation.dataset.reason = d.reason;
  explanation.hidden = d.reason === 'none';
  explanation.textContent = explain(d, run.options);
}

function explain(d: ReturnType<typeof diagnose>, o: VanishingOptions): string {
  const orders = Math.round(-Math.log10(Math.max(d.ratio, 1e-30)));
  const collapsed = `The gradient has vanished: the first layer's gradient is ${orders > 0 ? `about 10^${orders} times` : 'far'} smaller than the last layer's, so the first layers barely learn.`;
  if (d.reason === 'saturated')
    return o.activation === 'relu'
      ? `${collapsed} ${Math.round(d.saturated * 100)}% of the ReLU outputs are 0 — units stuck where ReLU is flat ("dead ReLUs"), whose derivative is 0, so no gradient flows back through them.`
      : `${collapsed} Its cause here is saturation: ${Math.round(d.saturated * 100)}% of the hidden ${o.activation} outputs sit near their bounds (${o.activation === 'sigmoid' ? '0 or 1' : '±1'}), where the curve is flat and its derivative nearly 0; backpropagation multiplies the gradient by that derivative once per layer.`;
  if (d.reason === 'small-derivative')
    return `${collapsed} Even unsaturated, ${o.activation}'s derivative is small (sigmoid's is at most 0.25, at 0): backpropagation multiplies by it once per layer, ${o.depth} times here. Try ReLU, or a shallower network, or Kaiming initialisation.`;
  return '';
}

function startRun(): void {
  run?.dispose();
  const options = readOptions();
  $<HTMLSelectElement>('depth').value = String(options.depth);
  $<HTMLSelectElement>('deep-activation').value = options.activation;
  $<HTMLSelectElement>('init').value = options.init;
  run = new VanishingRun(options);
  const current = run;
  const frame = () => {
    if (run !== current) return; // a newer run replaced this one
    for (let k = 0; k < STEPS_PER_FRAME && current.records.length < STEPS; k++) current.step();
    drawNorms();
    if (current.records.length < STEPS) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}

function setOption(key: string, value: string): void {
  const p = new URLSearchParams(location.hash.slice(1));
  p.set(key, value);
  history.replaceState(null, '', `#${p}`);
  startRun();
}

for (const entry of ACTIVATIONS) card(entry);
for (let d = 1; d <= 12; d++) $<HTMLSelectElement>('depth').add(new Option(String(d), String(d)));
for (const a of DEEP_ACTIVATIONS) $<HTMLSelectElement>('deep-activation').add(new Option(a, a));
$('depth').addEventListener('change', (e) => setOption('depth', (e.target as HTMLSelectElement).value));
$('deep-activation').addEventListener('change', (e) =>
  setOption('activation', (e.target as HTMLSelectElement).value),
);
$('init').addEventListener('change', (e) => setOption('init', (e.target as HTMLSelectElement).value));
$('train').addEventListener('click', startRun);
window.addEventListener('hashchange', startRun);
startRun();
