import { describe, expect, it } from 'vitest';
import { FreeSpace } from './free-space.js';

const GiB = 2 ** 30;

describe('FreeSpace (issue 12 #18)', () => {
  it('merges a range with the free ranges on both sides, at offsets above 2 GiB', () => {
    const space = new FreeSpace();
    const at = 3.5 * GiB;
    space.add(at, 64);
    space.add(at + 128, 256);
    expect(space.ranges).toBe(2);
    space.add(at + 64, 64);
    expect(space.ranges).toBe(1);
    expect(space.sizeOf(at)).toBe(384);
    expect(space.bytes).toBe(384);
    expect(space.removeEndingAt(at + 384)).toBe(at);
    expect(space.removeEndingAt(at + 384)).toBeUndefined();
    expect(space).toMatchObject({ ranges: 0, bytes: 0 });
  });

  it('takes from the smallest bin that surely fits, and keeps the rest of the range free', () => {
    const space = new FreeSpace();
    space.add(0, 1280); // bin [1280, 1536)
    space.add(4096, 1024); // bin [1024, 1280)
    space.add(8192, 320); // bin [320, 384)
    expect(space.take(1024)).toBe(4096);
    expect(space.take(256)).toBe(8192); // from the 320-byte range: 64 bytes stay free
    expect(space.sizeOf(8192 + 256)).toBe(64);
    expect(space.take(1088)).toBe(0); // 1088 is not a bin's lower bound: looks in the next bin up
    expect(space.take(192)).toBe(1088); // what was left of the 1280-byte range
    expect(space.take(64)).toBe(8192 + 256);
    expect(space.take(64)).toBeUndefined();
    expect(space).toMatchObject({ ranges: 0, bytes: 0 });
  });

  it('finds a range of the same bin when no bin above has one', () => {
    const space = new FreeSpace();
    space.add(0, 1088); // bin [1024, 1280)
    space.add(2048, 1152);
    expect(space.take(1152)).toBe(2048);
    expect(space.take(1152)).toBeUndefined();
    expect(space.take(1088)).toBe(0);
  });

  it('handles ranges up to 4 GiB', () => {
    const space = new FreeSpace();
    space.add(2 * GiB, 2 * GiB - 64);
    space.add(64, GiB);
    expect(space.take(2 * GiB)).toBeUndefined();
    expect(space.take(1.75 * GiB)).toBe(2 * GiB);
    expect(space.take(GiB)).toBe(64);
    expect(space.sizeOf(3.75 * GiB)).toBe(0.25 * GiB - 64);
    space.add(64, GiB);
    space.add(2 * GiB, 1.75 * GiB);
    expect(space.ranges).toBe(2);
    expect(space.sizeOf(2 * GiB)).toBe(2 * GiB - 64);
    space.add(GiB + 64, GiB - 64);
    expect(space.sizeOf(64)).toBe(4 * GiB - 128);
    expect(space.take(4 * GiB - 128)).toBe(64);
  });
});
