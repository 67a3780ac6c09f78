import type { ErrorCode } from '../errors.ts';
import type { JobRecord, SampleRecord, TargetRecord, TargetState } from '../jobs/types.ts';
import type { TargetResult } from '../search/result.ts';
import {
  allColumns,
  applyTarget,
  buildRows,
  countBy,
  countRows,
  DEFAULT_COLUMN_IDS,
  EMPTY_QUERY,
  queryRows,
  type TableQuery,
  type TableRow,
} from '../views/table-model.ts';

/** Where the table reads a job's records, a page at a time (the IndexedDB store). */
export interface RowSource {
  samplesPage(jobId: string, fromIndex: number, count: number): Promise<SampleRecord[]>;
  targetsPage(jobId: string, fromOrder: number, count: number): Promise<TargetRecord[]>;
}

/** Records read per page: small enough that no page blocks the page for long. */
const PAGE = 400;
/** Results arriving within this long are shown together (the view is re-queried once). */
const REFRESH_MS = 300;
/** A tab that watches another tab's run reads the rows again at most this often. */
const REREAD_MS = 3000;

const yieldToPage = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * The results table: every input row of the shown job, kept current as results arrive. Rows are plain
 * objects changed in place; `version` says when they changed, so that only the rows on screen are
 * drawn again and the sorted, filtered view is computed once per burst of results.
 */
export class TableState {
  rows = $state.raw<TableRow[]>([]);
  loading = $state(false);
  query = $state<TableQuery>({ ...EMPTY_QUERY });
  columnIds = $state<string[]>([...DEFAULT_COLUMN_IDS]);
  /** Bumped whenever rows change in place. */
  version = $state(0);
  readonly allColumns = allColumns();

  private jobId: string | null = null;
  private byKey = new Map<string, TableRow[]>();
  private finishedAt = new Map<string, number>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private dirty = false;
  /** Results that arrived while the rows were being read. */
  private readonly late = new Map<string, { result: TargetResult; finishedAt: number }>();
  private loadToken = 0;
  private loadedAt = 0;
  private reading: Promise<void> | null = null;
  private rereadTimer: ReturnType<typeof setTimeout> | null = null;

  readonly columns = $derived(this.columnIds.map((id) => this.allColumns.find((c) => c.id === id)!).filter(Boolean));

  /** Row indices shown, in order. */
  readonly view = $derived.by(() => {
    void this.version;
    return queryRows(this.rows, this.query, this.allColumns);
  });

  readonly counts = $derived.by(() => {
    void this.version;
    return countRows(this.rows);
  });

  readonly errorCodes = $derived.by(() => {
    void this.version;
    return countBy(this.rows, (r) => r.errorCode);
  });

  readonly labels = $derived.by(() => {
    void this.version;
    return countBy(this.rows, (r) => r.label);
  });

  /** Finishing times of the job's targets, for the rate and the overview's throughput. */
  get finishTimes(): number[] {
    void this.version;
    return [...this.finishedAt.values()];
  }

  /**
   * Reads the rows again for a job shown in another tab's run: at most once per REREAD_MS, and never
   * cutting short a reading in progress (a watching tab of a 12,000-row job would otherwise never
   * finish reading while results keep arriving).
   */
  refresh(job: JobRecord, source: RowSource): void {
    if (job.id !== this.jobId) {
      void this.load(job, source);
      return;
    }
    if (this.rereadTimer) return;
    const wait = Math.max(0, this.loadedAt + REREAD_MS - Date.now());
    this.rereadTimer = setTimeout(async () => {
      if (this.reading) await this.reading;
      this.rereadTimer = null;
      await this.load(job, source);
    }, wait);
  }

  /** Reads the job's rows a page at a time, yielding between pages. */
  load(job: JobRecord, source: RowSource): Promise<void> {
    this.reading = this.read(job, source).finally(() => {
      this.loadedAt = Date.now();
      this.reading = null;
    });
    return this.reading;
  }

