// fd passing (SCM_RIGHTS) with a python3 peer in both directions: the peer is a child holding one
// end of an AF_UNIX socketpair as its fd 3. Then what iomux adds to Python's send_fds/recv_fds:
// close-on-exec on every received fd, and MSG_CTRUNC closing the fds that did arrive.
import { readFileSync } from 'node:fs';
import { select } from '../../lib/select';
import { os, socket } from '../../lib/index';
import { killAll, start, succeeded, type Child } from '../helpers/child';
import { Resources, expectNoFdLeaks, inheritedByChild, openFds } from '../helpers/fds';

const { MSG_CTRUNC, MSG_CMSG_CLOEXEC, SCM_RIGHTS, SOL_SOCKET, Socket, recvFds, sendFds } = socket;

const res = new Resources();
afterEach(async () => {
  res.closeAll();
  await killAll();
});
expectNoFdLeaks();

// Waits (at most 20 s, so that a dead peer fails the test instead of hanging it) until sock is readable.
function readable(sock: socket.Socket): void {
  const [ready] = select([sock], [], [], 20);
  if (ready.length === 0) throw new Error(`fd ${sock.fileno()} not readable within 20 s`);
}

// A python3 child running `script` with the other end of a new socketpair as its fd 3 (`chan`).
function python(script: string): [socket.Socket, Child] {
  const [mine, theirs] = res.socketpair();
  const prelude = 'import array, json, os, socket, sys\nchan = socket.socket(fileno=3)\n';
  const child = start('python3', ['-c', prelude + script], { stdio: ['ignore', 'pipe', 'pipe', theirs.fileno()] });
  theirs.close(); // the child has its own copy
  return [mine, child];
}

async function output(child: Child): Promise<Record<string, unknown>> {
  const r = await child.exited;
  return JSON.parse(succeeded(r, 'python3').trim().split('\n').at(-1)!) as Record<string, unknown>;
}

// Whether fd is close-on-exec (Linux: the O_CLOEXEC bit of /proc/self/fdinfo's octal flags).
function cloexec(fd: number): boolean {
  const flags = /^flags:\s+(\d+)$/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'))![1];
  return (parseInt(flags, 8) & os.O_CLOEXEC) !== 0;
}

test('python sends a listening socket; iomux receives it, adopts it and accepts python\'s connection on it', async () => {
  const [chan, child] = python(`
lst = socket.create_server(('127.0.0.1', 0))
port = lst.getsockname()[1]
socket.send_fds(chan, [b'L'], [lst.fileno()])
lst.close()  # iomux holds the only copy now
c = socket.create_connection(('127.0.0.1', port))
c.sendall(b'hello from python')
got = c.recv(100)
print(json.dumps({"port": port, "got": got.decode()}))
`);
  readable(chan);
  const [data, fds, msgFlags, address] = recvFds(chan, 10, 1);
  expect([data.toString(), fds.length, msgFlags, address]).toEqual(['L', 1, 0, null]);
  expect(cloexec(fds[0])).toBe(true);
  const listener = res.add(Socket.fromfd(fds[0]));
  expect(listener.getsockopt(SOL_SOCKET, socket.SO_ACCEPTCONN)).toBe(1);
  readable(listener);
  const [conn] = listener.accept();
  res.add(conn);
  readable(conn);
  expect(conn.recv(100).toString()).toBe('hello from python');
  conn.sendall(Buffer.from('hello from iomux'));
  expect(await output(child)).toEqual({ port: (listener.getsockname() as [string, number])[1], got: 'hello from iomux' });
});

