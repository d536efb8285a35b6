// loop.sockSendfile (asyncio's sock_sendfile) on EventLoop (a writer + sendfile(2)) and on
// ProactorEventLoop (a POLL_ADD on the ring + sendfile(2)): a 50 MB file to a python3 client,
// sha256 checked; the fallback for a pipe, and fallback: false; abort; bad input.
import { writeFileSync } from 'node:fs';
import { EventLoop } from '../../lib/loop';
import { native } from '../../lib/native';
import * as os from '../../lib/os';
import { ProactorEventLoop } from '../../lib/proactor';
import { AF_INET, SOCK_DGRAM, createServer, socket } from '../../lib/socket';
import { BAD_FDS, NOT_FILEOBJS, rejection } from '../helpers/bad-input';
import { killAll } from '../helpers/child';
import { expectNoFdLeaks } from '../helpers/fds';
import { everywhere, whenUring, type Gate } from '../helpers/platform';
import { bigFilesRemovedAfterEach, shaClient, type BigFile } from '../helpers/sendfile-peer';
import { closeAfterEach } from '../helpers/tracked';

afterEach(killAll);
const { track, pair } = closeAfterEach();
let big: BigFile | undefined;
const bigFile = bigFilesRemovedAfterEach();
expectNoFdLeaks();

type Loop = typeof EventLoop | typeof ProactorEventLoop;
const LOOPS: Array<[string, Loop, Gate]> = [['EventLoop', EventLoop, everywhere], ['ProactorEventLoop', ProactorEventLoop, whenUring]];
const SEEK_CUR = 1;

function running(Loop: Loop): { loop: EventLoop | ProactorEventLoop; done: () => Promise<void> } {
  const loop = track(new Loop());
  const p = loop.run();
  return { loop, done: async () => {
    loop.stop();
    await p;
  } };
}

