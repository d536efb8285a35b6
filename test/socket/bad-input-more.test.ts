// The bad-input tables of the socket calls bad-input.test.ts leaves out: socketpair, fromfd and
// the adopting constructor, socket.dup and sock.dup, settimeout/setdefaulttimeout, AF_UNIX paths
// and abstract names (bind, connect, sendto), UDP recvfrom/recvfromInto/sendto — every argument
// position; the code docs/API.md names, never a crash, never a leaked or wrongly owned fd.
import { mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as os from '../../lib/os';
import {
  AF_INET, AF_INET6, AF_UNIX, SOCK_DGRAM, SOCK_STREAM, Socket, dup, getdefaulttimeout, setdefaulttimeout, socket, socketpair,
} from '../../lib/socket';
import { BAD_FDS, BAD_INTS, NOT_BUFFERS, NOT_NUMBERS, NOT_NUMBERS_DEFINED, codeOf } from '../helpers/bad-input';
import { Resources, closedFd, expectNoFdLeaks } from '../helpers/fds';
import { linuxOnly } from '../helpers/platform';

const res = new Resources();
let dir = '';
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'iomux-unix-'));
});
afterEach(() => {
  res.closeAll();
  setdefaulttimeout(null);
  rmSync(dir, { recursive: true, force: true });
});
expectNoFdLeaks(); // after closeAll: hooks run in the order they were added

const OS_ERROR = /^E[A-Z0-9]+$/;

describe('socketpair(family, type, proto)', () => {
  const at = (i: number, v: unknown) => () => socketpair(...([AF_UNIX, SOCK_STREAM, 0].map((d, j) => (j === i ? v : d)) as [number, number, number]));
  test.each([0, 1, 2])('position %i: not numbers → ERR_INVALID_ARG_TYPE, bad ints → ERR_OUT_OF_RANGE', (i) => {
    for (const v of NOT_NUMBERS_DEFINED) expect([v, codeOf(at(i, v))]).toEqual([v, 'ERR_INVALID_ARG_TYPE']);
    for (const v of BAD_INTS) expect([v, codeOf(at(i, v))]).toEqual([v, 'ERR_OUT_OF_RANGE']);
  });
  test('values the kernel refuses are its errors, and leave no fd: no pairs for AF_INET, an unknown type or protocol', () => {
    expect(codeOf(() => socketpair(AF_INET))).toMatch(/^(EOPNOTSUPP|ENOTSUP|EAFNOSUPPORT)$/);
    expect(codeOf(() => socketpair(AF_INET6, SOCK_DGRAM))).toMatch(/^(EOPNOTSUPP|ENOTSUP|EAFNOSUPPORT)$/);
    expect(codeOf(() => socketpair(AF_UNIX, 999))).toMatch(OS_ERROR);
    expect(codeOf(() => socketpair(AF_UNIX, SOCK_STREAM, 5))).toBe('EPROTONOSUPPORT');
    expect(codeOf(() => socketpair(-1))).toMatch(OS_ERROR);
  });
});

describe('Socket.fromfd(fd) and new Socket(family, type, proto, fileno)', () => {
  test.each([...BAD_FDS.map((v) => [v, 'ERR_INVALID_FD']), ...NOT_NUMBERS.map((v) => [v, 'ERR_INVALID_ARG_TYPE'])])('fromfd(%p) → %s', (v, code) => {
    expect(codeOf(() => Socket.fromfd(v as number))).toBe(code);
  });

  test('an fd that is no open socket is refused, given family and type or not, as CPython; the caller keeps its fd', () => {
    const [r] = res.pipe();
    const file = res.fd(openSync(__filename, 'r'));
    for (const fd of [r, file]) {
      expect(codeOf(() => Socket.fromfd(fd))).toBe('ENOTSOCK');
      expect(codeOf(() => new Socket(AF_INET, SOCK_STREAM, 0, fd))).toBe('ENOTSOCK');
      expect(codeOf(() => new Socket(AF_UNIX, undefined, undefined, fd))).toBe('ENOTSOCK');
      expect(os.getBlocking(fd)).toBe(true); // still open, still the caller's
    }
    const gone = closedFd();
    expect(codeOf(() => Socket.fromfd(gone))).toBe('EBADF');
    expect(codeOf(() => new Socket(AF_INET, SOCK_STREAM, 0, gone))).toBe('EBADF');
  });

  test('family, type, proto beside a fileno: each position checked before the fd is adopted', () => {
    const [a] = res.socketpair();
    const fd = a.fileno();
    for (const v of NOT_NUMBERS_DEFINED) {
      expect(codeOf(() => new Socket(v as number, SOCK_STREAM, 0, fd))).toBe('ERR_INVALID_ARG_TYPE');
      expect(codeOf(() => new Socket(AF_UNIX, v as number, 0, fd))).toBe('ERR_INVALID_ARG_TYPE');
      expect(codeOf(() => new Socket(AF_UNIX, SOCK_STREAM, v as number, fd))).toBe('ERR_INVALID_ARG_TYPE');
    }
    for (const v of BAD_INTS) expect(codeOf(() => new Socket(AF_UNIX, SOCK_STREAM, v, fd))).toBe('ERR_OUT_OF_RANGE');
    expect(a.getsockname()).toBe(''); // a is untouched
  });
});

