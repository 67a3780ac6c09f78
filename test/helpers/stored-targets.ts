import type { Page } from 'playwright-core';

export interface StoredTarget {
  key: string;
  status: string;
  finishedAt?: number;
}

/** Reads the job's targets straight from the page's IndexedDB, as a person with devtools would. */
export function storedTargets(page: Page): Promise<StoredTarget[]> {
  return page.evaluate(
    () =>
      new Promise<StoredTarget[]>((resolve, reject) => {
        const open = indexedDB.open('transit-features');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const all = db.transaction('targets').objectStore('targets').getAll();
          all.onerror = () => reject(all.error);
          all.onsuccess = () => {
            db.close();
            resolve(all.result.map((t: StoredTarget) => ({ key: t.key, status: t.status, finishedAt: t.finishedAt })));
          };
        };
      }),
  );
}
