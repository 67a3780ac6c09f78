// Regenerates docs/screenshot.png: the demo run to the end in headless Chromium (needs `npm run build`).
import { launchBrowser, serveApp } from '../test/helpers/browser.ts';
const app = await serveApp();
const b = await launchBrowser();
const page = await b.context.newPage();
await page.setViewportSize({ width: 1200, height: 1000 });
await page.goto(app.url);
await page.getByRole('button', { name: 'Try the demo', exact: true }).click();
await page.getByRole('button', { name: 'Start', exact: true }).click();
for (let i = 0; i < 400; i++) { const t = await page.getByTestId('progress').textContent(); if (t?.includes('Finished')) break; await page.waitForTimeout(250); }
await page.screenshot({ path: 'docs/screenshot.png', fullPage: true });
await b.close(); await app.close();
