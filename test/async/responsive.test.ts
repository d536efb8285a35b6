// Node stays responsive: an EventLoop.run() echo server (non-blocking iomux sockets) serves 500
// concurrent connections from a separate python3 process (its own selectors loop) while a
// setInterval in this process keeps ticking. The client checks every byte; both sides count.
import path from 'node:path';
import { EventLoop } from '../../lib/loop';
import { createServer, type Socket } from '../../lib/socket';
import { openFds } from '../helpers/fds';
import { run } from '../helpers/child';

const CONNS = 500;
const SIZE = 8192;

test(`an EventLoop.run() echo server serves ${CONNS} concurrent connections from another process while setInterval keeps ticking`, async () => {
  const fdsBefore = openFds();
  const server = createServer(['127.0.0.1', 0], { backlog: 1024 });
  server.setBlocking(false);
  const port = (server.getsockname() as [string, number])[1];
  const loop = new EventLoop();
  const open = new Set<Socket>();
  const buf = Buffer.alloc(65536);
  let accepted = 0;
  let echoed = 0;
  let sum = 0;

  const serve = (c: Socket): void => {
    const pending: Buffer[] = [];
    const flush = (): void => {
      while (pending.length > 0) {
        const n = c.trySend(pending[0]);
        if (n === null || n < pending[0].length) {
          if (n !== null) pending[0] = pending[0].subarray(n);
          loop.addWriter(c, flush);
          return;
        }
        pending.shift();
      }
      loop.removeWriter(c);
    };
    loop.addReader(c, () => {
      for (;;) {
        const n = c.tryRecvInto(buf);
        if (n === null) return;
        if (n === 0) {
          loop.removeReader(c);
          loop.removeWriter(c);
          c.close();
          open.delete(c);
          return;
        }
        for (let i = 0; i < n; i++) sum = (sum + buf[i]) % 2 ** 32;
        echoed += n;
        pending.push(Buffer.from(buf.subarray(0, n)));
        flush();
      }
    });
  };
  loop.addReader(server, () => {
    for (;;) {
      let conn: Socket;
      try {
        [conn] = server.accept();
      } catch (err) {
        if ((err as { code?: string }).code === 'EAGAIN') return;
        throw err;
      }
      conn.setBlocking(false);
      accepted++;
      open.add(conn);
      serve(conn);
    }
  });

  let ticks = 0;
  const t0 = performance.now();
  const interval = setInterval(() => ticks++, 10);
  const running = loop.run();
  const client = await run('python3', [path.join(__dirname, 'fixtures', 'echo_client.py'), String(port), String(CONNS), String(SIZE)], { timeoutMs: 120000 });
  const elapsed = performance.now() - t0;
  clearInterval(interval);
  loop.stop();
  await running;
  for (const c of open) c.close();
  loop.close();
  server.close();

  expect(client.stderr).toBe('');
  expect(client.json).toEqual([{ conns: CONNS, sent: CONNS * SIZE, received: CONNS * SIZE, mismatches: 0, sum }]);
  expect(accepted).toBe(CONNS);
  expect(echoed).toBe(CONNS * SIZE);
  expect(ticks).toBeGreaterThanOrEqual(Math.floor(elapsed / 10 / 2));
  // Nothing this test opened is left (other fds of the jest process may have closed meanwhile).
  expect(openFds().filter((fd) => !fdsBefore.includes(fd))).toEqual([]);
}, 180000);
