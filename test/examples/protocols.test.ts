// examples/protocols.ts: the echo and HTTP keep-alive protocols, served to python3 clients
// (test/examples/protocols-client.py), every byte checked.
import path from 'node:path';
import { run as runChild, succeeded } from '../helpers/child';
import { whenCommand } from '../helpers/platform';
import { killAll, run, START_TIMEOUT_MS } from './harness';

afterEach(killAll);

const CLIENT = path.join(__dirname, 'protocols-client.py');
const withPython = whenCommand('python3');

async function client(args: string[]): Promise<Record<string, unknown>> {
  const r = await runChild('python3', [CLIENT, ...args.map(String)]);
  succeeded(r, 'protocols-client.py');
  return r.json[0];
}

withPython.test('echo: 50 concurrent python3 clients get every byte back, and the server exits after them', async () => {
  const ex = await run('protocols', ['echo', '0', '--max-clients', '50']);
  const seen = await client(['echo', String(ex.port), '50', '1']);
  expect(seen).toEqual({ conns: 50, bytes: expect.any(Number), mismatched: 0 });
  expect(seen.bytes).toBeGreaterThan(50);
  expect(await ex.exited).toEqual({ code: 0, signal: null });
  expect(ex.stderr()).toBe('');
}, START_TIMEOUT_MS + 60000);

withPython.test('http: keep-alive python3 clients (http.client), 20 requests on each of 5 connections, every body right', async () => {
  const ex = await run('protocols', ['http', '0', '--max-clients', '5']);
  expect(await client(['http', String(ex.port), '5', '20'])).toEqual({ ok: 100 });
  expect(await ex.exited).toEqual({ code: 0, signal: null });
  expect(ex.stderr()).toBe('');
}, START_TIMEOUT_MS + 60000);

test('a wrong mode prints the usage and exits 2', async () => {
  const ex = await run('protocols', ['ftp'], null);
  expect((await ex.exited).code).toBe(2);
  expect(ex.stderr()).toMatch(/usage/);
}, START_TIMEOUT_MS);
