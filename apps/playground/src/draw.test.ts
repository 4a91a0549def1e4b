// Issue 17 beyond #6: the multi-class heatmap's colour per pixel.
import { describe, expect, it } from 'vitest';
import { CLASS_COLORS, classColor } from './draw.js';

describe('classColor (multi-class heatmap)', () => {
  const probabilities = new Float32Array([1 / 3, 1 / 3, 1 / 3, 0, 1, 0, 0.1, 0.2, 0.7]);

  it("colours a point by its most probable class, full colour when certain, the map's white at chance", () => {
    expect(classColor(probabilities, 1, 3, false)).toEqual([...CLASS_COLORS[1]!]);
    expect(classColor(probabilities, 0, 3, false)).toEqual([232, 234, 235]);
    const unsure = classColor(probabilities, 2, 3, false); // class 2 at 0.7: 55% of the way from white
    const white = [232, 234, 235];
    expect(unsure).toEqual(white.map((w, i) => Math.round(w + (CLASS_COLORS[2]![i]! - w) * 0.55)));
    expect(classColor(probabilities, 2, 3, true)).toEqual([...CLASS_COLORS[2]!]);
  });

  it('has five distinct colours, one per class of the largest class count', () => {
    expect(new Set(CLASS_COLORS.map((c) => c.join())).size).toBe(5);
  });
});
