import { describe, expect, it } from 'vitest';
import { attachGestures, WHEEL_HINT, type GestureChart } from '../../src/lib/components/plot-gestures.ts';

/** A chart whose plotting area is 400 px wide at x = 100, showing x in [10, 20]; frames run when asked. */
function fakeChart(opts: { logX?: boolean } = {}) {
  const over = document.createElement('div');
  document.body.append(over);
  Object.defineProperty(over, 'clientWidth', { value: 400 });
  over.getBoundingClientRect = () => ({ left: 100, top: 0, width: 400, height: 200, right: 500, bottom: 200, x: 100, y: 0, toJSON: () => ({}) }) as DOMRect;
  const calls: Array<[number, number]> = [];
  const chart: GestureChart = {
    over,
    scales: { x: opts.logX ? { min: 1, max: 100 } : { min: 10, max: 20 } },
    setScale(_key, { min, max }) {
      calls.push([min, max]);
      chart.scales.x = { min, max };
    },
  };
  const frames: Array<() => void> = [];
  const hints: string[] = [];
  const g = attachGestures(chart, { logX: opts.logX ?? false, onHint: (t) => hints.push(t), frame: (f) => frames.push(f) });
  const runFrames = () => frames.splice(0).forEach((f) => f());
  const pointer = (type: string, clientX: number, extra: PointerEventInit = {}) =>
    over.dispatchEvent(new PointerEvent(type, { clientX, clientY: 50, button: 0, pointerId: 1, pointerType: 'mouse', bubbles: true, cancelable: true, ...extra }));
  const wheel = (deltaY: number, clientX: number, extra: WheelEventInit = {}) => {
    const e = new WheelEvent('wheel', { deltaY, bubbles: true, cancelable: true });
    // happy-dom's WheelEvent keeps neither the pointer's position nor the modifier keys.
    Object.defineProperties(e, { clientX: { value: clientX }, ctrlKey: { value: !!extra.ctrlKey }, metaKey: { value: false } });
    over.dispatchEvent(e);
    return e;
  };
  return { chart, g, calls, hints, runFrames, pointer, wheel, frames };
}

describe('pointer gestures on a plot', () => {
  it('pans with a drag: the range follows the pointer, once per frame however many moves', () => {
    const f = fakeChart();
    f.pointer('pointerdown', 300);
    for (let x = 290; x >= 200; x -= 10) f.pointer('pointermove', x);
    // Ten moves, one frame: the chart redraws once, at the last position.
    expect(f.frames.length).toBe(1);
    f.runFrames();
    expect(f.calls.length).toBe(1);
    // 100 px of a 400-px plot to the left: a quarter of the range towards larger x.
    expect(f.calls[0][0]).toBeCloseTo(12.5, 12);
    expect(f.calls[0][1]).toBeCloseTo(22.5, 12);
    f.pointer('pointerup', 200);
    // The click that ends a pan opens nothing; the next plain click does.
    expect(f.g.takeClick()).toBe(false);
    f.pointer('pointerdown', 250);
    f.pointer('pointerup', 251);
    expect(f.g.takeClick()).toBe(true);
  });

  it('leaves a Shift-drag to the chart (zoom to a range), and the click that ends it opens nothing', () => {
    const f = fakeChart();
    f.pointer('pointerdown', 300, { shiftKey: true });
    f.pointer('pointermove', 200, { shiftKey: true });
    f.pointer('pointerup', 200, { shiftKey: true });
    f.runFrames();
    expect(f.calls).toEqual([]);
    expect(f.g.takeClick()).toBe(false);
  });

  it('lets a plain wheel scroll the page until the plot is clicked, then zooms about the pointer', () => {
    const f = fakeChart();
    const passing = f.wheel(-100, 200);
    expect(passing.defaultPrevented).toBe(false);
    f.runFrames();
    expect(f.calls).toEqual([]);
    expect(f.hints).toEqual([WHEEL_HINT]);
    f.wheel(-100, 200);
    expect(f.hints.length).toBe(1);

    f.pointer('pointerdown', 200);
    f.pointer('pointerup', 200);
    const zooming = f.wheel(-100, 200);
    expect(zooming.defaultPrevented).toBe(true);
    f.runFrames();
    const [min, max] = f.calls[0];
    // Zoomed in, and x = 12.5 (a quarter across, under the pointer) stays a quarter across.
    expect(max - min).toBeCloseTo(10 * Math.exp(-0.2), 12);
    expect((12.5 - min) / (max - min)).toBeCloseTo(0.25, 12);

    // The pointer leaves: the plot lets the wheel go again.
    f.chart.over.dispatchEvent(new PointerEvent('pointerleave', { pointerId: 1 }));
    expect(f.wheel(-100, 200).defaultPrevented).toBe(false);
  });

  it('zooms with Ctrl + wheel (a trackpad pinch) at once, and on a log axis in decades', () => {
    const f = fakeChart({ logX: true });
    // Two events in one frame add up.
    f.wheel(50, 300, { ctrlKey: true });
    f.wheel(50, 300, { ctrlKey: true });
    f.runFrames();
    expect(f.calls.length).toBe(1);
    const [min, max] = f.calls[0];
    expect(Math.log10(max / min)).toBeCloseTo(2 * Math.exp(0.2), 12);
    // The pointer was in the middle: the middle decade (10) stays in the middle.
    expect(Math.sqrt(min * max)).toBeCloseTo(10, 9);
  });

  it('stops listening when detached', () => {
    const f = fakeChart();
    f.g.detach();
    f.pointer('pointerdown', 300);
    f.pointer('pointermove', 100);
    expect(f.wheel(-100, 200, { ctrlKey: true }).defaultPrevented).toBe(false);
    expect(f.frames).toEqual([]);
  });
});
