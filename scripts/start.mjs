// `npm start`: build the kernels and the app, then serve the built app with `vite preview` (config in
// vite.config.ts: security headers, CSP, and the same-origin relay for the MAST hosts).
//
//   npm start [-- --port N] [--host ADDRESS] [--mast BASE | --mock-mast [--mock-port N]] [--no-build]
//
// `--mast BASE` points the app and the relay at another MAST base (a mirror, the local stand-in);
// `--mock-mast` starts the stand-in (test/mock-mast/) and does the same with its address.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.PORT ?? '4173' },
    host: { type: 'string', default: '127.0.0.1' },
    mast: { type: 'string' },
    'mock-mast': { type: 'boolean', default: false },
    'mock-port': { type: 'string', default: '8765' },
    'no-build': { type: 'boolean', default: false },
  },
});

if (!args['no-build']) {
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

let mast = args.mast ?? null;
if (args['mock-mast']) {
  if (mast) fail('--mast and --mock-mast cannot be used together');
  mast = await startMock(args['mock-port']);
}

// vite.config.ts reads the base from here (it is loaded, and this variable read, inside preview()).
if (mast) process.env.TRANSIT_FEATURES_MAST = mast;
const { preview } = await import('vite');
let server;
try {
  server = await preview({
    root,
    configFile: path.join(root, 'vite.config.ts'),
    preview: { port: Number(args.port), host: args.host },
  });
} catch (err) {
  fail(err instanceof Error ? err.message : String(err));
}

const address = server.httpServer.address();
const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
const wildcard = address.address === '0.0.0.0' || address.address === '::';
console.log(`\nTransit features is running at  http://${wildcard ? '127.0.0.1' : host}:${address.port}/`);
if (wildcard) console.log(`(listening on every interface, ${host}:${address.port}; other machines use this machine's address)`);
console.log(mast ? `MAST traffic goes to ${mast} (directly, or through this server's relay when the browser blocks it)` : 'MAST hosts the browser blocks are reached through this server\'s relay');
console.log('(press Ctrl+C to stop)');

for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => void server.close().finally(() => process.exit(0)));

/** Starts the stand-in and returns the base URL it prints as its first line. */
async function startMock(port) {
  const mock = spawn(process.execPath, ['--import', 'tsx', 'test/mock-mast/main.ts', '--port', port], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  process.on('exit', () => mock.kill());
  const lines = createInterface({ input: mock.stdout });
  const [first] = await Promise.race([once(lines, 'line'), once(mock, 'exit').then(() => fail('the MAST stand-in did not start'))]);
  lines.on('line', (line) => console.log(line));
  return first.trim();
}

function fail(message) {
  console.error(`npm start: ${message}`);
  process.exit(1);
}
