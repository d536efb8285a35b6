import { constants as osConstants } from 'node:os';
import { close as osClose, read, setBlocking, write } from '../../lib/os';
import {
  POLLERR, POLLHUP, POLLIN, POLLNVAL, POLLOUT, POLLPRI, POLLRDHUP, poll, Poll,
} from '../../lib/select';
import { MSG_OOB, SHUT_WR, socketpair } from '../../lib/socket';
import { expectNoFdLeaks } from '../helpers/fds';
import { delayedWriter, fill, fillPipe, withPair, withPipe, withTcp } from '../helpers/io';

expectNoFdLeaks({ exact: true });

const sorted = (r: Array<[number, number]>) => [...r].sort((a, b) => a[0] - b[0]);

describe('select.poll registration', () => {
  test('poll() returns a Poll; an empty one with timeout 0 returns []', () => {
    const p = poll();
    expect(p).toBeInstanceOf(Poll);
    expect(p.poll(0)).toEqual([]);
  });

  test('register defaults to POLLIN|POLLPRI|POLLOUT: a fresh pipe write end reports POLLOUT', () => {
    withPipe((r, w) => {
      const p = poll();
      p.register(r);
      p.register({ fileno: () => w });
      expect(p.poll(0)).toEqual([[w, POLLOUT]]);
    });
  });

  test('registering again overwrites the mask', () => {
    withPipe((r, w) => {
      const p = poll();
      p.register(w, POLLIN);
      expect(p.poll(0)).toEqual([]);
      p.register(w, POLLOUT);
      expect(p.poll(0)).toEqual([[w, POLLOUT]]);
      void r;
    });
  });

  test('modify changes the mask; modify of an unknown fd is ENOENT', () => {
    withPipe((_r, w) => {
      const p = poll();
      expect(() => p.modify(w, POLLOUT)).toThrow(expect.objectContaining({ code: 'ENOENT', errno: -osConstants.errno.ENOENT }));
      p.register(w, POLLIN);
      p.modify(w, POLLOUT);
      expect(p.poll(0)).toEqual([[w, POLLOUT]]);
    });
  });

  test('unregister removes; unregister of an unknown fd is ERR_NOT_REGISTERED', () => {
    withPipe((r, w) => {
      const p = poll();
      p.register(w, POLLOUT);
      p.register(r, POLLIN);
      p.unregister(w);
      expect(p.poll(0)).toEqual([]);
      expect(() => p.unregister(w)).toThrow(expect.objectContaining({ code: 'ERR_NOT_REGISTERED' }));
      write(w, Buffer.from('x'));
      expect(p.poll(0)).toEqual([[r, POLLIN]]);
    });
  });

  test('the pollfd array follows changes made between waits (add, modify, remove, re-add)', () => {
    withPipe((r, w) => {
      withPair((a, b) => {
        const p = poll();
        p.register(r, POLLIN);
        p.register(a, POLLIN);
        expect(p.poll(0)).toEqual([]);
        b.send(Buffer.from('x'));
        expect(p.poll(0)).toEqual([[a.fileno(), POLLIN]]);
        p.register(w, POLLOUT);
        expect(sorted(p.poll(0))).toEqual(sorted([[a.fileno(), POLLIN], [w, POLLOUT]]));
        p.unregister(a);
        p.modify(w, POLLIN);
        expect(p.poll(0)).toEqual([]);
        p.register(a, POLLIN | POLLOUT);
        expect(p.poll(0)).toEqual([[a.fileno(), POLLIN | POLLOUT]]);
      });
    });
  });

  test('a mask with bits that are not POLL* constants is ERR_INVALID_ARG_VALUE, and nothing changes', () => {
    withPipe((_r, w) => {
      const p = poll();
      p.register(w, POLLOUT);
      expect(() => p.register(w, 1 << 30)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
      expect(() => p.modify(w, -1)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
      expect(p.poll(0)).toEqual([[w, POLLOUT]]);
    });
  });
});

describe('select.poll readiness', () => {
  test('socketpair: send → POLLIN on the peer; recv drains it; a full buffer loses POLLOUT', () => {
    withPair((a, b) => {
      const p = poll();
      p.register(a, POLLIN | POLLOUT);
      p.register(b, POLLIN);
      expect(p.poll(0)).toEqual([[a.fileno(), POLLOUT]]);
      a.send(Buffer.from('hello'));
      expect(sorted(p.poll(0))).toEqual(sorted([[a.fileno(), POLLOUT], [b.fileno(), POLLIN]]));
      b.recv(100);
      fill(a);
      expect(p.poll(0)).toEqual([[b.fileno(), POLLIN]]);
    });
  });

  test('socketpair: shutdown(SHUT_WR) gives the peer POLLIN and POLLRDHUP', () => {
    withPair((a, b) => {
      const p = poll();
      p.register(b, POLLIN | (POLLRDHUP ?? 0));
      a.shutdown(SHUT_WR);
      expect(p.poll(0)).toEqual([[b.fileno(), POLLIN | (POLLRDHUP ?? 0)]]);
    });
  });

  test('socketpair: the peer closed → POLLHUP even when not asked for', () => {
    const [a, b] = socketpair();
    try {
      const p = poll();
      p.register(a, 0);
      b.close();
      expect(p.poll(0)).toEqual([[a.fileno(), POLLHUP]]);
    } finally {
      a.close();
      b.close();
    }
  });

  test('pipe: the write end closed → POLLHUP on the read end (POLLIN once data was written)', () => {
    withPipe((r, w, closed) => {
      const p = poll();
      p.register(r, POLLIN);
      osClose(w);
      closed.add(w);
      expect(p.poll(0)).toEqual([[r, POLLHUP]]);
    });
  });

  test('pipe: the read end closed → POLLERR on the write end', () => {
    withPipe((r, w, closed) => {
      const p = poll();
      p.register(w, POLLOUT);
      osClose(r);
      closed.add(r);
      const [[fd, ev]] = p.poll(0);
      expect(fd).toBe(w);
      expect(ev & POLLERR).toBe(POLLERR);
    });
  });

  test('a closed fd reports POLLNVAL, and the others still report', () => {
    let stale = -1;
    withPipe((r) => {
      stale = r;
    });
    withPipe((r, w) => {
      // Whatever number `stale` had, make sure it is not open now (the pipe above may reuse it).
      const p = poll();
      const closedFd = [r, w].includes(stale) ? Math.max(r, w) + 100 : stale;
      p.register(closedFd, POLLIN);
      p.register(w, POLLOUT);
      expect(sorted(p.poll(0))).toEqual(sorted([[closedFd, POLLNVAL], [w, POLLOUT]]));
    });
  });

  test('loopback TCP: data → POLLIN, urgent data → POLLPRI', () => {
    withTcp((client, server) => {
      const p = poll();
      p.register(server, POLLIN | POLLPRI);
      expect(p.poll(0)).toEqual([]);
      client.send(Buffer.from('a'));
      expect(p.poll(5000)).toEqual([[server.fileno(), POLLIN]]);
      client.send(Buffer.from('!'), MSG_OOB);
      const [[, ev]] = p.poll(5000);
      expect(ev & POLLPRI).toBe(POLLPRI);
    });
  });

  test('a full pipe is not writable until read from', () => {
    withPipe((r, w) => {
      fillPipe(w, setBlocking);
      const p = poll();
      p.register(w, POLLOUT);
      expect(p.poll(0)).toEqual([]);
      read(r, 65536);
      expect(p.poll(0)).toEqual([[w, POLLOUT]]);
    });
  });
});

describe('select.poll timeouts', () => {
  test('a positive timeout in ms waits at least that long (fractions round up)', () => {
    withPipe((r) => {
      const p = poll();
      p.register(r, POLLIN);
      const t0 = process.hrtime.bigint();
      expect(p.poll(20.2)).toEqual([]);
      expect(Number(process.hrtime.bigint() - t0) / 1e6).toBeGreaterThanOrEqual(20);
    });
  });

  test.each([-1, -5.5, null, undefined, Infinity])('timeout %p blocks until an fd is ready', (timeout) => {
    const r = delayedWriter(100);
    try {
      const p = poll();
      p.register(r, POLLIN);
      const [[fd, ev]] = p.poll(timeout);
      expect(fd).toBe(r);
      expect(ev & POLLIN).toBe(POLLIN); // POLLHUP too if the child has exited already
    } finally {
      osClose(r);
    }
  });

  test('NaN is ERR_INVALID_ARG_VALUE; more than 2^31-1 ms is ERR_OUT_OF_RANGE', () => {
    const p = poll();
    expect(() => p.poll(NaN)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => p.poll(2 ** 31)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
  });
});
