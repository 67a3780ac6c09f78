import { describe, expect, it } from 'vitest';
import { paintDots, pixelColor, type PixelAxis } from '../../src/lib/views/plot-dots.ts';

const box = (width: number, height: number) => ({ left: 10, top: 5, width, height, pixels: new Uint32Array(width * height) });
const painted = (b: ReturnType<typeof box>) => {
  const out: Array<[number, number]> = [];
  b.pixels.forEach((v, i) => v && out.push([i % b.width, Math.floor(i / b.width)]));
  return out;
};

describe('painting a plot\'s dots into an image', () => {
  // x in [0, 10] over pixels 10..110, y in [0, 1] over pixels 55..5 (up is smaller y on screen).
  const ax: PixelAxis = { min: 0, max: 10, from: 10, to: 110, log: false };
  const ay: PixelAxis = { min: 0, max: 1, from: 55, to: 5, log: false };

  it('puts each point where the axes map it, relative to the box, and skips what lies outside or is missing', () => {
    const b = box(101, 51);
    const n = paintDots([0, 5, 10, 11, 6, 7], [0, 0.5, 1, 0.5, null, NaN], 0, 5, ax, ay, 1, 7, b);
    expect(n).toBe(3);
    expect(painted(b)).toEqual([[100, 0], [50, 25], [0, 50]]);
    expect(b.pixels[25 * 101 + 50]).toBe(7);
  });

  it('paints squares of the given size, clipped to the box, and only the indices asked for', () => {
    const b = box(101, 51);
    paintDots([5, 0, 2], [0.5, 1, 0.5], 0, 1, ax, ay, 3, 1, b);
    const p = painted(b);
    // A 3 × 3 square about (50, 25), and the corner one cut to 2 × 2 by the box's edge.
    expect(p.filter(([x, y]) => Math.abs(x - 50) <= 1 && Math.abs(y - 25) <= 1).length).toBe(9);
    expect(p.filter(([x, y]) => x <= 1 && y <= 1).length).toBe(4);
    expect(p.length).toBe(13);
  });

  it('maps a log axis in decades', () => {
    const b = box(101, 51);
    const lx: PixelAxis = { min: 1, max: 100, from: 10, to: 110, log: true };
    paintDots([1, 10, 100, 0], [0.5, 0.5, 0.5, 0.5], 0, 3, lx, ay, 1, 1, b);
    expect(painted(b)).toEqual([[0, 25], [50, 25], [100, 25]]);
  });

  it('turns #rrggbb into a pixel word (bytes R, G, B, A in memory) and refuses other syntax', () => {
    const word = pixelColor('#1f5fbf')!;
    expect([...new Uint8Array(Uint32Array.of(word).buffer)]).toEqual([0x1f, 0x5f, 0xbf, 255]);
    expect(pixelColor('rgb(1, 2, 3)')).toBeNull();
  });
});
