// Regenerates docs/*.png (needs `npm run build`): the end-to-end test of the views takes them from
// the real app at 1280×720 and 390×844.
import { spawnSync } from 'node:child_process';

const run = spawnSync('npx', ['vitest', 'run', 'test/e2e/views.e2e.ts'], { stdio: 'inherit', env: { ...process.env, UPDATE_SCREENSHOTS: '1' } });
process.exit(run.status ?? 1);
