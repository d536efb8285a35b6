import { closeSync, fstatSync, openSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { close as osClose, dup, read, write } from '../../lib/os';
import {
  EPOLLERR, EPOLLET, EPOLLEXCLUSIVE, EPOLLHUP, EPOLLIN, EPOLLONESHOT, EPOLLOUT, EPOLLPRI, EPOLLRDHUP,
  EPOLL_CLOEXEC, Epoll, epoll, FD_SETSIZE,
} from '../../lib/select';
import { native } from '../../lib/native';
import { MSG_OOB, SHUT_WR, socketpair } from '../../lib/socket';
import { runSync } from '../helpers/child';
import { expectNoFdLeaks, openFds } from '../helpers/fds';
import { delayedWriter, fill, withPair, withPipe, withTcp } from '../helpers/io';
import { whenEpoll, withoutEpoll } from '../helpers/platform';

const IN = EPOLLIN as number;
const OUT = EPOLLOUT as number;

expectNoFdLeaks({ exact: true });

// True if `fd` is still the same open file (by inode): a closed number may be reused at once.
function stillOpen(fd: number, ino: number): boolean {
  try {
    return fstatSync(fd).ino === ino;
  } catch {
    return false;
  }
}

const sorted = (r: Array<[number, number]>) => [...r].sort((a, b) => a[0] - b[0]);

function withEpoll<R>(fn: (ep: Epoll) => R): R {
  const ep = epoll();
  try {
    return fn(ep);
  } finally {
    ep.close();
  }
}

withoutEpoll.describe('select.epoll where epoll does not exist', () => {
  test('epoll() throws ERR_NOT_SUPPORTED', () => {
    expect(() => epoll()).toThrow(expect.objectContaining({ code: 'ERR_NOT_SUPPORTED' }));
  });
});

whenEpoll.describe('select.epoll object', () => {
  test('epoll() and new Epoll() make an open epoll with an fd; close() is idempotent', () => {
    const ep = epoll();
    const ep2 = new Epoll(10, EPOLL_CLOEXEC);
    expect(ep).toBeInstanceOf(Epoll);
    expect(ep.closed).toBe(false);
    expect(ep.fileno()).toBeGreaterThanOrEqual(0);
    expect(openFds()).toContain(ep.fileno());
    const fd = ep.fileno();
    const ino = fstatSync(fd).ino;
    ep.close();
    ep.close();
    ep2[Symbol.dispose]();
    expect(ep.closed).toBe(true);
    expect(ep2.closed).toBe(true);
    expect(stillOpen(fd, ino)).toBe(false);
  });

  test('every method but close and closed throws ERR_CLOSED after close', () => {
    withPipe((r) => {
      const ep = epoll();
      ep.close();
      for (const call of [() => ep.fileno(), () => ep.register(r), () => ep.modify(r, IN), () => ep.unregister(r), () => ep.poll(0)]) {
        expect(call).toThrow(expect.objectContaining({ code: 'ERR_CLOSED' }));
      }
    });
  });

  test('sizehint must be -1 or positive; flags 0 or EPOLL_CLOEXEC', () => {
    expect(() => epoll(0)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(() => epoll(-2)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(() => epoll(-1, 1)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
  });

  test('fromfd adopts an epoll fd: events registered through either object are seen; close closes it', () => {
    withPipe((_r, w) => {
      withEpoll((ep) => {
        ep.register(w, OUT);
        const other = epoll.fromfd(dup(ep.fileno()));
        try {
          expect(other).toBeInstanceOf(Epoll);
          expect(other.poll(0)).toEqual([[w, OUT]]);
        } finally {
          other.close();
        }
        expect(other.closed).toBe(true);
        expect(ep.poll(0)).toEqual([[w, OUT]]);
      });
    });
    expect(() => Epoll.fromfd(-1)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_FD' }));
  });

  test('close() never throws, as CPython\'s: an adopted fd closed behind its back is closed, not an error', () => {
    const ep = epoll();
    const fd = dup(ep.fileno());
    ep.close();
    const adopted = epoll.fromfd(fd);
    closeSync(fd); // behind the object's back
    expect(() => adopted.close()).not.toThrow();
    expect(adopted.closed).toBe(true);
  });

  test('the epoll fd is close-on-exec: a child process does not have it', () => {
    withEpoll((ep) => {
      const ino = fstatSync(ep.fileno()).ino;
      // Positive control: an fd passed on purpose (as the child's fd 3) is seen by the same check.
      const r = runSync('python3', ['-c', `
import os, sys, json
fds = [int(f) for f in os.listdir('/proc/self/fd')]
links = {f: os.readlink('/proc/self/fd/%d' % f) for f in fds if os.path.exists('/proc/self/fd/%d' % f)}
print(json.dumps({"epoll": [f for f, l in links.items() if 'eventpoll' in l], "fd3": links.get(3, '')}))
`], { stdio: ['ignore', 'pipe', 'pipe', ep.fileno()] });
      expect(r.stderr).toBe('');
      const out = JSON.parse(r.stdout);
      expect(out.fd3).toContain('eventpoll');
      expect(out.epoll).toEqual([3]);
      expect(ino).toBeGreaterThan(0);
      // The original fd (if not 3) is not in the child.
    });
  });
});

whenEpoll.describe('select.epoll registration', () => {
  test('register defaults to EPOLLIN|EPOLLPRI|EPOLLOUT; registering twice is EEXIST', () => {
    withPipe((r, w) => {
      withEpoll((ep) => {
        ep.register(w);
        ep.register({ fileno: () => r });
        expect(ep.poll(0)).toEqual([[w, OUT]]);
        expect(() => ep.register(w)).toThrow(expect.objectContaining({ code: 'EEXIST', syscall: 'epoll_ctl' }));
        write(w, Buffer.from('x'));
        expect(sorted(ep.poll(0))).toEqual(sorted([[w, OUT], [r, IN]]));
      });
    });
  });

  test('modify changes the mask; modify or unregister of an unknown fd is ENOENT', () => {
    withPipe((r, w) => {
      withEpoll((ep) => {
        expect(() => ep.modify(w, OUT)).toThrow(expect.objectContaining({ code: 'ENOENT' }));
        expect(() => ep.unregister(w)).toThrow(expect.objectContaining({ code: 'ENOENT' }));
        ep.register(w, IN);
        expect(ep.poll(0)).toEqual([]);
        ep.modify(w, OUT);
        expect(ep.poll(0)).toEqual([[w, OUT]]);
        ep.unregister(w);
        expect(ep.poll(0)).toEqual([]);
        void r;
      });
    });
  });

  test('unregister of a closed fd is EBADF', () => {
    withEpoll((ep) => {
      withPipe((r, w, closed) => {
        ep.register(r, IN);
        osClose(r);
        closed.add(r);
        expect(() => ep.unregister(r)).toThrow(expect.objectContaining({ code: 'EBADF' }));
        void w;
      });
    });
  });

  test('a regular file is EPERM; a bad mask is ERR_INVALID_ARG_VALUE', () => {
    const fd = openSync(__filename, 'r');
    try {
      withEpoll((ep) => {
        expect(() => ep.register(fd, IN)).toThrow(expect.objectContaining({ code: 'EPERM' }));
        expect(() => ep.register(0, 1 << 26)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
        expect(() => ep.register(0, 2 ** 32)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
      });
    } finally {
      closeSync(fd);
    }
  });

  test('EPOLLEXCLUSIVE passes through to the kernel (which refuses it with EPOLL_CTL_MOD)', () => {
    withPipe((r, w) => {
      withEpoll((ep) => {
        ep.register(r, IN | (EPOLLEXCLUSIVE as number));
        expect(() => ep.modify(r, IN | (EPOLLEXCLUSIVE as number))).toThrow(expect.objectContaining({ code: 'EINVAL' }));
        write(w, Buffer.from('x'));
        expect(ep.poll(0)).toEqual([[r, IN]]);
      });
    });
  });
});

whenEpoll.describe('select.epoll readiness', () => {
  test('level-triggered reports again until drained; EPOLLET reports once per new arrival', () => {
    withPair((a, b) => {
      withEpoll((lt) => {
        withEpoll((et) => {
          lt.register(b, IN);
          et.register(b, IN | (EPOLLET as number));
          a.send(Buffer.from('one'));
          expect(lt.poll(0)).toEqual([[b.fileno(), IN]]);
          expect(lt.poll(0)).toEqual([[b.fileno(), IN]]);
          expect(et.poll(0)).toEqual([[b.fileno(), IN]]);
          expect(et.poll(0)).toEqual([]);
          a.send(Buffer.from('two'));
          expect(et.poll(0)).toEqual([[b.fileno(), IN]]);
          expect(et.poll(0)).toEqual([]);
          b.recv(100);
          expect(lt.poll(0)).toEqual([]);
        });
      });
    });
  });

  test('EPOLLONESHOT reports once, then nothing until re-armed with modify', () => {
    withPair((a, b) => {
      withEpoll((ep) => {
        ep.register(b, IN | (EPOLLONESHOT as number));
        a.send(Buffer.from('x'));
        expect(ep.poll(0)).toEqual([[b.fileno(), IN]]);
        expect(ep.poll(0)).toEqual([]);
        a.send(Buffer.from('y'));
        expect(ep.poll(0)).toEqual([]);
        ep.modify(b, IN | (EPOLLONESHOT as number));
        expect(ep.poll(0)).toEqual([[b.fileno(), IN]]);
      });
    });
  });

  test('socketpair: shutdown → EPOLLIN|EPOLLRDHUP; peer closed → EPOLLHUP unasked; full buffer → no EPOLLOUT', () => {
    withPair((a, b) => {
      withEpoll((ep) => {
        ep.register(b, IN | (EPOLLRDHUP as number));
        ep.register(a, OUT);
        fill(a);
        expect(ep.poll(0)).toEqual([[b.fileno(), IN]]);
        a.shutdown(SHUT_WR);
        expect(ep.poll(0)).toEqual([[b.fileno(), IN | (EPOLLRDHUP as number)]]);
      });
    });
    const [a, b] = socketpair();
    try {
      withEpoll((ep) => {
        ep.register(a, 0);
        b.close();
        expect(ep.poll(0)).toEqual([[a.fileno(), EPOLLHUP]]);
      });
    } finally {
      a.close();
      b.close();
    }
  });

  test('pipe: write end closed → EPOLLHUP on the read end; read end closed → EPOLLERR on the write end', () => {
    withPipe((r, w, closed) => {
      withEpoll((ep) => {
        ep.register(r, IN);
        osClose(w);
        closed.add(w);
        expect(ep.poll(0)).toEqual([[r, EPOLLHUP]]);
      });
    });
    withPipe((r, w, closed) => {
      withEpoll((ep) => {
        ep.register(w, OUT);
        osClose(r);
        closed.add(r);
        const [[fd, ev]] = ep.poll(0);
        expect(fd).toBe(w);
        expect(ev & (EPOLLERR as number)).toBe(EPOLLERR);
      });
    });
  });

  test('loopback TCP: data → EPOLLIN, urgent data → EPOLLPRI, drained → nothing', () => {
    withTcp((client, server) => {
      withEpoll((ep) => {
        ep.register(server, IN | (EPOLLPRI as number));
        expect(ep.poll(0)).toEqual([]);
        client.send(Buffer.from('abc'));
        expect(ep.poll(5)).toEqual([[server.fileno(), IN]]);
        client.send(Buffer.from('!'), MSG_OOB);
        const [[, ev]] = ep.poll(5);
        expect(ev & (EPOLLPRI as number)).toBe(EPOLLPRI);
        void read;
      });
    });
  });

  test('events keep the high bit unsigned (results are uint32)', () => {
    withPipe((_r, w) => {
      withEpoll((ep) => {
        ep.register(w, OUT | (EPOLLET as number));
        const [[, ev]] = ep.poll(0);
        expect(ev).toBeGreaterThanOrEqual(0);
        expect(ev).toBe(OUT);
      });
    });
  });
});

whenEpoll.describe('select.epoll poll arguments', () => {
  test('maxevents limits the results; -1 means FD_SETSIZE - 1; 0 and < -1 are ERR_OUT_OF_RANGE', () => {
    const pairs = Array.from({ length: 3 }, () => socketpair());
    try {
      withEpoll((ep) => {
        for (const [a] of pairs) ep.register(a, OUT);
        expect(ep.poll(0, 2)).toHaveLength(2);
        expect(ep.poll(0, 1)).toHaveLength(1);
        expect(ep.poll(0, -1)).toHaveLength(3);
        expect(ep.poll(0)).toHaveLength(3);
        expect(ep.poll(0, 2 ** 31 - 1)).toHaveLength(3);
        for (const bad of [0, -2, 1.5, 2 ** 31]) {
          expect(() => ep.poll(0, bad)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
        }
        expect(FD_SETSIZE - 1).toBeGreaterThan(3);
      });
    } finally {
      for (const [a, b] of pairs) {
        a.close();
        b.close();
      }
    }
  });

  test('a positive timeout in seconds waits at least that long (rounded up to ms)', () => {
    withPipe((r) => {
      withEpoll((ep) => {
        ep.register(r, IN);
        const t0 = process.hrtime.bigint();
        expect(ep.poll(0.0201)).toEqual([]);
        expect(Number(process.hrtime.bigint() - t0) / 1e6).toBeGreaterThanOrEqual(20);
      });
    });
  });

  test.each([-1, -0.5, null, Infinity])('timeout %p blocks until ready', (timeout) => {
    const r = delayedWriter(100);
    try {
      withEpoll((ep) => {
        ep.register(r, IN);
        const [[fd, ev]] = ep.poll(timeout);
        expect(fd).toBe(r);
        expect(ev & IN).toBe(IN);
      });
    } finally {
      osClose(r);
    }
  });

  test('NaN timeout is ERR_INVALID_ARG_VALUE; too large is ERR_OUT_OF_RANGE', () => {
    withEpoll((ep) => {
      expect(() => ep.poll(NaN)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
      expect(() => ep.poll(2 ** 31)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    });
  });

  test('native epollWait with maxevents 0 is -EINVAL', () => {
    withEpoll((ep) => {
      expect(native.epollWait!(ep.fileno(), new Int32Array(2), 0, 0)).toBe(-osConstants.errno.EINVAL);
    });
  });
});
