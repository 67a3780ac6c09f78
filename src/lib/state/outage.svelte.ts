import type { OutageStatus } from '../jobs/outage.ts';
import { outageBanner } from './outage-text.ts';

/** The network status of this tab's run, as the banner shows it (the policy is jobs/outage.ts). */
export class OutageView {
  status = $state.raw<OutageStatus>({ kind: 'clear' });

  get banner() {
    return outageBanner(this.status);
  }

  /** The run waits for MAST (downloads stopped, probing). */
  get waiting(): boolean {
    return this.status.kind === 'outage';
  }

  set(status: OutageStatus): void {
    this.status = status;
  }

  clear(): void {
    this.status = { kind: 'clear' };
  }
}
