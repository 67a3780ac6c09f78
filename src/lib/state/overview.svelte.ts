import { histogram, scatter, throughput } from '../views/overview-model.ts';
import type { TableState } from './table.svelte.ts';

/** The job overview's choices (which features, which axes) and what they draw, from the table's rows. */
export class OverviewState {
  histFeature = $state('bls_snr');
  histLog = $state(true);
  xFeature = $state('bls_period');
  yFeature = $state('bls_depth');
  logX = $state(true);
  logY = $state(true);

  constructor(private readonly table: TableState) {}

  readonly histogram = $derived.by(() => {
    void this.table.version;
    return histogram(this.table.rows, this.histFeature, { log: this.histLog });
  });

  readonly scatter = $derived.by(() => {
    void this.table.version;
    return scatter(this.table.rows, this.xFeature, this.yFeature, { logX: this.logX, logY: this.logY });
  });

  readonly throughput = $derived.by(() => throughput(this.table.finishTimes));
}
