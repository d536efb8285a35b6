// examples/prefork.ts: a listening socket passed with sendFds to worker processes, which all accept
// on it. Python clients in a process of their own; every byte compared.
import net from 'node:net';
import { start, succeeded } from '../helpers/child';
import { type Example, killAll, netConnect, readBytes, run, START_TIMEOUT_MS } from './harness';

afterEach(killAll);

// `count` clients at once, each from its own thread, connected before any sends (so that the
// workers race for every accept); each sends payload(size, seed = its index), half-closes, and
// checks its echo. Prints {"ok": number of clients whose echo matched}.
const CLIENTS = `
import json, socket, sys, threading
port, count, size = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
conns = [socket.create_connection(('127.0.0.1', port)) for _ in range(count)]
ok = []
def client(i, s):
    payload = bytes((j * 7 + 3 + i) % 251 for j in range(size))
    sender = threading.Thread(target=lambda: (s.sendall(payload), s.shutdown(socket.SHUT_WR)))
    sender.start()
    got = []
    while True:
        data = s.recv(65536)
        if not data:
            break
        got.append(data)
    sender.join()
    s.close()
    if b''.join(got) == payload:
        ok.append(i)
threads = [threading.Thread(target=client, args=(i, s)) for i, s in enumerate(conns)]
for t in threads: t.start()
for t in threads: t.join()
print(json.dumps({"ok": len(ok)}))
`;

function served(ex: Example): number[] {
  return ex.lines.filter((l) => /^worker \d+ served \d+$/.test(l)).map((l) => Number(l.split(' ')[3]));
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const conn = net.connect(port, '127.0.0.1', () => {
      conn.destroy();
      resolve(false);
    });
    conn.on('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}

test('connections spread over the workers, every byte is echoed, and all exit 0 after --max-clients', async () => {
  const clients = 24;
  const ex = await run('prefork', ['0', '--max-clients', String(clients), '--workers', '3']);
  const r = await start('python3', ['-c', CLIENTS, String(ex.port), String(clients), String(200_000)]).exited;
  expect(JSON.parse(succeeded(r, 'python clients'))).toEqual({ ok: clients });
  expect(await ex.exited).toEqual({ code: 0, signal: null });
  const counts = served(ex);
  expect(counts).toHaveLength(3);
  expect(counts.reduce((a, b) => a + b, 0)).toBe(clients);
  // The kernel gives each connection to the worker that accepts first: more than one of them.
  expect(counts.filter((n) => n > 0).length).toBeGreaterThanOrEqual(2);
  // Every accept was logged by a worker process, none by the parent.
  const pids = new Set(ex.lines.filter((l) => / accepted /.test(l)).map((l) => /\(pid (\d+)\)/.exec(l)![1]));
  expect(pids.size).toBe(counts.filter((n) => n > 0).length);
  expect(pids.has(String(ex.child.pid))).toBe(false);
}, START_TIMEOUT_MS + 60000);

test('SIGTERM: the workers stop accepting at once, finish the client they hold, and every process exits 0', async () => {
  const ex = await run('prefork', ['0', '--workers', '2']);
  const conn = await netConnect(ex.port);
  conn.write('before');
  expect((await readBytes(conn, 6)).toString()).toBe('before');
  ex.child.kill('SIGTERM');
  // Every copy of the listener closes: new clients are refused while the open one is still served.
  const deadline = Date.now() + 10000;
  // A probe that connected before the last listener closed was queued: a worker may have served
  // it, or the close reset it.
  let probes = 0;
  while (!(await refused(ex.port))) {
    probes++;
    if (Date.now() > deadline) throw new Error('the listener was still open 10 s after SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  conn.write('after');
  expect((await readBytes(conn, 5)).toString()).toBe('after');
  const closed = new Promise((resolve) => conn.on('close', resolve));
  conn.end();
  await closed;
  expect(await ex.exited).toEqual({ code: 0, signal: null });
  const counts = served(ex);
  expect(counts).toHaveLength(2);
  const total = counts.reduce((a, b) => a + b, 0);
  expect(total).toBeGreaterThanOrEqual(1);
  expect(total).toBeLessThanOrEqual(1 + probes);
}, START_TIMEOUT_MS + 30000);

test('a bad --workers is a usage error', async () => {
  const ex = await run('prefork', ['0', '--workers', '0'], null);
  expect(await ex.exited).toEqual({ code: 2, signal: null });
  expect(ex.stderr()).toMatch(/usage: .*--workers N/);
}, START_TIMEOUT_MS);
