// sendmsg, recvmsg and recvmsg_into against CPython as the oracle: the same scenarios run through
// python3 and through iomux, and their results compared (data, ancillary items, msg_flags,
// addresses), plus CMSG_LEN/CMSG_SPACE over their whole range of bounds.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { INT32_MAX } from '../../lib/limits';
import {
  AF_INET, AF_UNIX, CMSG_LEN, CMSG_SPACE, MSG_PEEK, MSG_TRUNC, SHUT_WR, SOCK_DGRAM, socket, socketpair,
} from '../../lib/socket';
import { runSync, succeeded } from '../helpers/child';
import { Resources, expectNoFdLeaks } from '../helpers/fds';

const res = new Resources();
afterEach(() => res.closeAll());
expectNoFdLeaks();

function python(script: string, ...args: string[]): unknown {
  const out = succeeded(runSync('python3', ['-c', `import json, os, socket, sys\n${script}`, ...args]), 'python3');
  return JSON.parse(out);
}

function iomuxOrNull(f: () => number): number | null {
  try {
    return f();
  } catch (err) {
    if ((err as { code?: string }).code !== 'ERR_OUT_OF_RANGE') throw err;
    return null;
  }
}

test('CMSG_LEN and CMSG_SPACE: CPython\'s values, and its OverflowError exactly where it raises one', () => {
  const lengths = [0, 1, 2, 3, 4, 7, 8, 9, 12, 15, 16, 17, 24, 100, 1000, 65536,
    INT32_MAX - 24, INT32_MAX - 23, INT32_MAX - 17, INT32_MAX - 16, INT32_MAX - 15, INT32_MAX - 8, INT32_MAX, INT32_MAX + 1];
  const expected = python(`
def call(f, n):
    try:
        return f(n)
    except OverflowError:
        return None
ns = json.loads(sys.argv[1])
print(json.dumps([[call(socket.CMSG_LEN, n), call(socket.CMSG_SPACE, n)] for n in ns]))
`, JSON.stringify(lengths));
  expect(lengths.map((n) => [iomuxOrNull(() => CMSG_LEN(n)), iomuxOrNull(() => CMSG_SPACE(n))])).toEqual(expected);
});

test('datagrams: a message cut short (MSG_TRUNC), scattered over buffers, peeked, and empty', () => {
  const expected = python(`
a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
out = []
a.send(b'hello world')
out.append(list(b.recvmsg(5)))
a.send(b'hello world')
out.append(list(b.recvmsg(5, 0, socket.MSG_TRUNC)))
a.sendmsg([b'he', b'llo', b'', b' you'])
bufs = [bytearray(2), bytearray(3), bytearray(10)]
n, anc, flags, addr = b.recvmsg_into(bufs)
out.append([n, anc, flags, addr, [bytes(x) for x in bufs]])
a.sendmsg([b'peek'])
out.append(list(b.recvmsg(10, 0, socket.MSG_PEEK)))
out.append(list(b.recvmsg(10, 64)))
a.sendmsg([])
out.append(list(b.recvmsg(10)))
print(json.dumps(out, default=lambda v: v.decode() if isinstance(v, (bytes, bytearray)) else v))
`);
  const [a, b] = socketpair(AF_UNIX, SOCK_DGRAM);
  res.add(a);
  res.add(b);
  const text = (r: unknown[]) => r.map((v) => (Buffer.isBuffer(v) ? v.toString() : v));
  const out: unknown[] = [];
  a.send(Buffer.from('hello world'));
  out.push(text(b.recvmsg(5)));
  a.send(Buffer.from('hello world'));
  out.push(text(b.recvmsg(5, 0, MSG_TRUNC)));
  expect(a.sendmsg([Buffer.from('he'), Buffer.from('llo'), Buffer.alloc(0), new TextEncoder().encode(' you')])).toBe(9);
  const bufs = [Buffer.alloc(2), Buffer.alloc(3), Buffer.alloc(10)];
  out.push([...b.recvmsgInto(bufs), bufs.map((x) => x.toString())]);
  a.sendmsg([Buffer.from('peek')]);
  out.push(text(b.recvmsg(10, 0, MSG_PEEK)));
  out.push(text(b.recvmsg(10, 64)));
  a.sendmsg([]);
  out.push(text(b.recvmsg(10)));
  expect(out).toEqual(expected);
});