test('iomux sends a pipe end and a socket; python receives them with recv_fds and writes through both', async () => {
  const [r, w] = res.pipe();
  const [near, far] = res.socketpair();
  const [chan, child] = python(`
msg, fds, flags, addr = socket.recv_fds(chan, 10, 2)
os.write(fds[0], b'via pipe')
s = socket.socket(fileno=fds[1])
s.sendall(b'via socket')
print(json.dumps({"msg": msg.decode(), "n": len(fds), "flags": flags, "addr": addr, "inheritable": [os.get_inheritable(fd) for fd in fds]}))
`);
  expect(sendFds(chan, [Buffer.from('two'), Buffer.from(' fds')], [w, far])).toBe(7);
  os.close(w);
  far.close(); // python holds the copies: the data below can only have come through them
  // (CPython's recv_fds gives inheritable fds; iomux's are close-on-exec: see the tests below)
  expect(await output(child)).toEqual({ msg: 'two fds', n: 2, flags: 0, addr: null, inheritable: [true, true] });
  expect(os.read(r, 100).toString()).toBe('via pipe');
  expect(near.recv(100).toString()).toBe('via socket');
});

test('many fds in one message, both ways: each arrives as a working copy of the file it was', async () => {
  const pipes = Array.from({ length: 5 }, () => res.pipe());
  const [chan, child] = python(`
msg, fds, flags, addr = socket.recv_fds(chan, 10, 5)
for i, fd in enumerate(fds):
    os.write(fd, b'pipe %d' % i)
    os.close(fd)
# and back: three pipes of python's, their write ends to iomux
ours = [os.pipe() for _ in range(3)]
socket.send_fds(chan, [b'back'], [w for _, w in ours])
for _, w in ours:
    os.close(w)
got = [os.read(r, 100).decode() for r, _ in ours]
print(json.dumps({"n": len(fds), "flags": flags, "got": got}))
`);
  sendFds(chan, [Buffer.from('5')], pipes.map(([, w]) => w));
  readable(chan);
  const [data, fds, msgFlags] = recvFds(chan, 10, 3);
  expect([data.toString(), fds.length, msgFlags]).toEqual(['back', 3, 0]);
  for (const [i, fd] of fds.entries()) {
    res.fd(fd);
    expect(cloexec(fd)).toBe(true);
    os.write(fd, Buffer.from(`iomux ${i}`));
    os.close(fd);
  }
  expect(await output(child)).toEqual({ n: 5, flags: 0, got: ['iomux 0', 'iomux 1', 'iomux 2'] });
  for (const [i, [r]] of pipes.entries()) expect(os.read(r, 100).toString()).toBe(`pipe ${i}`);
});

test('recvmsg returns the SCM_RIGHTS item as Python does: native-endian int32 fds, one item for two sent', () => {
  const [a, b] = res.socketpair();
  const [r, w] = res.pipe();
  a.sendmsg([Buffer.from('m')], [[SOL_SOCKET, SCM_RIGHTS, Int32Array.of(r)], [SOL_SOCKET, SCM_RIGHTS, Int32Array.of(w)]]);
  const [data, ancdata, msgFlags, address] = b.recvmsg(10, socket.CMSG_SPACE(8));
  expect([data.toString(), msgFlags, address]).toEqual(['m', 0, null]);
  // Linux merges consecutive SCM_RIGHTS items into one, as CPython shows too.
  expect(ancdata).toHaveLength(1);
  const [level, type, fdBytes] = ancdata[0];
  expect([level, type, fdBytes.length]).toEqual([SOL_SOCKET, SCM_RIGHTS, 8]);
  const got = [fdBytes.readInt32LE(0), fdBytes.readInt32LE(4)].map((fd) => res.fd(fd));
  os.write(got[1], Buffer.from('x'));
  expect(os.read(r, 1).toString()).toBe('x');
  expect(got.every(cloexec)).toBe(true);
});

