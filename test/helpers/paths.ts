import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The shared fixtures beside the checkout (read-only; tests may read them, the app ships copies). */
export const SHARED = path.resolve(REPO_ROOT, '../shared');
export const LIGHTCURVES = path.join(SHARED, 'fixtures/lightcurves');
export const SAMPLES = path.join(SHARED, 'fixtures/samples');
