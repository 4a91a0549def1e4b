// The optimizer-paths page: six optimizers from @myelin/optim side by side on a 2-D surface.
import { formatNumber, hiDpiContext, SERIES_COLOURS } from '../views/canvas.js';
import { drawContours, evaluateGrid, fromUnit, toUnit } from './contour.js';
import { OPTIMIZERS, Runner } from './runners.js';
import { type OptimizerId, SURFACES, type Surface } from './surfaces.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const canvas = $<HTMLCanvasElement>('contour');
/** Paths stop here; the page pauses. */
const MAX_STEPS = 2000;
const GRID = 140;

let surface: Surface = SURFACES[0]!;
let start: [number, number] = surface.start;
const hyper = Object.fromEntries(
  OPTIMIZERS.map((o) => [o.id, Object.fromEntries(o.hyper.map((h) => [h.key, h.value]))]),
) as Record<OptimizerId, Record<string, number>>;
const shown = Object.fromEntries(OPTIMIZERS.map((o) => [o.id, true])) as Record<OptimizerId, boolean>;
const colour = Object.fromEntries(OPTIMIZERS.map((o, i) => [o.id, SERIES_COLOURS[i]!])) as Record<
  OptimizerId,
  string
>;
let runners: Runner[] = [];
let steps = 0;
let playing = false;
/** The contour plot drawn once per surface and size; each frame copies it and adds the paths. */
let background: HTMLCanvasElement | null = null;

/** For tests and the curious: the paths and losses as drawn. */
(window as unknown as { optimizerPaths: unknown }).optimizerPaths = {
  surface: () => surface.id,
  steps: () => steps,
  paths: () =>
    runners.map((r) => ({ id: r.spec.id, points: r.points, losses: r.losses, diverged: r.diverged })),
};

function buildControls(): void {
  const select = $<HTMLSelectElement>('surface');
  for (const s of SURFACES) select.add(new Option(s.name, s.id));
  select.addEventListener('change', () => chooseSurface(SURFACES.find((s) => s.id === select.value)!));
  const body = $<HTMLTableElement>('legend').tBodies[0]!;
  for (const o of OPTIMIZERS) {
    const row = body.insertRow();
    row.dataset.optimizer = o.id;
    const name = document.createElement('th');
    name.scope = 'row';
    name.innerHTML = `<label><input type="checkbox" checked> <span class="swatch" style="background:${colour[o.id]}"></span> ${o.label}</label>`;
    name.querySelector('input')!.addEventListener('change', (e) => {
      shown[o.id] = (e.target as HTMLInputElement).checked;
      restart();
    });
    row.append(name);
    const cell = row.insertCell();
    for (const h of o.hyper) {
      const label = document.createElement('label');
      label.className = 'hyper';
      label.textContent = `${h.label} `;
      const input = document.createElement('input');
      input.type = 'number';
      input.step = String(h.step);
      input.id = `${o.id}-${h.key}`;
      input.setAttribute('aria-label', `${o.label} ${h.label}`);
      input.addEventListener('change', () => {
        hyper[o.id][h.key] = Number(input.value);
        restart();
      });
      label.append(input);
      cell.append(label);
    }
    const loss = row.insertCell();
    loss.id = `loss-${o.id}`;
    loss.className = 'number';
  }
  for (const [axis, index] of [
    ['x', 0],
    ['y', 1],
  ] as const)
    $<HTMLInputElement>(`start-${axis}`).addEventListener('change', (e) => {
      const value = Number((e.target as HTMLInputElement).value);
      if (Number.isFinite(value))
        start = (index === 0 ? [value, start[1]] : [start[0], value]) as [number, number];
      restart();
    });
}

function chooseSurface(next: Surface): void {
  surface = next;
  start = next.start;
  for (const o of OPTIMIZERS) hyper[o.id].lr = next.learningRates[o.id];
  $('surface-description').textContent = next.description;
  background = null;
  restart();
}