  private async read(job: JobRecord, source: RowSource): Promise<void> {
    const token = ++this.loadToken;
    this.late.clear();
    this.jobId = job.id;
    this.loading = true;
    this.rows = [];
    this.byKey = new Map();
    this.finishedAt = new Map();
    try {
      const samples: SampleRecord[] = [];
      for (let from = 0; ; ) {
        const page = await source.samplesPage(job.id, from, PAGE);
        if (token !== this.loadToken) return;
        samples.push(...page);
        if (page.length < PAGE) break;
        from = page[page.length - 1].index + 1;
        await yieldToPage();
      }
      const targets = new Map<string, TargetRecord>();
      for (let from = 0; ; ) {
        const page = await source.targetsPage(job.id, from, PAGE);
        if (token !== this.loadToken) return;
        for (const t of page) {
          targets.set(t.key, t);
          if (t.finishedAt !== undefined) this.finishedAt.set(t.key, t.finishedAt);
        }
        if (page.length < PAGE) break;
        from = page[page.length - 1].order + 1;
        await yieldToPage();
      }
      const rows = buildRows(job, samples, targets);
      for (const r of rows) {
        if (!r.targetKey) continue;
        const list = this.byKey.get(r.targetKey);
        if (list) list.push(r);
        else this.byKey.set(r.targetKey, [r]);
      }
      for (const [key, { result, finishedAt }] of this.late) {
        for (const row of this.byKey.get(key) ?? []) applyTarget(row, { status: result.status, result });
        this.finishedAt.set(key, finishedAt);
      }
      this.late.clear();
      this.rows = rows;
      this.version++;
    } finally {
      if (token === this.loadToken) this.loading = false;
    }
  }

  clear(): void {
    this.loadToken++;
    if (this.rereadTimer) clearTimeout(this.rereadTimer);
    this.rereadTimer = null;
    this.jobId = null;
    this.rows = [];
    this.byKey = new Map();
    this.finishedAt = new Map();
    this.loading = false;
  }

  /** A target of the shown job finished: its rows change, the view follows within REFRESH_MS. */
  update(jobId: string, key: string, result: TargetResult, finishedAt = Date.now()): void {
    if (jobId !== this.jobId) return;
    // Rows being read may predate this result: it is applied again once they are in.
    if (this.reading) this.late.set(key, { result, finishedAt });
    for (const row of this.byKey.get(key) ?? []) applyTarget(row, { status: result.status, result });
    this.finishedAt.set(key, finishedAt);
    // The first result of a burst shows at once; the rest of the burst together, REFRESH_MS later.
    if (this.timer) {
      this.dirty = true;
      return;
    }
    this.version++;
    this.timer = setTimeout(() => this.flush(), REFRESH_MS);
  }

  /** Shows the results held back by the refresh interval now (the run stopped, say). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.dirty) this.version++;
    this.dirty = false;
  }

  /** One state per star (work unit), for counts that are about stars (Retry failed). */
  readonly stars = $derived.by(() => {
    void this.version;
    return [...this.byKey.values()].map(([r]) => ({
      status: r.status as TargetState,
      result: r.status === 'pending' ? undefined : { status: r.status, features: {}, ...(r.errorCode ? { error: { code: r.errorCode as ErrorCode, message: r.errorMessage } } : {}) },
    }));
  });

  /** The rows naming a star. */
  rowsOf(key: string): TableRow[] {
    void this.version;
    return this.byKey.get(key) ?? [];
  }

  setQuery(patch: Partial<TableQuery>): void {
    this.query = { ...this.query, ...patch };
  }

  sortBy(columnId: string): void {
    const q = this.query;
    this.query = { ...q, sort: columnId, descending: q.sort === columnId ? !q.descending : false };
  }

  setColumn(id: string, shown: boolean): void {
    const set = new Set(this.columnIds);
    if (shown) set.add(id);
    else set.delete(id);
    // Keep the picker's order, so that columns do not jump around.
    this.columnIds = this.allColumns.map((c) => c.id).filter((c) => set.has(c));
  }
}
