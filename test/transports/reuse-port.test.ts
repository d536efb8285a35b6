// SO_REUSEPORT, for serving one port from several listening sockets (one per thread or process):
// the socket layer's setsockopt before bind, and loop.createServer's reusePort option — in one
// loop here, and in several worker threads (fixtures/reuse-port-threads.ts). The kernel spreads
// connections over the sockets by a hash of the connection's addresses, so with 40 connections
// each of two sockets gets some but for a chance of 2^-39.
import path from 'node:path';
import { EventLoop, Protocol, type Server, type Transport } from '../../lib';
import { AF_INET, SO_REUSEPORT, SOCK_STREAM, SOL_SOCKET, socket } from '../../lib/socket';
import { NODE_TS, run } from '../helpers/child';
import { expectNoFdLeaks } from '../helpers/fds';
import { echoWithin, NetClients } from '../helpers/net';
import { when } from '../helpers/platform';

const withReusePort = when(SO_REUSEPORT !== undefined, 'no SO_REUSEPORT on this OS');
// Linux spreads connections over SO_REUSEPORT listeners; the BSDs and macOS give them all to the last one bound.
const spreads = when(SO_REUSEPORT !== undefined && process.platform === 'linux', 'only Linux balances SO_REUSEPORT listeners');
const CONNS = 40;

const clients = new NetClients();
let loop: EventLoop;
let running: Promise<void>;
beforeEach(() => {
  loop = new EventLoop();
  running = loop.run();
});
afterEach(async () => {
  clients.destroyAll();
  loop.stop();
  await running;
  loop.close();
});
// After the hooks above: its afterEach runs once the loop is closed.
expectNoFdLeaks();

const portOf = (server: Server): number => (server.sockets[0].getsockname() as [string, number])[1];

/** Echo servers that count their connections in `counts[index]`. */
function counting(counts: number[], index: number): () => Protocol {
  return () =>
    new (class extends Protocol {
      t!: Transport;
      override connectionMade(t: Transport): void {
        counts[index]++;
        this.t = t;
      }
      override dataReceived(d: Buffer): void {
        this.t.write(d);
      }
    })();
}

async function echoAll(port: number, n: number): Promise<number> {
  let echoed = 0;
  await Promise.all(Array.from({ length: n }, async (_, i) => {
    const c = await clients.connect(port);
    if ((await echoWithin(c, `hello ${i}`, 10000)) === `hello ${i}`) echoed++;
  }));
  return echoed;
}

withReusePort.test('socket layer: setsockopt(SOL_SOCKET, SO_REUSEPORT, 1) before bind lets two sockets listen on one port', () => {
  const a = socket(AF_INET, SOCK_STREAM);
  const b = socket(AF_INET, SOCK_STREAM);
  const plain = socket(AF_INET, SOCK_STREAM);
  try {
    a.setsockopt(SOL_SOCKET, SO_REUSEPORT, 1);
    b.setsockopt(SOL_SOCKET, SO_REUSEPORT, 1);
    expect(a.getsockopt(SOL_SOCKET, SO_REUSEPORT)).not.toBe(0);
    expect(plain.getsockopt(SOL_SOCKET, SO_REUSEPORT)).toBe(0);
    a.bind(['127.0.0.1', 0]);
    const port = (a.getsockname() as [string, number])[1];
    a.listen(8);
    b.bind(['127.0.0.1', port]);
    b.listen(8);
    // A socket without the option cannot join them.
    expect(() => plain.bind(['127.0.0.1', port])).toThrow(expect.objectContaining({ code: 'EADDRINUSE' }));
  } finally {
    for (const s of [a, b, plain]) s.close();
  }
});

spreads.test(`createServer reusePort: two servers of one loop share a port, each socket has SO_REUSEPORT, and ${CONNS} connections reach both`, async () => {
  const counts = [0, 0];
  const first = await loop.createServer(counting(counts, 0), '127.0.0.1', 0, { reusePort: true });
  const port = portOf(first);
  const second = await loop.createServer(counting(counts, 1), '127.0.0.1', port, { reusePort: true });
  for (const s of [first, second]) expect(s.sockets[0].getsockopt(SOL_SOCKET, SO_REUSEPORT)).not.toBe(0);
  expect(portOf(second)).toBe(port);
  expect(await echoAll(port, CONNS)).toBe(CONNS);
  expect(counts[0] + counts[1]).toBe(CONNS);
  expect(counts[0]).toBeGreaterThan(0);
  expect(counts[1]).toBeGreaterThan(0);
  clients.destroyAll();
  first.close();
  second.close();
  await Promise.all([first.waitClosed(), second.waitClosed()]);
});

spreads.test('once one of two reusePort servers is closed, the other takes every new connection', async () => {
  const counts = [0, 0];
  const first = await loop.createServer(counting(counts, 0), '127.0.0.1', 0, { reusePort: true });
  const second = await loop.createServer(counting(counts, 1), '127.0.0.1', portOf(first), { reusePort: true });
  first.close();
  expect(await echoAll(portOf(second), 10)).toBe(10);
  expect(counts).toEqual([0, 10]);
  clients.destroyAll();
  second.close();
  await second.waitClosed();
});

withReusePort.test('without reusePort on both, the second createServer on the port rejects EADDRINUSE and leaves nothing open', async () => {
  const counts = [0, 0];
  const first = await loop.createServer(counting(counts, 0), '127.0.0.1', 0);
  expect(first.sockets[0].getsockopt(SOL_SOCKET, SO_REUSEPORT)).toBe(0);
  await expect(loop.createServer(counting(counts, 1), '127.0.0.1', portOf(first), { reusePort: true })).rejects.toMatchObject({ code: 'EADDRINUSE' });
  first.close();
  const shared = await loop.createServer(counting(counts, 0), '127.0.0.1', 0, { reusePort: true });
  await expect(loop.createServer(counting(counts, 1), '127.0.0.1', portOf(shared))).rejects.toMatchObject({ code: 'EADDRINUSE' });
  shared.close();
});

spreads.test('reusePort across worker threads: each thread\'s EventLoop listens on the port, the connections reach several, and no fd is left', async () => {
  const r = await run(process.execPath, [...NODE_TS, path.join(__dirname, 'fixtures', 'reuse-port-threads.ts'), '3', String(CONNS)], { timeoutMs: 60000 });
  expect(r.stderr).toBe('');
  expect([r.status, r.signal]).toEqual([0, null]);
  const [out] = r.json as Array<{ counts: number[]; echoed: number; leaked: number[] }>;
  expect(out.counts).toHaveLength(3);
  expect(out.counts.reduce((a, b) => a + b, 0)).toBe(CONNS);
  expect(out.counts.filter((n) => n > 0).length).toBeGreaterThan(1);
  expect(out.echoed).toBe(CONNS);
  expect(out.leaked).toEqual([]);
}, 70000);
