/**
 * Seconds per call of `fn`: warms up, then runs timed batches of at least `minSeconds` each and
 * returns the median batch's time per call. The median of several batches resists the other core's
 * noise on a 2-core machine.
 */
export function secondsPerCall(fn, { minSeconds = 0.15, batches = 5 } = {}) {
  fn();
  let reps = 1;
  for (;;) {
    const start = performance.now();
    for (let i = 0; i < reps; i++) fn();
    const elapsed = (performance.now() - start) / 1000;
    if (elapsed >= minSeconds / 4) break;
    reps *= 2;
  }
  const perCall = [];
  for (let b = 0; b < batches; b++) {
    const start = performance.now();
    for (let i = 0; i < reps; i++) fn();
    perCall.push((performance.now() - start) / 1000 / reps);
  }
  perCall.sort((x, y) => x - y);
  return perCall[Math.floor(perCall.length / 2)];
}
