/**
 * Pointer gestures on a plot's x axis: drag to pan, wheel to zoom about the pointer. The arithmetic is
 * in `views/plot-scale.ts`; this is only the DOM glue, kept apart from the component so that a DOM
 * without a browser (happy-dom) can drive it.
 *
 * At most one new range is handed to the chart per animation frame, however many pointer or wheel
 * events arrive in between: a redraw of 65,000 points then happens once per frame, not once per event.
 */
import { panRange, wheelFactor, zoomRange, type Range } from '../views/plot-scale.ts';

/** What the gestures need of the chart (uPlot's own shape). */
export interface GestureChart {
  readonly over: HTMLElement;
  readonly scales: Record<string, { min?: number | null; max?: number | null }>;
  setScale(key: 'x', limits: { min: number; max: number }): void;
}

export interface GestureOptions {
  /** The x axis is logarithmic: pans and zooms work in decades. */
  logX: boolean;
  /** The first wheel over the plot that scrolls the page instead (the plot was not engaged): say how to zoom. */
  onHint?: (text: string) => void;
  /** The frame scheduler (the browser's by default; tests step frames by hand). */
  frame?: (apply: () => void) => void;
}

export interface Gestures {
  /** The click that ends a drag opens nothing (the scatter's point picking asks this first). */
  takeClick(): boolean;
  detach(): void;
}

/** A drag shorter than this (CSS px) is a click. */
const CLICK_SLOP_PX = 3;
export const WHEEL_HINT = 'Click the plot, then the wheel zooms (Ctrl + wheel zooms at once)';

/**
 * Drag (mouse, pen, or a sideways finger) pans; Shift-drag is left to the chart's own zoom-to-range
 * selection. A plain wheel zooms only once the plot is engaged (pressed since the pointer entered
 * it), or with Ctrl / ⌘ (a trackpad's pinch): a page of full-width plots must still scroll with the
 * wheel wherever the pointer rests.
 */
export function attachGestures(u: GestureChart, opts: GestureOptions): Gestures {
  const over = u.over;
  const frame = opts.frame ?? ((f: () => void) => requestAnimationFrame(f));
  let drag: { x: number; range: Range; id: number } | null = null;
  let moved = false;
  let engaged = false;
  let hinted = false;
  /** The range to show at the next frame; null when nothing waits. */
  let pending: Range | null = null;

  const current = (): Range | null => {
    if (pending) return pending;
    const { min, max } = u.scales.x;
    return min == null || max == null ? null : [min, max];
  };
  const show = (r: Range) => {
    const wasWaiting = pending !== null;
    pending = r;
    if (wasWaiting) return;
    frame(() => {
      const p = pending;
      pending = null;
      if (p && Number.isFinite(p[0]) && Number.isFinite(p[1]) && p[1] > p[0]) u.setScale('x', { min: p[0], max: p[1] });
    });
  };

  /** Where the pointer was pressed: a press that moved is a drag (a pan, or a Shift-drag selection), not a click. */
  let press: { x: number; id: number } | null = null;
  const down = (e: PointerEvent) => {
    engaged = true;
    if (e.button !== 0) return;
    press = { x: e.clientX, id: e.pointerId };
    moved = false;
    if (e.shiftKey) return;
    const r = current();
    if (!r) return;
    drag = { x: e.clientX, range: r, id: e.pointerId };
    // Not preventDefault: Chromium then sends no click, and a click picks a scatter's point. The
    // chart's own drag-to-select answers only Shift-drags (Plot.svelte's cursor binding).
    over.setPointerCapture?.(e.pointerId);
  };
  const move = (e: PointerEvent) => {
    if (press && e.pointerId === press.id && Math.abs(e.clientX - press.x) > CLICK_SLOP_PX) moved = true;
    if (!drag || e.pointerId !== drag.id) return;
    if (moved) show(panRange(drag.range, -(e.clientX - drag.x) / Math.max(1, over.clientWidth), opts.logX));
  };
  const up = (e: PointerEvent) => {
    if (press?.id === e.pointerId) press = null;
    if (!drag || e.pointerId !== drag.id) return;
    drag = null;
    over.releasePointerCapture?.(e.pointerId);
  };
  const leave = () => {
    if (!drag) engaged = false;
  };
  const wheel = (e: WheelEvent) => {
    if (!(engaged || e.ctrlKey || e.metaKey)) {
      // Once: a page scrolled past many plots would flash it over each of them.
      if (!hinted) opts.onHint?.(WHEEL_HINT);
      hinted = true;
      return;
    }
    const r = current();
    if (!r || e.deltaY === 0) return;
    e.preventDefault();
    const rect = over.getBoundingClientRect();
    const at = rect.width > 0 ? Math.min(1, Math.max(0, (e.clientX - rect.left) / rect.width)) : 0.5;
    show(zoomRange(r, wheelFactor(e.deltaY, e.deltaMode), at, opts.logX));
  };

  over.addEventListener('pointerdown', down);
  over.addEventListener('pointermove', move);
  over.addEventListener('pointerup', up);
  over.addEventListener('pointercancel', up);
  over.addEventListener('pointerleave', leave);
  over.addEventListener('wheel', wheel, { passive: false });

  return {
    takeClick() {
      if (!moved) return true;
      moved = false;
      return false;
    },
    detach() {
      over.removeEventListener('pointerdown', down);
      over.removeEventListener('pointermove', move);
      over.removeEventListener('pointerup', up);
      over.removeEventListener('pointercancel', up);
      over.removeEventListener('pointerleave', leave);
      over.removeEventListener('wheel', wheel);
    },
  };
}
