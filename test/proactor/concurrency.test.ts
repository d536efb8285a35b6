// 500 connections at once through one ProactorEventLoop: an echo server of sockAccept /
// sockRecv / sockSendall, clients on Node's own net module, every byte checked; then a python3
// client against the same server.
import net from 'node:net';
import { ProactorEventLoop } from '../../lib/proactor';
import { createServer, type Socket } from '../../lib/socket';
import { killAll, run, succeeded } from '../helpers/child';
import { expectNoFdLeaks } from '../helpers/fds';
import { whenCommand, whenUring } from '../helpers/platform';

afterEach(killAll);

function payload(id: number, n: number): Buffer {
  return Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + id * 7) % 256));
}

async function echoServer(loop: ProactorEventLoop, server: Socket, conns: Set<Socket>): Promise<void> {
  for (;;) {
    let conn: Socket;
    try {
      [conn] = await loop.sockAccept(server);
    } catch {
      return; // the loop closed
    }
    conns.add(conn);
    void (async () => {
      try {
        for (;;) {
          const data = await loop.sockRecv(conn, 65536);
          if (data.length === 0) break;
          await loop.sockSendall(conn, data);
        }
      } catch {
        // the loop closed under the connection
      } finally {
        conns.delete(conn);
        conn.close();
      }
    })();
  }
}

function client(port: number, id: number, n: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const expected = payload(id, n);
    const chunks: Buffer[] = [];
    let got = 0;
    const s = net.connect(port, '127.0.0.1', () => {
      // In pieces, so the server sees several receives per connection.
      for (let i = 0; i < n; i += 1000) s.write(expected.subarray(i, i + 1000));
    });
    s.on('data', (d: Buffer) => {
      chunks.push(d);
      got += d.length;
      if (got >= n) s.end();
    });
    s.on('end', () => resolve(Buffer.concat(chunks).equals(expected)));
    s.on('error', reject);
  });
}

// libuv opens its SIGCHLD pipe at the first spawn and keeps it: open it before the fd checks.
beforeAll(async () => {
  await run('true', []);
});
expectNoFdLeaks();

whenUring.describe('ProactorEventLoop concurrency', () => {
  test('500 concurrent connections echo 20 KB each through one loop, every byte checked', async () => {
    const loop = new ProactorEventLoop();
    const running = loop.run();
    const server = createServer(['127.0.0.1', 0], { backlog: 1024 } as never);
    server.setblocking(false);
    const port = (server.getsockname() as [string, number])[1];
    const conns = new Set<Socket>();
    const serving = echoServer(loop, server, conns);
    const results = await Promise.all(Array.from({ length: 500 }, (_, id) => client(port, id, 20000)));
    expect(results.filter((ok) => !ok)).toEqual([]);
    loop.close();
    await running;
    await serving;
    await new Promise((r) => setTimeout(r, 20));
    for (const c of conns) c.close();
    server.close();
  }, 120000);

  whenCommand('python3').test('a python3 client: 1 MiB echoed and checked by the peer', async () => {
    const loop = new ProactorEventLoop();
    const running = loop.run();
    const server = createServer(['127.0.0.1', 0]);
    server.setblocking(false);
    const port = (server.getsockname() as [string, number])[1];
    const conns = new Set<Socket>();
    const serving = echoServer(loop, server, conns);
    const script = `
import socket, sys
n = 1 << 20
data = bytes((i * 13 + 5) % 256 for i in range(n))
with socket.create_connection(('127.0.0.1', ${port})) as s:
    s.sendall(data)
    s.shutdown(socket.SHUT_WR)
    got = bytearray()
    while True:
        chunk = s.recv(1 << 16)
        if not chunk: break
        got += chunk
print('ok' if bytes(got) == data else 'mismatch', len(got))`;
    const out = succeeded(await run('python3', ['-c', script]), 'python3 client');
    expect(out.trim()).toBe(`ok ${1 << 20}`);
    loop.close();
    await running;
    await serving;
    for (const c of conns) c.close();
    server.close();
  }, 60000);
});
