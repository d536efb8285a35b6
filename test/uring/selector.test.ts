// IoUringSelector's own quirks (the shared contract is in test/selectors/conformance.test.ts and
// oracle.test.ts): a pending poll holds its file, so unregister must cancel it at once; stale
// completions after modify are dropped; waits interrupted by signals go on (PEP 475).
import path from 'node:path';
import * as os from '../../lib/os';
import { EVENT_READ, EVENT_WRITE, IoUringSelector } from '../../lib/selectors';
import { socketpair } from '../../lib/socket';
import { run, succeeded } from '../helpers/child';
import { whenUring } from '../helpers/platform';

/** Whether `sock`'s peer was closed: a recv that does not block returns EOF within `ms`. */
function seesEof(sock: ReturnType<typeof socketpair>[0], ms: number): boolean {
  os.setBlocking(sock.fileno(), false);
  const end = performance.now() + ms;
  do {
    try {
      if (sock.recv(1).length === 0) return true;
    } catch (err) {
      if ((err as { code?: string }).code !== 'EAGAIN') throw err;
    }
  } while (performance.now() < end);
  return false;
}

whenUring.test('unregister then close: the peer sees EOF at once (the pending poll is cancelled)', () => {
  const sel = new IoUringSelector();
  const [a, b] = socketpair();
  try {
    sel.register(a, EVENT_READ);
    expect(sel.select(0)).toEqual([]); // the poll is now in the kernel
    sel.unregister(a);
    a.close();
    expect(seesEof(b, 100)).toBe(true);
  } finally {
    sel.close();
    b.close();
  }
});

whenUring.test('close without unregister: the pending poll keeps the socket open until unregister (unlike epoll)', () => {
  const sel = new IoUringSelector();
  const [a, b] = socketpair();
  try {
    sel.register(a, EVENT_READ);
    expect(sel.select(0)).toEqual([]);
    a.close();
    expect(seesEof(b, 50)).toBe(false);
    sel.unregister(a);
    expect(seesEof(b, 100)).toBe(true);
  } finally {
    sel.close();
    b.close();
  }
});

whenUring.test('selector close() releases every pending poll: the peers see EOF', () => {
  const sel = new IoUringSelector();
  const pairs = Array.from({ length: 4 }, () => socketpair());
  for (const [a] of pairs) sel.register(a, EVENT_READ);
  expect(sel.select(0)).toEqual([]);
  for (const [a] of pairs) a.close();
  sel.close();
  expect(pairs.map(([, b]) => seesEof(b, 100))).toEqual([true, true, true, true]);
  for (const [, b] of pairs) b.close();
});

whenUring.test('100 modifies between two selects: one result per fd, from the last events only', () => {
  const sel = new IoUringSelector();
  const [a, b] = socketpair();
  try {
    b.send(Buffer.from('x')); // a is readable and writable
    sel.register(a, EVENT_READ);
    for (let i = 0; i < 100; i++) sel.modify(a, i % 2 ? EVENT_READ : EVENT_WRITE);
    expect(sel.select(1).map(([key, events]) => [key.fd, events])).toEqual([[a.fileno(), EVENT_READ]]);
    sel.modify(a, EVENT_WRITE, 'w');
    const [[key, events]] = sel.select(1);
    expect([key.data, events]).toEqual(['w', EVENT_WRITE]);
    // Level-triggered: reported again while it stays ready.
    expect(sel.select(1).map(([k, e]) => [k.data, e])).toEqual([['w', EVENT_WRITE]]);
  } finally {
    sel.close();
    a.close();
    b.close();
  }
});

const STORM = `
import json, os, signal, subprocess, sys, time
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, text=True)
assert child.stdout.readline() == 'ready\\n'
while child.poll() is None:
    try:
        os.kill(child.pid, signal.SIGUSR2)
    except ProcessLookupError:
        break
    time.sleep(0.002)
print(json.dumps({'code': child.wait(), 'out': child.stdout.read()}))
`;

whenUring.test('select(1) and wait(1, 1) under a storm of signals: each waits its full second and returns nothing', async () => {
  const out = succeeded(await run('python3', ['-c', STORM, process.execPath, path.join(__dirname, 'fixtures', 'eintr.js')]), 'python3 signal storm');
  const { code, out: childOut } = JSON.parse(out) as { code: number; out: string };
  expect(code).toBe(0);
  const report = JSON.parse(childOut.trim()) as Record<string, number>;
  expect(report.selected).toBe(0);
  expect(report.waited).toBe(0);
  expect(report.selectMs).toBeGreaterThanOrEqual(990);
  expect(report.waitMs).toBeGreaterThanOrEqual(990);
  expect(report.signals).toBeGreaterThan(10); // the waits really were interrupted
}, 60000);

whenUring.test('EVENT_WRITE on a full socket: reported only once the peer drains it', () => {
  const sel = new IoUringSelector();
  const [a, b] = socketpair();
  try {
    os.setBlocking(a.fileno(), false);
    const chunk = Buffer.alloc(65536);
    for (;;) {
      try {
        a.send(chunk);
      } catch {
        break;
      }
    }
    sel.register(a, EVENT_WRITE);
    expect(sel.select(0.05)).toEqual([]);
    os.setBlocking(b.fileno(), false);
    try {
      for (;;) b.recv(65536);
    } catch {
      // drained
    }
    expect(sel.select(1).map(([, e]) => e)).toEqual([EVENT_WRITE]);
  } finally {
    sel.close();
    a.close();
    b.close();
  }
});