/** Drops the paths and starts every shown optimizer afresh at `start` with the current settings. */
function restart(): void {
  for (const r of runners) r.dispose();
  runners = [];
  steps = 0;
  const errors: string[] = [];
  for (const o of OPTIMIZERS) {
    for (const h of o.hyper) {
      const input = $<HTMLInputElement>(`${o.id}-${h.key}`);
      input.value = String(hyper[o.id][h.key]);
      input.removeAttribute('aria-invalid');
    }
    if (!shown[o.id]) continue;
    try {
      runners.push(new Runner(o, hyper[o.id], surface, start));
    } catch (error) {
      errors.push((error as Error).message);
      for (const h of o.hyper) $(`${o.id}-${h.key}`).setAttribute('aria-invalid', 'true');
    }
  }
  $('optimizer-error').textContent = errors.join(' ');
  $<HTMLInputElement>('start-x').value = String(Number(start[0].toFixed(3)));
  $<HTMLInputElement>('start-y').value = String(Number(start[1].toFixed(3)));
  draw();
}

function step(): void {
  for (const r of runners) r.step();
  steps++;
}

function drawStar(ctx: CanvasRenderingContext2D, x: number, y: number, r: number): void {
  ctx.beginPath();
  for (let k = 0; k < 10; k++) {
    const radius = k % 2 === 0 ? r : r * 0.45;
    const angle = -Math.PI / 2 + (k * Math.PI) / 5;
    ctx.lineTo(x + radius * Math.cos(angle), y + radius * Math.sin(angle));
  }
  ctx.closePath();
  ctx.fill();
  ctx.stroke();
}

function draw(): void {
  const { ctx, width, height } = hiDpiContext(canvas);
  if (background === null || background.width !== canvas.width) {
    background = document.createElement('canvas');
    [background.width, background.height] = [canvas.width, canvas.height];
    const b = background.getContext('2d')!;
    b.scale(canvas.width / width, canvas.height / height);
    drawContours(b, width, height, evaluateGrid(surface, GRID));
  }
  ctx.drawImage(background, 0, 0, width, height);
  const at = (p: [number, number]): [number, number] => {
    const [u, v] = toUnit(surface, p[0], p[1]);
    return [u * width, v * height];
  };
  const [sx, sy] = at(start);
  ctx.strokeStyle = '#222';
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.moveTo(sx - 6, sy - 6);
  ctx.lineTo(sx + 6, sy + 6);
  ctx.moveTo(sx + 6, sy - 6);
  ctx.lineTo(sx - 6, sy + 6);
  ctx.stroke();
  for (const r of runners) {
    ctx.strokeStyle = ctx.fillStyle = colour[r.spec.id];
    ctx.lineWidth = 2;
    ctx.beginPath();
    for (const p of r.points) ctx.lineTo(...at(p));
    ctx.stroke();
    const [x, y] = at(r.points.at(-1)!);
    ctx.beginPath();
    ctx.arc(x, y, 4, 0, 2 * Math.PI);
    ctx.fill();
  }
  // The minima on top, so paths that reached them do not hide them.
  ctx.fillStyle = '#ffd400';
  ctx.strokeStyle = '#333';
  ctx.lineWidth = 1;
  for (const m of surface.minima) drawStar(ctx, ...at(m), 8);
  $('step-count').textContent = String(steps);
  for (const o of OPTIMIZERS) {
    const cell = $(`loss-${o.id}`);
    const r = runners.find((r) => r.spec.id === o.id);
    const loss = r?.losses.at(-1);
    cell.textContent =
      r === undefined ? '–' : r.diverged ? `diverged (${formatNumber(loss!)} before)` : formatNumber(loss!);
    cell.dataset.loss = loss === undefined ? '' : String(loss);
  }
}

function setPlaying(on: boolean): void {
  playing = on;
  const button = $('play');
  button.textContent = on ? 'Pause' : '▶ Play';
  button.setAttribute('aria-pressed', String(on));
  if (on) requestAnimationFrame(frame);
}

function frame(): void {
  if (!playing) return;
  const speed = Number($<HTMLSelectElement>('speed').value);
  for (let k = 0; k < speed && steps < MAX_STEPS; k++) step();
  draw();
  if (steps >= MAX_STEPS || runners.every((r) => r.diverged)) setPlaying(false);
  else requestAnimationFrame(frame);
}

buildControls();
$('play').addEventListener('click', () => setPlaying(!playing));
$('step').addEventListener('click', () => {
  step();
  draw();
});
$('reset').addEventListener('click', () => {
  setPlaying(false);
  restart();
});
canvas.addEventListener('click', (e) => {
  const box = canvas.getBoundingClientRect();
  start = fromUnit(surface, (e.clientX - box.left) / box.width, (e.clientY - box.top) / box.height);
  restart();
});
window.addEventListener('resize', () => {
  background = null;
  draw();
});
chooseSurface(surface);
