// The loss history behind the loss chart, bounded however long the session.

export interface LossPoint {
  epoch: number;
  train: number;
  test: number;
}

/** The history keeps between this many and twice this many points. */
export const HISTORY_POINTS = 1000;

/**
 * Appends a point (unless its epoch is already the last one); at 2·HISTORY_POINTS points, drops every
 * other one (the first and the latest stay), so memory and drawing time stay bounded while the
 * chart still spans the whole session.
 * @example const h: LossPoint[] = []; appendLoss(h, { epoch: 1, train: 0.5, test: 0.6 });
 */
export function appendLoss(history: LossPoint[], point: LossPoint): void {
  if (history.at(-1)?.epoch === point.epoch) return;
  history.push(point);
  if (history.length < 2 * HISTORY_POINTS) return;
  const last = history.length - 1;
  let kept = 0;
  for (let i = 0; i <= last; i++) if (i % 2 === 0 || i === last) history[kept++] = history[i]!;
  history.length = kept;
}
