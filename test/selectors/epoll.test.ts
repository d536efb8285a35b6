// EpollSelector's own behaviour: regular files, stale kernel registrations, the opt-in modes,
// fileno, and the finalizer that closes a forgotten epoll fd.
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { C, native } from '../../lib/native';
import * as os from '../../lib/os';
import { EpollSelector, EVENT_READ, EVENT_WRITE } from '../../lib/selectors';
import { codeOf } from '../helpers/bad-input';
import { runSync } from '../helpers/child';
import { Resources } from '../helpers/fds';
import { when, whenEpoll } from '../helpers/platform';

const res = new Resources();
afterEach(() => res.closeAll());

whenEpoll.describe('EpollSelector', () => {
  test('register of a regular file is EPERM and leaves no key (test_register_file)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'iomux-'));
    const fd = openSync(path.join(dir, 'f'), 'w+');
    try {
      const s = res.add(new EpollSelector());
      expect(codeOf(() => s.register(fd, EVENT_READ))).toBe('EPERM');
      expect(codeOf(() => s.getKey(fd))).toBe('ERR_NOT_REGISTERED');
      expect(s.getMap().size).toBe(0);
    } finally {
      closeSync(fd);
      rmSync(dir, { recursive: true });
    }
  });

  test('events of an fd closed while a dup keeps it in the kernel set are dropped', () => {
    const s = res.add(new EpollSelector());
    const [a, b] = res.socketpair();
    const fd = a.fileno();
    const copy = res.fd(os.dup(fd)); // keeps the open file description (and its epoll entry) alive
    s.register(fd, EVENT_WRITE);
    a.close(); // epoll_ctl(DEL) on it is now EBADF: the kernel entry stays
    expect(s.unregister(fd).fd).toBe(fd);
    const raw = new Int32Array(8);
    expect(native.epollWait!(s.fileno(), raw, 4, 0)).toBe(1); // the kernel still reports it...
    expect(raw[0]).toBe(fd);
    expect(s.select(0)).toEqual([]); // ...but it is not ours any more
    expect(copy).not.toBe(fd);
    b.close();
  });

  test('level-triggered by default: a ready fd is reported on every select', () => {
    const s = res.add(new EpollSelector());
    const [a, b] = res.socketpair();
    const key = s.register(a, EVENT_READ);
    b.send(Buffer.from('x'));
    expect(s.select(0)).toEqual([[key, EVENT_READ]]);
    expect(s.select(0)).toEqual([[key, EVENT_READ]]);
  });

  test('edgeTriggered: reported once per new readiness (EPOLLET)', () => {
    const s = res.add(new EpollSelector({ edgeTriggered: true }));
    const [a, b] = res.socketpair();
    const key = s.register(a, EVENT_READ);
    b.send(Buffer.from('x'));
    expect(s.select(0)).toEqual([[key, EVENT_READ]]);
    expect(s.select(0)).toEqual([]);
    b.send(Buffer.from('y'));
    expect(s.select(0)).toEqual([[key, EVENT_READ]]);
    const key2 = s.modify(a, EVENT_READ | EVENT_WRITE); // MOD re-arms: both are ready now
    expect(s.select(0)).toEqual([[key2, EVENT_READ | EVENT_WRITE]]);
    expect(s.select(0)).toEqual([]);
  });

  when(C.EPOLLEXCLUSIVE !== undefined, 'no EPOLLEXCLUSIVE in this build').test('exclusive: registers with EPOLLEXCLUSIVE, and modify re-adds', () => {
    const s1 = res.add(new EpollSelector({ exclusive: true }));
    const s2 = res.add(new EpollSelector({ exclusive: true }));
    const [a, b] = res.socketpair();
    const k1 = s1.register(a, EVENT_READ);
    const k2 = s2.register(a, EVENT_READ);
    expect(s1.select(0)).toEqual([]);
    b.send(Buffer.from('x'));
    // a non-blocking harvest sees readiness on each (exclusivity is about who is woken from a wait)
    expect(s1.select(0)).toEqual([[k1, EVENT_READ]]);
    expect(s2.select(0)).toEqual([[k2, EVENT_READ]]);
    const k3 = s1.modify(a, EVENT_WRITE); // EPOLL_CTL_MOD would be EINVAL here
    expect(s1.select(0)).toEqual([[k3, EVENT_WRITE]]);
    expect(s1.unregister(a)).toBe(k3);
  });

  test('bad options: ERR_INVALID_ARG_TYPE', () => {
    for (const bad of [null, 3, 'et']) expect(codeOf(() => new EpollSelector(bad as never))).toBe('ERR_INVALID_ARG_TYPE');
    expect(codeOf(() => new EpollSelector({ edgeTriggered: 'yes' as never }))).toBe('ERR_INVALID_ARG_TYPE');
    expect(codeOf(() => new EpollSelector({ exclusive: {} as never }))).toBe('ERR_INVALID_ARG_TYPE');
  });

  test('fileno is an epoll fd, closed by close()', () => {
    const s = new EpollSelector();
    const fd = s.fileno();
    expect(typeof os.getBlocking(fd)).toBe('boolean');
    s.close();
    expect(codeOf(() => os.getBlocking(fd))).toBe('EBADF');
    expect(codeOf(() => s.fileno())).toBe('ERR_CLOSED');
  });

  test('a forgotten selector has its epoll fd closed when collected (FinalizationRegistry)', () => {
    const child = runSync(process.execPath, ['--expose-gc', path.join(__dirname, 'fixtures', 'finalizer-child.js'), 'EpollSelector']);
    expect(child.stderr).toBe('');
    expect(JSON.parse(child.stdout)).toEqual({ openBefore: true, openAfter: false });
  });
});
