import { defaultGenerator, Generator } from '@myelin/tensor';

/** The generator for a `seed` option: a private one when seeded, else the global one. */
export function generatorFor(seed: number | undefined): Generator {
  return seed === undefined ? defaultGenerator : new Generator(seed);
}

/** Fisher–Yates shuffle of `values` in place with `generator`. */
export function shuffleInPlace<T extends { length: number; [i: number]: number }>(
  values: T,
  generator: Generator,
): T {
  for (let i = values.length - 1; i > 0; i--) {
    const j = generator.nextInt(0, i + 1);
    const tmp = values[i]!;
    values[i] = values[j]!;
    values[j] = tmp;
  }
  return values;
}

/** Positions 0..n−1 grouped by class label, each group shuffled when `generator` is given. */
export function positionsByClass(labels: ArrayLike<number>, generator?: Generator): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    let group = groups.get(label);
    if (group === undefined) {
      group = [];
      groups.set(label, group);
    }
    group.push(i);
  }
  if (generator) for (const group of groups.values()) shuffleInPlace(group, generator);
  return new Map([...groups.entries()].sort((a, b) => a[0] - b[0]));
}
