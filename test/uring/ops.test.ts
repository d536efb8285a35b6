// Every prep operation of Ring end to end on real sockets, pipes and files, and the ring's own
// contract: tags, pending, wait's minimum and timeout, fileno, close.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, openSync, closeSync } from 'node:fs';
import { constants as osConstants, tmpdir } from 'node:os';
import path from 'node:path';
import * as os from '../../lib/os';
import { C } from '../../lib/native';
import { socket, socketpair, AF_INET, AF_INET6, SOCK_STREAM, type Socket } from '../../lib/socket';
import { Ring, type Completion } from '../../lib/uring';
import { codeOf } from '../helpers/bad-input';
import { openFds } from '../helpers/fds';
import { hasIpv6Loopback, when, whenUring } from '../helpers/platform';

const E = osConstants.errno;
const byTag = (cs: Completion[]) => new Map(cs.map(([tag, res, flags]) => [tag, [res, flags]]));
/** The open-file flags the kernel reports for `fd` (Linux: /proc/self/fdinfo). */
const openFlags = (fd: number): number => Number(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8').match(/flags:\s+(\d+)/)![1]);

let fdsBefore: number[];
const open: Array<{ close(): void }> = [];
beforeAll(() => {
  fdsBefore = openFds();
});
afterEach(() => {
  while (open.length) open.pop()!.close();
});
afterAll(() => {
  expect(openFds().filter((fd) => !fdsBefore.includes(fd))).toEqual([]);
});
const ringOf = (entries?: number, cq?: number): Ring => {
  const ring = new Ring(entries, cq === undefined ? undefined : { cqEntries: cq });
  open.push(ring);
  return ring;
};
/** A listening TCP socket of `family` on `host`, its port, and a client socket of the same family; all closed after the test. */
function listenerAndClient(family: number, host: string): [Socket, number, Socket] {
  const server = socket(family, SOCK_STREAM);
  open.push(server);
  server.bind([host, 0]);
  server.listen(8);
  const client = socket(family, SOCK_STREAM);
  open.push(client);
  return [server, (server.getsockname() as [string, number])[1], client];
}
const pair = (): [Socket, Socket] => {
  const p = socketpair();
  open.push(p[0], p[1]);
  return p;
};

whenUring.test('send and recv through one submit: both complete, bytes land in the receive buffer', () => {
  const ring = ringOf(8);
  const [a, b] = pair();
  const buf = Buffer.alloc(32);
  ring.prepRecv(a, buf, 1);
  ring.prepSend(b, Buffer.from('hello ring'), 2);
  expect(ring.pending).toBe(2);
  expect(ring.submit()).toBe(2);
  const got = byTag(ring.wait(2, 5));
  expect(got.get(1)).toEqual([10, 0]);
  expect(got.get(2)).toEqual([10, 0]);
  expect(buf.subarray(0, 10).toString()).toBe('hello ring');
  expect(ring.pending).toBe(0);
});

whenUring.test('recv completes only when data comes; 0 at EOF', () => {
  const ring = ringOf();
  const [a, b] = pair();
  const buf = new Uint8Array(8);
  ring.prepRecv(a.fileno(), buf, 7);
  ring.submit();
  expect(ring.wait(1, 0.05)).toEqual([]);
  b.send(Buffer.from('x'));
  expect(ring.wait(1, 5)).toEqual([[7, 1, 0]]);
  expect(buf[0]).toBe('x'.charCodeAt(0));
  ring.prepRecv(a, buf, 8);
  b.close();
  expect(ring.wait(1, 5)).toEqual([[8, 0, 0]]);
});

whenUring.test('send to a closed peer: -EPIPE, no SIGPIPE', () => {
  const ring = ringOf();
  const [a, b] = pair();
  b.close();
  ring.prepSend(a, Buffer.from('x'), 1);
  expect(ring.wait(1, 5)).toEqual([[1, -E.EPIPE, 0]]);
});

whenUring.test('accept and connect on loopback: the accepted fd is close-on-exec and talks to the client', () => {
  const ring = ringOf();
  const [server, port, client] = listenerAndClient(AF_INET, '127.0.0.1');
  ring.prepAccept(server, 1);
  ring.prepConnect(client, ['127.0.0.1', port], 2);
  const got = byTag(ring.wait(2, 5));
  expect(got.get(2)).toEqual([0, 0]);
  const fd = got.get(1)![0];
  expect(fd).toBeGreaterThan(2);
  open.push({ close: () => os.close(fd) });
  const flags = openFlags(fd);
  expect(flags & 0o2000000).toBe(0o2000000); // O_CLOEXEC
  client.send(Buffer.from('ping'));
  const buf = Buffer.alloc(4);
  ring.prepRecv(fd, buf, 3);
  expect(ring.wait(1, 5)).toEqual([[3, 4, 0]]);
  expect(buf.toString()).toBe('ping');
});

const whenUringIpv6 = when(Ring.available && hasIpv6Loopback, Ring.available ? '::1 is unavailable here' : `io_uring unavailable: ${Ring.unavailableReason}`);
whenUringIpv6.test('connect to \'localhost\' from an AF_INET6 socket goes over IPv6, as the socket\'s own connect() does', () => {
  const ring = ringOf();
  const [server, port, client] = listenerAndClient(AF_INET6, '::1');
  ring.prepConnect(client, ['localhost', port], 2);
  expect(ring.wait(1, 5)).toEqual([[2, 0, 0]]);
  open.push(server.accept()[0]);
});

whenUring.test('connect to a closed port: -ECONNREFUSED', () => {
  const ring = ringOf();
  const probe = socket(AF_INET, SOCK_STREAM);
  probe.bind(['127.0.0.1', 0]);
  const port = (probe.getsockname() as [string, number])[1];
  probe.close();
  const client = socket(AF_INET, SOCK_STREAM);
  open.push(client);
  ring.prepConnect(client, ['127.0.0.1', port], 9);
  expect(ring.wait(1, 5)).toEqual([[9, -E.ECONNREFUSED, 0]]);
});

whenUring.test('write and read a file at offsets, and at the current position (-1)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'iomux-uring-'));
  const file = path.join(dir, 'f');
  writeFileSync(file, '');
  const fd = openSync(file, 'r+');
  try {
    const ring = ringOf();
    ring.prepWrite(fd, Buffer.from('0123456789'), 0, 1);
    expect(ring.wait(1, 5)).toEqual([[1, 10, 0]]);
    ring.prepWrite(fd, Buffer.from('AB'), 4, 2);
    expect(ring.wait(1, 5)).toEqual([[2, 2, 0]]);
    expect(readFileSync(file, 'utf8')).toBe('0123AB6789');
    const buf = Buffer.alloc(6);
    ring.prepRead(fd, buf, 3, 3);
    expect(ring.wait(1, 5)).toEqual([[3, 6, 0]]);
    expect(buf.toString()).toBe('3AB678');
    ring.prepRead(fd, buf, 100, 4);
    expect(ring.wait(1, 5)).toEqual([[4, 0, 0]]); // past the end
    const view = new DataView(new ArrayBuffer(4));
    ring.prepRead(fd, view, -1, 5); // the fd's position is 0: writes/reads at offsets do not move it
    expect(ring.wait(1, 5)).toEqual([[5, 4, 0]]);
    expect(Buffer.from(view.buffer).toString()).toBe('0123');
  } finally {
    closeSync(fd);
    rmSync(dir, { recursive: true });
  }
});

