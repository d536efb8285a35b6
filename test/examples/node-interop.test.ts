// examples/node-interop.ts: a net.Server's listening socket taken over by iomux (a dup of
// `_handle.fd`), each connection iomux accepts handed to node:net (`detach()`), and a listening
// socket iomux made served by a net.Server (`listen({ fd })`).
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { checkConcurrentEcho, type Example, killAll, netConnect, payload, pythonEcho, readBytes, run, START_TIMEOUT_MS } from './harness';

afterEach(killAll);

async function start(args: string[]): Promise<[Example, number]> {
  const ex = await run('node-interop', args);
  const nodePort = Number(/^node on (\d+)$/.exec(await ex.waitLine(/^node on \d+$/))![1]);
  return [ex, nodePort];
}

// How many fds of process `pid` are the TCP socket listening on 127.0.0.1:`port` (Linux /proc).
function listenerFds(pid: number, port: number): number {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const row = readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1).map((l) => l.trim().split(/\s+/))
    .find((f) => f[1] === `0100007F:${hexPort}` && f[3] === '0A');
  if (row === undefined) return 0;
  const target = `socket:[${row[9]}]`;
  return readdirSync(`/proc/${pid}/fd`).filter((fd) => {
    try {
      return readlinkSync(`/proc/${pid}/fd/${fd}`) === target;
    } catch {
      return false; // closed meanwhile
    }
  }).length;
}

test('both ports echo every byte; each listening socket is held by exactly one fd; exit 0 after --max-clients', async () => {
  const [ex, nodePort] = await start(['0', '--max-clients', '5']);
  // Node closed its own fd of the first listener, and iomux detached the second: one fd each.
  expect([listenerFds(ex.child.pid!, ex.port), listenerFds(ex.child.pid!, nodePort)]).toEqual([1, 1]);
  await checkConcurrentEcho(ex.port, 1 << 20); // four clients, accepted by iomux, served by node:net
  expect((await pythonEcho(nodePort, 1 << 20, 7)).equals(payload(1 << 20, 7))).toBe(true);
  expect(await ex.exited).toEqual({ code: 0, signal: null });
  expect(ex.lines.filter((l) => l.startsWith('iomux accepted'))).toHaveLength(4);
  expect(ex.lines.filter((l) => l.startsWith('node accepted'))).toHaveLength(1);
  expect(ex.stderr()).toBe('');
}, START_TIMEOUT_MS + 60000);

test('SIGTERM closes both listeners and the open clients, and exits 0', async () => {
  const [ex, nodePort] = await start(['0']);
  const a = await netConnect(ex.port);
  const b = await netConnect(nodePort);
  for (const conn of [a, b]) {
    conn.write('ping');
    expect((await readBytes(conn, 4)).toString()).toBe('ping');
  }
  const closed = [a, b].map((conn) => new Promise((resolve) => conn.on('close', resolve)));
  ex.child.kill('SIGTERM');
  await Promise.all(closed);
  expect(await ex.exited).toEqual({ code: 0, signal: null });
}, START_TIMEOUT_MS + 20000);