describe('socket.dup(fd), sock.dup()', () => {
  test.each([...BAD_FDS.map((v) => [v, 'ERR_INVALID_FD']), ...NOT_NUMBERS.map((v) => [v, 'ERR_INVALID_ARG_TYPE'])])('dup(%p) → %s', (v, code) => {
    expect(codeOf(() => dup(v as number))).toBe(code);
  });

  test('dup of a closed fd is EBADF; of an open socket a new close-on-exec fd the caller owns', () => {
    expect(codeOf(() => dup(closedFd()))).toBe('EBADF');
    const [a, b] = res.socketpair();
    const copy = res.fd(dup(a.fileno()));
    const s = res.add(Socket.fromfd(copy));
    s.send(Buffer.from('via the dup'));
    expect(b.recv(20).toString()).toBe('via the dup');
  });

  test('sock.dup() of a closed or detached socket → ERR_CLOSED; extra arguments are ignored', () => {
    const [a, b] = socketpair();
    a.close();
    const fd = b.detach();
    try {
      expect(codeOf(() => a.dup())).toBe('ERR_CLOSED');
      expect(codeOf(() => b.dup())).toBe('ERR_CLOSED');
    } finally {
      os.close(fd);
    }
    const [c] = res.socketpair();
    const d = res.add((c.dup as (x: unknown) => Socket)('ignored'));
    expect(d.fileno()).not.toBe(c.fileno());
  });
});

describe('settimeout(t), setdefaulttimeout(t)', () => {
  const TYPES = ['1', '', true, {}, [], () => 1, 1n, Symbol('t'), new Date(0)];
  const RANGE = [-1, -1e-9, -Infinity, Infinity, 2147483.648, Number.MAX_VALUE];
  test('not a number → ERR_INVALID_ARG_TYPE, NaN → ERR_INVALID_ARG_VALUE, out of range → ERR_OUT_OF_RANGE; the mode is unchanged', () => {
    const [a] = res.socketpair();
    a.settimeout(2);
    for (const [values, code] of [[TYPES, 'ERR_INVALID_ARG_TYPE'], [[NaN], 'ERR_INVALID_ARG_VALUE'], [RANGE, 'ERR_OUT_OF_RANGE']] as const) {
      for (const v of values) {
        expect([v, codeOf(() => a.settimeout(v as number))]).toEqual([v, code]);
        expect([v, codeOf(() => setdefaulttimeout(v as number))]).toEqual([v, code]);
      }
    }
    expect(a.gettimeout()).toBe(2);
    expect(getdefaulttimeout()).toBe(null);
    a.settimeout(2147483.647);
    expect(a.gettimeout()).toBe(2147483.647);
  });
  test('a closed socket → ERR_CLOSED (settimeout and gettimeout)', () => {
    const [a] = res.socketpair();
    a.close();
    expect(codeOf(() => a.settimeout(1))).toBe('ERR_CLOSED');
    expect(codeOf(() => a.gettimeout())).toBe('ERR_CLOSED');
  });
});

