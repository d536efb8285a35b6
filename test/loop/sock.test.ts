// The sock* operations (asyncio's sock_recv, sock_sendall, …) on real sockets, on EventLoop (tried
// at once, else completed on readiness) and on ProactorEventLoop (each one an io_uring operation):
// a python3 peer over TCP; concurrency on one socket; abort without losing a byte; close()
// rejecting what is pending; bad input for every argument. Where the proactor differs on purpose
// (a blocking socket is accepted, as in asyncio's proactor) each loop has its own test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EventLoop } from '../../lib/loop';
import { ProactorEventLoop } from '../../lib/proactor';
import { AF_INET, AF_UNIX, SOCK_DGRAM, createServer, socket, socketpair, type Socket } from '../../lib/socket';
import { NOT_BUFFERS, NOT_NUMBERS, rejection } from '../helpers/bad-input';
import { killAll, run, succeeded, type ChildResult } from '../helpers/child';
import { everywhere, whenCommand, whenUring, type Gate } from '../helpers/platform';
import { closeAfterEach } from '../helpers/tracked';

afterEach(killAll);

const { track, nonblocking, pair } = closeAfterEach();
/** A running loop; `done()` stops it and waits for run() to settle. */
type Loop = typeof EventLoop | typeof ProactorEventLoop;
function running(Loop: Loop): { loop: EventLoop | ProactorEventLoop; done: () => Promise<void> } {
  const loop = track(new Loop());
  const p = loop.run();
  return {
    loop,
    done: async () => {
      loop.stop();
      await p;
    },
  };
}
const pattern = (n: number): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => (i * 7 + 3) % 251));

// Each loop, its gate, and how it checks the python3 peer's exit (each as its file had it).
const LOOPS: Array<[Loop, Gate, (peer: ChildResult, n: number) => void]> = [
  [
    EventLoop,
    everywhere,
    (peer, n) => expect({ out: peer.stdout.trim(), stderr: peer.stderr }).toEqual({ out: `ok ${n}`, stderr: '' }),
  ],
  [ProactorEventLoop, whenUring, (peer, n) => expect(succeeded(peer, 'python3 peer').trim()).toBe(`ok ${n}`)],
];

const calls: Array<[string, (loop: EventLoop | ProactorEventLoop, sock: Socket) => Promise<unknown>]> = [
  ['sockRecv', (l, s) => l.sockRecv(s, 1)],
  ['sockRecvInto', (l, s) => l.sockRecvInto(s, Buffer.alloc(1))],
  ['sockRecvfrom', (l, s) => l.sockRecvfrom(s, 1)],
  ['sockSendall', (l, s) => l.sockSendall(s, Buffer.alloc(1))],
  ['sockSendto', (l, s) => l.sockSendto(s, Buffer.alloc(1), '/nonexistent')],
  ['sockAccept', (l, s) => l.sockAccept(s)],
  ['sockConnect', (l, s) => l.sockConnect(s, '/nonexistent')],
];