describe.each(LOOPS)('%s', (_name, Loop, gate) => {
  gate.test('serves a 50 MB file to a python3 client with sockSendfile, sha256 intact, file position at the end', async () => {
    big = bigFile(50 << 20);
    const { loop, done } = running(Loop);
    const server = track(createServer(['127.0.0.1', 0]));
    server.setblocking(false);
    const client = shaClient(server.getsockname()[1]);
    const [conn] = await loop.sockAccept(server);
    track(conn);
    expect(await loop.sockSendfile(conn, big.fd)).toBe(big.size);
    expect(native.lseek(big.fd, 0, SEEK_CUR)).toBe(big.size);
    conn.close();
    const r = await client.exited;
    await done();
    expect({ out: r.stdout.trim(), stderr: r.stderr }).toEqual({ out: `${big.size} ${big.sha256}`, stderr: '' });
  }, 60_000);

  gate.test('offset and count; a pipe goes through the fallback, or rejects ERR_NOT_SUPPORTED with fallback: false', async () => {
    big = bigFile(0);
    writeFileSync(big.path, '0123456789');
    const { loop, done } = running(Loop);
    const [a, b] = pair();
    a.setblocking(false);
    b.setblocking(false);
    expect(await loop.sockSendfile(a, { fileno: () => big!.fd }, 3, 4)).toBe(4);
    expect((await loop.sockRecv(b, 100)).toString()).toBe('3456');
    expect(native.lseek(big.fd, 0, SEEK_CUR)).toBe(7);
    const [r, w] = os.pipe();
    try {
      const sending = loop.sockSendfile(a, r, 0, 5); // a blocking pipe: the loop must not block on it
      setTimeout(() => os.write(w, Buffer.from('late!')), 50); // the fallback waits for the pipe on the loop
      expect(await sending).toBe(5);
      expect((await loop.sockRecv(b, 100)).toString()).toBe('late!');
      expect(await rejection(loop.sockSendfile(a, r, 0, 1, { fallback: false }))).toMatchObject({ code: 'ERR_NOT_SUPPORTED', name: 'SendfileNotAvailableError' });
    } finally {
      os.close(r);
      os.close(w);
    }
    await done();
  });

  gate.test('an already aborted signal rejects with AbortError; closing the loop rejects a pending one with ERR_CLOSED', async () => {
    big = bigFile(16 << 20);
    const loop = track(new Loop());
    const p = loop.run();
    const [a] = pair();
    a.setblocking(false);
    const ac = new AbortController();
    ac.abort();
    expect(await rejection(loop.sockSendfile(a, big.fd, 0, null, { signal: ac.signal }))).toMatchObject({ name: 'AbortError' });
    const pending = loop.sockSendfile(a, big.fd); // the peer reads nothing: it waits for writability
    await new Promise((r) => setTimeout(r, 50));
    loop.close();
    expect(await rejection(pending)).toMatchObject({ code: 'ERR_CLOSED' });
    await p;
  });

  gate.test('aborted midway: AbortError, and the file position is just past what the peer got', async () => {
    big = bigFile(16 << 20);
    const { loop, done } = running(Loop);
    const [a, b] = pair();
    a.setblocking(false);
    b.setblocking(false);
    const ac = new AbortController();
    const pending = loop.sockSendfile(a, big.fd, 0, null, { signal: ac.signal }); // the peer reads nothing yet
    await new Promise((r) => setTimeout(r, 50));
    ac.abort();
    expect(await rejection(pending)).toMatchObject({ name: 'AbortError' });
    let got = 0;
    const buf = Buffer.alloc(1 << 20);
    for (let n; (n = b.tryRecvInto(buf)) !== null && n > 0; ) got += n;
    expect(got).toBeGreaterThan(0);
    expect(native.lseek(big.fd, 0, SEEK_CUR)).toBe(got);
    await done();
  });

  gate.test('bad input rejects with the code of the error table', async () => {
    big = bigFile(10);
    const { loop, done } = running(Loop);
    const [a] = pair();
    a.setblocking(false);
    const f = big.fd;
    const cases: Array<[() => Promise<unknown>, string]> = [
      [() => loop.sockSendfile({} as never, f), 'ERR_INVALID_ARG_TYPE'],
      ...NOT_FILEOBJS.map((v) => [() => loop.sockSendfile(a, v as number), 'ERR_INVALID_ARG_TYPE'] as [() => Promise<unknown>, string]),
      ...BAD_FDS.map((v) => [() => loop.sockSendfile(a, v), 'ERR_INVALID_FD'] as [() => Promise<unknown>, string]),
      ...[null, '1', 1n].map((v) => [() => loop.sockSendfile(a, f, v as unknown as number), 'ERR_INVALID_ARG_TYPE'] as [() => Promise<unknown>, string]),
      ...[-1, 1.5, NaN].map((v) => [() => loop.sockSendfile(a, f, v), 'ERR_OUT_OF_RANGE'] as [() => Promise<unknown>, string]),
      ...[0, -1, 1.5].map((v) => [() => loop.sockSendfile(a, f, 0, v), 'ERR_OUT_OF_RANGE'] as [() => Promise<unknown>, string]),
      [() => loop.sockSendfile(a, f, 0, null, 3 as never), 'ERR_INVALID_ARG_TYPE'],
      [() => loop.sockSendfile(a, f, 0, null, { fallback: 'yes' as never }), 'ERR_INVALID_ARG_TYPE'],
      [() => loop.sockSendfile(a, f, 0, null, { signal: {} as never }), 'ERR_INVALID_ARG_TYPE'],
    ];
    for (const [call, code] of cases) expect([String(call), (await rejection(call())).code]).toEqual([String(call), code]);
    const blocking = pair()[0];
    blocking.setblocking(true);
    expect((await rejection(loop.sockSendfile(blocking, f))).code).toBe('ERR_INVALID_ARG_VALUE');
    const u = track(socket(AF_INET, SOCK_DGRAM));
    u.setblocking(false);
    expect((await rejection(loop.sockSendfile(u, f))).code).toBe('ERR_INVALID_ARG_VALUE');
    const closed = pair()[0];
    closed.close();
    expect((await rejection(loop.sockSendfile(closed, f))).code).toBe('ERR_CLOSED');
    await done();
  });
});
