// examples/eventloop-beside-http.ts: an iomux EventLoop echo server and node:http in one process.
import type { ChildProcess } from 'node:child_process';
import http from 'node:http';
import { checkConcurrentEcho, type Exit, killAll, netConnect, pythonEcho, readBytes, payload, run, START_TIMEOUT_MS } from './harness';

afterEach(killAll);

interface Stats {
  connected: number;
  served: number;
  bytesEchoed: number;
}

function getStats(port: number): Promise<Stats> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve(JSON.parse(body) as Stats));
      })
      .on('error', reject);
  });
}

async function start(args: string[]): Promise<{ echoPort: number; httpPort: number; exited: Promise<Exit>; child: ChildProcess }> {
  const ex = await run('eventloop-beside-http', args);
  const httpPort = Number(/^http on (\d+)$/.exec(await ex.waitLine(/^http on \d+$/))![1]);
  return { echoPort: ex.port, httpPort, exited: ex.exited, child: ex.child };
}

test('http answers while an echo client is connected mid-conversation, and counts what was echoed', async () => {
  const { echoPort, httpPort, exited } = await start(['0', '--max-clients', '6']);
  expect(await getStats(httpPort)).toEqual({ connected: 0, served: 0, bytesEchoed: 0 });

  const conn = await netConnect(echoPort);
  conn.write('ping');
  expect((await readBytes(conn, 4)).toString()).toBe('ping');
  // The loop is running and holds an open client, yet the http server still answers.
  expect(await getStats(httpPort)).toEqual({ connected: 1, served: 0, bytesEchoed: 4 });

  // Both servers busy at once: a big echo and http requests side by side.
  const size = 1 << 20;
  const [echoed] = await Promise.all([pythonEcho(echoPort, size, 3), getStats(httpPort), getStats(httpPort)]);
  expect(echoed.equals(payload(size, 3))).toBe(true);

  await checkConcurrentEcho(echoPort, 1 << 20);
  const before = await getStats(httpPort);
  expect(before.served).toBe(5);
  expect(before.connected).toBe(6);
  expect(before.bytesEchoed).toBe(4 + size + (1 << 20) + 10001 + 6 * 103);

  conn.end();
  expect(await exited).toEqual({ code: 0, signal: null });
}, START_TIMEOUT_MS + 30000);

test('SIGTERM stops the loop and the http server, closes the open client and exits with status 0', async () => {
  const { echoPort, httpPort, exited, child } = await start(['0']);
  const conn = await netConnect(echoPort);
  conn.write('x');
  await readBytes(conn, 1);
  expect((await getStats(httpPort)).connected).toBe(1);
  const closedByServer = new Promise((resolve) => conn.on('end', resolve));
  child.kill('SIGTERM');
  await closedByServer;
  conn.end();
  expect(await exited).toEqual({ code: 0, signal: null });
}, START_TIMEOUT_MS + 10000);
