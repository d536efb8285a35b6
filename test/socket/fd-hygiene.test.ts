// Non-blocking connect, close-on-exec (checked in a child process), handing a socket to Node's
// net.Socket, and the finalizer that closes a forgotten socket.
import { Socket as NetSocket } from 'node:net';
import { constants as osConstants } from 'node:os';
import { expectNoFdLeaks, inheritedByChild } from '../helpers/fds';
import { collectUntil, trackOpen } from '../helpers/gc';
import { C, native } from '../../lib/native';
import { pipe, close as osClose } from '../../lib/os';
import {
  AF_INET, AF_UNIX, SOCK_DGRAM, SOCK_STREAM, SOL_SOCKET, SO_ERROR, Socket, createConnection, createServer, socket, socketpair,
} from '../../lib/socket';

const { EINPROGRESS, ECONNREFUSED } = osConstants.errno;

expectNoFdLeaks();

// Waits until fd is writable (or timeoutMs passes) with the addon's poll(2); returns revents.
function waitWritable(fd: number, timeoutMs: number): number {
  const fds = new Int32Array(2);
  fds[0] = fd;
  new Int16Array(fds.buffer)[2] = C.POLLOUT;
  const out = new Int32Array(2);
  const n = native.poll(fds, 1, out, timeoutMs);
  expect(n).toBe(1);
  return out[1];
}

test('non-blocking connect: connectEx gives EINPROGRESS, then writable and SO_ERROR 0', () => {
  const server = createServer(['127.0.0.1', 0]);
  const client = socket(AF_INET, SOCK_STREAM);
  try {
    client.setBlocking(false);
    const err = client.connectEx(server.getsockname());
    expect(err).toBe(EINPROGRESS);
    expect(waitWritable(client.fileno(), 5000) & C.POLLOUT).toBeTruthy();
    expect(client.getsockopt(SOL_SOCKET, SO_ERROR)).toBe(0);
    expect(client.getpeername()).toEqual(server.getsockname());
    server.accept()[0].close();
  } finally {
    client.close();
    server.close();
  }
});

test('non-blocking connect: connect() throws EINPROGRESS (Python\'s BlockingIOError)', () => {
  const server = createServer(['127.0.0.1', 0]);
  const client = socket();
  try {
    client.setBlocking(false);
    expect(() => client.connect(server.getsockname())).toThrow(expect.objectContaining({ code: 'EINPROGRESS', syscall: 'connect' }));
    waitWritable(client.fileno(), 5000);
    server.accept()[0].close();
  } finally {
    client.close();
    server.close();
  }
});

test('non-blocking connect to a closed port: ECONNREFUSED through SO_ERROR', () => {
  // A bound, not listening socket holds the port, so nobody else can listen there meanwhile.
  const holder = socket();
  const client = socket();
  try {
    holder.bind(['127.0.0.1', 0]);
    client.setBlocking(false);
    const err = client.connectEx(holder.getsockname());
    if (err === EINPROGRESS) {
      waitWritable(client.fileno(), 5000);
      expect(client.getsockopt(SOL_SOCKET, SO_ERROR)).toBe(ECONNREFUSED);
    } else {
      expect(err).toBe(ECONNREFUSED);
    }
    // A blocking connect there throws it.
    const blocking = socket();
    try {
      expect(() => blocking.connect(holder.getsockname())).toThrow(expect.objectContaining({ code: 'ECONNREFUSED' }));
    } finally {
      blocking.close();
    }
  } finally {
    client.close();
    holder.close();
  }
});

test('every socket is close-on-exec: a child process does not inherit any of them', () => {
  const server = createServer(['127.0.0.1', 0]);
  const client = createConnection(server.getsockname() as [string, number]);
  const [accepted] = server.accept();
  const [a, b] = socketpair();
  const [c, d] = socketpair(AF_UNIX, SOCK_DGRAM);
  const udp = socket(AF_INET, SOCK_DGRAM);
  const sockets = [server, client, accepted, a, b, c, d, udp];
  try {
    // Positive control: fd 3 is passed on purpose, so the child's check must see that one.
    const r = inheritedByChild(sockets.map((s) => s.fileno()));
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ inherited: [], control: true });
  } finally {
    for (const s of sockets) s.close();
  }
});

test('detach() hands the fd to Node\'s net.Socket, which reads and writes it', async () => {
  const [a, b] = socketpair();
  const stream = new NetSocket({ fd: a.detach(), readable: true, writable: true });
  try {
    expect(a.closed).toBe(true);
    expect(a.fileno()).toBe(-1);
    const got = new Promise<string>((resolve) => stream.once('data', (chunk: Buffer) => resolve(chunk.toString())));
    b.sendall(Buffer.from('to node'));
    expect(await got).toBe('to node');
    await new Promise<void>((resolve) => stream.write('from node', () => resolve()));
    expect(b.recv(100).toString()).toBe('from node');
  } finally {
    await new Promise<void>((resolve) => {
      stream.once('close', () => resolve());
      stream.destroy();
    });
    b.close();
  }
});

test('Socket.fromFd refuses a non-socket fd with ENOTSOCK and does not take it', () => {
  const [r, w] = pipe();
  try {
    expect(() => Socket.fromFd(r)).toThrow(expect.objectContaining({ code: 'ENOTSOCK' }));
  } finally {
    osClose(r);
    osClose(w);
  }
});

// Made in its own frame so that no register of the test's async frame keeps the socket alive.
function forgottenSocketFd(): number {
  return socket(AF_INET, SOCK_DGRAM).fileno();
}

test('a socket garbage-collected without close() has its fd closed by the finalizer', async () => {
  const fds = [forgottenSocketFd(), forgottenSocketFd(), forgottenSocketFd()];
  const stillOpen = trackOpen(fds);
  await collectUntil(() => stillOpen().length === 0);
  expect(stillOpen()).toEqual([]);
});