describe('AF_UNIX paths and abstract names: bind, connect, sendto', () => {
  const MAX_PATH = 107; // sun_path holds 108 bytes: a path needs its NUL, an abstract name does not
  const stream = () => res.add(socket(AF_UNIX, SOCK_STREAM));
  const dgram = () => res.add(socket(AF_UNIX, SOCK_DGRAM));
  const longPath = (bytes: number) => path.join(dir, 'a'.repeat(bytes - dir.length - 1));

  test('a path of 107 bytes binds; 108 bytes (or 108 in UTF-8, from fewer characters) → ENAMETOOLONG for bind, connect, sendto', () => {
    const s = stream();
    s.bind(longPath(MAX_PATH));
    expect(Buffer.byteLength(s.getsockname() as string)).toBe(MAX_PATH);
    const utf8 = path.join(dir, 'é'.repeat(Math.ceil((MAX_PATH + 1 - dir.length - 1) / 2)));
    for (const p of [longPath(MAX_PATH + 1), utf8, '/' + 'x'.repeat(500)]) {
      expect(codeOf(() => stream().bind(p))).toBe('ENAMETOOLONG');
      expect(codeOf(() => stream().connect(p))).toBe('ENAMETOOLONG');
      expect(codeOf(() => stream().connectEx(p))).toBe('ENAMETOOLONG');
      expect(codeOf(() => dgram().sendto(Buffer.from('x'), p))).toBe('ENAMETOOLONG');
    }
  });

  linuxOnly.test('abstract names (Linux only): 108 bytes with the NUL bind, 109 → ENAMETOOLONG; the error names it with @', () => {
    const name = `\0iomux-${process.pid}-`;
    const s = stream();
    s.bind(name + 'b'.repeat(108 - name.length));
    expect((s.getsockname() as string).length).toBe(108);
    expect(codeOf(() => stream().bind(name + 'b'.repeat(109 - name.length)))).toBe('ENAMETOOLONG');
    expect(codeOf(() => stream().connect(name + 'c'.repeat(109 - name.length)))).toBe('ENAMETOOLONG');
    expect(codeOf(() => stream().connect(`${name}nobody`))).toBe('ECONNREFUSED');
    const err = (() => {
      try {
        stream().connect(`${name}nobody`);
      } catch (e) {
        return e as Error & { address?: string };
      }
    })();
    expect(err?.address).toBe(`${name}nobody`);
    expect(err?.message).toContain(`@iomux-${process.pid}-nobody`); // no raw NUL in the message
  });

  test('paths the kernel refuses are its errors: no such directory, a file that is no socket, a path in use, a second bind, the empty path to connect', () => {
    expect(codeOf(() => stream().bind(path.join(dir, 'no', 'such', 'dir')))).toBe('ENOENT');
    expect(codeOf(() => stream().connect(path.join(dir, 'nobody')))).toBe('ENOENT');
    writeFileSync(path.join(dir, 'file'), 'x');
    expect(codeOf(() => stream().connect(path.join(dir, 'file')))).toBe('ECONNREFUSED');
    expect(codeOf(() => stream().bind(path.join(dir, 'file')))).toBe('EADDRINUSE');
    const s = stream();
    s.bind(path.join(dir, 'one'));
    expect(codeOf(() => s.bind(path.join(dir, 'two')))).toBe('EINVAL');
    expect(codeOf(() => stream().connect(''))).toBe('EINVAL');
    expect(codeOf(() => dgram().sendto(Buffer.from('x'), path.join(dir, 'nobody')))).toBe('ENOENT');
  });

  test('NUL inside a path → ERR_INVALID_ARG_VALUE; a lone surrogate is sent as U+FFFD (no crash); non-strings → ERR_INVALID_ARG_TYPE', () => {
    for (const p of ['/tmp/a\0b', 'a\0', `${dir}/\0`]) {
      expect(codeOf(() => stream().bind(p))).toBe('ERR_INVALID_ARG_VALUE');
      expect(codeOf(() => dgram().sendto(Buffer.from('x'), 0, p))).toBe('ERR_INVALID_ARG_VALUE');
    }
    expect(codeOf(() => stream().connect(`${dir}/\ud800`))).toBe('ENOENT');
    for (const v of [undefined, null, 3, ['a', 1], {}, Buffer.from('x'), Symbol('p')]) {
      expect(codeOf(() => stream().bind(v as string))).toBe('ERR_INVALID_ARG_TYPE');
      expect(codeOf(() => stream().connect(v as string))).toBe('ERR_INVALID_ARG_TYPE');
      expect(codeOf(() => dgram().sendto(Buffer.from('x'), v as string))).toBe('ERR_INVALID_ARG_TYPE');
    }
  });
});

