import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import StorageWarning from '../../src/lib/components/StorageWarning.svelte';
import { StoragePolicy, type StorageReport } from '../../src/lib/jobs/storage-policy.ts';

afterEach(cleanup);

/** A report as the real policy writes it, for a browser that says how much is used and allowed. */
async function report(usage: number, quota: number, pendingBytes: number): Promise<StorageReport> {
  const policy = new StoragePolicy({
    estimate: async () => ({ usage, quota }),
    cache: async () => null,
    cacheLimit: () => 0,
    pendingBytes: async () => pendingBytes,
  });
  return policy.check();
}

describe('the storage warning beside the run controls', () => {
  it('says nothing while there is room', async () => {
    const roomy = await report(10e6, 10e9, 1e6);
    expect(roomy.level).toBe('ok');
    render(StorageWarning, { report: roomy, onshow: () => {} });
    expect(screen.queryByTestId('storage-warning')).toBeNull();
    render(StorageWarning, { report: null, onshow: () => {} });
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('shows the policy\'s warning when space runs low or out, and leads to the Storage section', async () => {
    const low = await report(9_990e6, 10_000e6, 1e6);
    expect(low.level).not.toBe('ok');
    const onshow = vi.fn();
    render(StorageWarning, { report: low, onshow });
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain(low.warning!);
    await fireEvent.click(screen.getByRole('button', { name: 'Show storage' }));
    expect(onshow).toHaveBeenCalledOnce();
  });
});