whenUring.test('read and write on a pipe', () => {
  const ring = ringOf();
  const [r, w] = os.pipe();
  open.push({ close: () => os.close(r) }, { close: () => os.close(w) });
  const buf = Buffer.alloc(5);
  ring.prepRead(r, buf, -1, 1);
  ring.prepWrite(w, Buffer.from('piped'), -1, 2);
  const got = byTag(ring.wait(2, 5));
  expect(got.get(1)).toEqual([5, 0]);
  expect(got.get(2)).toEqual([5, 0]);
  expect(buf.toString()).toBe('piped');
});

whenUring.test('poll add: the ready bits; a poll on an idle socket waits', () => {
  const ring = ringOf();
  const [a, b] = pair();
  ring.prepPollAdd(a, C.POLLOUT, 1);
  expect(ring.wait(1, 5)).toEqual([[1, C.POLLOUT, 0]]);
  ring.prepPollAdd(a, C.POLLIN, 2);
  expect(ring.wait(1, 0.05)).toEqual([]);
  b.send(Buffer.from('!'));
  expect(ring.wait(1, 5)).toEqual([[2, C.POLLIN, 0]]);
});

whenUring.test('cancel: the target ends with -ECANCELED and the cancel with 0; a second cancel finds nothing', () => {
  const ring = ringOf();
  const [a] = pair();
  ring.prepRecv(a, Buffer.alloc(4), 1);
  ring.submit();
  ring.prepCancel(1, 2);
  const got = byTag(ring.wait(2, 5));
  expect(got.get(1)).toEqual([-E.ECANCELED, 0]);
  expect(got.get(2)).toEqual([0, 0]);
  ring.prepCancel(1, 3);
  expect(ring.wait(1, 5)).toEqual([[3, -E.ENOENT, 0]]);
});

whenUring.test('timeout: -ETIME after about the time asked; cancelled: -ECANCELED', () => {
  const ring = ringOf();
  const t0 = performance.now();
  ring.prepTimeout(0.05, 1);
  expect(ring.wait(1)).toEqual([[1, -E.ETIME, 0]]);
  expect(performance.now() - t0).toBeGreaterThanOrEqual(45);
  ring.prepTimeout(60, 2);
  ring.submit();
  ring.prepCancel(2, 3);
  const got = byTag(ring.wait(2, 5));
  expect(got.get(2)).toEqual([-E.ECANCELED, 0]);
});

