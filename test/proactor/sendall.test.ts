// ProactorEventLoop's sockSendall: with nothing of its socket queued or in flight it tries send(2)
// at once (MSG_DONTWAIT: a blocking socket never blocks the thread), and submits only what the
// kernel did not take; a sendall behind a pending one waits its turn (a copy of its bytes), so
// bytes stay in order and the caller may reuse its buffer as soon as the call returns.
import { ProactorEventLoop } from '../../lib/proactor';
import { NODE_TS, runSync as runChild } from '../helpers/child';
import { socketpair, type Socket } from '../../lib/socket';
import { expectNoFdLeaks } from '../helpers/fds';
import { whenUring } from '../helpers/platform';
import { closeAfterEach } from '../helpers/tracked';

const { track, pair } = closeAfterEach();
const pattern = (n: number, seed: number): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => (i * 7 + seed) % 251));

expectNoFdLeaks();

// Reads `n` bytes from a non-blocking `sock` through the loop.
async function receiveAll(loop: ProactorEventLoop, sock: Socket, n: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let got = 0;
  while (got < n) {
    const chunk = await loop.sockRecv(sock, 1 << 16);
    if (chunk.length === 0) break;
    chunks.push(chunk);
    got += chunk.length;
  }
  return Buffer.concat(chunks);
}

whenUring.describe('ProactorEventLoop sockSendall', () => {
  test('with nothing pending, the bytes are sent before the call returns: the peer reads them with the loop never run', async () => {
    const loop = track(new ProactorEventLoop());
    const [a, b] = pair();
    const data = Buffer.from('sent at once');
    const p = loop.sockSendall(a, data);
    data.fill(0); // already in the kernel: reusing the buffer changes nothing
    expect(b.recv(100).toString()).toBe('sent at once');
    await expect(p).resolves.toBeUndefined();
  });

  test('a blocking socket whose buffer fills: the call returns at once, the rest goes through the ring, every byte in order', async () => {
    const loop = track(new ProactorEventLoop());
    const running = loop.run();
    const [a, b] = socketpair();
    track(a);
    track(b);
    b.setblocking(false);
    const big = pattern(4 << 20, 1);
    const t0 = Date.now();
    const p = loop.sockSendall(a, big);
    expect(Date.now() - t0).toBeLessThan(1000); // a send(2) that blocked would never return here
    expect((await receiveAll(loop, b, big.length)).equals(big)).toBe(true); // (toEqual walks 4 MiB byte by byte)
    await p;
    loop.stop();
    await running;
  });

  test('sendalls queued behind a pending one wait their turn: the peer gets each one whole, in the order asked, though the caller reused the buffers at once', async () => {
    const loop = track(new ProactorEventLoop());
    const running = loop.run();
    const [a, b] = pair();
    const parts = [pattern(2 << 20, 2), Buffer.from('small, asked second'), pattern(300000, 3)];
    const expected = Buffer.concat(parts);
    const sends = parts.map((part) => loop.sockSendall(a, part));
    for (const part of parts) part.fill(0); // each was sent or copied before its call returned
    expect((await receiveAll(loop, b, expected.length)).equals(expected)).toBe(true);
    await Promise.all(sends);
    loop.stop();
    await running;
  });

  test('IOMUX_PROACTOR_SEND=ring (in a child, for measuring): the sendall is a submission: nothing is sent until the loop runs', () => {
    const script = `
      const { ProactorEventLoop, socket } = require('./lib');
      const loop = new ProactorEventLoop();
      const [a, b] = socket.socketpair();
      a.setblocking(false);
      b.setblocking(false);
      const p = loop.sockSendall(a, Buffer.from('through the ring'));
      let before; try { before = b.recv(100).toString(); } catch (e) { before = e.code; }
      loop.run();
      p.then(() => {
        loop.stop();
        console.log(JSON.stringify({ before, after: b.recv(100).toString() }));
        loop.close();
      });`;
    const r = runChild(process.execPath, [...NODE_TS, '-e', script], { env: { ...process.env, IOMUX_PROACTOR_SEND: 'ring' }, timeoutMs: 60000 });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ before: 'EAGAIN', after: 'through the ring' });
  }, 60000);

  test('the send at once failing (the peer is gone) rejects with the OS error, syscall send', async () => {
    const loop = track(new ProactorEventLoop());
    const running = loop.run();
    const [a, b] = socketpair();
    track(a);
    b.close();
    await expect(loop.sockSendall(a, Buffer.from('nobody'))).rejects.toMatchObject({ code: 'EPIPE', syscall: 'send' });
    loop.stop();
    await running;
  });
});
