// The CNN view's drawing → 8×8 input, made the way the bundled digits were (32×32 bitmap, 4×4 block
// counts 0..16, the drawing filling the frame).
import { describe, expect, it } from 'vitest';
import { type Point, rasterizeStrokes } from './rasterize.js';

const line = (a: Point, b: Point, steps = 10): Point[] =>
  Array.from({ length: steps + 1 }, (_, i) => ({
    x: a.x + ((b.x - a.x) * i) / steps,
    y: a.y + ((b.y - a.y) * i) / steps,
  }));
const column = (pixels: Float32Array, c: number) => Array.from({ length: 8 }, (_, r) => pixels[r * 8 + c]!);
const row = (pixels: Float32Array, r: number) => Array.from(pixels.subarray(r * 8, r * 8 + 8));

describe('rasterizeStrokes (the drawing as the digits data set would have it)', () => {
  it('gives 64 zeros for no drawing', () => {
    expect(Array.from(rasterizeStrokes([]))).toEqual(new Array(64).fill(0));
  });

  it('stretches a vertical stroke over the full height, centred, with counts 0..16', () => {
    const pixels = rasterizeStrokes([line({ x: 30, y: 40 }, { x: 30, y: 60 })]);
    expect(pixels.length).toBe(64);
    for (const v of pixels) expect(Number.isInteger(v) && v >= 0 && v <= 16).toBe(true);
    // A pen 5 bitmap pixels wide centred on x = 16 inks columns 14..18: blocks 3 (12–15) and 4 (16–19).
    for (const c of [0, 1, 2, 5, 6, 7]) expect(column(pixels, c)).toEqual(new Array(8).fill(0));
    for (let r = 0; r < 8; r++) expect(pixels[r * 8 + 3]! + pixels[r * 8 + 4]!).toBeGreaterThan(0);
    // Mirror-symmetric about the centre line, and the same at every size and place of the drawing.
    expect(column(pixels, 3)).toEqual(column(pixels, 4));
    const big = rasterizeStrokes([line({ x: 500, y: 0 }, { x: 500, y: 900 })]);
    expect(Array.from(big)).toEqual(Array.from(pixels));
  });

  it('inks every pixel of a 4×4 block under a thick pen (16), and none far from the stroke', () => {
    const pixels = rasterizeStrokes([line({ x: 0, y: 0 }, { x: 0, y: 100 })], 8);
    // Pen 8 centred on x = 16 covers columns 12..19 completely: blocks 3 and 4 are full.
    expect(column(pixels, 3).slice(1, 7)).toEqual(new Array(6).fill(16));
    expect(column(pixels, 4).slice(1, 7)).toEqual(new Array(6).fill(16));
    expect(column(pixels, 0)).toEqual(new Array(8).fill(0));
  });

  it('fits a wide drawing to the width (keeping its aspect ratio) and leaves rows above and below empty', () => {
    const pixels = rasterizeStrokes([line({ x: 0, y: 10 }, { x: 100, y: 10 })]);
    expect(row(pixels, 0)).toEqual(new Array(8).fill(0));
    expect(row(pixels, 7)).toEqual(new Array(8).fill(0));
    for (let c = 0; c < 8; c++) expect(pixels[3 * 8 + c]! + pixels[4 * 8 + c]!).toBeGreaterThan(0);
  });

  it('draws a single tap as a dot in the centre', () => {
    const pixels = rasterizeStrokes([[{ x: 7, y: 7 }]]);
    const inked = [...pixels.keys()].filter((i) => pixels[i]! > 0);
    expect(inked.sort()).toEqual([27, 28, 35, 36]); // rows 3–4, columns 3–4
  });

  it('takes a drawing of 200,000 points (no spread of every point into Math.min)', () => {
    const long = line({ x: 0, y: 0 }, { x: 0, y: 100 }, 200_000);
    expect(Array.from(rasterizeStrokes([long]))).toEqual(
      Array.from(rasterizeStrokes([line({ x: 0, y: 0 }, { x: 0, y: 100 })])),
    );
  });
});
