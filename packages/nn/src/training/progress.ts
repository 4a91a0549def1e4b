import type { Logs } from './callbacks.js';

/** How much `fit` reports: 0 silent, 1 a live bar in a terminal (epoch lines elsewhere), 2 epoch lines. */
export type Verbosity = 0 | 1 | 2;

interface Terminal {
  write(text: string): void;
  columns: number;
}

/** stdout when it is a terminal (Node, Deno), else null. */
function terminal(): Terminal | null {
  const stdout = (
    globalThis as { process?: { stdout?: { isTTY?: boolean; columns?: number; write(s: string): unknown } } }
  ).process?.stdout;
  if (!stdout?.isTTY) return null;
  return { write: (s) => void stdout.write(s), columns: stdout.columns ?? 100 };
}

const format = (logs: Logs) =>
  Object.entries(logs)
    .map(
      ([k, v]) =>
        `${k} ${Math.abs(v) >= 1000 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(3) : v.toFixed(4)}`,
    )
    .join(' - ');

const seconds = (s: number) => (s < 60 ? `${s.toFixed(1)}s` : `${Math.floor(s / 60)}m${Math.round(s % 60)}s`);

/** Writes training progress: a live bar per epoch in a terminal, plain per-epoch lines otherwise. */
export class ProgressReporter {
  private readonly tty: Terminal | null;
  private lastDraw = 0;

  constructor(
    private readonly verbose: Verbosity,
    private readonly epochs: number,
    private readonly batchesPerEpoch: number | undefined,
  ) {
    this.tty = verbose === 1 ? terminal() : null;
  }

  /** After each batch: redraws the bar (at most every 50 ms). */
  batch(batch: number, loss: number, samples: number, elapsed: number, epoch: number): void {
    if (this.tty === null) return;
    const now = performance.now();
    const last = this.batchesPerEpoch !== undefined && batch + 1 >= this.batchesPerEpoch;
    if (!last && now - this.lastDraw < 50) return;
    this.lastDraw = now;
    const total = this.batchesPerEpoch;
    const done = batch + 1;
    const width = 24;
    const filled = total === undefined ? 0 : Math.round((done / total) * width);
    const bar =
      total === undefined ? '' : `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${done}/${total} `;
    const rate = samples / Math.max(elapsed, 1e-9);
    const eta = total === undefined ? '' : ` - ETA ${seconds(((total - done) * elapsed) / done)}`;
    const line = `Epoch ${epoch + 1}/${this.epochs} ${bar}- loss ${loss.toFixed(4)} - ${Math.round(rate).toLocaleString('en-US')} samples/s${eta}`;
    this.tty.write(
      `\r${line.slice(0, this.tty.columns - 1).padEnd(Math.min(this.tty.columns - 1, line.length + 2))}`,
    );
  }

  /** At the end of an epoch: its line, with training and validation logs. */
  epochEnd(epoch: number, logs: Logs, elapsed: number): void {
    if (this.verbose === 0) return;
    const line = `Epoch ${epoch + 1}/${this.epochs} - ${seconds(elapsed)} - ${format(logs)}`;
    if (this.tty !== null)
      this.tty.write(`\r${line}${' '.repeat(Math.max(0, this.tty.columns - 1 - line.length))}\n`);
    else console.log(line);
  }

  /** A closing note (e.g. why training stopped). */
  note(text: string): void {
    if (this.verbose !== 0) console.log(text);
  }
}
