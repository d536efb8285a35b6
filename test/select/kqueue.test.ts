import { fstatSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { native } from '../../lib/native';
import { close as osClose, read, write } from '../../lib/os';
import * as sel from '../../lib/select';
import { KEvent, Kqueue, kevent, kqueue } from '../../lib/select';
import { runSync } from '../helpers/child';
import { openFds } from '../helpers/fds';
import { withPipe } from '../helpers/io';
import { whenKqueue, withoutKqueue } from '../helpers/platform';

const built = whenKqueue.runs;

// Only read inside tests that run when kqueue is built.
const C = sel as unknown as Record<string, number>;

// libkqueue (Linux) starts a monitor thread with fds of its own on first use, and frees a closed
// kqueue's internal fds from that thread a moment after close(): warm it up once, and give the
// fd count a moment to settle before comparing.
beforeAll(() => {
  if (built) kqueue().close();
});
let before: number[];
beforeEach(async () => {
  before = await settledFds([]);
});
afterEach(async () => {
  expect(await settledFds(before)).toEqual(before);
});

async function settledFds(want: number[]): Promise<number[]> {
  let fds = openFds();
  for (let i = 0; i < 50 && built && JSON.stringify(fds) !== JSON.stringify(want); i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    const next = openFds();
    if (want.length === 0 && JSON.stringify(next) === JSON.stringify(fds)) break;
    fds = next;
  }
  return fds;
}

function withKqueue<R>(fn: (kq: Kqueue) => R): R {
  const kq = kqueue();
  try {
    return fn(kq);
  } finally {
    kq.close();
  }
}

withoutKqueue.describe('kqueue where it is not built', () => {
  test('kqueue(), kevent() and fromfd throw ERR_NOT_SUPPORTED; every KQ_* constant is undefined', () => {
    expect(() => kqueue()).toThrow(expect.objectContaining({ code: 'ERR_NOT_SUPPORTED' }));
    expect(() => kevent(0)).toThrow(expect.objectContaining({ code: 'ERR_NOT_SUPPORTED' }));
    expect(() => Kqueue.fromfd(0)).toThrow(expect.objectContaining({ code: 'ERR_NOT_SUPPORTED' }));
    const kq = Object.entries(sel).filter(([k]) => k.startsWith('KQ_'));
    expect(kq.length).toBeGreaterThan(0);
    for (const [k, v] of kq) expect([k, v]).toEqual([k, undefined]);
  });
});

whenKqueue.describe('kqueue: object', () => {
  test('kqueue() opens a kqueue; close() is idempotent; ERR_CLOSED afterwards', () => {
    const kq = kqueue();
    expect(kq).toBeInstanceOf(Kqueue);
    expect(kq.closed).toBe(false);
    expect(kq.fileno()).toBeGreaterThanOrEqual(0);
    kq.close();
    kq.close();
    expect(kq.closed).toBe(true);
    expect(() => kq.fileno()).toThrow(expect.objectContaining({ code: 'ERR_CLOSED' }));
    expect(() => kq.control(null, 1, 0)).toThrow(expect.objectContaining({ code: 'ERR_CLOSED' }));
  });

  test('kevent defaults as Python: filter READ, flags ADD, the rest 0; ident may be a file object', () => {
    const ev = kevent({ fileno: () => 7 });
    expect(ev).toBeInstanceOf(KEvent);
    expect({ ...ev }).toEqual({ ident: 7, filter: C.KQ_FILTER_READ, flags: C.KQ_EV_ADD, fflags: 0, data: 0, udata: 0 });
    expect(new KEvent(3, C.KQ_FILTER_WRITE, C.KQ_EV_DELETE, 1, 2, 3)).toEqual(expect.objectContaining({ ident: 3, udata: 3 }));
  });

  test('the kqueue fd is close-on-exec: a child process does not have it', () => {
    withKqueue((kq) => {
      const ino = fstatSync(kq.fileno()).ino;
      const r = runSync('python3', ['-c', `
import os, sys
fd, ino = int(sys.argv[1]), int(sys.argv[2])
try:
    print(os.fstat(fd).st_ino == ino)
except OSError:
    print(False)
`, String(kq.fileno()), String(ino)]);
      expect(r.stdout.trim()).toBe('False');
    });
  });

  test('fromfd adopts a kqueue fd: it works through the new object, and close() closes it', () => {
    // A fresh kqueue fd rather than a dup: libkqueue knows a kqueue only by its original number.
    const fd = native.kqueueCreate!();
    native.release(fd);
    withPipe((_r, w) => {
      const kq = Kqueue.fromfd(fd);
      try {
        expect(kq.fileno()).toBe(fd);
        kq.control([kevent(w, C.KQ_FILTER_WRITE)], 0, 0);
        const evs = kq.control(null, 4, 0);
        expect(evs.map((e) => [e.ident, e.filter])).toEqual([[w, C.KQ_FILTER_WRITE]]);
      } finally {
        kq.close();
      }
      expect(kq.closed).toBe(true);
    });
  });
});

whenKqueue.describe('kqueue: events', () => {
  test('a read filter reports data available; EV_DELETE removes it', () => {
    withPipe((r, w) => {
      withKqueue((kq) => {
        expect(kq.control([kevent(r, C.KQ_FILTER_READ, C.KQ_EV_ADD, 0, 0, 42)], 4, 0)).toEqual([]);
        write(w, Buffer.from('hello'));
        const [ev, ...rest] = kq.control(null, 4, 0);
        expect(rest).toEqual([]);
        expect(ev).toBeInstanceOf(KEvent);
        expect([ev.ident, ev.filter, ev.data, ev.udata]).toEqual([r, C.KQ_FILTER_READ, 5, 42]);
        read(r, 5);
        expect(kq.control(null, 4, 0)).toEqual([]);
        write(w, Buffer.from('x'));
        kq.control([kevent(r, C.KQ_FILTER_READ, C.KQ_EV_DELETE)], 0, 0);
        expect(kq.control(null, 4, 0)).toEqual([]);
      });
    });
  });

  test('EV_ONESHOT fires once; EV_CLEAR fires again only after new data', () => {
    withPipe((r, w) => {
      withKqueue((kq) => {
        kq.control([kevent(r, C.KQ_FILTER_READ, C.KQ_EV_ADD | C.KQ_EV_ONESHOT)], 0, 0);
        write(w, Buffer.from('a'));
        expect(kq.control(null, 4, 0)).toHaveLength(1);
        expect(kq.control(null, 4, 0)).toHaveLength(0);
        kq.control([kevent(r, C.KQ_FILTER_READ, C.KQ_EV_ADD | C.KQ_EV_CLEAR)], 0, 0);
        expect(kq.control(null, 4, 0)).toHaveLength(1);
        expect(kq.control(null, 4, 0)).toHaveLength(0);
        write(w, Buffer.from('b'));
        expect(kq.control(null, 4, 0)).toHaveLength(1);
      });
    });
  });

  test('the write end closed → EV_EOF on the read filter', () => {
    withPipe((r, w, closed) => {
      withKqueue((kq) => {
        kq.control([kevent(r)], 0, 0);
        osClose(w);
        closed.add(w);
        const [ev] = kq.control(null, 4, 0);
        expect(ev.flags & C.KQ_EV_EOF).toBe(C.KQ_EV_EOF);
      });
    });
  });

  test('a change on a closed fd: EV_ERROR with EBADF in data when there is room, else the SystemError', () => {
    let stale = -1;
    withPipe((r) => {
      stale = r;
    });
    withKqueue((kq) => {
      const bad = stale + 500;
      const [ev] = kq.control([kevent(bad)], 1, 0);
      expect(ev.flags & C.KQ_EV_ERROR).toBe(C.KQ_EV_ERROR);
      expect(ev.data).toBe(osConstants.errno.EBADF);
      expect(() => kq.control([kevent(bad)], 0, 0)).toThrow(expect.objectContaining({ code: 'EBADF', syscall: 'kevent' }));
    });
  });

  test('a timeout in seconds waits at least that long; a negative one is ERR_OUT_OF_RANGE', () => {
    withKqueue((kq) => {
      const t0 = process.hrtime.bigint();
      expect(kq.control(null, 1, 0.02)).toEqual([]);
      expect(Number(process.hrtime.bigint() - t0) / 1e6).toBeGreaterThanOrEqual(20);
      expect(() => kq.control(null, 1, -1)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    });
  });
});
