// Server (asyncio's base_events.Server) and BufferedProtocol: serving state, waitClosed after
// the last connection, await using, a factory that fails on accept, reads into the protocol's
// buffer, and a bad getBuffer — on every loop of ./loops.
import { BufferedProtocol, Protocol, type Transport } from '../../lib';
import { constants as osConstants } from 'node:os';
import { AF_INET, createConnection, socket, socketpair } from '../../lib/socket';
import { LOOPS, type AnyLoop } from './loops';

for (const [name, make, gate] of LOOPS) gate.describe(name, () => {
  let loop: AnyLoop;
  let running: Promise<void>;
  let handled: Array<Record<string, unknown>>;
  beforeEach(() => {
    loop = make();
    handled = [];
    loop.setExceptionHandler((_l, c) => handled.push(c));
    running = loop.run();
  });
  afterEach(async () => {
    loop.stop();
    await running;
    loop.close();
  });

  const tick = (ms = 20) => new Promise((r) => setTimeout(r, ms));

  test('isServing, sockets, close(), and waitClosed() resolving only after the last connection ended', async () => {
    const made: Transport[] = [];
    class Keep extends Protocol {
      override connectionMade(t: Transport): void {
        made.push(t);
      }
    }
    const server = await loop.createServer(() => new Keep(), '127.0.0.1', 0, { startServing: false });
    expect(server.isServing()).toBe(false);
    expect(server.getLoop()).toBe(loop);
    const port = (server.sockets[0].getsockname() as [string, number])[1];
    const early = socket(AF_INET); // bound, not yet listening (as asyncio): refused
    expect(early.connectEx(['127.0.0.1', port])).toBe(osConstants.errno.ECONNREFUSED);
    early.close();
    server.startServing();
    expect(server.isServing()).toBe(true);
    const client = createConnection(['127.0.0.1', port]);
    for (let i = 0; i < 100 && made.length === 0; i++) await tick(5);
    expect(made).toHaveLength(1);
    expect(made[0].getExtraInfo('peername')).toEqual(client.getsockname());
    const listener = server.sockets[0];
    server.close();
    expect(server.isServing()).toBe(false);
    expect(server.sockets).toEqual([]);
    expect(listener.closed).toBe(true);
    let closed = false;
    const waiting = server.waitClosed().then(() => (closed = true));
    await tick();
    expect(closed).toBe(false); // the accepted connection is still open
    made[0].close();
    await waiting;
    expect(closed).toBe(true);
    server.close(); // idempotent
    await server.waitClosed();
    client.close();
  });

  test('await using closes the server; a factory that throws on accept is reported and the connection closed', async () => {
    let port = 0;
    {
      await using server = await loop.createServer(() => {
        throw new RangeError('no protocol');
      }, 'localhost', 0);
      port = (server.sockets[0].getsockname() as [string, number])[1];
      const client = createConnection(['127.0.0.1', port]);
      for (let i = 0; i < 100 && handled.length === 0; i++) await tick(5);
      expect(client.recv(10).length).toBe(0); // closed by the server: end of stream
      client.close();
    }
    expect(handled).toEqual([expect.objectContaining({ message: 'Error on transport creation for incoming connection', exception: expect.any(RangeError) })]);
    expect(() => createConnection(['127.0.0.1', port])).toThrow(expect.objectContaining({ code: 'ECONNREFUSED' }));
  });

  test('BufferedProtocol: reads land in the buffer getBuffer gave, bufferUpdated gets the count', async () => {
    const [a, b] = socketpair();
    const chunks: string[] = [];
    const buf = Buffer.alloc(4);
    let ended!: () => void;
    const done = new Promise<void>((r) => (ended = r));
    class Into extends BufferedProtocol {
      hints: number[] = [];
      override getBuffer(sizeHint: number): Buffer {
        this.hints.push(sizeHint);
        return buf;
      }
      override bufferUpdated(n: number): void {
        chunks.push(buf.subarray(0, n).toString());
      }
      override connectionLost(): void {
        ended();
      }
    }
    const [, p] = await loop.connectAcceptedSocket(() => new Into(), a);
    b.sendall(Buffer.from('abcdefghij'));
    b.close();
    await done;
    expect(chunks.join('')).toBe('abcdefghij');
    expect(chunks.every((c) => c.length <= 4)).toBe(true);
    expect(new Set(p.hints)).toEqual(new Set([-1]));
  });

  test('BufferedProtocol: an empty buffer from getBuffer is a fatal error, reported; connectionLost gets it', async () => {
    const [a, b] = socketpair();
    let lostWith: unknown;
    const lost = new Promise<void>((resolve) => {
      class Empty extends BufferedProtocol {
        override getBuffer(): Buffer {
          return Buffer.alloc(0);
        }
        override connectionLost(err: Error | null): void {
          lostWith = err;
          resolve();
        }
      }
      void loop.connectAcceptedSocket(() => new Empty(), a);
    });
    b.sendall(Buffer.from('x'));
    await lost;
    expect(lostWith).toBeInstanceOf(RangeError);
    expect(handled).toEqual([expect.objectContaining({ message: 'Fatal error: protocol.getBuffer() call failed.', exception: lostWith })]);
    b.close();
  });

  test('a write after the connection was lost is dropped, and close() after abort() does nothing', async () => {
    const [a, b] = socketpair();
    let losses = 0;
    class Count extends Protocol {
      override connectionLost(): void {
        losses++;
      }
    }
    const [t] = await loop.connectAcceptedSocket(() => new Count(), a);
    t.abort();
    t.write(Buffer.from('late'));
    t.close();
    t.abort();
    expect(t.isClosing()).toBe(true);
    expect(t.isReading()).toBe(false);
    await tick();
    expect(losses).toBe(1);
    expect(a.closed).toBe(true);
    expect(b.recv(10).length).toBe(0);
    b.close();
  });

  test('a write after close() flushed the buffer and ended the connection is dropped, not sent to a reused fd', async () => {
    const [a, b] = socketpair();
    let lost!: () => void;
    const ended = new Promise<void>((r) => (lost = r));
    class Ends extends Protocol {
      override connectionLost(): void {
        lost();
      }
    }
    const [t] = await loop.connectAcceptedSocket(() => new Ends(), a);
    t.write(Buffer.alloc(4 << 20, 1)); // more than the socketpair holds: buffered
    t.close();
    const drained = (async () => {
      b.setblocking(false);
      let got = 0;
      for (;;) {
        try {
          const n = b.recv(1 << 20).length;
          if (n === 0) return got;
          got += n;
        } catch {
          await tick(1);
        }
      }
    })();
    await ended;
    const [c, d] = socketpair(); // likely reuses a's fd number
    t.write(Buffer.from('stray'));
    d.setblocking(false);
    expect(() => d.recv(10)).toThrow(expect.objectContaining({ code: 'EAGAIN' }));
    expect(await drained).toBe(4 << 20);
    c.close();
    d.close();
    b.close();
  });
});