describe('MSG_CTRUNC: the fds that did arrive are closed too, none is left open', () => {
  test.each([
    ['recvFds with maxfds 1', (s: socket.Socket) => recvFds(s, 10, 1)],
    ['recvFds with maxfds 0', (s: socket.Socket) => recvFds(s, 10, 0)],
    ['recvmsg with room for one fd', (s: socket.Socket) => s.recvmsg(10, socket.CMSG_LEN(4))],
    ['recvmsg with less room than a header', (s: socket.Socket) => s.recvmsg(10, 3)],
    ['recvmsg with no room', (s: socket.Socket) => s.recvmsg(10)],
    ['recvmsgInto with room for two fds', (s: socket.Socket) => {
      const buf = Buffer.alloc(10);
      const [n, ...rest] = s.recvmsgInto([buf], socket.CMSG_SPACE(8));
      return [buf.subarray(0, n), ...rest];
    }],
  ])('iomux to iomux: %s', (_name, receive) => {
    const [a, b] = res.socketpair();
    const [r, w] = res.pipe();
    sendFds(a, [Buffer.from('data')], [r, w, r]);
    const before = openFds();
    const [data, fdsOrAnc, msgFlags] = receive(b);
    expect(openFds()).toEqual(before);
    expect((data as Buffer).toString()).toBe('data');
    expect(fdsOrAnc).toEqual([]);
    expect((msgFlags as number) & MSG_CTRUNC).toBe(MSG_CTRUNC);
  });

  test('from python: three fds sent, recvFds(…, 1) gets the data and MSG_CTRUNC, and no fd', async () => {
    const [chan, child] = python(`
r, w = os.pipe()
socket.send_fds(chan, [b'three'], [r, w, r])
chan.recv(1)  # wait until iomux has received
print(json.dumps({"done": True}))
`);
    readable(chan);
    const before = openFds();
    const [data, fds, msgFlags] = recvFds(chan, 10, 1);
    expect(openFds()).toEqual(before);
    expect([data.toString(), fds, msgFlags & MSG_CTRUNC]).toEqual(['three', [], MSG_CTRUNC]);
    chan.send(Buffer.from('k'));
    expect(await output(child)).toEqual({ done: true });
  });

  test('CPython differs here: it hands back the fd that fit (the reason for the rule)', async () => {
    const [chan, child] = python(`
r, w = os.pipe()
a, b = socket.socketpair()
socket.send_fds(a, [b'x'], [r, w])
msg, fds, flags, addr = socket.recv_fds(b, 10, 1)
print(json.dumps({"fds": len(fds), "ctrunc": bool(flags & socket.MSG_CTRUNC)}))
`);
    chan.close();
    expect(await output(child)).toEqual({ fds: 1, ctrunc: true });
  });
});

test('msgFlags shows MSG_CMSG_CLOEXEC only when the caller passed it, as Python\'s', async () => {
  const [a, b] = res.socketpair();
  const [r] = res.pipe();
  sendFds(a, [Buffer.from('1')], [r]);
  const plain = recvFds(b, 10, 1);
  res.fd(plain[1][0]);
  sendFds(a, [Buffer.from('2')], [r]);
  const asked = recvFds(b, 10, 1, MSG_CMSG_CLOEXEC);
  res.fd(asked[1][0]);
  const [chan, child] = python(`
a, b = socket.socketpair()
r, w = os.pipe()
socket.send_fds(a, [b'1'], [r])
plain = b.recvmsg(10, socket.CMSG_LEN(4))[2]
socket.send_fds(a, [b'2'], [r])
asked = b.recvmsg(10, socket.CMSG_LEN(4), socket.MSG_CMSG_CLOEXEC)[2]
print(json.dumps({"plain": plain, "asked": asked}))
`);
  chan.close();
  expect(await output(child)).toEqual({ plain: plain[2], asked: asked[2] });
  expect([plain[2], asked[2]]).toEqual([0, MSG_CMSG_CLOEXEC]);
});

test('the fds sent stay open and the sender\'s; a closed one is EBADF, and nothing arrives', () => {
  const [a, b] = res.socketpair();
  const [r, w] = res.pipe();
  const dead = os.dup(w);
  os.close(dead);
  expect(() => sendFds(a, [Buffer.from('x')], [r, dead])).toThrow(expect.objectContaining({ code: 'EBADF', syscall: 'sendmsg' }));
  b.setblocking(false);
  expect(() => recvFds(b, 10, 2)).toThrow(expect.objectContaining({ code: 'EAGAIN', syscall: 'recvmsg' }));
  sendFds(a, [Buffer.from('y')], [r, w]);
  os.write(w, Buffer.from('still mine'));
  expect(os.read(r, 100).toString()).toBe('still mine');
  const [, fds] = recvFds(b, 10, 2);
  for (const fd of fds) os.close(fd);
});

