/**
 * Runs the MAST stand-in until interrupted:
 *   npx tsx test/mock-mast/main.ts [--port 8765] [--host 127.0.0.1] [--download-latency-ms N]
 *     [--invoke-latency-ms N] [--no-cors] [--lightcurve-dir DIR]
 * The first line on stdout is the base URL, for `?mast=<url>` or `npm start -- --mock-mast`.
 */
import { parseArgs } from 'node:util';
import { LIGHTCURVES } from '../helpers/paths.ts';
import { startMockMast } from './server.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8765' },
    host: { type: 'string', default: '127.0.0.1' },
    'download-latency-ms': { type: 'string', default: '0' },
    'invoke-latency-ms': { type: 'string', default: '0' },
    'no-cors': { type: 'boolean', default: false },
    'lightcurve-dir': { type: 'string', default: LIGHTCURVES },
  },
});

function count(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number ≥ 0, got "${text}"`);
  return n;
}

const mock = await startMockMast({
  port: count('port', values.port),
  host: values.host,
  lightcurveDir: values['lightcurve-dir'],
  downloadLatencyMs: count('download-latency-ms', values['download-latency-ms']),
  invokeLatencyMs: count('invoke-latency-ms', values['invoke-latency-ms']),
  corsOrigin: values['no-cors'] ? null : '*',
});
console.log(mock.url);
console.error(`mock MAST serving ${values['lightcurve-dir']}; Ctrl-C to stop`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void mock.close().then(() => process.exit(0));
  });
}