for (const [Loop, gate, peerSucceeded] of LOOPS) {
  gate.describe(`${Loop.name} sock* operations`, () => {
    whenCommand('python3').test('TCP with a python3 peer: sockAccept, sockRecv until 1 MiB, sockSendall back', async () => {
      const { loop, done } = running(Loop);
      const server = nonblocking(createServer(['127.0.0.1', 0]));
      const port = (server.getsockname() as [string, number])[1];
      const n = 1 << 20;
      const exited = run('python3', [path.join(__dirname, 'sock-peer.py'), String(port), String(n)]);
      const [conn, address] = await loop.sockAccept(server);
      track(conn);
      expect(conn.getBlocking()).toBe(false);
      expect(address).toEqual(['127.0.0.1', expect.any(Number)]);
      const chunks: Buffer[] = [];
      let got = 0;
      while (got < n) {
        const chunk = await loop.sockRecv(conn, 65536);
        expect(chunk.length).toBeGreaterThan(0);
        chunks.push(chunk);
        got += chunk.length;
      }
      const all = Buffer.concat(chunks);
      expect(all.equals(pattern(n))).toBe(true);
      await loop.sockSendall(conn, all);
      peerSucceeded(await exited, n);
      await done();
    }, 60000);

    test('sockConnect: to a listener resolves; to a closed port rejects ECONNREFUSED; an AF_UNIX path', async () => {
      const { loop, done } = running(Loop);
      const server = track(createServer(['127.0.0.1', 0]));
      const port = (server.getsockname() as [string, number])[1];
      const c = nonblocking(socket(AF_INET));
      await loop.sockConnect(c, ['127.0.0.1', port]);
      expect((c.getpeername() as [string, number])[1]).toBe(port);
      server.close();
      const refused = nonblocking(socket(AF_INET));
      expect(await rejection(loop.sockConnect(refused, ['127.0.0.1', port]))).toMatchObject({
        code: 'ECONNREFUSED',
        syscall: 'connect',
        address: '127.0.0.1',
        port,
        message: `ECONNREFUSED: connection refused, connect 127.0.0.1:${port}`,
      });
      const dir = mkdtempSync(path.join(tmpdir(), 'iomux-loop-'));
      try {
        const unixServer = track(createServer(path.join(dir, 's')));
        const u = nonblocking(socket(AF_UNIX));
        await loop.sockConnect(u, path.join(dir, 's'));
        unixServer.setBlocking(false);
        const [peer] = await loop.sockAccept(unixServer);
        track(peer);
        await loop.sockSendall(u, Buffer.from('hi'));
        expect((await loop.sockRecv(peer, 10)).toString()).toBe('hi');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      await done();
    });

    test('sockRecv / sockRecvInto: at once when data is there, else on readiness; empty at end of stream', async () => {
      const { loop, done } = running(Loop);
      const [a, b] = pair();
      b.send(Buffer.from('now'));
      expect((await loop.sockRecv(a, 10)).toString()).toBe('now');
      const later = loop.sockRecv(a, 10);
      setTimeout(() => b.send(Buffer.from('later')), 20);
      expect((await later).toString()).toBe('later');
      const buf = Buffer.alloc(8);
      const into = loop.sockRecvInto(a, buf);
      b.send(Buffer.from('into'));
      expect(await into).toBe(4);
      expect(buf.subarray(0, 4).toString()).toBe('into');
      b.shutdown(1);
      expect((await loop.sockRecv(a, 10)).length).toBe(0);
      expect(await loop.sockRecvInto(a, buf)).toBe(0);
      await done();
    });

    test('sockRecv(sock, 0) and a sockRecvInto of no bytes resolve at once and consume nothing (a waiting datagram stays), as CPython', async () => {
      const { loop, done } = running(Loop);
      const [a] = pair();
      expect((await loop.sockRecv(a, 0)).length).toBe(0); // nothing to read: no wait
      expect(await loop.sockRecvInto(a, Buffer.alloc(0))).toBe(0);
      const r = nonblocking(socket(AF_INET, SOCK_DGRAM));
      r.bind(['127.0.0.1', 0]);
      const s = nonblocking(socket(AF_INET, SOCK_DGRAM));
      s.sendto(Buffer.from('datagram'), r.getsockname());
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect((await loop.sockRecv(r, 0)).length).toBe(0);
      expect((await loop.sockRecv(r, 100)).toString()).toBe('datagram');
      await done();
    });

    test('one socket: a pending sockRecv and a sockSendall run together; two sockRecvs complete in the order asked', async () => {
      const { loop, done } = running(Loop);
      const [a, b] = pair();
      const first = loop.sockRecv(a, 3);
      const second = loop.sockRecv(a, 3);
      const big = pattern(4 << 20); // more than the socket buffers: sendall has to wait for writability
      const sending = loop.sockSendall(a, big);
      const received: Buffer[] = [];
      let total = 0;
      const draining = (async () => {
        while (total < big.length) {
          const chunk = await loop.sockRecv(b, 1 << 16);
          received.push(chunk);
          total += chunk.length;
        }
      })();
      b.send(Buffer.from('onetwo'));
      expect([(await first).toString(), (await second).toString()]).toEqual(['one', 'two']);
      await sending;
      await draining;
      expect(Buffer.concat(received).equals(big)).toBe(true);
      await done();
    }, 30000);

    test('abort: a pending sockRecv rejects AbortError and consumes nothing; the next sockRecv gets every byte', async () => {
      const { loop, done } = running(Loop);
      const [a, b] = pair();
      const ac = new AbortController();
      const p = loop.sockRecv(a, 10, { signal: ac.signal });
      ac.abort(new Error('why'));
      expect(await rejection(p)).toMatchObject({ name: 'AbortError', code: 'ABORT_ERR' });
      b.send(Buffer.from('kept'));
      await new Promise((r) => setTimeout(r, 20)); // the loop iterates with the fd readable
      expect((await loop.sockRecv(a, 10)).toString()).toBe('kept');
      // An already aborted signal rejects at once and does nothing.
      b.send(Buffer.from('x'));
      expect(await rejection(loop.sockRecv(a, 10, { signal: AbortSignal.abort() }))).toMatchObject({ name: 'AbortError' });
      expect((await loop.sockRecv(a, 10)).toString()).toBe('x');
      await done();
    });

    test('abort: a sockSendall aborted midway stops sending (what was sent stays sent, as in asyncio)', async () => {
      const { loop, done } = running(Loop);
      const [a, b] = pair();
      const big = pattern(8 << 20);
      const ac = new AbortController();
      const p = loop.sockSendall(a, big, { signal: ac.signal });
      ac.abort();
      expect(await rejection(p)).toMatchObject({ name: 'AbortError' });
      await new Promise((r) => setTimeout(r, 30));
      let got = 0;
      for (let chunk = b.tryRecvInto(Buffer.alloc(1 << 20)); chunk !== null && chunk > 0; chunk = b.tryRecvInto(Buffer.alloc(1 << 20))) got += chunk;
      expect(got).toBeGreaterThan(0); // the first send happened at once
      expect(got).toBeLessThan(big.length);
      await new Promise((r) => setTimeout(r, 30));
      expect(b.tryRecvInto(Buffer.alloc(16))).toBeNull(); // nothing more after the abort
      await done();
    });

    test('close() rejects every pending operation with ERR_CLOSED and leaves no reader behind', async () => {
      const loop = track(new Loop());
      const [a, b] = pair();
      const server = nonblocking(createServer(['127.0.0.1', 0]));
      const pending = [loop.sockRecv(a, 1), loop.sockRecvInto(b, Buffer.alloc(1)), loop.sockAccept(server), loop.sockSendall(a, pattern(8 << 20))];
      loop.close();
      for (const p of pending) expect(await rejection(p)).toMatchObject({ code: 'ERR_CLOSED' });
      expect(await rejection(loop.sockRecv(a, 1))).toMatchObject({ code: 'ERR_CLOSED' });
    });

    test('UDP: sockRecvfrom waits for a datagram; sockSendto sends one', async () => {
      const { loop, done } = running(Loop);
      const r = nonblocking(socket(AF_INET, SOCK_DGRAM));
      r.bind(['127.0.0.1', 0]);
      const s = nonblocking(socket(AF_INET, SOCK_DGRAM));
      s.bind(['127.0.0.1', 0]);
      const pending = loop.sockRecvfrom(r, 100);
      expect(await loop.sockSendto(s, Buffer.from('dgram'), r.getsockname())).toBe(5);
      const [data, from] = await pending;
      expect(data.toString()).toBe('dgram');
      expect(from).toEqual(s.getsockname());
      await done();
    });
  });

  gate.describe(`${Loop.name} sock* bad input`, () => {
    test('n, buf, data, address and options: each bad value rejects with its code and starts nothing', async () => {
      const loop = track(new Loop());
      const [a] = pair();
      const u = nonblocking(socket(AF_INET, SOCK_DGRAM));
      for (const bad of NOT_NUMBERS) {
        expect((await rejection(loop.sockRecv(a, bad as never))).code).toBe('ERR_INVALID_ARG_TYPE');
        expect((await rejection(loop.sockRecvfrom(a, bad as never))).code).toBe('ERR_INVALID_ARG_TYPE');
      }
      for (const bad of [-1, 1.5, NaN, Infinity, 2 ** 31]) {
        expect((await rejection(loop.sockRecv(a, bad))).code).toBe('ERR_OUT_OF_RANGE');
        expect((await rejection(loop.sockRecvfrom(a, bad))).code).toBe('ERR_OUT_OF_RANGE');
      }
      for (const bad of NOT_BUFFERS) {
        expect((await rejection(loop.sockRecvInto(a, bad as never))).code).toBe('ERR_INVALID_ARG_TYPE');
        expect((await rejection(loop.sockSendall(a, bad as never))).code).toBe('ERR_INVALID_ARG_TYPE');
        expect((await rejection(loop.sockSendto(u, bad as never, ['127.0.0.1', 9]))).code).toBe('ERR_INVALID_ARG_TYPE');
      }
      for (const [bad, code] of [[undefined, 'ERR_INVALID_ARG_TYPE'], ['127.0.0.1', 'ERR_INVALID_ARG_TYPE'], [['a\0b', 80], 'ERR_INVALID_ARG_VALUE'], [['a..b', 80], 'ERR_INVALID_ARG_VALUE'], [[' 127.0.0.1', 80], 'EAI_NONAME'], [['127.0.0.1', 70000], 'ERR_OUT_OF_RANGE']] as const) {
        expect((await rejection(loop.sockSendto(u, Buffer.alloc(1), bad as never))).code).toBe(code);
        expect((await rejection(loop.sockConnect(nonblocking(socket(AF_INET)), bad as never))).code).toBe(code);
      }
      for (const [name, call] of [
        ['sockRecv', (o: unknown) => loop.sockRecv(a, 1, o as never)],
        ['sockRecvInto', (o: unknown) => loop.sockRecvInto(a, Buffer.alloc(1), o as never)],
        ['sockRecvfrom', (o: unknown) => loop.sockRecvfrom(a, 1, o as never)],
        ['sockSendall', (o: unknown) => loop.sockSendall(a, Buffer.alloc(1), o as never)],
        ['sockSendto', (o: unknown) => loop.sockSendto(u, Buffer.alloc(1), ['127.0.0.1', 9], o as never)],
        ['sockAccept', (o: unknown) => loop.sockAccept(a, o as never)],
        ['sockConnect', (o: unknown) => loop.sockConnect(nonblocking(socket(AF_INET)), ['127.0.0.1', 9], o as never)],
      ] as const) {
        for (const bad of [null, 3, 'o', () => 0]) expect([name, (await rejection(call(bad))).code]).toEqual([name, 'ERR_INVALID_ARG_TYPE']);
        for (const bad of [{ signal: 3 }, { signal: {} }, { signal: null }]) expect([name, (await rejection(call(bad))).code]).toEqual([name, 'ERR_INVALID_ARG_TYPE']);
        expect([name, (await rejection(call({ signal: AbortSignal.abort() }))).name]).toEqual([name, 'AbortError']);
      }
      expect(loop.removeReader(a)).toBe(false); // nothing was left registered
      expect(loop.removeWriter(a)).toBe(false);
    });
  });
}

// Not an iomux Socket → ERR_INVALID_ARG_TYPE; a closed one → ERR_CLOSED.
async function expectRefusesBadSockets(name: string, call: (sock: never) => Promise<unknown>, closed: Socket): Promise<void> {
  for (const bad of [undefined, null, 3, 'sock', {}, { fileno: () => 3 }, [], () => 3]) {
    expect([name, (await rejection(call(bad as never))).code]).toEqual([name, 'ERR_INVALID_ARG_TYPE']);
  }
  expect([name, (await rejection(call(closed as never))).code]).toEqual([name, 'ERR_CLOSED']);
}

describe('EventLoop sock* with addReader/addWriter in between', () => {
  test('a reader that replaced a pending sockRecv\'s is removed; the next sockRecv gives the socket back to the queue: both complete, in order', async () => {
    const { loop, done } = running(EventLoop);
    const [a, b] = pair();
    const first = loop.sockRecv(a, 3);
    loop.addReader(a, () => {});
    loop.removeReader(a);
    const second = loop.sockRecv(a, 3);
    b.send(Buffer.from('abcdef'));
    expect([(await first).toString(), (await second).toString()]).toEqual(['abc', 'def']);
    await done();
  });

  test('the same for a writer: a sockSendall waiting for room, a writer added and removed, then another sockSendall: the peer gets both', async () => {
    const { loop, done } = running(EventLoop);
    const [a, b] = pair();
    const big = pattern(4 << 20);
    const first = loop.sockSendall(a, big);
    loop.addWriter(a, () => {});
    loop.removeWriter(a);
    const second = loop.sockSendall(a, Buffer.from('tail'));
    const chunks: Buffer[] = [];
    let total = 0;
    while (total < big.length + 4) {
      const chunk = await loop.sockRecv(b, 1 << 16);
      chunks.push(chunk);
      total += chunk.length;
    }
    await Promise.all([first, second]);
    expect(Buffer.concat(chunks).equals(Buffer.concat([big, Buffer.from('tail')]))).toBe(true);
    await done();
  });
});

describe('EventLoop sock* bad input', () => {
  test('sock: not an iomux Socket → ERR_INVALID_ARG_TYPE; closed → ERR_CLOSED; blocking → ERR_INVALID_ARG_VALUE (every method)', async () => {
    const loop = track(new EventLoop());
    const [blocking] = socketpair();
    track(blocking);
    const [closed] = socketpair();
    closed.close();
    for (const [name, call] of calls) {
      await expectRefusesBadSockets(name, (sock) => call(loop, sock), closed);
      expect([name, (await rejection(call(loop, blocking))).code]).toEqual([name, 'ERR_INVALID_ARG_VALUE']);
    }
  });
});

whenUring.describe('ProactorEventLoop sock* bad input', () => {
  test('sock: not an iomux Socket → ERR_INVALID_ARG_TYPE; closed → ERR_CLOSED (every method); a blocking socket is accepted (as in asyncio proactor)', async () => {
    const loop = track(new ProactorEventLoop());
    const [closed] = socketpair();
    closed.close();
    for (const [name, call] of calls) await expectRefusesBadSockets(name, (sock) => call(loop, sock), closed);
  });
});

whenUring.describe('ProactorEventLoop sock* operations', () => {
  test('a blocking socket works too: the kernel does the waiting, the thread never blocks', async () => {
    const { loop, done } = running(ProactorEventLoop);
    const [a, b] = socketpair();
    track(a);
    track(b);
    const p = loop.sockRecv(a, 10);
    await new Promise((r) => setTimeout(r, 20)); // the recv waits in the kernel, Node runs on
    b.send(Buffer.from('blocking'));
    expect((await p).toString()).toBe('blocking');
    await done();
  });
});