test('a Socket in fds is sent by its fileno(); an empty message on a stream socket carries no fds (Linux)', () => {
  const [a, b] = res.socketpair();
  const [x, y] = res.socketpair();
  expect(sendFds(a, [], [x])).toBe(0);
  b.setblocking(false);
  expect(() => recvFds(b, 10, 1)).toThrow(expect.objectContaining({ code: 'EAGAIN' }));
  sendFds(a, [Buffer.from('s')], [x]);
  const [, [fd]] = recvFds(b, 10, 1);
  const copy = res.add(Socket.fromfd(fd));
  copy.sendall(Buffer.from('through the copy'));
  expect(y.recv(100).toString()).toBe('through the copy');
});

test('non-blocking: a full send buffer throws EAGAIN from sendFds and sendmsg, and no fd leaks', () => {
  const [a, b] = res.socketpair();
  const [r] = res.pipe();
  a.setblocking(false);
  const chunk = Buffer.alloc(65536);
  while (a.trySend(chunk) !== null);
  expect(() => sendFds(a, [Buffer.from('x')], [r])).toThrow(expect.objectContaining({ code: 'EAGAIN', syscall: 'sendmsg' }));
  expect(() => a.sendmsg([chunk])).toThrow(expect.objectContaining({ code: 'EAGAIN', syscall: 'sendmsg' }));
  b.setblocking(false);
  const buf = Buffer.alloc(65536);
  while (b.tryRecvInto(buf) !== null);
});

test('a datagram socketpair: each message brings its own fds, even with no data bytes', () => {
  const [a, b] = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM);
  res.add(a);
  res.add(b);
  const [r, w] = res.pipe();
  expect(sendFds(a, [], [w])).toBe(0);
  sendFds(a, [Buffer.from('2')], [r]);
  const first = recvFds(b, 10, 1);
  const second = recvFds(b, 10, 1);
  for (const fd of [...first[1], ...second[1]]) res.fd(fd);
  expect([first[0].toString(), first[1].length, second[0].toString(), second[1].length]).toEqual(['', 1, '2', 1]);
  os.write(first[1][0], Buffer.from('dgram'));
  expect(os.read(second[1][0], 100).toString()).toBe('dgram');
});

test('MSG_PEEK: each peek brings a new copy of the fds (Linux), each the caller\'s to close', () => {
  const [a, b] = res.socketpair();
  const [r, w] = res.pipe();
  sendFds(a, [Buffer.from('p')], [w]);
  const copies = [recvFds(b, 10, 1, socket.MSG_PEEK), recvFds(b, 10, 1, socket.MSG_PEEK), recvFds(b, 10, 1)].map(([data, [fd]]) => {
    expect(data.toString()).toBe('p');
    return res.fd(fd);
  });
  expect(new Set([w, ...copies]).size).toBe(4);
  for (const [i, fd] of copies.entries()) os.write(fd, Buffer.from(String(i)));
  expect(os.read(r, 10).toString()).toBe('012');
});

test('received fds are not inherited by a child process (checked by the child, with a positive control)', () => {
  const [a, b] = res.socketpair();
  const [r, w] = res.pipe();
  sendFds(a, [Buffer.from('c')], [r, w]);
  const [, fds] = recvFds(b, 10, 2);
  for (const fd of fds) res.fd(fd);
  // fd 3 of the child is given on purpose (spawn's stdio dups it): that one the child must see.
  const out = inheritedByChild(fds);
  expect(JSON.parse(succeeded(out, 'python3'))).toEqual({ inherited: [], control: true });
});
