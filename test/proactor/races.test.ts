// ProactorEventLoop under races: an abort racing the data (no byte lost, many times), close()
// with operations in flight (ERR_CLOSED, no fd left open, an accepted connection never
// harvested closed), a socket closed with operations pending while a new socket takes its fd
// number (no cross-talk, whether the operation had reached the kernel or not).
import { ProactorEventLoop } from '../../lib/proactor';
import { createServer, socket, socketpair, AF_INET, SOCK_DGRAM, type Socket } from '../../lib/socket';
import { expectNoFdLeaks } from '../helpers/fds';
import { whenUring } from '../helpers/platform';
import { closeAfterEach } from '../helpers/tracked';

const { track, pair } = closeAfterEach();
const turn = (): Promise<void> => new Promise((r) => setImmediate(r));
async function outcome<T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; code?: string; name?: string }> {
  try {
    return { ok: true, value: await p };
  } catch (err) {
    const e = err as { code?: string; name?: string };
    return { ok: false, code: e.code, name: e.name };
  }
}

expectNoFdLeaks();

whenUring.describe('ProactorEventLoop races', () => {
  test('abort racing data, 600 times at varying moments: a recv either rejects AbortError (cancel won) or resolves with the bytes; every byte arrives once, in order', async () => {
    const loop = track(new ProactorEventLoop());
    const running = loop.run();
    const [a, b] = pair();
    const sent: Buffer[] = [];
    const got: Buffer[] = [];
    let aborted = 0;
    let resolved = 0;
    for (let i = 0; i < 600; i++) {
      const ac = new AbortController();
      const p = outcome(loop.sockRecv(a, 7, { signal: ac.signal }));
      const chunk = Buffer.from(`<${i}:${'x'.repeat(i % 5)}>`);
      sent.push(chunk);
      const moment = i % 4;
      if (moment === 0) {
        b.send(chunk);
        ac.abort();
      } else if (moment === 1) {
        await turn(); // the recv waits in the kernel
        ac.abort();
        if (i % 8 === 1) await turn(); // the cancel has surely won; the bytes wait for the next recv
        b.send(chunk);
      } else if (moment === 2) {
        await turn(); // the recv is in the kernel
        b.send(chunk);
        ac.abort();
      } else {
        b.send(chunk);
        await turn(); // the data has probably completed the recv already
        ac.abort();
      }
      const r = await p;
      if (r.ok) {
        resolved++;
        got.push(r.value);
      } else {
        expect(r.name).toBe('AbortError');
        aborted++;
      }
    }
    b.shutdown(1);
    for (;;) {
      const rest = await loop.sockRecv(a, 4096);
      if (rest.length === 0) break;
      got.push(rest);
    }
    expect(Buffer.concat(got).toString()).toBe(Buffer.concat(sent).toString());
    expect(aborted).toBeGreaterThan(0);
    expect(resolved).toBeGreaterThan(0);
    loop.stop();
    await running;
  }, 60000);

  test('abort racing accept: a connection is either returned or left for the next sockAccept, never lost', async () => {
    const loop = track(new ProactorEventLoop());
    const running = loop.run();
    const server = track(createServer(['127.0.0.1', 0]));
    server.setblocking(false);
    const address = server.getsockname();
    let accepted = 0;
    const n = 60;
    for (let i = 0; i < n; i++) {
      const ac = new AbortController();
      const p = outcome(loop.sockAccept(server, { signal: ac.signal }));
      const c = track(socket(AF_INET));
      c.connect(address);
      if (i % 2) await turn();
      ac.abort();
      const r = await p;
      if (r.ok) {
        track(r.value[0]);
        accepted++;
      }
    }
    while (accepted < n) {
      track((await loop.sockAccept(server))[0]);
      accepted++;
    }
    expect(accepted).toBe(n);
    loop.stop();
    await running;
  }, 60000);

  test('close() with operations in flight (recv, accept, sendall, reader): each rejects ERR_CLOSED; an accepted connection never harvested is closed; no fd stays open', async () => {
    const loop = new ProactorEventLoop();
    const running = loop.run();
    const [a, b] = pair();
    const server = track(createServer(['127.0.0.1', 0]));
    server.setblocking(false);
    const pending = [
      outcome(loop.sockRecv(a, 10)),
      outcome(loop.sockRecvInto(b, Buffer.alloc(4))),
      outcome(loop.sockAccept(server)),
      outcome(loop.sockSendall(a, Buffer.alloc(16 << 20))),
    ];
    loop.addReader(b, () => {});
    await turn();
    const c = track(socket(AF_INET));
    c.connect(server.getsockname()); // completes the accept in the kernel; nobody harvests it
    await new Promise((r) => setTimeout(r, 20));
    loop.close();
    await running;
    const results = await Promise.all(pending);
    expect(results.filter((r) => !r.ok).map((r) => (r as { code?: string }).code)).toEqual(expect.arrayContaining(['ERR_CLOSED']));
    for (const r of results) if (r.ok && Array.isArray(r.value)) track(r.value[0] as Socket);
    expect(results[0]).toMatchObject({ ok: false, code: 'ERR_CLOSED' });
    expect(results[3]).toMatchObject({ ok: false, code: 'ERR_CLOSED' });
  });

  test('a socket closed with a recv in the kernel, then the loop closed before that cancel is harvested: the recv still rejects ERR_CLOSED', async () => {
    const loop = new ProactorEventLoop();
    const running = loop.run();
    const [a] = pair();
    const recv = outcome(loop.sockRecv(a, 10));
    await new Promise((r) => setTimeout(r, 20)); // in the kernel
    a.close();
    loop.close();
    await running;
    expect(await recv).toMatchObject({ ok: false, code: 'ERR_CLOSED' });
  });

  test('a listening socket closed while the kernel completes its accept: sockAccept rejects ERR_CLOSED and the connection is closed (the client reads EOF, no fd left)', async () => {
    const loop = track(new ProactorEventLoop());
    const running = loop.run();
    for (let i = 0; i < 10; i++) {
      const server = createServer(['127.0.0.1', 0]); // blocking: the accept goes to the ring
      const accepted = outcome(loop.sockAccept(server));
      await new Promise((r) => setTimeout(r, 5));
      const c = track(socket(AF_INET));
      c.connect(server.getsockname()); // the kernel completes the accept; not yet harvested
      server.close();
      expect(await accepted).toMatchObject({ ok: false, code: 'ERR_CLOSED' });
      c.settimeout(2);
      expect(c.recv(1).length).toBe(0);
    }
    loop.stop();
    await running;
  });

  test('loop.close() from a callback, with an accept completed in the same harvest: the connection is closed (the client reads EOF, no fd left)', async () => {
    const loop = new ProactorEventLoop();
    const running = loop.run();
    const listener = track(createServer(['127.0.0.1', 0]));
    // A transport's dataReceived runs inside the harvest (a promise's continuation would not).
    const [transport] = await loop.createConnection(() => ({ dataReceived: () => loop.close() }), '127.0.0.1', (listener.getsockname() as [string, number])[1]);
    const [peer] = listener.accept();
    track(peer);
    const server = track(createServer(['127.0.0.1', 0])); // blocking: the accept goes to the ring
    const accepted = outcome(loop.sockAccept(server));
    await new Promise((r) => setTimeout(r, 20));
    const c = track(socket(AF_INET));
    peer.send(Buffer.from('x')); // completes the transport's receive: its callback closes the loop
    c.connect(server.getsockname()); // completes the accept: in the same harvest
    await running;
    expect(await accepted).toMatchObject({ ok: false, code: 'ERR_CLOSED' });
    c.settimeout(2);
    expect(c.recv(1).length).toBe(0);
    track(transport.getExtraInfo('socket') as Socket);
  });

  test('sockRecvfrom on a blocking socket another loop also waits on: one gets the datagram, the other waits without blocking the thread', async () => {
    const loops = [track(new ProactorEventLoop()), track(new ProactorEventLoop())];
    const runs = loops.map((l) => l.run());
    const u = track(socket(AF_INET, SOCK_DGRAM)); // blocking
    u.bind(['127.0.0.1', 0]);
    const got = loops.map((l) => outcome(l.sockRecvfrom(u, 100)));
    await new Promise((r) => setTimeout(r, 20));
    const s = track(socket(AF_INET, SOCK_DGRAM));
    s.bind(['127.0.0.1', 0]);
    s.sendto(Buffer.from('one'), u.getsockname());
    const first = await Promise.race(got);
    expect(first).toMatchObject({ ok: true, value: [Buffer.from('one'), s.getsockname()] });
    // The thread is not stuck in recvfrom(2): timers run, and the other loop takes the next datagram.
    await new Promise((r) => setTimeout(r, 20));
    s.sendto(Buffer.from('two'), u.getsockname());
    const both = await Promise.all(got);
    expect(both.map((r) => (r.ok ? r.value[0].toString() : r.code)).sort()).toEqual(['one', 'two']);
    for (const l of loops) l.stop();
    await Promise.all(runs);
  });

  for (const when of ['after the operation reached the kernel', 'in the same turn (not yet submitted)'] as const) {
    test(`a socket closed with a recv pending ${when}: the recv rejects ERR_CLOSED, the peer sees EOF, and a new socket with the same fd number gets only its own bytes`, async () => {
      const loop = track(new ProactorEventLoop());
      const running = loop.run();
      const [a, b] = pair();
      const fd = a.fileno();
      const old = outcome(loop.sockRecv(a, 100));
      if (when === 'after the operation reached the kernel') await turn();
      a.close();
      const [c, d] = socketpair(); // takes the lowest free number: a's
      track(c);
      track(d);
      c.setblocking(false);
      const reused = c.fileno() === fd || d.fileno() === fd;
      expect(reused).toBe(true);
      const [mine, peer] = c.fileno() === fd ? [c, d] : [d, c];
      peer.send(Buffer.from('for the new socket'));
      expect(await old).toMatchObject({ ok: false, code: 'ERR_CLOSED' });
      expect((await loop.sockRecv(mine, 100)).toString()).toBe('for the new socket');
      // The old file was let go of: its peer reads end of stream.
      b.setblocking(true);
      expect(b.recv(10).length).toBe(0);
      loop.stop();
      await running;
    });
  }
});