describe('UDP recvfrom(n, flags), recvfromInto(buf, nbytes, flags), sendto(data, [flags,] address)', () => {
  const udp = () => {
    const u = res.add(socket(AF_INET, SOCK_DGRAM));
    u.setblocking(false);
    return u;
  };
  const to: [string, number] = ['127.0.0.1', 9];
  type Row = [string, (v: unknown) => unknown, unknown[], string];
  const rows: Row[] = [
    ['recvfrom n', (v) => udp().recvfrom(v as number), NOT_NUMBERS, 'ERR_INVALID_ARG_TYPE'],
    ['recvfrom n', (v) => udp().recvfrom(v as number), [-1, ...BAD_INTS], 'ERR_OUT_OF_RANGE'],
    ['recvfrom flags', (v) => udp().recvfrom(1, v as number), NOT_NUMBERS_DEFINED, 'ERR_INVALID_ARG_TYPE'],
    ['recvfrom flags', (v) => udp().recvfrom(1, v as number), BAD_INTS, 'ERR_OUT_OF_RANGE'],
    ['recvfromInto buf', (v) => udp().recvfromInto(v as Buffer), NOT_BUFFERS, 'ERR_INVALID_ARG_TYPE'],
    ['recvfromInto nbytes', (v) => udp().recvfromInto(Buffer.alloc(8), v as number), NOT_NUMBERS_DEFINED, 'ERR_INVALID_ARG_TYPE'],
    ['recvfromInto nbytes', (v) => udp().recvfromInto(Buffer.alloc(8), v as number), [-1, 9, ...BAD_INTS], 'ERR_OUT_OF_RANGE'],
    ['recvfromInto flags', (v) => udp().recvfromInto(Buffer.alloc(8), 0, v as number), NOT_NUMBERS_DEFINED, 'ERR_INVALID_ARG_TYPE'],
    ['recvfromInto flags', (v) => udp().recvfromInto(Buffer.alloc(8), 0, v as number), BAD_INTS, 'ERR_OUT_OF_RANGE'],
    ['sendto data', (v) => udp().sendto(v as Buffer, to), NOT_BUFFERS, 'ERR_INVALID_ARG_TYPE'],
    ['sendto flags', (v) => udp().sendto(Buffer.alloc(1), v as number, to), NOT_NUMBERS, 'ERR_INVALID_ARG_TYPE'],
    ['sendto flags', (v) => udp().sendto(Buffer.alloc(1), v as number, to), BAD_INTS, 'ERR_OUT_OF_RANGE'],
    ['sendto address (2 arguments)', (v) => udp().sendto(Buffer.alloc(1), v as [string, number]), [undefined, null, 5, 'x', {}, [], ['127.0.0.1']], 'ERR_INVALID_ARG_TYPE'],
    ['sendto address (3 arguments)', (v) => udp().sendto(Buffer.alloc(1), 0, v as [string, number]), [undefined, null, 5, 'x', {}, [], ['127.0.0.1']], 'ERR_INVALID_ARG_TYPE'],
    ['sendto address port', (v) => udp().sendto(Buffer.alloc(1), ['127.0.0.1', v as number]), [-1, 65536, 1.5, NaN], 'ERR_OUT_OF_RANGE'],
    ['sendto address host', (v) => udp().sendto(Buffer.alloc(1), [v as string, 9]), ['127.0.0.1\0'], 'ERR_INVALID_ARG_VALUE'],
    // Resolved as CPython does (its gaierror codes); refused without asking DNS.
    ['sendto address host of the other family', (v) => udp().sendto(Buffer.alloc(1), [v as string, 9]), ['::1'], 'EAI_ADDRFAMILY'],
    ['sendto address host that is no name', (v) => udp().sendto(Buffer.alloc(1), [v as string, 9]), [' 127.0.0.1'], 'EAI_NONAME'],
  ];
  test.each(rows)('%s: each bad value → %#', (_name, call, values, code) => {
    for (const v of values) expect([v, codeOf(() => call(v))]).toEqual([v, code]);
  });

  test('what the kernel refuses: EAGAIN with nothing queued, EMSGSIZE above 65507 bytes, EINVAL for port 0; an AF_INET address on an AF_INET6 socket → EAI_ADDRFAMILY (as CPython)', () => {
    expect(codeOf(() => udp().recvfrom(10))).toBe('EAGAIN');
    expect(codeOf(() => udp().recvfromInto(Buffer.alloc(4)))).toBe('EAGAIN');
    expect(codeOf(() => udp().sendto(Buffer.alloc(70000), to))).toBe('EMSGSIZE');
    expect(codeOf(() => udp().sendto(Buffer.alloc(1), ['127.0.0.1', 0]))).toBe('EINVAL');
    const six = res.add(socket(AF_INET6, SOCK_DGRAM));
    expect(codeOf(() => six.sendto(Buffer.alloc(1), to))).toBe('EAI_ADDRFAMILY');
  });

  test('a round trip still works after all that (the sockets were not left broken)', () => {
    const a = udp();
    a.bind(['127.0.0.1', 0]);
    const b = udp();
    b.settimeout(5);
    expect(b.sendto(Buffer.from('ping'), 0, a.getsockname())).toBe(4);
    a.settimeout(5);
    const [data, from] = a.recvfrom(10);
    expect([data.toString(), from?.[1]]).toEqual(['ping', b.getsockname()[1]]);
  });
});
