import type { Feature } from './state.js';

/** The input features, as functions of the point (x₁, x₂). */
export const FEATURE_FNS: Record<Feature, (x: number, y: number) => number> = {
  x1: (x) => x,
  x2: (_x, y) => y,
  x1Squared: (x) => x * x,
  x2Squared: (_x, y) => y * y,
  x1x2: (x, y) => x * y,
  sinX1: (x) => Math.sin(x),
  sinX2: (_x, y) => Math.sin(y),
};
