import type { JobRecord, TargetRecord } from '../jobs/types.ts';
import type { LightCurveFile } from '../lightcurve/file.ts';
import type { SearchSettings } from '../search/settings.ts';
import type { TargetSummary } from '../search/summary/index.ts';
import type { PlotLightCurve } from '../search/summary/lightcurve.ts';
import { usableSummary } from '../views/target-model.ts';

/** How the target view reaches storage, the light-curve files and the worker that prepares them. */
export interface TargetViewDeps {
  job(jobId: string): Promise<JobRecord | undefined>;
  target(jobId: string, key: string): Promise<TargetRecord | undefined>;
  summary(jobId: string, key: string): Promise<TargetSummary | undefined>;
  /** The target's files, and whether they came from the cache (or the user's own files) or the network. */
  files(job: JobRecord, target: TargetRecord, signal: AbortSignal): Promise<{ files: LightCurveFile[]; from: 'cache' | 'network' | 'local' }>;
  lightCurve(files: LightCurveFile[], settings: SearchSettings): Promise<PlotLightCurve>;
}

export type LightCurveStatus = 'idle' | 'loading' | 'ready' | 'failed';

/**
 * One target's view: its stored result and plot summary at once (nothing is searched again), then its
 * full light curve from the light-curve cache or, when the cache no longer holds it, downloaded again,
 * which the view says.
 */
export class TargetViewState {
  jobId = $state<string | null>(null);
  key = $state<string | null>(null);
  job = $state.raw<JobRecord | null>(null);
  target = $state.raw<TargetRecord | null>(null);
  summary = $state.raw<TargetSummary | null>(null);
  error = $state<string | null>(null);
  loading = $state(false);
  lc = $state.raw<PlotLightCurve | null>(null);
  lcStatus = $state<LightCurveStatus>('idle');
  /** Where the light curve is coming from, shown beside the plots. */
  lcNote = $state('');

  private controller: AbortController | null = null;
  private token = 0;

  constructor(private readonly deps: TargetViewDeps) {}

  async open(jobId: string, key: string): Promise<void> {
    if (this.jobId === jobId && this.key === key && (this.target || this.loading)) return;
    const token = ++this.token;
    this.controller?.abort();
    this.jobId = jobId;
    this.key = key;
    this.target = null;
    this.summary = null;
    this.lc = null;
    this.lcStatus = 'idle';
    this.lcNote = '';
    this.error = null;
    this.loading = true;
    try {
      const [job, target, summary] = await Promise.all([this.deps.job(jobId), this.deps.target(jobId, key), this.deps.summary(jobId, key)]);
      if (token !== this.token) return;
      if (!job || !target) {
        this.error = !job ? `No job ${jobId} is stored in this browser.` : `Job ${job.fileName} has no target ${key}.`;
        return;
      }
      this.job = job;
      this.target = target;
      this.summary = usableSummary(summary);
      if (target.status !== 'pending') void this.loadLightCurve();
    } catch (err) {
      if (token === this.token) this.error = `The target could not be read from storage: ${(err as Error).message}`;
    } finally {
      if (token === this.token) this.loading = false;
    }
  }

  /** A result arrived for the open target (it was pending when opened). */
  async refresh(jobId: string, key: string): Promise<void> {
    if (jobId !== this.jobId || key !== this.key) return;
    this.target = null;
    const j = jobId;
    this.jobId = null;
    await this.open(j, key);
  }

  close(): void {
    this.token++;
    this.controller?.abort();
    this.jobId = null;
    this.key = null;
    this.target = null;
    this.summary = null;
    this.lc = null;
  }

  async loadLightCurve(): Promise<void> {
    const { job, target } = this;
    if (!job || !target) return;
    const token = this.token;
    this.controller?.abort();
    const controller = (this.controller = new AbortController());
    this.lcStatus = 'loading';
    this.lcNote = 'Reading the light curve…';
    try {
      const { files, from } = await this.deps.files(job, target, controller.signal);
      if (token !== this.token) return;
      this.lcNote =
        from === 'network'
          ? `Not in the light-curve cache: downloaded again (${files.length} file${files.length === 1 ? '' : 's'}); preparing…`
          : from === 'local'
            ? `From the job's own files (${files.length}); preparing…`
            : `From the light-curve cache (${files.length} file${files.length === 1 ? '' : 's'}); preparing…`;
      const lc = await this.deps.lightCurve(files, job.settings);
      if (token !== this.token) return;
      this.lc = lc;
      this.lcStatus = 'ready';
      this.lcNote = this.lcNote.replace('; preparing…', '.');
    } catch (err) {
      if (token !== this.token) return;
      this.lcStatus = 'failed';
      this.lcNote = `The light curve could not be loaded: ${(err as Error).message}`;
    }
  }
}
