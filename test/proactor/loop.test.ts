// ProactorEventLoop's loop side: availability (and IOMUX_URING=0 in a child), readers and writers
// as re-armed io_uring polls (level-triggered, as EventLoop), runSync() blocking in the ring's
// wait until another process writes, a signal waking it, the exception handler, bad input.
import * as os from '../../lib/os';
import { ProactorEventLoop } from '../../lib/proactor';
import { Ring } from '../../lib/uring';
import { BAD_FDS, NOT_FILEOBJS, codeOf } from '../helpers/bad-input';
import { NODE_TS, runSync as runChild } from '../helpers/child';
import { closedFd, expectNoFdLeaks, openFds } from '../helpers/fds';
import { collectUntil } from '../helpers/gc';
import { writeLater } from '../helpers/io';
import { whenUring } from '../helpers/platform';
import { closeAfterEach } from '../helpers/tracked';

const { track, pair } = closeAfterEach();
const tick = (ms = 0): Promise<void> => new Promise((r) => setTimeout(r, ms));

expectNoFdLeaks();

test('available and unavailableReason are the ring\'s probe', () => {
  expect(ProactorEventLoop.available).toBe(Ring.available);
  expect(ProactorEventLoop.unavailableReason).toBe(Ring.unavailableReason);
  if (!ProactorEventLoop.available) expect(codeOf(() => new ProactorEventLoop())).toBe('ERR_NOT_SUPPORTED');
});

test('IOMUX_URING=0 (in a child): available is false, the reason names it, the constructor throws ERR_NOT_SUPPORTED saying why', () => {
  const script = `
    const { ProactorEventLoop } = require('./lib');
    let err; try { new ProactorEventLoop(); } catch (e) { err = e; }
    console.log(JSON.stringify({ available: ProactorEventLoop.available, reason: ProactorEventLoop.unavailableReason, code: err && err.code, message: err && err.message }));`;
  const r = runChild(process.execPath, [...NODE_TS, '-e', script], { env: { ...process.env, IOMUX_URING: '0' }, timeoutMs: 60000 });
  expect(r.status).toBe(0);
  const out = JSON.parse(r.stdout) as { available: boolean; reason: string; code: string; message: string };
  expect(out).toMatchObject({ available: false, code: 'ERR_NOT_SUPPORTED' });
  expect(out.reason).toMatch(/IOMUX_URING=0/);
  expect(out.message).toMatch(/ProactorEventLoop.*IOMUX_URING=0/);
}, 60000);

