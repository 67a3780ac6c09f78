import { untrack } from 'svelte';
import { histogram, scatter, stepPoint, throughput } from '../views/overview-model.ts';
import type { TableState } from './table.svelte.ts';

/**
 * The job overview's choices (which features, which axes) and what they draw, from the table's rows.
 * Each plot follows the table a task later than the table itself, and one after the other, so that
 * 12,000 rows arriving at once never make one long task of table, histogram and scatter.
 */
export class OverviewState {
  histFeature = $state('bls_snr');
  histLog = $state(true);
  xFeature = $state('bls_period');
  yFeature = $state('bls_depth');
  logX = $state(true);
  logY = $state(true);

  /** The scatter's point chosen from the keyboard: the table row it stands for (kept when the scatter is redrawn). */
  pointRow = $state<number | null>(null);

  /** The table version each plot has caught up with. */
  private histVersion = $state(-1);
  private scatterVersion = $state(-1);
  private timers: ReturnType<typeof setTimeout>[] = [];

  constructor(private readonly table: TableState) {}

  /** Called when the table changed: the histogram catches up in the next task, the scatter in the one after. */
  follow(version: number): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers = [
      setTimeout(() => (this.histVersion = version), 0),
      setTimeout(() => (this.scatterVersion = version), 0),
    ];
  }

  readonly histogram = $derived.by(() => {
    void this.histVersion;
    const rows = untrack(() => this.table.rows);
    return histogram(rows, this.histFeature, { log: this.histLog });
  });

  readonly scatter = $derived.by(() => {
    void this.scatterVersion;
    const rows = untrack(() => this.table.rows);
    return scatter(rows, this.xFeature, this.yFeature, { logX: this.logX, logY: this.logY });
  });

  /** The chosen point's index among the scatter's points; -1 when none is chosen or it is not drawn. */
  readonly point = $derived.by(() => (this.pointRow === null ? -1 : this.scatter.rows.indexOf(this.pointRow)));

  /** Moves the chosen point by a key (arrows, Home, End, Page Up / Down); false for other keys. */
  movePoint(key: string): boolean {
    const s = this.scatter;
    const j = stepPoint(s, this.point, key, { x: this.logX, y: this.logY });
    if (j < 0) return false;
    this.pointRow = s.rows[j];
    return true;
  }

  readonly throughput = $derived.by(() => {
    void this.histVersion;
    return throughput(untrack(() => this.table.finishTimes));
  });
}