whenUring.test('tags: 0, 2^16-1, 2^16 and 2^32-1 round-trip (small tags and others are kept apart in the addon); a pending tag cannot be reused until harvested', () => {
  const ring = ringOf();
  const tags = [0, 2 ** 16 - 1, 2 ** 16, 2 ** 32 - 1];
  for (const tag of tags) ring.prepTimeout(0, tag);
  expect(ring.pending).toBe(tags.length);
  for (const tag of tags) expect(codeOf(() => ring.prepTimeout(0, tag))).toBe('ERR_INVALID_ARG_VALUE');
  expect(ring.wait(tags.length, 5).map(([tag]) => tag).sort((a, b) => a - b)).toEqual(tags);
  expect(ring.pending).toBe(0);
  ring.prepTimeout(0, 0); // free again
  expect(ring.wait(1, 5)).toEqual([[0, -E.ETIME, 0]]);
});

whenUring.test('wait: minComplete 0 does not block; a timeout returns []; more than pending with no timeout is refused', () => {
  const ring = ringOf(4);
  expect(ring.wait(0)).toEqual([]);
  const t0 = performance.now();
  expect(ring.wait(1, 0.05)).toEqual([]);
  expect(performance.now() - t0).toBeGreaterThanOrEqual(45);
  expect(codeOf(() => ring.wait(1))).toBe('ERR_OUT_OF_RANGE');
  expect(codeOf(() => ring.wait(9, 1))).toBe('ERR_OUT_OF_RANGE'); // above cqEntries (8)
});

for (const deferTaskrun of [false, true]) {
  whenUring.test(`wait(0) returns every completion ready, also on a ${deferTaskrun ? 'deferTaskrun' : 'default'} ring (one enter runs at most 20 items of deferred work on Linux 6.13+)`, () => {
    const ring = new Ring(64, { deferTaskrun });
    open.push(ring);
    const pairs = Array.from({ length: 30 }, () => pair());
    pairs.forEach(([a], i) => ring.prepPollAdd(a, C.POLLIN, i));
    ring.submit();
    for (const [, b] of pairs) b.send(Buffer.from('x'));
    expect(ring.wait(0).length).toBe(30);
    expect(ring.wait(0)).toEqual([]);
  });
}

whenUring.test('more prepared than the submission queue holds: the queue is flushed on the way, nothing lost', () => {
  const ring = ringOf(4, 64);
  for (let tag = 0; tag < 40; tag++) ring.prepTimeout(0, tag);
  const seen: number[] = [];
  while (seen.length < 40) for (const [tag] of ring.wait(1, 5)) seen.push(tag);
  expect(seen.sort((x, y) => x - y)).toEqual([...Array(40).keys()]);
});

whenUring.test('waitInto: triples in a caller-owned Int32Array, the tag as uint32 bits', () => {
  const ring = ringOf();
  const out = new Int32Array(3);
  ring.prepTimeout(0, 2 ** 31 + 5);
  ring.prepTimeout(0, 6);
  expect(ring.waitInto(out, 2, 5)).toBe(1);
  const first = out[0] >>> 0;
  expect(ring.waitInto(out, 0)).toBe(1);
  expect([first, out[0] >>> 0].sort()).toEqual([6, 2 ** 31 + 5].sort());
  expect(out[1]).toBe(-E.ETIME);
});

whenUring.test('fileno is a close-on-exec fd, closed by close(); close is idempotent and then ERR_CLOSED', () => {
  const ring = new Ring();
  const fd = ring.fileno();
  const flags = openFlags(fd);
  expect(flags & 0o2000000).toBe(0o2000000);
  ring.prepTimeout(60, 1);
  ring.submit();
  ring.close();
  ring.close();
  expect(ring.closed).toBe(true);
  expect(ring.pending).toBe(0);
  expect(codeOf(() => os.getBlocking(fd))).toBe('EBADF');
  expect(codeOf(() => ring.fileno())).toBe('ERR_CLOSED');
  expect(codeOf(() => ring.submit())).toBe('ERR_CLOSED');
  expect(codeOf(() => ring.wait(0))).toBe('ERR_CLOSED');
  expect(codeOf(() => ring.prepTimeout(1, 2))).toBe('ERR_CLOSED');
});

whenUring.test('using: the ring is closed at the end of the block', () => {
  let fd: number;
  {
    using ring = new Ring(2);
    fd = ring.fileno();
  }
  expect(codeOf(() => os.getBlocking(fd))).toBe('EBADF');
});

whenUring.test('Ring.available and unavailableReason agree', () => {
  expect(Ring.available).toBe(true);
  expect(Ring.unavailableReason).toBeNull();
});

whenUring.test('close() with an accept completed but not harvested closes the accepted connection (no fd leaked)', () => {
  const server = socket(AF_INET, SOCK_STREAM);
  open.push(server);
  server.bind(['127.0.0.1', 0]);
  server.listen(8);
  const client = socket(AF_INET, SOCK_STREAM);
  open.push(client);
  client.connect(server.getsockname() as [string, number]); // waits in the backlog
  const before = openFds();
  const ring = new Ring(4);
  ring.prepAccept(server, 1);
  ring.submit(); // the accept completes at once; its fd is in the completion queue
  ring.close();
  expect(openFds()).toEqual(before);
  os.setBlocking(client.fileno(), true);
  expect(client.recv(1).length).toBe(0); // the server side was closed: EOF
});