test('addresses: a UDP sender\'s, a named and an unnamed AF_UNIX sender\'s, none on a stream', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'iomux-msg-'));
  try {
    const expected = python(`
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(('127.0.0.1', 0))
v = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); v.bind(('127.0.0.1', 0))
out = [v.sendmsg([b'ab', b'cd'], [], 0, u.getsockname())]
data, anc, flags, addr = u.recvmsg(10)
out.append([data.decode(), anc, flags, addr == v.getsockname()])
n = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); n.bind(sys.argv[1] + '/py-n')
m = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
m.sendmsg([b'x'], [], 0, sys.argv[1] + '/py-n')
out.append(list(n.recvmsg(10)))
m.bind(sys.argv[1] + '/py-m')
m.sendmsg([b'y'], (), 0, sys.argv[1] + '/py-n')
data, anc, flags, addr = n.recvmsg(10)
out.append([data.decode(), anc, flags, addr == sys.argv[1] + '/py-m'])
a, b = socket.socketpair()
a.sendall(b'z'); a.shutdown(socket.SHUT_WR)
out.append(list(b.recvmsg(10)))
out.append(list(b.recvmsg(10)))
print(json.dumps(out, default=lambda v: v.decode()))
`, dir);
    const u = res.add(socket(AF_INET, SOCK_DGRAM));
    const v = res.add(socket(AF_INET, SOCK_DGRAM));
    u.bind(['127.0.0.1', 0]);
    v.bind(['127.0.0.1', 0]);
    const out: unknown[] = [v.sendmsg([Buffer.from('ab'), Buffer.from('cd')], [], 0, u.getsockname())];
    const [data, anc, flags, addr] = u.recvmsg(10);
    out.push([data.toString(), anc, flags, JSON.stringify(addr) === JSON.stringify(v.getsockname())]);
    const n = res.add(socket(AF_UNIX, SOCK_DGRAM));
    n.bind(`${dir}/js-n`);
    const m = res.add(socket(AF_UNIX, SOCK_DGRAM));
    m.sendmsg([Buffer.from('x')], undefined, undefined, `${dir}/js-n`);
    out.push(n.recvmsg(10).map((x) => (Buffer.isBuffer(x) ? x.toString() : x)));
    m.bind(`${dir}/js-m`);
    m.sendmsg([Buffer.from('y')], [], 0, `${dir}/js-n`);
    const named = n.recvmsg(10);
    out.push([named[0].toString(), named[1], named[2], named[3] === `${dir}/js-m`]);
    const [a, b] = res.socketpair();
    a.sendall(Buffer.from('z'));
    a.shutdown(SHUT_WR);
    out.push(b.recvmsg(10).map((x) => (Buffer.isBuffer(x) ? x.toString() : x)));
    out.push(b.recvmsg(10).map((x) => (Buffer.isBuffer(x) ? x.toString() : x)));
    expect(out).toEqual(expected);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a stream sendmsg gathers every buffer in order; recvmsgInto scatters them over its own', () => {
  const [a, b] = res.socketpair();
  const parts = [Buffer.from('one '), new Uint16Array([0x7774, 0x206f]), new DataView(new TextEncoder().encode('three').buffer)];
  expect(a.sendmsg(parts)).toBe(13);
  const into = [new Uint8Array(3), Buffer.alloc(20)];
  const [nbytes, ancdata, msgFlags, address] = b.recvmsgInto(new Set(into));
  expect([nbytes, ancdata, msgFlags, address]).toEqual([13, [], 0, null]);
  expect(Buffer.concat(into).subarray(0, 13).toString()).toBe('one two three');
});
