// What only the proactor's transports have (the shared behaviour runs in test/transports on every
// loop): dataReceived gets views of the provided buffers, valid during the call (a copy keeps;
// the memory stays mapped even after the loop closed, and a transfer cannot detach it);
// pauseReading cancels the multishot receive, so the peer is held back by TCP's own window and
// nothing arrives until resumeReading, then everything in order; more data at once than the
// buffer ring holds (the receives run out of buffers and are armed again) loses no byte.
import { Protocol, type Transport } from '../../lib';
import { ProactorEventLoop } from '../../lib/proactor';
import { collectUntil } from '../helpers/gc';
import { closeAfterEach } from '../helpers/tracked';
import { whenUring } from '../helpers/platform';

const { pair, track } = closeAfterEach();
const tick = (ms = 10) => new Promise((r) => setTimeout(r, ms));

function pattern(n: number, seed: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed * 7) % 253;
  return b;
}

async function until(cond: () => boolean, ms = 10000): Promise<void> {
  for (const t0 = Date.now(); !cond(); await tick(2)) if (Date.now() - t0 > ms) throw new Error('timed out');
}

// Sends all of `data` from a non-blocking socket as the peer can take it.
async function sendAll(sock: ReturnType<typeof pair>[0], data: Buffer): Promise<void> {
  for (let off = 0; off < data.length;) {
    try {
      off += sock.send(data.subarray(off));
    } catch (err) {
      if ((err as { code?: string }).code !== 'EAGAIN') throw err;
      await tick(1);
    }
  }
}

