// `npm start`: build the kernels and the app, then serve the built app on localhost.
// `npm start -- --mock-mast` also starts the local MAST stand-in and points the app at it.
import { spawn, spawnSync } from 'node:child_process';
import { createStaticServer } from './static-server.mjs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};

if (!flag('--no-build')) {
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const server = createStaticServer(path.join(root, 'dist'));

const port = Number(option('--port', process.env.PORT ?? 4173));
server.listen(port, '127.0.0.1', async () => {
  let query = '';
  if (flag('--mock-mast')) {
    const mockPort = option('--mock-port', '8765');
    const mock = spawn('npx', ['tsx', 'test/mock-mast/main.ts', '--port', mockPort], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
    process.on('exit', () => mock.kill());
    query = `?mast=${encodeURIComponent(`http://127.0.0.1:${mockPort}`)}`;
  }
  console.log(`\nTransit features is running at  http://localhost:${port}/${query}\n(press Ctrl+C to stop)`);
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(0));
