// Reading on every loop of ./loops, where a completion loop's receive in flight could get ahead of
// the protocol: pause and resume (in one turn, and under a stream), the end of stream once,
// setProtocol between a Protocol and a BufferedProtocol, and abort() dropping the write buffer.
import type { ProtocolLike } from '../../lib/transports/protocols';
import { SHUT_WR, socket, type Socket } from '../../lib/socket';
import type { Transport } from '../../lib';
import { LOOPS, type AnyLoop } from './loops';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

for (const [name, make, gate] of LOOPS) gate.describe(name, () => {
  let loop: AnyLoop;
  let running: Promise<void>;
  let client: Socket | undefined;

  beforeEach(() => {
    loop = make();
    running = loop.run();
  });

  afterEach(async () => {
    client?.close();
    client = undefined;
    loop.stop();
    await running;
    loop.close();
  });

  /** A server whose one connection runs `protocol`; resolves with its transport once a client (kept in `client`) connected. */
  async function serve(protocol: ProtocolLike): Promise<Transport> {
    let made!: (t: Transport) => void;
    const transport = new Promise<Transport>((r) => (made = r));
    const server = await loop.createServer(() => ({ ...protocol, connectionMade: (t: Transport) => made(t) }), '127.0.0.1', 0);
    client = socket();
    client.connect(server.sockets[0].getsockname());
    const t = await transport;
    server.close();
    return t;
  }

  test('pauseReading() then resumeReading() in one turn, with bytes waiting: nothing lost, order kept, one end of stream', async () => {
    const log: string[] = [];
    const t = await serve({ dataReceived: (d: Buffer) => log.push(`data ${d}`), eofReceived: () => void log.push('eof'), connectionLost: (e: Error | null) => log.push(`lost ${e}`) });
    await sleep(20);
    client!.sendall(Buffer.from('AAA'));
    t.pauseReading();
    t.resumeReading();
    await sleep(30);
    client!.sendall(Buffer.from('BBB'));
    await sleep(30);
    client!.shutdown(SHUT_WR);
    await sleep(50);
    expect(log.join(' | ')).toBe('data AAA | data BBB | eof | lost null');
  });

  test('a 4 MiB stream paused and resumed by a timer every millisecond: delivered whole and in order, then one end of stream', async () => {
    const got: Buffer[] = [];
    let eofs = 0;
    const t = await serve({ dataReceived: (d: Buffer) => got.push(Buffer.from(d)), eofReceived: () => void eofs++ });
    const sent = Buffer.alloc(4 << 20);
    for (let i = 0; i < sent.length; i++) sent[i] = (i * 7 + i / 251) & 0xff;
    const toggle = setInterval(() => (t.isReading() ? t.pauseReading() : t.resumeReading()), 1);
    client!.setblocking(false);
    for (let at = 0; at < sent.length; ) {
      const n = client!.trySend(sent.subarray(at, at + 65536));
      if (n === null) await sleep(1);
      else at += n;
    }
    client!.shutdown(SHUT_WR);
    while (eofs === 0) {
      await sleep(5);
      if (!t.isReading() && !t.isClosing()) t.resumeReading();
    }
    clearInterval(toggle);
    await sleep(20);
    expect(Buffer.concat(got).equals(sent)).toBe(true);
    expect(eofs).toBe(1);
  });

  test('eofReceived() returning true after a pause and resume is called once, and the write side stays open', async () => {
    const log: string[] = [];
    const transport: Transport = await serve({
      dataReceived: (d: Buffer) => {
        log.push(`data ${d}`);
        transport.pauseReading();
        setTimeout(() => transport.resumeReading(), 30);
      },
      eofReceived: () => {
        log.push('eof');
        return true;
      },
    });
    client!.sendall(Buffer.from('hi'));
    client!.shutdown(SHUT_WR);
    await sleep(100);
    transport.write(Buffer.from('still open'));
    await sleep(50); // a completion loop submits the write on its next turn: not while recv() blocks this thread
    client!.settimeout(2);
    expect(client!.recv(100).toString()).toBe('still open');
    expect(log).toEqual(['data hi', 'eof']);
  });

  for (const to of ['BufferedProtocol', 'Protocol'] as const) {
    test(`setProtocol to a ${to} mid-connection: the new protocol gets the next bytes its way (as asyncio), none lost`, async () => {
      const log: string[] = [];
      const buf = Buffer.alloc(100);
      const buffered = { getBuffer: () => buf, bufferUpdated: (n: number) => log.push(`B ${buf.toString('latin1', 0, n)}`), connectionLost: (e: Error | null) => log.push(`B lost ${e}`) };
      const plain = { dataReceived: (d: Buffer) => log.push(`P ${d}`), connectionLost: (e: Error | null) => log.push(`P lost ${e}`) };
      const [first, second] = to === 'BufferedProtocol' ? [plain, buffered] : [buffered, plain];
      const t = await serve(first);
      client!.sendall(Buffer.from('one'));
      await sleep(50);
      t.setProtocol(second);
      client!.sendall(Buffer.from('two'));
      await sleep(50);
      client!.shutdown(SHUT_WR);
      await sleep(50);
      const [a, b] = to === 'BufferedProtocol' ? ['P', 'B'] : ['B', 'P'];
      expect(log).toEqual([`${a} one`, `${b} two`, `${b} lost null`]);
    });
  }

  test('abort() drops what waits to be sent at once: getWriteBufferSize() is 0 right after', async () => {
    const t = await serve({});
    t.write(Buffer.alloc(16 << 20)); // the peer never reads
    expect(t.getWriteBufferSize()).toBeGreaterThan(0);
    t.abort();
    expect(t.getWriteBufferSize()).toBe(0);
  });
});