whenUring.describe('ProactorSocketTransport', () => {
  let loop: ProactorEventLoop;
  let running: Promise<void>;
  let handled: unknown[];
  beforeEach(() => {
    loop = new ProactorEventLoop();
    handled = [];
    loop.setExceptionHandler((_l, c) => handled.push(c));
    running = loop.run();
  });
  afterEach(async () => {
    loop.stop();
    await running;
    loop.close();
  });

  test('dataReceived gets views of one set of provided buffers, valid during the call, never detached by a transfer; copies keep', async () => {
    const [a, b] = pair();
    const views: Buffer[] = [];
    const copies: Buffer[] = [];
    class Keep extends Protocol {
      override dataReceived(d: Buffer): void {
        views.push(d);
        copies.push(Buffer.from(d));
        // A transfer cannot take the buffers away from the kernel: Node 20 copies the memory,
        // Node 22 and later refuse to transfer it (DataCloneError); neither detaches it.
        const buffer = d.buffer as ArrayBuffer;
        let moved: ArrayBuffer | undefined;
        try {
          moved = structuredClone(buffer, { transfer: [buffer] });
        } catch (err) {
          expect((err as Error).name).toBe('DataCloneError');
        }
        if (moved !== undefined) expect(moved.byteLength).toBe(buffer.byteLength);
        expect(buffer.byteLength).toBeGreaterThan(0);
        expect(d.length).toBeGreaterThan(0);
      }
    }
    await loop.connectAcceptedSocket(() => new Keep(), a);
    const sent: Buffer[] = [];
    for (let i = 0; i < 20; i++) {
      const msg = pattern(100 + i, i);
      sent.push(msg);
      b.send(msg);
      await until(() => copies.length === i + 1);
    }
    expect(Buffer.concat(copies)).toEqual(Buffer.concat(sent));
    expect(new Set(views.map((v) => v.buffer)).size).toBe(1); // the loop's provided buffers
    expect(handled).toEqual([]);
  });

  test('without a buffer ring (IOMUX_URING_NO_BUFFER_RING=1, as before Linux 5.19) each read is a Buffer of its own', async () => {
    loop.stop();
    await running;
    loop.close();
    process.env.IOMUX_URING_NO_BUFFER_RING = '1';
    try {
      loop = new ProactorEventLoop();
      running = loop.run();
      const [a, b] = pair();
      const got: Buffer[] = [];
      await loop.connectAcceptedSocket(() => ({ dataReceived: (d: Buffer) => got.push(d) }), a);
      for (let i = 0; i < 3; i++) {
        b.send(pattern(50, i));
        await until(() => got.length === i + 1);
      }
      // Kept and still intact after later reads: copies, not views of a receive buffer.
      expect(got.map((d, i) => d.equals(pattern(50, i)))).toEqual([true, true, true]);
    } finally {
      delete process.env.IOMUX_URING_NO_BUFFER_RING;
    }
  });

  test('a view kept after the call stays readable memory, even after the loop closed and a GC', async () => {
    const [a, b] = pair();
    let kept: Buffer | undefined;
    class Keep extends Protocol {
      override dataReceived(d: Buffer): void {
        kept = d;
      }
    }
    await loop.connectAcceptedSocket(() => new Keep(), a);
    b.send(Buffer.from('hello'));
    await until(() => kept !== undefined);
    loop.stop();
    await running;
    loop.close();
    await collectUntil(() => false, 3);
    expect(kept!.length).toBe(5); // its contents are not promised: the buffer may have been reused
    expect(kept!.toString('latin1')).toHaveLength(5);
    running = Promise.resolve();
  });

  test('pauseReading: nothing arrives and the peer is held back by TCP; resumeReading delivers every byte in order', async () => {
    const [a, b] = pair();
    const got: Buffer[] = [];
    let t!: Transport;
    class Collect extends Protocol {
      override connectionMade(tr: Transport): void {
        t = tr;
      }
      override dataReceived(d: Buffer): void {
        got.push(Buffer.from(d));
      }
    }
    await loop.connectAcceptedSocket(() => new Collect(), a);
    t.pauseReading();
    expect(t.isReading()).toBe(false);
    const data = pattern(8 << 20, 3);
    let off = 0;
    for (;;) {
      try {
        off += b.send(data.subarray(off));
      } catch (err) {
        if ((err as { code?: string }).code === 'EAGAIN') break;
        throw err;
      }
      await tick(1);
    }
    await tick(50);
    const whilePaused = got.reduce((n, c) => n + c.length, 0);
    expect(off).toBeLessThan(data.length); // the peer could not send it all: the loop is not reading
    t.resumeReading();
    await sendAll(b, data.subarray(off));
    await until(() => got.reduce((n, c) => n + c.length, 0) === data.length);
    expect(Buffer.concat(got).equals(data)).toBe(true);
    // What the cancelled receive had already taken is held and delivered after resumeReading.
    expect(whilePaused).toBe(0);
    expect(handled).toEqual([]);
  });

  test('BufferedProtocol: pauseReading cancels the receive into its buffer; what landed meanwhile is reported after resumeReading, in order', async () => {
    const [a, b] = pair();
    const buf = Buffer.alloc(1000);
    const got: Buffer[] = [];
    let t!: Transport;
    let pausedCalls = 0;
    class Into {
      connectionMade(tr: Transport): void {
        t = tr;
      }
      getBuffer(): Buffer {
        return buf;
      }
      bufferUpdated(n: number): void {
        if (!t.isReading()) pausedCalls++;
        got.push(Buffer.from(buf.subarray(0, n)));
        if (got.length === 1) t.pauseReading();
      }
    }
    await loop.connectAcceptedSocket(() => new Into(), a);
    const data = pattern(50000, 9);
    b.send(data.subarray(0, 100));
    await until(() => got.length === 1);
    expect(t.isReading()).toBe(false);
    const rest = sendAll(b, data.subarray(100));
    await tick(50);
    expect(got).toHaveLength(1); // nothing while paused
    t.resumeReading();
    await rest;
    await until(() => got.reduce((n, c) => n + c.length, 0) === data.length);
    expect(Buffer.concat(got).equals(data)).toBe(true);
    expect(pausedCalls).toBe(0);
    expect(handled).toEqual([]);
  });

  test('more data at once than the provided buffers hold: no byte lost, each connection in order', async () => {
    const N = 200;
    const SIZE = 96 * 1024; // 200 × 96 KiB = 19 MiB, more than the 8 MiB of provided buffers
    const got = new Map<number, Buffer[]>();
    const peers: Array<ReturnType<typeof pair>[1]> = [];
    for (let i = 0; i < N; i++) {
      const [a, b] = pair();
      peers.push(b);
      const chunks: Buffer[] = [];
      got.set(i, chunks);
      await loop.connectAcceptedSocket(() => ({ dataReceived: (d: Buffer) => chunks.push(Buffer.from(d)) }), a);
    }
    const sizes = (): number => [...got.values()].reduce((n, c) => n + c.reduce((m, x) => m + x.length, 0), 0);
    await Promise.all(peers.map((b, i) => sendAll(b, pattern(SIZE, i))));
    await until(() => sizes() === N * SIZE, 30000);
    for (let i = 0; i < N; i++) expect(Buffer.concat(got.get(i)!).equals(pattern(SIZE, i))).toBe(true);
    expect(handled).toEqual([]);
  }, 60000);

  test('createServer and createConnection on the proactor: a round trip, then both ends see a clean close', async () => {
    const lost: Array<Error | null> = [];
    class Echo extends Protocol {
      t!: Transport;
      override connectionMade(t: Transport): void {
        this.t = t;
      }
      override dataReceived(d: Buffer): void {
        this.t.write(d);
      }
      override connectionLost(err: Error | null): void {
        lost.push(err);
      }
    }
    const server = await loop.createServer(() => new Echo(), '127.0.0.1', 0);
    const port = (server.sockets[0].getsockname() as [string, number])[1];
    let reply = '';
    const [t] = await loop.createConnection(() => ({
      dataReceived: (d: Buffer) => (reply += d.toString()),
      connectionLost: (err: Error | null) => lost.push(err),
    }), '127.0.0.1', port);
    track({ close: () => t.abort() });
    t.write(Buffer.from('ping'));
    await until(() => reply === 'ping');
    t.close();
    await until(() => lost.length === 2);
    expect(lost).toEqual([null, null]);
    server.close();
    await server.waitClosed();
    expect(handled).toEqual([]);
  });
});
