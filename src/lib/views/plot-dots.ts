/**
 * A plot's dots, painted as pixels: a light curve of 65,000 points drawn with one `fillRect` each
 * takes 15–30 ms per redraw in a software-rendered canvas, too slow for a pan or zoom that redraws
 * every frame; writing the same squares into an image buffer takes a few. Pure; the plot component
 * puts the buffer on its canvas.
 */

/** An axis' mapping from values to device pixels: `min` lands on `from`, `max` on `to`. */
export interface PixelAxis {
  min: number;
  max: number;
  from: number;
  to: number;
  log: boolean;
}

/** The box painted into (device pixels); `pixels` is its image, row by row, `width` wide. */
export interface PixelBox {
  left: number;
  top: number;
  width: number;
  height: number;
  pixels: Uint32Array;
}

/**
 * Paints the points `i0..i1` that fall inside both axes' ranges as squares of `size` device pixels
 * in colour `rgba` (as `pixelColor` gives it); returns how many were painted. A missing y (null,
 * NaN) is no dot.
 */
export function paintDots(xs: ArrayLike<number>, ys: ArrayLike<number | null | undefined>, i0: number, i1: number, ax: PixelAxis, ay: PixelAxis, size: number, rgba: number, box: PixelBox): number {
  const [x0, kx] = linear(ax);
  const [y0, ky] = linear(ay);
  const { width: w, height: h, pixels } = box;
  const s = Math.max(1, Math.round(size));
  const half = (s - 1) / 2;
  let count = 0;
  for (let i = i0; i <= i1; i++) {
    const x = xs[i];
    const y = ys[i];
    if (y == null || !(x >= ax.min && x <= ax.max) || !(y >= ay.min && y <= ay.max)) continue;
    const cx = ax.from - box.left + ((ax.log ? Math.log10(x) : x) - x0) * kx;
    const cy = ay.from - box.top + ((ay.log ? Math.log10(y) : y) - y0) * ky;
    const c = Math.round(cx - half);
    const r = Math.round(cy - half);
    const c0 = Math.max(0, c);
    const c1 = Math.min(w - 1, c + s - 1);
    for (let row = Math.max(0, r); row <= Math.min(h - 1, r + s - 1); row++) if (c1 >= c0) pixels.fill(rgba, row * w + c0, row * w + c1 + 1);
    count++;
  }
  return count;
}

/**
 * A `#rrggbb` colour as one pixel of an `ImageData` seen as 32-bit words (little-endian, as every
 * browser's platform is: bytes R, G, B, A in memory); null for any other colour syntax.
 */
export function pixelColor(hex: string, alpha = 255): number | null {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) return null;
  const [r, g, b] = [m[1], m[2], m[3]].map((v) => parseInt(v, 16));
  return ((alpha << 24) | (b << 16) | (g << 8) | r) >>> 0;
}

/** The axis' origin (in linear or log units) and pixels per unit. */
function linear(a: PixelAxis): [number, number] {
  const lo = a.log ? Math.log10(a.min) : a.min;
  const hi = a.log ? Math.log10(a.max) : a.max;
  return [lo, hi > lo ? (a.to - a.from) / (hi - lo) : 0];
}