whenUring.describe('ProactorEventLoop readers and writers (io_uring polls)', () => {
  test('a reader left unread is called on every iteration (level-triggered); once drained, no more; removeReader ends it', async () => {
    const loop = track(new ProactorEventLoop());
    const [a, b] = pair();
    let calls = 0;
    loop.addReader(a, (fileobj, mask) => {
      expect([fileobj, mask]).toEqual([a, 1]);
      calls++;
    });
    const running = loop.run();
    b.send(Buffer.from('x'));
    await tick(30);
    expect(calls).toBeGreaterThan(3);
    a.recv(10);
    await tick(10);
    const after = calls;
    await tick(30);
    expect(calls - after).toBeLessThanOrEqual(1); // at most the iteration that was in progress
    expect(loop.removeReader(a)).toBe(true);
    expect(loop.removeReader(a)).toBe(false);
    b.send(Buffer.from('y'));
    const was = calls;
    await tick(30);
    expect(calls).toBe(was);
    loop.stop();
    await running;
  });

  test('a writer runs while writable; replacing a reader cancels the old callback; both directions on one fd', async () => {
    const loop = track(new ProactorEventLoop());
    const [a, b] = pair();
    const seen: string[] = [];
    loop.addWriter(a, (_f, mask) => {
      seen.push(`w${mask}`);
      loop.removeWriter(a);
    });
    loop.addReader(a, () => seen.push('old'));
    loop.addReader(a, () => {
      seen.push('new');
      a.recv(10);
      loop.removeReader(a);
    });
    b.send(Buffer.from('z'));
    const running = loop.run();
    await tick(30);
    expect(seen.sort()).toEqual(['new', 'w2']);
    expect(loop.removeWriter(a)).toBe(false);
    loop.stop();
    await running;
  });

  test('a reader added by fd number, the fd closed behind the loop and reused: addReader of the new socket polls the new file (it fires), and the old file is let go of', () => {
    const loop = track(new ProactorEventLoop());
    const [oldRead, oldWrite] = os.pipe();
    loop.addReader(oldRead, () => {});
    loop.callLater(0.01, () => loop.stop());
    loop.runSync(); // the poll is in the kernel
    os.close(oldRead); // not through the loop
    const [a, b] = pair(); // takes the lowest free numbers: oldRead's among them
    const sock = a.fileno() === oldRead ? a : b;
    const peer = sock === a ? b : a;
    expect(sock.fileno()).toBe(oldRead);
    let fired = 0;
    loop.addReader(sock, () => {
      fired++;
      loop.stop();
    });
    peer.send(Buffer.from('x'));
    loop.callLater(2, () => loop.stop());
    loop.runSync();
    expect(fired).toBe(1);
    expect(codeOf(() => os.write(oldWrite, Buffer.from('y')))).toBe('EPIPE'); // the old pipe's read end is gone
    os.close(oldWrite);
    loop.removeReader(sock);
  });

  test('runSync() blocks in the ring wait until another process writes; the reader stops the loop', () => {
    const loop = track(new ProactorEventLoop());
    const [a, b] = pair();
    writeLater(b.fileno(), 100);
    const t0 = Date.now();
    let got = '';
    loop.addReader(a, () => {
      got = a.recv(10).toString();
      loop.stop();
    });
    loop.runSync();
    expect(got).toBe('x');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(50);
  });

  test('runSync() with timers only sleeps until the timer, then runs it', () => {
    const loop = track(new ProactorEventLoop());
    const t0 = loop.time();
    loop.callLater(0.05, () => loop.stop());
    loop.runSync();
    expect(loop.time() - t0).toBeGreaterThanOrEqual(0.049);
  });

  test('a reader that throws goes to the exception handler with its handle; the loop goes on', async () => {
    const loop = track(new ProactorEventLoop());
    const [a, b] = pair();
    const contexts: Array<Record<string, unknown>> = [];
    loop.setExceptionHandler((_l, ctx) => contexts.push(ctx));
    loop.addReader(a, function failing() {
      a.recv(10);
      loop.removeReader(a);
      throw new Error('boom');
    });
    b.send(Buffer.from('q'));
    loop.callLater(0.05, () => loop.stop());
    await loop.run();
    expect(contexts).toHaveLength(1);
    expect(contexts[0].message).toMatch(/^Exception in callback failing/);
    expect((contexts[0].exception as Error).message).toBe('boom');
  });

  test('a signal handler wakes runSync() (SIGUSR2 sent by a shell child) and runs on the loop', () => {
    const loop = track(new ProactorEventLoop());
    let ran = false;
    loop.addSignalHandler('SIGUSR2', () => {
      ran = true;
      loop.stop();
    });
    try {
      runChild('sh', ['-c', `(sleep 0.1; kill -USR2 ${process.pid}) >/dev/null 2>&1 &`]);
      loop.runSync();
      expect(ran).toBe(true);
    } finally {
      loop.removeSignalHandler('SIGUSR2');
    }
  });

  test('bad input: readers/writers refuse bad file objects, fds and callbacks; a closed fd is EBADF; after close() ERR_CLOSED', () => {
    const loop = track(new ProactorEventLoop());
    const [a] = pair();
    for (const add of [loop.addReader.bind(loop), loop.addWriter.bind(loop)]) {
      for (const bad of NOT_FILEOBJS) expect(codeOf(() => add(bad as never, () => {}))).toMatch(/ERR_INVALID_ARG_TYPE|ERR_INVALID_FD/);
      for (const bad of BAD_FDS) expect(codeOf(() => add(bad, () => {}))).toMatch(/ERR_INVALID_FD|ERR_INVALID_ARG_VALUE/);
      for (const bad of [undefined, null, 3, 'f', {}]) expect(codeOf(() => add(a, bad as never))).toBe('ERR_INVALID_ARG_TYPE');
      expect(codeOf(() => add(closedFd(), () => {}))).toBe('EBADF');
    }
    for (const remove of [loop.removeReader.bind(loop), loop.removeWriter.bind(loop)]) {
      for (const bad of NOT_FILEOBJS) expect(codeOf(() => remove(bad as never))).toMatch(/ERR_INVALID_ARG_TYPE|ERR_INVALID_FD/);
      for (const bad of BAD_FDS) expect(codeOf(() => remove(bad))).toMatch(/ERR_INVALID_FD|ERR_INVALID_ARG_VALUE/);
    }
    for (const bad of [undefined, 0, 99999, 'SIGNOPE', 9]) expect(codeOf(() => loop.addSignalHandler(bad as never, () => {}))).toMatch(/ERR_INVALID_ARG_(TYPE|VALUE)/);
    expect(codeOf(() => loop.callLater('1' as never, () => {}))).toBe('ERR_INVALID_ARG_TYPE');
    expect(codeOf(() => loop.callAt(NaN, () => {}))).toBe('ERR_INVALID_ARG_VALUE');
    loop.close();
    loop.close();
    expect(codeOf(() => loop.addReader(a, () => {}))).toBe('ERR_CLOSED');
    expect(codeOf(() => loop.addWriter(a, 5 as never))).toBe('ERR_CLOSED');
    expect(codeOf(() => loop.removeWriter(a))).toBe('ERR_CLOSED');
    expect(codeOf(() => loop.callSoon(() => {}))).toBe('ERR_CLOSED');
    expect(codeOf(() => loop.runSync())).toBe('ERR_CLOSED');
  });

  test('a loop forgotten without close() (its ring made, an operation pending) is collected: its ring fd is closed', async () => {
    const [a] = pair();
    const before = openFds();
    const made = (): void => {
      const loop = new ProactorEventLoop();
      loop.sockRecv(a, 10).catch(() => {});
    };
    made();
    await new Promise((r) => setImmediate(r)); // the recv is submitted
    expect(openFds().filter((fd) => !before.includes(fd)).length).toBeGreaterThan(0);
    await collectUntil(() => openFds().filter((fd) => !before.includes(fd)).length === 0);
    expect(openFds().filter((fd) => !before.includes(fd))).toEqual([]);
  });
});
