import { afterAll, beforeAll } from 'vitest';
import { startMockMast, type MockMast, type MockMastOptions } from '../mock-mast/server.ts';
import { launchBrowser, serveApp } from './browser.ts';
import { LIGHTCURVES } from './paths.ts';

export interface AppAndMast {
  app: Awaited<ReturnType<typeof serveApp>>;
  mast: MockMast;
  browser: Awaited<ReturnType<typeof launchBrowser>>;
}

/**
 * The built app, a MAST stand-in serving the shared light curves and a fresh browser profile for
 * the tests of one `describe` block: started before them, stopped after. Read the fields inside
 * tests (they are set by `beforeAll`).
 */
export function useAppAndMast(mastOptions: MockMastOptions = { lightcurveDir: LIGHTCURVES }): AppAndMast {
  const env = {} as AppAndMast;
  beforeAll(async () => {
    env.app = await serveApp();
    env.mast = await startMockMast(mastOptions);
    env.browser = await launchBrowser();
  });
  afterAll(async () => {
    await env.browser?.close();
    await env.mast?.close();
    await env.app?.close();
  });
  return env;
}
