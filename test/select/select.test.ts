import { constants as osConstants } from 'node:os';
import { close as osClose, read, setBlocking, write } from '../../lib/os';
import { FD_SETSIZE, select } from '../../lib/select';
import { native } from '../../lib/native';
import { MSG_OOB, SHUT_WR, socketpair } from '../../lib/socket';
import { expectNoFdLeaks, highFd } from '../helpers/fds';
import { fill, withPair, withPipe, withTcp } from '../helpers/io';

expectNoFdLeaks({ exact: true });

describe('select.select readiness', () => {
  test('a fresh pipe: the write end is writable, the read end is not readable', () => {
    withPipe((r, w) => {
      expect(select([r], [w], [], 0)).toEqual([[], [w], []]);
    });
  });

  test('a pipe with data is readable; after reading it all it is not', () => {
    withPipe((r, w) => {
      write(w, Buffer.from('abc'));
      expect(select([r], [], [], 0)).toEqual([[r], [], []]);
      expect(read(r, 10).toString()).toBe('abc');
      expect(select([r], [], [], 0)).toEqual([[], [], []]);
    });
  });

  test('closing the write end makes the read end readable (EOF)', () => {
    withPipe((r, w, closed) => {
      osClose(w);
      closed.add(w);
      expect(select([r], [], [], 0)).toEqual([[r], [], []]);
      expect(read(r, 10).length).toBe(0);
    });
  });

  test('socketpair: send makes the peer readable, recv drains it', () => {
    withPair((a, b) => {
      expect(select([a, b], [], [], 0)[0]).toEqual([]);
      a.send(Buffer.from('hi'));
      expect(select([a, b], [], [], 0)[0]).toEqual([b]);
      b.recv(10);
      expect(select([a, b], [], [], 0)[0]).toEqual([]);
    });
  });

  test('socketpair: shutdown(SHUT_WR) makes the peer readable; a full send buffer is not writable', () => {
    withPair((a, b) => {
      fill(a);
      expect(select([], [a], [], 0)[1]).toEqual([]);
      b.shutdown(SHUT_WR);
      expect(select([a], [], [], 0)[0]).toEqual([a]);
      expect(a.recv(10).length).toBe(0);
    });
  });

  test('socketpair: closing one end makes the other readable and writable (the error shows on use)', () => {
    const [a, b] = socketpair();
    try {
      b.close();
      expect(select([a], [a], [], 0)).toEqual([[a], [a], []]);
    } finally {
      a.close();
      b.close();
    }
  });

  test('loopback TCP: data flows both ways and out-of-band data shows in xlist', () => {
    withTcp((client, server) => {
      expect(select([client, server], [client, server], [client, server], 0)).toEqual([[], [client, server], []]);
      client.send(Buffer.from('x'));
      // Loopback delivery is synchronous, but give it a blocking wait to be safe.
      expect(select([server], [], [], 5)[0]).toEqual([server]);
      client.send(Buffer.from('!'), MSG_OOB);
      expect(select([], [], [server], 5)[2]).toEqual([server]);
    });
  });

  test('returns the original objects, in input order, with duplicates, from any iterable', () => {
    withPipe((r, w) => {
      write(w, Buffer.from('x'));
      const objR = { fileno: () => r };
      const objW = { fileno: () => w };
      function* gen() {
        yield objW;
        yield w;
        yield objW;
      }
      const [rr, ww, xx] = select(new Set([objR, r]), gen(), [], 0);
      expect(rr).toEqual([objR, r]);
      expect(rr[0]).toBe(objR);
      expect(ww).toEqual([objW, w, objW]);
      expect(ww[0]).toBe(objW);
      expect(xx).toEqual([]);
    });
  });

  test('the result arrays are new arrays, not the inputs', () => {
    withPipe((r, w) => {
      const wl = [w];
      const [, ww] = select([r], wl, [], 0);
      expect(ww).not.toBe(wl);
    });
  });

  test('a positive timeout waits at least that long when nothing is ready', () => {
    withPipe((r) => {
      const t0 = process.hrtime.bigint();
      expect(select([r], [], [], 0.05)).toEqual([[], [], []]);
      expect(Number(process.hrtime.bigint() - t0) / 1e9).toBeGreaterThanOrEqual(0.05);
    });
  });

  test('empty lists with a timeout sleep and return three empty arrays', () => {
    expect(select([], [], [], 0.01)).toEqual([[], [], []]);
  });

  test('a closed fd fails with EBADF', () => {
    let fd = -1;
    withPipe((r) => {
      fd = r;
    });
    expect(() => select([fd], [], [], 0)).toThrow(expect.objectContaining({ code: 'EBADF', syscall: 'select' }));
  });
});

describe('select.select FD_SETSIZE guard', () => {
  test('FD_SETSIZE is exported', () => {
    expect(FD_SETSIZE).toBe(native.constants.FD_SETSIZE);
  });

  test('an open fd >= FD_SETSIZE is ERR_OUT_OF_RANGE, in any list, before the kernel', () => {
    const [fd, closeAll] = highFd(FD_SETSIZE);
    try {
      expect(fd).toBeGreaterThanOrEqual(FD_SETSIZE);
      for (const lists of [[[fd], [], []], [[], [fd], []], [[], [], [fd]]]) {
        expect(() => select(lists[0], lists[1], lists[2], 0)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
      }
      expect(() => select([{ fileno: () => fd }], [], [], 0)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    } finally {
      closeAll();
    }
  });

  test('native select refuses an fd >= FD_SETSIZE with -EINVAL and writes nothing', () => {
    const [fd, closeAll] = highFd(FD_SETSIZE);
    try {
      withPipe((r, w) => {
        const fds = Int32Array.of(r, fd, w);
        const ready = new Int32Array(3).fill(7);
        expect(native.select(fds, 2, 1, 0, ready, 0)).toBe(-osConstants.errno.EINVAL);
        expect(Array.from(ready)).toEqual([7, 7, 7]);
      });
    } finally {
      closeAll();
    }
  });

  test('FD_SETSIZE entries in one list are fine, one more is ERR_OUT_OF_RANGE (per list, as CPython)', () => {
    withPipe((r, w) => {
      const full = new Array(FD_SETSIZE).fill(w);
      const [, ww] = select([], full, [], 0);
      expect(ww.length).toBe(FD_SETSIZE);
      expect(select(new Array(FD_SETSIZE).fill(r), full, [], 0)[1].length).toBe(FD_SETSIZE);
      expect(() => select([...full, w], [], [], 0)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    });
  });

  test('a negative timeout is ERR_OUT_OF_RANGE; NaN is ERR_INVALID_ARG_VALUE', () => {
    withPipe((r) => {
      expect(() => select([r], [], [], -1)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
      expect(() => select([r], [], [], -1e-9)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
      expect(() => select([r], [], [], NaN)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    });
  });

  test('the module stays usable after a refused call (shared buffers intact)', () => {
    withPipe((r, w) => {
      expect(() => select([r, -1], [], [], 0)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_FD' }));
      setBlocking(w, false);
      write(w, Buffer.from('x'));
      expect(select([r], [w], [], 0)).toEqual([[r], [w], []]);
    });
  });
});
